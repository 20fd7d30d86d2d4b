//! Export: the folder a marketer hands over — media per preset, poster, credits, the rights
//! report for exactly the assets used, a manifest that traces every second to its source
//! and grant — and no customer metadata in any of it (checked with exiftool).

use std::process::Command;

use crate::common::*;
use chorus::campaign;
use chorus::catalog::{self, Curation};
use chorus::export::{self, ExportError, Manifest};
use chorus::media::Kind;
use chorus::piece;
use chorus::rights::{Channel, Usage};

fn item(s: &Ingested, name: &str, in_ms: u64, out_ms: u64) -> piece::Item {
    let a = asset_named(&s.lib, name);
    piece::Item {
        asset_id: a.id,
        source_hash: a.hash.clone(),
        kind: a.kind,
        in_ms,
        out_ms,
        pan_zoom: a.kind == Kind::Photo,
        fit: piece::Fit::BlurredFill,
        transition: piece::Transition::default(),
        credit: a.contributor.and_then(|c| c.handle).unwrap_or_default(),
        sound: Default::default(),
        captions: Vec::new(),
    }
}

#[test]
fn export_writes_media_poster_credits_report_and_a_traceable_manifest() {
    let mut s = ingest_samples();
    let ids: Vec<i64> = ["beach_day.mp4", "hiking_gps.jpg", "sunset_silent.mp4"]
        .iter()
        .map(|n| asset_named(&s.lib, n).id)
        .collect();
    catalog::curate(&mut s.lib, &ids, Curation::Selected).unwrap();
    let usage = Usage {
        channels: [Channel::Web].into(),
        territories: ["US".to_string()].into(),
        starts_on: campaign::parse_date("2026-07-01").unwrap(),
        ends_on: campaign::parse_date("2026-07-31").unwrap(),
    };
    let c = campaign::create(s.lib.conn(), "Export test", &usage).unwrap();
    // The GPS-tagged photo and the clip with a creation time are in it on purpose.
    let doc = montage(
        "Summer Wall",
        piece::Preset::Square1x1,
        vec![
            item(&s, "beach_day.mp4", 0, 1000),
            item(&s, "hiking_gps.jpg", 0, 1000),
            item(&s, "sunset_silent.mp4", 500, 1500),
        ],
    );
    let p = piece::create(s.lib.conn(), &c, &doc).unwrap();
    let out = s.dir.path().join("exports");
    std::fs::create_dir_all(&out).unwrap();
    let presets = [piece::Preset::Square1x1, piece::Preset::Story9x16];
    let folder = export::export(&s.lib, &c, &p, &presets, &[], &out, &mut |_| true).unwrap();
    assert_eq!(folder, out.join("summer-wall"));
    for f in [
        "summer-wall-square_1x1.mp4",
        "summer-wall-story_9x16.mp4",
        "poster.jpg",
        "credits.txt",
        "rights-report.csv",
        "rights-report.html",
        "manifest.json",
    ] {
        assert!(folder.join(f).is_file(), "{f} is in the export");
    }

    let credits = std::fs::read_to_string(folder.join("credits.txt")).unwrap();
    let ana = credits
        .find("@ana.surfs (Ana Souza)")
        .expect("Ana credited");
    let emma = credits
        .find("@emmalund (Emma Lund)")
        .expect("Emma credited");
    assert!(ana < emma, "credits in order of appearance:\n{credits}");
    assert_eq!(
        credits.matches("@ana.surfs").count(),
        1,
        "each contributor once"
    );

    let manifest: Manifest =
        serde_json::from_str(&std::fs::read_to_string(folder.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest.piece, doc);
    assert_eq!(manifest.outputs.len(), 2);
    for (src, id) in manifest.sources.iter().zip(&ids) {
        assert_eq!(src.asset_id, *id);
        assert_eq!(src.blake3, catalog::get(s.lib.conn(), *id).unwrap().hash);
        assert!(
            !src.grant_ids.is_empty(),
            "every source names the grant that covers it"
        );
    }
    for o in &manifest.outputs {
        assert_eq!(o.duration_ms, 3000);
        let spans: Vec<(u64, u64, i64)> = o
            .timeline
            .iter()
            .map(|t| (t.from_ms, t.to_ms, t.asset_id))
            .collect();
        assert_eq!(
            spans,
            [
                (0, 1000, ids[0]),
                (1000, 2000, ids[1]),
                (2000, 3000, ids[2])
            ]
        );
    }
    let report = std::fs::read_to_string(folder.join("rights-report.csv")).unwrap();
    assert_eq!(report.lines().count(), 4, "exactly the three assets used");

    // No customer metadata in anything exported.
    let exif = Command::new("exiftool")
        .args(["-j", "-G", "-a"])
        .arg(folder.join("summer-wall-square_1x1.mp4"))
        .arg(folder.join("poster.jpg"))
        .output()
        .expect("exiftool (installed by scripts/bootstrap.sh test)");
    let text = String::from_utf8_lossy(&exif.stdout);
    assert!(
        exif.status.success() && text.contains("summer-wall"),
        "{text}"
    );
    for leak in [
        "GPS",
        "Pixel 8",
        "Google",
        "Canon",
        "2026:06:01",
        "2026-06-01",
        // Camera make and model under any group (EXIF, XMP, QuickTime); the sRGB
        // profile's own header (ICC-header:DeviceModel) is not a customer's.
        ":Make\"",
        ":Model\"",
    ] {
        assert!(
            !text.contains(leak),
            "exported files carry '{leak}':\n{text}"
        );
    }

    // A second export of the same piece into the same place is refused, not mixed in.
    let again = export::export(&s.lib, &c, &p, &presets, &[], &out, &mut |_| true).unwrap_err();
    assert!(matches!(again, ExportError::Exists { .. }), "{again}");
    let left: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left.len(), 1, "no partial folder left behind: {left:?}");
}
