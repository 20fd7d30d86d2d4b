//! Collection as it really happens (issue 17): the exports of the form tools marketers use
//! (Google Forms as CSV and as a Sheets workbook, Typeform, Jotform, Microsoft Forms, Tally),
//! read by meaning and linked to the files as each tool's download names them; the column
//! reading confirmed and remembered; ages from the forms; replies as e-mails and mailbox
//! archives; the one follow-up; and the thank-you for an exported piece.
//!
//! Each form in `tests/fixtures/forms` has a `.files.json` beside it: the names the files
//! have once downloaded from that tool (copies of `tests/fixtures/samples` are laid out
//! under those names) and who sent which, with the age the form gives.

use std::fs;
use std::path::PathBuf;

use crate::common::*;
use chorus::api::forms::{self, FieldColumns};
use chorus::catalog;
use chorus::ingest::Status;
use chorus::manifest::Field;
use chorus::rights::{self, ReplyOutcome};
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/forms").join(name)
}

fn mail(name: &str) -> PathBuf {
    repo().join("tests/fixtures/mail").join(name)
}

/// A submissions folder as the marketer has it after downloading the uploads: every file
/// under its download name, the form beside them.
fn downloaded(form: &str) -> (tempfile::TempDir, PathBuf, PathBuf, Value) {
    let spec: Value =
        serde_json::from_str(&fs::read_to_string(fixture(&format!("{form}.files.json"))).unwrap())
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("downloads");
    fs::create_dir_all(&root).unwrap();
    for (name, sample) in spec["downloads"].as_object().unwrap() {
        fs::copy(samples().join(sample.as_str().unwrap()), root.join(name)).unwrap();
    }
    let form_path = dir.path().join(form);
    fs::copy(fixture(form), &form_path).unwrap();
    (dir, root, form_path, spec)
}

/// The contributor's e-mail and the age their form grant was recorded with.
fn who_and_age(lib: &chorus::library::Library, asset: i64) -> Option<(String, String)> {
    let c = catalog::get(lib.conn(), asset).unwrap().contributor?;
    let (age, from): (String, String) = lib
        .conn()
        .query_row(
            "SELECT age, valid_from FROM grants WHERE contributor_id = ?1 AND asset_id = ?2 AND evidence_source = 'form'",
            rusqlite::params![c.id, asset],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap_or_else(|e| panic!("no form grant for asset {asset}: {e}"));
    // The consent runs from the day the form was sent, however the tool wrote it
    // (`2026/06/02 9:15:00 AM GMT+1`, a workbook's date cell, `2026-06-05 21:40:33`).
    assert!(
        from.starts_with("2026-06-0"),
        "asset {asset}: valid from {from}"
    );
    Some((c.email.unwrap_or_default(), age))
}

#[test]
fn every_form_tools_export_links_its_people_their_files_and_their_ages() {
    for form in [
        "google_forms.csv",
        "google_forms.xlsx",
        "typeform.csv",
        "jotform.csv",
        "microsoft_forms.xlsx",
        "tally.csv",
    ] {
        let (_dir, root, form_path, spec) = downloaded(form);
        let s = ingest(&[&root], Some(&form_path));
        let unmatched: Vec<&str> = spec["unmatched"]
            .as_array()
            .map(|a| a.iter().map(|v| v.as_str().unwrap()).collect())
            .unwrap_or_default();
        let mut linked = 0;
        for row in spec["rows"].as_array().unwrap() {
            for file in row["files"].as_array().unwrap() {
                let file = file.as_str().unwrap();
                let r = result_for(&s.results, file);
                let id = r
                    .asset_id
                    .or(r.duplicate_of)
                    .unwrap_or_else(|| panic!("{form}: {file} was not imported: {r:?}"));
                let (email, age) = who_and_age(&s.lib, id)
                    .unwrap_or_else(|| panic!("{form}: {file} is linked to nobody: {r:?}"));
                assert_eq!(email, row["email"].as_str().unwrap(), "{form}: {file}");
                assert_eq!(age, row["age"].as_str().unwrap(), "{form}: {file}'s age");
                assert!(r.note.is_none(), "{form}: {file}: {:?}", r.note);
                linked += 1;
            }
        }
        assert!(linked >= 5, "{form}: only {linked} files linked");
        for file in &unmatched {
            let r = result_for(&s.results, file);
            let id = r.asset_id.unwrap();
            assert!(
                catalog::get(s.lib.conn(), id)
                    .unwrap()
                    .contributor
                    .is_none(),
                "{form}: {file} should be linked to nobody"
            );
        }
        // Rows whose files never arrived are listed, with what to do.
        let missing: Vec<_> = s
            .results
            .iter()
            .filter(|r| r.error_kind.as_deref() == Some("missing"))
            .collect();
        let empty_rows = spec["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["files"].as_array().unwrap().is_empty())
            .count();
        assert_eq!(missing.len(), empty_rows, "{form}: {missing:#?}");
        for m in &missing {
            let why = m.error.as_deref().unwrap_or_default();
            assert!(
                why.contains("Drive") && why.contains("Jordan Blake"),
                "{form}: {why}"
            );
        }
        assert!(
            s.results
                .iter()
                .all(|r| r.status != Status::Error || r.error_kind.as_deref() == Some("missing")),
            "{form}: {:#?}",
            s.results
        );
    }
}

#[test]
fn a_column_chorus_misreads_is_corrected_and_remembered_for_the_form() {
    let s = ingest(&[&samples().join("more")], None);
    let dir = tempfile::tempdir().unwrap();
    let form = dir.path().join("form.csv");
    fs::write(
        &form,
        "Timestamp,Who are you,Contact,Your clip,Notes\n\
         2026-06-02,Ana Souza,ana@example.com,fan_art.png,I agree\n",
    )
    .unwrap();
    // No column says "name" or "email": Chorus proposes only what it can tell.
    let first = forms::preview(&s.lib, &form, None, None).unwrap();
    assert!(!first.remembered);
    let cols = |p: &forms::FormPreview, f: Field| {
        p.mapping
            .iter()
            .find(|m| m.field == f)
            .unwrap()
            .columns
            .clone()
    };
    assert_eq!(cols(&first, Field::Files), vec![3]);
    assert!(cols(&first, Field::Name).is_empty());
    assert!(
        first
            .problems
            .iter()
            .any(|p| p.contains("no column is read as name")),
        "{:?}",
        first.problems
    );
    assert!(
        first.problems.iter().any(|p| p.contains("age unknown")),
        "{:?}",
        first.problems
    );

    // The person corrects it (as the desktop's column step sends it back).
    let mut view = first.mapping.clone();
    for m in view.iter_mut() {
        match m.field {
            Field::Name => m.columns = vec![1],
            Field::Email => m.columns = vec![2],
            Field::Consent => m.columns = vec![4],
            _ => {}
        }
    }
    let changed = forms::preview(&s.lib, &form, Some(&view), None).unwrap();
    assert_eq!(changed.rows[0].name.as_deref(), Some("Ana Souza"));
    assert_eq!(changed.rows[0].email.as_deref(), Some("ana@example.com"));

    // Importing with it remembers it: the next export of this form reads the same.
    let mut lib = s.lib;
    let mut opts = chorus::api::library::import_options(
        &[samples().join("more").display().to_string()],
        Some(&form.display().to_string()),
        Some(&view),
    )
    .unwrap();
    opts.workers = 1;
    chorus::ingest::run(&mut lib, &opts, &mut |_| true).unwrap();
    let again = forms::preview(&lib, &form, None, None).unwrap();
    assert!(again.remembered);
    assert_eq!(again.mapping, changed.mapping);
    let fan = asset_named(&lib, "fan_art.png");
    assert_eq!(fan.contributor.unwrap().name.as_deref(), Some("Ana Souza"));

    // A stored reading edited by hand into nonsense is ignored, not trusted.
    lib.conn()
        .execute(
            "UPDATE form_mappings SET mapping = '{\"fields\":{\"files\":[99]}}'",
            [],
        )
        .unwrap();
    let tampered = forms::preview(&lib, &form, None, None).unwrap();
    assert!(
        tampered.problems.iter().any(|p| p.contains("--map files=")),
        "a reading pointing past the last column reads nothing: {:?}",
        tampered.problems
    );
    lib.conn()
        .execute("UPDATE form_mappings SET mapping = 'not json'", [])
        .unwrap();
    let garbage = forms::preview(&lib, &form, None, None).unwrap();
    assert!(
        !garbage.remembered,
        "an unreadable stored reading is not used"
    );

    // A reading that gives one column to two fields is refused.
    let mut twice = view.clone();
    for m in twice.iter_mut() {
        if m.field == Field::Handle {
            m.columns = vec![1];
        }
    }
    let err = forms::preview(&lib, &form, Some(&twice), None).unwrap_err();
    assert!(
        err.message.contains("read as two fields"),
        "{}",
        err.message
    );
    let past_the_end = vec![FieldColumns {
        field: Field::Files,
        columns: vec![40],
    }];
    let err = forms::preview(&lib, &form, Some(&past_the_end), None).unwrap_err();
    assert!(err.message.contains("no column 41"), "{}", err.message);
    let two_ages = vec![FieldColumns {
        field: Field::Age,
        columns: vec![0, 4],
    }];
    let err = forms::preview(&lib, &form, Some(&two_ages), None).unwrap_err();
    assert!(err.message.contains("takes one column"), "{}", err.message);
}

#[test]
fn the_cli_prints_its_reading_and_takes_map() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    let form = dir.path().join("form.csv");
    fs::write(
        &form,
        "Timestamp,Who are you,Your clip,Notes\n2026-06-02,Ana Souza,fan_art.png,\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_chorus"))
            .arg("--library")
            .arg(&lib)
            .args(args)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (ok, out) = run(&["form", form.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert!(out.contains("as Chorus proposes"), "{out}");
    assert!(
        out.contains("files") && out.contains("\"Your clip\""),
        "{out}"
    );
    let (ok, out) = run(&["form", form.to_str().unwrap(), "--map", "name=Who are you"]);
    assert!(ok, "{out}");
    assert!(out.contains("Ana Souza"), "{out}");
    let (ok, out) = run(&["form", form.to_str().unwrap(), "--map", "name=Nope"]);
    assert!(!ok);
    assert!(
        out.contains("no column 'Nope'") && out.contains("1: Timestamp"),
        "{out}"
    );
    let more = samples().join("more");
    let (ok, out) = run(&[
        "ingest",
        more.to_str().unwrap(),
        "--manifest",
        form.to_str().unwrap(),
        "--map",
        "name=2",
    ]);
    assert!(ok, "{out}");
    assert!(out.contains("Reading the form"), "{out}");
    // Remembered: the next run reads it the same without --map.
    let (ok, out) = run(&["form", form.to_str().unwrap()]);
    assert!(ok && out.contains("as confirmed before"), "{out}");
    assert!(out.contains("Ana Souza"), "{out}");
}

#[test]
fn the_adult_age_is_the_territorys_and_checked() {
    let s = ingest(&[&samples().join("more")], None);
    let dir = tempfile::tempdir().unwrap();
    let form = dir.path().join("form.csv");
    fs::write(
        &form,
        "Timestamp,Name,File,Age\n2026-06-02,Tomás,fan_art.png,16\n",
    )
    .unwrap();
    let age = |lib: &chorus::library::Library| {
        forms::preview(lib, &form, None, None).unwrap().rows[0]
            .age
            .clone()
    };
    assert_eq!(age(&s.lib), "minor");
    chorus::api::settings::set(&s.lib, "adult_age", "16").unwrap();
    assert_eq!(age(&s.lib), "adult");
    for bad in ["12", "22", "eighteen", "-1", "18.5"] {
        let err = chorus::api::settings::set(&s.lib, "adult_age", bad).unwrap_err();
        assert!(err.message.contains("13 to 21"), "{bad}: {}", err.message);
    }
    // A value put in the catalog by hand is refused when read, not trusted.
    s.lib
        .conn()
        .execute(
            "UPDATE settings SET value = '5' WHERE key = 'adult_age'",
            [],
        )
        .unwrap();
    let err = forms::preview(&s.lib, &form, None, None).unwrap_err();
    assert!(err.message.contains("adult_age"), "{}", err.message);
}

#[test]
fn hostile_workbooks_are_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let s = ingest(&[&samples().join("more")], None);
    // A zip whose sheet would unpack to far more than any form (a zip bomb), streamed
    // out by Python's zipfile so the test never holds it.
    let bomb = dir.path().join("bomb.xlsx");
    let made = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys,zipfile\nz=zipfile.ZipFile(sys.argv[1],'w',zipfile.ZIP_DEFLATED)\nf=z.open('xl/worksheets/sheet1.xml','w',force_zip64=True)\nb=bytes(1<<20)\nfor _ in range(300): f.write(b)\nf.close()\nz.close()",
        ])
        .arg(&bomb)
        .status()
        .expect("python3");
    assert!(made.success());
    assert!(fs::metadata(&bomb).unwrap().len() < 2 * 1024 * 1024);
    let err = forms::preview(&s.lib, &bomb, None, None).unwrap_err();
    assert!(err.message.contains("unpack to"), "{}", err.message);
    // A damaged workbook.
    let broken = dir.path().join("broken.xlsx");
    let mut bytes = fs::read(fixture("google_forms.xlsx")).unwrap();
    bytes.truncate(bytes.len() / 2);
    fs::write(&broken, bytes).unwrap();
    let err = forms::preview(&s.lib, &broken, None, None).unwrap_err();
    assert!(err.message.contains("broken.xlsx"), "{}", err.message);
    assert!(err.message.contains("save it again"), "{}", err.message);
    // A form with no column Chorus can read as the files says how to name it.
    let no_files = dir.path().join("names.csv");
    fs::write(&no_files, "Name,Email\nA,a@example.com\n").unwrap();
    let p = forms::preview(&s.lib, &no_files, None, None).unwrap();
    assert!(
        p.problems.iter().any(|p| p.contains("--map files=COLUMN")),
        "{:?}",
        p.problems
    );
}

/// The library after the Google Forms import, with a request sent to everyone on it.
fn asked_everyone() -> (tempfile::TempDir, Ingested) {
    let (dir, root, form_path, _) = downloaded("google_forms.csv");
    let mut s = ingest(&[&root], Some(&form_path));
    let linked: Vec<i64> = s
        .results
        .iter()
        .filter_map(|r| r.asset_id)
        .filter(|&id| {
            catalog::get(s.lib.conn(), id)
                .unwrap()
                .contributor
                .is_some()
        })
        .collect();
    catalog::curate(&mut s.lib, &linked, catalog::Curation::Selected).unwrap();
    let usage = rights::Usage {
        channels: [rights::Channel::PaidSocial].into(),
        territories: ["GB".to_string()].into(),
        starts_on: chorus::campaign::parse_date("2027-01-01").unwrap(),
        ends_on: chorus::campaign::parse_date("2027-06-30").unwrap(),
    };
    let settings = rights::RightsSettings::load(&s.lib).unwrap();
    let plan = rights::request(&mut s.lib, &linked, &usage, None, &settings).unwrap();
    assert_eq!(plan.drafts.len(), 4, "{:?}", plan.skipped);
    (dir, s)
}

fn outcome_of<'a>(replies: &'a [rights::Reply], from: &str) -> &'a ReplyOutcome {
    &replies
        .iter()
        .find(|r| r.from == from)
        .unwrap_or_else(|| panic!("no reply from {from}: {replies:#?}"))
        .outcome
}

#[test]
fn replies_by_email_grant_deny_and_wait_for_a_person_with_the_message_kept() {
    let (_dir, mut s) = asked_everyone();
    let files: Vec<String> = ["gmail_yes.eml", "outlook_no.eml", "stranger_yes.eml"]
        .iter()
        .map(|f| mail(f).display().to_string())
        .collect();
    let replies = chorus::api::rights::import_replies(&mut s.lib, &files).unwrap();
    // Maya's yes above Gmail's quote grants; the quoted "reply no" is not hers.
    let ReplyOutcome::Granted { grant_ids } = outcome_of(&replies, "maya.lindqvist@example.com")
    else {
        panic!("{replies:#?}")
    };
    assert_eq!(grant_ids.len(), 2);
    let maya = replies.iter().find(|r| r.from.starts_with("maya")).unwrap();
    assert!(maya.text.starts_with("#YesBrandCo"), "{}", maya.text);
    assert!(!maya.text.contains("wrote:"), "{}", maya.text);
    // The grant's evidence is the whole message, in the store, by its hash.
    let (hash, source): (String, String) = s
        .lib
        .conn()
        .query_row(
            "SELECT evidence_hash, evidence_source FROM grants WHERE id = ?",
            [grant_ids[0]],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(source, "email");
    let raw = fs::read(mail("gmail_yes.eml")).unwrap();
    assert_eq!(hash, blake3::hash(&raw).to_hex().to_string());
    let logged: i64 = s
        .lib
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_events WHERE grant_id = ? AND detail LIKE '%' || ? || '%'",
            rusqlite::params![grant_ids[0], hash],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 1, "the audit links the grant to the stored message");
    // The evidence reads in place: the message as it came, sender, subject and the whole
    // text (the quoted request included), from the store by the grant's hash.
    let ev = chorus::api::rights::evidence_of(&s.lib, grant_ids[0]).unwrap();
    assert_eq!(ev.source, "email");
    assert_eq!(
        ev.file.as_ref().map(|f| f.kind),
        Some(rights::evidence::EvidenceKind::Mail)
    );
    let m = ev.mail.expect("the e-mail");
    assert_eq!(m.from, "maya.lindqvist@example.com");
    assert!(m.subject.is_some(), "{m:?}");
    assert!(m.own_words.starts_with("#YesBrandCo"), "{m:?}");
    assert!(m.body.len() > m.own_words.len(), "{m:?}");
    // Copied out for the system's viewer under a name that says what it is, byte for byte.
    let out = tempfile::tempdir().unwrap();
    let copy = chorus::api::rights::evidence_copy(&s.lib, grant_ids[0], out.path()).unwrap();
    assert_eq!(copy.extension().and_then(|e| e.to_str()), Some("eml"));
    assert_eq!(
        fs::read(&copy).unwrap(),
        fs::read(mail("gmail_yes.eml")).unwrap()
    );
    // Consent ticked on the form reads as the form's row.
    let form_grant: i64 = s
        .lib
        .conn()
        .query_row(
            "SELECT id FROM grants WHERE evidence_source = 'form' ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a grant from the form's consent column");
    let ev = chorus::api::rights::evidence_of(&s.lib, form_grant).unwrap();
    let row = ev.form.expect("the form's row");
    // Words only: nothing to open.
    let none = chorus::api::rights::evidence_copy(&s.lib, form_grant, out.path()).unwrap_err();
    assert_eq!(none.kind, chorus::api::ErrorKind::NotFound);
    assert!(
        row.consent_text.is_some() && !row.file_name.is_empty(),
        "{row:?}"
    );
    // A hash edited by hand to name nothing is reported, not guessed around.
    s.lib
        .conn()
        .execute(
            "UPDATE grants SET evidence_hash = ?1 WHERE id = ?2",
            rusqlite::params!["0".repeat(64), grant_ids[0]],
        )
        .unwrap();
    let err = chorus::api::rights::evidence_of(&s.lib, grant_ids[0]).unwrap_err();
    assert!(
        err.message.contains("not in the library's store"),
        "{}",
        err.message
    );
    s.lib
        .conn()
        .execute(
            "UPDATE grants SET evidence_hash = ?1 WHERE id = ?2",
            rusqlite::params![hash, grant_ids[0]],
        )
        .unwrap();
    // Søren's no, in Outlook's style with the request copied below the rule.
    assert!(matches!(
        outcome_of(&replies, "soren@example.dk"),
        ReplyOutcome::Denied { .. }
    ));
    // A stranger's yes grants nothing and waits for a person.
    let ReplyOutcome::NeedsPerson { why } = outcome_of(&replies, "someone@unknown.example") else {
        panic!()
    };
    assert!(why.contains("unknown sender"), "{why}");
    let pending = chorus::api::rights::pending_replies(&s.lib).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].sender, "someone@unknown.example");
    assert!(pending[0].evidence_hash.is_some());
    // The same files again record nothing twice.
    let again = chorus::api::rights::import_replies(&mut s.lib, &files).unwrap();
    assert!(
        again
            .iter()
            .all(|r| r.outcome == ReplyOutcome::AlreadyImported),
        "{again:#?}"
    );
    assert_eq!(
        chorus::api::rights::pending_replies(&s.lib).unwrap().len(),
        1
    );
    // A person deals with it; it leaves the queue, once.
    chorus::api::rights::resolve_pending_reply(&s.lib, pending[0].id).unwrap();
    assert!(chorus::api::rights::pending_replies(&s.lib)
        .unwrap()
        .is_empty());
    let err = chorus::api::rights::resolve_pending_reply(&s.lib, pending[0].id).unwrap_err();
    assert_eq!(err.kind, chorus::api::ErrorKind::NotFound);
}

#[test]
fn a_mailbox_archive_is_read_message_by_message() {
    let (_dir, mut s) = asked_everyone();
    chorus::api::rights::import_replies(&mut s.lib, &[mail("gmail_yes.eml").display().to_string()])
        .unwrap();
    let replies = chorus::api::rights::import_replies(
        &mut s.lib,
        &[mail("replies.mbox").display().to_string()],
    )
    .unwrap();
    assert_eq!(replies.len(), 4, "{replies:#?}");
    // Tomás says yes in his own words, but he is 16: the grant carries his age.
    let ReplyOutcome::Granted { grant_ids } = outcome_of(&replies, "tomas.ferreira@example.net")
    else {
        panic!("{replies:#?}")
    };
    let age: String = s
        .lib
        .conn()
        .query_row("SELECT age FROM grants WHERE id = ?", [grant_ids[0]], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(age, "minor");
    assert!(matches!(
        outcome_of(&replies, "aiko.tanaka@example.org"),
        ReplyOutcome::NeedsPerson { .. }
    ));
    let jordan = replies
        .iter()
        .find(|r| r.from == "jordan.blake@example.com")
        .unwrap();
    assert!(jordan.text.starts_with("#YesBrandCo"), "{}", jordan.text);
    assert!(!jordan.text.contains("From all of us"), "{}", jordan.text);
    // Maya's later "please stop" withdraws everything she gave: the form's consent for
    // her two files and her e-mailed yes for them.
    assert!(
        matches!(outcome_of(&replies, "maya.lindqvist@example.com"), ReplyOutcome::Revoked { grants } if *grants == 4),
        "{replies:#?}"
    );
    // A message with no sender grants nothing, however it is worded.
    let dir = tempfile::tempdir().unwrap();
    let anonymous = dir.path().join("anonymous.eml");
    fs::write(
        &anonymous,
        "Subject: Re: Can we feature your photo?\r\nDate: Tue, 2 Jun 2026 10:00:00 +0000\r\n\r\n#YesBrandCo\r\n",
    )
    .unwrap();
    let replies =
        chorus::api::rights::import_replies(&mut s.lib, &[anonymous.display().to_string()])
            .unwrap();
    assert!(
        matches!(&replies[0].outcome, ReplyOutcome::NeedsPerson { why } if why.contains("no sender")),
        "{replies:#?}"
    );
    // A file that is neither mail nor CSV says what to save instead.
    let junk = dir.path().join("reply.eml");
    fs::write(&junk, "just some words\nnot mail\n").unwrap();
    let err =
        chorus::api::rights::import_replies(&mut s.lib, &[junk.display().to_string()]).unwrap_err();
    assert!(err.message.contains("reply.eml"), "{}", err.message);
}

#[test]
fn an_unanswered_request_gets_one_follow_up_and_a_no_gets_none() {
    let (_dir, mut s) = asked_everyone();
    chorus::api::rights::import_replies(
        &mut s.lib,
        &[mail("outlook_no.eml").display().to_string()],
    )
    .unwrap();
    let today = chrono::Local::now().date_naive();
    // Not yet due.
    assert!(chorus::api::rights::unanswered(&s.lib, today)
        .unwrap()
        .is_empty());
    assert!(chorus::api::rights::follow_up(&mut s.lib, today)
        .unwrap()
        .is_empty());
    let later = today + chrono::Days::new(8);
    let waiting = chorus::api::rights::unanswered(&s.lib, later).unwrap();
    let names: Vec<&str> = waiting.iter().map(|u| u.contributor.as_str()).collect();
    assert_eq!(waiting.len(), 3, "{names:?}");
    assert!(
        !names.contains(&"Søren Østergaard"),
        "he said no: {names:?}"
    );
    assert!(waiting
        .iter()
        .all(|u| u.days_waiting == 8 && u.followed_up_on.is_none()));
    let drafts = chorus::api::rights::follow_up(&mut s.lib, later).unwrap();
    assert_eq!(drafts.len(), 3);
    let maya = drafts
        .iter()
        .find(|d| d.name.as_deref() == Some("Maya Lindqvist"))
        .unwrap();
    assert!(maya.body.contains("only reminder"), "{}", maya.body);
    assert!(maya.body.contains("#YesBrandCo"), "{}", maya.body);
    assert!(maya
        .mailto
        .as_deref()
        .unwrap()
        .starts_with("mailto:maya.lindqvist@example.com?"));
    // At most one: a month later nobody is followed up again, though they still wait.
    let month = today + chrono::Days::new(40);
    assert!(chorus::api::rights::follow_up(&mut s.lib, month)
        .unwrap()
        .is_empty());
    let still = chorus::api::rights::unanswered(&s.lib, month).unwrap();
    assert!(
        still.iter().all(|u| u.followed_up_on.is_some()),
        "{still:#?}"
    );
    // The setting moves the day; a bad one is refused.
    chorus::api::settings::set(&s.lib, "follow_up_days", "60").unwrap();
    assert!(chorus::api::rights::unanswered(&s.lib, month)
        .unwrap()
        .is_empty());
    assert!(chorus::api::settings::set(&s.lib, "follow_up_days", "0").is_err());
}

#[test]
fn an_export_thanks_each_featured_contributor_once() {
    let (s, _, doc) = phones_piece();
    let c = chorus::campaign::get(s.lib.conn(), "Phones").unwrap();
    let p = chorus::piece::create(s.lib.conn(), &c, &doc).unwrap();
    let out = s.dir.path().join("out");
    let id = chorus::api::PieceId(p.id);
    chorus::api::exports::export(
        &s.lib,
        id,
        &[chorus::piece::Preset::Hero16x9],
        &[],
        Some(&out),
        &mut |_| true,
    )
    .unwrap();
    let thanks = chorus::api::rights::thank_yous(&s.lib, None).unwrap();
    assert_eq!(
        thanks.len(),
        1,
        "one contributor, one thank-you: {thanks:#?}"
    );
    let t = &thanks[0];
    assert_eq!(t.contributor, "Pat Tester");
    assert!(t.body.starts_with("Hi Pat,"), "{}", t.body);
    assert!(
        t.body.contains("\"phones\"") && t.body.contains("31 March 2027"),
        "{}",
        t.body
    );
    assert!(t.body.contains("our website"), "{}", t.body);
    assert!(t.subject.contains("Pat"), "{}", t.subject);
    assert!(t.sent_at.is_none());
    // Exported again: still one.
    let out2 = s.dir.path().join("out2");
    chorus::api::exports::export(
        &s.lib,
        id,
        &[chorus::piece::Preset::Hero16x9],
        &[],
        Some(&out2),
        &mut |_| true,
    )
    .unwrap();
    assert_eq!(
        chorus::api::rights::thank_yous(&s.lib, None).unwrap().len(),
        1
    );
    let sent = chorus::api::rights::thank_you_sent(&s.lib, t.id).unwrap();
    assert!(sent.sent_at.is_some());
    let contributor = asset_named(&s.lib, "beach_day.mp4").contributor.unwrap().id;
    let featured = chorus::api::rights::thank_yous(&s.lib, Some(contributor)).unwrap();
    assert_eq!(featured[0].piece_name, "phones");
    let err = chorus::api::rights::thank_you_sent(&s.lib, 999).unwrap_err();
    assert_eq!(err.kind, chorus::api::ErrorKind::NotFound);
}
