//! Shared helpers for the engine integration tests: real libraries in temp folders, real
//! sample files from `assets/samples`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chorus::catalog::{self, Asset, Filter};
use chorus::ingest::{self, FileResult, Progress, Summary};
use chorus::library::Library;
use chorus::piece;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn samples() -> PathBuf {
    repo().join("assets/samples")
}

pub fn bad_fixtures() -> PathBuf {
    repo().join("tests/fixtures/bad")
}

pub struct Ingested {
    pub dir: tempfile::TempDir,
    pub lib: Library,
    pub summary: Summary,
    pub results: Vec<FileResult>,
}

pub fn ingest(roots: &[&Path], manifest: Option<&Path>) -> Ingested {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut lib = Library::open_or_create(&dir.path().join("lib")).expect("library");
    let (summary, results) = ingest_into(&mut lib, roots, manifest);
    Ingested {
        dir,
        lib,
        summary,
        results,
    }
}

pub fn ingest_into(
    lib: &mut Library,
    roots: &[&Path],
    manifest: Option<&Path>,
) -> (Summary, Vec<FileResult>) {
    let mut opts = ingest::Options::new(roots.iter().map(|p| p.to_path_buf()).collect());
    opts.manifest = manifest.map(Path::to_path_buf);
    let mut results = Vec::new();
    let summary = ingest::run(lib, &opts, &mut |p| {
        if let Progress::File { result, .. } = p {
            results.push(result.clone());
        }
        true
    })
    .expect("ingest run");
    (summary, results)
}

pub fn ingest_samples() -> Ingested {
    let samples = samples();
    ingest(&[&samples], Some(&samples.join("submissions.csv")))
}

pub fn result_for<'a>(results: &'a [FileResult], name: &str) -> &'a FileResult {
    results
        .iter()
        .find(|r| {
            Path::new(&r.path)
                .file_name()
                .is_some_and(|n| n.to_string_lossy() == name)
                || r.path == name
        })
        .unwrap_or_else(|| panic!("no result for {name} in {results:#?}"))
}

pub fn asset_named(lib: &Library, name: &str) -> Asset {
    catalog::list(lib.conn(), &Filter::default())
        .expect("list")
        .into_iter()
        .find(|a| a.original_name == name)
        .unwrap_or_else(|| panic!("no asset named {name}"))
}

pub fn tag_names(a: &Asset) -> Vec<&str> {
    a.tags.iter().map(|t| t.name.as_str()).collect()
}

pub fn integrity_ok(lib: &Library) -> bool {
    let r: String = lib
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    r == "ok"
}

/// A montage without cards or music, for tests that look at the items.
pub fn montage(name: &str, preset: piece::Preset, items: Vec<piece::Item>) -> piece::PieceDoc {
    piece::PieceDoc {
        format: piece::FORMAT,
        name: name.to_string(),
        preset,
        content: piece::Content::Montage(piece::Montage {
            items,
            intro_card: false,
            outro_card: false,
            card_ms: 0,
            music_bed: false,
            target_lufs: -14.0,
            target_ms: 0,
        }),
    }
}
