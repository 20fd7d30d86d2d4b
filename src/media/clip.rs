//! Clips: container and stream metadata through ffmpeg-next, then a poster frame and a
//! filmstrip decoded in one forward pass (seeking only across long gaps).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Once;
use std::time::{Duration, Instant};

use ff::format::stream::Disposition;
use ff::media::Type;
use ff::software::scaling;
use ff::util::frame;
use ffmpeg_next as ff;
use image::{imageops, RgbImage};

use super::{
    fit_dims, Kind, Limits, MediaError, MediaInfo, Probed, FILMSTRIP_FRAMES, FILMSTRIP_HEIGHT,
    THUMB_SIZE,
};

const AV_TIME_BASE: i64 = 1_000_000;
/// Reading forward, decoding on is cheaper than seeking when the next frame we want is this
/// close.
const SEEK_GAP_SECONDS: i64 = 4;

pub(crate) fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        // Failure leaves FFmpeg usable on 5.x (registration is automatic); keep it quiet
        // because every problem is reported per file in our own words.
        let _ = ff::init();
        ff::util::log::set_level(ff::util::log::Level::Quiet);
    });
}

pub(super) fn probe(path: &Path, container: &str, limits: &Limits) -> Result<Probed, MediaError> {
    init();
    let size = std::fs::metadata(path)?.len();
    if size == 0 {
        return Err(MediaError::Empty);
    }
    if matches!(container, "mp4" | "mov" | "3gp") {
        check_iso_boxes(path, size)?;
    }
    let deadline = Instant::now() + Duration::from_secs(limits.max_seconds_per_file);
    // FFmpeg polls this while demuxing, so even a header that makes it loop gives up.
    let mut ictx = ff::format::input_with_interrupt(&path, move || Instant::now() > deadline)
        .map_err(|e| {
            if Instant::now() > deadline {
                MediaError::Timeout(format!(
                    "opening it took over {} s",
                    limits.max_seconds_per_file
                ))
            } else {
                open_error(e, container)
            }
        })?;

    let vstream = ictx
        .streams()
        .filter(|s| s.parameters().medium() == Type::Video)
        .find(|s| !s.disposition().contains(Disposition::ATTACHED_PIC))
        .ok_or_else(|| {
            if ictx
                .streams()
                .any(|s| s.parameters().medium() == Type::Audio)
            {
                MediaError::Unsupported(
                    "an audio-only file; Chorus takes photos and video clips".into(),
                )
            } else {
                MediaError::Unsupported(format!("the {container} file holds no video stream"))
            }
        })?;
    let vindex = vstream.index();
    let time_base = vstream.time_base();
    let rate = [vstream.avg_frame_rate(), vstream.rate()]
        .into_iter()
        .find(|r| r.numerator() > 0 && r.denominator() > 0)
        .map(|r| f64::from(r.numerator()) / f64::from(r.denominator()));
    let rotation = rotation_of(&vstream);
    let stream_start = if vstream.start_time() == ff::ffi::AV_NOPTS_VALUE {
        0
    } else {
        vstream.start_time()
    };
    let stream_duration = vstream.duration();
    let creation_time = vstream.metadata().get("creation_time").map(str::to_string);

    let codec_ctx =
        ff::codec::context::Context::from_parameters(vstream.parameters()).map_err(|e| {
            MediaError::Corrupt(format!("the video stream parameters are invalid ({e})"))
        })?;
    let codec_id = vstream.parameters().id();
    let mut opening = codec_ctx.decoder();
    // Thumbnails need neither deblocking nor every B-frame: skipping them roughly halves
    // the decode work, and a poster a frame or two later looks the same.
    opening.skip_loop_filter(ff::codec::discard::Discard::All);
    // (Which frames are skipped is set per pass in `grab_frames`.)
    let mut decoder = opening.video().map_err(|_| {
        MediaError::Unsupported(format!(
            "video codec {} has no decoder in this FFmpeg",
            codec_id.name()
        ))
    })?;
    let colour = super::VideoColour::of_decoder(&decoder);
    let (coded_w, coded_h) = (decoder.width(), decoder.height());
    if coded_w == 0 || coded_h == 0 {
        return Err(MediaError::Corrupt(
            "the video stream declares no picture size".into(),
        ));
    }
    if u64::from(coded_w) * u64::from(coded_h) > limits.max_clip_pixels {
        return Err(MediaError::TooLarge(format!(
            "the video is {coded_w}×{coded_h}; Chorus takes clips up to 8K ({} megapixels a frame)",
            limits.max_clip_pixels / 1_000_000
        )));
    }

    let audio_codec = ictx
        .streams()
        .find(|s| s.parameters().medium() == Type::Audio)
        .map(|s| s.parameters().id().name().to_string());

    let duration_us = if ictx.duration() > 0 {
        ictx.duration()
    } else if stream_duration > 0 {
        stream_duration * i64::from(time_base.numerator()) * AV_TIME_BASE
            / i64::from(time_base.denominator().max(1))
    } else {
        0
    };
    if duration_us / 3_600_000_000 >= limits.max_clip_hours as i64 {
        return Err(MediaError::Corrupt(format!(
            "the file declares a duration of {} hours, which no phone clip has",
            duration_us / 3_600_000_000
        )));
    }
    let creation_time = ictx
        .metadata()
        .get("creation_time")
        .map(str::to_string)
        .or(creation_time);
    let has_gps =
        has_location(&ictx.metadata()) || ictx.streams().any(|s| has_location(&s.metadata()));

    // Poster at 10% in (past fade-ins and black first frames), filmstrip evenly spread.
    let to_ts = |us: i64| -> i64 {
        stream_start
            + us * i64::from(time_base.denominator())
                / (i64::from(time_base.numerator().max(1)) * AV_TIME_BASE)
    };
    let mut targets: Vec<(i64, usize)> = (0..FILMSTRIP_FRAMES)
        .map(|i| {
            (
                to_ts(duration_us * (2 * i as i64 + 1) / (2 * FILMSTRIP_FRAMES as i64)),
                i + 1,
            )
        })
        .collect();
    targets.push((to_ts(duration_us / 10), 0));
    targets.sort();
    let frames = grab_frames(
        &mut ictx,
        &mut decoder,
        vindex,
        &targets,
        time_base,
        deadline,
        &colour,
    )?;
    let mut slots: Vec<Option<RgbImage>> = vec![None; FILMSTRIP_FRAMES + 1];
    for (slot, img) in frames {
        slots[slot] = Some(rotate(img, rotation));
    }
    let poster = slots[0]
        .clone()
        .or_else(|| slots.iter().flatten().next().cloned())
        .ok_or_else(|| MediaError::Corrupt("not a single video frame could be decoded".into()))?;
    let strip_frames: Vec<RgbImage> = slots[1..].iter().flatten().cloned().collect();
    let filmstrip = filmstrip(&strip_frames);

    let (width, height) = if rotation % 180 == 90 {
        (coded_h, coded_w)
    } else {
        (coded_w, coded_h)
    };
    let info = MediaInfo {
        kind: Some(Kind::Clip),
        format: container_name(container, &ictx),
        width,
        height,
        exif_orientation: None,
        rotation,
        duration_ms: Some(duration_us / 1000),
        frame_rate: rate.map(|r| (r * 1000.0).round() / 1000.0),
        video_codec: Some(codec_id.name().to_string()),
        has_audio: audio_codec.is_some(),
        audio_codec,
        captured_at: creation_time,
        camera_make: None,
        camera_model: None,
        has_gps,
        colour_profile: None,
        transfer: colour.transfer_name(),
        primaries: colour.primaries_name(),
        bit_depth: Some(colour.bit_depth),
        hdr: colour.is_hdr(),
    };
    Ok(Probed {
        info,
        poster,
        filmstrip: Some(filmstrip),
        display: None,
    })
}

/// What a player needs to know about a clip, read from the file itself: its colour,
/// the turn a player gives it, its size as displayed and its length.
pub struct Look {
    pub colour: super::VideoColour,
    pub rotation: u16,
    pub size: (u32, u32),
    pub duration_ms: u64,
}

pub fn look(path: &Path) -> Result<Look, MediaError> {
    init();
    let ictx = ff::format::input(&path).map_err(|e| open_error(e, "video"))?;
    let stream = ictx
        .streams()
        .filter(|s| s.parameters().medium() == Type::Video)
        .find(|s| !s.disposition().contains(Disposition::ATTACHED_PIC))
        .ok_or_else(|| MediaError::Unsupported("the file holds no video stream".into()))?;
    let rotation = rotation_of(&stream);
    let decoder = ff::codec::context::Context::from_parameters(stream.parameters())
        .and_then(|c| c.decoder().video())
        .map_err(|e| MediaError::Corrupt(format!("the video stream cannot be opened ({e})")))?;
    let (w, h) = (decoder.width(), decoder.height());
    let size = if rotation % 180 == 90 { (h, w) } else { (w, h) };
    let duration_ms = (ictx.duration().max(0) / 1000) as u64;
    Ok(Look {
        colour: super::VideoColour::of_decoder(&decoder),
        rotation,
        size,
        duration_ms,
    })
}

fn container_name(sniffed: &str, ictx: &ff::format::context::Input) -> String {
    if sniffed != "unknown" {
        return sniffed.to_string();
    }
    let name = ictx.format().name().to_string();
    name.split(',').next().unwrap_or("video").to_string()
}

/// Clockwise degrees a player turns the picture, from the stream's display matrix.
fn rotation_of(stream: &ff::format::stream::Stream) -> u16 {
    for side in stream.side_data() {
        if side.kind() != ff::codec::packet::side_data::Type::DisplayMatrix {
            continue;
        }
        let data = side.data();
        if data.len() < 36 {
            continue;
        }
        let m: Vec<f64> = data
            .chunks_exact(4)
            .take(9)
            .map(|c| f64::from(i32::from_ne_bytes([c[0], c[1], c[2], c[3]])) / 65536.0)
            .collect();
        let scale0 = m[0].hypot(m[3]);
        let scale1 = m[1].hypot(m[4]);
        if scale0 == 0.0 || scale1 == 0.0 {
            continue;
        }
        // av_display_rotation_get() returns the counter-clockwise angle; we want clockwise.
        let degrees = (m[1] / scale1).atan2(m[0] / scale0).to_degrees();
        let quarter = ((degrees / 90.0).round() as i64).rem_euclid(4);
        return (quarter * 90) as u16;
    }
    0
}

fn rotate(img: RgbImage, rotation: u16) -> RgbImage {
    match rotation {
        90 => imageops::rotate90(&img),
        180 => imageops::rotate180(&img),
        270 => imageops::rotate270(&img),
        _ => img,
    }
}

/// Keeps one frame near each target time. Phones write a keyframe every second or so, so
/// the cheap way is to seek to the keyframe at or before each target (or, when that one is
/// already used, the one after) and decode only keyframes: one frame per picture. A clip
/// whose keyframes are too far apart for that (a screen recording, a long-GOP encode) is
/// decoded forward instead, skipping non-reference frames, seeking only across long gaps.
fn grab_frames(
    ictx: &mut ff::format::context::Input,
    decoder: &mut ff::decoder::Video,
    vindex: usize,
    targets: &[(i64, usize)],
    time_base: ff::Rational,
    deadline: Instant,
    colour: &super::VideoColour,
) -> Result<Vec<(usize, RgbImage)>, MediaError> {
    let mut out = Vec::with_capacity(targets.len());
    let mut pictures = Pictures::new(*colour);
    let mut reader = Reader {
        vindex,
        deadline,
        errors: 0,
        eof: false,
    };
    let num = i64::from(time_base.numerator().max(1));
    let den = i64::from(time_base.denominator().max(1));
    let to_us = |ts: i64| ts.saturating_mul(num).saturating_mul(AV_TIME_BASE) / den;
    let seek_gap = SEEK_GAP_SECONDS * den / num;
    // Timestamp of the latest frame kept.
    let mut kept: i64 = i64::MIN;
    let mut keyframes_only = true;

    let mut targets = targets.iter().copied().peekable();
    while let Some((target, slot)) = targets.peek().copied() {
        if !keyframes_only {
            break;
        }
        let us = to_us(target);
        let mut taken = None;
        for forward in [false, true] {
            let sought = if forward {
                ictx.seek(us, us..)
            } else {
                ictx.seek(us, ..us)
            };
            if sought.is_err() {
                continue;
            }
            decoder.flush();
            if let Some((pts, frame)) = reader.keyframe(ictx, decoder)? {
                if pts > kept {
                    taken = Some((pts, frame));
                    break;
                }
            }
        }
        match taken {
            Some((pts, frame)) => {
                out.push((slot, pictures.convert(&frame)?));
                kept = pts;
                targets.next();
            }
            None => {
                // No unused keyframe near this target: read the rest forward from here.
                keyframes_only = false;
                set_skip(decoder, ff::ffi::AVDiscard::AVDISCARD_NONREF);
                if ictx.seek(us, ..us).is_ok() {
                    decoder.flush();
                    reader.eof = false;
                }
            }
        }
    }

    let mut position = kept;
    let mut last: Option<ff::util::frame::Video> = None;
    for (target, slot) in targets {
        if position != i64::MIN && target - position > seek_gap {
            let us = to_us(target);
            if ictx.seek(us, ..us).is_ok() {
                decoder.flush();
                reader.eof = false;
            }
        }
        let mut got = false;
        while let Some((pts, frame)) = reader.next(ictx, decoder)? {
            position = pts;
            if pts >= target && pts > kept {
                out.push((slot, pictures.convert(&frame)?));
                kept = pts;
                got = true;
                last = Some(frame);
                break;
            }
            // Kept in case the stream ends before the target.
            last = Some(frame);
        }
        if !got {
            // The stream ended before this target: use the last frame we saw.
            match &last {
                Some(f) => out.push((slot, pictures.convert(f)?)),
                None => break,
            }
        }
    }
    if out.is_empty() && reader.errors > 0 {
        return Err(MediaError::Corrupt(format!(
            "the video data could not be decoded ({} damaged packets or frames)",
            reader.errors
        )));
    }
    Ok(out)
}

/// Which frames the decoder may skip; changed between passes (FFmpeg reads it per frame).
fn set_skip(decoder: &mut ff::decoder::Video, discard: ff::ffi::AVDiscard) {
    // SAFETY: the context is open and owned by `decoder`; `skip_frame` is a plain field
    // the decoder consults for each packet.
    unsafe { (*decoder.as_mut_ptr()).skip_frame = discard };
}

/// Feeds the video stream's packets to the decoder until it gives a frame.
struct Reader {
    vindex: usize,
    deadline: Instant,
    errors: usize,
    eof: bool,
}

impl Reader {
    /// The next keyframe on its own: its packet alone is decoded and the decoder drained,
    /// so it comes out at once instead of after the frames a decoder holds for reordering
    /// (with B-frames, that would mean decoding the next keyframe too). The decoder is
    /// flushed afterwards, ready for a seek.
    fn keyframe(
        &mut self,
        ictx: &mut ff::format::context::Input,
        decoder: &mut ff::decoder::Video,
    ) -> Result<Option<(i64, ff::util::frame::Video)>, MediaError> {
        loop {
            if Instant::now() > self.deadline {
                return Err(MediaError::Timeout(
                    "decoding its frames took too long".into(),
                ));
            }
            let mut packet = ff::Packet::empty();
            match packet.read(ictx) {
                Ok(()) => {}
                Err(ff::Error::Eof) => return Ok(None),
                Err(_) => {
                    self.errors += 1;
                    if self.errors > 1000 {
                        return Ok(None);
                    }
                    continue;
                }
            }
            if packet.stream() != self.vindex || !packet.is_key() {
                continue;
            }
            if decoder.send_packet(&packet).is_err() {
                self.errors += 1;
                continue;
            }
            let _ = decoder.send_eof();
            let mut decoded = frame::Video::empty();
            let got = decoder.receive_frame(&mut decoded).is_ok();
            decoder.flush();
            if got {
                let pts = decoded
                    .timestamp()
                    .or(decoded.pts())
                    .or(packet.pts())
                    .unwrap_or(i64::MIN + 1);
                return Ok(Some((pts, decoded)));
            }
            self.errors += 1;
        }
    }

    /// The next decoded frame and its timestamp; `None` at the end of the stream.
    fn next(
        &mut self,
        ictx: &mut ff::format::context::Input,
        decoder: &mut ff::decoder::Video,
    ) -> Result<Option<(i64, ff::util::frame::Video)>, MediaError> {
        let mut decoded = frame::Video::empty();
        loop {
            match decoder.receive_frame(&mut decoded) {
                Ok(()) => {
                    let pts = decoded
                        .timestamp()
                        .or(decoded.pts())
                        .unwrap_or(i64::MIN + 1);
                    return Ok(Some((pts, decoded)));
                }
                Err(ff::Error::Eof) => return Ok(None),
                Err(ff::Error::Other { errno }) if errno == ff::util::error::EAGAIN => {}
                Err(_) => self.errors += 1,
            }
            if self.eof {
                return Ok(None);
            }
            if Instant::now() > self.deadline {
                return Err(MediaError::Timeout(
                    "decoding its frames took too long".into(),
                ));
            }
            // av_read_frame overwrites the packet without releasing it: start from an
            // empty one (the old one is unreferenced on drop) or every packet leaks.
            let mut packet = ff::Packet::empty();
            match packet.read(ictx) {
                Ok(()) => {
                    if packet.stream() != self.vindex {
                        continue;
                    }
                    if decoder.send_packet(&packet).is_err() {
                        self.errors += 1;
                    }
                }
                Err(ff::Error::Eof) => {
                    self.eof = true;
                    let _ = decoder.send_eof();
                }
                Err(_) => {
                    self.errors += 1;
                    if self.errors > 1000 {
                        self.eof = true;
                        let _ = decoder.send_eof();
                    }
                }
            }
        }
    }
}

/// Decoded frames to thumbnail-sized RGB: through swscale (BT.709 maths for HD), or, for
/// HDR, through the tone-mapping filter graph.
struct Pictures {
    colour: super::VideoColour,
    scaler: Option<(scaling::Context, (ff::format::Pixel, u32, u32))>,
    to_sdr: Option<(super::ToSdr, (ff::format::Pixel, u32, u32))>,
}

impl Pictures {
    fn new(colour: super::VideoColour) -> Pictures {
        Pictures {
            colour,
            scaler: None,
            to_sdr: None,
        }
    }

    fn convert(&mut self, f: &frame::Video) -> Result<RgbImage, MediaError> {
        let key = (f.format(), f.width(), f.height());
        if self.colour.is_hdr() {
            if self.to_sdr.as_ref().map(|(_, k)| *k) != Some(key) {
                let (format, w, h) = key;
                let t = super::ToSdr::new(
                    (w, h, format),
                    &self.colour,
                    ff::format::Pixel::RGB24,
                    Some(THUMB_SIZE),
                )
                .map_err(|why| {
                    MediaError::Unsupported(format!(
                        "an HDR clip Chorus cannot convert to SDR: {why}"
                    ))
                })?;
                self.to_sdr = Some((t, key));
            }
            let (t, _) = self.to_sdr.as_mut().expect("set above");
            let rgb = t.run(f).map_err(|why| {
                MediaError::Corrupt(format!("an HDR frame could not be converted ({why})"))
            })?;
            return Ok(frame_to_image(&rgb));
        }
        if self.scaler.as_ref().map(|(_, k)| *k) != Some(key) {
            let (dw, dh) = fit_dims(f.width(), f.height(), THUMB_SIZE);
            let mut ctx = scaling::Context::get(
                f.format(),
                f.width(),
                f.height(),
                ff::format::Pixel::RGB24,
                dw,
                dh,
                scaling::Flags::BILINEAR,
            )
            .map_err(|e| {
                MediaError::Unsupported(format!(
                    "cannot convert pixel format {:?} ({e})",
                    f.format()
                ))
            })?;
            let hd = f.height() >= 720 || f.width() >= 1280;
            let limited = !matches!(f.color_range(), ff::color::Range::JPEG)
                && f.format() != ff::format::Pixel::YUVJ420P;
            let bt709 = match f.color_space() {
                ff::color::Space::BT709 => true,
                ff::color::Space::Unspecified => hd,
                _ => false,
            };
            if bt709 && limited {
                super::use_bt709(&mut ctx);
            }
            self.scaler = Some((ctx, key));
        }
        let (ctx, _) = self.scaler.as_mut().expect("scaler set above");
        let mut rgb = frame::Video::empty();
        ctx.run(f, &mut rgb).map_err(|e| {
            MediaError::Corrupt(format!("a video frame could not be converted ({e})"))
        })?;
        Ok(frame_to_image(&rgb))
    }
}

/// Whether container or stream metadata holds a location, as phones write it: QuickTime
/// `©xyz` (FFmpeg's "location") or Apple's `com.apple.quicktime.location.ISO6709`, both
/// ISO 6709 strings such as "+48.8584+002.2945/".
fn has_location(meta: &ff::DictionaryRef) -> bool {
    meta.iter().any(|(key, value)| {
        let key = key.to_ascii_lowercase();
        (key == "location" || key.starts_with("location-") || key.ends_with("location.iso6709"))
            && looks_like_iso6709(value)
    })
}

fn looks_like_iso6709(v: &str) -> bool {
    // A latitude then a longitude, each signed: "+48.8584+002.2945/", "-33.86+151.21+5.0/".
    let v = v.trim();
    let mut chars = v.chars();
    matches!(chars.next(), Some('+' | '-'))
        && chars.next().is_some_and(|c| c.is_ascii_digit())
        && v[1..].contains(['+', '-'])
}

/// An RGB24 frame as an image (rows copied out of the frame's padded lines).
pub(crate) fn frame_to_image(rgb: &frame::Video) -> RgbImage {
    let (w, h) = (rgb.width(), rgb.height());
    let stride = rgb.stride(0);
    let data = rgb.data(0);
    let row = w as usize * 3;
    let mut buf = Vec::with_capacity(row * h as usize);
    for y in 0..h as usize {
        buf.extend_from_slice(&data[y * stride..y * stride + row]);
    }
    RgbImage::from_raw(w, h, buf).unwrap_or_else(|| RgbImage::new(w, h))
}

/// An image as an RGB24 frame. FFmpeg's frames pad their lines, which swscale's readers
/// may look a little past; an image's buffer has no such slack.
pub(crate) fn image_to_frame(img: &RgbImage) -> frame::Video {
    let (w, h) = img.dimensions();
    let mut frame = frame::Video::new(ff::format::Pixel::RGB24, w, h);
    let stride = frame.stride(0);
    let row = w as usize * 3;
    let data = frame.data_mut(0);
    for (y, line) in img.as_raw().chunks_exact(row.max(1)).enumerate() {
        data[y * stride..y * stride + row].copy_from_slice(line);
    }
    frame
}

fn filmstrip(frames: &[RgbImage]) -> RgbImage {
    let scaled: Vec<RgbImage> = frames
        .iter()
        .map(|f| {
            let w = (u64::from(f.width()) * u64::from(FILMSTRIP_HEIGHT)
                / u64::from(f.height().max(1)))
            .max(1) as u32;
            imageops::resize(f, w, FILMSTRIP_HEIGHT, imageops::FilterType::Triangle)
        })
        .collect();
    let total_w: u32 = scaled.iter().map(|f| f.width()).sum::<u32>().max(1);
    let mut strip = RgbImage::new(total_w, FILMSTRIP_HEIGHT);
    let mut x = 0i64;
    for f in &scaled {
        imageops::replace(&mut strip, f, x, 0);
        x += i64::from(f.width());
    }
    strip
}

/// Walks the top-level boxes of an MP4/MOV/3GP file. A box that runs past the end of the
/// file, or a missing `moov` index, means the upload was cut off; FFmpeg would otherwise
/// report a vague "invalid data".
fn check_iso_boxes(path: &Path, len: u64) -> Result<(), MediaError> {
    let mut f = File::open(path)?;
    let mut offset = 0u64;
    let mut has_moov = false;
    while offset < len {
        let mut header = [0u8; 8];
        f.seek(SeekFrom::Start(offset))?;
        if len - offset < 8 {
            return Err(MediaError::Truncated(format!(
                "the file ends {} bytes into a box header",
                len - offset
            )));
        }
        f.read_exact(&mut header)?;
        let kind = String::from_utf8_lossy(&header[4..8]).to_string();
        let mut size = u64::from(u32::from_be_bytes([
            header[0], header[1], header[2], header[3],
        ]));
        if size == 1 {
            let mut large = [0u8; 8];
            f.read_exact(&mut large)?;
            size = u64::from_be_bytes(large);
        } else if size == 0 {
            size = len - offset;
        }
        if size < 8 {
            return Err(MediaError::Corrupt(format!(
                "box '{kind}' at byte {offset} has an impossible size"
            )));
        }
        let end = offset.saturating_add(size);
        if end > len {
            return Err(MediaError::Truncated(format!(
                "the file is {len} bytes but its '{kind}' box needs {end}"
            )));
        }
        if kind == "moov" {
            has_moov = true;
            check_not_encrypted(&mut f, size)?;
        }
        offset = end;
    }
    if !has_moov {
        return Err(MediaError::Truncated(
            "the file has no 'moov' index (the recording was never finalised)".into(),
        ));
    }
    Ok(())
}

/// Encrypted tracks use the sample entries `encv`/`enca` (Common Encryption) or
/// `drmi`/`drms` (old iTunes FairPlay); the index that names them is in `moov`, which the
/// reader is positioned just inside.
fn check_not_encrypted(f: &mut File, moov_size: u64) -> Result<(), MediaError> {
    // A phone clip's index is kilobytes to a few megabytes; an enormous one is not read.
    const MAX_INDEX: u64 = 64 * 1024 * 1024;
    if moov_size > MAX_INDEX {
        return Ok(());
    }
    let mut index = Vec::new();
    f.take(moov_size.saturating_sub(8))
        .read_to_end(&mut index)?;
    let scheme = [b"encv", b"enca", b"drmi", b"drms"]
        .into_iter()
        .find(|tag| index.windows(4).any(|w| w == *tag));
    match scheme {
        Some(tag) => Err(MediaError::Encrypted(format!(
            "its tracks are encrypted ('{}' in its index), as purchased or streamed videos are",
            String::from_utf8_lossy(tag)
        ))),
        None => Ok(()),
    }
}

fn open_error(e: ff::Error, container: &str) -> MediaError {
    match e {
        ff::Error::Eof => MediaError::Truncated("the file ends in the middle of its data".into()),
        ff::Error::InvalidData => {
            MediaError::Corrupt(format!("the {container} container is damaged"))
        }
        ff::Error::DemuxerNotFound | ff::Error::DecoderNotFound | ff::Error::PatchWelcome => {
            MediaError::Unsupported(format!("FFmpeg cannot read this {container} file ({e})"))
        }
        // An OS error (permissions, a vanished file) is not the file's content at fault.
        ff::Error::Other { errno } => {
            MediaError::Unreadable(std::io::Error::from_raw_os_error(errno))
        }
        other => MediaError::Corrupt(format!("FFmpeg cannot open it ({other})")),
    }
}

#[cfg(test)]
mod tests {
    use super::looks_like_iso6709;

    /// Only an ISO 6709 position counts as a location: a camera app's free text under the
    /// same key ("Home", an empty string, a lone sign) does not flag a clip as located.
    #[test]
    fn only_iso_6709_positions_count_as_a_location() {
        for yes in [
            "+48.8584+002.2945/",
            "-33.8688+151.2093+025.000/",
            " +35.03+135.95/ ",
        ] {
            assert!(looks_like_iso6709(yes), "{yes}");
        }
        for no in ["", "+", "Home", "48.8584,2.2945", "+abc", "-", "++"] {
            assert!(!looks_like_iso6709(no), "{no}");
        }
    }
}
