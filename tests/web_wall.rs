//! The web wall: a self-contained folder for the home page, holding only what is cleared
//! for the web, light on first view, with no outside requests.

use std::path::Path;
use std::process::Command;

use crate::common::*;
use chorus::api::rights::GrantForm;
use chorus::api::{self, CampaignId, ErrorKind};
use chorus::campaign;
use chorus::catalog::{self, Curation};
use chorus::piece;
use chorus::rights::{Age, Channel, Usage};

fn grant(s: &mut Ingested, ids: &[i64], channels: Vec<Channel>) {
    api::rights::grant(
        &mut s.lib,
        &GrantForm {
            asset_ids: ids.to_vec(),
            contributor_id: None,
            channels,
            territories: vec!["US".into()],
            valid_from: None,
            valid_until: None,
            age: Age::Adult,
            guardian: None,
            evidence: "Yes, use my photos and clips.".into(),
            source: "release".into(),
        },
    )
    .unwrap();
}

fn streams(path: &Path) -> String {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "stream=codec_type,codec_name",
            "-of",
            "csv=p=0",
        ])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn the_wall_shows_only_web_cleared_work_loads_nothing_from_outside_and_starts_light() {
    // No consent on the form: the grants below are the only ones.
    let files = ["beach_day.mp4", "hiking_gps.jpg", "family_picnic.jpg"].map(|f| samples().join(f));
    let mut s = ingest_from_someone(&files.iter().map(|p| p.as_path()).collect::<Vec<_>>());
    let clip = asset_named(&s.lib, "beach_day.mp4");
    let photo = asset_named(&s.lib, "hiking_gps.jpg"); // carries GPS in its EXIF
    let social_only = asset_named(&s.lib, "family_picnic.jpg");
    grant(
        &mut s,
        &[clip.id, photo.id],
        vec![Channel::Web, Channel::Social],
    );
    grant(&mut s, &[social_only.id], vec![Channel::Social]);
    catalog::curate(
        &mut s.lib,
        &[clip.id, photo.id, social_only.id],
        Curation::Selected,
    )
    .unwrap();
    let usage = Usage {
        channels: [Channel::Web, Channel::Social].into(),
        territories: ["US".to_string()].into(),
        starts_on: campaign::parse_date("2027-03-01").unwrap(),
        ends_on: campaign::parse_date("2027-03-31").unwrap(),
    };
    let c = campaign::create(s.lib.conn(), "Spring <fans>", &usage).unwrap();
    let mut first = clip_item(clip.id, 0, 2000);
    first.credit = "@beach".into();
    let hero = montage("Spring hero", piece::Preset::Hero16x9, vec![first]);
    piece::create(s.lib.conn(), &c, &hero).unwrap();
    let out = s.dir.path().join("web");
    let wall =
        api::exports::web_wall(&s.lib, CampaignId(c.id), None, Some(&out), &mut |_| true).unwrap();
    let dir = &wall.folder;
    assert_eq!(wall.hero.as_deref(), Some("Spring hero"));
    // The photo cleared only for social is not on the page; the other two are.
    assert_eq!(wall.tiles.len(), 2, "{:?}", wall.tiles);
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(
        !html.contains("family_picnic"),
        "a social-only photo on the web page"
    );
    assert!(html.contains("Spring &lt;fans&gt;"), "names are escaped");
    assert!(!html.contains("<fans>"));
    // Nothing from outside: no address with a scheme in the page, its style or script.
    for f in ["index.html", "wall.css", "wall.js"] {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        assert!(
            !text.contains("http:") && !text.contains("https:") && !text.contains("//cdn"),
            "{f}"
        );
        assert!(!text.to_lowercase().contains("cookie"), "{f}");
    }
    // Every file the page names is in the folder.
    let mut named = 0;
    for attr in ["src=\"", "href=\"", "poster=\""] {
        for part in html.split(attr).skip(1) {
            let file = part.split('"').next().unwrap();
            assert!(
                dir.join(file).is_file(),
                "the page names {file}, which is not there"
            );
            named += 1;
        }
    }
    let tiles_json = html
        .split("id=\"tiles\">")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    let tiles: serde_json::Value = serde_json::from_str(tiles_json).unwrap();
    for t in tiles.as_array().unwrap() {
        for key in ["poster", "full", "loop_video"] {
            if let Some(f) = t[key].as_str() {
                assert!(
                    dir.join(f).is_file(),
                    "the script names {f}, which is not there"
                );
                named += 1;
            }
        }
    }
    assert!(named >= 9, "{named} files named");
    // The hero loops without sound; a tile's loop is muted; an opened clip has its sound.
    assert_eq!(streams(&dir.join("hero.mp4")).trim(), "h264,video");
    assert_eq!(streams(&dir.join("hero.webm")).trim(), "vp9,video");
    let clip_tile = wall.tiles.iter().find(|t| t.kind == "clip").unwrap();
    assert_eq!(
        streams(&dir.join(clip_tile.loop_video.as_ref().unwrap())).trim(),
        "h264,video"
    );
    assert!(streams(&dir.join(&clip_tile.full)).contains("aac,audio"));
    // The first view (page, hero, posters) is under 3 MB.
    assert!(
        wall.first_view_bytes < 3_000_000,
        "{} bytes",
        wall.first_view_bytes
    );
    // Credits and the rights summary for exactly what is shown.
    assert!(html.contains("rights-report.html") && dir.join("rights-report.html").is_file());
    let report = std::fs::read_to_string(dir.join("rights-report.csv")).unwrap();
    assert!(report.contains("hiking_gps.jpg") && !report.contains("family_picnic"));
    // The customer's GPS does not travel with the photo.
    let photo_tile = wall.tiles.iter().find(|t| t.kind == "photo").unwrap();
    let exif = Command::new("exiftool")
        .arg("-GPS:all")
        .arg(dir.join(&photo_tile.full))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&exif.stdout).trim().is_empty(),
        "GPS in the wall's photo"
    );

    // A campaign with no web channel has no wall.
    let social = Usage {
        channels: [Channel::Social].into(),
        ..usage.clone()
    };
    let c2 = campaign::create(s.lib.conn(), "Socials", &social).unwrap();
    let err = api::exports::web_wall(&s.lib, CampaignId(c2.id), None, Some(&out), &mut |_| true)
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Invalid);
    assert!(err.message.contains("not for the web"), "{}", err.message);
    // Made twice into the same place: refused, the first left as it was.
    let again = api::exports::web_wall(&s.lib, CampaignId(c.id), None, Some(&out), &mut |_| true)
        .unwrap_err();
    assert_eq!(again.kind, ErrorKind::Conflict);
    assert!(dir.join("index.html").is_file());
}
