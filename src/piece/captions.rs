//! Captions: cues on each item (typed in the editor, or read from the SRT or WebVTT file a
//! contributor sent with a clip) and the piece's own track, laid on the piece's timeline,
//! burned into the picture and written beside the video as WebVTT and SRT. A caption file
//! is somebody else's text: its size, count, times and characters are checked, and a bad
//! one is refused with the line that is wrong.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{frames, ms_of, Montage, TransitionKind};

/// Text shown from `start_ms` to `end_ms`: on an item, from the item's first frame; on the
/// piece, from its first frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Cue {
    pub start_ms: u64,
    pub end_ms: u64,
    pub text: String,
}

pub const MAX_CUES: usize = 2_000;
pub const MAX_CUE_CHARS: usize = 200;
pub const MAX_LINES: usize = 3;
const MAX_FILE_BYTES: u64 = 1 << 20;

#[derive(Debug, thiserror::Error)]
#[error("{path}: {why}")]
pub struct CaptionError {
    pub path: PathBuf,
    pub why: String,
}

/// Reads an SRT or WebVTT file (told apart by the `WEBVTT` header WebVTT must start with).
pub fn read_file(path: &Path) -> Result<Vec<Cue>, CaptionError> {
    let err = |why: String| CaptionError {
        path: path.to_path_buf(),
        why,
    };
    let len = std::fs::metadata(path)
        .map_err(|e| err(format!("cannot read it: {e}")))?
        .len();
    if len > MAX_FILE_BYTES {
        return Err(err(format!(
            "{len} bytes is too big for a caption file (at most {MAX_FILE_BYTES})"
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| err(format!("cannot read it: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| err("not UTF-8 text; save the captions as UTF-8 SRT or WebVTT".into()))?;
    parse(&text).map_err(err)
}

/// Parses SRT or WebVTT text into cues in the file's own time, in order.
pub fn parse(text: &str) -> Result<Vec<Cue>, String> {
    let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let vtt = text.starts_with("WEBVTT");
    let mut cues = Vec::new();
    let mut line_no = 0usize;
    let mut lines = text.lines().map(|l| {
        line_no += 1;
        (line_no, l)
    });
    if vtt {
        // The header block, up to its first blank line.
        for (_, l) in lines.by_ref() {
            if l.trim().is_empty() {
                break;
            }
        }
    }
    let mut block: Vec<(usize, &str)> = Vec::new();
    let mut flush = |block: &mut Vec<(usize, &str)>| -> Result<(), String> {
        let taken = std::mem::take(block);
        if let Some(cue) = cue_of(&taken, vtt)? {
            if cues.len() == MAX_CUES {
                return Err(format!("more than {MAX_CUES} captions"));
            }
            cues.push(cue);
        }
        Ok(())
    };
    for (n, l) in lines {
        if l.trim().is_empty() {
            flush(&mut block)?;
        } else {
            block.push((n, l));
        }
    }
    flush(&mut block)?;
    if cues.is_empty() {
        return Err("no captions in it (an SRT or WebVTT file has numbered blocks with times like 00:00:01,000 --> 00:00:02,500)".into());
    }
    cues.sort_by_key(|c: &Cue| c.start_ms);
    Ok(cues)
}

/// One block: an optional number or identifier, the timing line, then the text.
fn cue_of(block: &[(usize, &str)], vtt: bool) -> Result<Option<Cue>, String> {
    let Some(timing) = block.iter().position(|(_, l)| l.contains("-->")) else {
        // WebVTT NOTE, STYLE and REGION blocks hold no cue.
        let first = block.first().map_or("", |(_, l)| l.trim());
        if vtt
            && ["NOTE", "STYLE", "REGION"]
                .iter()
                .any(|k| first.starts_with(k))
        {
            return Ok(None);
        }
        return match block.first() {
            Some((n, _)) => Err(format!("line {n}: a block without a time (start --> end)")),
            None => Ok(None),
        };
    };
    let (n, line) = block[timing];
    let (from, rest) = line
        .split_once("-->")
        .ok_or_else(|| format!("line {n}: no -->"))?;
    // WebVTT settings (position, align) follow the end time; they are not ours to keep.
    let to = rest.split_whitespace().next().unwrap_or("");
    let (start_ms, end_ms) = match (parse_time(from.trim()), parse_time(to)) {
        (Some(s), Some(e)) => (s, e),
        _ => {
            return Err(format!(
                "line {n}: '{}' is not a time range like 00:00:01,000 --> 00:00:02,500",
                line.chars().take(60).collect::<String>()
            ))
        }
    };
    if end_ms <= start_ms {
        return Err(format!("line {n}: the caption ends before it starts"));
    }
    let text = clean(
        &block[timing + 1..]
            .iter()
            .map(|(_, l)| *l)
            .collect::<Vec<_>>()
            .join("\n"),
    );
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > MAX_CUE_CHARS {
        return Err(format!(
            "line {n}: a caption longer than {MAX_CUE_CHARS} characters; split it"
        ));
    }
    Ok(Some(Cue {
        start_ms,
        end_ms,
        text,
    }))
}

/// `hh:mm:ss,mmm`, `hh:mm:ss.mmm` or `mm:ss.mmm`, under 24 hours.
fn parse_time(s: &str) -> Option<u64> {
    let (clock, frac) = s.split_once([',', '.'])?;
    if frac.len() != 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let parts: Vec<&str> = clock.split(':').collect();
    let num = |p: &str| -> Option<u64> {
        (!p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let (h, m, sec) = match parts.as_slice() {
        [h, m, s] => (num(h)?, num(m)?, num(s)?),
        [m, s] => (0, num(m)?, num(s)?),
        _ => return None,
    };
    if h >= 24 || m >= 60 || sec >= 60 {
        return None;
    }
    Some(((h * 60 + m) * 60 + sec) * 1000 + frac.parse::<u64>().ok()?)
}

/// Caption text as plain words: markup (`<i>`, `<c.yellow>`, `{\an8}`) and control
/// characters removed, entities read, at most `MAX_LINES` lines.
pub fn clean(text: &str) -> String {
    let mut out = String::new();
    let mut in_tag = None;
    for c in text.chars() {
        match (in_tag, c) {
            (None, '<') => in_tag = Some('>'),
            (None, '{') => in_tag = Some('}'),
            (Some(end), c) if c == end => in_tag = None,
            (Some(_), _) => {}
            (None, c) if c == '\n' || !c.is_control() => out.push(c),
            (None, _) => {}
        }
    }
    let out = out
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ");
    out.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(MAX_LINES)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Problems with cues on something `len_ms` long (an item, or the whole piece).
pub fn check(cues: &[Cue], len_ms: u64, whose: &str, problems: &mut Vec<String>) {
    if cues.len() > MAX_CUES {
        problems.push(format!("{whose}: more than {MAX_CUES} captions"));
        return;
    }
    for (i, c) in cues.iter().enumerate() {
        let at = format!("{whose}: caption {}", i + 1);
        if c.end_ms <= c.start_ms {
            problems.push(format!("{at} ends before it starts"));
        } else if c.end_ms > len_ms {
            problems.push(format!(
                "{at} runs to {} ms, past the end ({len_ms} ms)",
                c.end_ms
            ));
        }
        if c.text.trim().is_empty() {
            problems.push(format!("{at} has no words"));
        } else if c.text.chars().count() > MAX_CUE_CHARS {
            problems.push(format!("{at} is longer than {MAX_CUE_CHARS} characters"));
        }
        if c.text.chars().any(|ch| ch.is_control() && ch != '\n') {
            problems.push(format!("{at} holds control characters"));
        }
    }
}

/// The cues of a clip's caption file for an item trimmed to `[in_ms, out_ms)`: moved to
/// the item's time, cut to the trim, the ones outside dropped.
pub fn for_trim(cues: &[Cue], in_ms: u64, out_ms: u64) -> Vec<Cue> {
    cues.iter()
        .filter(|c| c.end_ms > in_ms && c.start_ms < out_ms)
        .map(|c| Cue {
            start_ms: c.start_ms.max(in_ms) - in_ms,
            end_ms: c.end_ms.min(out_ms) - in_ms,
            text: c.text.clone(),
        })
        .collect()
}

/// The piece's caption track on its timeline (whole frames): every item's cues where the
/// item plays, then the piece's own, in order of start.
pub fn timeline(m: &Montage) -> Vec<Cue> {
    let mut out = Vec::new();
    let mut at = if m.intro_card { frames(m.card_ms) } else { 0 };
    for (i, item) in m.items.iter().enumerate() {
        if i > 0 && item.transition.kind == TransitionKind::Crossfade {
            at = at.saturating_sub(frames(item.transition.duration_ms));
        }
        let n = frames(item.len_ms());
        for c in &item.captions {
            let (s, e) = (frames(c.start_ms).min(n), frames(c.end_ms).min(n));
            if e > s {
                out.push(Cue {
                    start_ms: ms_of(at + s),
                    end_ms: ms_of(at + e),
                    text: c.text.clone(),
                });
            }
        }
        at += n;
    }
    out.extend(m.captions.iter().map(|c| Cue {
        start_ms: ms_of(frames(c.start_ms)),
        end_ms: ms_of(frames(c.end_ms)),
        text: c.text.clone(),
    }));
    out.sort_by_key(|c| (c.start_ms, c.end_ms));
    out
}

fn stamp(ms: u64, sep: char) -> String {
    let (h, m, s, f) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    format!("{h:02}:{m:02}:{s:02}{sep}{f:03}")
}

pub fn to_srt(cues: &[Cue]) -> String {
    cues.iter()
        .enumerate()
        .map(|(i, c)| {
            format!(
                "{}\n{} --> {}\n{}\n",
                i + 1,
                stamp(c.start_ms, ','),
                stamp(c.end_ms, ','),
                c.text
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn to_vtt(cues: &[Cue]) -> String {
    let mut out = String::from("WEBVTT\n");
    for c in cues {
        // "-->" may not appear in WebVTT cue text; "&" and "<" are escaped.
        let text = c
            .text
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace("-->", "--&gt;");
        out.push_str(&format!(
            "\n{} --> {}\n{}\n",
            stamp(c.start_ms, '.'),
            stamp(c.end_ms, '.'),
            text
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_srt_and_webvtt_as_contributors_send_them() {
        let srt = "\u{feff}1\r\n00:00:01,000 --> 00:00:02,500\r\n<i>Buzzer</i> beater!\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\nWe won 😄\r\n";
        let cues = parse(srt).unwrap();
        assert_eq!(cues.len(), 2);
        assert_eq!(
            cues[0],
            Cue {
                start_ms: 1000,
                end_ms: 2500,
                text: "Buzzer beater!".into()
            }
        );
        let vtt = "WEBVTT - made on a phone\n\nNOTE written by hand\n\nintro\n00:01.000 --> 00:02.000 align:start\n<c.yellow>مرحبا</c> &amp; hi\n";
        let cues = parse(vtt).unwrap();
        assert_eq!(cues.len(), 1);
        assert_eq!(cues[0].text, "مرحبا & hi");
        assert_eq!((cues[0].start_ms, cues[0].end_ms), (1000, 2000));
    }

    #[test]
    fn broken_files_are_refused_with_the_line() {
        let e = parse("1\n00:00:02,000 --> 00:00:01,000\nbackwards\n").unwrap_err();
        assert!(e.contains("line 2") && e.contains("ends before"), "{e}");
        let e = parse("1\n00:00:99,000 --> 00:01:00,000\nx\n").unwrap_err();
        assert!(
            e.contains("line 2") && e.contains("not a time range"),
            "{e}"
        );
        assert!(parse("just some text\n").unwrap_err().contains("line 1"));
        assert!(parse("").unwrap_err().contains("no captions"));
        let long = format!("1\n00:00:01,000 --> 00:00:02,000\n{}\n", "x".repeat(300));
        assert!(parse(&long).unwrap_err().contains("longer than"));
    }

    #[test]
    fn trims_and_writes_both_formats() {
        let cues =
            parse("1\n00:00:01,000 --> 00:00:03,000\nA\n\n2\n00:00:05,000 --> 00:00:06,000\nB\n")
                .unwrap();
        let item = for_trim(&cues, 2000, 4000);
        assert_eq!(
            item,
            vec![Cue {
                start_ms: 0,
                end_ms: 1000,
                text: "A".into()
            }]
        );
        assert_eq!(
            to_srt(&cues),
            "1\n00:00:01,000 --> 00:00:03,000\nA\n\n2\n00:00:05,000 --> 00:00:06,000\nB\n"
        );
        let vtt = to_vtt(&[Cue {
            start_ms: 61_500,
            end_ms: 62_000,
            text: "a --> b & <c>".into(),
        }]);
        assert_eq!(
            vtt,
            "WEBVTT\n\n00:01:01.500 --> 00:01:02.000\na --&gt; b &amp; &lt;c>\n"
        );
        assert_eq!(parse(&vtt).unwrap()[0].text, "a --> b & <c>");
    }
}
