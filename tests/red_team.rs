//! The rights promise attacked the way a careless or dishonest user would: hand-edited
//! piece documents, a catalog edited with sqlite3, numbers out of range, a withdrawal in
//! the middle of an export, a campaign dated in the past, an override for a minor, two
//! writers at once. Every attack here must fail, with a sentence that says why.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::*;
use chorus::campaign::{self, Campaign};
use chorus::catalog::{self, Curation};
use chorus::export;
use chorus::library::{ContentHash, Library};
use chorus::media::Kind;
use chorus::piece;
use chorus::rights::{self, Age, Blocker, Channel, Clearance, Decision, Evidence, Scope, Target};

fn chorus(lib: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chorus"))
        .arg("--library")
        .arg(lib)
        .args(args)
        .output()
        .expect("run chorus")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn item(s: &Ingested, name: &str, in_ms: u64, out_ms: u64) -> piece::Item {
    let a = asset_named(&s.lib, name);
    piece::Item {
        asset_id: a.id,
        source_hash: String::new(),
        kind: a.kind,
        in_ms,
        out_ms,
        pan_zoom: false,
        fit: piece::Fit::BlurredFill,
        transition: piece::Transition::default(),
        credit: a.contributor.and_then(|c| c.handle).unwrap_or_default(),
        sound: Default::default(),
        captions: Vec::new(),
    }
}

fn web_campaign(s: &Ingested, name: &str, from: &str, to: &str) -> Campaign {
    let usage = rights::Usage {
        channels: [Channel::Web].into(),
        territories: ["US".to_string()].into(),
        starts_on: campaign::parse_date(from).unwrap(),
        ends_on: campaign::parse_date(to).unwrap(),
    };
    campaign::create(s.lib.conn(), name, &usage).unwrap()
}

fn grant(lib: &mut Library, asset: i64, scope: Scope) -> Vec<i64> {
    let evidence = Evidence {
        text: Some("Signed release: 'I am 34 and agree to the uses listed'".into()),
        source: "release".into(),
        ..Evidence::default()
    };
    rights::decide(
        lib,
        &Target::Assets(vec![asset]),
        Decision::Granted,
        &scope,
        &evidence,
    )
    .unwrap()
}

fn all_channels_scope(age: Age) -> Scope {
    Scope {
        channels: Channel::ALL.into_iter().collect(),
        territories: [rights::WORLDWIDE.to_string()].into(),
        valid_from: Some(campaign::parse_date("2026-01-01").unwrap()),
        valid_until: None,
        age,
        guardian: None,
    }
}

fn invalid(s: &Ingested, doc: &piece::PieceDoc, c: &Campaign) -> String {
    match piece::create(s.lib.conn(), c, doc) {
        Ok(p) => panic!("the tampered piece was accepted as piece {}", p.id),
        Err(e) => e.to_string(),
    }
}

// Hole 1: a piece document picks the file.

#[test]
fn a_piece_cannot_name_a_file_other_than_its_assets() {
    let s = ingest_samples();
    let c = web_campaign(&s, "Hash", "2026-07-01", "2026-07-31");
    let skate = asset_named(&s.lib, "skate_trick.mov");
    for bad in [
        skate.hash.clone(),
        "/etc/passwd".to_string(),
        "../../x.jpg".to_string(),
        "zz".repeat(32),
    ] {
        let mut it = item(&s, "beach_day.mp4", 0, 1000);
        it.source_hash = bad.clone();
        let doc = montage("Tampered", piece::Preset::Square1x1, vec![it]);
        let why = invalid(&s, &doc, &c);
        assert!(
            why.contains("source_hash is not the file of asset"),
            "{bad}: {why}"
        );
    }
    // A document that leaves the hash out is filled from the catalog.
    let doc = montage(
        "By id",
        piece::Preset::Square1x1,
        vec![item(&s, "beach_day.mp4", 0, 1000)],
    );
    let p = piece::create(s.lib.conn(), &c, &doc).unwrap();
    let piece::Content::Montage(m) = &p.document.content else {
        panic!("a montage")
    };
    assert_eq!(
        m.items[0].source_hash,
        asset_named(&s.lib, "beach_day.mp4").hash
    );
    // And the kind is the catalog's: a clip called a photo is refused.
    let mut it = item(&s, "beach_day.mp4", 0, 1000);
    it.kind = Kind::Photo;
    let why = invalid(&s, &montage("Kind", piece::Preset::Square1x1, vec![it]), &c);
    assert!(why.contains("is a clip, not a photo"), "{why}");
}

#[test]
fn the_store_takes_only_content_hashes() {
    for bad in [
        "",
        "../../x.jpg",
        "/etc/passwd",
        &"a".repeat(63),
        &"g".repeat(64),
    ] {
        assert!(ContentHash::parse(bad).is_err(), "{bad:?} accepted");
    }
    assert!(ContentHash::parse(&"ab".repeat(32)).is_ok());
}

#[test]
fn a_render_reads_the_catalogs_file_even_when_a_stored_document_lies() {
    let mut s = ingest_samples();
    let beach = asset_named(&s.lib, "beach_day.mp4");
    let skate = asset_named(&s.lib, "skate_trick.mov");
    catalog::curate(&mut s.lib, &[beach.id], Curation::Selected).unwrap();
    let c = web_campaign(&s, "Lie", "2026-07-01", "2026-07-31");
    let doc = montage(
        "Lie",
        piece::Preset::Square1x1,
        vec![item(&s, "beach_day.mp4", 0, 500)],
    );
    let p = piece::create(s.lib.conn(), &c, &doc).unwrap();
    // Someone points the stored document at Ben's clip with sqlite3.
    let json: String = s
        .lib
        .conn()
        .query_row("SELECT document FROM pieces WHERE id = ?", [p.id], |r| {
            r.get(0)
        })
        .unwrap();
    let forged = json.replace(&beach.hash, &skate.hash);
    assert_ne!(forged, json);
    s.lib
        .conn()
        .execute(
            "UPDATE pieces SET document = ?1 WHERE id = ?2",
            rusqlite::params![forged, p.id],
        )
        .unwrap();
    let p = piece::get(s.lib.conn(), &p.id.to_string()).unwrap();
    let out = s.dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let folder = export::export(&s.lib, &c, &p, &[], &[], &out, &mut |_| true).unwrap();
    let manifest: export::Manifest =
        serde_json::from_slice(&std::fs::read(folder.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest.sources.len(), 1);
    assert_eq!(manifest.sources[0].asset_id, beach.id);
    assert_eq!(manifest.sources[0].blake3, beach.hash);
    assert_eq!(
        manifest.sources[0].contributor.as_deref(),
        Some("@ana.surfs")
    );

    // A catalog row whose hash is a path is damage, refused by name.
    s.lib
        .conn()
        .execute(
            "UPDATE assets SET hash = '../../../etc/passwd' WHERE id = ?",
            [beach.id],
        )
        .unwrap();
    let err = rights::require_cleared(s.lib.conn(), &c, &[beach.id]).unwrap_err();
    assert!(err.to_string().contains("damaged"), "{err}");
}

// Hole 4: age.

#[test]
fn an_unknown_age_never_clears_paid_use_and_overrides_cannot_clear_minors() {
    let mut s = ingest_samples();
    let beach = asset_named(&s.lib, "beach_day.mp4").id;
    let paid = rights::Usage {
        channels: [Channel::Web, Channel::PaidSocial].into(),
        territories: ["US".to_string()].into(),
        starts_on: campaign::parse_date("2026-07-01").unwrap(),
        ends_on: campaign::parse_date("2026-07-31").unwrap(),
    };
    let c = campaign::create(s.lib.conn(), "Paid", &paid).unwrap();
    // Every channel granted, but nothing establishes the contributor's age.
    grant(&mut s.lib, beach, all_channels_scope(Age::Unknown));
    let blockers = match rights::clearance_for(s.lib.conn(), beach, &c).unwrap() {
        Clearance::Blocked { blockers } => blockers,
        other => panic!("cleared for paid social with no age on record: {other:?}"),
    };
    assert!(
        blockers.contains(&Blocker::AgeUnknown {
            channel: Channel::PaidSocial
        }),
        "{blockers:?}"
    );
    // No override clears it, however good the reason.
    let err = rights::override_clearance(
        &mut s.lib,
        &c,
        &[beach],
        "Contract with the agency covers all paid placements",
        "Dana Lee, legal",
    )
    .unwrap_err();
    assert!(err.to_string().contains("age is not established"), "{err}");

    // A minor, even with every channel granted: no override without a guardian.
    let skate = asset_named(&s.lib, "skate_trick.mov").id;
    grant(&mut s.lib, skate, all_channels_scope(Age::Minor));
    assert!(!rights::clearance_for(s.lib.conn(), skate, &c)
        .unwrap()
        .is_cleared());
    let err = rights::override_clearance(
        &mut s.lib,
        &c,
        &[skate],
        "Contract with the agency covers all paid placements",
        "Dana Lee, legal",
    )
    .unwrap_err();
    assert!(err.to_string().contains("minor"), "{err}");

    // An adult on record clears it.
    grant(&mut s.lib, beach, all_channels_scope(Age::Adult));
    assert!(rights::clearance_for(s.lib.conn(), beach, &c)
        .unwrap()
        .is_cleared());
}

#[test]
fn an_override_needs_a_reason_of_substance_and_a_name() {
    let mut s = ingest_samples();
    let party = asset_named(&s.lib, "party.gif").id;
    let c = web_campaign(&s, "Override", "2026-07-01", "2026-07-31");
    for (reason, by) in [
        ("okay.", "Dana Lee, legal"),
        ("yes yes yes yes yes yes", "Dana Lee, legal"),
        ("Staff photo; model release on file in the HR drive", ""),
        ("Staff photo; model release on file in the HR drive", "  x "),
    ] {
        assert!(
            rights::override_clearance(&mut s.lib, &c, &[party], reason, by).is_err(),
            "{reason:?} by {by:?} was accepted"
        );
    }
    rights::override_clearance(
        &mut s.lib,
        &c,
        &[party],
        "Staff photo; model release on file in the HR drive",
        "Dana Lee, legal",
    )
    .unwrap();
    let actor: String = s
        .lib
        .conn()
        .query_row("SELECT actor FROM rights_overrides", [], |r| r.get(0))
        .unwrap();
    assert!(actor.starts_with("Dana Lee, legal"), "{actor}");
}

// Hole 5: a withdrawal while the export runs.

#[test]
fn a_revocation_during_an_export_stops_it_before_anything_is_published() {
    let mut s = ingest_samples();
    let beach = asset_named(&s.lib, "beach_day.mp4").id;
    catalog::curate(&mut s.lib, &[beach], Curation::Selected).unwrap();
    let c = web_campaign(&s, "Midway", "2026-07-01", "2026-07-31");
    let doc = montage(
        "Midway",
        piece::Preset::Square1x1,
        vec![item(&s, "beach_day.mp4", 0, 1500)],
    );
    let p = piece::create(s.lib.conn(), &c, &doc).unwrap();
    let out = s.dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let root = s.lib.root().to_path_buf();
    let mut revoked = false;
    let err = export::export(&s.lib, &c, &p, &[], &[], &out, &mut |_| {
        if !revoked {
            // Another process (the desktop app, a colleague's CLI) records the withdrawal.
            let mut other = Library::open(&root).unwrap();
            let on = chrono::Local::now().date_naive();
            rights::revoke(
                &mut other,
                &Target::Assets(vec![beach]),
                on,
                "Ana asked to stop",
            )
            .unwrap();
            revoked = true;
        }
        true
    })
    .unwrap_err();
    assert!(revoked);
    assert!(err.to_string().contains("withdrew"), "{err}");
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().flatten().collect();
    assert!(left.is_empty(), "the export left {left:?}");
}

// Hole 6: a campaign dated in the past.

#[test]
fn a_campaign_dated_in_the_past_does_not_revive_an_expired_grant() {
    let mut s = ingest_samples();
    let party = asset_named(&s.lib, "family_picnic.jpg").id;
    // Chloé's form consent is set aside by a no; then a release that ran out last month.
    rights::decide(
        &mut s.lib,
        &Target::Assets(vec![party]),
        Decision::Denied,
        &Scope::default(),
        &Evidence {
            text: Some("No".into()),
            source: "email".into(),
            ..Evidence::default()
        },
    )
    .unwrap();
    let today = chrono::Local::now().date_naive();
    let mut scope = all_channels_scope(Age::Adult);
    scope.valid_from = Some(today - chrono::Duration::days(400));
    scope.valid_until = Some(today - chrono::Duration::days(30));
    grant(&mut s.lib, party, scope);
    let from = (today - chrono::Duration::days(300)).to_string();
    let to = (today - chrono::Duration::days(200)).to_string();
    let c = web_campaign(&s, "Last year", &from, &to);
    let verdict = rights::clearance_for(s.lib.conn(), party, &c).unwrap();
    assert!(
        matches!(&verdict, Clearance::Blocked { blockers } if blockers.iter().any(|b| matches!(b, Blocker::Expired { .. }))),
        "{verdict:?}"
    );
    assert!(rights::require_cleared(s.lib.conn(), &c, &[party]).is_err());
}

// Hole 9: numbers and names from outside.

#[test]
fn every_number_in_a_piece_is_bounded_with_a_sentence() {
    let s = ingest_samples();
    let c = web_campaign(&s, "Numbers", "2026-07-01", "2026-07-31");
    let mut endless = item(&s, "hiking_gps.jpg", 0, u64::MAX);
    endless.pan_zoom = true;
    let why = invalid(
        &s,
        &montage("Endless", piece::Preset::Square1x1, vec![endless]),
        &c,
    );
    assert!(why.contains("must be from 0 to"), "{why}");

    let mut doc = montage(
        "Long card",
        piece::Preset::Square1x1,
        vec![item(&s, "hiking_gps.jpg", 0, 1000)],
    );
    if let piece::Content::Montage(m) = &mut doc.content {
        m.intro_card = true;
        m.card_ms = 1_000_000_000_000_000;
        m.target_lufs = f64::NAN;
    }
    let why = invalid(&s, &doc, &c);
    assert!(why.contains("a card is 1000000000000000 ms"), "{why}");
    assert!(why.contains("target loudness"), "{why}");
    // The length arithmetic itself never overflows.
    assert!(doc.duration_frames() > 0);

    let mut long_credit = item(&s, "hiking_gps.jpg", 0, 1000);
    long_credit.credit = "x".repeat(10_000);
    let why = invalid(
        &s,
        &montage("Credit", piece::Preset::Square1x1, vec![long_credit]),
        &c,
    );
    assert!(why.contains("credit line is longer"), "{why}");
}

#[test]
fn a_document_naming_a_card_motion_chorus_does_not_have_is_refused() {
    let s = ingest_samples();
    let mut doc =
        serde_json::to_value(montage("Motion", piece::Preset::Square1x1, Vec::new())).unwrap();
    doc["card_motion"] = serde_json::json!("explode");
    let path = s.dir.path().join("motion.json");
    std::fs::write(&path, doc.to_string()).unwrap();
    let err = chorus::api::pieces::read_document(&path).unwrap_err();
    assert_eq!(err.kind, chorus::api::ErrorKind::Invalid, "{err}");
    assert!(err.to_string().contains("explode"), "{err}");
    doc["card_motion"] = serde_json::json!("fade");
    std::fs::write(&path, doc.to_string()).unwrap();
    let read = chorus::api::pieces::read_document(&path).unwrap();
    let piece::Content::Montage(m) = read.content else {
        panic!("a montage")
    };
    assert_eq!(m.card_motion, piece::CardMotion::Fade);
}

#[test]
fn an_emoji_only_piece_name_still_exports() {
    let mut s = ingest_samples();
    let beach = asset_named(&s.lib, "hiking_gps.jpg").id;
    catalog::curate(&mut s.lib, &[beach], Curation::Selected).unwrap();
    let c = web_campaign(&s, "Emoji", "2026-07-01", "2026-07-31");
    let doc = montage(
        "🎉🌞",
        piece::Preset::Square1x1,
        vec![item(&s, "hiking_gps.jpg", 0, 500)],
    );
    let p = piece::create(s.lib.conn(), &c, &doc).unwrap();
    let out = s.dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let folder = export::export(&s.lib, &c, &p, &[], &[], &out, &mut |_| true).unwrap();
    assert_eq!(folder, out.join(format!("piece-{}", p.id)));
    assert_eq!(export::file_name_for("../../etc", "x"), "etc");
}

#[test]
fn cli_numbers_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    let out = chorus(
        &lib,
        &[
            "ingest",
            &samples().display().to_string(),
            "--workers",
            "1000000",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("use 1 to 64"), "{}", stderr(&out));
}

// Hole 10: concurrent writers.

#[test]
fn two_ingests_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    Library::open_or_create(&lib).unwrap();
    let samples = samples().display().to_string();
    let more = samples::more().display().to_string();
    let a = Command::new(env!("CARGO_BIN_EXE_chorus"))
        .arg("--library")
        .arg(&lib)
        .args(["ingest", &samples, "--workers", "1"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let b = Command::new(env!("CARGO_BIN_EXE_chorus"))
        .arg("--library")
        .arg(&lib)
        .args(["ingest", &more, "--workers", "1"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(!stderr(&a).contains("locked"), "{}", stderr(&a));
    assert!(!stderr(&b).contains("locked"), "{}", stderr(&b));
    // Everything both would have ingested alone is there.
    let solo = ingest(&[&crate::common::samples(), &samples::more()], None);
    let together = Library::open(&lib).unwrap();
    let count = |l: &Library| -> i64 {
        l.conn()
            .query_row("SELECT count(*) FROM assets", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(count(&together), count(&solo.lib));
}

mod samples {
    pub fn more() -> std::path::PathBuf {
        crate::common::samples().join("more")
    }
}

// Hole 11: files readable by others.

#[cfg(unix)]
#[test]
fn the_library_and_personal_data_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let s = ingest_samples();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(s.lib.root()), 0o700);
    assert_eq!(mode(&s.lib.root().join("chorus.db")) & 0o077, 0);
    let plan = rights::RequestPlan {
        drafts: vec![rights::Draft {
            contributor_id: 1,
            name: None,
            asset_ids: vec![1],
            handle: Some("@../../escape".into()),
            email: Some("a@b.example,x@y.example".into()),
            subject: "s".into(),
            body: "b".into(),
            mailto: None,
        }],
        ..rights::RequestPlan::default()
    };
    let drafts = s.dir.path().join("drafts");
    let written = rights::write_drafts(&plan, &drafts).unwrap();
    assert_eq!(written.len(), 1);
    assert_eq!(written[0].parent(), Some(drafts.as_path()), "{written:?}");
    assert_eq!(mode(&written[0]), 0o600);
}

// Hole 12: the smaller ones.

#[test]
fn grants_that_end_before_they_start_and_unknown_territories_are_refused() {
    let mut s = ingest_samples();
    let party = asset_named(&s.lib, "party.gif").id;
    let mut scope = all_channels_scope(Age::Adult);
    scope.valid_from = Some(campaign::parse_date("2026-09-01").unwrap());
    scope.valid_until = Some(campaign::parse_date("2026-08-01").unwrap());
    let err = rights::decide(
        &mut s.lib,
        &Target::Assets(vec![party]),
        Decision::Granted,
        &scope,
        &Evidence {
            text: Some("yes".into()),
            source: "email".into(),
            ..Evidence::default()
        },
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("ends (2026-08-01) before it starts"),
        "{err}"
    );
    for bad in ["XX", "UK", "U1", "USA", ""] {
        assert!(rights::parse_territory(bad).is_none(), "{bad} accepted");
    }
    assert_eq!(rights::parse_territory("gb").as_deref(), Some("GB"));
}

#[test]
fn mailto_links_carry_one_recipient() {
    assert!(rights::single_address("ana@example.com"));
    for bad in [
        "a@b.example,x@y.example",
        "a@b.example?cc=x@y.example",
        "a b@c.example",
        "nobody",
    ] {
        assert!(!rights::single_address(bad), "{bad}");
    }
}

#[test]
fn a_piece_name_shared_by_two_campaigns_is_not_guessed() {
    let s = ingest_samples();
    let a = web_campaign(&s, "A", "2026-07-01", "2026-07-31");
    let b = web_campaign(&s, "B", "2026-07-01", "2026-07-31");
    let doc = montage(
        "Teaser",
        piece::Preset::Square1x1,
        vec![item(&s, "hiking_gps.jpg", 0, 500)],
    );
    piece::create(s.lib.conn(), &a, &doc).unwrap();
    let in_b = piece::create(s.lib.conn(), &b, &doc).unwrap();
    let err = piece::get(s.lib.conn(), "Teaser").unwrap_err();
    assert!(err.to_string().contains("give the piece's id"), "{err}");
    assert_eq!(
        piece::find_in(s.lib.conn(), &b, "Teaser").unwrap().id,
        in_b.id
    );
}

#[test]
fn a_closed_pipe_and_the_audit_log_print_like_a_unix_tool() {
    let s = ingest_samples();
    let dir = s.lib.root().to_path_buf();
    let mut child = Command::new(env!("CARGO_BIN_EXE_chorus"))
        .arg("--library")
        .arg(&dir)
        .args(["ls"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Like `| head -0`: the reader goes away at once.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    let log = chorus(&dir, &["rights", "log"]);
    let text = String::from_utf8_lossy(&log.stdout);
    assert!(log.status.success());
    assert!(!text.contains("Some("), "{text}");
}

// The piece document, fuzzed: random numbers, ids, names and hashes in every field.

mod document_fuzz {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    /// The seeds under tests/fixtures/pieces, as JSON values to mutate.
    fn seeds() -> Vec<serde_json::Value> {
        ["montage.json", "tampered.json", "mosaic.json"]
            .iter()
            .map(|n| {
                let path = repo().join("tests/fixtures/pieces").join(n);
                serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
            })
            .collect()
    }

    fn number() -> impl Strategy<Value = serde_json::Value> {
        prop_oneof![
            any::<u64>().prop_map(serde_json::Value::from),
            (0u64..20_000).prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_map(|f| serde_json::json!(f)),
            Just(serde_json::Value::Null),
            ".{0,12}".prop_map(serde_json::Value::from),
        ]
    }

    /// One change to a document: a field path (by index into the seed's fields) and a value.
    fn edits() -> impl Strategy<Value = Vec<(usize, usize, serde_json::Value)>> {
        prop::collection::vec((0usize..16, 0usize..4, number()), 0..8)
    }

    fn mutate(seed: &serde_json::Value, edits: &[(usize, usize, serde_json::Value)]) -> String {
        let mut doc = seed.clone();
        for (field, item, value) in edits {
            let target = match doc.get_mut("items").and_then(|i| i.get_mut(*item)) {
                Some(it) if field % 2 == 0 => it,
                _ => &mut doc,
            };
            if let Some(obj) = target.as_object_mut() {
                let keys: Vec<String> = obj.keys().cloned().collect();
                if let Some(k) = keys.get(field % keys.len().max(1)) {
                    obj.insert(k.clone(), value.clone());
                }
            }
        }
        doc.to_string()
    }

    struct Fixture {
        _s: Ingested,
        lib: Library,
        campaign: Campaign,
    }

    fn fixture() -> &'static std::sync::Mutex<Fixture> {
        static F: OnceLock<std::sync::Mutex<Fixture>> = OnceLock::new();
        F.get_or_init(|| {
            let s = ingest_samples();
            let lib = Library::open(s.lib.root()).unwrap();
            let today = chrono::Local::now().date_naive();
            let campaign = web_campaign(
                &s,
                "Fuzz",
                &today.to_string(),
                &(today + chrono::Duration::days(30)).to_string(),
            );
            std::sync::Mutex::new(Fixture {
                _s: s,
                lib,
                campaign,
            })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn no_document_panics_or_escapes_the_gate(seed in 0usize..3, edits in edits(), n in any::<u32>()) {
            let json = mutate(&seeds()[seed], &edits);
            let Ok(mut doc) = serde_json::from_str::<piece::PieceDoc>(&json) else {
                return Ok(());
            };
            let f = fixture().lock().unwrap();
            let _ = doc.duration_frames();
            if doc.validate(f.lib.conn()).is_err() {
                return Ok(());
            }
            prop_assert!(doc.duration_ms() <= piece::MAX_PIECE_MS + 1000);
            doc.name = format!("fuzz {n} {}", edits.len());
            if let Ok(p) = piece::create(f.lib.conn(), &f.campaign, &doc) {
                let ids = p.document.asset_ids();
                if let Ok(cleared) = rights::require_cleared(f.lib.conn(), &f.campaign, &ids) {
                    for id in ids {
                        let source = cleared.source(id);
                        prop_assert!(source.is_some());
                        let real: String = f.lib.conn().query_row(
                            "SELECT hash FROM assets WHERE id = ?", [id], |r| r.get(0)).unwrap();
                        prop_assert_eq!(source.unwrap().hash.as_str(), real.as_str());
                    }
                }
            }
        }
    }
}

// One door: what a front end gets back is typed, so it acts on the kind, not the wording.

#[test]
fn the_api_answers_with_a_kind_each_front_end_can_act_on() {
    use chorus::api::{self, CampaignId, ErrorKind, PieceId};
    let s = ingest_samples();
    let c = web_campaign(&s, "Kinds", "2027-07-01", "2027-07-31");
    let doc = montage(
        "Kinds",
        piece::Preset::Square1x1,
        vec![item(&s, "party.gif", 0, 1000)],
    );
    let p = api::pieces::create(&s.lib, CampaignId(c.id), &doc).unwrap();
    // party.gif has no contributor and so no grant: the gate blocks it.
    let out = s.dir.path().join("kinds");
    let err = api::exports::export(&s.lib, PieceId(p.id), &[], &[], Some(&out), &mut |_| true)
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Blocked, "{err}");
    // A save from a stale editor is a conflict; a tampered one is invalid.
    let err = api::pieces::save(&s.lib, PieceId(p.id), p.version + 5, &doc).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Conflict, "{err}");
    let mut bad = doc.clone();
    if let piece::Content::Montage(m) = &mut bad.content {
        m.items[0].out_ms = u64::MAX;
    }
    let err = api::pieces::save(&s.lib, PieceId(p.id), p.version, &bad).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Invalid, "{err}");
    let err = api::pieces::get(&s.lib, PieceId(9999)).unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound, "{err}");
    // A cancelled export is a cancel, and leaves nothing.
    let mut s = s;
    let picnic = asset_named(&s.lib, "hiking_gps.jpg").id;
    catalog::curate(&mut s.lib, &[picnic], Curation::Selected).unwrap();
    let ok = api::pieces::create(
        &s.lib,
        CampaignId(c.id),
        &montage(
            "Cancel me",
            piece::Preset::Square1x1,
            vec![item(&s, "hiking_gps.jpg", 0, 3000)],
        ),
    )
    .unwrap();
    let err = api::exports::export(&s.lib, PieceId(ok.id), &[], &[], Some(&out), &mut |_| false)
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Cancelled, "{err}");
    assert!(std::fs::read_dir(&out).unwrap().next().is_none());
}

#[test]
fn a_setting_is_checked_before_it_is_kept() {
    use chorus::api;
    let s = ingest_samples();
    for (key, value) in [
        ("form_months", "abc"),
        ("form_months", "0"),
        ("form_assumes_adult", "true"),
        ("music_bed", "/no/such/bed.wav"),
        ("no_such_key", "x"),
    ] {
        let err = api::settings::set(&s.lib, key, value).unwrap_err();
        assert_eq!(err.kind, api::ErrorKind::Invalid, "{key}={value}: {err}");
        assert_eq!(s.lib.setting(key).unwrap(), None, "{key} was stored");
    }
    api::settings::set(&s.lib, "form_months", "12").unwrap();
    assert_eq!(s.lib.setting("form_months").unwrap().as_deref(), Some("12"));
}
