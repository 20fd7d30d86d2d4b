//! What phones really send: HEIC/HEIF and AVIF photos, Display P3 colour, HDR (HLG) clips,
//! location in clips, variable frame rate, encrypted video. Real files from public test
//! collections (`tests/fixtures/phone`, see its LICENSES.md) and files made here with the
//! ffmpeg CLI, which is also the oracle for the HDR tone-map.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use chorus::ingest::Status;
use chorus::library::ContentHash;
use chorus::piece;
use chorus::render;
use image::RgbImage;

fn phone() -> PathBuf {
    repo().join("tests/fixtures/phone")
}

/// A one-second H.264 test pattern, as a camera app without metadata would write it.
fn test_clip(out: &Path) {
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=320x240:rate=30:duration=1",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        out.to_str().unwrap(),
    ]);
}

/// The frame of `clip` at `at` seconds through the filters `vf`, as the ffmpeg CLI reads it.
fn frame_of(clip: &Path, at: &str, vf: &str, dir: &Path) -> RgbImage {
    let png = dir.join("frame-of.png");
    ffmpeg(&[
        "-ss",
        at,
        "-i",
        clip.to_str().unwrap(),
        "-frames:v",
        "1",
        "-vf",
        vf,
        png.to_str().unwrap(),
    ]);
    image::open(&png).unwrap().to_rgb8()
}

fn tool_output(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().expect(tool);
    assert!(out.status.success(), "{tool} {args:?}");
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Mean BT.709 luma (0–255) and mean HSV saturation (0–1) of a picture.
fn luma_and_saturation(img: &RgbImage) -> (f64, f64) {
    let n = f64::from(img.width() * img.height());
    let (mut luma, mut sat) = (0.0, 0.0);
    for p in img.pixels() {
        let [r, g, b] = p.0.map(f64::from);
        luma += 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let (max, min) = (r.max(g).max(b), r.min(g).min(b));
        sat += if max > 0.0 { (max - min) / max } else { 0.0 };
    }
    (luma / n, sat / n)
}

fn thumb(s: &Ingested, hash: &str) -> RgbImage {
    let hash = ContentHash::parse(hash).unwrap();
    image::open(s.lib.store().thumb(&hash)).unwrap().to_rgb8()
}

#[test]
fn real_phone_photos_and_clips_come_in_as_a_viewer_sees_them() {
    let s = ingest(&[&phone()], None);
    let licences = ["LICENSES.md", "LICENSE-Apache-2.0.txt"];
    for r in &s.results {
        let name = Path::new(&r.path).file_name().unwrap().to_string_lossy();
        if licences.contains(&name.as_ref()) {
            continue;
        }
        assert_eq!(r.status, Status::Ingested, "{name}: {:?}", r.error);
    }

    // (file, format, size as displayed, location recorded)
    let photos = [
        (
            "iphone8plus-rotated-nogps.heic",
            "heic",
            (3024, 4032),
            false,
        ),
        ("iphonexs-rotated-gps.heic", "heic", (3024, 4032), true),
        (
            "iphone13pro-gps-gainmap-depth.heic",
            "heic",
            (4032, 3024),
            true,
        ),
        ("iphone3gs-portrait.avif", "avif", (480, 640), false),
        ("pixel4a-gps-gainmap.avif", "avif", (400, 300), true),
        ("iphone13mini-displayp3.jpg", "jpeg", (384, 512), false),
    ];
    for (name, format, size, gps) in photos {
        let a = asset_named(&s.lib, name);
        assert_eq!(a.format, format, "{name}");
        assert_eq!((a.width, a.height), size, "{name}");
        assert_eq!(a.has_gps, gps, "{name}");
        // The thumbnail has the displayed shape (HEIF's own rotation applied once).
        let t = thumb(&s, &a.hash);
        assert_eq!(
            t.width() > t.height(),
            size.0 > size.1,
            "{name}: thumbnail {:?}",
            t.dimensions()
        );
        // HEIC and AVIF get a JPEG rendition for the desktop; web formats do not.
        let view = s.lib.store().display(&ContentHash::parse(&a.hash).unwrap());
        assert_eq!(view.exists(), format != "jpeg", "{name}");
        if view.exists() {
            let v = image::open(&view).unwrap();
            assert!(v.width().max(v.height()) <= chorus::media::DISPLAY_SIZE);
            assert_eq!(v.width() > v.height(), size.0 > size.1, "{name} rendition");
        }
    }
    // iPhones shoot Display P3; the catalog says so (and thumbnails are converted).
    for name in [
        "iphone8plus-rotated-nogps.heic",
        "iphonexs-rotated-gps.heic",
        "iphone13mini-displayp3.jpg",
    ] {
        let a = asset_named(&s.lib, name);
        assert!(
            a.colour_profile
                .as_deref()
                .unwrap_or_default()
                .contains("P3"),
            "{name}: {:?}",
            a.colour_profile
        );
    }

    // The arrow photo (stored on its side, `irot` + EXIF 6) points up: the widest dark
    // row, the arrow head's base, is in the upper half.
    let arrow = thumb(
        &s,
        &asset_named(&s.lib, "iphone8plus-rotated-nogps.heic").hash,
    );
    let widest = (0..arrow.height())
        .max_by_key(|&y| {
            let dark: Vec<u32> = (0..arrow.width())
                .filter(|&x| {
                    let p = arrow.get_pixel(x, y).0;
                    p.iter().map(|&c| u32::from(c)).sum::<u32>() < 3 * 70
                })
                .collect();
            dark.last().zip(dark.first()).map_or(0, |(l, f)| l - f)
        })
        .unwrap();
    assert!(
        widest < arrow.height() / 2,
        "the arrow's head is at row {widest} of {}",
        arrow.height()
    );

    // HDR phone clips (an iPhone's Dolby Vision 8.4 with its HLG base, an Android HLG):
    // catalogued as HDR with their location; the iPhone one turned upright.
    for (name, size) in [
        ("iphone14pro-hlg-location.mov", (720, 1280)),
        ("android-hlg-location.mp4", (1920, 1080)),
    ] {
        let a = asset_named(&s.lib, name);
        assert_eq!((a.width, a.height), size, "{name}");
        assert!(a.hdr, "{name}");
        assert_eq!(a.transfer.as_deref(), Some("HLG"), "{name}");
        assert_eq!(a.primaries.as_deref(), Some("bt2020"), "{name}");
        assert_eq!(a.bit_depth, Some(10), "{name}");
        assert!(a.has_gps, "{name}: QuickTime location");
        assert!(tag_names(&a).contains(&"hdr"), "{name}");
    }
}

/// A P3 colour inside sRGB's gamut has known sRGB numbers: more red, less green. Computed
/// here with the published P3→sRGB matrix, independently of the engine's colour code.
#[test]
fn a_display_p3_photo_is_converted_to_srgb() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p3.jpg");
    let p3 = [180u8, 60, 50];
    let img = RgbImage::from_pixel(64, 64, image::Rgb(p3));
    let mut bytes = Vec::new();
    {
        use image::ImageEncoder;
        let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 100);
        enc.set_icc_profile(moxcms::ColorProfile::new_display_p3().encode().unwrap())
            .unwrap();
        enc.write_image(img.as_raw(), 64, 64, image::ExtendedColorType::Rgb8)
            .unwrap();
    }
    std::fs::write(&path, &bytes).unwrap();
    let s = ingest(&[&path], None);
    let a = asset_named(&s.lib, "p3.jpg");
    assert!(a.colour_profile.unwrap_or_default().contains("P3"));
    let got = thumb(&s, &a.hash).get_pixel(32, 32).0;

    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let enc = |l: f64| {
        let l = l.clamp(0.0, 1.0);
        let c = if l <= 0.0031308 {
            l * 12.92
        } else {
            1.055 * l.powf(1.0 / 2.4) - 0.055
        };
        (c * 255.0).round() as u8
    };
    let [r, g, b] = p3.map(lin);
    let expected = [
        enc(1.2249 * r - 0.2247 * g),
        enc(-0.0420 * r + 1.0419 * g),
        enc(-0.0197 * r - 0.0786 * g + 1.0979 * b),
    ];
    for c in 0..3 {
        assert!(
            got[c].abs_diff(expected[c]) <= 4,
            "P3 {p3:?} → sRGB {got:?}, expected {expected:?}"
        );
    }
    // And not the unconverted numbers.
    assert!(got[0].abs_diff(p3[0]) >= 8, "{got:?}");
}

/// Makes a 10-bit HLG HEVC clip from a still of colour bars (so every frame is alike and
/// the poster's time does not matter), as the RECIPES say phones' files look.
fn hlg_clip(dir: &Path) -> PathBuf {
    hdr_clip(dir, "hlg.mp4", "arib-std-b67")
}

/// The same in any HDR transfer FFmpeg names (`arib-std-b67` is HLG, `smpte2084` PQ).
fn hdr_clip(dir: &Path, name: &str, transfer: &str) -> PathBuf {
    let out = dir.join(name);
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "smptehdbars=size=640x360:rate=30:duration=2",
        "-vf",
        &format!(
            "zscale=t={transfer}:p=bt2020:m=bt2020nc:r=tv:tin=bt709:pin=bt709:min=bt709,\
             format=yuv420p10le"
        ),
        "-c:v",
        "libx265",
        "-x265-params",
        &format!("colorprim=bt2020:transfer={transfer}:colormatrix=bt2020nc:log-level=error"),
        "-tag:v",
        "hvc1",
        out.to_str().unwrap(),
    ]);
    out
}

/// The reference SDR tone-map of the clip's first frame, made by the ffmpeg CLI.
fn reference_tonemap(clip: &Path, dir: &Path, size: &str) -> RgbImage {
    let png = dir.join("reference.png");
    ffmpeg(&[
        "-i",
        clip.to_str().unwrap(),
        "-frames:v",
        "1",
        "-vf",
        &format!(
            "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=hable:desat=0,\
             zscale=t=bt709:m=bt709:r=tv,format=yuv420p,scale={size}:out_color_matrix=bt709"
        ),
        png.to_str().unwrap(),
    ]);
    image::open(&png).unwrap().to_rgb8()
}

#[test]
fn an_hlg_clip_is_tone_mapped_like_the_reference_in_posters_and_renders() {
    let dir = tempfile::tempdir().unwrap();
    let clip = hlg_clip(dir.path());
    let sdr = dir.path().join("sdr.mp4");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "smptehdbars=size=640x360:rate=30:duration=2",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        sdr.to_str().unwrap(),
    ]);
    let mut s = ingest_from_someone(&[&clip, &sdr]);
    let a = asset_named(&s.lib, "hlg.mp4");
    assert!(a.hdr);
    assert_eq!(a.transfer.as_deref(), Some("HLG"));

    let poster = thumb(&s, &a.hash);
    let reference = reference_tonemap(&clip, dir.path(), "512:288");
    let (l, sat) = luma_and_saturation(&poster);
    let (rl, rsat) = luma_and_saturation(&reference);
    assert!(
        (l - rl).abs() <= 6.0 && (sat - rsat).abs() <= 0.05,
        "poster luma {l:.1} sat {sat:.3}, reference {rl:.1} {rsat:.3}"
    );
    // The same frame read as if it were SDR is far off: this test can fail.
    let naive = frame_of(&clip, "0", "scale=512:288,format=rgb24", dir.path());
    let (nl, nsat) = luma_and_saturation(&naive);
    assert!(
        (nl - rl).abs() > 6.0 || (nsat - rsat).abs() > 0.05,
        "untone-mapped luma {nl:.1} sat {nsat:.3} is indistinguishable from the reference"
    );

    // Rendered next to an SDR clip: tone-mapped the same way, and the MP4 says BT.709.
    let b = asset_named(&s.lib, "sdr.mp4");
    let (doc, cleared) = cleared_montage(
        &mut s,
        vec![clip_item(a.id, 0, 1000), clip_item(b.id, 0, 1000)],
    );
    let out = dir.path().join("mixed.mp4");
    render::render_video(&s.lib, &cleared, &doc, &out, &mut |_| true).unwrap();
    let frame = frame_of(
        &out,
        "0.5",
        "scale=512:288:in_color_matrix=bt709",
        dir.path(),
    );
    let (fl, fsat) = luma_and_saturation(&frame);
    assert!(
        (fl - rl).abs() <= 6.0 && (fsat - rsat).abs() <= 0.06,
        "rendered HLG luma {fl:.1} sat {fsat:.3}, reference {rl:.1} {rsat:.3}"
    );
    let tags = tool_output(
        "ffprobe",
        &[
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=color_space,color_transfer,color_primaries,color_range",
            "-of",
            "default=nw=1",
            out.to_str().unwrap(),
        ],
    );
    for want in [
        "color_range=tv",
        "color_space=bt709",
        "color_transfer=bt709",
        "color_primaries=bt709",
    ] {
        assert!(tags.contains(want), "{want} in {tags}");
    }
}

/// Phones that record PQ (some Android models, HDR10) get the same treatment.
#[test]
fn a_pq_clip_is_recognised_and_tone_mapped_like_the_reference() {
    let dir = tempfile::tempdir().unwrap();
    let clip = hdr_clip(dir.path(), "pq.mp4", "smpte2084");
    let s = ingest(&[&clip], None);
    let a = asset_named(&s.lib, "pq.mp4");
    assert!(a.hdr);
    assert_eq!(a.transfer.as_deref(), Some("PQ"));
    assert!(
        a.colour.starts_with("HDR (PQ, BT.2020, 10-bit)"),
        "{}",
        a.colour
    );
    let (l, sat) = luma_and_saturation(&thumb(&s, &a.hash));
    let (rl, rsat) = luma_and_saturation(&reference_tonemap(&clip, dir.path(), "512:288"));
    assert!(
        (l - rl).abs() <= 6.0 && (sat - rsat).abs() <= 0.05,
        "PQ poster luma {l:.1} sat {sat:.3}, reference {rl:.1} {rsat:.3}"
    );
}

#[test]
fn location_in_clips_is_catalogued_and_never_exported() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.mov");
    let located = dir.path().join("located.mov");
    test_clip(&plain);
    ffmpeg(&[
        "-i",
        plain.to_str().unwrap(),
        "-c",
        "copy",
        "-metadata",
        "location=+48.8584+002.2945/",
        "-movflags",
        "use_metadata_tags",
        located.to_str().unwrap(),
    ]);
    let mut s = ingest_from_someone(&[&plain, &located, &phone().join("android-hlg-location.mp4")]);
    assert!(!asset_named(&s.lib, "plain.mov").has_gps);
    assert!(asset_named(&s.lib, "located.mov").has_gps);

    let ids = [
        asset_named(&s.lib, "located.mov").id,
        asset_named(&s.lib, "android-hlg-location.mp4").id,
    ];
    let (doc, cleared) = cleared_montage(
        &mut s,
        vec![clip_item(ids[0], 0, 1000), clip_item(ids[1], 0, 300)],
    );
    let out = dir.path().join("located-export.mp4");
    render::render_video(&s.lib, &cleared, &doc, &out, &mut |_| true).unwrap();
    let meta = tool_output("exiftool", &["-a", "-G1", "-s", out.to_str().unwrap()]);
    for leak in ["GPS", "Location", "ISO6709", "48.8584"] {
        assert!(
            !meta.to_lowercase().contains(&leak.to_lowercase()),
            "{leak} in the export:\n{meta}"
        );
    }
}

#[test]
fn an_encrypted_clip_is_named_as_drm_not_as_damage() {
    let dir = tempfile::tempdir().unwrap();
    let clear = dir.path().join("clear.mp4");
    test_clip(&clear);
    // What Common Encryption does to the index: the sample entry becomes `encv`.
    let mut bytes = std::fs::read(&clear).unwrap();
    let stsd = bytes.windows(4).position(|w| w == b"stsd").unwrap();
    let at = stsd + bytes[stsd..].windows(4).position(|w| w == b"avc1").unwrap();
    bytes[at..at + 4].copy_from_slice(b"encv");
    let locked = dir.path().join("bought-from-a-store.mp4");
    std::fs::write(&locked, &bytes).unwrap();
    let s = ingest(&[&locked], None);
    let r = result_for(&s.results, "bought-from-a-store.mp4");
    assert_eq!(r.status, Status::Error);
    assert_eq!(r.error_kind.as_deref(), Some("encrypted"));
    let msg = r.error.as_deref().unwrap_or_default();
    assert!(
        msg.contains("encrypted (DRM)") && !msg.contains("corrupt"),
        "{msg}"
    );
}

/// iPhones record at a variable frame rate. A clip whose first stretch runs at 20 fps and
/// whose rest runs at 60 fps, with jittered timestamps, flashes white and beeps at the same
/// instant (2.5 s); in the render the flash and the beep still coincide.
#[test]
fn a_variable_frame_rate_clip_keeps_picture_and_sound_in_sync() {
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("vfr.mp4");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "color=c=0x202020:s=320x240:r=30:d=4",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=1000:sample_rate=48000:duration=3.6",
        "-filter_complex",
        "[0:v]settb=1/90000,setpts='(if(lt(N,40),N/20,2+(N-40)/60)+0.004*sin(N))/TB',\
         drawbox=color=white:t=fill:enable='gte(t,2.5)'[v];\
         [1:a]volume=volume=0:enable='lt(t,2.5)+gte(t,2.6)'[a]",
        "-map",
        "[v]",
        "-map",
        "[a]",
        "-fps_mode",
        "passthrough",
        "-enc_time_base",
        "1/90000",
        "-video_track_timescale",
        "90000",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        clip.to_str().unwrap(),
    ]);
    // The clip really is irregular: frame durations of 50 ms and about 17 ms.
    let pts = tool_output(
        "ffprobe",
        &[
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "packet=pts_time",
            "-of",
            "csv=p=0",
            clip.to_str().unwrap(),
        ],
    );
    let mut times: Vec<f64> = pts.lines().filter_map(|l| l.trim().parse().ok()).collect();
    times.sort_by(f64::total_cmp);
    let gaps: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.iter().any(|g| *g > 0.045) && gaps.iter().any(|g| *g < 0.02));

    let mut s = ingest_from_someone(&[&clip]);
    let a = asset_named(&s.lib, "vfr.mp4");
    // Trimmed from 1.0 s: the flash and beep land at 1.5 s into the piece.
    let (doc, cleared) = cleared_montage(&mut s, vec![clip_item(a.id, 1000, 3400)]);
    let out = dir.path().join("vfr-render.mp4");
    render::render_video(&s.lib, &cleared, &doc, &out, &mut |_| true).unwrap();

    // First bright frame.
    let frames = dir.path().join("frames");
    std::fs::create_dir(&frames).unwrap();
    ffmpeg(&[
        "-i",
        out.to_str().unwrap(),
        "-fps_mode",
        "passthrough",
        "-vf",
        "scale=32:24",
        frames.join("%04d.png").to_str().unwrap(),
    ]);
    let mut names: Vec<_> = std::fs::read_dir(&frames)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let flash = names
        .iter()
        .position(|p| luma_and_saturation(&image::open(p).unwrap().to_rgb8()).0 > 128.0)
        .expect("a bright frame");
    let t_video = flash as f64 / 30.0;
    // First loud audio sample.
    let raw = dir.path().join("audio.f32");
    ffmpeg(&[
        "-i",
        out.to_str().unwrap(),
        "-ac",
        "1",
        "-ar",
        "48000",
        "-f",
        "f32le",
        raw.to_str().unwrap(),
    ]);
    let samples: Vec<f32> = std::fs::read(&raw)
        .unwrap()
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let onset = samples
        .iter()
        .position(|v| v.abs() > 0.05)
        .expect("the beep is heard");
    let t_audio = onset as f64 / 48_000.0;
    assert!(
        (t_video - 1.5).abs() <= 0.05,
        "the flash is at {t_video:.3} s, expected 1.5 s"
    );
    assert!(
        (t_video - t_audio).abs() <= 0.045,
        "flash at {t_video:.3} s, beep at {t_audio:.3} s"
    );
}

#[test]
fn still_exports_carry_an_srgb_profile() {
    let mut s = ingest_from_someone(&[&phone().join("iphonexs-rotated-gps.heic")]);
    let a = asset_named(&s.lib, "iphonexs-rotated-gps.heic");
    let (_, cleared) = cleared_montage(&mut s, vec![clip_item(a.id, 0, 1000)]);
    let doc = piece::PieceDoc {
        format: piece::FORMAT,
        name: "still".into(),
        preset: piece::Preset::Feed4x5,
        content: piece::Content::Still(piece::Still {
            asset_id: a.id,
            credit: "@parfait".into(),
        }),
    };
    let out = s.dir.path().join("still.jpg");
    render::render_image(&s.lib, &cleared, &doc, &out).unwrap();
    let meta = tool_output("exiftool", &["-a", "-G1", "-s", out.to_str().unwrap()]);
    assert!(meta.contains("sRGB"), "no sRGB profile:\n{meta}");
    assert!(!meta.contains("GPS"), "{meta}");
    // The HEIC decodes upright into the 4:5 frame: the picture is not letterboxed sideways.
    let img = image::open(&out).unwrap().to_rgb8();
    assert_eq!(img.dimensions(), (1080, 1350));
}
