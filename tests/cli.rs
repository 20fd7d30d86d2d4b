//! The `chorus` binary as a script would use it: JSON output, exit codes, messages.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Output};

use crate::common::*;
use serde_json::Value;

fn chorus(lib: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chorus"))
        .arg("--library")
        .arg(lib)
        .args(args)
        .output()
        .expect("run chorus")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn json(o: &Output) -> Value {
    assert!(
        o.status.success(),
        "chorus failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_str(&stdout(o)).expect("JSON output")
}

#[test]
fn ingest_json_prints_one_line_per_file_and_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    let samples = samples();
    let manifest = samples.join("submissions.csv");
    let out = chorus(
        &lib,
        &[
            "ingest",
            samples.to_str().unwrap(),
            "--manifest",
            manifest.to_str().unwrap(),
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let (summary, files) = lines.split_last().unwrap();
    let summary = &summary["summary"];
    assert_eq!(summary["files"].as_u64().unwrap() as usize, files.len());
    assert_eq!(summary["ingested"], 15);
    assert_eq!(summary["duplicate"], 1);
    assert_eq!(summary["near_duplicate"], 1);
    assert_eq!(summary["error"], 1, "only the missing form row");
    for f in files {
        for key in [
            "path",
            "status",
            "asset_id",
            "duplicate_of",
            "error_kind",
            "error",
        ] {
            assert!(f.get(key).is_some(), "{key} missing in {f}");
        }
    }
    let paths: HashSet<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths.len(), files.len(), "one result per file");

    // ls filters and JSON.
    let portrait = json(&chorus(
        &lib,
        &["ls", "--orientation", "portrait", "--json"],
    ));
    let names: Vec<&str> = portrait
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["original_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "portrait_rotated.jpg",
            "skate_trick.mov",
            "unboxing_vertical.mp4"
        ]
    );
    let clips = json(&chorus(
        &lib,
        &["ls", "--kind", "clip", "--tag", "has-audio", "--json"],
    ));
    assert_eq!(clips.as_array().unwrap().len(), 6);

    // Curate from the command line and read it back.
    let id = portrait[0]["id"].to_string();
    assert!(chorus(&lib, &["tag", &id, "+Hero Shot", "+summer"])
        .status
        .success());
    assert!(chorus(&lib, &["tag", &id, "-summer"]).status.success());
    assert!(chorus(&lib, &["rate", &id, "4"]).status.success());
    assert!(chorus(&lib, &["curate", &id, "select"]).status.success());
    let shown = json(&chorus(&lib, &["show", &id, "--json"]));
    assert_eq!(shown["rating"], 4);
    assert_eq!(shown["curation"], "selected");
    assert_eq!(shown["exif_orientation"], 6);
    let manual: Vec<&str> = shown["tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["source"] == "manual")
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(manual, ["hero-shot"]);
    assert_eq!(shown["contributor"]["handle"], "@chloe_m");
    assert_eq!(shown["submissions"][0]["channel"], "form");
    assert!(Path::new(shown["thumbnail_path"].as_str().unwrap()).is_file());
    // By hash prefix too.
    let prefix = &shown["hash"].as_str().unwrap()[..8];
    assert_eq!(
        json(&chorus(&lib, &["show", prefix, "--json"]))["id"],
        shown["id"]
    );

    let searched = json(&chorus(&lib, &["ls", "--search", "hero", "--json"]));
    assert_eq!(searched.as_array().unwrap().len(), 1);

    // Human output mentions the result of every non-ingested file.
    let text = chorus(&lib, &["ls"]);
    assert!(stdout(&text).contains("16 asset(s)"));
}

#[test]
fn mistakes_get_exit_code_1_and_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("nowhere");
    let out = chorus(&lib, &["ls"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no Chorus library at"));

    let out = chorus(&lib, &["ingest", "/definitely/not/here"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/definitely/not/here"));

    let out = chorus(&lib, &["show", "999"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no asset matches '999'"));

    let out = chorus(&lib, &["rate", "1", "9"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn library_location_comes_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("from-env");
    let out = Command::new(env!("CARGO_BIN_EXE_chorus"))
        .env("CHORUS_LIBRARY", &lib)
        .args(["ingest", samples().join("party.gif").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(lib.join("chorus.db").is_file());
    assert!(stdout(&out).contains("1 ingested"));
}

#[test]
fn bad_files_do_not_change_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let out = chorus(
        &dir.path().join("lib"),
        &["ingest", bad_fixtures().to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "every file got a result");
    let text = stdout(&out);
    assert!(text.contains("truncated"));
    assert!(text.contains("6 error"));
}

#[test]
fn demo_builds_a_library_and_shows_every_rights_state() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("demo");
    // The demo `make run` shows: real, licensed submissions (assets/samples).
    let real = repo().join("assets/samples");
    let out = chorus(&lib, &["demo", "--samples", real.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    for expected in [
        "17 ingested, 0 duplicate, 0 near-duplicate, 1 error",
        "ask Mateo Hernández to send it again",
        "cleared (grant",
        "the contributor said no",
        "rights requested, no answer yet",
        "needs a person",
        "ends before campaign 'Summer Stories'",
        "piece 1 'Homepage hero' (version 1): montage hero_16x9, 30.00 s",
        "piece 2 'Story cut' (version 1): montage story_9x16, 15.00 s",
        "piece 3 'Wall of fans' (version 1): mosaic hero_16x9",
    ] {
        assert!(
            text.contains(expected),
            "demo output lacks '{expected}':\n{text}"
        );
    }
    assert!(lib.join("requests/zoe_hoops.txt").is_file());
    // Running it again (on the synthetic test submissions) starts from a fresh library.
    let fixtures = repo().join("tests/fixtures/demo");
    let again = chorus(&lib, &["demo", "--samples", fixtures.to_str().unwrap()]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let text = stdout(&again);
    assert!(
        text.contains("15 ingested, 1 duplicate, 1 near-duplicate, 1 error"),
        "{text}"
    );
    assert!(lib.join("requests/ana.surfs.txt").is_file());
    assert!(!lib.join("requests/zoe_hoops.txt").exists());
}

#[test]
fn captions_call_to_action_and_brand_fonts_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("demo");
    let fixtures = repo().join("tests/fixtures/demo");
    let ok = |o: Output| {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        stdout(&o)
    };
    ok(chorus(
        &lib,
        &["demo", "--samples", fixtures.to_str().unwrap()],
    ));
    let srt = dir.path().join("clip.srt");
    std::fs::write(&srt, "1\n00:00:00,000 --> 00:01:00,000\nWhat a day!\n").unwrap();
    let out = ok(chorus(
        &lib,
        &[
            "piece",
            "captions",
            "Story cut",
            "--item",
            "1",
            "--file",
            srt.to_str().unwrap(),
        ],
    ));
    assert!(out.contains("item 1: 1 caption(s)"), "{out}");
    // A broken caption file names its line; item 0 does not exist.
    std::fs::write(&srt, "1\n00:00:05,000 --> 00:00:01,000\nbackwards\n").unwrap();
    let bad = chorus(
        &lib,
        &[
            "piece",
            "captions",
            "Story cut",
            "--item",
            "1",
            "--file",
            srt.to_str().unwrap(),
        ],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("line 2"));
    let zero = chorus(
        &lib,
        &[
            "piece",
            "captions",
            "Story cut",
            "--item",
            "0",
            "--file",
            srt.to_str().unwrap(),
        ],
    );
    assert!(!zero.status.success());
    // Without an item, the piece's own captions: those past its end are cut, and a file
    // whose captions all come after the piece is refused with the piece's length.
    std::fs::write(
        &srt,
        "1\n00:00:01,000 --> 00:00:03,000\nOur summer\n\n2\n00:00:14,000 --> 00:00:40,000\nyours next\n\n3\n00:01:00,000 --> 00:01:02,000\ntoo late\n",
    )
    .unwrap();
    let out = ok(chorus(
        &lib,
        &[
            "piece",
            "captions",
            "Story cut",
            "--file",
            srt.to_str().unwrap(),
        ],
    ));
    assert!(out.contains("the piece: 2 caption(s)"), "{out}");
    std::fs::write(&srt, "1\n00:01:00,000 --> 00:01:02,000\ntoo late\n").unwrap();
    let late = chorus(
        &lib,
        &[
            "piece",
            "captions",
            "Story cut",
            "--file",
            srt.to_str().unwrap(),
        ],
    );
    assert!(!late.status.success());
    assert!(
        String::from_utf8_lossy(&late.stderr).contains("within the piece's 15.0 s"),
        "{}",
        String::from_utf8_lossy(&late.stderr)
    );
    let out = ok(chorus(
        &lib,
        &[
            "piece",
            "cta",
            "Homepage hero",
            "--text",
            "Share yours",
            "--url",
            "brand.example/summer",
        ],
    ));
    assert!(
        out.contains("end card: Share yours brand.example/summer"),
        "{out}"
    );
    let bad = chorus(
        &lib,
        &[
            "piece",
            "cta",
            "Homepage hero",
            "--text",
            "Go",
            "--url",
            "javascript:alert(1)",
        ],
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a web address"));
    // The editor's quick look, from the command line: a third of 1080×1920.
    let quick = dir.path().join("quick.mp4");
    ok(chorus(
        &lib,
        &[
            "render",
            "Story cut",
            "--preview",
            "--out",
            quick.to_str().unwrap(),
        ],
    ));
    let probe = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "stream=width,height",
            "-of",
            "csv=p=0",
        ])
        .arg(&quick)
        .output()
        .expect("ffprobe runs");
    assert!(String::from_utf8_lossy(&probe.stdout).contains("360,640"));
    // A grant's evidence as it was received: here the consent ticked on the form.
    let out = ok(chorus(&lib, &["rights", "evidence", "1"]));
    assert!(
        out.contains("through form") && out.contains("form row: "),
        "{out}"
    );
    let missing = chorus(&lib, &["rights", "evidence", "9999"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no grant 9999"));
    // The timeline's frame under the playhead, from the command line: a JPEG of the
    // story at 2 s, a third of its size; nonsense times and sizes are refused.
    let still = dir.path().join("at2.jpg");
    let out = ok(chorus(
        &lib,
        &[
            "piece",
            "frame",
            "Story cut",
            "--at",
            "2",
            "--width",
            "360",
            "--out",
            still.to_str().unwrap(),
        ],
    ));
    assert!(out.contains("frame at 2.000 s of 'Story cut'"), "{out}");
    let pic = image::open(&still).unwrap();
    assert_eq!((pic.width(), pic.height()), (360, 640));
    for (at, width, says) in [
        ("--at=-1", "--width=360", "--at is a time in seconds"),
        ("--at=NaN", "--width=360", "--at is a time in seconds"),
        ("--at=1", "--width=10", "64 to 4096 pixels wide"),
    ] {
        let bad = chorus(
            &lib,
            &[
                "piece",
                "frame",
                "Story cut",
                at,
                width,
                "--out",
                still.to_str().unwrap(),
            ],
        );
        assert!(!bad.status.success());
        assert!(
            String::from_utf8_lossy(&bad.stderr).contains(says),
            "{at} {width}: {}",
            String::from_utf8_lossy(&bad.stderr)
        );
    }
    let out = ok(chorus(&lib, &["brand", "show"]));
    assert!(
        out.contains(":1 on primary") && out.contains("Noto Sans (default)"),
        "{out}"
    );
    let font = repo().join("assets/brand/fonts/DejaVuSans-Bold.ttf");
    let out = ok(chorus(
        &lib,
        &["brand", "font", "body", font.to_str().unwrap()],
    ));
    assert!(out.contains("body DejaVu Sans"), "{out}");
}

#[test]
fn platforms_are_listed_and_an_unknown_one_is_refused_with_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    let list = chorus(&lib, &["platforms"]);
    assert!(list.status.success());
    let list = stdout(&list);
    for want in [
        "tiktok",
        "TikTok",
        "1080×1920",
        "web_hero",
        "muted, plus a WebM",
        "2 min 20 s",
    ] {
        assert!(list.contains(want), "{want} in:\n{list}");
    }
    let bad = chorus(
        &lib,
        &[
            "export",
            "Story cut",
            "--for",
            "youtube,myspace",
            "--out",
            "x",
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("'myspace' is not a platform; choose from youtube, youtube_4k"),
        "{err}"
    );
    // A real export for the home page, its verdicts printed per file.
    let fixtures = repo().join("tests/fixtures/demo");
    let demo = chorus(&lib, &["demo", "--samples", fixtures.to_str().unwrap()]);
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let out = dir.path().join("out");
    let done = chorus(
        &lib,
        &[
            "export",
            "Story cut",
            "--for",
            "web_hero",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let said = stdout(&done);
    for file in [
        "story-cut-web_hero.mp4: ready for Web hero",
        "story-cut-web_hero.webm: ready for Web hero",
    ] {
        assert!(said.contains(file), "{said}");
    }
    assert!(said.contains("no sound"), "{said}");
}
