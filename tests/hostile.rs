//! Hardening: hostile files, files that change under us, and faults of the machine. Every
//! file gets a result, nothing panics or hangs, and the library stays consistent.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::*;
use chorus::catalog::{self, Filter};
use chorus::ingest::{self, FileResult, Progress, Status};
use chorus::library::Library;

const KINDS: &[&str] = &[
    "empty",
    "truncated",
    "corrupt",
    "unsupported",
    "too_large",
    "timeout",
    "unreadable",
    "outside_link",
    "store_failed",
    "missing",
];

/// Every asset in the catalog is backed by a whole copy of its original and a thumbnail.
fn assert_consistent(lib: &Library) {
    assert!(integrity_ok(lib));
    let store = lib.store();
    for a in catalog::list(lib.conn(), &Filter::default()).unwrap() {
        let bytes =
            fs::read(store.original(&chorus::library::ContentHash::parse(&a.hash).unwrap()))
                .expect("original in the store");
        assert_eq!(blake3::hash(&bytes).to_hex().to_string(), a.hash);
        assert!(store
            .thumb(&chorus::library::ContentHash::parse(&a.hash).unwrap())
            .is_file());
    }
}

fn assert_sane(results: &[FileResult]) {
    for r in results {
        if r.status == Status::Error {
            let kind = r.error_kind.as_deref().unwrap_or_default();
            assert!(
                KINDS.contains(&kind),
                "{}: unexpected error kind {kind}: {:?}",
                r.path,
                r.error
            );
            assert!(
                r.error.as_deref().is_some_and(|e| e.len() > 20),
                "{}: no explanation",
                r.path
            );
        }
    }
}

#[test]
fn hostile_corpus_slice_gets_a_result_per_file_and_no_panics() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("hostile");
    let made = Command::new("python3")
        .arg(repo().join("scripts/make-hostile.py"))
        .arg(&corpus)
        .args(["--every", "3"])
        .output()
        .expect("python3 runs the corpus generator");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let files = fs::read_dir(&corpus).unwrap().count();
    assert!(files > 150, "a real slice of the corpus ({files} files)");

    let mut lib = Library::open_or_create(&dir.path().join("lib")).unwrap();
    let mut opts = ingest::Options::new(vec![corpus.clone()]);
    opts.limits.max_seconds_per_file = 20;
    let mut results = Vec::new();
    let summary = ingest::run(&mut lib, &opts, &mut |p| {
        if let Progress::File { result, .. } = p {
            results.push(result.clone());
        }
        true
    })
    .unwrap();
    assert_eq!(results.len(), files, "every file gets exactly one result");
    assert_eq!(summary.files, files);
    assert_sane(&results);
    let kinds: std::collections::BTreeSet<&str> = results
        .iter()
        .filter_map(|r| r.error_kind.as_deref())
        .collect();
    for expected in ["truncated", "corrupt", "too_large", "unsupported"] {
        assert!(
            kinds.contains(expected),
            "the slice exercises {expected}: {kinds:?}"
        );
    }
    assert_consistent(&lib);
}

#[test]
fn files_that_change_or_vanish_during_ingest_get_one_result_each() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    for name in [
        "family_picnic.jpg",
        "hiking_gps.jpg",
        "beach_day.mp4",
        "concert.webm",
    ] {
        fs::copy(samples().join(name), input.join(name)).unwrap();
    }
    let a = fs::read(samples().join("upside_down.jpg")).unwrap();
    let b = fs::read(samples().join("portrait_rotated.jpg")).unwrap();
    let changing = input.join("changing.jpg");
    let vanishing = input.join("vanishing.jpg");
    fs::write(&changing, &a).unwrap();
    fs::write(&vanishing, &b).unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let churn = {
        let (stop, changing, vanishing) = (stop.clone(), changing.clone(), vanishing.clone());
        std::thread::spawn(move || {
            let mut flip = false;
            while !stop.load(Ordering::Relaxed) {
                let _ = fs::write(&changing, if flip { &a } else { &b });
                if flip {
                    let _ = fs::remove_file(&vanishing);
                } else {
                    let _ = fs::write(&vanishing, &b);
                }
                flip = !flip;
                std::thread::sleep(Duration::from_millis(1));
            }
        })
    };
    let s = ingest(&[&input], None);
    stop.store(true, Ordering::Relaxed);
    churn.join().unwrap();
    // The vanishing file may already be gone when the folder is walked; everything the
    // walk saw gets exactly one result.
    let names: Vec<String> = s
        .results
        .iter()
        .map(|r| r.path.rsplit('/').next().unwrap().to_string())
        .collect();
    let unique: std::collections::HashSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "one result per file: {names:?}");
    for stable in [
        "family_picnic.jpg",
        "hiking_gps.jpg",
        "beach_day.mp4",
        "concert.webm",
        "changing.jpg",
    ] {
        assert!(
            names.iter().any(|n| n == stable),
            "{stable} has a result: {names:?}"
        );
    }
    assert!(names.len() == 5 || names.len() == 6, "{:#?}", s.results);
    assert_sane(&s.results);
    // Whatever was caught mid-change is either whole or reported, never half-stored.
    assert_consistent(&s.lib);
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

/// Runs the CLI as an unprivileged user when the tests run as root, so that file
/// permissions mean something (root reads everything). The binary is copied into `dir`
/// first: the checkout may sit where that user cannot reach (under /root, say).
fn chorus_unprivileged(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = if running_as_root() {
        let bin = dir.join("chorus-bin");
        if !bin.exists() {
            fs::copy(env!("CARGO_BIN_EXE_chorus"), &bin).unwrap();
            open_up(&bin, 0o755);
        }
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(bin);
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_chorus"))
    };
    cmd.args(args).output().expect("run chorus")
}

fn open_up(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn unreadable_files_long_names_and_a_read_only_library() {
    let dir = tempfile::tempdir().unwrap();
    open_up(dir.path(), 0o777);
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    fs::copy(samples().join("party.gif"), input.join("party.gif")).unwrap();
    let secret = input.join("secret.jpg");
    fs::copy(samples().join("upside_down.jpg"), &secret).unwrap();
    open_up(&secret, 0o000);
    let long: String = "a-very-long-customer-file-name-".repeat(7) + ".tiff";
    assert!(long.len() > 200);
    fs::copy(samples().join("scan.tiff"), input.join(&long)).unwrap();
    let lib = dir.path().join("lib");
    let lib_s = lib.to_str().unwrap();

    let out = chorus_unprivileged(
        dir.path(),
        &[
            "--library",
            lib_s,
            "ingest",
            input.to_str().unwrap(),
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let secret_result = lines
        .iter()
        .find(|l| {
            l["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("secret.jpg"))
        })
        .unwrap();
    assert_eq!(secret_result["error_kind"], "unreadable");
    assert!(secret_result["error"]
        .as_str()
        .unwrap()
        .contains("ermission"));
    let long_result = lines
        .iter()
        .find(|l| l["path"].as_str().is_some_and(|p| p.ends_with(&long)))
        .unwrap();
    assert_eq!(long_result["status"], "ingested");

    // The library folder turns read-only: a clear error, and the library as it was.
    let before = catalog::list(Library::open(&lib).unwrap().conn(), &Filter::default())
        .unwrap()
        .len();
    let mut make_ro = vec![lib.clone()];
    make_ro.extend(fs::read_dir(&lib).unwrap().flatten().map(|e| e.path()));
    for p in &make_ro {
        open_up(p, if p.is_dir() { 0o555 } else { 0o444 });
    }
    let more = dir.path().join("more");
    fs::create_dir(&more).unwrap();
    fs::copy(samples().join("more/fan_art.png"), more.join("fan_art.png")).unwrap();
    open_up(&more, 0o755);
    let out = chorus_unprivileged(
        dir.path(),
        &["--library", lib_s, "ingest", more.to_str().unwrap()],
    );
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let refused = !out.status.success()
        || stdout.contains("store_failed")
        || stdout.contains("could not be copied");
    assert!(
        refused,
        "a read-only library must refuse the import: {stdout} {stderr}"
    );
    if !out.status.success() {
        assert!(
            stderr.contains("write")
                || stderr.contains("ermission")
                || stderr.contains("read-only"),
            "{stderr}"
        );
    }
    for p in &make_ro {
        open_up(p, if p.is_dir() { 0o777 } else { 0o666 });
    }
    let lib_after = Library::open(&lib).unwrap();
    assert_consistent(&lib_after);
    assert_eq!(
        catalog::list(lib_after.conn(), &Filter::default())
            .unwrap()
            .len(),
        before
    );
}

#[test]
fn a_full_disk_fails_files_not_the_library() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    let bin = env!("CARGO_BIN_EXE_chorus");
    let samples = samples();
    let out = Command::new(bin)
        .env("CHORUS_FAULT_DISK_FULL_AFTER", "600000")
        .args([
            "--library",
            lib.to_str().unwrap(),
            "ingest",
            samples.to_str().unwrap(),
            "--json",
            "--workers",
            "1",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "every file still gets a result: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("\"error_kind\":\"store_failed\""), "{text}");
    assert!(text.contains("No space left on device"));
    let partial = catalog::list(Library::open(&lib).unwrap().conn(), &Filter::default())
        .unwrap()
        .len();
    assert!(
        partial > 0 && partial < 16,
        "{partial} assets before the disk filled"
    );
    assert_consistent(&Library::open(&lib).unwrap());

    // Space freed: the same import completes the library.
    let out = Command::new(bin)
        .args([
            "--library",
            lib.to_str().unwrap(),
            "ingest",
            samples.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let l = Library::open(&lib).unwrap();
    assert_eq!(
        catalog::list(l.conn(), &Filter::default()).unwrap().len(),
        16
    );
    assert_consistent(&l);
}

#[test]
fn a_library_locked_by_another_process_gives_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let lib_dir = dir.path().join("lib");
    let gif: PathBuf = samples().join("party.gif");
    let s = Library::open_or_create(&lib_dir).unwrap();
    drop(s);
    // Another writer holds the catalog.
    let holder = rusqlite::Connection::open(lib_dir.join("chorus.db")).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_chorus"))
        .args([
            "--library",
            lib_dir.to_str().unwrap(),
            "ingest",
            gif.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("another Chorus is writing to it"),
        "{stderr}"
    );
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);

    let out = Command::new(env!("CARGO_BIN_EXE_chorus"))
        .args([
            "--library",
            lib_dir.to_str().unwrap(),
            "ingest",
            gif.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_consistent(&Library::open(&lib_dir).unwrap());
}
