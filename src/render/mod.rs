//! Rendering montages to H.264/AAC MP4 through ffmpeg-next (no ffmpeg subprocess).
//!
//! So far: cuts, crossfades and dips to black, the three fit modes, display-matrix and EXIF
//! orientation, a slow push-in on photos, the credit line on every item, brand-colour
//! intro/outro cards with text, and the clips' own audio resampled to 48 kHz stereo
//! (silence where a clip has none and under photos). Every frame is composited as RGB in
//! Chorus's own code and converted once to YUV 4:2:0; the output is written under a temporary name
//! and renamed only when complete, so a failed or cancelled render leaves nothing that
//! looks finished. The soundtrack (`sound`) is built first: clips' sound, the music bed
//! ducked under voices, normalised to the piece's loudness target (EBU R128 integrated,
//! true peak at most -1 dBTP); each video frame then takes its slice.

use std::fs;
use std::path::{Path, PathBuf};

use ff::format::Pixel;
use ff::media::Type;
use ff::software::scaling;
use ff::util::frame;
use ff::{ChannelLayout, Dictionary, Rational};
use ffmpeg_next as ff;
use image::RgbImage;

use crate::campaign::piece::{Content, Fit, Item, Montage, PieceDoc, Preset, TransitionKind, FPS};
use crate::library::Library;
use crate::media::Kind;
use crate::rights::ClearedForUse;

pub mod brand;
mod scale;
mod sound;
mod stills;
mod text;

pub use sound::{bed_path, duck_envelope, loudness, KEYS};
pub use stills::render_image;

const SAMPLE_RATE: u32 = 48_000;
const SAMPLES_PER_FRAME: usize = (SAMPLE_RATE as u64 / FPS) as usize;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the piece uses asset {0}, which the rights clearance given does not cover")]
    NotCleared(i64),
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

/// How good a render must be: the deliverable, or a quick look while editing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quality {
    Final,
    /// A third of the size, encoded as fast as x264 goes: a 30 s piece plays in the app a
    /// few seconds after asking. Same cuts, timing, sound and loudness as the final.
    Preview,
}

impl Quality {
    /// The frame size for a preset: the preset's, or a third of it (even, for 4:2:0).
    pub fn size(self, preset: Preset) -> (u32, u32) {
        let (w, h) = preset.size();
        match self {
            Quality::Final => (w, h),
            Quality::Preview => ((w / 3) & !1, (h / 3) & !1),
        }
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
    for id in doc.asset_ids() {
        if !cleared.covers(id) {
            return Err(RenderError::NotCleared(id));
        }
    }
    crate::media::init_ffmpeg();
    let partial = out.with_file_name(format!(
        ".{}.partial",
        out.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default()
    ));
    let result = match &doc.content {
        Content::Montage(montage) => render_to(lib, doc, montage, &partial, quality, progress),
        Content::Mosaic(mosaic) => {
            stills::animate_mosaic(lib, doc, mosaic, &partial, quality, progress)
        }
        Content::Still(_) => Err(RenderError::UnsupportedKind("still")),
    };
    match result {
        Ok(mut r) => {
            fs::rename(&partial, out).map_err(|source| RenderError::Write {
                path: out.to_path_buf(),
                source,
            })?;
            r.path = out.to_path_buf();
            Ok(r)
        }
        Err(e) => {
            let _ = fs::remove_file(&partial);
            Err(e)
        }
    }
}

/// The encoding end of a render: converts frames to YUV, encodes picture and sound and
/// muxes them. It lives on its own thread (see `Output`), so composing the next frame and
/// encoding this one use both cores.
struct Sink {
    octx: ff::format::context::Output,
    venc: ff::encoder::Video,
    aenc: ff::encoder::Audio,
    vidx: usize,
    aidx: usize,
    to_yuv: scaling::Context,
    width: u32,
    height: u32,
    frames: i64,
    samples: i64,
    audio: Vec<[f32; 2]>,
    aframe: usize,
    /// The whole piece's sound, normalised; frame `i` of video takes its `i`-th slice.
    soundtrack: Vec<[f32; 2]>,
}

impl Sink {
    fn open(
        path: &Path,
        (width, height): (u32, u32),
        quality: Quality,
    ) -> Result<Sink, RenderError> {
        let mut octx = ff::format::output_as(path, "mp4").map_err(enc_err)?;
        let global = octx
            .format()
            .flags()
            .contains(ff::format::Flags::GLOBAL_HEADER);

        let vcodec = ff::encoder::find(ff::codec::Id::H264).ok_or(RenderError::Encode(
            "no H.264 encoder (libx264) in this FFmpeg".into(),
        ))?;
        let vidx = octx.add_stream(vcodec).map_err(enc_err)?.index();
        let mut v = ff::codec::context::Context::new_with_codec(vcodec)
            .encoder()
            .video()
            .map_err(enc_err)?;
        v.set_width(width);
        v.set_height(height);
        v.set_format(Pixel::YUV420P);
        v.set_time_base(Rational(1, FPS as i32));
        v.set_frame_rate(Some(Rational(FPS as i32, 1)));
        if global {
            v.set_flags(ff::codec::Flags::GLOBAL_HEADER);
        }
        let mut opts = Dictionary::new();
        match quality {
            Quality::Final => {
                opts.set("preset", "veryfast");
                opts.set("crf", "23");
            }
            Quality::Preview => {
                opts.set("preset", "ultrafast");
                opts.set("crf", "28");
            }
        }
        // FFmpeg's library default is one thread; the CLI uses every core.
        opts.set("threads", "auto");
        let venc = v.open_with(opts).map_err(enc_err)?;
        octx.stream_mut(vidx)
            .ok_or(RenderError::Encode("video stream".into()))?
            .set_parameters(&venc);

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
        a.set_bit_rate(128_000);
        a.set_time_base(Rational(1, SAMPLE_RATE as i32));
        if global {
            a.set_flags(ff::codec::Flags::GLOBAL_HEADER);
        }
        let aenc = a.open_as(acodec).map_err(enc_err)?;
        octx.stream_mut(aidx)
            .ok_or(RenderError::Encode("audio stream".into()))?
            .set_parameters(&aenc);

        let mut header = Dictionary::new();
        // The index goes first, so a browser starts playing before the download ends.
        header.set("movflags", "+faststart");
        octx.write_header_with(header).map_err(enc_err)?;
        let aframe = (aenc.frame_size() as usize).max(1024);
        let to_yuv = scaling::Context::get(
            Pixel::RGB24,
            width,
            height,
            Pixel::YUV420P,
            width,
            height,
            scaling::Flags::BILINEAR,
        )
        .map_err(enc_err)?;
        Ok(Sink {
            octx,
            venc,
            aenc,
            vidx,
            aidx,
            to_yuv,
            width,
            height,
            frames: 0,
            samples: 0,
            audio: Vec::new(),
            aframe,
            soundtrack: Vec::new(),
        })
    }

    fn push_video(&mut self, rgb: &RgbImage) -> Result<(), RenderError> {
        let mut src = frame::Video::new(Pixel::RGB24, self.width, self.height);
        let stride = src.stride(0);
        let row = self.width as usize * 3;
        let data = src.data_mut(0);
        for (y, line) in rgb.as_raw().chunks_exact(row).enumerate() {
            data[y * stride..y * stride + row].copy_from_slice(line);
        }
        let mut yuv = frame::Video::empty();
        self.to_yuv.run(&src, &mut yuv).map_err(enc_err)?;
        yuv.set_pts(Some(self.frames));
        let at = self.frames as usize * SAMPLES_PER_FRAME;
        self.frames += 1;
        self.venc.send_frame(&yuv).map_err(enc_err)?;
        self.drain_video()?;
        // This frame's sound, so the muxer interleaves picture and sound as it goes.
        let end = (at + SAMPLES_PER_FRAME).min(self.soundtrack.len());
        let slice: Vec<[f32; 2]> = match self.soundtrack.get(at..end) {
            Some(s) if !s.is_empty() => s.to_vec(),
            _ => vec![[0.0; 2]; SAMPLES_PER_FRAME],
        };
        self.push_audio(&slice)
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

    /// Queues stereo samples and encodes every whole AAC frame.
    fn push_audio(&mut self, samples: &[[f32; 2]]) -> Result<(), RenderError> {
        self.audio.extend_from_slice(samples);
        while self.audio.len() >= self.aframe {
            let chunk: Vec<[f32; 2]> = self.audio.drain(..self.aframe).collect();
            self.encode_audio(&chunk)?;
        }
        Ok(())
    }

    fn encode_audio(&mut self, chunk: &[[f32; 2]]) -> Result<(), RenderError> {
        let mut f = frame::Audio::new(
            ff::format::Sample::F32(ff::format::sample::Type::Planar),
            chunk.len(),
            ChannelLayout::STEREO,
        );
        f.set_rate(SAMPLE_RATE);
        for ch in 0..2 {
            let plane = f.plane_mut::<f32>(ch);
            for (dst, s) in plane.iter_mut().zip(chunk) {
                *dst = s[ch];
            }
        }
        f.set_pts(Some(self.samples));
        self.samples += chunk.len() as i64;
        self.aenc.send_frame(&f).map_err(enc_err)?;
        self.drain_audio()
    }

    fn drain_audio(&mut self) -> Result<(), RenderError> {
        let tb = self
            .octx
            .stream(self.aidx)
            .map(|s| s.time_base())
            .unwrap_or(Rational(1, SAMPLE_RATE as i32));
        let mut pkt = ff::Packet::empty();
        while self.aenc.receive_packet(&mut pkt).is_ok() {
            pkt.set_stream(self.aidx);
            pkt.rescale_ts(Rational(1, SAMPLE_RATE as i32), tb);
            pkt.write_interleaved(&mut self.octx).map_err(enc_err)?;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<(), RenderError> {
        if !self.audio.is_empty() {
            let rest: Vec<[f32; 2]> = std::mem::take(&mut self.audio);
            self.encode_audio(&rest)?;
        }
        self.venc.send_eof().map_err(enc_err)?;
        self.drain_video()?;
        self.aenc.send_eof().map_err(enc_err)?;
        self.drain_audio()?;
        self.octx.write_trailer().map_err(enc_err)
    }
}

/// Frames queued between the compositor and the encoder thread: enough to ride out
/// uneven frame costs, few enough to keep memory flat (each is one RGB frame).
const QUEUE_FRAMES: usize = 4;

/// The compositor's side of a render: frames go to a `Sink` on an encoder thread through
/// a short queue. Dropping it (a cancel or an error) stops the thread and closes the file.
struct Output {
    tx: Option<std::sync::mpsc::SyncSender<RgbImage>>,
    worker: Option<std::thread::JoinHandle<Result<(), RenderError>>>,
    /// Frames pushed so far.
    frames: i64,
}

impl Output {
    fn open(
        path: &Path,
        size: (u32, u32),
        quality: Quality,
        soundtrack: Vec<[f32; 2]>,
    ) -> Result<Output, RenderError> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<RgbImage>(QUEUE_FRAMES);
        let (opened_tx, opened_rx) = std::sync::mpsc::channel::<bool>();
        let path = path.to_path_buf();
        // FFmpeg's contexts are made and used on the thread that owns them.
        let worker = std::thread::Builder::new()
            .name("render-encode".into())
            .spawn(move || -> Result<(), RenderError> {
                let mut sink = match Sink::open(&path, size, quality) {
                    Ok(s) => s,
                    Err(e) => {
                        let _ = opened_tx.send(false);
                        return Err(e);
                    }
                };
                sink.soundtrack = soundtrack;
                let _ = opened_tx.send(true);
                for frame in rx {
                    sink.push_video(&frame)?;
                }
                sink.finish()
            })
            .map_err(|e| RenderError::Encode(format!("cannot start the encoder thread: {e}")))?;
        let mut out = Output {
            tx: Some(tx),
            worker: Some(worker),
            frames: 0,
        };
        match opened_rx.recv() {
            Ok(true) => Ok(out),
            _ => Err(out.stop()),
        }
    }

    fn push_video(&mut self, rgb: &RgbImage) -> Result<(), RenderError> {
        self.push(rgb.clone())
    }

    fn push(&mut self, rgb: RgbImage) -> Result<(), RenderError> {
        self.frames += 1;
        match self.tx.as_ref().map(|tx| tx.send(rgb)) {
            Some(Ok(())) => Ok(()),
            // The encoder thread ended early: its error says why.
            _ => Err(self.stop()),
        }
    }

    /// Closes the queue and waits for the encoder: its result, once the file is complete.
    fn join(&mut self) -> Result<(), RenderError> {
        self.tx = None;
        match self.worker.take().map(|w| w.join()) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(RenderError::Encode("the encoder thread panicked".into())),
            None => Err(RenderError::Encode("the encoder stopped".into())),
        }
    }

    /// Why the encoder thread ended early.
    fn stop(&mut self) -> RenderError {
        self.join()
            .err()
            .unwrap_or_else(|| RenderError::Encode("the encoder stopped".into()))
    }

    fn finish(mut self) -> Result<(), RenderError> {
        self.join()
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        // A cancelled or failed render: stop the encoder before the partial file goes.
        self.tx = None;
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

fn render_to(
    lib: &Library,
    doc: &PieceDoc,
    montage: &Montage,
    path: &Path,
    quality: Quality,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Rendered, RenderError> {
    let (width, height) = quality.size(doc.preset);
    let total = doc.duration_frames().max(1);
    let soundtrack = sound::soundtrack(lib, montage, total)?;
    let mut out = Output::open(path, (width, height), quality, soundtrack)?;
    let mut done = 0u64;
    let mut tick = |out: &Output, done: &mut u64| -> Result<(), RenderError> {
        *done += 1;
        if (*done).is_multiple_of(5) && !progress(out.frames as f64 / total as f64) {
            return Err(RenderError::Cancelled);
        }
        Ok(())
    };
    let kit = brand::load(lib)?;
    let intro = brand::card(&kit, width, height, &kit.name, &kit.tagline);
    let outro = brand::card(&kit, width, height, "Thank you", &kit.name);
    let card_frames = (montage.card_ms * FPS + 500) / 1000;
    if montage.intro_card {
        for _ in 0..card_frames {
            out.push_video(&intro)?;
            tick(&out, &mut done)?;
        }
    }
    let store = lib.store();
    let mut poster: Option<RgbImage> = None;
    let mut timeline = Vec::new();
    let mut held: Vec<RgbImage> = Vec::new();
    for (index, item) in montage.items.iter().enumerate() {
        let n = (item.len_ms() * FPS + 500) / 1000;
        let from = out.frames as u64;
        let (k_in, k_out) = (
            crossfade_frames(montage, index),
            crossfade_frames(montage, index + 1),
        );
        let mut next_held: Vec<RgbImage> = Vec::new();
        let place = |out: &mut Output,
                     frame: RgbImage,
                     f: u64,
                     held: &[RgbImage],
                     next_held: &mut Vec<RgbImage>|
         -> Result<(), RenderError> {
            if f < k_in {
                let a = (f + 1) as f32 / (k_in + 1) as f32;
                match held.get(f as usize) {
                    Some(old) => out.push(mix(old, &frame, a)),
                    None => out.push(frame),
                }
            } else if f + k_out >= n {
                next_held.push(frame);
                Ok(())
            } else {
                out.push(frame)
            }
        };
        let source = store.original(&item.source_hash);
        // Dip to black: this item fades in over half the dip, the one before fades out.
        let (fade_in, fade_out) = (dip_frames(montage, index), dip_frames(montage, index + 1));
        let gain = |f: u64| dip_gain(f, n, fade_in, fade_out);
        let credit = (!item.credit.trim().is_empty())
            .then(|| text::rasterise(item.credit.trim(), height as f32 * 0.045));
        let margin = i64::from(height / 25);
        let finish = |mut frame: RgbImage, f: u64| -> RgbImage {
            if let Some(mask) = &credit {
                let y = i64::from(height) - margin - i64::from(mask.image.height());
                text::draw(&mut frame, mask, margin, y, kit.text);
            }
            let g = gain(f);
            if g < 1.0 {
                for p in frame.pixels_mut() {
                    p.0 = p.0.map(|v| (f32::from(v) * g) as u8);
                }
            }
            frame
        };
        match item.kind {
            Kind::Photo => {
                let picture = load_photo(lib, item, &source)?;
                let still = compose(&picture, item.fit, width, height);
                for f in 0..n {
                    // A slow push-in (Ken Burns) keeps a photo alive on screen.
                    let composed = if item.pan_zoom {
                        compose(
                            &zoomed(&picture, 1.0 + 0.08 * f as f64 / n.max(1) as f64),
                            item.fit,
                            width,
                            height,
                        )
                    } else {
                        still.clone()
                    };
                    let framed = finish(composed, f);
                    if poster.is_none() {
                        poster = Some(framed.clone());
                    }
                    place(&mut out, framed, f, &held, &mut next_held)?;
                    tick(&out, &mut done)?;
                }
            }
            Kind::Clip => {
                let rotation: u16 = lib.conn().query_row(
                    "SELECT rotation FROM assets WHERE id = ?",
                    [item.asset_id],
                    |r| r.get(0),
                )?;
                let mut f = 0u64;
                decode_range(
                    &source,
                    item,
                    n,
                    rotation,
                    true,
                    &mut |pic| {
                        let framed = finish(compose(&pic, item.fit, width, height), f);
                        if poster.is_none() {
                            poster = Some(framed.clone());
                        }
                        place(&mut out, framed, f, &held, &mut next_held)?;
                        f += 1;
                        tick(&out, &mut done)
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
        for _ in 0..card_frames {
            out.push_video(&outro)?;
            tick(&out, &mut done)?;
        }
    }
    let frames = out.frames as u64;
    out.finish()?;
    progress(1.0);
    Ok(Rendered {
        path: path.to_path_buf(),
        frames,
        width,
        height,
        poster,
        timeline,
    })
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

/// Frames by which item `i` overlaps the one before it (a crossfade), else zero.
fn crossfade_frames(montage: &Montage, i: usize) -> u64 {
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

fn mix(old: &RgbImage, new: &RgbImage, a: f32) -> RgbImage {
    let mut out = new.clone();
    for (o, p) in out.pixels_mut().zip(old.pixels()) {
        for (v, w) in o.0.iter_mut().zip(p.0) {
            *v = (f32::from(*v) * a + f32::from(w) * (1.0 - a)).round() as u8;
        }
    }
    out
}

/// The centre of a picture, `zoom` times closer.
fn zoomed(pic: &RgbImage, zoom: f64) -> RgbImage {
    let (w, h) = pic.dimensions();
    let (cw, ch) = (
        ((w as f64 / zoom) as u32).max(1),
        ((h as f64 / zoom) as u32).max(1),
    );
    image::imageops::crop_imm(pic, (w - cw) / 2, (h - ch) / 2, cw, ch).to_image()
}

fn load_photo(lib: &Library, item: &Item, source: &Path) -> Result<RgbImage, RenderError> {
    let orientation: Option<u8> = lib.conn().query_row(
        "SELECT exif_orientation FROM assets WHERE id = ?",
        [item.asset_id],
        |r| r.get(0),
    )?;
    let bytes = fs::read(source).map_err(|e| RenderError::Source {
        path: source.to_path_buf(),
        why: e.to_string(),
    })?;
    let mut img = image::load_from_memory(&bytes).map_err(|e| RenderError::Source {
        path: source.to_path_buf(),
        why: e.to_string(),
    })?;
    if let Some(o) = orientation.and_then(image::metadata::Orientation::from_exif) {
        img.apply_orientation(o);
    }
    Ok(img.into_rgb8())
}

/// Fits a picture into the output frame.
pub fn compose(pic: &RgbImage, fit: Fit, width: u32, height: u32) -> RgbImage {
    use image::imageops;
    let scale = scale::resize;
    let (pw, ph) = pic.dimensions();
    let contain = (width as f64 / pw as f64).min(height as f64 / ph as f64);
    let cover = (width as f64 / pw as f64).max(height as f64 / ph as f64);
    match fit {
        Fit::Crop => {
            let (sw, sh) = (
                ((pw as f64 * cover).round() as u32).max(width),
                ((ph as f64 * cover).round() as u32).max(height),
            );
            let scaled = scale(pic, sw, sh);
            imageops::crop_imm(&scaled, (sw - width) / 2, (sh - height) / 2, width, height)
                .to_image()
        }
        Fit::Letterbox | Fit::BlurredFill => {
            let (fw, fh) = (
                ((pw as f64 * contain).round() as u32).clamp(1, width),
                ((ph as f64 * contain).round() as u32).clamp(1, height),
            );
            let fg = scale(pic, fw, fh);
            let mut canvas = if fit == Fit::Letterbox {
                RgbImage::new(width, height)
            } else {
                // A tiny copy blown up is a cheap, strong blur; darkened so the clip leads.
                let mut tiny = scale(pic, (width / 40).max(1), (height / 40).max(1));
                // Darkened while tiny: the same result for 1/1600 of the work.
                for p in tiny.pixels_mut() {
                    p.0 = p.0.map(|v| (u16::from(v) * 3 / 5) as u8);
                }
                scale(&tiny, width, height)
            };
            imageops::replace(
                &mut canvas,
                &fg,
                i64::from((width - fw) / 2),
                i64::from((height - fh) / 2),
            );
            canvas
        }
    }
}

/// Decodes `item`'s trim of a clip: exactly `n` output frames (30 fps, repeating or
/// dropping source frames as the rates differ) to `emit`, and its audio as 48 kHz stereo.
#[allow(clippy::too_many_arguments)]
fn decode_range(
    source: &Path,
    item: &Item,
    n: u64,
    rotation: u16,
    video: bool,
    emit: &mut dyn FnMut(RgbImage) -> Result<(), RenderError>,
    audio: &mut Vec<[f32; 2]>,
) -> Result<(), RenderError> {
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
    let mut vdec = ff::codec::context::Context::from_parameters(vstream.parameters())
        .and_then(|c| c.decoder().video())
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
    let mut last: Option<RgbImage> = None;
    let mut scaler: Option<scaling::Context> = None;
    let mut resampler: Option<ff::software::resampling::Context> = None;
    let wanted_samples = n as usize * SAMPLES_PER_FRAME;
    let mut decoded = frame::Video::empty();
    let mut aframe = frame::Audio::empty();

    let mut handle_video = |decoded: &frame::Video,
                            emitted: &mut u64,
                            last: &mut Option<RgbImage>,
                            scaler: &mut Option<scaling::Context>|
     -> Result<(), RenderError> {
        let pts_ms = decoded
            .timestamp()
            .map(|p| to_ms(p, vtb))
            .unwrap_or(item.in_ms as i64);
        if pts_ms < item.in_ms as i64 - 1 {
            return Ok(());
        }
        if scaler.is_none() {
            *scaler = Some(
                scaling::Context::get(
                    decoded.format(),
                    decoded.width(),
                    decoded.height(),
                    Pixel::RGB24,
                    decoded.width(),
                    decoded.height(),
                    scaling::Flags::BILINEAR,
                )
                .map_err(enc_err)?,
            );
        }
        let mut rgb = frame::Video::empty();
        scaler
            .as_mut()
            .expect("set above")
            .run(decoded, &mut rgb)
            .map_err(enc_err)?;
        let (w, h) = (rgb.width(), rgb.height());
        let stride = rgb.stride(0);
        let mut buf = Vec::with_capacity((w * h * 3) as usize);
        for y in 0..h as usize {
            buf.extend_from_slice(&rgb.data(0)[y * stride..y * stride + w as usize * 3]);
        }
        let mut pic = RgbImage::from_raw(w, h, buf).unwrap_or_else(|| RgbImage::new(w, h));
        pic = match rotation {
            90 => image::imageops::rotate90(&pic),
            180 => image::imageops::rotate180(&pic),
            270 => image::imageops::rotate270(&pic),
            _ => pic,
        };
        // Output frames whose time this source frame covers.
        let local_ms = (pts_ms - item.in_ms as i64).max(0) as u64;
        let upto = ((local_ms * FPS) / 1000 + 1).min(n);
        while *emitted < upto {
            emit(pic.clone())?;
            *emitted += 1;
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
                    handle_video(&decoded, &mut emitted, &mut last, &mut scaler)?;
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
        handle_video(&decoded, &mut emitted, &mut last, &mut scaler)?;
    }
    // A clip shorter than its trim (or cut off) holds its last frame.
    let hold = last.ok_or_else(|| src_err("no video frame in the trimmed range".into()))?;
    while emitted < n {
        emit(hold.clone())?;
        emitted += 1;
    }
    audio.truncate(wanted_samples);
    Ok(())
}
