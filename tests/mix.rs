//! The mix as a listener hears it: a piece of a loud clip, a quiet clip and photos over
//! the bed, rendered to a real MP4 and measured again from the file (EBU R128 integrated,
//! loudness range, short-term, true peak) and listened to at every cut for clicks; J- and
//! L-cuts move a clip's sound against its picture; hand-edited sound settings are refused.

use std::path::{Path, PathBuf};

use crate::common::*;
use chorus::piece::{self, ItemSound, Transition, TransitionKind};
use chorus::render;

/// What a loudness meter says about a rendered file.
struct Measured {
    integrated: f64,
    range: f64,
    /// Short-term loudness (3 s windows) every 100 ms: (end of window in s, LUFS).
    short_term: Vec<(f64, f64)>,
    true_peak_db: f64,
    left: Vec<f32>,
}

fn measure(path: &Path) -> Measured {
    use ebur128::{EbuR128, Mode};
    let (left, right) = decoded_audio(path);
    let mut meter =
        EbuR128::new(2, 48_000, Mode::I | Mode::LRA | Mode::S | Mode::TRUE_PEAK).unwrap();
    let mut short_term = Vec::new();
    for (k, (l, r)) in left.chunks(4800).zip(right.chunks(4800)).enumerate() {
        meter.add_frames_planar_f32(&[l, r]).unwrap();
        let t = (k + 1) as f64 * 0.1;
        if let Ok(st) = meter.loudness_shortterm() {
            short_term.push((t, st));
        }
    }
    let peak = (0..2)
        .map(|c| meter.true_peak(c).unwrap())
        .fold(0.0, f64::max);
    Measured {
        integrated: meter.loudness_global().unwrap(),
        range: meter.loudness_range().unwrap(),
        short_term,
        true_peak_db: 20.0 * peak.log10(),
        left,
    }
}

/// Checks the targets on a rendered piece of `secs` seconds cut at `cuts_s`.
/// `beat_ms`: cuts on a music bed's beat also meet its drum there, so the step at a cut
/// is also measured against the steps at the beats either side of it (no cut there).
fn assert_holds_its_level(path: &Path, target: f64, cuts_s: &[f64], beat_ms: Option<usize>) {
    let m = measure(path);
    let secs = m.left.len() as f64 / 48_000.0;
    assert!(
        (m.integrated - target).abs() <= 0.5,
        "integrated {:.2} LUFS, target {target}",
        m.integrated
    );
    assert!(m.range <= 6.0, "loudness range {:.2} LU", m.range);
    assert!(
        m.true_peak_db <= -1.0,
        "true peak {:.2} dBTP",
        m.true_peak_db
    );
    // Short-term windows that lie past the first second and end before the last one.
    for &(t, st) in &m.short_term {
        if t >= 4.0 && t <= secs - 1.0 {
            assert!(
                (st - m.integrated).abs() <= 4.0,
                "short-term {st:.2} LUFS at {t:.1} s is more than 4 LU from {:.2}",
                m.integrated
            );
        }
    }
    // No click at a cut: the biggest sample step within 2 ms of the cut is no bigger than
    // the sound's own steps just before and after it.
    let step = |from: usize, to: usize| {
        m.left[from.min(m.left.len() - 1)..to.min(m.left.len() - 1)]
            .windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .fold(0.0f32, f32::max)
    };
    for &cut in cuts_s {
        let at = (cut * 48_000.0) as usize;
        let ms = |n: usize| n * 48;
        let at_cut = step(at - ms(2), at + ms(2));
        let mut around = step(at - ms(60), at - ms(20)).max(step(at + ms(20), at + ms(60)));
        if let Some(b) = beat_ms {
            for beat in [at.saturating_sub(ms(b)), at + ms(b)] {
                if !cuts_s
                    .iter()
                    .any(|c| ((c * 48_000.0) as usize).abs_diff(beat) < ms(5))
                {
                    around = around.max(step(beat.saturating_sub(ms(2)), beat + ms(2)));
                }
            }
        }
        assert!(
            at_cut <= (1.5 * around).max(0.02),
            "a click at the cut at {cut:.3} s: step {at_cut:.4} against {around:.4} around it"
        );
    }
}

/// A loud copy (brick-wall loud, -8 LUFS or so) and a quiet copy (about -38 LUFS) of a
/// real clip with sound, as two customers' phones might record the same scene.
fn loud_and_quiet(dir: &Path, source: &Path) -> (PathBuf, PathBuf) {
    let (loud, quiet) = (dir.join("loud.mp4"), dir.join("quiet.mp4"));
    let src = source.to_str().unwrap();
    for (out, filter) in [
        (&loud, "volume=14dB,alimiter=limit=0.97"),
        (&quiet, "volume=-16dB"),
    ] {
        ffmpeg(&[
            "-i",
            src,
            "-c:v",
            "copy",
            "-af",
            filter,
            "-c:a",
            "aac",
            "-b:a",
            "128k",
            out.to_str().unwrap(),
        ]);
    }
    (loud, quiet)
}

fn photo_item(a: &chorus::catalog::Asset, ms: u64) -> piece::Item {
    piece::Item {
        kind: a.kind,
        pan_zoom: true,
        ..clip_item(a.id, 0, ms)
    }
}

#[test]
fn loud_and_quiet_clips_and_photos_hold_one_level_without_clicks() {
    let dir = tempfile::tempdir().unwrap();
    let (loud, quiet) = loud_and_quiet(dir.path(), &samples().join("beach_day.mp4"));
    let photo = samples().join("family_picnic.jpg");
    let mut s = ingest_from_someone(&[&loud, &quiet, &photo]);
    let (l, q, p) = (
        asset_named(&s.lib, "loud.mp4"),
        asset_named(&s.lib, "quiet.mp4"),
        asset_named(&s.lib, "family_picnic.jpg"),
    );
    let items = vec![
        photo_item(&p, 2000),
        clip_item(l.id, 0, 3000),
        clip_item(q.id, 500, 3500),
        photo_item(&p, 2000),
        clip_item(l.id, 2000, 4000),
        clip_item(q.id, 1000, 3000),
    ];
    let (mut doc, cleared) = cleared_montage(&mut s, items);
    if let piece::Content::Montage(m) = &mut doc.content {
        m.intro_card = true;
        m.outro_card = true;
        m.card_ms = 1500;
        m.music_bed = true;
    }
    let out = s.dir.path().join("mixed.mp4");
    let rendered = render::render_video(&s.lib, &cleared, &doc, &out, &mut |_| true).unwrap();
    // Every change of item is a cut in the sound.
    let cuts: Vec<f64> = rendered
        .timeline
        .iter()
        .skip(1)
        .map(|span| span.from as f64 / 30.0)
        .collect();
    assert_eq!(cuts.len(), 5, "{:?}", rendered.timeline);
    assert_holds_its_level(&out, -14.0, &cuts, None);
}

#[test]
fn sound_leads_and_trails_its_picture_in_j_and_l_cuts() {
    let dir = tempfile::tempdir().unwrap();
    let (loud, _) = loud_and_quiet(dir.path(), &samples().join("beach_day.mp4"));
    let photo = samples().join("family_picnic.jpg");
    let mut s = ingest_from_someone(&[&loud, &photo]);
    let (l, p) = (
        asset_named(&s.lib, "loud.mp4"),
        asset_named(&s.lib, "family_picnic.jpg"),
    );
    // Photo 2 s, clip 2 s (its sound leading by 0.5 s), photo 2 s; then the same with the
    // clip's sound trailing by 0.5 s instead.
    let items = vec![
        photo_item(&p, 2000),
        clip_item(l.id, 1000, 3000),
        photo_item(&p, 2000),
    ];
    let (doc, cleared) = cleared_montage(&mut s, items);
    let level_at = |sound: ItemSound, name: &str| {
        let mut doc = doc.clone();
        if let piece::Content::Montage(m) = &mut doc.content {
            m.items[1].sound = sound;
        }
        let out = s.dir.path().join(name);
        render::render_video(&s.lib, &cleared, &doc, &out, &mut |_| true).unwrap();
        let (left, _) = decoded_audio(&out);
        let rms = |from: f64, to: f64| {
            let w = &left[(from * 48_000.0) as usize..(to * 48_000.0) as usize];
            (w.iter().map(|v| v * v).sum::<f32>() / w.len() as f32).sqrt()
        };
        (rms(1.6, 1.95), rms(4.05, 4.4))
    };
    let (before, after) = level_at(ItemSound::default(), "plain.mp4");
    assert!(
        before < 1e-4 && after < 1e-4,
        "a plain cut: {before} {after}"
    );
    let (before, after) = level_at(
        ItemSound {
            lead_ms: 500,
            ..ItemSound::default()
        },
        "j.mp4",
    );
    assert!(
        before > 0.01,
        "J-cut: the sound starts under the photo before: {before}"
    );
    assert!(after < 1e-4, "J-cut: nothing after: {after}");
    let (before, after) = level_at(
        ItemSound {
            trail_ms: 500,
            ..ItemSound::default()
        },
        "l.mp4",
    );
    assert!(before < 1e-4, "L-cut: nothing before: {before}");
    assert!(
        after > 0.01,
        "L-cut: the sound runs on under the photo after: {after}"
    );
}

#[test]
fn hand_edited_sound_settings_are_refused_with_the_range() {
    let s = ingest_samples();
    let clip = asset_named(&s.lib, "beach_day.mp4");
    let photo = asset_named(&s.lib, "family_picnic.jpg");
    let check = |edit: &dyn Fn(&mut piece::Montage)| {
        let mut doc = montage(
            "Edited",
            piece::Preset::Square1x1,
            vec![clip_item(clip.id, 1000, 3000), photo_item(&photo, 2000)],
        );
        if let piece::Content::Montage(m) = &mut doc.content {
            edit(m);
        }
        doc.validate(s.lib.conn())
            .map_err(|e| e.to_string())
            .err()
            .unwrap_or_default()
    };
    assert_eq!(check(&|_| {}), "", "the untouched piece is valid");
    let nan = check(&|m| m.items[0].sound.gain_db = f64::NAN);
    assert!(nan.contains("item 1: the sound level"), "{nan}");
    let loud = check(&|m| m.items[0].sound.gain_db = 40.0);
    assert!(loud.contains("-24 to 12 dB"), "{loud}");
    let bed = check(&|m| m.bed_db = -1e300);
    assert!(bed.contains("the bed's level"), "{bed}");
    let early = check(&|m| m.items[0].sound.lead_ms = 1500);
    assert!(
        early.contains("trim starts 1000 ms into the clip"),
        "{early}"
    );
    let late = check(&|m| m.items[0].sound.trail_ms = 2_000);
    assert!(late.contains("trails by 2000 ms"), "{late}");
    let far = check(&|m| m.items[0].sound.trail_ms = u64::MAX);
    assert!(far.contains("at most 2000 ms"), "{far}");
    let photo_sound = check(&|m| m.items[1].sound.trail_ms = 100);
    assert!(
        photo_sound.contains("a photo has no sound"),
        "{photo_sound}"
    );
    // A crossfade keeps working with levelling (no overlap past the items).
    let fade = check(&|m| {
        m.items[1].transition = Transition {
            kind: TransitionKind::Crossfade,
            duration_ms: 500,
        }
    });
    assert_eq!(fade, "");
}

/// Output frames at which a montage cuts: the end of the intro card, every change of
/// item, and the start of the outro card (the middle of its crossfade is not a cut).
fn cut_frames(doc: &piece::PieceDoc) -> Vec<u64> {
    let piece::Content::Montage(m) = &doc.content else {
        panic!("a montage")
    };
    let frames = |ms: u64| (ms * piece::FPS + 500) / 1000;
    let mut at = if m.intro_card { frames(m.card_ms) } else { 0 };
    let mut cuts = vec![at];
    for item in &m.items {
        at += frames(item.len_ms());
        cuts.push(at);
    }
    // The outro starts where the items' last crossfade begins.
    if let Some(last) = cuts.last_mut() {
        *last -= frames(m.outro_fade_ms);
    }
    cuts
}

fn assert_on_the_beat(doc: &piece::PieceDoc, grid: &chorus::media::beats::BeatGrid) {
    let frame_ms = 1000.0 / piece::FPS as f64;
    for cut in cut_frames(doc) {
        let t = cut as f64 * frame_ms;
        assert!(
            grid.distance_ms(t) <= frame_ms,
            "the cut at frame {cut} ({t:.0} ms) is {:.1} ms off the beat ({:.1} BPM)",
            grid.distance_ms(t),
            grid.bpm()
        );
    }
}

#[test]
fn the_demo_hero_cuts_on_the_beat_and_holds_its_level() {
    use chorus::{demo, rights};
    let samples = repo().join("assets/samples");
    let script = demo::Script::load(&samples).unwrap();
    let mut s = ingest(&[&script.files], Some(&script.form));
    let today = chorus::campaign::parse_date("2026-11-29").unwrap();
    demo::clear_rights(&mut s.lib, &script, today).unwrap();
    let (campaign, pieces) = demo::assemble_pieces(&s.lib, &script, today).unwrap();
    let grid = piece::bed::BUILT_IN_GRID;
    for p in &pieces[..2] {
        assert_on_the_beat(&p.document, &grid);
        let piece::Content::Montage(m) = &p.document.content else {
            panic!()
        };
        for item in &m.items {
            let secs = item.len_ms() as f64 / 1000.0;
            if item.kind == chorus::media::Kind::Photo {
                assert!((1.5..=3.0).contains(&secs), "a photo held {secs} s");
            }
        }
        assert!(m.outro_fade_ms > 0, "a crossfade into the outro");
    }
    let hero = &pieces[0].document;
    let cleared = rights::require_cleared(s.lib.conn(), &campaign, &hero.asset_ids()).unwrap();
    let out = s.dir.path().join("hero.mp4");
    render::render_video(&s.lib, &cleared, hero, &out, &mut |_| true).unwrap();
    let cuts: Vec<f64> = cut_frames(hero)
        .iter()
        .map(|f| *f as f64 / piece::FPS as f64)
        .collect();
    assert_holds_its_level(&out, -14.0, &cuts, Some(grid.period_ms as usize));
}

#[test]
fn a_brands_own_bed_is_listened_to_for_its_beat() {
    // A brand's bed at 120 BPM whose first kick comes at 0.25 s.
    let dir = tempfile::tempdir().unwrap();
    let bed = dir.path().join("brand-bed.m4a");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "aevalsrc='if(gte(t,0.25),0.8*sin(2*PI*60*t)*exp(-30*mod(t-0.25,0.5))+0.1*sin(2*PI*6000*t)*exp(-80*mod(t,0.5)),0)':s=48000:d=40",
        "-c:a",
        "aac",
        bed.to_str().unwrap(),
    ]);
    let mut s = ingest_samples();
    s.lib
        .set_setting("music_bed", bed.to_str().unwrap())
        .unwrap();
    let grid = piece::bed::beat_grid(&s.lib).expect("a beat in the brand's bed");
    assert!((grid.bpm() - 120.0).abs() < 0.3, "{:.2} BPM", grid.bpm());
    assert!(
        grid.distance_ms(250.0) < 10.0,
        "offset {:.1}",
        grid.offset_ms
    );
    let ids: Vec<i64> = chorus::catalog::list(s.lib.conn(), &Default::default())
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    chorus::catalog::curate(&mut s.lib, &ids, chorus::catalog::Curation::Selected).unwrap();
    // The sample form's consent covers the web.
    let usage = chorus::rights::Usage {
        channels: [chorus::rights::Channel::Web].into(),
        territories: ["US".to_string()].into(),
        starts_on: chorus::campaign::parse_date("2026-07-01").unwrap(),
        ends_on: chorus::campaign::parse_date("2026-07-31").unwrap(),
    };
    let campaign = chorus::campaign::create(s.lib.conn(), "Brand bed", &usage).unwrap();
    let doc =
        piece::assemble::auto_montage(&s.lib, &campaign, "Brand", piece::Preset::Square1x1, 15)
            .unwrap();
    assert_on_the_beat(&doc, &grid);
}
