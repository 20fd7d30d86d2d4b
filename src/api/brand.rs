//! The brand kit as the desktop and the CLI show and change it: its colours with their
//! contrast, its fonts. A font file the brand sends becomes the kit's heading or body font;
//! the kit is first copied into the library (`brand-kit/`), so neither the built-in kit nor
//! a folder shared with others is ever changed.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Error, Result};
use crate::library::Library;
use crate::render::{brand, text};

/// A font file bigger than this is not one a brand sends (Noto CJK is about 20 MB).
const MAX_FONT_BYTES: u64 = 40 * 1024 * 1024;
/// The library's own copy of the kit.
const KIT_DIR: &str = "brand-kit";

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BrandView {
    pub name: String,
    pub tagline: String,
    /// Colours as `#rrggbb`; the accent as cards draw it (made legible if it was not).
    pub primary: String,
    pub accent: String,
    pub text: String,
    /// WCAG contrast of the text and the accent on the primary colour.
    pub text_contrast: f64,
    pub accent_contrast: f64,
    /// The brand's own font families; `None` uses the system's sans (Noto Sans).
    pub heading_font: Option<String>,
    pub body_font: Option<String>,
    /// The kit's folder (`None`: the built-in kit).
    pub folder: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum FontRole {
    Heading,
    Body,
}

impl FontRole {
    fn key(self) -> &'static str {
        match self {
            FontRole::Heading => "heading",
            FontRole::Body => "body",
        }
    }
}

fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

pub fn view(lib: &Library) -> Result<BrandView> {
    let kit = brand::load(lib).map_err(|e| Error::invalid(e.to_string()))?;
    Ok(BrandView {
        text_contrast: brand::contrast(kit.text, kit.primary),
        accent_contrast: brand::contrast(kit.accent, kit.primary),
        primary: hex(kit.primary),
        accent: hex(kit.accent),
        text: hex(kit.text),
        name: kit.name,
        tagline: kit.tagline,
        heading_font: kit.heading_font,
        body_font: kit.body_font,
        folder: lib.setting("brand_kit")?,
    })
}

/// The extension a font file's first bytes say it has.
fn font_kind(bytes: &[u8]) -> Option<&'static str> {
    match bytes.get(..4)? {
        [0, 1, 0, 0] | b"true" => Some("ttf"),
        b"OTTO" => Some("otf"),
        b"ttcf" => Some("ttc"),
        _ => None,
    }
}

/// Makes `path` (a TrueType or OpenType file) the kit's heading or body font.
pub fn set_font(lib: &Library, role: FontRole, path: &Path) -> Result<BrandView> {
    let bad = |why: String| Error::invalid(format!("{}: {why}", path.display()));
    let len = std::fs::metadata(path)
        .map_err(|e| bad(format!("cannot read it ({e})")))?
        .len();
    if len > MAX_FONT_BYTES {
        return Err(bad(format!("{len} bytes is too big for a font file")));
    }
    let bytes = std::fs::read(path).map_err(|e| bad(format!("cannot read it ({e})")))?;
    let ext = font_kind(&bytes)
        .ok_or_else(|| bad("not a TrueType or OpenType font file (.ttf, .otf, .ttc)".into()))?;
    let family = text::load_font(&bytes).map_err(bad)?;
    let dir = own_kit(lib)?;
    let file = format!("{}.{ext}", role.key());
    crate::library::write_private(&dir.join(&file), &bytes)
        .map_err(|e| Error::invalid(format!("cannot write {}: {e}", dir.join(&file).display())))?;
    let json_path = dir.join("brand.json");
    let mut json: serde_json::Value = std::fs::read(&json_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| Error::invalid(format!("{} is not a brand kit", json_path.display())))?;
    if !json["fonts"].is_object() {
        json["fonts"] = serde_json::json!({});
    }
    json["fonts"][role.key()] = serde_json::Value::String(file);
    let text = serde_json::to_string_pretty(&json).unwrap_or_default();
    crate::library::write_private(&json_path, text)
        .map_err(|e| Error::invalid(format!("cannot write {}: {e}", json_path.display())))?;
    super::settings::set(lib, "brand_kit", &dir.to_string_lossy())?;
    let v = view(lib)?;
    debug_assert_eq!(
        match role {
            FontRole::Heading => v.heading_font.as_deref(),
            FontRole::Body => v.body_font.as_deref(),
        },
        Some(family.as_str())
    );
    Ok(v)
}

/// The library's own kit folder, made from the kit in use the first time.
fn own_kit(lib: &Library) -> Result<PathBuf> {
    let dir = lib.root().join(KIT_DIR);
    let current = lib.setting("brand_kit")?.map(PathBuf::from);
    if current.as_deref() == Some(dir.as_path()) && dir.join("brand.json").is_file() {
        return Ok(dir);
    }
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::invalid(format!("cannot make {}: {e}", dir.display())))?;
    let write = |name: &str, bytes: &[u8]| {
        crate::library::write_private(&dir.join(name), bytes)
            .map_err(|e| Error::invalid(format!("cannot write {}: {e}", dir.join(name).display())))
    };
    match current {
        None => {
            let (json, logo) = brand::built_in();
            write("brand.json", json.as_bytes())?;
            write("logo.png", logo)?;
        }
        Some(from) => {
            // The kit's own files: brand.json and the plain file names it lists.
            let json_path = from.join("brand.json");
            let json = std::fs::read(&json_path)
                .map_err(|e| Error::invalid(format!("cannot read {}: {e}", json_path.display())))?;
            let value: serde_json::Value = serde_json::from_slice(&json)
                .map_err(|e| Error::invalid(format!("{}: {e}", json_path.display())))?;
            let mut names: Vec<String> = Vec::new();
            if let Some(l) = value["logo"].as_str() {
                names.push(l.to_string());
            }
            for role in ["heading", "body"] {
                if let Some(f) = value["fonts"][role].as_str() {
                    names.push(f.to_string());
                }
            }
            for n in names {
                if Path::new(&n).components().count() == 1 {
                    if let Ok(bytes) = std::fs::read(from.join(&n)) {
                        write(&n, &bytes)?;
                    }
                }
            }
            write("brand.json", &json)?;
        }
    }
    Ok(dir)
}
