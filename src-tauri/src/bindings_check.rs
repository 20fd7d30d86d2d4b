//! The TypeScript the UI compiles against is generated from the Rust types; this fails
//! when the committed file no longer matches them (`make bindings` rewrites it).

use std::path::Path;

#[test]
fn committed_bindings_match_the_rust_types() {
    let fresh = super::bindings().expect("tauri-specta exports the bindings");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts");
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).expect("write ui/src/lib/bindings.ts");
        return;
    }
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run `make bindings`", path.display()));
    assert!(
        committed == fresh,
        "ui/src/lib/bindings.ts differs from the Rust types: run `make bindings` and commit it"
    );
}
