//! The library's assets as the front ends browse and curate them.

use chrono::NaiveDate;

use std::io::Read;
use std::path::PathBuf;
use std::sync::Mutex;

use super::{AssetId, Error, ErrorKind, Result};
use crate::catalog::{self, Curation};
use crate::library::{ContentHash, Library, Store};
use crate::media::{self, Sniffed};
use crate::render;
use crate::views::{self, AssetView, Browse};

/// The most rows one grid request may ask for.
pub const MAX_PAGE: u32 = 2000;

fn ids(assets: &[AssetId]) -> Vec<i64> {
    assets.iter().map(|a| a.0).collect()
}

/// One window of the library grid.
pub fn browse(
    conn: &rusqlite::Connection,
    query: &Browse,
    today: NaiveDate,
) -> Result<views::AssetsPage> {
    if query.filter.limit.is_none_or(|l| l == 0 || l > MAX_PAGE) {
        return Err(Error::invalid(format!(
            "ask for between 1 and {MAX_PAGE} assets at a time"
        )));
    }
    Ok(views::browse(conn, query, today)?)
}

pub fn view(lib: &Library, id: AssetId, today: NaiveDate) -> Result<AssetView> {
    Ok(views::asset_view(lib, id.0, today)?)
}

pub fn tag(lib: &mut Library, assets: &[AssetId], add: &[String], remove: &[String]) -> Result<()> {
    Ok(catalog::tag(lib, &ids(assets), add, remove)?)
}

/// Sets a rating: a whole number from 0 to 5, as typed or sent.
pub fn rate(lib: &mut Library, assets: &[AssetId], rating: &str) -> Result<u8> {
    Ok(catalog::rate(lib, &ids(assets), rating)?)
}

pub fn curate(lib: &mut Library, assets: &[AssetId], curation: Curation) -> Result<()> {
    Ok(catalog::curate(lib, &ids(assets), curation)?)
}

/// Two near-duplicates are both wanted: they stop being paired.
pub fn keep_both(lib: &mut Library, a: AssetId, b: AssetId) -> Result<()> {
    Ok(catalog::keep_both(lib, a.0, b.0)?)
}

/// The file a player should show for a stored original: a photo's JPEG rendition when the
/// webview cannot decode it (HEIC, AVIF, TIFF), a clip's SDR copy when it is HDR (made on
/// first play, see `render::sdr_proxy`), otherwise the original itself.
pub fn playable(store: &Store, hash: &ContentHash) -> Result<PathBuf> {
    let original = store.original(hash);
    let mut head = [0u8; 512];
    let n = std::fs::File::open(&original)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| {
            Error::new(
                ErrorKind::NotFound,
                format!("the stored file is missing ({e})"),
            )
        })?;
    match media::sniff(&head[..n]) {
        Sniffed::Photo(format) if format.webview_shows() => Ok(original),
        Sniffed::Photo(_) => {
            let view = store.display(hash);
            if view.is_file() {
                Ok(view)
            } else {
                Err(Error::new(
                    ErrorKind::NotFound,
                    "this photo has no rendition to show; import it again to make one",
                ))
            }
        }
        _ => {
            // The player asks in many ranges: a copy already made answers without a probe
            // (only HDR clips ever get one).
            let proxy = store.sdr_proxy(hash);
            if proxy.is_file() {
                return Ok(proxy);
            }
            let look = media::clip_look(&original)
                .map_err(|e| Error::new(ErrorKind::Invalid, e.to_string()))?;
            if !look.colour.is_hdr() {
                return Ok(original);
            }
            // One maker at a time: the player asks for a clip in several ranges at once.
            static MAKING: Mutex<()> = Mutex::new(());
            let _turn = MAKING.lock().unwrap_or_else(|p| p.into_inner());
            if !proxy.is_file() {
                render::sdr_proxy(
                    &original,
                    look.size,
                    look.rotation,
                    look.duration_ms,
                    &proxy,
                )
                .map_err(|e| Error::new(ErrorKind::Internal, e.to_string()))?;
            }
            Ok(proxy)
        }
    }
}
