//! Library settings: only keys Chorus reads, and only values it can use later. A value is
//! checked before it is kept, so a typo never breaks the next import or render.

use super::{Error, Result};
use crate::library::Library;
use crate::{render, rights};

/// Every setting with what it means.
pub fn keys() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    rights::KEYS.iter().chain(render::KEYS).chain(INBOX_KEYS)
}

const INBOX_KEYS: &[(&str, &str)] = &[(
    crate::inbox::SETTING,
    "folders whose new files are imported as they arrive (full paths, separated by |; `chorus watch` and the desktop app watch them)",
)];

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
    if key == crate::inbox::SETTING {
        crate::inbox::parse_folders(value)
            .map_err(|why| Error::invalid(format!("{key} not changed: {why}")))?;
    }
    let before = lib.setting(key)?;
    lib.set_setting(key, value)?;
    // Files are checked by using them: a kit by loading it (colours, contrast, logo,
    // fonts), a bed by decoding it. One that fails leaves the old setting.
    let check = match key {
        "brand_kit" => render::brand::load(lib).err().map(|e| e.to_string()),
        "music_bed" => render::bed_path(lib).err().map(|e| e.to_string()),
        _ => None,
    };
    if let Some(why) = check {
        match &before {
            Some(old) => lib.set_setting(key, old)?,
            None => {
                lib.conn()
                    .execute("DELETE FROM settings WHERE key = ?", [key])?;
            }
        }
        return Err(Error::invalid(format!("{key} not changed: {why}")));
    }
    Ok(())
}
