//! Framing that keeps the subject: a landscape shot in a tall frame follows what moves,
//! smoothly; a photo's window and push-in centre on its subject; auto-assemble chooses
//! it where it keeps more of the subject at a usable size.

use std::path::Path;

use crate::common::*;
use chorus::media::lively;
use chorus::piece::{self, framing, Fit, Preset};
use chorus::render::{self, Quality};

/// A 4 s 1280×720 shot: a white square 120 px wide gliding left to right over the left
/// of a static, detailed grey texture (centre of the square from x = 260 to 560, the
/// frame's centre being 640).
fn moving_subject(dir: &Path) -> std::path::PathBuf {
    let out = dir.join("glide.mp4");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "nullsrc=s=1280x720:r=30:d=4,geq=lum='110+60*sin(X/6)*cos(Y/4)':cb=128:cr=128",
        "-f",
        "lavfi",
        "-i",
        "color=white:s=120x120:r=30:d=4",
        "-filter_complex",
        "[0][1]overlay=x='200+75*t':y=300:shortest=1,format=yuv420p",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-t",
        "4",
        out.to_str().unwrap(),
    ]);
    out
}

/// Bright pixels (the white square) in a frame of a rendered file.
fn bright_at(path: &Path, ms: i64) -> usize {
    frame_of_video(path, ms)
        .pixels()
        .filter(|p| p.0.iter().all(|&c| c > 225))
        .count()
}

#[test]
fn a_followed_subject_stays_in_a_tall_frame_on_every_frame_and_the_window_glides() {
    let dir = tempfile::tempdir().unwrap();
    let shot = moving_subject(dir.path());
    let mut s = ingest_from_someone(&[&shot]);
    let clip = asset_named(&s.lib, "glide.mp4");

    // The measure: the subject's centre each half second, where the square is.
    let l = lively::analyse(&shot).unwrap();
    for (i, st) in l.stretches.iter().enumerate().take(7) {
        let [x, y] = st.subject.expect("a subject in every stretch");
        let expected = (260.0 + 75.0 * (i as f64 + 0.5) * 0.5) / 1280.0;
        assert!(
            (f64::from(x) - expected).abs() < 0.05 && (f64::from(y) - 0.5).abs() < 0.05,
            "stretch {i}: subject at ({x:.3}, {y:.3}), the square at ({expected:.3}, 0.5)"
        );
    }
    // The path: smooth (no step bigger than a slow pan's, no jitter in its speed) and the
    // square's centre inside the window on every frame.
    let path = framing::follow_path(&l, 0, 0, 120);
    for (f, &(cx, cy)) in path.iter().enumerate() {
        let (x, _, w, _) = framing::window(1280, 720, (1080, 1920), (cx, cy));
        let square = 260.0 + 75.0 * f as f64 / 30.0;
        assert!(
            f64::from(x) + 20.0 < square - 60.0 && square + 60.0 < f64::from(x + w) - 20.0,
            "frame {f}: window {x}..{} misses the square at {square}",
            x + w
        );
    }
    for w in path.windows(3) {
        let (v0, v1) = (w[1].0 - w[0].0, w[2].0 - w[1].0);
        assert!(v1.abs() <= 0.2 / 30.0 + 1e-9, "faster than a slow pan");
        assert!(
            (v1 - v0).abs() < 0.002,
            "a jerk in the window's motion: {v0} then {v1}"
        );
    }

    // The render, read back: the whole square is in the story's frame throughout. A
    // centred crop (the rule undone) loses it at the start.
    let mut item = clip_item(clip.id, 0, 4000);
    item.fit = Fit::Follow;
    let (mut doc, cleared) = cleared_montage(&mut s, vec![item]);
    doc.preset = Preset::Story9x16;
    let out = s.dir.path().join("follow.mp4");
    render::render_with(&s.lib, &cleared, &doc, &out, Quality::Preview, &mut |_| {
        true
    })
    .unwrap();
    let mut crop = doc.clone();
    if let piece::Content::Montage(m) = &mut crop.content {
        m.items[0].fit = Fit::Crop;
    }
    let centred = s.dir.path().join("centred.mp4");
    render::render_with(
        &s.lib,
        &cleared,
        &crop,
        &centred,
        Quality::Preview,
        &mut |_| true,
    )
    .unwrap();
    // At a third of 1080×1920 the square is 120 × 640/720 ≈ 107 px wide: ~11,000 pixels.
    for ms in [100, 1000, 2000, 3000, 3800] {
        let seen = bright_at(&out, ms);
        assert!(
            seen > 9_000,
            "at {ms} ms only {seen} pixels of the square are in frame"
        );
    }
    assert!(
        bright_at(&centred, 100) < 2_000,
        "a centred crop misses the square at the start"
    );
}

#[test]
fn a_photos_window_and_push_in_centre_on_its_subject() {
    let dir = tempfile::tempdir().unwrap();
    // A plain, softly graded landscape photo with a sharp bright ball at the far left.
    let mut img = image::RgbImage::from_fn(1600, 900, |x, _| {
        let v = 90 + (x / 40) as u8;
        image::Rgb([v, v + 10, v + 20])
    });
    for y in 0..900u32 {
        for x in 0..1600u32 {
            let (dx, dy) = (x as f64 - 260.0, y as f64 - 450.0);
            if dx * dx + dy * dy < 90.0 * 90.0 {
                img.put_pixel(x, y, image::Rgb([255, 255, 255]));
            }
        }
    }
    let photo = dir.path().join("ball.jpg");
    img.save(&photo).unwrap();
    let (x, y) = lively::photo_subject(&img).unwrap();
    assert!(
        (x - 260.0 / 1600.0).abs() < 0.03 && (y - 0.5).abs() < 0.03,
        "({x}, {y})"
    );
    let mut s = ingest_from_someone(&[&photo]);
    let ball = asset_named(&s.lib, "ball.jpg");
    let mut item = clip_item(ball.id, 0, 2000);
    item.kind = ball.kind;
    item.fit = Fit::Follow;
    item.pan_zoom = true;
    let (mut doc, cleared) = cleared_montage(&mut s, vec![item]);
    doc.preset = Preset::Story9x16;
    let out = s.dir.path().join("ball.mp4");
    render::render_with(&s.lib, &cleared, &doc, &out, Quality::Preview, &mut |_| {
        true
    })
    .unwrap();
    // The ball (180 px across, about 128 at a third of a 1920-tall frame) is whole at the
    // start and at the end of the push-in.
    for ms in [50, 1900] {
        let seen = bright_at(&out, ms);
        assert!(seen > 10_000, "at {ms} ms only {seen} ball pixels in frame");
    }
}

#[test]
fn auto_assemble_follows_a_landscape_clip_in_a_square_when_it_stays_sharp() {
    let mut s = ingest_samples();
    let wide = asset_named(&s.lib, "sunset_silent.mp4"); // 1280×720: 2.7× cropped in 1920
    let photo = asset_named(&s.lib, "family_picnic.jpg"); // 1600×1200, 4:3
    let (_, _) = cleared_montage(
        &mut s,
        vec![clip_item(wide.id, 0, 1000), clip_item(photo.id, 0, 1000)],
    );
    chorus::catalog::curate(
        &mut s.lib,
        &[wide.id, photo.id],
        chorus::catalog::Curation::Selected,
    )
    .unwrap();
    let c = chorus::campaign::get(s.lib.conn(), "Phones").unwrap();
    let fits = |preset: Preset, name: &str| -> Vec<(i64, Fit)> {
        let p = chorus::api::pieces::auto(&s.lib, chorus::api::CampaignId(c.id), name, preset, 6)
            .unwrap();
        match p.document.content {
            piece::Content::Montage(m) => m.items.iter().map(|i| (i.asset_id, i.fit)).collect(),
            _ => panic!("a montage"),
        }
    };
    let fit_of = |all: &[(i64, Fit)], id: i64| all.iter().find(|x| x.0 == id).unwrap().1;
    // In a story a 720p crop would be blown up 2.7×: it stays whole over its blur. In a
    // square it is 1.5×: it follows its subject. The 4:3 photo is near a square's shape
    // and stays whole.
    let tall = fits(Preset::Story9x16, "Tall");
    assert_eq!(fit_of(&tall, wide.id), Fit::BlurredFill, "{tall:?}");
    let square = fits(Preset::Square1x1, "Square");
    assert_eq!(fit_of(&square, wide.id), Fit::Follow, "{square:?}");
    assert_eq!(fit_of(&square, photo.id), Fit::BlurredFill, "{square:?}");
}
