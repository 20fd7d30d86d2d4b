//! The read models behind the desktop screens, on a real library: the grid's pages and
//! filters (rights status included), the rights queue and the contributors table. The
//! batch rights status must agree with the per-asset gate for every asset.

use std::collections::HashMap;

use crate::common::*;
use chorus::campaign;
use chorus::catalog::{self, Curation, Filter};
use chorus::rights::{self, Channel, Decision, Evidence, RightsStatus, Scope, Target, Usage};
use chorus::views::{self, Browse};

fn today() -> chrono::NaiveDate {
    campaign::parse_date("2026-07-01").unwrap()
}

/// The grid filtered by a rights status: its asset ids and its total.
fn grid_with_status(
    lib: &chorus::library::Library,
    wanted: RightsStatus,
    on: chrono::NaiveDate,
) -> (Vec<i64>, i64) {
    let page = views::browse(
        lib.conn(),
        &Browse {
            filter: Filter {
                limit: Some(1000),
                ..Filter::default()
            },
            rights: Some(wanted),
        },
        on,
    )
    .unwrap();
    (page.assets.iter().map(|a| a.id).collect(), page.total)
}

/// The ids with status `wanted`, in order.
fn having(statuses: &HashMap<i64, RightsStatus>, wanted: RightsStatus) -> Vec<i64> {
    let mut ids: Vec<i64> = statuses
        .iter()
        .filter(|(_, s)| **s == wanted)
        .map(|(id, _)| *id)
        .collect();
    ids.sort_unstable();
    ids
}

#[test]
fn grid_pages_filters_and_rights_status_agree_with_the_gate() {
    let mut s = ingest_samples();
    let conn = s.lib.conn();
    let all = catalog::count(conn, &Filter::default()).unwrap();
    assert!(all >= 12, "the samples are in: {all}");

    // Windows of the grid: totals are the filter's, pages are in id order and disjoint.
    let page = |offset, limit| {
        views::browse(
            s.lib.conn(),
            &Browse {
                filter: Filter {
                    limit: Some(limit),
                    offset: Some(offset),
                    ..Filter::default()
                },
                rights: None,
            },
            today(),
        )
        .unwrap()
    };
    let (a, b) = (page(0, 5), page(5, 5));
    assert_eq!((a.total, b.total), (all, all));
    assert_eq!((a.assets.len(), b.offset), (5, 5));
    assert!(a.assets.last().unwrap().id < b.assets[0].id);

    // Shortlist two, ask about one, grant another, revoke a third's form consent.
    let beach = asset_named(&s.lib, "beach_day.mp4").id;
    let party = asset_named(&s.lib, "party.gif").id;
    let skate = asset_named(&s.lib, "skate_trick.mov").id;
    catalog::curate(&mut s.lib, &[beach, party, skate], Curation::Shortlisted).unwrap();
    let usage = Usage {
        channels: [Channel::Web].into(),
        territories: ["US".to_string()].into(),
        starts_on: today(),
        ends_on: campaign::parse_date("2026-07-31").unwrap(),
    };
    let c = campaign::create(s.lib.conn(), "Views", &usage).unwrap();
    let settings = rights::RightsSettings::load(&s.lib).unwrap();
    let plan = rights::request(&mut s.lib, &[party], &usage, Some(c.id), &settings).unwrap();
    // party.gif came without a form row: nobody to ask, and the plan says so.
    assert!(plan.drafts.is_empty());
    assert_eq!(plan.skipped.first().map(|(id, _)| *id), Some(party));
    rights::revoke(
        &mut s.lib,
        &Target::Assets(vec![beach]),
        today(),
        "asked us to stop",
    )
    .unwrap();
    rights::decide(
        &mut s.lib,
        &Target::Assets(vec![skate]),
        Decision::Granted,
        &Scope {
            channels: [Channel::Web].into(),
            territories: ["US".to_string()].into(),
            age: chorus::rights::Age::Adult,
            ..Scope::default()
        },
        &Evidence {
            text: Some("yes, use it".into()),
            source: "email".into(),
            ..Evidence::default()
        },
    )
    .unwrap();

    // The batch status equals the gate's per-asset status, asset by asset.
    let batch = rights::all_statuses(s.lib.conn(), today()).unwrap();
    assert_eq!(batch.len() as i64, all);
    for (id, status) in &batch {
        let one = rights::status(&rights::asset_rights(s.lib.conn(), *id).unwrap(), today());
        assert_eq!(*status, one, "asset {id}");
    }
    assert_eq!(batch[&beach], RightsStatus::Revoked);
    assert_eq!(batch[&skate], RightsStatus::Granted);

    // Every thumbnail's badge is the gate's status, even after someone sets the kept
    // status by hand: the badge is derived from the grants, not read from that column.
    s.lib
        .conn()
        .execute(
            "UPDATE assets SET rights_status = 'granted' WHERE id = ?1",
            [beach],
        )
        .unwrap();
    let page = views::browse(
        s.lib.conn(),
        &Browse {
            filter: Filter {
                limit: Some(1000),
                ..Filter::default()
            },
            rights: None,
        },
        today(),
    )
    .unwrap();
    assert_eq!(page.rights.len(), page.assets.len());
    for (a, badge) in page.assets.iter().zip(&page.rights) {
        assert_eq!(*badge, batch[&a.id], "badge of asset {}", a.id);
    }
    s.lib
        .conn()
        .execute("DELETE FROM rights_status_day", [])
        .unwrap();
    s.lib
        .conn()
        .execute(
            "INSERT OR IGNORE INTO rights_status_stale (asset_id) VALUES (?1)",
            [beach],
        )
        .unwrap();

    // The campaign home: the three in play sorted by where they stand for this campaign
    // (skate granted for web in the US, beach withdrawn, party from nobody to ask), and
    // every sample counted as new this week.
    let home = views::campaigns(s.lib.conn(), today()).unwrap();
    let mine = home
        .campaigns
        .iter()
        .find(|h| h.campaign.id == c.id)
        .expect("the campaign on its home");
    assert_eq!(
        mine.assets,
        views::ClearanceCounts {
            cleared: 1,
            awaiting: 0,
            unasked: 1,
            blocked: 1
        }
    );
    assert!(mine.expiring.is_empty(), "{:?}", mine.expiring);
    assert_eq!(i64::from(home.new_this_week), all);

    // Filtering the grid by a rights status lists exactly those assets.
    for wanted in [
        RightsStatus::Revoked,
        RightsStatus::Granted,
        RightsStatus::Unrequested,
    ] {
        let (ids, total) = grid_with_status(&s.lib, wanted, today());
        let expected = having(&batch, wanted);
        assert_eq!(ids, expected, "{wanted:?}");
        assert_eq!(total, expected.len() as i64);
    }

    // The rights queue: the revoked one, and nothing granted in "to request".
    let queue = views::rights_queue(s.lib.conn(), today()).unwrap();
    assert!(queue.revoked.iter().any(|q| q.asset_id == beach));
    assert!(queue.to_request.iter().all(|q| q.asset_id != skate));
    // Contributors: their status counts add up to their assets.
    for row in views::contributors(s.lib.conn(), today()).unwrap() {
        let counted: i64 = row.statuses.iter().map(|(_, n)| n).sum();
        assert_eq!(counted, row.assets, "{:?}", row.contributor.handle);
    }

    // The asset panel's view: status, grants and history for the granted clip.
    let view = views::asset_view(&s.lib, skate, today()).unwrap();
    assert_eq!(view.rights_status, RightsStatus::Granted);
    assert!(view.grants.iter().any(|g| g.decision == Decision::Granted));
    assert!(
        view.history.iter().any(|e| e.action == "grant"),
        "{:?}",
        view.history
    );

    // Tags for the sidebar, with counts.
    let tags = catalog::tag_counts(s.lib.conn()).unwrap();
    let clip = tags
        .iter()
        .find(|t| t.name == "landscape")
        .expect("auto tag 'landscape'");
    let clips = catalog::count(
        s.lib.conn(),
        &Filter {
            tags: vec!["landscape".into()],
            ..Filter::default()
        },
    )
    .unwrap();
    assert_eq!(clip.assets, clips);
}

/// The grid's rights filter reads statuses kept in the catalog. They must follow every
/// grant, request and withdrawal, the calendar (a grant running out, a withdrawal dated
/// ahead) and the clock going back, always equal to the statuses derived afresh.
#[test]
fn kept_rights_statuses_follow_grants_requests_and_the_calendar() {
    let mut s = ingest_samples();
    let day = |d: &str| campaign::parse_date(d).unwrap();
    let agree = |lib: &chorus::library::Library, on: chrono::NaiveDate| {
        let truth = rights::all_statuses(lib.conn(), on).unwrap();
        for wanted in [
            RightsStatus::Unrequested,
            RightsStatus::Requested,
            RightsStatus::Granted,
            RightsStatus::Denied,
            RightsStatus::Revoked,
            RightsStatus::Expired,
        ] {
            let (got, _) = grid_with_status(lib, wanted, on);
            assert_eq!(got, having(&truth, wanted), "{wanted:?} on {on}");
        }
        truth
    };
    let start = day("2026-07-01");
    let first = agree(&s.lib, start);
    let beach = asset_named(&s.lib, "beach_day.mp4").id;
    let skate = asset_named(&s.lib, "skate_trick.mov").id;
    let sunset = asset_named(&s.lib, "sunset_silent.mp4").id;
    assert_eq!(first[&skate], RightsStatus::Granted, "the form's consent");

    // A withdrawal dated ahead; the beach clip's consent replaced by one that runs out.
    rights::revoke(
        &mut s.lib,
        &Target::Assets(vec![skate]),
        day("2026-07-10"),
        "stop from the 10th",
    )
    .unwrap();
    rights::revoke(&mut s.lib, &Target::Assets(vec![beach]), start, "new terms").unwrap();
    rights::decide(
        &mut s.lib,
        &Target::Assets(vec![beach]),
        Decision::Granted,
        &Scope {
            channels: [Channel::Web].into(),
            territories: ["US".to_string()].into(),
            valid_from: Some(start),
            valid_until: Some(day("2026-07-05")),
            age: chorus::rights::Age::Adult,
            ..Scope::default()
        },
        &Evidence {
            text: Some("yes, until the 5th".into()),
            source: "email".into(),
            ..Evidence::default()
        },
    )
    .unwrap();
    let now = agree(&s.lib, start);
    assert_eq!(
        (now[&skate], now[&beach]),
        (RightsStatus::Granted, RightsStatus::Granted)
    );
    // Nothing recorded since; the calendar alone moves them.
    let later = agree(&s.lib, day("2026-07-11"));
    assert_eq!(
        (later[&skate], later[&beach]),
        (RightsStatus::Revoked, RightsStatus::Expired)
    );
    // The clock goes back: the kept statuses follow it.
    agree(&s.lib, start);

    // A denial, and an asset moved to a contributor with nothing on record.
    rights::decide(
        &mut s.lib,
        &Target::Assets(vec![sunset]),
        Decision::Denied,
        &Scope::default(),
        &Evidence {
            text: Some("please don't".into()),
            source: "email".into(),
            ..Evidence::default()
        },
    )
    .unwrap();
    assert_eq!(agree(&s.lib, start)[&sunset], RightsStatus::Denied);
    s.lib
        .conn()
        .execute(
            "INSERT INTO contributors (name, email, created_at) VALUES ('New Person', 'new@example.com', '2026-07-01T00:00:00Z')",
            [],
        )
        .unwrap();
    s.lib
        .conn()
        .execute(
            "UPDATE assets SET contributor_id = (SELECT id FROM contributors WHERE email = 'new@example.com') WHERE id = ?",
            [sunset],
        )
        .unwrap();
    assert_eq!(agree(&s.lib, start)[&sunset], RightsStatus::Unrequested);
    // Asked: requested.
    let usage = Usage {
        channels: [Channel::Web].into(),
        territories: ["US".to_string()].into(),
        starts_on: start,
        ends_on: day("2026-07-31"),
    };
    let settings = rights::RightsSettings::load(&s.lib).unwrap();
    let plan = rights::request(&mut s.lib, &[sunset], &usage, None, &settings).unwrap();
    assert_eq!(plan.drafts.len(), 1, "{:?}", plan.skipped);
    assert_eq!(agree(&s.lib, start)[&sunset], RightsStatus::Requested);
}
