//! Replies as they arrive by e-mail: a message saved from a mail client (`.eml`) or an
//! archive of many (`.mbox`, as Gmail's Takeout and Thunderbird write them). Each message
//! is read with mail-parser (MIME parts, encoded headers, quoted-printable and base64,
//! HTML-only mail), its sender matched to a contributor by address, and only the words
//! above the quoted request are read as the answer. The whole message goes into the store
//! and its hash is the grant's evidence.

use std::io::{BufReader, Cursor, Read};
use std::path::{Path, PathBuf};

use mail_parser::{MessageParser, MimeHeaders};

/// A mail file or archive larger than this is refused before it is read.
pub const MAX_MAIL_BYTES: u64 = 256 * 1024 * 1024;

/// One message, as far as a rights reply is concerned.
#[derive(Clone, Debug, PartialEq)]
pub struct MailReply {
    /// Where it came from, for messages: `replies.mbox, message 3`.
    pub origin: String,
    /// The sender's address, lower-cased; empty when the message has none.
    pub from: String,
    pub name: Option<String>,
    pub subject: Option<String>,
    /// When it was sent (RFC 3339), from its Date header.
    pub date: Option<String>,
    /// The contributor's own words: the text above the quoted message.
    pub text: String,
    /// The message as it was received, for the store.
    pub raw: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("cannot read the mail file {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is larger than {} MiB, more than a mail export should be; split the archive and import the parts", MAX_MAIL_BYTES / (1024 * 1024))]
    TooLarge { path: PathBuf },
    #[error("{path} is not an e-mail message or mbox archive (no mail headers at its start); save the reply from your mail app as .eml, or export the mailbox as .mbox")]
    NotMail { path: PathBuf },
}

/// Whether a file is mail rather than a CSV, by its first bytes: an mbox's `From ` line
/// or a message's headers.
pub fn is_mail(head: &[u8]) -> bool {
    if head.starts_with(b"From ") {
        return true;
    }
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    let mut headers = 0;
    for line in text.lines().take(40) {
        if line.is_empty() {
            break;
        }
        let name = line.split_once(':').map(|(n, _)| n);
        let is_header = name.is_some_and(|n| {
            !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
        if is_header
            && matches!(
                name.map(str::to_ascii_lowercase).as_deref(),
                Some(
                    "from"
                        | "to"
                        | "subject"
                        | "date"
                        | "message-id"
                        | "received"
                        | "return-path"
                        | "mime-version"
                )
            )
        {
            headers += 1;
        }
    }
    headers >= 2
}

/// Every message in a `.eml` file or `.mbox` archive, in order. A message that cannot be
/// parsed is reported as an `Err` with why, and the rest are still read.
pub fn read_mail(path: &Path) -> Result<Vec<Result<MailReply, String>>, MailError> {
    let err = |source| MailError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(err)?
        .take(MAX_MAIL_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(err)?;
    if bytes.len() as u64 > MAX_MAIL_BYTES {
        return Err(MailError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    if !is_mail(&bytes) {
        return Err(MailError::NotMail {
            path: path.to_path_buf(),
        });
    }
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().to_string(),
    );
    if bytes.starts_with(b"From ") {
        let mut out = Vec::new();
        let messages =
            mail_parser::mailbox::mbox::MessageIterator::new(BufReader::new(Cursor::new(bytes)));
        for (i, message) in messages.enumerate() {
            let origin = format!("{name}, message {}", i + 1);
            out.push(match message {
                Ok(m) => parse(origin, m.unwrap_contents()),
                Err(e) => Err(format!("{origin}: {e}")),
            });
        }
        Ok(out)
    } else {
        Ok(vec![parse(name, bytes)])
    }
}

fn parse(origin: String, raw: Vec<u8>) -> Result<MailReply, String> {
    let (from, name, subject, date, text) =
        read_parts(&raw).ok_or_else(|| format!("{origin}: not a readable e-mail message"))?;
    Ok(MailReply {
        origin,
        from,
        name,
        subject,
        date,
        text,
        raw,
    })
}

/// A stored message as a person reads it: who sent it, to whom, when, its subject and its
/// whole text (never its HTML: shown as text, nothing in it runs or loads).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MailMessage {
    pub from: String,
    pub name: Option<String>,
    pub to: Vec<String>,
    pub subject: Option<String>,
    pub date: Option<String>,
    pub body: String,
    /// The words read as the answer (above the quoted request).
    pub own_words: String,
}

/// Reads a stored message for showing, or `None` when it is not a readable message.
pub fn message(raw: &[u8]) -> Option<MailMessage> {
    let (from, name, subject, date, own) = read_parts(raw)?;
    let parsed = MessageParser::default().parse(raw)?;
    let to = parsed
        .to()
        .map(|list| {
            list.iter()
                .filter_map(|a| a.address().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let body = parsed
        .body_text(0)
        .map(|b| b.to_string())
        .unwrap_or_default();
    Some(MailMessage {
        from,
        name,
        to,
        subject,
        date,
        body,
        own_words: own,
    })
}

/// (sender address, sender name, subject, date, own words)
type Parts = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

fn read_parts(raw: &[u8]) -> Option<Parts> {
    let message = MessageParser::default().parse(raw)?;
    let sender = message.from().and_then(|a| a.first());
    let from = sender
        .and_then(|a| a.address())
        .map(|a| a.trim().to_lowercase())
        .unwrap_or_default();
    let name = sender
        .and_then(|a| a.name())
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    let body = (0..message.text_body_count().max(1))
        .find_map(|i| {
            // A text part that is an attachment (a forwarded .txt) is not the reply.
            let part = message.text_part(i as u32)?;
            if part
                .content_disposition()
                .is_some_and(|d| d.is_attachment())
            {
                return None;
            }
            message.body_text(i)
        })
        .unwrap_or_default();
    let text = own_words(&body);
    let date = message.date().map(|d| d.to_rfc3339());
    let subject = message.subject().map(str::to_string);
    Some((from, name, subject, date, text))
}

/// The reply above the quoted message: everything before Gmail's and Apple Mail's "On …
/// wrote:" line (in the languages mail clients write it), Outlook's rule of underscores
/// or "-----Original Message-----", a "From:" header block, a signature's "-- " line, or
/// the first line quoted with ">".
pub fn own_words(body: &str) -> String {
    let body = body.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = body.lines().collect();
    let attribution_end = |l: &str| {
        let l = l.trim_end().to_lowercase();
        [
            "wrote:",
            "a écrit :",
            "a écrit:",
            "schrieb:",
            "escribió:",
            "escreveu:",
            "ha scritto:",
            "napisał:",
            "schreef:",
        ]
        .iter()
        .any(|e| l.ends_with(e))
    };
    let mut cut = lines.len();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        let lower = t.to_lowercase();
        let quote_starts = t.starts_with('>')
            || t == "--"
            || line.trim_end() == "-- "
            || (t.len() >= 10 && t.chars().all(|c| c == '_'))
            // "-----Original Message-----", "-------- Mensagem original --------".
            || (t.len() > 10 && t.starts_with("-----") && t.ends_with("-----"))
            || attribution_end(t)
            // "On Tue, 2 Jun 2026 at 10:14, BrandCo <hello@…>" wrapped before "wrote:".
            || (lower.starts_with("on ") && lines.get(i + 1).is_some_and(|n| attribution_end(n)))
            || (lower.starts_with("from:")
                && lines[i + 1..]
                    .iter()
                    .take(4)
                    .any(|n| {
                        let n = n.trim().to_lowercase();
                        n.starts_with("sent:") || n.starts_with("date:") || n.starts_with("to:")
                    }));
        if quote_starts {
            cut = i;
            break;
        }
    }
    lines[..cut].join("\n").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_words_above_the_quote() {
        let gmail = "#YesBrandCo \u{2014} love it!\n\nOn Tue, 2 Jun 2026 at 10:14, BrandCo <hello@brandco.example> wrote:\n> Reply #YesBrandCo or reply no.\n";
        assert_eq!(own_words(gmail), "#YesBrandCo \u{2014} love it!");
        let wrapped =
            "Yes!\nOn Tue, 2 Jun 2026 at 10:14, BrandCo <\nhello@brandco.example> wrote:\n> ...";
        assert_eq!(own_words(wrapped), "Yes!");
        let outlook = "No thanks.\r\n\r\n________________________________\r\nFrom: BrandCo <hello@brandco.example>\r\nSent: Tuesday\r\n\r\nReply #YesBrandCo";
        assert_eq!(own_words(outlook), "No thanks.");
        let header_block = "Sure\n\nFrom: BrandCo\nSent: 2 June\nTo: me\n#YesBrandCo";
        assert_eq!(own_words(header_block), "Sure");
        let signed = "#YesBrandCo\n-- \nMaya\nreply no to stop";
        assert_eq!(own_words(signed), "#YesBrandCo");
        let samsung = "#YesBrandCo claro que sim!\nEnviado do meu Galaxy\n-------- Mensagem original --------\nreply no";
        assert_eq!(
            own_words(samsung),
            "#YesBrandCo claro que sim!\nEnviado do meu Galaxy"
        );
        let french = "Oui #YesBrandCo\nLe mar. 2 juin 2026 à 10:14, BrandCo a écrit :\n> ...";
        assert_eq!(own_words(french), "Oui #YesBrandCo");
        // "From: my phone" inside a sentence is not a header block.
        assert_eq!(own_words("From: me, #YesBrandCo"), "From: me, #YesBrandCo");
    }

    #[test]
    fn mail_is_told_from_csv_by_its_start() {
        assert!(is_mail(
            b"From 123@xxx Tue Jun 02 10:14:00 +0000 2026\nSubject: x\n"
        ));
        assert!(is_mail(
            b"Return-Path: <a@b>\nFrom: A <a@b>\nSubject: Re\n\nhi"
        ));
        assert!(!is_mail(
            b"handle,reply,date\n@maya,#YesBrandCo,2026-06-02\n"
        ));
        assert!(!is_mail(b"from,reply\nmaya@example.com,yes\n"));
    }
}
