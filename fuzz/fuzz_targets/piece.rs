//! Fuzzes the piece document as it comes from outside (`piece import`, `piece edit`, the
//! desktop's save and preview commands): parse, validate against a real library, save, and
//! ask the rights gate. Nothing may panic or abort, a document that validates must keep
//! its numbers in range, and the gate's proof must cover exactly the assets it names.
#![no_main]

use std::sync::{Mutex, OnceLock};

use chorus::campaign;
use chorus::library::Library;
use chorus::piece::{self, PieceDoc};
use chorus::rights;
use libfuzzer_sys::fuzz_target;

struct Fixture {
    lib: Library,
    campaign: campaign::Campaign,
}

/// One library of the demo samples, made once per fuzzing process.
fn fixture() -> &'static Mutex<Fixture> {
    static F: OnceLock<Mutex<Fixture>> = OnceLock::new();
    F.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("chorus-fuzz-piece-{}", std::process::id()));
        let mut lib = Library::open_or_create(&dir).expect("fuzz library");
        let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/samples");
        let mut opts = chorus::ingest::Options::new(vec![samples.clone()]);
        opts.manifest = Some(samples.join("submissions.csv"));
        chorus::ingest::run(&mut lib, &opts, &mut |_| true).expect("fuzz ingest");
        let usage = rights::Usage {
            channels: [rights::Channel::Web].into(),
            territories: ["US".to_string()].into(),
            starts_on: chrono::Local::now().date_naive(),
            ends_on: chrono::Local::now().date_naive() + chrono::Duration::days(30),
        };
        let campaign = campaign::create(lib.conn(), "Fuzz", &usage).expect("fuzz campaign");
        Mutex::new(Fixture { lib, campaign })
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(mut doc) = serde_json::from_slice::<PieceDoc>(data) else {
        return;
    };
    let Ok(f) = fixture().lock() else {
        return;
    };
    let _ = doc.duration_frames();
    if doc.validate(f.lib.conn()).is_err() {
        return;
    }
    assert!(doc.duration_ms() <= piece::MAX_PIECE_MS + 1000);
    // A unique name, so every valid document is saved.
    doc.name = format!("fuzz {}", blake3::hash(data).to_hex());
    if let Ok(p) = piece::create(f.lib.conn(), &f.campaign, &doc) {
        let ids = p.document.asset_ids();
        if let Ok(cleared) = rights::require_cleared(f.lib.conn(), &f.campaign, &ids) {
            for id in ids {
                assert!(cleared.covers(id) && cleared.source(id).is_some());
            }
        }
    }
});
