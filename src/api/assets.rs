//! The library's assets as the front ends browse and curate them.

use chrono::NaiveDate;

use super::{AssetId, Error, Result};
use crate::catalog::{self, Curation, Page};
use crate::library::Library;
use crate::views::{self, AssetView, Browse};

/// The most rows one grid request may ask for.
pub const MAX_PAGE: u32 = 2000;

fn ids(assets: &[AssetId]) -> Vec<i64> {
    assets.iter().map(|a| a.0).collect()
}

/// One window of the library grid.
pub fn browse(conn: &rusqlite::Connection, query: &Browse, today: NaiveDate) -> Result<Page> {
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
