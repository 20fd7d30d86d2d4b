//! Rendering montages to H.264/AAC MP4 through ffmpeg-next (no ffmpeg subprocess).
//!
//! So far: cuts, crossfades and dips to black, the three fit modes, display-matrix and EXIF
//! orientation, a slow push-in on photos, the credit line on every item, brand-colour
//! intro/outro cards with text, and the clips' own audio resampled to 48 kHz stereo
//! (silence where a clip has none and under photos). Frames are composited in YUV 4:2:0
//! (`yuv`), the encoder's own format, on a thread apart from the encoder's; the output is
//! written under a temporary name
//! and renamed only when complete, so a failed or cancelled render leaves nothing that
//! looks finished. The soundtrack (`sound`) is mixed whole on a thread of its own while
//! the first frames are composed: clips' sound, the music bed ducked under voices,
//! normalised to the piece's loudness target (EBU R128 integrated, true peak at most
//! -1 dBTP); each video frame then takes its slice.

use std::fs;
use std::path::{Path, PathBuf};

use ff::format::Pixel;
use ff::media::Type;
use ff::util::frame;
use ff::{ChannelLayout, Dictionary, Rational};
use ffmpeg_next as ff;
use image::RgbImage;

use self::yuv::{Rect, Yuv};
use crate::catalog::Source;
use crate::library::Library;
use crate::media::Kind;
use crate::piece::{Content, Fit, Item, Montage, PieceDoc, Preset, TransitionKind, FPS};
use crate::platform::{Codec, Encoding, Platform, SafeArea};
use crate::rights::ClearedForUse;

pub use proxy::sdr_proxy;

pub mod brand;
mod captions;
pub mod layout;
mod proxy;
mod scale;
pub mod scrub;
mod sound;
mod stills;
pub mod text;
pub mod wall;
mod yuv;

pub use sound::{bed_path, duck_envelope, loudness, Recipe as SoundRecipe, KEYS};
pub use stills::render_image;
pub use text::missing_glyphs;

const SAMPLE_RATE: u32 = crate::media::audio::SAMPLE_RATE;
const SAMPLES_PER_FRAME: usize = (SAMPLE_RATE as u64 / FPS) as usize;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the piece uses asset {0}, which the rights clearance given does not cover")]
    NotCleared(i64),
    #[error("the render was stopped and nothing was written: {0}")]
    NoLongerCleared(String),
    #[error("this renderer does not make a {0}")]
    UnsupportedKind(&'static str),
    #[error("cannot read source {path}: {why}")]
    Source { path: PathBuf, why: String },
    #[error("encoding failed: {0}")]
    Encode(String),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the render was cancelled; nothing was written")]
    Cancelled,
    #[error("catalog error: {0}")]
    Db(#[from] rusqlite::Error),
}

fn enc_err(e: ff::Error) -> RenderError {
    RenderError::Encode(e.to_string())
}

/// What a finished render produced.
#[derive(Clone, Debug)]
pub struct Rendered {
    pub path: PathBuf,
    pub frames: u64,
    pub width: u32,
    pub height: u32,
    /// The first frame of the first item, full size: the export's poster.
    pub poster: Option<RgbImage>,
    /// Which output frames came from which asset, in order.
    pub timeline: Vec<Span>,
}

/// Output frames `[from, to)` show `asset_id`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub from: u64,
    pub to: u64,
    pub asset_id: i64,
}

/// Renders a montage, or the animated version of a mosaic, to an MP4 at `out`. `cleared`
/// must come from `rights::require_cleared` for the piece's assets; `progress` gets the
/// fraction done and returns `false` to cancel.
pub fn render_video(
    lib: &Library,
    cleared: &ClearedForUse,
    doc: &PieceDoc,
    out: &Path,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Rendered, RenderError> {
    render_with(lib, cleared, doc, out, Quality::Final, progress)
}

/// How good a render must be: the deliverable, a quick look while editing, or a file
/// made to a platform's published spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quality {
    Final,
    /// A third of the size, encoded as fast as x264 goes, as a fragmented MP4 (a fragment
    /// every 0.2 s, a keyframe every 0.5 s) whose partial file plays while it is written: the
    /// editor's player starts on the first fragment, not the whole render. Same cuts,
    /// timing, sound and loudness as the final.
    Preview,
    /// The platform's frame size, encoding and safe area.
    Deliver(Platform),
    /// A web wall's tile: a muted loop a third of the shape's size, small enough to start
    /// on hover.
    WebTile,
    /// A web wall's clip opened to play: two thirds of the shape's size, with its sound.
    WebClip,
}

impl Quality {
    /// The frame size for a preset: the preset's, a third of it (even, for 4:2:0), or
    /// the platform's (whose shape the caller has made the piece's).
    pub fn size(self, preset: Preset) -> (u32, u32) {
        let (w, h) = preset.size();
        match self {
            Quality::Final => (w, h),
            Quality::Preview | Quality::WebTile => ((w / 3) & !1, (h / 3) & !1),
            Quality::WebClip => ((w * 2 / 3) & !1, (h * 2 / 3) & !1),
            Quality::Deliver(p) => p.spec().size,
        }
    }

    /// The part of the frame Chorus's text keeps clear of.
    pub fn safe(self) -> SafeArea {
        match self {
            Quality::Deliver(p) => p.spec().safe,
            _ => SafeArea::default(),
        }
    }

    /// How this quality encodes: two targets with the same encoding and size make the
    /// same file.
    pub fn encoding(self) -> Encoding {
        let crf = |crf| Encoding {
            codec: Codec::H264,
            crf: Some(crf),
            average_kbps: None,
            max_kbps: None,
            profile: "",
            level: "",
            audio_kbps: Some(128),
        };
        let web = |crf: u8, max_kbps: u32, audio_kbps: Option<u32>| Encoding {
            codec: Codec::H264,
            crf: Some(crf),
            average_kbps: None,
            max_kbps: Some(max_kbps),
            profile: "main",
            level: "3.1",
            audio_kbps,
        };
        match self {
            Quality::Final => crf(23),
            Quality::Preview => crf(28),
            Quality::Deliver(p) => p.spec().encoding,
            Quality::WebTile => web(30, 700, None),
            Quality::WebClip => web(24, 2_500, Some(128)),
        }
    }
}

/// One file a render writes. Several targets of one frame size share one pass over the
/// sources: each frame is composed once and handed to every target's encoder.
#[derive(Clone, Debug)]
pub struct Target {
    pub path: PathBuf,
    pub quality: Quality,
    /// A WebM (VP9, no sound) instead of an MP4.
    pub webm: bool,
}

impl Target {
    fn carries_sound(&self) -> bool {
        !self.webm && self.quality.encoding().audio_kbps.is_some()
    }
}

/// Renders at `quality`; see `render_video`.
pub fn render_with(
    lib: &Library,
    cleared: &ClearedForUse,
    doc: &PieceDoc,
    out: &Path,
    quality: Quality,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Rendered, RenderError> {
    let target = Target {
        path: out.to_path_buf(),
        quality,
        webm: false,
    };
    render_many(lib, cleared, doc, &[target], progress)?
        .pop()
        .ok_or_else(|| RenderError::Encode("nothing was rendered".into()))
}

/// Renders one piece to several files of one frame size in one pass (one decode of each
/// source, one composition of each frame; text kept inside every target's safe area).
/// All are written under temporary names and take their own only when all are complete.
pub fn render_many(
    lib: &Library,
    cleared: &ClearedForUse,
    doc: &PieceDoc,
    targets: &[Target],
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Vec<Rendered>, RenderError> {
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let (w, h) = frame_size(targets, doc.preset);
    let same_shape = |(tw, th): (u32, u32)| {
        (u64::from(tw) * u64::from(h)).abs_diff(u64::from(th) * u64::from(w))
            <= u64::from(w) * u64::from(h) / 100
    };
    if !targets
        .iter()
        .all(|t| same_shape(t.quality.size(doc.preset)))
    {
        return Err(RenderError::Encode(
            "targets of one render must share a shape".into(),
        ));
    }
    match &doc.content {
        Content::Montage(_) => {}
        Content::Mosaic(m) if m.animated_ms > 0 => {}
        Content::Mosaic(_) => {
            return Err(RenderError::UnsupportedKind(
                "mosaic without an animated length (set animated_ms, or render it as a picture)",
            ))
        }
        Content::Still(_) => {
            return Err(RenderError::UnsupportedKind(
                "still (render it as a picture)",
            ))
        }
    }
    check_cleared(cleared, doc)?;
    let partials: Vec<Target> = targets
        .iter()
        .map(|t| Target {
            path: partial_path(&t.path),
            ..t.clone()
        })
        .collect();
    let result = match &doc.content {
        Content::Montage(montage) => render_to(lib, cleared, doc, montage, &partials, progress),
        Content::Mosaic(mosaic) => {
            stills::animate_mosaic(lib, cleared, doc, mosaic, &partials, progress)
        }
        Content::Still(_) => Err(RenderError::UnsupportedKind("still")),
    };
    // A contributor may have withdrawn while the render ran: ask the gate again before
    // the file takes its name.
    let result = result.and_then(|r| {
        cleared
            .still_holds(lib.conn())
            .map_err(|e| RenderError::NoLongerCleared(e.to_string()))?;
        Ok(r)
    });
    let named = result.and_then(|r| {
        let mut done = Vec::new();
        for t in targets {
            fs::rename(partial_path(&t.path), &t.path).map_err(|source| RenderError::Write {
                path: t.path.clone(),
                source,
            })?;
            let (width, height) = t.quality.size(doc.preset);
            done.push(Rendered {
                path: t.path.clone(),
                width,
                height,
                ..r.clone()
            });
        }
        Ok(done)
    });
    if named.is_err() {
        for t in targets {
            let _ = fs::remove_file(partial_path(&t.path));
        }
    }
    named
}

/// What a montage's whole soundtrack is mixed from, read from the library (the mix itself
/// needs no library: `SoundRecipe::mix` runs anywhere, as the render mixes: clips' sound,
/// the bed ducked under voices, levelled to the loudness target). The timeline's live
/// preview plays it under the frames it shows.
pub fn soundtrack(
    lib: &Library,
    cleared: &ClearedForUse,
    doc: &PieceDoc,
) -> Result<SoundRecipe, RenderError> {
    let Content::Montage(montage) = &doc.content else {
        return Err(RenderError::UnsupportedKind(
            "soundtrack of anything but a montage",
        ));
    };
    check_cleared(cleared, doc)?;
    sound::Recipe::new(lib, cleared, montage, doc.duration_frames().max(1))
}

/// Refuses a document naming an asset the gate did not clear, then readies ffmpeg: what
/// every render, frame and mix of a piece does first.
fn check_cleared(cleared: &ClearedForUse, doc: &PieceDoc) -> Result<(), RenderError> {
    if let Some(id) = doc.asset_ids().into_iter().find(|&id| !cleared.covers(id)) {
        return Err(RenderError::NotCleared(id));
    }
    crate::media::init_ffmpeg();
    Ok(())
}

/// Where a render writes `out` until it is complete (a preview's player reads it there as
/// it grows; see [`Quality::Preview`]).
pub fn partial_path(out: &Path) -> PathBuf {
    out.with_file_name(format!(
        ".{}.partial",
        out.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default()
    ))
}

/// The size frames are composed at: the largest target's (smaller targets of the same
/// shape are scaled from it on their encoder's thread, so each source is decoded once).
fn frame_size(targets: &[Target], preset: Preset) -> (u32, u32) {
    targets
        .iter()
        .map(|t| t.quality.size(preset))
        .max_by_key(|(w, h)| u64::from(*w) * u64::from(*h))
        .unwrap_or_else(|| preset.size())
}

/// The stricter of the targets' safe areas.
fn safe_of(targets: &[Target]) -> SafeArea {
    targets
        .iter()
        .fold(SafeArea::default(), |a, t| a.union(t.quality.safe()))
}

/// How an MP4 is laid out on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FileLayout {
    /// One index, moved to the front when the file is complete.
    IndexFirst,
    /// Fragments, each playable as soon as it is written.
    Fragmented,
}

/// The encoding end of a render: encodes picture and sound and muxes them. It lives on its own thread (see `Output`), so composing the next frame and
/// encoding this one use both cores.
struct Sink {
    octx: ff::format::context::Output,
    venc: ff::encoder::Video,
    /// None for a file with no sound track (a muted web loop).
    aenc: Option<ff::encoder::Audio>,
    vidx: usize,
    aidx: usize,
    frames: i64,
    /// The piece's sound (normalised, as long as the picture), encoded a little ahead of
    /// the pictures: all of it at once would hold the first fragment back by the time AAC
    /// takes over the whole piece.
    soundtrack: Samples,
    /// Samples of `soundtrack` encoded so far.
    sound_at: usize,
    /// The sound encoder has been told the sound is over.
    sound_ended: bool,
    /// Encoded sound; each packet waits here for its picture, so the file interleaves
    /// the two.
    sound: std::collections::VecDeque<ff::Packet>,
}

impl Sink {
    fn open(
        path: &Path,
        (width, height): (u32, u32),
        quality: Quality,
        webm: bool,
        layout: FileLayout,
    ) -> Result<Sink, RenderError> {
        let enc = quality.encoding();
        let vp9 = webm || enc.codec == Codec::Vp9;
        let mut octx =
            ff::format::output_as(path, if vp9 { "webm" } else { "mp4" }).map_err(enc_err)?;
        let global = octx
            .format()
            .flags()
            .contains(ff::format::Flags::GLOBAL_HEADER);

        let vcodec = match vp9 {
            true => ff::encoder::find_by_name("libvpx-vp9").ok_or(RenderError::Encode(
                "no VP9 encoder (libvpx-vp9) in this FFmpeg".into(),
            ))?,
            false => ff::encoder::find(ff::codec::Id::H264).ok_or(RenderError::Encode(
                "no H.264 encoder (libx264) in this FFmpeg".into(),
            ))?,
        };
        let vidx = octx.add_stream(vcodec).map_err(enc_err)?.index();
        let mut v = ff::codec::context::Context::new_with_codec(vcodec)
            .encoder()
            .video()
            .map_err(enc_err)?;
        v.set_width(width);
        v.set_height(height);
        v.set_format(Pixel::YUV420P);
        // Say what the pixels are: players otherwise guess (BT.601 for some, by size).
        v.set_color_primaries(ff::color::Primaries::BT709);
        v.set_color_transfer_characteristic(ff::color::TransferCharacteristic::BT709);
        v.set_colorspace(ff::color::Space::BT709);
        v.set_color_range(ff::color::Range::MPEG);
        v.set_time_base(Rational(1, FPS as i32));
        v.set_frame_rate(Some(Rational(FPS as i32, 1)));
        if global {
            v.set_flags(ff::codec::Flags::GLOBAL_HEADER);
        }
        let mut opts = Dictionary::new();
        if vp9 {
            // Constrained quality at realtime speed: a web loop, not an archive.
            opts.set("deadline", "realtime");
            opts.set("cpu-used", "8");
            opts.set("row-mt", "1");
            opts.set("crf", "36");
            v.set_bit_rate(enc.max_kbps.unwrap_or(2_000) as usize * 1000);
        } else {
            let fast = quality == Quality::Preview;
            opts.set("preset", if fast { "ultrafast" } else { "veryfast" });
            if let Some(crf) = enc.crf {
                opts.set("crf", &crf.to_string());
            }
            if !enc.profile.is_empty() {
                opts.set("profile", enc.profile);
            }
            if !enc.level.is_empty() {
                opts.set("level", enc.level);
            }
            // An average with a ceiling (x264's VBV): what platforms' ingest expects, and
            // a keyframe every two seconds so players and platforms can seek and cut.
            let mut x264 = Vec::new();
            if let Some(avg) = enc.average_kbps {
                x264.push(format!("bitrate={avg}"));
            }
            if let Some(max) = enc.max_kbps {
                x264.push(format!("vbv-maxrate={max}:vbv-bufsize={}", max * 2));
            }
            match layout {
                // A keyframe every half second: where the player can seek to.
                FileLayout::Fragmented => x264.push(format!("keyint={}", FPS / 2)),
                FileLayout::IndexFirst
                    if quality != Quality::Final && quality != Quality::Preview =>
                {
                    x264.push(format!("keyint={}", 2 * FPS))
                }
                FileLayout::IndexFirst => {}
            }
            if !x264.is_empty() {
                opts.set("x264-params", &x264.join(":"));
            }
        }
        // FFmpeg's library default is one thread; the CLI uses every core.
        opts.set("threads", "auto");
        let venc = v.open_with(opts).map_err(enc_err)?;
        octx.stream_mut(vidx)
            .ok_or(RenderError::Encode("video stream".into()))?
            .set_parameters(&venc);

        let (aenc, aidx) = match enc.audio_kbps.filter(|_| !vp9) {
            None => (None, usize::MAX),
            Some(kbps) => {
                let acodec = ff::encoder::find(ff::codec::Id::AAC)
                    .ok_or(RenderError::Encode("no AAC encoder".into()))?;
                let aidx = octx.add_stream(acodec).map_err(enc_err)?.index();
                let mut a = ff::codec::context::Context::new_with_codec(acodec)
                    .encoder()
                    .audio()
                    .map_err(enc_err)?;
                a.set_rate(SAMPLE_RATE as i32);
                a.set_channel_layout(ChannelLayout::STEREO);
                a.set_channels(2);
                a.set_format(ff::format::Sample::F32(ff::format::sample::Type::Planar));
                a.set_bit_rate(kbps as usize * 1000);
                a.set_time_base(Rational(1, SAMPLE_RATE as i32));
                if global {
                    a.set_flags(ff::codec::Flags::GLOBAL_HEADER);
                }
                let aenc = a.open_as(acodec).map_err(enc_err)?;
                octx.stream_mut(aidx)
                    .ok_or(RenderError::Encode("audio stream".into()))?
                    .set_parameters(&aenc);
                (Some(aenc), aidx)
            }
        };

        let mut header = Dictionary::new();
        match (vp9, layout) {
            (true, _) => {}
            // The index goes first, so a browser starts playing before the download ends.
            (false, FileLayout::IndexFirst) => header.set("movflags", "+faststart"),
            // An empty index, then self-contained fragments written once each (never
            // rewritten), so the bytes on disk can be played as they arrive.
            (false, FileLayout::Fragmented) => {
                // A fragment at each keyframe and at least every 0.2 s, so the first is
                // out six frames in; each reaches the file as it is made, not when 32 KB
                // of them have filled the write buffer.
                header.set("movflags", "+frag_keyframe+empty_moov+default_base_moof");
                header.set("frag_duration", "200000");
                header.set("flush_packets", "1");
            }
        }
        octx.write_header_with(header).map_err(enc_err)?;
        Ok(Sink {
            octx,
            venc,
            aenc,
            vidx,
            aidx,
            frames: 0,
            soundtrack: std::sync::Arc::new(Vec::new()),
            sound_at: 0,
            sound_ended: false,
            sound: std::collections::VecDeque::new(),
        })
    }

    /// The sound to encode alongside the pictures; ignored when the file has no sound.
    fn set_sound(&mut self, soundtrack: Samples) {
        self.soundtrack = soundtrack;
        self.sound_at = 0;
    }

    fn push_video(&mut self, pic: Yuv) -> Result<(), RenderError> {
        let mut yuv = pic.into_frame();
        yuv.set_pts(Some(self.frames));
        self.frames += 1;
        self.venc.send_frame(&yuv).map_err(enc_err)?;
        self.drain_video()?;
        // Past this picture's end by more than AAC's own delay, so its packets are out.
        self.encode_sound_until((self.frames as usize + 2) * SAMPLES_PER_FRAME + 2048)?;
        self.write_sound_until(self.frames * SAMPLES_PER_FRAME as i64)
    }

    fn drain_video(&mut self) -> Result<(), RenderError> {
        let tb = self
            .octx
            .stream(self.vidx)
            .map(|s| s.time_base())
            .unwrap_or(Rational(1, 90_000));
        let mut pkt = ff::Packet::empty();
        while self.venc.receive_packet(&mut pkt).is_ok() {
            pkt.set_stream(self.vidx);
            // Without a duration the muxer guesses the last frame's, and the stream's
            // average rate drifts off 30.
            pkt.set_duration(1);
            pkt.rescale_ts(Rational(1, FPS as i32), tb);
            pkt.write_interleaved(&mut self.octx).map_err(enc_err)?;
        }
        Ok(())
    }

    /// Encodes the soundtrack up to sample `upto` (its end included once `upto` passes
    /// it); nothing when the file has no sound track.
    fn encode_sound_until(&mut self, upto: usize) -> Result<(), RenderError> {
        let Some(aenc) = self.aenc.as_mut() else {
            return Ok(());
        };
        let planar = ff::format::Sample::F32(ff::format::sample::Type::Planar);
        let size = (aenc.frame_size() as usize).max(1024);
        let all = self.soundtrack.len();
        while self.sound_at < upto.min(all) {
            let chunk = &self.soundtrack[self.sound_at..(self.sound_at + size).min(all)];
            let mut f = frame::Audio::new(planar, chunk.len(), ChannelLayout::STEREO);
            f.set_rate(SAMPLE_RATE);
            for ch in 0..2 {
                for (dst, s) in f.plane_mut::<f32>(ch).iter_mut().zip(chunk) {
                    *dst = s[ch];
                }
            }
            f.set_pts(Some(self.sound_at as i64));
            self.sound_at += chunk.len();
            aenc.send_frame(&f).map_err(enc_err)?;
            collect_sound(aenc, self.aidx, &mut self.sound);
        }
        if upto >= all && !self.sound_ended {
            self.sound_ended = true;
            aenc.send_eof().map_err(enc_err)?;
            collect_sound(aenc, self.aidx, &mut self.sound);
        }
        Ok(())
    }

    /// Writes the sound up to `samples` into the piece.
    fn write_sound_until(&mut self, samples: i64) -> Result<(), RenderError> {
        let tb = self
            .octx
            .stream(self.aidx)
            .map(|s| s.time_base())
            .unwrap_or(Rational(1, SAMPLE_RATE as i32));
        while self
            .sound
            .front()
            .is_some_and(|p| p.pts().unwrap_or(0) <= samples)
        {
            if let Some(mut pkt) = self.sound.pop_front() {
                pkt.rescale_ts(Rational(1, SAMPLE_RATE as i32), tb);
                pkt.write_interleaved(&mut self.octx).map_err(enc_err)?;
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<(), RenderError> {
        self.venc.send_eof().map_err(enc_err)?;
        self.drain_video()?;
        self.encode_sound_until(usize::MAX)?;
        self.write_sound_until(i64::MAX)?;
        self.octx.write_trailer().map_err(enc_err)
    }
}

/// Moves the encoder's finished sound packets to the queue where they wait for pictures.
fn collect_sound(
    aenc: &mut ff::encoder::Audio,
    aidx: usize,
    queue: &mut std::collections::VecDeque<ff::Packet>,
) {
    let mut pkt = ff::Packet::empty();
    while aenc.receive_packet(&mut pkt).is_ok() {
        pkt.set_stream(aidx);
        queue.push_back(std::mem::replace(&mut pkt, ff::Packet::empty()));
    }
}

/// Frames queued between the compositor and the encoder thread: enough to ride out
/// uneven frame costs (and, for small frames, to compose the first second while the
/// sound is still being mixed), few enough to keep memory flat: as many as fit in 12 MB,
/// from 6 to 30 (a 1080p frame is 3 MB, a preview's 0.35 MB).
fn queue_frames((width, height): (u32, u32)) -> usize {
    let frame = (width as usize * height as usize * 3 / 2).max(1);
    (12 * 1024 * 1024 / frame).clamp(6, 30)
}

/// A whole soundtrack, shared by the encoders that carry it.
type Samples = std::sync::Arc<Vec<[f32; 2]>>;

/// The piece's sound as the encoders get it: mixed already, or being mixed on a thread
/// of its own while the first pictures are composed (each encoder waits for it before
/// its first packet).
#[derive(Clone)]
struct Soundtrack(std::sync::Arc<SoundSlot>);

enum Mix {
    Mixing,
    Ready(Samples),
    /// The mixer's thread has why.
    Failed,
}

struct SoundSlot {
    mix: std::sync::Mutex<Mix>,
    done: std::sync::Condvar,
}

impl Soundtrack {
    fn with(mix: Mix) -> Soundtrack {
        Soundtrack(std::sync::Arc::new(SoundSlot {
            mix: std::sync::Mutex::new(mix),
            done: std::sync::Condvar::new(),
        }))
    }

    fn ready(samples: Vec<[f32; 2]>) -> Soundtrack {
        Soundtrack::with(Mix::Ready(std::sync::Arc::new(samples)))
    }

    /// Starts mixing `recipe` on its own thread; joining it gives the mix's own error.
    fn mixing(
        recipe: sound::Recipe,
    ) -> Result<(Soundtrack, std::thread::JoinHandle<Result<(), RenderError>>), RenderError> {
        let track = Soundtrack::with(Mix::Mixing);
        let slot = track.0.clone();
        let mixer = std::thread::Builder::new()
            .name("render-sound".into())
            .spawn(move || {
                let (mix, result) = match recipe.mix() {
                    Ok(samples) => (Mix::Ready(std::sync::Arc::new(samples)), Ok(())),
                    Err(e) => (Mix::Failed, Err(e)),
                };
                *slot.mix.lock().unwrap_or_else(|e| e.into_inner()) = mix;
                slot.done.notify_all();
                result
            })
            .map_err(|e| RenderError::Encode(format!("cannot start the sound mixer: {e}")))?;
        Ok((track, mixer))
    }

    /// The mix, once it is made; an error if it could not be.
    fn wait(&self) -> Result<Samples, RenderError> {
        let mut mix = self.0.mix.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            match &*mix {
                Mix::Ready(samples) => return Ok(samples.clone()),
                Mix::Failed => {
                    return Err(RenderError::Encode(
                        "the piece's sound could not be mixed".into(),
                    ))
                }
                Mix::Mixing => mix = self.0.done.wait(mix).unwrap_or_else(|e| e.into_inner()),
            }
        }
    }
}

/// The compositor's side of a render: frames go to one `Sink` per target, each on its own
/// encoder thread behind a short queue. Dropping it (a cancel or an error) stops the
/// threads and closes the files.
struct Output {
    lanes: Vec<Lane>,
    /// Frames pushed so far.
    frames: i64,
    /// Captions drawn into each frame as it goes out.
    captions: Option<captions::Burner>,
}

struct Lane {
    tx: Option<std::sync::mpsc::SyncSender<Yuv>>,
    worker: Option<std::thread::JoinHandle<Result<(), RenderError>>>,
}

impl Lane {
    /// Closes the queue and waits for the encoder: its result, once the file is complete.
    fn join(&mut self) -> Result<(), RenderError> {
        self.tx = None;
        match self.worker.take().map(|w| w.join()) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(RenderError::Encode("the encoder thread panicked".into())),
            None => Err(RenderError::Encode("the encoder stopped".into())),
        }
    }
}

impl Output {
    /// Opens every target's file; `soundtrack` goes to those that carry sound. Frames are
    /// pushed at the largest target's size; a smaller target's thread scales each down.
    fn open(
        targets: &[Target],
        preset: Preset,
        soundtrack: Soundtrack,
    ) -> Result<Output, RenderError> {
        let mut out = Output {
            lanes: Vec::new(),
            frames: 0,
            captions: None,
        };
        let queue = queue_frames(frame_size(targets, preset));
        for t in targets {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Yuv>(queue);
            let (opened_tx, opened_rx) = std::sync::mpsc::channel::<bool>();
            let t = t.clone();
            let size = t.quality.size(preset);
            let sound = soundtrack.clone();
            // FFmpeg's contexts are made and used on the thread that owns them.
            let worker = std::thread::Builder::new()
                .name("render-encode".into())
                .spawn(move || -> Result<(), RenderError> {
                    let layout = match t.quality {
                        Quality::Preview => FileLayout::Fragmented,
                        _ => FileLayout::IndexFirst,
                    };
                    let mut sink = match Sink::open(&t.path, size, t.quality, t.webm, layout) {
                        Ok(s) => s,
                        Err(e) => {
                            let _ = opened_tx.send(false);
                            return Err(e);
                        }
                    };
                    let _ = opened_tx.send(true);
                    // Mixed while the compositor made the first frames.
                    sink.set_sound(sound.wait()?);
                    drop(sound);
                    for frame in rx {
                        let frame = match (frame.width(), frame.height()) == size {
                            true => frame,
                            false => {
                                let whole = Rect::of(frame.width(), frame.height());
                                frame.resized(0, whole, size.0, size.1)?
                            }
                        };
                        sink.push_video(frame)?;
                    }
                    sink.finish()
                })
                .map_err(|e| {
                    RenderError::Encode(format!("cannot start the encoder thread: {e}"))
                })?;
            out.lanes.push(Lane {
                tx: Some(tx),
                worker: Some(worker),
            });
            if opened_rx.recv() != Ok(true) {
                return Err(out.stop());
            }
        }
        Ok(out)
    }

    fn push(&mut self, mut pic: Yuv) -> Result<(), RenderError> {
        if let Some(c) = &self.captions {
            c.draw(&mut pic, self.frames as u64);
        }
        self.frames += 1;
        let mut pic = Some(pic);
        let last = self.lanes.len().saturating_sub(1);
        for i in 0..self.lanes.len() {
            let frame = match i == last {
                true => pic.take(),
                false => pic.clone(),
            };
            let sent = match (&self.lanes[i].tx, frame) {
                (Some(tx), Some(frame)) => tx.send(frame).is_ok(),
                _ => false,
            };
            if !sent {
                // An encoder thread ended early: its error says why.
                return Err(self.stop());
            }
        }
        Ok(())
    }

    /// Why an encoder thread ended early (the first error among them).
    fn stop(&mut self) -> RenderError {
        let mut first = None;
        for lane in &mut self.lanes {
            if let Err(e) = lane.join() {
                first.get_or_insert(e);
            }
        }
        first.unwrap_or_else(|| RenderError::Encode("the encoder stopped".into()))
    }

    /// Waits for every encoder to complete its file.
    fn finish(mut self) -> Result<(), RenderError> {
        let mut result = Ok(());
        for lane in &mut self.lanes {
            let r = lane.join();
            if result.is_ok() {
                result = r;
            }
        }
        result
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        // A cancelled or failed render: stop the encoders before the partial files go.
        for lane in &mut self.lanes {
            lane.tx = None;
            if let Some(w) = lane.worker.take() {
                let _ = w.join();
            }
        }
    }
}

/// How much closer a photo's push-in ends than it starts.
const PUSH_IN: f64 = 1.08;

/// Renders a montage: the sound is mixed on a thread of its own while the pictures are
/// composed from the first frame.
fn render_to(
    lib: &Library,
    cleared: &ClearedForUse,
    doc: &PieceDoc,
    montage: &Montage,
    targets: &[Target],
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Rendered, RenderError> {
    let total = doc.duration_frames().max(1);
    // A muted web loop needs no mix at all.
    let (soundtrack, mixer) = match targets.iter().any(|t| t.carries_sound()) {
        true => {
            let (track, mixer) =
                Soundtrack::mixing(sound::Recipe::new(lib, cleared, montage, total)?)?;
            (track, Some(mixer))
        }
        false => (Soundtrack::ready(Vec::new()), None),
    };
    let composed = compose(lib, cleared, doc, montage, targets, soundtrack, progress);
    // A mix that failed stopped the encoders: its own error says why.
    match mixer.map(|m| m.join()) {
        Some(Ok(Err(e))) => Err(e),
        Some(Err(_)) => Err(RenderError::Encode("the sound mixer panicked".into())),
        _ => composed,
    }
}

fn compose(
    lib: &Library,
    cleared: &ClearedForUse,
    doc: &PieceDoc,
    montage: &Montage,
    targets: &[Target],
    soundtrack: Soundtrack,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Rendered, RenderError> {
    let Some(first) = targets.first() else {
        return Err(RenderError::Encode("nothing to render to".into()));
    };
    let (width, height) = frame_size(targets, doc.preset);
    let insets = layout::Insets::new(width, height, safe_of(targets));
    let total = doc.duration_frames().max(1);
    let mut out = Output::open(targets, doc.preset, soundtrack)?;
    let mut done = 0u64;
    let mut tick = |out: &Output, done: &mut u64| -> Result<(), RenderError> {
        *done += 1;
        if (*done).is_multiple_of(5) && !progress(out.frames as f64 / total as f64) {
            return Err(RenderError::Cancelled);
        }
        Ok(())
    };
    let kit = brand::load(lib)?;
    if montage.burn_captions {
        let cues = crate::piece::captions::timeline(montage);
        if !cues.is_empty() {
            out.captions = Some(captions::Burner::new(&cues, &kit, width, height, insets));
        }
    }
    let card_frames = (montage.card_ms * FPS + 500) / 1000;
    if montage.intro_card {
        let intro = brand::Card::new(&kit, width, height, insets, &kit.name, &kit.tagline, true)?
            .moving(montage.card_motion);
        for f in 0..card_frames {
            out.push(intro.frame(f, card_frames))?;
            tick(&out, &mut done)?;
        }
    }
    // The brand's logo in the top-right corner of the footage, if the piece wants it.
    let corner = match (&kit.logo, montage.corner_logo) {
        (Some(logo), true) => Some(brand::logo_at(logo, height / 12)),
        _ => None,
    };
    let store = lib.store();
    let mut poster: Option<Yuv> = None;
    let mut timeline = Vec::new();
    let mut held: Vec<Yuv> = Vec::new();
    for (index, item) in montage.items.iter().enumerate() {
        let n = (item.len_ms() * FPS + 500) / 1000;
        let from = out.frames as u64;
        let (k_in, k_out) = (
            crossfade_frames(montage, index),
            crossfade_frames(montage, index + 1),
        );
        let mut next_held: Vec<Yuv> = Vec::new();
        // Dip to black: this item fades in over half the dip, the one before fades out.
        let (fade_in, fade_out) = (dip_frames(montage, index), dip_frames(montage, index + 1));
        // Frame `f` of this item, composed and credited: dipped, crossfaded, sent on.
        let mut place = |out: &mut Output, mut frame: Yuv, f: u64| -> Result<(), RenderError> {
            let g = dip_gain(f, n, fade_in, fade_out);
            if g < 1.0 {
                frame.darken(g);
            }
            if poster.is_none() {
                poster = Some(frame.clone());
            }
            if f < k_in {
                if let Some(old) = held.get(f as usize) {
                    frame.mix_over(old, (f + 1) as f32 / (k_in + 1) as f32);
                }
                out.push(frame)
            } else if f + k_out >= n {
                next_held.push(frame);
                Ok(())
            } else {
                out.push(frame)
            }
        };
        let src = source_of(cleared, item.asset_id)?;
        let source = store.original(&src.hash);
        let overlay = Overlay::new(item, &kit, corner.as_ref(), insets, width, height);
        let credited = |frame: Yuv, f: u64| overlay.draw(frame, f, n);
        // The catalog's kind, never the document's: a clip named a photo is still a clip.
        match src.kind {
            Kind::Photo => {
                let photo = PhotoFrames::new(&source, item, width, height)?;
                for f in 0..n {
                    place(&mut out, credited(photo.frame(f, n)?, f), f)?;
                    tick(&out, &mut done)?;
                }
            }
            Kind::Clip => {
                let rotation = src.rotation;
                let path = follow_path(lib, src, item, n);
                let mut f = 0u64;
                decode_range(
                    &source,
                    item,
                    n,
                    Picture::Frames {
                        size: (width, height),
                        rotation,
                    },
                    &mut |pic, repeats| {
                        // Composed once however many output frames this source frame
                        // covers (a 25 fps clip in a 30 fps piece repeats one in five).
                        let mut framed = Some(credited(
                            clip_frame(pic, rotation, &path, f, item.fit, (width, height))?,
                            f,
                        ));
                        for r in 0..repeats {
                            let frame = match r + 1 < repeats {
                                true => framed.clone(),
                                false => framed.take(),
                            };
                            if let Some(frame) = frame {
                                place(&mut out, frame, f)?;
                            }
                            f += 1;
                            tick(&out, &mut done)?;
                        }
                        Ok(())
                    },
                    &mut Vec::new(),
                )?;
            }
        }
        held = next_held;
        timeline.push(Span {
            from,
            to: out.frames as u64,
            asset_id: item.asset_id,
        });
    }
    if montage.outro_card {
        let (line, sub) = match &montage.cta {
            Some(cta) => (cta.text.trim(), cta.url.trim()),
            None => ("Thank you", kit.name.as_str()),
        };
        let outro = brand::Card::new(&kit, width, height, insets, line, sub, false)?
            .moving(montage.card_motion);
        // The last item's final frames (held back for the crossfade) fade into the card.
        let k = held.len();
        for f in 0..card_frames {
            let mut frame = outro.frame(f, card_frames);
            if let Some(old) = held.get(f as usize) {
                frame.mix_over(old, (f + 1) as f32 / (k + 1) as f32);
            }
            out.push(frame)?;
            tick(&out, &mut done)?;
        }
    }
    let frames = out.frames as u64;
    out.finish()?;
    progress(1.0);
    Ok(Rendered {
        path: first.path.clone(),
        frames,
        width,
        height,
        poster: poster.map(|p| p.to_rgb()).transpose()?,
        timeline,
    })
}

/// The credit line (its handle, set smaller rather than cut when too long for the safe
/// area) and the brand's corner logo, drawn on each frame of one item.
struct Overlay<'a> {
    credit: Option<text::Mask>,
    corner: Option<&'a image::RgbaImage>,
    colour: [u8; 3],
    insets: layout::Insets,
    width: u32,
    height: u32,
}

impl<'a> Overlay<'a> {
    fn new(
        item: &Item,
        kit: &brand::BrandKit,
        corner: Option<&'a image::RgbaImage>,
        insets: layout::Insets,
        width: u32,
        height: u32,
    ) -> Overlay<'a> {
        let credit = (!item.credit.trim().is_empty()).then(|| {
            let px = height as f32 * 0.045;
            let mask = text::rasterise(item.credit.trim(), px);
            let room = insets.inner_width() as f32;
            match mask.width() as f32 > room {
                true => text::rasterise(item.credit.trim(), px * room / mask.width() as f32 * 0.97),
                false => mask,
            }
        });
        Overlay {
            credit,
            corner,
            colour: kit.text,
            insets,
            width,
            height,
        }
    }

    /// Frame `f` of an `n`-frame item. The credit fades and rises in over its first 0.3 s
    /// and fades out over its last (eased), so it arrives with the shot rather than
    /// sitting on it from the cut.
    fn draw(&self, mut frame: Yuv, f: u64, n: u64) -> Yuv {
        const CREDIT_FADE: u64 = 9;
        if let Some(mask) = &self.credit {
            let t = ((f + 1) as f64 / CREDIT_FADE as f64)
                .min(n.saturating_sub(f) as f64 / CREDIT_FADE as f64)
                .min(1.0);
            let k = 1.0 - (1.0 - t).powi(3);
            let rise = ((1.0 - k) * f64::from(self.height) / 90.0).round() as i64;
            let y = self.insets.floor() - i64::from(mask.height()) + rise;
            text::draw_yuv(&mut frame, mask, self.insets.left, y, self.colour, k as f32);
        }
        if let Some(logo) = self.corner {
            let x = i64::from(self.width) - self.insets.right - i64::from(logo.width());
            frame.blend_rgba(logo, x, self.insets.top, 0.9);
        }
        frame
    }
}

/// A photo as an item shows it: fitted, centred on its subject when following it, and
/// pushed in slowly (Ken Burns) when the item asks.
struct PhotoFrames {
    picture: Yuv,
    still: Option<Yuv>,
    centre: (f64, f64),
    fit: Fit,
    size: (u32, u32),
}

impl PhotoFrames {
    fn new(
        source: &Path,
        item: &Item,
        width: u32,
        height: u32,
    ) -> Result<PhotoFrames, RenderError> {
        let rgb = load_photo(source)?;
        let centre = match item.fit {
            Fit::Follow => crate::media::lively::photo_subject(&rgb).unwrap_or((0.5, 0.5)),
            _ => (0.5, 0.5),
        };
        let picture = Yuv::from_rgb(&rgb)?;
        drop(rgb);
        let zoom = if item.pan_zoom { PUSH_IN } else { 1.0 };
        let picture = yuv::working_copy(picture, item.fit, width, height, zoom)?;
        let still = match item.pan_zoom {
            true => None,
            false => Some(yuv::fit_zoomed(
                &picture, 1.0, centre, item.fit, width, height,
            )?),
        };
        Ok(PhotoFrames {
            picture,
            still,
            centre,
            fit: item.fit,
            size: (width, height),
        })
    }

    fn frame(&self, f: u64, n: u64) -> Result<Yuv, RenderError> {
        match &self.still {
            Some(s) => Ok(s.clone()),
            None => {
                let z = 1.0 + (PUSH_IN - 1.0) * f as f64 / n.max(1) as f64;
                let (w, h) = self.size;
                yuv::fit_zoomed(&self.picture, z, self.centre, self.fit, w, h)
            }
        }
    }
}

/// Following a clip's subject: the window's centre on each of its `n` output frames
/// (empty for the other fits).
fn follow_path(lib: &Library, src: &Source, item: &Item, n: u64) -> Vec<(f64, f64)> {
    match item.fit {
        Fit::Follow => {
            let l = crate::piece::assemble::liveliness(lib, src.hash.as_str()).unwrap_or_default();
            crate::piece::framing::follow_path(&l, src.rotation, item.in_ms, n)
        }
        _ => Vec::new(),
    }
}

/// A decoded clip frame turned upright and fitted to the output: output frame `f` of
/// its item, following `path` when it has one.
fn clip_frame(
    pic: &Yuv,
    rotation: u16,
    path: &[(f64, f64)],
    f: u64,
    fit: Fit,
    (width, height): (u32, u32),
) -> Result<Yuv, RenderError> {
    let mut crop = match rotation {
        90 | 270 => Rect::of(pic.height(), pic.width()),
        _ => Rect::of(pic.width(), pic.height()),
    };
    if let Some(&centre) = path.get(f as usize).or(path.last()) {
        let (x, y, w, h) = crate::piece::framing::window(crop.w, crop.h, (width, height), centre);
        crop = Rect { x, y, w, h };
    }
    yuv::fit(pic, rotation, crop, fit, width, height)
}

/// Frames over which item `i` fades in from black (half its dip; the item before fades
/// out over the other half). Zero unless item `i` begins with a dip.
fn dip_frames(montage: &Montage, i: usize) -> u64 {
    montage
        .items
        .get(i)
        .filter(|it| i > 0 && it.transition.kind == TransitionKind::DipToBlack)
        .map_or(0, |it| (it.transition.duration_ms * FPS + 500) / 1000 / 2)
}

/// Frames by which item `i` overlaps the one before it (a crossfade), else zero. Item
/// `items.len()` is the outro card.
fn crossfade_frames(montage: &Montage, i: usize) -> u64 {
    if i == montage.items.len() && montage.outro_card {
        return crate::piece::frames(montage.outro_fade_ms);
    }
    montage
        .items
        .get(i)
        .filter(|it| i > 0 && it.transition.kind == TransitionKind::Crossfade)
        .map_or(0, |it| (it.transition.duration_ms * FPS + 500) / 1000)
}

/// Picture and sound gain of frame `f` of an `n`-frame item that fades in over `fade_in`
/// frames and out over `fade_out`.
fn dip_gain(f: u64, n: u64, fade_in: u64, fade_out: u64) -> f32 {
    let mut g = 1.0f32;
    if f < fade_in {
        g = g.min((f as f32 + 0.5) / fade_in as f32);
    }
    if f + fade_out >= n && fade_out > 0 {
        g = g.min((n - f) as f32 / (fade_out as f32 + 0.5));
    }
    g
}

/// The resolved source of an asset the gate cleared; any other asset is refused.
fn source_of(cleared: &ClearedForUse, asset: i64) -> Result<&Source, RenderError> {
    cleared.source(asset).ok_or(RenderError::NotCleared(asset))
}

/// A photo at full size, upright and in sRGB. Orientation is read from the file itself.
fn load_photo(source: &Path) -> Result<RgbImage, RenderError> {
    crate::media::load_photo(source, &crate::media::Limits::default()).map_err(|e| {
        RenderError::Source {
            path: source.to_path_buf(),
            why: e.to_string(),
        }
    })
}

/// What a pass over a clip wants: its sound only, or its frames for an output of `size`,
/// to be turned `rotation`° clockwise (HDR frames are tone-mapped no larger than needed).
#[derive(Clone, Copy)]
enum Picture {
    SoundOnly,
    Frames { size: (u32, u32), rotation: u16 },
}

/// The long side a stored `w`×`h` frame needs, turned `rotation`°, to fill `size` with
/// `fit`, when that is less than it has.
fn needed_long_side(
    (w, h): (u32, u32),
    rotation: u16,
    (ow, oh): (u32, u32),
    fit: crate::piece::Fit,
) -> Option<u32> {
    let (dw, dh) = match rotation {
        90 | 270 => (f64::from(h), f64::from(w)),
        _ => (f64::from(w), f64::from(h)),
    };
    let (ow, oh) = (f64::from(ow), f64::from(oh));
    let need = match fit {
        // Cropping fills the frame: the larger ratio.
        crate::piece::Fit::Crop | crate::piece::Fit::Follow => (ow / dw).max(oh / dh),
        // Letterbox and blurred fill show it whole: the smaller (the blurred copy behind
        // needs far less).
        _ => (ow / dw).min(oh / dh),
    };
    (need < 1.0).then(|| (dw.max(dh) * need).ceil() as u32)
}

/// Decodes `item`'s trim of a clip: exactly `n` output frames (30 fps, repeating or
/// dropping source frames as the rates differ) to `emit`, each source frame once with the
/// number of output frames it covers, and its audio as 48 kHz stereo. Frames come as
/// stored; the caller turns them upright.
fn decode_range(
    source: &Path,
    item: &Item,
    n: u64,
    picture: Picture,
    emit: &mut dyn FnMut(&Yuv, u64) -> Result<(), RenderError>,
    audio: &mut Vec<[f32; 2]>,
) -> Result<(), RenderError> {
    let video = matches!(picture, Picture::Frames { .. });
    let src_err = |why: String| RenderError::Source {
        path: source.to_path_buf(),
        why,
    };
    let mut ictx = ff::format::input(&source).map_err(|e| src_err(e.to_string()))?;
    let vstream = ictx
        .streams()
        .best(Type::Video)
        .ok_or_else(|| src_err("no video stream".into()))?;
    let vidx = vstream.index();
    let vtb = vstream.time_base();
    let mut vdec = crate::media::threaded_video_decoder(vstream.parameters())
        .map_err(|e| src_err(e.to_string()))?;
    let astream = ictx
        .streams()
        .best(Type::Audio)
        .map(|s| (s.index(), s.time_base(), s.parameters()));
    // The picture pass leaves sound to the soundtrack pass.
    let mut adec = match &astream {
        Some((_, _, params)) if !video => {
            ff::codec::context::Context::from_parameters(params.clone())
                .and_then(|c| c.decoder().audio())
                .ok()
        }
        _ => None,
    };
    let in_us = item.in_ms as i64 * 1000;
    if in_us > 0 {
        ictx.seek(in_us, ..in_us)
            .map_err(|e| src_err(e.to_string()))?;
    }
    let to_ms = |pts: i64, tb: Rational| {
        pts * 1000 * i64::from(tb.numerator()) / i64::from(tb.denominator().max(1))
    };
    // Audio only (the loudness pass): count the video as done.
    let mut emitted = if video { 0 } else { n };
    let mut last: Option<Yuv> = None;
    let mut resampler: Option<ff::software::resampling::Context> = None;
    let wanted_samples = n as usize * SAMPLES_PER_FRAME;
    let mut decoded = frame::Video::empty();
    let mut aframe = frame::Audio::empty();

    // HDR (HLG, PQ) is tone-mapped to BT.709 SDR so it sits with the other footage.
    let colour = crate::media::VideoColour::of_decoder(&vdec);
    let mut to_sdr: Option<crate::media::ToSdr> = None;
    let mut handle_video = |decoded: &mut frame::Video,
                            emitted: &mut u64,
                            last: &mut Option<Yuv>|
     -> Result<(), RenderError> {
        let pts_ms = decoded
            .timestamp()
            .map(|p| to_ms(p, vtb))
            .unwrap_or(item.in_ms as i64);
        if pts_ms < item.in_ms as i64 - 1 {
            return Ok(());
        }
        // Taken, not copied: the decoder allocates a fresh frame for the next one.
        let taken = std::mem::replace(decoded, frame::Video::empty());
        let pic = if colour.is_hdr() {
            if to_sdr.is_none() {
                let (w, h) = (taken.width(), taken.height());
                // The float stage is the costly one: shrink first to what the output needs.
                let max_side = match picture {
                    Picture::Frames { size, rotation } => {
                        needed_long_side((w, h), rotation, size, item.fit)
                    }
                    Picture::SoundOnly => None,
                };
                to_sdr = Some(
                    crate::media::ToSdr::new(
                        (w, h, taken.format()),
                        &colour,
                        Pixel::YUV420P,
                        max_side,
                    )
                    .map_err(src_err)?,
                );
            }
            let sdr = to_sdr.as_mut().map(|t| t.run(&taken)).transpose();
            Yuv::from_frame(sdr.map_err(src_err)?.unwrap_or(taken))?
        } else {
            Yuv::from_frame(taken)?
        };
        // Output frames whose time this source frame covers.
        let local_ms = (pts_ms - item.in_ms as i64).max(0) as u64;
        let upto = ((local_ms * FPS) / 1000 + 1).min(n);
        if *emitted < upto {
            emit(&pic, upto - *emitted)?;
            *emitted = upto;
        }
        *last = Some(pic);
        Ok(())
    };

    for (stream, packet) in ictx.packets() {
        if emitted >= n && (adec.is_none() || audio.len() >= wanted_samples) {
            break;
        }
        if stream.index() == vidx && emitted < n {
            if vdec.send_packet(&packet).is_ok() {
                while vdec.receive_frame(&mut decoded).is_ok() {
                    handle_video(&mut decoded, &mut emitted, &mut last)?;
                }
            }
        } else if let (Some((aidx, atb, _)), Some(dec)) = (&astream, adec.as_mut()) {
            if stream.index() != *aidx
                || audio.len() >= wanted_samples
                || dec.send_packet(&packet).is_err()
            {
                continue;
            }
            while dec.receive_frame(&mut aframe).is_ok() {
                let start_ms = aframe
                    .timestamp()
                    .map(|p| to_ms(p, *atb))
                    .unwrap_or(item.in_ms as i64);
                if resampler.is_none() {
                    let layout = if aframe.channel_layout().is_empty() {
                        ChannelLayout::default(i32::from(aframe.channels()))
                    } else {
                        aframe.channel_layout()
                    };
                    resampler = ff::software::resampling::Context::get(
                        aframe.format(),
                        layout,
                        aframe.rate(),
                        ff::format::Sample::F32(ff::format::sample::Type::Planar),
                        ChannelLayout::STEREO,
                        SAMPLE_RATE,
                    )
                    .ok();
                }
                let Some(rs) = resampler.as_mut() else {
                    continue;
                };
                let mut converted = frame::Audio::new(
                    ff::format::Sample::F32(ff::format::sample::Type::Planar),
                    aframe.samples() * 2 + 256,
                    ChannelLayout::STEREO,
                );
                if rs.run(&aframe, &mut converted).is_err() {
                    continue;
                }
                let (l, r) = (converted.plane::<f32>(0), converted.plane::<f32>(1));
                // Drop what lies before the trim point.
                let skip = if audio.is_empty() && start_ms < item.in_ms as i64 {
                    ((item.in_ms as i64 - start_ms) as usize * SAMPLE_RATE as usize / 1000)
                        .min(l.len())
                } else {
                    0
                };
                audio.extend(l.iter().zip(r).skip(skip).map(|(a, b)| [*a, *b]));
            }
        }
    }
    if !video {
        audio.truncate(wanted_samples);
        return Ok(());
    }
    let _ = vdec.send_eof();
    while emitted < n && vdec.receive_frame(&mut decoded).is_ok() {
        handle_video(&mut decoded, &mut emitted, &mut last)?;
    }
    // A clip shorter than its trim (or cut off) holds its last frame.
    let hold = last.ok_or_else(|| src_err("no video frame in the trimmed range".into()))?;
    if emitted < n {
        emit(&hold, n - emitted)?;
    }
    audio.truncate(wanted_samples);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::needed_long_side;
    use crate::piece::Fit;

    /// HDR frames are tone-mapped at the size the output needs, never smaller.
    #[test]
    fn an_hdr_frame_is_shrunk_only_to_what_the_output_needs() {
        // 4K landscape into 1080p landscape: half size.
        assert_eq!(
            needed_long_side((3840, 2160), 0, (1920, 1080), Fit::Crop),
            Some(1920)
        );
        // 4K landscape cropped into a vertical 1080×1920: the height must stay 1920.
        assert_eq!(
            needed_long_side((3840, 2160), 0, (1080, 1920), Fit::Crop),
            Some(3414)
        );
        // An iPhone's portrait clip, stored landscape and turned 90°, into a vertical cut.
        assert_eq!(
            needed_long_side((3840, 2160), 90, (1080, 1920), Fit::Crop),
            Some(1920)
        );
        // Letterboxed into a square: the long side fits the frame.
        assert_eq!(
            needed_long_side((3840, 2160), 0, (1080, 1080), Fit::Letterbox),
            Some(1080)
        );
        // Smaller than the output: left alone.
        assert_eq!(
            needed_long_side((1280, 720), 0, (1920, 1080), Fit::Crop),
            None
        );
    }
}
