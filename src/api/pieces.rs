//! Pieces: create, save, import a document from a file, and preview. Every document that
//! comes from outside (a file, the desktop editor, a script) passes `PieceDoc::validate`
//! here before it is stored or rendered.

use std::path::{Path, PathBuf};

use super::{CampaignId, Error, ErrorKind, PieceId, Progress, Result};
use crate::campaign;
use crate::library::Library;
use crate::piece::{self, Piece, PieceDoc};
use crate::render::{self, Quality};
use crate::rights;

/// A piece document file is JSON a person may have edited; anything larger than this is
/// not one.
pub const MAX_DOCUMENT_BYTES: u64 = 4 * 1024 * 1024;

pub fn get(lib: &Library, id: PieceId) -> Result<Piece> {
    Ok(piece::get(lib.conn(), &id.0.to_string())?)
}

/// Saves a new piece in a campaign.
pub fn create(lib: &Library, campaign: CampaignId, doc: &PieceDoc) -> Result<Piece> {
    let c = campaign::get(lib.conn(), &campaign.0.to_string())?;
    Ok(piece::create(lib.conn(), &c, doc)?)
}

/// Auto-assembles a montage of `seconds` (a length preset) from the campaign's best cleared,
/// selected assets and saves it as a new piece.
pub fn auto(
    lib: &Library,
    campaign: CampaignId,
    name: &str,
    preset: piece::Preset,
    seconds: u64,
) -> Result<Piece> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("give the piece a name"));
    }
    let c = campaign::get(lib.conn(), &campaign.0.to_string())?;
    let doc = piece::assemble::auto_montage(lib, &c, name, preset, seconds)?;
    Ok(piece::create(lib.conn(), &c, &doc)?)
}

/// Saves an edited document as the piece's next version. `version` is the one the editor
/// started from: if someone saved since, nothing is overwritten.
pub fn save(lib: &Library, id: PieceId, version: i64, doc: &PieceDoc) -> Result<Piece> {
    let current = get(lib, id)?;
    if current.version != version {
        return Err(Error::new(
            ErrorKind::Conflict,
            format!(
                "'{}' was saved elsewhere (now version {}, you edited version {version}); reopen it to see the changes",
                current.document.name, current.version
            ),
        ));
    }
    Ok(piece::update(lib.conn(), &current, doc)?)
}

/// Reads a caption file (SRT or WebVTT) onto a montage and saves the next version: onto
/// item `item` (counted from 0), cut to the item's trim (captions a contributor sent with
/// a clip), or with no item, as the piece's own captions, timed from its first frame and
/// cut to its length.
pub fn captions_from_file(
    lib: &Library,
    id: PieceId,
    version: i64,
    item: Option<usize>,
    path: &Path,
) -> Result<Piece> {
    let cues = piece::captions::read_file(path).map_err(|e| Error::invalid(e.to_string()))?;
    let current = get(lib, id)?;
    let mut doc = current.document.clone();
    let length = doc.duration_ms();
    let piece::Content::Montage(m) = &mut doc.content else {
        return Err(Error::invalid(format!(
            "'{}' is a {}; captions go on montages",
            doc.name,
            doc.kind_name()
        )));
    };
    let Some(item) = item else {
        m.captions = piece::captions::for_trim(&cues, 0, length);
        if m.captions.is_empty() {
            return Err(Error::invalid(format!(
                "{}: no caption starts within the piece's {:.1} s",
                path.display(),
                length as f64 / 1000.0
            )));
        }
        return save(lib, id, version, &doc);
    };
    let count = m.items.len();
    let Some(it) = m.items.get_mut(item) else {
        return Err(Error::invalid(format!(
            "'{}' has {count} items; there is no item {}",
            doc.name,
            item + 1
        )));
    };
    it.captions = piece::captions::for_trim(&cues, it.in_ms, it.out_ms);
    if it.captions.is_empty() {
        return Err(Error::invalid(format!(
            "{}: no caption falls inside the item's trim ({} to {} ms of the clip)",
            path.display(),
            it.in_ms,
            it.out_ms
        )));
    }
    save(lib, id, version, &doc)
}

/// The beat of the library's music bed (the storyboard's grid), if it has one.
pub fn beat_grid(lib: &Library) -> Option<crate::media::beats::BeatGrid> {
    piece::bed::beat_grid(lib)
}

/// Reads a piece document from a file, refusing anything that is not one.
pub fn read_document(path: &Path) -> Result<PieceDoc> {
    let io = |e: std::io::Error| {
        Error::new(
            ErrorKind::Io,
            format!("cannot read {}: {e}", path.display()),
        )
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_DOCUMENT_BYTES {
        return Err(Error::invalid(format!(
            "{} is {size} bytes; a piece document is at most {MAX_DOCUMENT_BYTES}",
            path.display()
        )));
    }
    let text = std::fs::read_to_string(path).map_err(io)?;
    serde_json::from_str(&text)
        .map_err(|e| Error::invalid(format!("{} is not a piece document: {e}", path.display())))
}

/// Imports a document file as a new piece of a campaign.
pub fn import(lib: &Library, campaign: CampaignId, path: &Path) -> Result<Piece> {
    create(lib, campaign, &read_document(path)?)
}

/// Replaces a piece's document with a file's (the CLI's `piece edit`).
pub fn replace(lib: &Library, id: PieceId, path: &Path) -> Result<Piece> {
    let doc = read_document(path)?;
    let current = get(lib, id)?;
    save(lib, id, current.version, &doc)
}

/// Where a piece's preview is written: `file` once complete, and `growing` while it is
/// rendered (a fragmented MP4 the player can read as it grows).
#[derive(Clone, Debug)]
pub struct PreviewFiles {
    pub file: PathBuf,
    pub growing: PathBuf,
}

/// The files of a piece's preview, in the library's temporary folder.
pub fn preview_files(lib: &Library, id: PieceId) -> PreviewFiles {
    let file = lib
        .store()
        .tmp_dir()
        .join(format!("preview-{}-{}.mp4", id.0, std::process::id()));
    PreviewFiles {
        growing: render::partial_path(&file),
        file,
    }
}

/// Renders a quick, low-resolution preview of a document (saved or not) of a piece into
/// the library's temporary folder, for the editor's player (see [`preview_files`]).
pub fn preview(
    lib: &Library,
    id: PieceId,
    doc: &PieceDoc,
    progress: Progress<'_>,
) -> Result<PathBuf> {
    render_preview(lib, id, doc, progress, None)
}

/// Renders a preview as [`preview`] does, handing its bytes to `bytes` as the render
/// writes them: the first fragment plays long before the render ends, and the bytes
/// handed over, in order, are the whole file. Nothing more is handed over once the render
/// fails or is cancelled.
pub fn preview_streamed(
    lib: &Library,
    id: PieceId,
    doc: &PieceDoc,
    progress: Progress<'_>,
    bytes: &mut dyn FnMut(&[u8]),
) -> Result<PathBuf> {
    render_preview(lib, id, doc, progress, Some(bytes))
}

/// The frame of a piece (saved or as edited) at `at_ms`, `width` pixels wide, as a JPEG:
/// what the timeline shows under its playhead, as the render would write it. Refused,
/// like a render, unless every asset the document uses is cleared for the campaign.
pub fn frame(
    lib: &Library,
    scrub: &mut render::scrub::Scrubber,
    id: PieceId,
    doc: &PieceDoc,
    at_ms: u64,
    width: u32,
) -> Result<Vec<u8>> {
    if !(64..=4096).contains(&width) {
        return Err(Error::invalid(format!(
            "a frame is 64 to 4096 pixels wide, not {width}"
        )));
    }
    let p = get(lib, id)?;
    let c = campaign::get(lib.conn(), &p.campaign_id.to_string())?;
    doc.validate(lib.conn())?;
    let cleared = rights::require_cleared(lib.conn(), &c, &doc.asset_ids())?;
    let pic = scrub.frame_at(lib, &cleared, doc, at_ms, width)?;
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&pic)
        .map_err(|e| Error::new(ErrorKind::Io, format!("cannot encode the frame: {e}")))?;
    Ok(jpeg)
}

/// A piece's soundtrack (saved or as edited), read from the library and ready to mix:
/// the timeline plays it under the frames it shows. Refused, like a render, unless every
/// asset is cleared. The mix (`Soundtrack::wav`) needs no library, so it can run without
/// holding it.
pub struct Soundtrack(render::SoundRecipe);

pub fn soundtrack(lib: &Library, id: PieceId, doc: &PieceDoc) -> Result<Soundtrack> {
    let p = get(lib, id)?;
    let c = campaign::get(lib.conn(), &p.campaign_id.to_string())?;
    doc.validate(lib.conn())?;
    let cleared = rights::require_cleared(lib.conn(), &c, &doc.asset_ids())?;
    Ok(Soundtrack(render::soundtrack(lib, &cleared, doc)?))
}

impl Soundtrack {
    /// Mixed, as a WAV file's bytes, mono at 24 kHz (small enough to hand over at once).
    pub fn wav(self) -> Result<Vec<u8>> {
        let mix = self.0.mix()?;
        // Two 48 kHz stereo samples make one 24 kHz mono one.
        let samples: Vec<i16> = mix
            .chunks(2)
            .map(|pair| {
                let sum: f32 = pair.iter().map(|[l, r]| l + r).sum();
                let v = sum / (2.0 * pair.len() as f32);
                (v.clamp(-1.0, 1.0) * f32::from(i16::MAX)) as i16
            })
            .collect();
        Ok(wav_mono_24k(&samples))
    }
}

/// A 16-bit PCM WAV file of mono samples at 24 kHz.
fn wav_mono_24k(samples: &[i16]) -> Vec<u8> {
    const RATE: u32 = 24_000;
    let data = (samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + data as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

/// The sound of each item of a montage over its trim, and of the music bed over the
/// piece, as waveforms: the loudest sample of each 1/`per_second` s (0 to 1). An item
/// without sound (a photo, a silent clip) has none.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Waveforms {
    pub per_second: u32,
    pub items: Vec<Vec<f32>>,
    pub bed: Vec<f32>,
}

pub fn waveforms(lib: &Library, doc: &PieceDoc, per_second: u32) -> Result<Waveforms> {
    use crate::media::audio::{decode_stereo, peaks, SAMPLE_RATE};
    if !(1..=200).contains(&per_second) {
        return Err(Error::invalid(format!(
            "waveforms have 1 to 200 points a second, not {per_second}"
        )));
    }
    let piece::Content::Montage(m) = &doc.content else {
        return Ok(Waveforms {
            per_second,
            ..Waveforms::default()
        });
    };
    let rate = SAMPLE_RATE as u64;
    let points = |ms: u64| (ms * u64::from(per_second) / 1000).max(1) as usize;
    let mut items = Vec::new();
    for item in &m.items {
        let asset = crate::catalog::get(lib.conn(), item.asset_id)?;
        let has_sound = asset.kind == crate::media::Kind::Clip && asset.has_audio;
        // The file through the catalog's checked hash, never a name from the document.
        let source = crate::catalog::sources(lib.conn(), &[item.asset_id])?.pop();
        let wave = match (has_sound, source) {
            (false, _) | (_, None) => Vec::new(),
            (true, Some(source)) => {
                let path = lib.store().original(&source.hash);
                let upto = (item.out_ms * rate / 1000) as usize;
                // A clip whose sound cannot be read draws flat; the render says why.
                let all = decode_stereo(&path, upto).unwrap_or_default();
                let from = ((item.in_ms * rate / 1000) as usize).min(all.len());
                peaks(&all[from..], points(item.len_ms()))
            }
        };
        items.push(wave);
    }
    let bed = match m.music_bed {
        false => Vec::new(),
        true => {
            let ms = doc.duration_frames() * 1000 / piece::FPS;
            let path = render::bed_path(lib)?;
            let all = decode_stereo(&path, (ms * rate / 1000) as usize).map_err(|why| {
                Error::new(
                    ErrorKind::Io,
                    format!("cannot read the music bed {}: {why}", path.display()),
                )
            })?;
            peaks(&all, points(ms))
        }
    };
    Ok(Waveforms {
        per_second,
        items,
        bed,
    })
}

/// Starts decoding every clip shot of a piece (saved or as edited) for the timeline's
/// frames, in the background: the editor calls this when a piece opens or its shots
/// change. Refused, like a frame, unless every asset is cleared.
pub fn warm_frames(
    lib: &Library,
    scrub: &mut render::scrub::Scrubber,
    id: PieceId,
    doc: &PieceDoc,
    width: u32,
) -> Result<()> {
    let p = get(lib, id)?;
    let c = campaign::get(lib.conn(), &p.campaign_id.to_string())?;
    doc.validate(lib.conn())?;
    let cleared = rights::require_cleared(lib.conn(), &c, &doc.asset_ids())?;
    Ok(scrub.warm(lib, &cleared, doc, width)?)
}

/// Where a streamed preview's bytes go, in order.
type Bytes<'a> = &'a mut dyn FnMut(&[u8]);

/// A preview, its bytes read back as they are written only when someone wants them.
fn render_preview(
    lib: &Library,
    id: PieceId,
    doc: &PieceDoc,
    progress: Progress<'_>,
    mut bytes: Option<Bytes<'_>>,
) -> Result<PathBuf> {
    let p = get(lib, id)?;
    let c = campaign::get(lib.conn(), &p.campaign_id.to_string())?;
    doc.validate(lib.conn())?;
    let cleared = rights::require_cleared(lib.conn(), &c, &doc.asset_ids())?;
    let files = preview_files(lib, id);
    // A growing file left by a preview that crashed must not be read as this one's start.
    match std::fs::remove_file(&files.growing) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(Error::new(
                ErrorKind::Io,
                format!("cannot clear {}: {e}", files.growing.display()),
            ))
        }
        _ => {}
    }
    let mut tail = Tail::default();
    render::render_with(
        lib,
        &cleared,
        doc,
        &files.file,
        Quality::Preview,
        &mut |f| {
            // The file exists from the first frame on (the encoders open it first).
            if let Some(bytes) = bytes.as_deref_mut() {
                tail.pump(&files.growing, bytes);
            }
            progress(f)
        },
    )?;
    // The rest, through the same open file (now under its finished name), or the whole
    // file if the render was over before the first frame was reported.
    if let Some(bytes) = bytes {
        tail.pump(&files.file, bytes);
    }
    match tail.error {
        Some(e) => Err(e),
        None => Ok(files.file),
    }
}

/// Reads a file as it grows, from where it last stopped.
#[derive(Default)]
struct Tail {
    file: Option<std::fs::File>,
    /// One read's worth, kept between reads.
    chunk: Vec<u8>,
    error: Option<Error>,
}

impl Tail {
    fn pump(&mut self, path: &Path, bytes: &mut dyn FnMut(&[u8])) {
        use std::io::Read;
        if self.error.is_some() {
            return;
        }
        if self.file.is_none() {
            self.file = std::fs::File::open(path).ok();
        }
        let Some(file) = self.file.as_mut() else {
            return;
        };
        self.chunk.resize(256 * 1024, 0);
        loop {
            match file.read(&mut self.chunk) {
                Ok(0) => return,
                Ok(n) => bytes(&self.chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.error = Some(Error::new(
                        ErrorKind::Io,
                        format!("cannot read the preview {}: {e}", path.display()),
                    ));
                    return;
                }
            }
        }
    }
}

/// A cell of a wall, as fractions of the frame (the editor's sketch draws these).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WallCell {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// Where a wall puts each of its pictures, as the render lays it out.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WallLayout {
    pub cells: Vec<WallCell>,
    /// The brand band's top, as a fraction of the height (1 when the wall has none).
    pub band_top: f64,
    /// Corner radius as a fraction of the frame's width.
    pub radius: f64,
}

/// Where a wall of `count` pictures puts each one, as the render lays it out (the brand
/// kit's gutters and corners, the band in its own row).
pub fn wall_layout(
    lib: &Library,
    count: u32,
    layout: piece::Layout,
    preset: piece::Preset,
    band: bool,
) -> Result<WallLayout> {
    if u64::from(count) > piece::MAX_TILES {
        return Err(Error::new(
            ErrorKind::Invalid,
            format!("a wall holds at most {} pictures", piece::MAX_TILES),
        ));
    }
    let kit = render::brand::load(lib)?;
    let (w, h) = preset.size();
    let (fw, fh) = (f64::from(w), f64::from(h));
    let cells = render::wall::wall(count as usize, layout, w, h, kit.gutter, band)
        .into_iter()
        .map(|c| WallCell {
            x: f64::from(c.x) / fw,
            y: f64::from(c.y) / fh,
            w: f64::from(c.w) / fw,
            h: f64::from(c.h) / fh,
        })
        .collect();
    Ok(WallLayout {
        cells,
        band_top: match band {
            true => f64::from(h - render::wall::band_height(h)) / fh,
            false => 1.0,
        },
        radius: f64::from(render::wall::scaled(kit.radius, h)) / fw,
    })
}

/// What "Replace blocked shots" did: the swaps and the new version, or, when the cleared
/// material cannot fill every gap, how much is missing and what could fill it if cleared.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Repair {
    pub summary: String,
    pub swaps: Vec<piece::repair::Swap>,
    pub unfilled: Vec<u32>,
    pub missing_ms: u64,
    pub could_fill: Vec<piece::repair::Candidate>,
    /// The saved new version, when every blocked shot was replaced.
    pub piece: Option<Piece>,
}

/// Replaces each blocked shot with a cleared one of the same kind and shape, keeping the
/// piece's length, and saves the result as a new version.
pub fn repair(lib: &Library, id: PieceId) -> Result<Repair> {
    let current = get(lib, id)?;
    let c = campaign::get(lib.conn(), &current.campaign_id.to_string())?;
    let plan = piece::repair::plan(lib.conn(), &c, &current)?;
    let saved = if plan.complete() && !plan.swaps.is_empty() {
        Some(piece::update(lib.conn(), &current, &plan.document)?)
    } else {
        None
    };
    Ok(Repair {
        summary: plan.summary(),
        swaps: plan.swaps,
        unfilled: plan.unfilled,
        missing_ms: plan.missing_ms,
        could_fill: plan.could_fill,
        piece: saved,
    })
}
