//! Inbox folders as a sync client fills them (issue 17): a file written slowly in chunks is
//! taken once, whole, after it stops growing; a temporary file renamed at the end is taken
//! under its final name only; a restart takes nothing twice; a form export that arrives
//! after the files links them, and the files that come after it.

use std::fs;
use std::io::Write;
use std::time::{Duration, Instant};

use crate::common::*;
use chorus::catalog;
use chorus::inbox::{Inbox, InboxEvent, InboxOptions};
use chorus::library::Library;

const OPTIONS: InboxOptions = InboxOptions {
    settle: Duration::from_millis(700),
    rescan: Duration::from_millis(100),
};

/// Passes until `until` holds or `limit` passes; returns the paths imported.
fn passes(
    lib: &mut Library,
    inbox: &mut Inbox,
    limit: Duration,
    mut until: impl FnMut(&[String]) -> bool,
) -> Vec<String> {
    let start = Instant::now();
    let mut seen = Vec::new();
    while start.elapsed() < limit {
        inbox
            .pass(lib, &OPTIONS, &mut |e| {
                if let InboxEvent::Imported(r) = e {
                    seen.push(r.path.clone());
                }
            })
            .unwrap();
        if until(&seen) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    seen
}

fn library() -> (tempfile::TempDir, Library, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open_or_create(&dir.path().join("lib")).unwrap();
    let inbox = dir.path().join("Google Drive/Submissions");
    fs::create_dir_all(&inbox).unwrap();
    (dir, lib, inbox)
}

fn stored_hash(lib: &Library, path: &str) -> String {
    lib.conn()
        .query_row(
            "SELECT a.hash FROM submissions s JOIN assets a ON a.id = s.asset_id WHERE s.original_path = ?",
            [path],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_file_written_slowly_is_taken_once_and_whole() {
    let (_dir, mut lib, inbox_dir) = library();
    let source = fs::read(samples().join("beach_day.mp4")).unwrap();
    let target = inbox_dir.join("beach_day.mp4");
    let writer = {
        let (source, target) = (source.clone(), target.clone());
        std::thread::spawn(move || {
            let mut f = fs::File::create(&target).unwrap();
            for chunk in source.chunks(source.len() / 8 + 1) {
                f.write_all(chunk).unwrap();
                f.flush().unwrap();
                std::thread::sleep(Duration::from_millis(250));
            }
        })
    };
    let mut inbox = Inbox::new(vec![inbox_dir.clone()]).unwrap();
    // While the client writes, nothing is taken.
    let early = passes(&mut lib, &mut inbox, Duration::from_millis(1500), |s| {
        !s.is_empty()
    });
    assert!(early.is_empty(), "taken while still growing: {early:?}");
    writer.join().unwrap();
    let taken = passes(&mut lib, &mut inbox, Duration::from_secs(10), |s| {
        !s.is_empty()
    });
    assert_eq!(taken, vec![target.display().to_string()]);
    assert_eq!(
        stored_hash(&lib, &taken[0]),
        blake3::hash(&source).to_hex().to_string(),
        "the whole file, not half of it"
    );
    // More passes and a restart take nothing again.
    let more = passes(&mut lib, &mut inbox, Duration::from_millis(1500), |_| false);
    assert!(more.is_empty(), "{more:?}");
    let mut restarted = Inbox::new(vec![inbox_dir.clone()]).unwrap();
    let again = passes(
        &mut lib,
        &mut restarted,
        Duration::from_millis(1500),
        |_| false,
    );
    assert!(again.is_empty(), "taken twice after a restart: {again:?}");
    let count: i64 = lib
        .conn()
        .query_row("SELECT count(*) FROM assets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 1);
}

#[test]
fn a_temporary_file_is_ignored_until_renamed() {
    let (_dir, mut lib, inbox_dir) = library();
    let mut inbox = Inbox::new(vec![inbox_dir.clone()]).unwrap();
    for temp in [
        "hiking_gps.jpg.crdownload",
        ".hiking_gps.jpg.849C9593",
        "~$notes.xlsx",
        "hiking_gps.jpg.part",
        ".~lock.form.csv#",
    ] {
        fs::copy(samples().join("hiking_gps.jpg"), inbox_dir.join(temp)).unwrap();
    }
    let dropbox_cache = inbox_dir.join(".dropbox.cache");
    fs::create_dir_all(&dropbox_cache).unwrap();
    fs::copy(
        samples().join("hiking_gps.jpg"),
        dropbox_cache.join("x.jpg"),
    )
    .unwrap();
    let none = passes(&mut lib, &mut inbox, Duration::from_millis(1500), |_| false);
    assert!(none.is_empty(), "temporary files were taken: {none:?}");
    let done = inbox_dir.join("hiking_gps.jpg");
    fs::rename(inbox_dir.join("hiking_gps.jpg.part"), &done).unwrap();
    let taken = passes(&mut lib, &mut inbox, Duration::from_secs(10), |s| {
        !s.is_empty()
    });
    assert_eq!(taken, vec![done.display().to_string()]);
}

#[test]
fn a_form_that_arrives_later_links_the_files_in_and_those_to_come() {
    let (_dir, mut lib, inbox_dir) = library();
    let maya = inbox_dir.join("IMG_0412 - Maya Lindqvist.jpeg");
    fs::copy(samples().join("family_picnic.jpg"), &maya).unwrap();
    let mut inbox = Inbox::new(vec![inbox_dir.clone()]).unwrap();
    passes(&mut lib, &mut inbox, Duration::from_secs(10), |s| {
        !s.is_empty()
    });
    let id = asset_named(&lib, "IMG_0412 - Maya Lindqvist.jpeg").id;
    assert!(catalog::get(lib.conn(), id).unwrap().contributor.is_none());

    fs::copy(
        repo().join("tests/fixtures/forms/google_forms.csv"),
        inbox_dir.join("Share your moments (Responses).csv"),
    )
    .unwrap();
    let mut forms = 0;
    let start = Instant::now();
    while forms == 0 && start.elapsed() < Duration::from_secs(10) {
        inbox
            .pass(&mut lib, &OPTIONS, &mut |e| {
                if let InboxEvent::FormRead { .. } = e {
                    forms += 1;
                }
            })
            .unwrap();
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(forms, 1);
    let c = catalog::get(lib.conn(), id)
        .unwrap()
        .contributor
        .expect("linked by the form");
    assert_eq!(c.email.as_deref(), Some("maya.lindqvist@example.com"));
    // No row was reported missing: the rest may still come.
    let missing: i64 = lib
        .conn()
        .query_row(
            "SELECT count(*) FROM ingest_results WHERE error_kind = 'missing'",
            [],
            |r| r.get(0),
        )
        .unwrap_or(0);
    assert_eq!(missing, 0);

    let aiko = inbox_dir.join("concert - Aiko Tanaka.webm");
    fs::copy(samples().join("concert.webm"), &aiko).unwrap();
    passes(&mut lib, &mut inbox, Duration::from_secs(10), |s| {
        !s.is_empty()
    });
    let id = asset_named(&lib, "concert - Aiko Tanaka.webm").id;
    let c = catalog::get(lib.conn(), id)
        .unwrap()
        .contributor
        .expect("linked as it arrived");
    assert_eq!(c.name.as_deref(), Some("Aiko Tanaka"));
}

#[test]
fn chorus_watch_once_takes_what_is_there() {
    let (dir, _lib, inbox_dir) = library();
    fs::copy(
        samples().join("hiking_gps.jpg"),
        inbox_dir.join("hiking_gps.jpg"),
    )
    .unwrap();
    fs::write(inbox_dir.join("notes.tmp"), "x").unwrap();
    let lib_dir = dir.path().join("lib");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_chorus"))
            .arg("--library")
            .arg(&lib_dir)
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&[
        "watch",
        inbox_dir.to_str().unwrap(),
        "--once",
        "--settle",
        "0.3",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("hiking_gps.jpg: imported as asset"), "{text}");
    assert!(!text.contains("notes.tmp"), "{text}");
    let out = run(&[
        "watch",
        inbox_dir.to_str().unwrap(),
        "--once",
        "--settle",
        "0.3",
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).trim().is_empty());
    // The setting names the folders; a bad one is refused.
    let bad = run(&["settings", "set", "inbox_folders", "relative/folder"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a full path"));
    let good = run(&[
        "settings",
        "set",
        "inbox_folders",
        inbox_dir.to_str().unwrap(),
    ]);
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    let out = run(&["watch", "--once", "--settle", "0.3"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
