//! The desktop grid's queries on a 100,000-asset library: p50 and p95 of the same engine
//! calls the app makes (`views::browse`, the FTS search, the rights-status filter).
//!
//! The library is generated once into `bench-data/lib-100k/` (or `CHORUS_BENCH_LIBRARY`):
//! the demo samples are ingested for real (thumbnails included), then their catalog rows
//! are repeated under new hashes with 2,000 contributors, ratings, curation states, tags,
//! search text and form-consent grants, and each new thumbnail is a hard link to its
//! sample's. `make bench` runs this, then times the app itself on the same library.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chorus::catalog::{self, Curation, Filter};
use chorus::ingest;
use chorus::library::Library;
use chorus::media::Kind;
use chorus::rights::{self, Channel, Decision, Evidence, RightsStatus, Scope, Target};
use chorus::rusqlite::params;
use chorus::views::{self, Browse};

const ASSETS: usize = 100_000;
const CONTRIBUTORS: usize = 2_000;
const RUNS: usize = 60;

fn main() {
    // `cargo test --all-targets` runs bench binaries too; only `cargo bench` (which passes
    // --bench) should build a 100,000-asset library.
    if !std::env::args().any(|a| a == "--bench") {
        println!("library_100k: run with `cargo bench --bench library_100k` (make bench)");
        return;
    }
    let root = std::env::var_os("CHORUS_BENCH_LIBRARY")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("bench-data/lib-100k"));
    if !root.join("chorus.db").exists() {
        let t = Instant::now();
        generate(&root);
        eprintln!(
            "generated {} in {:.1} s",
            root.display(),
            t.elapsed().as_secs_f64()
        );
    }
    let lib = Library::open(&root).expect("open the benchmark library");
    let conn = lib.conn();
    let total = catalog::count(conn, &Filter::default()).expect("count");
    let today = chrono::Local::now().date_naive();
    println!("library: {} ({total} assets)", root.display());
    println!();
    println!("| query (page of 200, as the grid asks) | matches | p50 ms | p95 ms |");
    println!("|---|---:|---:|---:|");
    let page = |f: Filter| Filter {
        limit: Some(200),
        ..f
    };
    let cases: Vec<(&str, Browse)> = vec![
        (
            "everything, first page",
            Browse {
                filter: page(Filter::default()),
                rights: None,
            },
        ),
        (
            "everything, last page (offset 99,800)",
            Browse {
                filter: page(Filter {
                    offset: Some(99_800),
                    ..Filter::default()
                }),
                rights: None,
            },
        ),
        (
            "kind = clip",
            Browse {
                filter: page(Filter {
                    kind: Some(Kind::Clip),
                    ..Filter::default()
                }),
                rights: None,
            },
        ),
        (
            "orientation = portrait",
            Browse {
                filter: page(Filter {
                    orientation: Some("portrait".into()),
                    ..Filter::default()
                }),
                rights: None,
            },
        ),
        (
            "tag = summer",
            Browse {
                filter: page(Filter {
                    tags: vec!["summer".into()],
                    ..Filter::default()
                }),
                rights: None,
            },
        ),
        (
            "rating >= 4",
            Browse {
                filter: page(Filter {
                    min_rating: Some(4),
                    ..Filter::default()
                }),
                rights: None,
            },
        ),
        (
            "curation = shortlisted",
            Browse {
                filter: page(Filter {
                    curation: Some(Curation::Shortlisted),
                    ..Filter::default()
                }),
                rights: None,
            },
        ),
        (
            "search \"beach\"",
            Browse {
                filter: page(Filter {
                    search: Some("beach".into()),
                    ..Filter::default()
                }),
                rights: None,
            },
        ),
        (
            "search \"fan1234\" (a contributor)",
            Browse {
                filter: page(Filter {
                    search: Some("fan1234".into()),
                    ..Filter::default()
                }),
                rights: None,
            },
        ),
        (
            "search \"sunset\" + clip + rating >= 2",
            Browse {
                filter: page(Filter {
                    search: Some("sunset".into()),
                    kind: Some(Kind::Clip),
                    min_rating: Some(2),
                    ..Filter::default()
                }),
                rights: None,
            },
        ),
        (
            "rights = granted",
            Browse {
                filter: page(Filter::default()),
                rights: Some(RightsStatus::Granted),
            },
        ),
        (
            "rights = unrequested + photo",
            Browse {
                filter: page(Filter {
                    kind: Some(Kind::Photo),
                    ..Filter::default()
                }),
                rights: Some(RightsStatus::Unrequested),
            },
        ),
    ];
    for (name, query) in cases {
        let mut times = Vec::with_capacity(RUNS);
        let mut matches = 0;
        for i in 0..RUNS + 3 {
            let t = Instant::now();
            let p = views::browse(conn, &query, today).expect(name);
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            matches = p.total;
            if i >= 3 {
                times.push(ms);
            }
        }
        times.sort_by(f64::total_cmp);
        let pct = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        println!(
            "| {name} | {matches} | {:.2} | {:.2} |",
            pct(0.5),
            pct(0.95)
        );
    }
    stale_statuses(conn, today);
}

/// The rights filter right after something changed: the kept statuses the catalog's
/// triggers marked stale are recomputed first. Marked here the way the triggers do.
fn stale_statuses(conn: &chorus::rusqlite::Connection, today: chrono::NaiveDate) {
    let query = Browse {
        filter: Filter {
            limit: Some(200),
            ..Filter::default()
        },
        rights: Some(RightsStatus::Granted),
    };
    let contributors: Vec<i64> = conn
        .prepare("SELECT id FROM contributors ORDER BY id LIMIT 60")
        .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
        .expect("contributors");
    let run = |what: &str, runs: usize, mark: &dyn Fn(usize)| {
        let mut times = Vec::new();
        let mut marked = 0;
        for i in 0..runs.min(contributors.len()) {
            mark(i);
            marked = conn
                .query_row("SELECT count(*) FROM rights_status_stale", [], |r| {
                    r.get::<_, i64>(0)
                })
                .expect("stale");
            let t = Instant::now();
            views::browse(conn, &query, today).expect("browse");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let pct = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        println!(
            "| rights = granted, {what} ({marked} statuses to recompute) | | {:.2} | {:.2} |",
            pct(0.5),
            pct(0.95)
        );
    };
    run(
        "after one contributor's grant changed",
        contributors.len(),
        &|i| {
            conn.execute(
            "INSERT OR IGNORE INTO rights_status_stale SELECT id FROM assets WHERE contributor_id = ?",
            [contributors[i]],
        )
        .expect("mark");
        },
    );
    run(
        "every status recomputed (a new library, 5 runs)",
        5,
        &|_| {
            conn.execute(
                "INSERT OR IGNORE INTO rights_status_stale SELECT id FROM assets",
                [],
            )
            .expect("mark");
        },
    );
}

fn generate(root: &Path) {
    let _ = std::fs::remove_dir_all(root);
    let mut lib = Library::open_or_create(root).expect("create library");
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples");
    let mut opts = ingest::Options::new(vec![samples.clone()]);
    opts.manifest = Some(samples.join("submissions.csv"));
    ingest::run(&mut lib, &opts, &mut |_| true).expect("ingest the samples");
    let store = lib.store();
    let seeds: Vec<(i64, String, String)> = {
        let mut stmt = lib
            .conn()
            .prepare("SELECT id, hash, original_name FROM assets ORDER BY id")
            .expect("seeds");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("seeds")
            .collect::<Result<_, _>>()
            .expect("seeds")
    };
    let words = [
        "summer", "beach", "family", "product", "unboxing", "city", "pets", "food", "travel",
        "sport",
    ];
    let tx = lib.conn_mut().transaction().expect("tx");
    for c in 0..CONTRIBUTORS {
        tx.execute(
            "INSERT INTO contributors (name, email, handle, created_at) VALUES (?1, ?2, ?3, '2026-01-01T00:00:00Z')",
            params![format!("Customer {c}"), format!("fan{c}@example.com"), format!("@fan{c}")],
        )
        .expect("contributor");
    }
    let first_contributor: i64 = tx
        .query_row(
            "SELECT min(id) FROM contributors WHERE handle = '@fan0'",
            [],
            |r| r.get(0),
        )
        .expect("ids");
    let curations = ["new", "new", "new", "shortlisted", "selected", "rejected"];
    let n = ASSETS - seeds.len();
    for i in 0..n {
        let (seed, seed_hash, seed_name) = &seeds[i % seeds.len()];
        let hash = blake3::hash(format!("bench-asset-{i}").as_bytes())
            .to_hex()
            .to_string();
        let (stem, ext) = seed_name.rsplit_once('.').unwrap_or((seed_name, ""));
        let word = words[i % words.len()];
        tx.execute(
            "INSERT INTO assets (hash, kind, format, original_name, size_bytes, width, height, exif_orientation,
                rotation, duration_ms, frame_rate, video_codec, audio_codec, has_audio, captured_at, camera_make,
                camera_model, has_gps, phash, contributor_id, rating, curation, ingested_at)
             SELECT ?1, kind, format, ?2, size_bytes, width, height, exif_orientation, rotation, duration_ms,
                frame_rate, video_codec, audio_codec, has_audio, captured_at, camera_make, camera_model, has_gps,
                phash, ?3, ?4, ?5, ingested_at FROM assets WHERE id = ?6",
            params![
                hash,
                format!("{word}_{stem}_{i}.{ext}"),
                first_contributor + ((i * 7919) % CONTRIBUTORS) as i64,
                (i % 6) as i64,
                curations[i % curations.len()],
                seed
            ],
        )
        .expect("asset");
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO tags (asset_id, tag, source) SELECT ?1, tag, source FROM tags WHERE asset_id = ?2",
            params![id, seed],
        )
        .expect("tags");
        tx.execute(
            "INSERT OR IGNORE INTO tags (asset_id, tag, source) VALUES (?1, ?2, 'manual')",
            params![id, word],
        )
        .expect("tag");
        catalog::refresh_search(&tx, id).expect("search row");
        let thumb = store.thumb(&chorus::library::ContentHash::parse(&hash).unwrap());
        if let Some(dir) = thumb.parent() {
            std::fs::create_dir_all(dir).expect("thumb dir");
        }
        std::fs::hard_link(
            store.thumb(&chorus::library::ContentHash::parse(seed_hash).unwrap()),
            &thumb,
        )
        .expect("thumbnail link");
    }
    tx.commit().expect("commit");
    // A third of the contributors said yes on the form.
    for c in (0..CONTRIBUTORS).step_by(3) {
        rights::decide(
            &mut lib,
            &Target::Contributor(first_contributor + c as i64),
            Decision::Granted,
            &Scope {
                channels: [Channel::Web, Channel::Social].into(),
                territories: [rights::WORLDWIDE.to_string()].into(),
                age: chorus::rights::Age::Adult,
                ..Scope::default()
            },
            &Evidence {
                text: Some("I agree that BrandCo may use my submission in its marketing.".into()),
                source: "form".into(),
                ..Evidence::default()
            },
        )
        .expect("grant");
    }
}
