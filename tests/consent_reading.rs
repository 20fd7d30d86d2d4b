//! Reading consent the way a careful person would: a form's consent answer grants only when
//! it is an affirmative answer the library's settings define, and a reply grants only when
//! it says the keyword without negation, condition, doubt or irony. Everything else waits
//! for a person, with the reason. The reply corpus is `tests/fixtures/replies/corpus.csv`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use chorus::campaign;
use chorus::catalog;
use chorus::library::Library;
use chorus::rights::{
    self, form_consent_given, read_reply, Channel, Decision, FormTerms, Reading, ReplyOutcome,
    RightsSettings, RightsStatus, Usage,
};

const KEYWORD: &str = "#YesBrandCo";

fn corpus() -> PathBuf {
    repo().join("tests/fixtures/replies/corpus.csv")
}

#[test]
fn every_reply_in_the_corpus_reads_as_expected() {
    let mut reader = csv::Reader::from_path(corpus()).expect("corpus");
    let mut failures = Vec::new();
    let mut counts = [0usize; 3];
    for record in reader.records() {
        let record = record.expect("corpus row");
        let line = record.position().map_or(0, |p| p.line());
        let (text, expected, note) = (&record[0], &record[1], &record[2]);
        let reading = read_reply(text, KEYWORD);
        let got = match &reading {
            Reading::Yes => "yes",
            Reading::No => "no",
            Reading::NeedsPerson(why) => {
                assert!(!why.is_empty(), "line {line}: a person needs a reason");
                "person"
            }
        };
        counts[["yes", "no", "person"]
            .iter()
            .position(|e| *e == expected)
            .unwrap_or_else(|| panic!("line {line}: unknown outcome '{expected}'"))] += 1;
        if got != expected {
            failures.push(format!(
                "line {line} ({note}): expected {expected}, read {reading:?}: {text:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of the corpus replies misread:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let [yes, no, person] = counts;
    assert!(
        yes + no + person >= 40 && yes >= 10 && no >= 10 && person >= 10,
        "the corpus is too small: {counts:?}"
    );
}

#[test]
fn a_reply_that_needs_a_person_says_why() {
    let why = |text: &str| match read_reply(text, KEYWORD) {
        Reading::NeedsPerson(why) => why,
        other => panic!("{text:?} read as {other:?}"),
    };
    assert_eq!(
        why("I can't say #YesBrandCo"),
        "negation 'can't' next to the keyword"
    );
    assert_eq!(
        why("#YesBrandCo but not in paid ads"),
        "condition 'but not in paid ads'"
    );
    assert_eq!(
        why("Sounds lovely.\n> Just reply with #YesBrandCo"),
        "the keyword only appears in quoted text"
    );
    assert!(why("Sure, sounds fun").starts_with("no keyword"));
    assert_eq!(why("#YesBrandCo yeah right"), "irony 'yeah right'");
    assert_eq!(why("#YesBrandCo 👎"), "emoji '👎'");
}

#[test]
fn only_an_affirmative_form_answer_is_consent() {
    let terms = FormTerms::default();
    let yes = [
        "Yes",
        "yes",
        "TRUE",
        "Checked",
        "✓",
        "x",
        "1",
        "  YES  ",
        "I agree",
        "I agree.",
        "Yes, I agree",
        "I agree that BrandCo may use my submission in its marketing.",
        "I consent to BrandCo using my submission in its marketing.",
        // The sample form's other statements (tests/fixtures/samples/submissions.csv).
        "Yes, I agree that BrandCo may use my submission in its marketing.",
        "I agree that BrandCo may use my submission in its marketing, including social media.",
    ];
    let no = [
        "No",
        "FALSE",
        "",
        "0",
        "n",
        "unchecked",
        "off",
        "Yes?",
        "Maybe",
        "I do NOT agree to any use",
        "I don't agree",
        "I agree, but not for ads",
        "Yes please - only on Instagram",
        "I agree to nothing",
    ];
    for answer in yes {
        assert!(form_consent_given(answer, &terms), "{answer:?} is a yes");
    }
    for answer in no {
        assert!(!form_consent_given(answer, &terms), "{answer:?} is not");
    }
}

#[test]
fn the_library_defines_its_own_affirmative_answers() {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open_or_create(&dir.path().join("lib")).unwrap();
    rights::validate_setting("form_consent_answers", "Oui|J'accepte").unwrap();
    lib.set_setting("form_consent_answers", "Oui|J'accepte")
        .unwrap();
    let terms = RightsSettings::load(&lib).unwrap().form;
    assert!(form_consent_given("OUI", &terms));
    assert!(form_consent_given("J’accepte.", &terms));
    assert!(
        !form_consent_given("Yes", &terms),
        "the setting replaces the defaults"
    );
}

/// A batch of four photos from four people, with a form export whose consent answers are
/// Yes, No, FALSE and "I do NOT agree to any use".
fn batch(dir: &Path) -> (PathBuf, PathBuf) {
    let root = dir.join("batch");
    fs::create_dir_all(&root).unwrap();
    for name in [
        "family_picnic.jpg",
        "hiking_gps.jpg",
        "portrait_rotated.jpg",
        "upside_down.jpg",
    ] {
        fs::copy(samples().join(name), root.join(name)).unwrap();
    }
    let form = dir.join("form.csv");
    fs::write(
        &form,
        "Submitted At,Handle,Full Name,Email,File,Consent\n\
         2026-06-02T09:00:00Z,@yara,Yara Yes,yara@example.com,family_picnic.jpg,Yes\n\
         2026-06-02T09:01:00Z,@nico,Nico No,nico@example.com,hiking_gps.jpg,No\n\
         2026-06-02T09:02:00Z,@fay,Fay False,fay@example.com,portrait_rotated.jpg,FALSE\n\
         2026-06-02T09:03:00Z,@noor,Noor Not,noor@example.com,upside_down.jpg,I do NOT agree to any use\n",
    )
    .unwrap();
    (root, form)
}

fn day(s: &str) -> chrono::NaiveDate {
    campaign::parse_date(s).unwrap()
}

#[test]
fn ingest_grants_only_the_form_rows_that_said_yes() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, form) = batch(tmp.path());
    let s = ingest(&[&root], Some(&form));
    assert_eq!(s.summary.ingested + s.summary.near_duplicate, 4);
    let statuses = rights::asset_statuses(s.lib.conn(), day("2026-07-01")).unwrap();
    for (name, consent, granted) in [
        ("family_picnic.jpg", "Yes", true),
        ("hiking_gps.jpg", "No", false),
        ("portrait_rotated.jpg", "FALSE", false),
        ("upside_down.jpg", "I do NOT agree to any use", false),
    ] {
        let id = asset_named(&s.lib, name).id;
        let grants = rights::asset_rights(s.lib.conn(), id).unwrap().grants;
        if granted {
            assert_eq!(grants.len(), 1, "{name}: one grant from the form");
            assert_eq!(grants[0].decision, Decision::Granted);
            assert_eq!(
                grants[0].channels,
                [Channel::Web, Channel::Social].into(),
                "{name}: the form terms"
            );
        } else {
            assert!(grants.is_empty(), "{name}: '{consent}' granted {grants:?}");
        }
        // No grant reads as unrequested: listed for a person to ask.
        let status = statuses.iter().find(|a| a.asset_id == id).unwrap().status;
        let expected = if granted {
            RightsStatus::Granted
        } else {
            RightsStatus::Unrequested
        };
        assert_eq!(status, expected, "{name}");
        // What they answered is kept with the submission.
        let detail = catalog::detail(&s.lib, id).unwrap();
        assert_eq!(
            detail.submissions[0].consent_text.as_deref(),
            Some(consent),
            "{name}"
        );
    }
}

#[test]
fn a_negated_or_conditional_reply_leaves_the_request_open() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, form) = batch(tmp.path());
    let mut s = ingest(&[&root], Some(&form));
    let id = |s: &Ingested, name: &str| asset_named(&s.lib, name).id;
    let (nico, fay, noor) = (
        id(&s, "hiking_gps.jpg"),
        id(&s, "portrait_rotated.jpg"),
        id(&s, "upside_down.jpg"),
    );
    let settings = RightsSettings::load(&s.lib).unwrap();
    let usage = Usage {
        channels: [Channel::Web].into(),
        territories: ["US".to_string()].into(),
        starts_on: day("2026-07-01"),
        ends_on: day("2026-07-31"),
    };
    let plan = rights::request(&mut s.lib, &[nico, fay, noor], &usage, None, &settings).unwrap();
    assert_eq!(plan.drafts.len(), 3);
    // Noor answers yes above the request her mail program quotes, with its "if" and STOP.
    let request = &plan
        .drafts
        .iter()
        .find(|d| d.handle.as_deref() == Some("@noor"))
        .unwrap()
        .body;
    let quoted: Vec<String> = request.lines().map(|l| format!("> {l}")).collect();
    let noor_reply = format!(
        "#YesBrandCo, happy to!\n\nOn Mon, 8 Jun 2026 at 10:00, BrandCo <hello@brandco.com> wrote:\n{}",
        quoted.join("\n")
    );
    let replies = tmp.path().join("replies.csv");
    let mut writer = csv::Writer::from_path(&replies).unwrap();
    writer.write_record(["email", "reply", "date"]).unwrap();
    writer
        .write_record([
            "nico@example.com",
            "I can't say #YesBrandCo, sorry",
            "2026-06-20",
        ])
        .unwrap();
    writer
        .write_record([
            "fay@example.com",
            "#YesBrandCo but not in paid ads",
            "2026-06-20",
        ])
        .unwrap();
    writer
        .write_record(["noor@example.com", noor_reply.as_str(), "2026-06-21"])
        .unwrap();
    writer.flush().unwrap();
    drop(writer);

    let read = rights::import_replies(&mut s.lib, &replies, &settings).unwrap();
    let outcomes: Vec<&ReplyOutcome> = read.iter().map(|r| &r.outcome).collect();
    assert_eq!(
        outcomes[0],
        &ReplyOutcome::NeedsPerson {
            why: "negation 'can't' next to the keyword".into()
        }
    );
    assert_eq!(
        outcomes[1],
        &ReplyOutcome::NeedsPerson {
            why: "condition 'but not in paid ads'".into()
        }
    );
    assert!(
        matches!(outcomes[2], ReplyOutcome::Granted { grant_ids } if grant_ids.len() == 1),
        "{:?}",
        outcomes[2]
    );
    for (asset, open) in [(nico, true), (fay, true), (noor, false)] {
        let r = rights::asset_rights(s.lib.conn(), asset).unwrap();
        assert_eq!(r.requested, open, "asset {asset}: request still open");
        assert_eq!(
            r.grants.is_empty(),
            open,
            "asset {asset}: grants {:?}",
            r.grants
        );
    }
}

#[test]
fn settings_set_refuses_a_bad_value_before_storing_it() {
    let dir = tempfile::tempdir().unwrap();
    let lib_dir = dir.path().join("lib");
    Library::open_or_create(&lib_dir).unwrap();
    let chorus = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_chorus"))
            .arg("--library")
            .arg(&lib_dir)
            .args(args)
            .output()
            .unwrap()
    };
    for (key, bad) in [
        ("form_months", "abc"),
        ("form_months", "0"),
        ("form_channels", "web,radio"),
        ("form_territories", "Europe"),
        ("form_consent_answers", " | "),
        ("reply_keyword", "   "),
    ] {
        let out = chorus(&["settings", "set", key, bad]);
        assert!(!out.status.success(), "{key} = {bad:?} was accepted");
        let lib = Library::open(&lib_dir).unwrap();
        assert_eq!(
            lib.setting(key).unwrap(),
            None,
            "{key} = {bad:?} was stored"
        );
    }
    let out = chorus(&["settings", "set", "form_months", "36"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // And the library still imports.
    let mut lib = Library::open(&lib_dir).unwrap();
    assert_eq!(RightsSettings::load(&lib).unwrap().form.months, 36);
    let (root, form) = batch(dir.path());
    let (summary, _) = ingest_into(&mut lib, &[&root], Some(&form));
    assert_eq!(summary.error, 0);
}
