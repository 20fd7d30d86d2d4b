//! SDR stand-ins for HDR clips. The desktop's webview plays video without tone-mapping, so
//! an HLG or PQ clip would look washed-out in the asset panel and the trim scrubber. The
//! first time such a clip is played, Chorus makes an upright SDR H.264 copy of it (the
//! same tone-map as renders, at most 1280 px, the preview encoder's speed) and plays that.
//! It is made on first play rather than at ingest: most clips are never opened one by one,
//! and ingest stays as fast as for SDR clips. It never leaves the library, so it is not a
//! deliverable and needs no clearance.

use std::fs;
use std::path::Path;

use super::yuv::{self, Rect};
use super::{decode_range, FileLayout, Picture, Quality, RenderError, Sink, SAMPLES_PER_FRAME};
use crate::piece::{Fit, Item, FPS};

/// Long side of a proxy.
const PROXY_SIZE: u32 = 1280;

/// Writes the SDR copy of the clip at `source` (turned `rotation`° clockwise, `w`×`h` as
/// displayed, `duration_ms` long) to `out`, through a temporary file.
pub fn sdr_proxy(
    source: &Path,
    (w, h): (u32, u32),
    rotation: u16,
    duration_ms: u64,
    out: &Path,
) -> Result<(), RenderError> {
    crate::media::init_ffmpeg();
    let (pw, ph) = crate::media::fit_dims(w, h, PROXY_SIZE);
    let size = (yuv::even(pw), yuv::even(ph));
    let n = (duration_ms * FPS).div_ceil(1000).max(1);
    let item = Item {
        asset_id: 0,
        source_hash: String::new(),
        kind: crate::media::Kind::Clip,
        in_ms: 0,
        out_ms: duration_ms,
        pan_zoom: false,
        fit: Fit::Letterbox,
        transition: Default::default(),
        credit: String::new(),
        sound: Default::default(),
        captions: Vec::new(),
    };
    let partial = out.with_extension("mp4.partial");
    let result = (|| {
        let mut sink = Sink::open(
            &partial,
            size,
            Quality::Preview,
            false,
            FileLayout::IndexFirst,
        )?;
        let mut sound = Vec::new();
        decode_range(
            source,
            &item,
            n,
            Picture::SoundOnly,
            &mut |_, _| Ok(()),
            &mut sound,
        )?;
        sound.resize(n as usize * SAMPLES_PER_FRAME, [0.0, 0.0]);
        sink.set_sound(std::sync::Arc::new(sound));
        decode_range(
            source,
            &item,
            n,
            Picture::Frames { size, rotation },
            &mut |pic, repeats| {
                let crop = match rotation {
                    90 | 270 => Rect::of(pic.height(), pic.width()),
                    _ => Rect::of(pic.width(), pic.height()),
                };
                let framed = yuv::fit(pic, rotation, crop, Fit::Letterbox, size.0, size.1)?;
                for _ in 0..repeats {
                    sink.push_video(framed.clone())?;
                }
                Ok(())
            },
            &mut Vec::new(),
        )?;
        sink.finish()
    })();
    match result.and_then(|()| {
        fs::rename(&partial, out).map_err(|source| RenderError::Write {
            path: out.to_path_buf(),
            source,
        })
    }) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = fs::remove_file(&partial);
            Err(e)
        }
    }
}
