//! Memory stays flat however many files go through the probe path (a leak of one packet
//! per read once hid here, found by cargo-fuzz's LeakSanitizer). Its own test binary, so no
//! other test shares the process whose memory it reads.

mod common;

use chorus::media::{self, Limits};
use common::*;

fn resident_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("Linux /proc");
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4
}

#[test]
fn probing_clips_again_and_again_keeps_memory_flat() {
    let clip = samples().join("beach_day.mp4");
    let head = std::fs::read(&clip).unwrap();
    let sniffed = media::sniff(&head[..256]);
    let limits = Limits::default();
    // Warm up allocator pools and FFmpeg's one-time tables.
    for _ in 0..10 {
        media::probe(&clip, &sniffed, &limits).unwrap();
    }
    let before = resident_kib();
    for _ in 0..100 {
        media::probe(&clip, &sniffed, &limits).unwrap();
    }
    let grown = resident_kib().saturating_sub(before);
    // 100 probes of a 164 KiB clip: a per-packet leak grows by 16 MiB.
    assert!(
        grown < 8 * 1024,
        "resident memory grew by {grown} KiB over 100 probes"
    );
}
