//! Library settings: only keys Chorus reads, and only values it can use later. A value is
//! checked before it is kept, so a typo never breaks the next import or render.

use super::{Error, Result};
use crate::library::Library;
use crate::{render, rights};

/// Every setting with what it means.
pub fn keys() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    rights::KEYS.iter().chain(render::KEYS)
}

/// Sets `key` to `value` after checking both.
pub fn set(lib: &Library, key: &str, value: &str) -> Result<()> {
    if !keys().any(|(k, _)| *k == key) {
        return Err(Error::invalid(format!(
            "unknown setting '{key}' (see `chorus settings ls`)"
        )));
    }
    if rights::KEYS.iter().any(|(k, _)| *k == key) {
        rights::validate_setting(key, value)
            .map_err(|why| Error::invalid(format!("{key} not changed: {why}")))?;
    }
    let before = lib.setting(key)?;
    lib.set_setting(key, value)?;
    if key == "brand_kit" {
        // A kit is checked by loading it (colours, contrast, logo, fonts).
        if let Err(e) = render::brand::load(lib) {
            match &before {
                Some(old) => lib.set_setting(key, old)?,
                None => {
                    lib.conn()
                        .execute("DELETE FROM settings WHERE key = ?", [key])?;
                }
            }
            return Err(Error::invalid(format!("{key} not changed: {e}")));
        }
    }
    if key == "music_bed" {
        // The bed is checked by decoding it; a file that fails leaves the old setting.
        if let Err(e) = render::bed_path(lib) {
            match &before {
                Some(old) => lib.set_setting(key, old)?,
                None => {
                    lib.conn()
                        .execute("DELETE FROM settings WHERE key = ?", [key])?;
                }
            }
            return Err(Error::invalid(format!("{key} not changed: {e}")));
        }
    }
    Ok(())
}
