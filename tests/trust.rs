//! Trust that can be proved: the audit chain and grants derived from it, attacked the way
//! someone with sqlite3 would (triggers dropped, rows edited, events deleted or forged, the
//! whole chain recomputed); erasure that leaves nothing of a person; a copy of everything
//! held about one; the report an agency may see.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::*;
use chorus::api::{self, ContributorId, PieceId};
use chorus::campaign;
use chorus::library::Library;
use chorus::rights::{self, Blocker, Channel, Clearance, Usage};
use rusqlite::Connection;

fn chorus(lib: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chorus"))
        .arg("--library")
        .arg(lib)
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn web_campaign(lib: &Library) -> campaign::Campaign {
    campaign::create(
        lib.conn(),
        "Web",
        &Usage {
            channels: [Channel::Web].into(),
            territories: ["US".to_string()].into(),
            starts_on: campaign::parse_date("2027-03-01").unwrap(),
            ends_on: campaign::parse_date("2027-03-31").unwrap(),
        },
    )
    .unwrap()
}

fn grant_web(lib: &mut Library, assets: &[i64], until: Option<&str>) {
    api::rights::grant(
        lib,
        &api::rights::GrantForm {
            asset_ids: assets.to_vec(),
            contributor_id: None,
            channels: vec![Channel::Web],
            territories: vec!["US".into()],
            valid_from: Some(campaign::parse_date("2026-01-01").unwrap()),
            valid_until: until.map(|u| campaign::parse_date(u).unwrap()),
            age: rights::Age::Adult,
            guardian: None,
            evidence: "Signed release: yes, on the website.".into(),
            source: "release".into(),
        },
    )
    .unwrap();
}

fn blockers_of(lib: &Library, asset: i64, c: &campaign::Campaign) -> Vec<Blocker> {
    match rights::clearance_for(lib.conn(), asset, c).unwrap() {
        Clearance::Blocked { blockers } => blockers,
        _ => vec![],
    }
}

/// A copy of the library, changed with SQL the way a person with sqlite3 would.
fn tampered(lib: &Path, into: &Path, sql: &str) -> PathBuf {
    let copy = into.join(format!("copy-{}", blake3::hash(sql.as_bytes()).to_hex()));
    fs::create_dir_all(&copy).unwrap();
    let src = Connection::open(lib.join("chorus.db")).unwrap();
    src.execute("VACUUM INTO ?", [copy.join("chorus.db").to_str().unwrap()])
        .unwrap();
    let conn = Connection::open(copy.join("chorus.db")).unwrap();
    conn.execute_batch(sql).unwrap();
    copy
}

#[test]
fn the_audit_chain_verifies_and_every_hand_edit_is_named_and_refused() {
    let mut s = ingest_samples();
    let beach = asset_named(&s.lib, "beach_day.mp4").id; // Ana
    let skate = asset_named(&s.lib, "skate_trick.mov").id; // Ben
    let sunset = asset_named(&s.lib, "sunset_silent.mp4").id; // Emma
    let concert = asset_named(&s.lib, "concert.webm").id; // Dev
    grant_web(&mut s.lib, &[beach, skate, sunset, concert], None);
    let c = web_campaign(&s.lib);
    // Emma withdraws; Dev says no after all.
    api::rights::revoke(
        &mut s.lib,
        &api::rights::Subject::Assets(vec![api::AssetId(sunset)]),
        campaign::parse_date("2026-12-01").unwrap(),
        "Please stop using my clip",
    )
    .unwrap();
    api::rights::deny(
        &mut s.lib,
        &api::rights::Subject::Assets(vec![api::AssetId(concert)]),
        "No, not on the website please",
        "email",
    )
    .unwrap();
    for a in [beach, skate] {
        assert!(blockers_of(&s.lib, a, &c).is_empty(), "asset {a} clears");
    }
    assert!(matches!(
        blockers_of(&s.lib, sunset, &c).as_slice(),
        [Blocker::Revoked { .. }]
    ));

    let root = s.lib.root().to_path_buf();
    let v = chorus(&root, &["rights", "verify"]);
    assert!(v.status.success(), "{}", text(&v));
    assert!(text(&v).contains("audit verified"), "{}", text(&v));
    let before = api::rights::verify(&s.lib).unwrap();
    assert!(before.verified() && before.events > 10, "{before:#?}");

    let grant_of = |asset: i64, decision: &str| -> i64 {
        s.lib
            .conn()
            .query_row(
                "SELECT max(id) FROM grants WHERE asset_id = ?1 AND decision = ?2",
                rusqlite::params![asset, decision],
                |r| r.get(0),
            )
            .unwrap()
    };
    let emma_grant = grant_of(sunset, "granted");
    let dev_denial = grant_of(concert, "denied");
    let ben_grant = grant_of(skate, "granted");
    let event_of = |grant: i64| -> i64 {
        s.lib
            .conn()
            .query_row(
                "SELECT min(id) FROM audit_events WHERE grant_id = ?",
                [grant],
                |r| r.get(0),
            )
            .unwrap()
    };
    let work = s.dir.path().join("attacks");

    // Each attack on its own copy: what verify says, and what the gate does.
    let attacks: Vec<(String, String, i64, bool)> = vec![
        (
            format!("UPDATE grants SET revoked_on = NULL, revoked_reason = NULL WHERE id = {emma_grant}"),
            format!("grant {emma_grant}"),
            sunset,
            false,
        ),
        (
            format!("DELETE FROM grants WHERE id = {dev_denial}"),
            format!("grant {dev_denial}"),
            concert,
            false,
        ),
        (
            format!("UPDATE grants SET guardian = 'Forged Name, mother', age = 'minor' WHERE id = {ben_grant}"),
            format!("grant {ben_grant}"),
            skate,
            false,
        ),
        (
            format!(
                "DROP TRIGGER audit_events_no_update;
                 UPDATE audit_events SET detail = replace(detail, 'website', 'TV') WHERE id = {}",
                event_of(dev_denial)
            ),
            format!("audit event {}", event_of(dev_denial)),
            beach,
            true,
        ),
        (
            format!(
                "DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events WHERE id = {}",
                event_of(emma_grant) + 1
            ),
            format!("audit event {} was deleted", event_of(emma_grant) + 1),
            beach,
            true,
        ),
        (
            "INSERT INTO audit_events (at, actor, action, contributor_id, asset_id, grant_id, detail, detail_hash, prev_hash, hash)
             VALUES ('2026-01-01T00:00:00Z', 'mallory', 'grant', 1, NULL, NULL, '{}', 'x', 'y', 'z')"
                .to_string(),
            "audit event".to_string(),
            beach,
            true,
        ),
    ];
    for (sql, named, victim, chain) in attacks {
        let copy = tampered(&root, &work, &sql);
        let out = chorus(&copy, &["rights", "verify"]);
        assert_eq!(out.status.code(), Some(1), "{sql}: {}", text(&out));
        assert!(
            text(&out).contains("does NOT verify") && text(&out).contains(&named),
            "{sql}: expected {named:?} in {}",
            text(&out)
        );
        let lib = Library::open(&copy).unwrap();
        let c = campaign::get(lib.conn(), "Web").unwrap();
        let b = blockers_of(&lib, victim, &c);
        if chain {
            assert!(
                matches!(b.as_slice(), [Blocker::AuditBroken { .. }]),
                "{sql}: {b:?}"
            );
        } else {
            assert!(
                matches!(b.as_slice(), [Blocker::GrantAltered { .. }]),
                "{sql}: {b:?}"
            );
            // Other contributors' grants still clear.
            assert!(blockers_of(&lib, beach, &c).is_empty(), "{sql}");
        }
        // No one can override it either.
        assert!(b.iter().all(|b| !b.can_be_overridden()));
    }
}

#[test]
fn an_export_records_the_chain_head_so_a_recomputed_chain_is_found_out() {
    let (mut s, ids, doc) = phones_piece();
    // One more grant that ends sooner: the export is valid until then.
    grant_web(&mut s.lib, &[ids[1]], Some("2027-12-31"));
    let c = campaign::get(s.lib.conn(), "Phones").unwrap();
    let p = chorus::piece::create(s.lib.conn(), &c, &doc).unwrap();
    let out = s.dir.path().join("out");
    let folder = api::exports::export(
        &s.lib,
        PieceId(p.id),
        &[chorus::piece::Preset::Hero16x9],
        &[],
        Some(&out),
        &mut |_| true,
    )
    .unwrap();
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(folder.join("manifest.json")).unwrap()).unwrap();
    // The newest event when it was made (the thank-you it drafts comes after).
    let head_id = manifest["audit_head"]["event_id"].as_i64().unwrap();
    let hash: String = s
        .lib
        .conn()
        .query_row(
            "SELECT hash FROM audit_events WHERE id = ?",
            [head_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(manifest["audit_head"]["hash"], hash.as_str());
    let grants_before: i64 = s
        .lib
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_events WHERE action = 'grant' AND id <= ?",
            [head_id],
            |r| r.get(0),
        )
        .unwrap();
    assert!(grants_before >= 2);
    assert!(manifest["valid_until"].is_null() || manifest["valid_until"] == "2027-12-31");

    // Someone widens a grant to another country, in its row and in its event alike, and
    // recomputes every hash so the chain links again and the row matches its event.
    let db = Connection::open(s.lib.root().join("chorus.db")).unwrap();
    db.execute_batch(
        "DROP TRIGGER audit_events_no_update;
         UPDATE audit_events SET detail = replace(detail, '\"US\"', '\"GB\"')
             WHERE id = (SELECT min(id) FROM audit_events WHERE action = 'grant');
         UPDATE grants SET territories = replace(territories, '\"US\"', '\"GB\"')
             WHERE id = (SELECT grant_id FROM audit_events WHERE id =
                 (SELECT min(id) FROM audit_events WHERE action = 'grant'));",
    )
    .unwrap();
    chorus::audit::seal_existing(&db).unwrap();
    let rechained = api::rights::verify(&s.lib).unwrap();
    assert!(
        rechained.breaks.is_empty() && rechained.altered.is_empty(),
        "{rechained:#?}"
    );
    let v = chorus(s.lib.root(), &["rights", "verify"]);
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    assert!(
        text(&v).contains(&format!("{}", folder.display())) && text(&v).contains("rewritten"),
        "{}",
        text(&v)
    );
}

/// Every text and blob in every table (the search index's own tables included), lower case.
fn all_rows(conn: &Connection) -> Vec<(String, String)> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..n {
                let v = match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => {
                        String::from_utf8_lossy(b).to_lowercase()
                    }
                    _ => continue,
                };
                out.push((t.clone(), v));
            }
        }
    }
    out
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().to_path_buf())
        .collect()
}

fn contains(hay: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    hay.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

#[test]
fn erasing_a_contributor_leaves_nothing_of_them_and_blocks_their_pieces() {
    let mut s = ingest_samples();
    let beach = asset_named(&s.lib, "beach_day.mp4"); // Ana Souza
    let hiking = asset_named(&s.lib, "hiking_gps.jpg"); // Ana Souza
    let skate = asset_named(&s.lib, "skate_trick.mov"); // Ben Okafor
    let ana = beach.contributor.clone().unwrap();
    grant_web(&mut s.lib, &[beach.id, hiking.id, skate.id], None);
    let c = web_campaign(&s.lib);
    let mut shot_of_ana = clip_item(beach.id, 0, 1000);
    shot_of_ana.credit = "@ana.surfs".into();
    shot_of_ana.captions = vec![chorus::piece::captions::Cue {
        start_ms: 0,
        end_ms: 900,
        text: "Ana Souza at the beach".into(),
    }];
    // Ben's shot is credited to a handle that only starts like hers: it stays.
    let mut shot_of_ben = clip_item(skate.id, 0, 1000);
    shot_of_ben.credit = "@ana.surfsclub".into();
    let doc = montage(
        "Ana and Ben",
        chorus::piece::Preset::Hero16x9,
        vec![shot_of_ana, shot_of_ben],
    );
    let p = chorus::piece::create(s.lib.conn(), &c, &doc).unwrap();
    // One export in the library's own folder, one outside it.
    let own = api::exports::export(
        &s.lib,
        PieceId(p.id),
        &[chorus::piece::Preset::Hero16x9],
        &[],
        None,
        &mut |_| true,
    )
    .unwrap();
    let outside = api::exports::export(
        &s.lib,
        PieceId(p.id),
        &[chorus::piece::Preset::Hero16x9],
        &[],
        Some(&s.dir.path().join("agency")),
        &mut |_| true,
    )
    .unwrap();
    assert!(own.starts_with(s.lib.root()) && !outside.starts_with(s.lib.root()));
    // A reply of hers waits for a person.
    let replies = s.dir.path().join("replies.csv");
    fs::write(
        &replies,
        "handle,text,date\nana@example.com,Maybe? Can we talk first,2026-06-21\n",
    )
    .unwrap();
    api::rights::import_replies(&mut s.lib, &[replies.to_string_lossy().to_string()]).unwrap();
    assert_eq!(api::rights::pending_replies(&s.lib).unwrap().len(), 1);

    // Article 15 first: everything held about her, readable.
    let access = s.dir.path().join("access");
    let folder = api::privacy::export(&s.lib, ContributorId(ana.id), &access).unwrap();
    let data: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(folder.join("data.json")).unwrap()).unwrap();
    assert_eq!(data["contributor"]["email"], "ana@example.com");
    assert_eq!(data["submissions"].as_array().unwrap().len(), 2);
    assert!(!data["grants"].as_array().unwrap().is_empty());
    assert!(data["pieces"][0]["name"] == "Ana and Ben");
    assert_eq!(data["exports"].as_array().unwrap().len(), 2);
    assert!(!data["audit_events"].as_array().unwrap().is_empty());
    let html = fs::read_to_string(folder.join("index.html")).unwrap();
    assert!(html.contains("What we hold about Ana Souza") && html.contains("beach_day.mp4"));
    let original = s
        .lib
        .store()
        .original(&chorus::library::ContentHash::parse(&beach.hash).unwrap());
    assert_eq!(
        fs::read(folder.join("submissions/beach-day.mp4"))
            .unwrap_or_else(|_| panic!("{:?}", files_under(&folder))),
        fs::read(&original).unwrap()
    );

    let others_before: i64 = s
        .lib
        .conn()
        .query_row(
            "SELECT count(*) FROM grants WHERE contributor_id != ?",
            [ana.id],
            |r| r.get(0),
        )
        .unwrap();
    let root = s.lib.root().to_path_buf();
    let out = chorus(&root, &["contributor", "erase", "ana@example.com", "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("Ana and Ben") && said.contains("WITHDRAW"),
        "{said}"
    );
    assert!(said.contains(&outside.display().to_string()), "{said}");
    assert!(
        outside.exists(),
        "an export outside the library is the user's to withdraw"
    );
    assert!(
        !own.exists(),
        "the library's own copy of a piece showing her goes"
    );

    // Nothing of her anywhere in the library: files, database pages, any table.
    let needles = [
        "Ana Souza".to_string(),
        "ana@example.com".to_string(),
        "ana.surfs".to_string(),
        beach.hash.clone(),
        hiking.hash.clone(),
    ];
    for f in files_under(&root) {
        let bytes = String::from_utf8_lossy(&fs::read(&f).unwrap()).replace("@ana.surfsclub", "");
        let bytes = bytes.as_bytes();
        for n in &needles {
            assert!(!contains(bytes, n), "{} still holds {n}", f.display());
        }
    }
    let lib = Library::open(&root).unwrap();
    for (table, value) in all_rows(lib.conn()) {
        // Ben's credit only starts like her handle; it is someone else's and stays.
        let value = value.replace("@ana.surfsclub", "");
        for n in needles
            .iter()
            .map(|n| n.to_lowercase())
            .chain(["souza".into()])
        {
            assert!(
                !value.contains(&n),
                "table {table} still holds {n}: {value}"
            );
        }
    }
    assert!(integrity_ok(&lib));
    // The chain still verifies: her events lost their detail, not their hashes.
    let v = api::rights::verify(&lib).unwrap();
    assert!(v.verified(), "{v:#?}");
    // Her pieces are blocked and say why; her assets are gone from the grid; Ben is untouched.
    let c = campaign::get(lib.conn(), "Web").unwrap();
    assert_eq!(
        blockers_of(&lib, beach.id, &c),
        vec![Blocker::ContributorErased]
    );
    assert!(blockers_of(&lib, skate.id, &c).is_empty());
    let piece = chorus::piece::get(lib.conn(), &p.id.to_string()).unwrap();
    let status = chorus::piece::status(lib.conn(), &c, &piece).unwrap();
    assert_eq!(status.blocked.len(), 1);
    let chorus::piece::Content::Montage(m) = &piece.document.content else {
        panic!("a montage");
    };
    assert_eq!(m.items[0].credit, "");
    assert!(m.items[0].captions.is_empty());
    assert_eq!(
        m.items[1].credit, "@ana.surfsclub",
        "someone else's credit stays"
    );
    let grid = chorus::catalog::list(lib.conn(), &chorus::catalog::Filter::default()).unwrap();
    assert!(grid.iter().all(|a| a.id != beach.id && a.id != hiking.id));
    assert!(grid.iter().any(|a| a.id == skate.id));
    let others_after: i64 = lib
        .conn()
        .query_row("SELECT count(*) FROM grants", [], |r| r.get(0))
        .unwrap();
    assert_eq!(others_after, others_before);
    drop(lib);

    // She sends again from the same address: flagged, never merged into anyone.
    let again = s.dir.path().join("again");
    fs::create_dir_all(&again).unwrap();
    fs::copy(samples().join("family_picnic.jpg"), again.join("new.jpg")).unwrap();
    fs::write(
        again.join("form.csv"),
        "Submitted At,Handle,Full Name,Email,File\n2026-12-01T10:00:00Z,@ana.surfs,Ana Souza,ana@example.com,new.jpg\n",
    )
    .unwrap();
    let out = chorus(
        &root,
        &[
            "ingest",
            again.to_str().unwrap(),
            "--manifest",
            again.join("form.csv").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let lib = Library::open(&root).unwrap();
    let flagged: Option<String> = lib
        .conn()
        .query_row(
            "SELECT previously_erased FROM contributors WHERE email = 'ana@example.com'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(flagged.is_some(), "a returning erased address is flagged");
    let list = chorus(&root, &["contributors"]);
    assert!(
        text(&list).contains("ana@example.com") && text(&list).contains("previously erased"),
        "{}",
        text(&list)
    );
}

#[test]
fn repair_replaces_blocked_shots_with_cleared_ones_of_the_same_kind_shape_and_length() {
    let names = [
        "beach_day.mp4",
        "skate_trick.mov",
        "sunset_silent.mp4",
        "concert.webm",
        "unboxing_vertical.mp4",
    ];
    let files: Vec<PathBuf> = names.iter().map(|n| samples().join(n)).collect();
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    // No consent on this form: only the grants below clear anything.
    let mut s = ingest_from_someone(&refs);
    let beach = asset_named(&s.lib, "beach_day.mp4").id; // wide
    let skate = asset_named(&s.lib, "skate_trick.mov").id;
    let sunset = asset_named(&s.lib, "sunset_silent.mp4").id; // wide
    let concert = asset_named(&s.lib, "concert.webm").id; // wide, never cleared
    let tall = asset_named(&s.lib, "unboxing_vertical.mp4").id;
    grant_web(&mut s.lib, &[beach, skate, sunset, tall], None);
    chorus::catalog::curate(&mut s.lib, &[sunset], chorus::catalog::Curation::Selected).unwrap();
    let c = web_campaign(&s.lib);
    let doc = montage(
        "Repairable",
        chorus::piece::Preset::Hero16x9,
        vec![clip_item(beach, 0, 1200), clip_item(skate, 0, 1000)],
    );
    let p = chorus::piece::create(s.lib.conn(), &c, &doc).unwrap();
    let length = p.document.duration_ms();
    // Nothing blocked: nothing to do, nothing saved.
    let none = api::pieces::repair(&s.lib, PieceId(p.id)).unwrap();
    assert!(none.piece.is_none() && none.swaps.is_empty(), "{none:?}");

    api::rights::revoke(
        &mut s.lib,
        &api::rights::Subject::Assets(vec![api::AssetId(beach)]),
        campaign::parse_date("2026-01-02").unwrap(),
        "Please take it down",
    )
    .unwrap();
    let root = s.lib.root().to_path_buf();
    let out = chorus(&root, &["piece", "repair", &p.id.to_string()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("beach_day.mp4") && text(&out).contains("sunset_silent.mp4"),
        "{}",
        text(&out)
    );
    let repaired = chorus::piece::get(s.lib.conn(), &p.id.to_string()).unwrap();
    assert_eq!(repaired.version, p.version + 1);
    assert_eq!(
        repaired.document.duration_ms(),
        length,
        "the piece keeps its exact length"
    );
    let ids = repaired.document.asset_ids();
    assert!(
        ids.contains(&sunset) && !ids.contains(&beach) && !ids.contains(&tall),
        "{ids:?}"
    );
    let status = chorus::piece::status(s.lib.conn(), &c, &repaired).unwrap();
    assert!(status.blocked.is_empty(), "{status:?}");

    // Emma withdraws too: no cleared wide clip is left, so nothing is saved, and it says
    // how long the gap is and what could fill it if cleared.
    api::rights::revoke(
        &mut s.lib,
        &api::rights::Subject::Assets(vec![api::AssetId(sunset)]),
        campaign::parse_date("2026-01-02").unwrap(),
        "Me too",
    )
    .unwrap();
    let out = chorus(&root, &["piece", "repair", &p.id.to_string(), "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let r: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(r["missing_ms"], 1200);
    assert!(r["summary"].as_str().unwrap().contains("1.2 s"), "{r}");
    let could: Vec<i64> = r["could_fill"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["asset_id"].as_i64().unwrap())
        .collect();
    assert!(could.contains(&concert) && !could.contains(&tall), "{r}");
    assert!(r["piece"].is_null());
    assert_eq!(
        chorus::piece::get(s.lib.conn(), &p.id.to_string())
            .unwrap()
            .version,
        repaired.version
    );
}

/// Every tag exiftool reads from a file, by group:name.
fn exif(path: &Path) -> serde_json::Value {
    let out = Command::new("exiftool")
        .args(["-j", "-G", "-a", "-struct"])
        .arg(path)
        .output()
        .expect("exiftool (installed by scripts/bootstrap.sh test)");
    assert!(out.status.success(), "{}", text(&out));
    serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()[0].clone()
}

fn credentials_of(path: &Path, mime: &str) -> c2pa::Reader {
    c2pa::Reader::from_context(c2pa::Context::new())
        .with_stream(mime, fs::File::open(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The manifest's failures, apart from the untrusted root (the library signs with its own
/// CA, which no validator trusts until a brand installs a trusted certificate).
fn failures(r: &c2pa::Reader) -> Vec<String> {
    r.validation_results()
        .and_then(|v| v.active_manifest())
        .map(|m| {
            m.failure()
                .iter()
                .map(|s| s.code().to_string())
                .collect::<Vec<String>>()
        })
        .unwrap_or_default()
        .into_iter()
        .filter(|c: &String| c != c2pa::validation_status::SIGNING_CREDENTIAL_UNTRUSTED)
        .collect()
}

#[test]
fn exports_carry_rights_metadata_and_signed_content_credentials() {
    let (s, ids, doc) = phones_piece();
    let hashes: Vec<String> = ids
        .iter()
        .map(|i| chorus::catalog::get(s.lib.conn(), *i).unwrap().hash)
        .collect();
    api::settings::set(&s.lib, "brand_name", "Lumio").unwrap();
    // A rights page that is not a web address is refused, one that is, is written.
    assert!(api::settings::set(&s.lib, "rights_url", "javascript:alert(1)").is_err());
    api::settings::set(
        &s.lib,
        "rights_url",
        "https://lumio.example/customer-content",
    )
    .unwrap();
    let c = campaign::get(s.lib.conn(), "Phones").unwrap();
    let p = chorus::piece::create(s.lib.conn(), &c, &doc).unwrap();
    let folder = api::exports::export(
        &s.lib,
        PieceId(p.id),
        &[chorus::piece::Preset::Hero16x9],
        &[],
        Some(&s.dir.path().join("out")),
        &mut |_| true,
    )
    .unwrap();
    let mp4 = folder.join("phones-hero_16x9.mp4");
    let jpg = folder.join("poster.jpg");

    // The fields DAMs and stock sites read, as exiftool reads them.
    for (file, group) in [(&jpg, "XMP"), (&mp4, "XMP")] {
        let tags = exif(file);
        let get = |name: &str| {
            tags.as_object()
                .unwrap()
                .iter()
                .find(|(k, _)| k.starts_with(group) && k.ends_with(&format!(":{name}")))
                .map(|(_, v)| v.to_string())
                .unwrap_or_else(|| panic!("{}: no {name} in {tags:#}", file.display()))
        };
        assert!(get("Rights").contains("Lumio"), "copyright notice");
        assert!(get("Credit").contains("@phone.tester"), "credit line");
        assert!(get("WebStatement").contains("https://lumio.example/customer-content"));
        assert!(get("Licensor").contains("Lumio"));
        assert!(get("ModelReleaseStatus").contains("Limited"));
        let terms = get("UsageTerms");
        assert!(
            terms.contains("website") || terms.contains("web"),
            "{terms}"
        );
        assert!(
            terms.contains("2027-03-31"),
            "valid until the campaign ends: {terms}"
        );
        let all = tags.to_string();
        assert!(!all.contains("GPS") && !all.contains("\":Make\""), "{all}");
    }

    // Content credentials: signed, the assets as ingredients by their hashes, the actions,
    // the rights summary.
    for (file, mime) in [(&mp4, "video/mp4"), (&jpg, "image/jpeg")] {
        let r = credentials_of(file, mime);
        assert_ne!(
            r.validation_state(),
            c2pa::ValidationState::Invalid,
            "{}",
            file.display()
        );
        assert!(
            failures(&r).is_empty(),
            "{}: {:?}",
            file.display(),
            failures(&r)
        );
        let m = r.active_manifest().unwrap();
        let mut found: Vec<String> = m
            .ingredients()
            .iter()
            .map(|i| i.instance_id().to_string())
            .collect();
        found.sort();
        let mut want: Vec<String> = hashes.iter().map(|h| format!("blake3:{h}")).collect();
        want.sort();
        assert_eq!(found, want);
        let actions: c2pa::assertions::Actions =
            m.find_assertion(c2pa::assertions::Actions::LABEL).unwrap();
        let names: Vec<String> = actions
            .actions
            .iter()
            .map(|a| a.action().to_string())
            .collect();
        for a in ["c2pa.placed", "c2pa.cropped", "c2pa.transcoded"] {
            assert!(names.iter().any(|n| n == a), "{names:?}");
        }
        let rights: serde_json::Value = m.find_assertion("com.chorus.rights").unwrap();
        assert_eq!(rights["channels"], serde_json::json!(["web"]));
        assert_eq!(rights["valid_until"], "2027-03-31");
        assert_eq!(m.issuer().as_deref(), Some("Lumio"));
    }
    // With the library's CA as a trust anchor, the signature is trusted.
    let ca = fs::read_to_string(folder.join("content-credentials-ca.pem")).unwrap();
    let ctx = c2pa::Context::new()
        .with_settings(serde_json::json!({ "trust": { "user_anchors": ca } }))
        .unwrap();
    let r = c2pa::Reader::from_context(ctx)
        .with_stream("video/mp4", fs::File::open(&mp4).unwrap())
        .unwrap();
    assert_eq!(r.validation_state(), c2pa::ValidationState::Trusted);
    // A byte changed after export breaks it.
    let mut bytes = fs::read(&mp4).unwrap();
    let n = bytes.len();
    bytes[n / 2] ^= 0xFF;
    let tampered = s.dir.path().join("tampered.mp4");
    fs::write(&tampered, bytes).unwrap();
    assert_eq!(
        credentials_of(&tampered, "video/mp4").validation_state(),
        c2pa::ValidationState::Invalid
    );
    // The video still plays as it should.
    let probe = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "csv=p=0",
        ])
        .arg(&mp4)
        .output()
        .unwrap();
    let secs: f64 = String::from_utf8_lossy(&probe.stdout)
        .trim()
        .parse()
        .unwrap();
    assert!(secs > 1.5, "{secs}");
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(folder.join("manifest.json")).unwrap()).unwrap();
    assert!(manifest["credentials"]["files"].as_array().unwrap().len() >= 2);
}
