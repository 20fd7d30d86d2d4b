//! Rights clearance on a real library, driven the way a marketer would: form consent at
//! ingest, requests, replies, the campaign gate, revocation, due dates, the report, and an
//! audit log the database refuses to rewrite.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use crate::common::*;
use chorus::campaign;
use chorus::catalog::{self, Curation};
use chorus::rights::{
    self, Blocker, Channel, Clearance, Decision, Evidence, RightsStatus, Scope, Target,
};
use serde_json::Value;

fn chorus(lib: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_chorus"))
        .arg("--library")
        .arg(lib)
        .args(args)
        .output()
        .unwrap();
    out
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "chorus failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn blockers(list: &[rights::AssetClearance], name: &str) -> Vec<Blocker> {
    match &list
        .iter()
        .find(|a| a.original_name == name)
        .expect(name)
        .clearance
    {
        Clearance::Cleared { .. } | Clearance::Overridden { .. } => vec![],
        Clearance::Blocked { blockers } => blockers.clone(),
    }
}

const PICKS: [&str; 5] = [
    "beach_day.mp4",
    "skate_trick.mov",
    "family_picnic.jpg",
    "sunset_silent.mp4",
    "party.gif",
];

/// The samples, five of them selected, and a campaign that needs paid social in the US and
/// the UK for the summer (the form's consent covers web and social only).
fn summer() -> Ingested {
    let mut s = ingest_samples();
    let ids: Vec<i64> = PICKS.iter().map(|n| asset_named(&s.lib, n).id).collect();
    catalog::curate(&mut s.lib, &ids, Curation::Selected).unwrap();
    ok(chorus(
        s.lib.root(),
        &[
            "campaign",
            "create",
            "Summer",
            "--channels",
            "web,social,paid_social",
            "--territories",
            "US,GB",
            "--from",
            "2027-07-01",
            "--until",
            "2027-09-30",
        ],
    ));
    s
}

#[test]
fn form_consent_becomes_a_grant_on_the_library_terms() {
    let mut s = ingest_samples();
    let beach = asset_named(&s.lib, "beach_day.mp4").id;
    let july = campaign::create(
        s.lib.conn(),
        "July web",
        &rights::Usage {
            channels: [Channel::Web].into(),
            territories: ["US".to_string()].into(),
            starts_on: campaign::parse_date("2026-07-01").unwrap(),
            ends_on: campaign::parse_date("2026-07-31").unwrap(),
        },
    )
    .unwrap();
    let rows = rights::report_rows(
        s.lib.conn(),
        &[beach],
        &july,
        campaign::parse_date("2026-07-01").unwrap(),
    )
    .unwrap();
    let g = &rows[0].grants[0];
    assert_eq!(
        (g.decision.as_str(), g.evidence_source.as_str()),
        ("granted", "form")
    );
    assert_eq!(
        g.evidence_text.as_deref(),
        Some("I agree that BrandCo may use my submission in its marketing.")
    );
    assert_eq!(g.evidence_at, "2026-06-02T09:15:00Z");
    assert_eq!(
        (g.valid_from.as_str(), g.valid_until.as_deref()),
        ("2026-06-02", Some("2028-06-02"))
    );
    assert_eq!(g.channels, ["web", "social"]);
    assert_eq!(g.territories, ["worldwide"]);
    assert_eq!(rows[0].status, RightsStatus::Granted);
    assert!(
        rows[0].clearance.is_cleared(),
        "web in the US is within the form terms"
    );

    // Files without a form row are unrequested; a second import adds no second grant.
    let statuses =
        rights::asset_statuses(s.lib.conn(), campaign::parse_date("2026-07-01").unwrap()).unwrap();
    let party = statuses
        .iter()
        .find(|a| a.original_name == "party.gif")
        .unwrap();
    assert_eq!(party.status, RightsStatus::Unrequested);
    let before = rights::audit_log(s.lib.conn()).unwrap().len();
    let samples = samples();
    ingest_into(
        &mut s.lib,
        &[&samples],
        Some(&samples.join("submissions.csv")),
    );
    assert_eq!(rights::audit_log(s.lib.conn()).unwrap().len(), before);
    // After the form's two years, the same grant reads as expired.
    let later =
        rights::asset_statuses(s.lib.conn(), campaign::parse_date("2028-06-03").unwrap()).unwrap();
    assert_eq!(
        later
            .iter()
            .find(|a| a.original_name == "beach_day.mp4")
            .unwrap()
            .status,
        RightsStatus::Expired
    );
}

#[test]
fn request_replies_status_revoke_blocked() {
    let s = summer();
    let dir = s.lib.root().to_path_buf();
    let drafts = s.dir.path().join("drafts");

    // Before asking: the form's consent lacks paid social.
    let c = campaign::get(s.lib.conn(), "Summer").unwrap();
    let list = rights::campaign_clearance(s.lib.conn(), &c).unwrap();
    assert_eq!(
        blockers(&list, "beach_day.mp4"),
        vec![Blocker::ChannelNotGranted {
            channel: Channel::PaidSocial
        }]
    );
    assert_eq!(blockers(&list, "party.gif"), vec![Blocker::NoGrant]);

    let out = chorus(
        &dir,
        &[
            "rights",
            "request",
            "--campaign",
            "Summer",
            "--out",
            drafts.to_str().unwrap(),
        ],
    );
    let text = ok(out.clone());
    assert!(
        text.contains("4 request(s) drafted for 4 asset(s)"),
        "{text}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("party.gif: no contributor known"));
    let ana = fs::read_to_string(drafts.join("ana.surfs.txt")).unwrap();
    assert!(
        ana.starts_with("To: ana@example.com\nSubject: May BrandCo feature your clip"),
        "{ana}"
    );
    assert!(ana.contains("Hi Ana,"));
    assert!(ana.contains("paid social media ads, in the United Kingdom and in the United States"));
    assert!(ana.contains("from 1 July 2027 to 30 September 2027"));
    assert!(ana.contains("reply with #YesBrandCo"));
    assert!(
        ana.contains("mailto:ana@example.com?subject=May%20BrandCo%20feature"),
        "{ana}"
    );

    let replies = s.dir.path().join("replies.csv");
    fs::write(
        &replies,
        "handle,text,date\n@ana.surfs,\"#YesBrandCo, go for it!\",2026-06-20\nben.okafor@example.com,\"No, not in ads please\",2026-06-21\n@chloe_m,Maybe? Can we talk first,2026-06-21\n@stranger,#YesBrandCo,2026-06-22\n",
    )
    .unwrap();
    let imported: Value = serde_json::from_str(&ok(chorus(
        &dir,
        &["rights", "import", replies.to_str().unwrap(), "--json"],
    )))
    .unwrap();
    let outcomes: Vec<&str> = imported
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        ["granted", "denied", "needs_person", "needs_person"]
    );
    assert!(imported[3]["why"].as_str().unwrap().contains("@stranger"));

    let status: Value = serde_json::from_str(&ok(chorus(
        &dir,
        &["rights", "status", "--campaign", "Summer", "--json"],
    )))
    .unwrap();
    let by_name = |n: &str| {
        status
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["original_name"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(by_name("beach_day.mp4")["clearance"], "cleared");
    assert_eq!(
        by_name("skate_trick.mov")["blockers"][0]["reason"],
        "denied"
    );
    let chloe = by_name("family_picnic.jpg");
    assert_eq!(chloe["blockers"][0]["reason"], "channel_not_granted");
    assert_eq!(chloe["blockers"][1]["reason"], "awaiting_answer");
    assert_eq!(by_name("party.gif")["blockers"][0]["reason"], "no_grant");

    // The campaign home counts the same assets the gate judges, sorted the same way: a
    // yes, an open question, never asked, anything else.
    let kind = |a: &Value| -> &'static str {
        let reasons: Vec<&str> = a["blockers"]
            .as_array()
            .map(|b| b.iter().filter_map(|r| r["reason"].as_str()).collect())
            .unwrap_or_default();
        match () {
            _ if a["clearance"] == "cleared" || a["clearance"] == "overridden" => "cleared",
            _ if reasons.iter().all(|r| *r == "awaiting_answer") => "awaiting",
            _ if reasons.iter().all(|r| *r == "no_grant") => "unasked",
            _ => "blocked",
        }
    };
    let home: Value =
        serde_json::from_str(&ok(chorus(&dir, &["campaign", "home", "--json"]))).unwrap();
    let summer = home["campaigns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["campaign"]["name"] == "Summer")
        .expect("Summer on the home");
    for k in ["cleared", "awaiting", "unasked", "blocked"] {
        let expected = status
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| kind(a) == k)
            .count();
        assert_eq!(summer["assets"][k], expected, "{k}: {summer}");
    }
    assert_eq!(summer["assets"]["cleared"], 1, "beach_day.mp4: {summer}");
    assert_eq!(summer["assets"]["unasked"], 1, "party.gif: {summer}");
    let text = ok(chorus(&dir, &["campaign", "home"]));
    assert!(
        text.contains("new submission(s) this week")
            && text.contains("Summer: runs 2027-07-01 to 2027-09-30")
            && text.contains("1 cleared"),
        "{text}"
    );

    // Ana withdraws: her clip is blocked, and the campaign says so.
    ok(chorus(
        &dir,
        &[
            "rights",
            "revoke",
            "@ana.surfs",
            "--reason",
            "asked by e-mail to stop",
        ],
    ));
    let text = ok(chorus(&dir, &["campaign", "status", "Summer"]));
    assert!(
        text.contains("blocked: asset")
            && text.contains("beach_day.mp4")
            && text.contains("withdrew permission"),
        "{text}"
    );
    let c = campaign::get(s.lib.conn(), "Summer").unwrap();
    let list = rights::campaign_clearance(s.lib.conn(), &c).unwrap();
    assert!(matches!(
        blockers(&list, "beach_day.mp4").as_slice(),
        [Blocker::Revoked { .. }]
    ));

    // "STOP" from someone who had said yes withdraws too.
    let stop = s.dir.path().join("stop.csv");
    fs::write(&stop, "email,reply\nemma.lund@example.com,STOP\n").unwrap();
    let imported: Value = serde_json::from_str(&ok(chorus(
        &dir,
        &["rights", "import", stop.to_str().unwrap(), "--json"],
    )))
    .unwrap();
    assert_eq!(
        imported[0]["outcome"], "denied",
        "Emma had an open request, so her no answers it"
    );

    let actions: Vec<String> = rights::audit_log(s.lib.conn())
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(actions.iter().filter(|a| *a == "request").count() == 4);
    assert!(actions.contains(&"revoke".to_string()));
}

#[test]
fn evidence_files_minors_due_dates_report_and_an_immutable_audit_log() {
    let mut s = summer();
    let dir = s.lib.root().to_path_buf();

    // Ben: a signed release, for web in the US only.
    let ben = asset_named(&s.lib, "skate_trick.mov").id;
    let release = s.dir.path().join("release.pdf");
    fs::write(&release, b"%PDF-1.4 signed release of Ben Okafor").unwrap();
    let scope = Scope {
        channels: [Channel::PaidSocial].into(),
        territories: ["US".to_string()].into(),
        valid_from: campaign::parse_date("2026-01-01").ok(),
        valid_until: None,
        age: chorus::rights::Age::Adult,
        guardian: None,
    };
    let evidence = Evidence {
        text: Some("Signed release".into()),
        source: "release".into(),
        given_at: Some("2026-06-15".into()),
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
    let hash = blake3::hash(&fs::read(&release).unwrap())
        .to_hex()
        .to_string();
    assert_eq!(
        fs::read(
            s.lib
                .store()
                .original(&chorus::library::ContentHash::parse(&hash).unwrap())
        )
        .unwrap(),
        fs::read(&release).unwrap()
    );

    // Chloé is 16: her grant needs a guardian before it counts.
    let picnic = asset_named(&s.lib, "family_picnic.jpg").id.to_string();
    ok(chorus(
        &dir,
        &[
            "rights",
            "grant",
            &picnic,
            "--channels",
            "paid_social",
            "--territories",
            "US,GB",
            "--from",
            "2026-06-01",
            "--age",
            "minor",
            "--evidence",
            "#YesBrandCo",
            "--source",
            "social",
        ],
    ));
    let c = campaign::get(s.lib.conn(), "Summer").unwrap();
    let list = rights::campaign_clearance(s.lib.conn(), &c).unwrap();
    assert_eq!(
        blockers(&list, "skate_trick.mov"),
        vec![Blocker::TerritoryNotGranted {
            territory: "GB".into()
        }]
    );
    assert_eq!(
        blockers(&list, "family_picnic.jpg"),
        vec![Blocker::MinorWithoutGuardian]
    );
    ok(chorus(
        &dir,
        &[
            "rights",
            "grant",
            "@chloe_m",
            "--channels",
            "paid_social",
            "--territories",
            "US,GB",
            "--from",
            "2026-06-01",
            "--until",
            "2026-08-15",
            "--guardian",
            "Marie Martin (mother)",
            "--evidence",
            "Yes from her mother",
        ],
    ));
    let list = rights::campaign_clearance(s.lib.conn(), &c).unwrap();
    // Every reason is named: the first grant still lacks a guardian, the second ends early.
    assert_eq!(
        blockers(&list, "family_picnic.jpg"),
        vec![
            Blocker::MinorWithoutGuardian,
            Blocker::ExpiresBeforeRunEnd {
                until: campaign::parse_date("2026-08-15").unwrap()
            }
        ]
    );

    // Due: the guardian's grant ends before the campaign does.
    let due: Value = serde_json::from_str(&ok(chorus(
        &dir,
        &["rights", "due", "--within", "30d", "--json"],
    )))
    .unwrap();
    let chloe_due = due["expiring"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["valid_until"] == "2026-08-15");
    let today = chrono::Local::now().date_naive();
    if today <= campaign::parse_date("2026-08-15").unwrap() {
        assert!(chloe_due.unwrap()["reason"]
            .as_str()
            .unwrap()
            .contains("before campaign 'Summer'"));
    } else {
        assert!(
            chloe_due.is_none(),
            "a grant that already ended is not due, it is expired"
        );
    }

    // The report: CSV for spreadsheets, HTML for people.
    let out = s.dir.path().join("report");
    ok(chorus(
        &dir,
        &[
            "rights",
            "report",
            "--campaign",
            "Summer",
            "--out",
            out.to_str().unwrap(),
        ],
    ));
    // The agency's copy: who, what and the kind of evidence, no contact details, no
    // consent text, no guardian's name, no raw audit.
    let csv = fs::read_to_string(out.join("rights-report.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + PICKS.len());
    assert!(csv.contains("release"), "{csv}");
    assert!(!csv.contains("Signed release") && !csv.contains(&hash) && !csv.contains("@example"));
    let html = fs::read_to_string(out.join("rights-report.html")).unwrap();
    assert!(html.contains("Rights report: Summer") && html.contains("For the agency"));
    assert!(!html.contains("Marie Martin") && html.contains("consent recorded"));
    assert!(!html.contains("Signed release") && !html.contains("@example"));
    assert!(!html.contains("\"evidence\""), "no raw consent JSON");
    // The brand's own copy holds all of it.
    ok(chorus(
        &dir,
        &[
            "rights",
            "report",
            "--campaign",
            "Summer",
            "--out",
            out.to_str().unwrap(),
            "--internal",
        ],
    ));
    let csv = fs::read_to_string(out.join("rights-report-internal.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + PICKS.len());
    assert!(csv.contains("Signed release") && csv.contains(&hash));
    let html = fs::read_to_string(out.join("rights-report-internal.html")).unwrap();
    assert!(html.contains("Rights report: Summer") && html.contains("Do not send outside"));
    assert!(html.contains("Marie Martin (mother)"));
    assert!(html.contains("minor") || html.contains("guardian"));
    assert!(!html.contains("<script"), "self-contained and inert");

    // The audit log refuses to be rewritten, in the database itself.
    let conn = s.lib.conn();
    let n = rights::audit_log(conn).unwrap().len();
    let update = conn.execute("UPDATE audit_events SET action = 'nothing'", []);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = conn.execute("DELETE FROM audit_events", []);
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_eq!(rights::audit_log(conn).unwrap().len(), n);
}

#[test]
fn grants_need_evidence_and_a_known_contributor() {
    let mut s = ingest_samples();
    let scope = Scope {
        channels: [Channel::Web].into(),
        territories: ["US".to_string()].into(),
        age: chorus::rights::Age::Adult,
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
        ..Evidence::default()
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

#[test]
fn render_gate_refuses_with_every_blocker_and_edits_are_audited() {
    let s = summer();
    let dir = s.lib.root().to_path_buf();
    let c = campaign::get(s.lib.conn(), "Summer").unwrap();
    let ids: Vec<i64> = ["beach_day.mp4", "party.gif"]
        .iter()
        .map(|n| asset_named(&s.lib, n).id)
        .collect();
    let err = rights::require_cleared(s.lib.conn(), &c, &ids)
        .unwrap_err()
        .to_string();
    assert!(err.contains("not cleared for campaign 'Summer'"), "{err}");
    assert!(
        err.contains("beach_day.mp4): channel paid_social not granted"),
        "{err}"
    );
    assert!(
        err.contains("party.gif): no permission asked or given yet"),
        "{err}"
    );

    // Ana's form grant widened by e-mail to paid social: an edit, audited with before/after.
    let grant = rights::report_rows(
        s.lib.conn(),
        &ids[..1],
        &c,
        campaign::parse_date("2026-07-01").unwrap(),
    )
    .unwrap()[0]
        .grants[0]
        .id;
    let g = grant.to_string();
    ok(chorus(
        &dir,
        &[
            "rights",
            "edit",
            &g,
            "--channels",
            "web,social,paid_social",
            "--reason",
            "Ana agreed by e-mail",
        ],
    ));
    let cleared = rights::require_cleared(s.lib.conn(), &c, &ids[..1]).unwrap();
    assert_eq!(cleared.grants_for(ids[0]), [grant]);
    let edit = rights::audit_log(s.lib.conn())
        .unwrap()
        .into_iter()
        .find(|e| e.action == "edit")
        .unwrap();
    assert_eq!(edit.detail["before"]["channels"], "[\"web\",\"social\"]");
    assert_eq!(edit.detail["reason"], "Ana agreed by e-mail");
}

#[test]
fn an_override_clears_for_one_campaign_is_audited_and_never_beats_a_no() {
    let mut s = summer();
    let dir = s.lib.root().to_path_buf();
    let party = asset_named(&s.lib, "party.gif").id.to_string();
    let out = chorus(
        &dir,
        &[
            "rights",
            "override",
            &party,
            "--campaign",
            "Summer",
            "--reason",
            "x",
            "--by",
            "Dana Lee, legal",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "a reason is required");
    ok(chorus(
        &dir,
        &[
            "rights",
            "override",
            &party,
            "--campaign",
            "Summer",
            "--reason",
            "Staff photo; model release on file",
            "--by",
            "Dana Lee, legal",
        ],
    ));
    let c = campaign::get(s.lib.conn(), "Summer").unwrap();
    let list = rights::campaign_clearance(s.lib.conn(), &c).unwrap();
    let entry = list
        .iter()
        .find(|a| a.original_name == "party.gif")
        .unwrap();
    assert!(
        matches!(&entry.clearance, Clearance::Overridden { reason, .. } if reason.contains("model release"))
    );
    assert!(rights::require_cleared(s.lib.conn(), &c, &[entry.asset_id]).is_ok());
    let log = rights::audit_log(s.lib.conn()).unwrap();
    let o = log.iter().find(|e| e.action == "override").unwrap();
    assert_eq!(o.detail["gate_said"]["clearance"], "blocked");

    // Only for that campaign.
    let other = campaign::create(s.lib.conn(), "Autumn", &c.usage).unwrap();
    assert!(!rights::clearance_for(s.lib.conn(), entry.asset_id, &other)
        .unwrap()
        .is_cleared());

    // A contributor's no is final: no override for Ben's clip once he said no.
    let skate = asset_named(&s.lib, "skate_trick.mov").id;
    let no = Evidence {
        text: Some("No".into()),
        source: "email".into(),
        ..Evidence::default()
    };
    rights::decide(
        &mut s.lib,
        &Target::Assets(vec![skate]),
        Decision::Denied,
        &Scope::default(),
        &no,
    )
    .unwrap();
    let err = rights::override_clearance(
        &mut s.lib,
        &c,
        &[skate],
        "We really want it: the contract with the agency says so",
        "Dana Lee, legal",
    )
    .unwrap_err();
    assert!(err.to_string().contains("said no"), "{err}");
}

#[test]
fn a_contributor_who_said_no_is_never_asked_again() {
    use chorus::api::rights::{self as rights_api, Subject};
    use chorus::api::{AssetId, CampaignId};
    let files = ["beach_day.mp4", "hiking_gps.jpg"].map(|f| samples().join(f));
    let mut s = ingest_from_someone(&files.iter().map(|p| p.as_path()).collect::<Vec<_>>());
    let (beach, hiking) = (
        asset_named(&s.lib, "beach_day.mp4").id,
        asset_named(&s.lib, "hiking_gps.jpg").id,
    );
    let usage = chorus::rights::Usage {
        channels: [chorus::rights::Channel::Web].into(),
        territories: ["US".to_string()].into(),
        starts_on: campaign::parse_date("2027-03-01").unwrap(),
        ends_on: campaign::parse_date("2027-03-31").unwrap(),
    };
    let c = campaign::create(s.lib.conn(), "Spring", &usage).unwrap();
    rights_api::deny(
        &mut s.lib,
        &Subject::Assets(vec![AssetId(beach)]),
        "No thanks, please don't use the beach one",
        "email",
    )
    .unwrap();
    let ask = |s: &mut Ingested| {
        rights_api::request(
            &mut s.lib,
            &[AssetId(beach), AssetId(hiking)],
            CampaignId(c.id),
        )
        .unwrap()
    };
    let plan = ask(&mut s);
    let asked: Vec<i64> = plan
        .drafts
        .iter()
        .flat_map(|d| d.asset_ids.clone())
        .collect();
    assert_eq!(asked, vec![hiking], "only the photo they did not refuse");
    let (skipped, why) = &plan.skipped[0];
    assert_eq!(*skipped, beach);
    assert!(
        why.contains("said no") && why.contains("will not ask again"),
        "{why}"
    );
    // A no for everything they sent covers both.
    let contributor = asset_named(&s.lib, "hiking_gps.jpg")
        .contributor
        .unwrap()
        .id;
    rights_api::deny(
        &mut s.lib,
        &Subject::Contributor(contributor),
        "Please stop",
        "email",
    )
    .unwrap();
    let plan = ask(&mut s);
    assert!(plan.drafts.is_empty(), "{:?}", plan.drafts.len());
    assert_eq!(plan.skipped.len(), 2);
}
