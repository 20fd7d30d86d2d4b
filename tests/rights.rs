//! Rights clearance on a real library: grants with scope and evidence, the campaign gate,
//! revocation, and an audit log the database refuses to rewrite.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use chorus::campaign;
use chorus::catalog::{self, Curation};
use chorus::rights::{self, Blocker, Channel, Clearance, Decision, Evidence, Scope, Target};
use common::*;

fn chorus(lib: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_chorus"))
        .arg("--library")
        .arg(lib)
        .args(args)
        .output()
        .unwrap()
}

fn blockers(list: &[rights::AssetClearance], name: &str) -> Vec<Blocker> {
    match &list
        .iter()
        .find(|a| a.original_name == name)
        .expect(name)
        .clearance
    {
        Clearance::Cleared { .. } => vec![],
        Clearance::Blocked { blockers } => blockers.clone(),
    }
}

#[test]
fn campaign_gate_names_every_blocker_and_revocation_blocks() {
    let mut s = ingest_samples();
    let ids: Vec<i64> = [
        "beach_day.mp4",
        "skate_trick.mov",
        "family_picnic.jpg",
        "sunset_silent.mp4",
    ]
    .iter()
    .map(|n| asset_named(&s.lib, n).id)
    .collect();
    catalog::curate(&mut s.lib, &ids, Curation::Selected).unwrap();
    let dir = s.lib.root().to_path_buf();

    // The CLI creates the campaign and records Ana's grant, as a marketer would.
    let out = chorus(
        &dir,
        &[
            "campaign",
            "create",
            "Summer",
            "--channels",
            "web,social",
            "--territories",
            "US,GB",
            "--from",
            "2026-07-01",
            "--until",
            "2026-09-30",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = chorus(
        &dir,
        &[
            "rights",
            "grant",
            "@ana.surfs",
            "--channels",
            "web,social,paid_social",
            "--territories",
            "worldwide",
            "--from",
            "2026-06-02",
            "--adult",
            "--evidence",
            "#YesBrandCo",
            "--source",
            "social",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Ben: web in the US only. Chloé: a minor, no guardian. Emma: never asked.
    let ben = asset_named(&s.lib, "skate_trick.mov").id;
    let release = s.dir.path().join("release.pdf");
    fs::write(&release, b"%PDF-1.4 signed release of Ben Okafor").unwrap();
    let scope = Scope {
        channels: [Channel::Web].into(),
        territories: ["US".to_string()].into(),
        valid_from: campaign::parse_date("2026-01-01").ok(),
        valid_until: None,
        adult: true,
        guardian: None,
    };
    let evidence = Evidence {
        text: Some("Yes, web is fine".into()),
        source: "release".into(),
        file: Some(release.clone()),
    };
    rights::decide(
        &mut s.lib,
        &Target::Assets(vec![ben]),
        Decision::Granted,
        &scope,
        &evidence,
    )
    .unwrap();
    let picnic = asset_named(&s.lib, "family_picnic.jpg").id;
    let minor = Scope {
        adult: false,
        ..scope.clone()
    };
    rights::decide(
        &mut s.lib,
        &Target::Assets(vec![picnic]),
        Decision::Granted,
        &minor,
        &evidence,
    )
    .unwrap();

    let summer = campaign::get(s.lib.conn(), "summer").unwrap();
    let list = rights::campaign_clearance(s.lib.conn(), &summer).unwrap();
    assert_eq!(list.len(), 4);
    assert_eq!(blockers(&list, "beach_day.mp4"), vec![]);
    assert_eq!(
        blockers(&list, "skate_trick.mov"),
        vec![
            Blocker::TerritoryNotGranted {
                territory: "GB".into()
            },
            Blocker::ChannelNotGranted {
                channel: Channel::Social
            },
        ]
    );
    assert_eq!(
        blockers(&list, "family_picnic.jpg"),
        vec![Blocker::MinorWithoutGuardian]
    );
    assert_eq!(blockers(&list, "sunset_silent.mp4"), vec![Blocker::NoGrant]);

    // The signed release is stored like an original, byte for byte.
    let hash = blake3::hash(&fs::read(&release).unwrap())
        .to_hex()
        .to_string();
    assert_eq!(
        fs::read(s.lib.store().original(&hash)).unwrap(),
        fs::read(&release).unwrap()
    );

    // Ana withdraws: her clip is blocked, with the reason.
    let out = chorus(&dir, &["rights", "revoke", "ana@example.com"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = rights::campaign_clearance(s.lib.conn(), &summer).unwrap();
    assert!(matches!(
        blockers(&list, "beach_day.mp4").as_slice(),
        [Blocker::Revoked { .. }]
    ));
    let text = String::from_utf8_lossy(
        &chorus(&dir, &["rights", "status", "--campaign", "Summer"]).stdout,
    )
    .to_string();
    assert!(text.contains("withdrew permission"), "{text}");
    assert!(
        text.contains("4 asset(s) for 'Summer': 0 cleared, 4 blocked"),
        "{text}"
    );

    // Every decision is in the audit log, which cannot be rewritten.
    let log = rights::audit_log(s.lib.conn()).unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["grant", "grant", "grant", "revoke"]);
    let conn = s.lib.conn();
    let update = conn.execute("UPDATE audit_events SET action = 'nothing'", []);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = conn.execute("DELETE FROM audit_events", []);
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_eq!(rights::audit_log(conn).unwrap().len(), 4);
}

#[test]
fn grants_need_evidence_and_a_known_contributor() {
    let mut s = ingest_samples();
    let scope = Scope {
        channels: [Channel::Web].into(),
        territories: ["US".to_string()].into(),
        adult: true,
        ..Scope::default()
    };
    let beach = asset_named(&s.lib, "beach_day.mp4").id;
    let none = Evidence {
        source: "email".into(),
        ..Evidence::default()
    };
    let err = rights::decide(
        &mut s.lib,
        &Target::Assets(vec![beach]),
        Decision::Granted,
        &scope,
        &none,
    )
    .unwrap_err();
    assert!(err.to_string().contains("needs evidence"));
    let anonymous = asset_named(&s.lib, "party.gif").id;
    let evidence = Evidence {
        text: Some("ok".into()),
        source: "email".into(),
        file: None,
    };
    let err = rights::decide(
        &mut s.lib,
        &Target::Assets(vec![anonymous]),
        Decision::Granted,
        &scope,
        &evidence,
    )
    .unwrap_err();
    assert!(err.to_string().contains("no known contributor"));
    let out = chorus(
        s.lib.root(),
        &[
            "rights",
            "grant",
            "@nobody",
            "--channels",
            "web",
            "--territories",
            "US",
            "--evidence",
            "x",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no contributor matches '@nobody'"));
}
