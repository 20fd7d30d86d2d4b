//! Fuzzes the path every submitted file takes: type sniffing, then probing (container and
//! stream parsing, EXIF, decoding the picture or frames, thumbnailing).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("chorus-fuzz-{}", std::process::id()));
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let path = dir.join("input");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let sniffed = chorus::media::sniff(&data[..data.len().min(256)]);
    let limits = chorus::media::Limits {
        max_seconds_per_file: 10,
        ..chorus::media::Limits::default()
    };
    let _ = chorus::media::probe(&path, &sniffed, &limits);
});
