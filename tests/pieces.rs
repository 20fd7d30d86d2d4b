//! Pieces: auto-assembled montages that fill their length exactly from cleared, selected
//! assets; documents that round-trip and keep their versions; revocation that blocks every
//! piece using the contributor.

use std::path::Path;
use std::process::Command;

use crate::common::*;
use chorus::campaign;
use chorus::catalog::{self, Curation};
use chorus::media::Kind;
use chorus::piece::{self, assemble};
use chorus::rights::{Blocker, Channel, Usage};

const PICKS: [&str; 10] = [
    "beach_day.mp4",
    "unboxing_vertical.mp4",
    "skate_trick.mov",
    "sunset_silent.mp4",
    "concert.webm",
    "family_picnic.jpg",
    "portrait_rotated.jpg",
    "hiking_gps.jpg",
    "fan_art.png",
    "party.gif",
];

fn web_campaign(s: &mut Ingested) -> campaign::Campaign {
    let ids: Vec<i64> = PICKS.iter().map(|n| asset_named(&s.lib, n).id).collect();
    catalog::curate(&mut s.lib, &ids, Curation::Selected).unwrap();
    let skate = asset_named(&s.lib, "skate_trick.mov").id;
    catalog::rate(&mut s.lib, &[skate], "5").unwrap();
    let usage = Usage {
        channels: [Channel::Web, Channel::Social].into(),
        territories: ["US".to_string()].into(),
        starts_on: campaign::parse_date("2026-07-01").unwrap(),
        ends_on: campaign::parse_date("2026-07-31").unwrap(),
    };
    campaign::create(s.lib.conn(), "Web July", &usage).unwrap()
}

fn chorus(lib: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_chorus"))
        .arg("--library")
        .arg(lib)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn auto_assemble_fills_the_length_exactly_from_cleared_selected_assets() {
    let mut s = ingest_samples();
    let c = web_campaign(&mut s);
    let conn = s.lib.conn();
    let party = asset_named(&s.lib, "party.gif").id;

    for (preset, length) in [
        (piece::Preset::Story9x16, 15),
        (piece::Preset::Hero16x9, 30),
        (piece::Preset::Square1x1, 6),
    ] {
        let doc = assemble::auto_montage(&s.lib, &c, "auto", preset, length).unwrap();
        assert_eq!(
            doc.duration_frames(),
            length * piece::FPS,
            "{preset:?} {length}s fills exactly"
        );
        let piece::Content::Montage(m) = &doc.content else {
            panic!("a montage")
        };
        assert!(
            !doc.asset_ids().contains(&party),
            "party.gif has no rights and never appears"
        );
        for item in &m.items {
            let a = catalog::get(conn, item.asset_id).unwrap();
            assert_eq!(a.curation, Curation::Selected);
            assert_eq!(item.source_hash, a.hash);
            assert_eq!(item.credit, a.contributor.unwrap().handle.unwrap());
            if item.kind == Kind::Clip {
                assert!(
                    item.out_ms <= a.duration_ms.unwrap() as u64,
                    "trim inside the clip"
                );
            }
        }
        doc.validate(conn).unwrap();
        assert_eq!(m.intro_card, length >= 15);
    }

    // Best first, then every contributor before anyone appears twice.
    let doc = assemble::auto_montage(&s.lib, &c, "auto", piece::Preset::Hero16x9, 30).unwrap();
    let piece::Content::Montage(m) = &doc.content else {
        panic!()
    };
    assert_eq!(
        m.items[0].asset_id,
        asset_named(&s.lib, "skate_trick.mov").id,
        "the 5-star clip leads"
    );
    let first_five: std::collections::BTreeSet<&str> =
        m.items.iter().take(5).map(|i| i.credit.as_str()).collect();
    assert_eq!(
        first_five.len(),
        5,
        "five contributors before a repeat: {first_five:?}"
    );

    // Not enough material is a sentence, not a short ad.
    let err = assemble::auto_montage(&s.lib, &c, "auto", piece::Preset::Hero16x9, 60)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("fill only") && err.contains("select and clear more"),
        "{err}"
    );
}

#[test]
fn pieces_are_versioned_documents_that_round_trip_through_files() {
    let mut s = ingest_samples();
    let c = web_campaign(&mut s);
    let lib = s.lib.root().to_path_buf();
    chorus(
        &lib,
        &[
            "piece",
            "auto",
            "--campaign",
            "Web July",
            "--preset",
            "story_9x16",
            "--length",
            "15",
            "--name",
            "Story",
        ],
    );
    let file = s.dir.path().join("story.json");
    chorus(
        &lib,
        &["piece", "export", "Story", "--out", file.to_str().unwrap()],
    );
    let mut doc: piece::PieceDoc =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(doc.format, piece::FORMAT);
    assert_eq!(doc.preset, piece::Preset::Story9x16);

    // Edit as a file: swap the first two cards and make the second cut a crossfade.
    let piece::Content::Montage(m) = &mut doc.content else {
        panic!()
    };
    m.items.swap(0, 1);
    m.items[1].transition = piece::Transition {
        kind: piece::TransitionKind::Crossfade,
        duration_ms: 300,
    };
    std::fs::write(&file, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let shown = chorus(
        &lib,
        &["piece", "edit", "Story", "--file", file.to_str().unwrap()],
    );
    assert!(shown.contains("(version 2)"), "{shown}");
    let stored = piece::get(s.lib.conn(), "Story").unwrap();
    assert_eq!(stored.document, doc);
    assert_eq!(
        stored.document.duration_frames(),
        450 - 9,
        "a 300 ms crossfade overlaps 9 frames"
    );
    let versions: i64 = s
        .lib
        .conn()
        .query_row(
            "SELECT count(*) FROM piece_versions WHERE piece_id = ?",
            [stored.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(versions, 2);

    // A document that lies about a clip is refused with the reason.
    let piece::Content::Montage(m) = &mut doc.content else {
        panic!()
    };
    let clip = m.items.iter_mut().find(|i| i.kind == Kind::Clip).unwrap();
    clip.out_ms = 600_000;
    let err = doc.validate(s.lib.conn()).unwrap_err().to_string();
    assert!(
        err.contains("trim ends at 600000 ms but the clip lasts"),
        "{err}"
    );
    assert!(piece::list(s.lib.conn(), &c).unwrap().len() == 1);
}

#[test]
fn revoking_a_contributor_blocks_every_piece_that_uses_them() {
    let mut s = ingest_samples();
    let c = web_campaign(&mut s);
    let lib = s.lib.root().to_path_buf();
    chorus(
        &lib,
        &[
            "piece",
            "auto",
            "--campaign",
            "Web July",
            "--length",
            "30",
            "--name",
            "Hero",
        ],
    );
    let before = chorus(&lib, &["campaign", "status", "Web July"]);
    assert!(before.contains("piece 1 'Hero': cleared"), "{before}");

    chorus(
        &lib,
        &[
            "rights",
            "revoke",
            "@benskates",
            "--reason",
            "asked to stop",
        ],
    );
    let after = chorus(&lib, &["campaign", "status", "Web July"]);
    assert!(after.contains("piece 1 'Hero': BLOCKED"), "{after}");
    let skate = asset_named(&s.lib, "skate_trick.mov").id;
    assert!(
        after.contains(&format!(
            "asset {skate}: the contributor withdrew permission"
        )),
        "{after}"
    );

    let p = piece::get(s.lib.conn(), "Hero").unwrap();
    let st = piece::status(s.lib.conn(), &c, &p).unwrap();
    assert!(st
        .blocked
        .iter()
        .any(|(a, b)| *a == skate && matches!(b[0], Blocker::Revoked { .. })));
    assert!(st.blocked.iter().all(|(a, _)| {
        let who = catalog::get(s.lib.conn(), *a)
            .unwrap()
            .contributor
            .unwrap()
            .handle
            .unwrap();
        who == "@benskates"
    }));
}
