//! The music bed under montages: the brand's own file (the `music_bed` setting) or the
//! built-in one, and its beat, so auto-assemble can cut on it.

use std::path::PathBuf;

use crate::library::Library;
use crate::media::audio::{decode_stereo, SAMPLE_RATE};
use crate::media::beats::{self, BeatGrid};

/// The demo brand kit's bed (an original loop made by `scripts/make-music-bed.py`), built
/// in so every library has one.
const BUILT_IN: &[u8] = include_bytes!("../../assets/brand/music-bed.m4a");
/// Its beat, as the script writes it: 100 BPM, the first kick at 0.
pub const BUILT_IN_GRID: BeatGrid = BeatGrid {
    period_ms: 600.0,
    offset_ms: 0.0,
};

#[derive(Debug, thiserror::Error)]
pub enum BedError {
    #[error("the music bed file set in `music_bed` is missing: {0}; set another with `chorus settings set music_bed FILE`")]
    Missing(PathBuf),
    #[error("cannot write the built-in music bed to {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The bed file to use: the library's `music_bed` setting, else the built-in one (copied
/// once into the library's tmp folder, since FFmpeg reads files).
pub fn path(lib: &Library) -> Result<PathBuf, BedError> {
    if let Some(p) = brand_bed(lib) {
        return match p.is_file() {
            true => Ok(p),
            false => Err(BedError::Missing(p)),
        };
    }
    let path = lib.store().tmp_dir().join(format!(
        "music-bed-{}.m4a",
        &blake3::hash(BUILT_IN).to_hex()[..16]
    ));
    if !path.is_file() {
        lib.store()
            .write_derived(&path, BUILT_IN)
            .map_err(|source| BedError::Write {
                path: path.clone(),
                source,
            })?;
    }
    Ok(path)
}

fn brand_bed(lib: &Library) -> Option<PathBuf> {
    lib.setting("music_bed").ok().flatten().map(PathBuf::from)
}

/// The bed's beat: known for the built-in bed, found in the brand's own. `None` when the
/// brand's bed has no steady beat (or cannot be read): then cuts keep to the shot lengths.
pub fn beat_grid(lib: &Library) -> Option<BeatGrid> {
    match brand_bed(lib) {
        None => Some(BUILT_IN_GRID),
        // A minute shows the beat, and is as long as auto-assemble's longest piece.
        Some(p) => decode_stereo(&p, 60 * SAMPLE_RATE as usize)
            .ok()
            .and_then(|s| beats::detect(&s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_beds_beat_is_what_its_script_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let lib = Library::open_or_create(dir.path()).unwrap();
        let samples = decode_stereo(&path(&lib).unwrap(), usize::MAX).unwrap();
        let found = beats::detect(&samples).expect("the built-in bed has a beat");
        assert!(
            (found.bpm() - BUILT_IN_GRID.bpm()).abs() < 0.2,
            "{:.2} BPM",
            found.bpm()
        );
        assert!(
            BUILT_IN_GRID.distance_ms(found.offset_ms) < 10.0,
            "first beat found at {:.1} ms",
            found.offset_ms
        );
    }
}
