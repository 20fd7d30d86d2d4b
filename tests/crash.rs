//! Kill the `chorus ingest` process at several moments, run it again, and check the library
//! every time: consistent, nothing lost, nothing duplicated, every asset backed by its file.

use std::collections::HashSet;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::*;
use chorus::catalog::{self, Filter};
use chorus::library::Library;

/// Byte-different copies of the sample photos (bytes after the end of the image do not
/// change the picture), so the batch is long enough to be killed in the middle.
fn make_batch(dir: &Path) -> usize {
    let mut n = 0;
    for entry in walkdir::WalkDir::new(samples()).into_iter().flatten() {
        let path = entry.path();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if !entry.file_type().is_file() || ext == "csv" {
            continue;
        }
        let bytes = fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if matches!(ext, "jpg" | "gif" | "tiff") {
            for v in 0..8 {
                let mut copy = bytes.clone();
                copy.extend_from_slice(format!("variant-{v}").as_bytes());
                fs::write(dir.join(format!("v{v}-{name}")), copy).unwrap();
                n += 1;
            }
        } else {
            fs::copy(path, dir.join(&name)).unwrap();
            n += 1;
        }
    }
    n
}

fn catalogued(lib: &Path) -> HashSet<String> {
    let lib = Library::open(lib).expect("library opens after a kill");
    assert!(integrity_ok(&lib));
    let assets = catalog::list(lib.conn(), &Filter::default()).unwrap();
    let hashes: HashSet<String> = assets.iter().map(|a| a.hash.clone()).collect();
    assert_eq!(hashes.len(), assets.len(), "no asset catalogued twice");
    let store = lib.store();
    for a in &assets {
        let stored =
            fs::read(store.original(&chorus::library::ContentHash::parse(&a.hash).unwrap()))
                .expect("every asset has its original");
        assert_eq!(
            blake3::hash(&stored).to_hex().to_string(),
            a.hash,
            "the stored copy is whole"
        );
        assert!(
            store
                .thumb(&chorus::library::ContentHash::parse(&a.hash).unwrap())
                .is_file(),
            "every asset has its thumbnail"
        );
    }
    hashes
}

#[test]
fn killed_ingest_resumes_without_loss_or_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("batch");
    fs::create_dir(&input).unwrap();
    let files = make_batch(&input);
    let lib = dir.path().join("lib");
    let bin = env!("CARGO_BIN_EXE_chorus");

    // A clean run on another library: what the resumed library must end up holding.
    let reference = Command::new(bin)
        .args([
            "--library",
            dir.path().join("reference").to_str().unwrap(),
            "ingest",
            "--json",
        ])
        .arg(&input)
        .output()
        .unwrap();
    assert!(reference.status.success());
    let expected = catalogued(&dir.path().join("reference"));

    // Kill at 20 moments: after a seeded random number of files have been committed (the
    // JSON stream says when), or, when that number is 0, a few milliseconds after start.
    let mut seed: u64 = 0x5eed_c0de;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let mut seen: HashSet<String> = HashSet::new();
    let mut kills = 0;
    for _ in 0..20 {
        let after = next(files as u64) as usize;
        let mut child = Command::new(bin)
            .args(["--library", lib.to_str().unwrap(), "ingest", "--json"])
            .arg(&input)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        if after == 0 {
            std::thread::sleep(Duration::from_millis(5 + next(40)));
        } else {
            let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
            for _ in 0..after {
                if lines.next().is_none() {
                    break;
                }
            }
        }
        if child.try_wait().unwrap().is_none() {
            kills += 1;
        }
        let _ = child.kill();
        let _ = child.wait();
        if !lib.join("chorus.db").exists() {
            continue;
        }
        let now = catalogued(&lib);
        assert!(now.is_superset(&seen), "nothing already ingested is lost");
        seen = now;
    }
    assert!(
        kills >= 18,
        "the kills must land in live runs ({kills} of 20 did)"
    );

    let out = Command::new(bin)
        .args(["--library", lib.to_str().unwrap(), "ingest", "--json"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines = String::from_utf8_lossy(&out.stdout).lines().count();
    assert_eq!(
        lines,
        files + 1,
        "every file gets a result on the final run, plus the summary"
    );
    let after = catalogued(&lib);
    assert_eq!(
        after, expected,
        "the resumed library holds exactly what a clean run holds"
    );

    // Interrupted runs are recorded as such.
    let l = Library::open(&lib).unwrap();
    let running: i64 = l
        .conn()
        .query_row(
            "SELECT count(*) FROM ingest_runs WHERE status = 'running'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(running, 0);
}
