//! The read models behind the desktop screens, on a real library: the grid's pages and
//! filters (rights status included), the rights queue and the contributors table. The
//! batch rights status must agree with the per-asset gate for every asset.

mod common;

use chorus::campaign;
use chorus::catalog::{self, Curation, Filter};
use chorus::rights::{self, Channel, Decision, Evidence, RightsStatus, Scope, Target, Usage};
use chorus::views::{self, Browse};
use common::*;

fn today() -> chrono::NaiveDate {
    campaign::parse_date("2026-07-01").unwrap()
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
            adult: true,
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

    // Filtering the grid by a rights status lists exactly those assets.
    for wanted in [
        RightsStatus::Revoked,
        RightsStatus::Granted,
        RightsStatus::Unrequested,
    ] {
        let got = views::browse(
            s.lib.conn(),
            &Browse {
                filter: Filter {
                    limit: Some(1000),
                    ..Filter::default()
                },
                rights: Some(wanted),
            },
            today(),
        )
        .unwrap();
        let mut expected: Vec<i64> = batch
            .iter()
            .filter(|(_, s)| **s == wanted)
            .map(|(id, _)| *id)
            .collect();
        expected.sort_unstable();
        let ids: Vec<i64> = got.assets.iter().map(|a| a.id).collect();
        assert_eq!(ids, expected, "{wanted:?}");
        assert_eq!(got.total, expected.len() as i64);
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
