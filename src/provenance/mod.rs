//! What an exported file says about itself, for the platforms, DAMs and stock sites that
//! receive it: rights metadata as XMP (IPTC Core and PLUS fields: copyright notice,
//! credit line, web statement of rights, licensor, model release status, usage terms)
//! and a signed C2PA manifest (content credentials: the customer assets it was made from,
//! by their hashes, what was done to them, who made it, and the rights summary).
//!
//! The XMP goes in first, then the manifest is signed over the whole file, so the
//! signature covers the metadata too. No GPS or camera data is ever written: exports are
//! our own pixels.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::audit::ChainHead;
use crate::usage::Usage;

mod credentials;
pub mod xmp;

pub use credentials::{signing_dir, Credentials, CA_FILE};

#[derive(Debug, thiserror::Error)]
pub enum ProvenanceError {
    #[error("cannot write the rights metadata into {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a {kind} file Chorus can add metadata to")]
    Format { path: PathBuf, kind: &'static str },
    #[error("cannot sign the content credentials of {path}: {message}")]
    Sign { path: PathBuf, message: String },
    #[error("the library's signing key in {dir} cannot be used: {message}; remove the folder to make a new one, or install the brand's own certificate there (see the README)")]
    Key { dir: PathBuf, message: String },
}

/// One customer asset a file was made from.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Ingredient {
    pub asset_id: i64,
    pub blake3: String,
    /// photo or clip.
    pub kind: String,
}

/// Everything an exported file carries about itself.
#[derive(Clone, Debug)]
pub struct Provenance {
    pub title: String,
    pub brand: String,
    /// The people in it, as the credits name them.
    pub credits: Vec<String>,
    /// Where the brand publishes its terms for customer content.
    pub rights_url: Option<String>,
    pub usage: Usage,
    pub valid_until: Option<NaiveDate>,
    pub ingredients: Vec<Ingredient>,
    pub audit_head: Option<ChainHead>,
    pub exported_on: NaiveDate,
}

impl Provenance {
    pub fn copyright(&self) -> String {
        use chrono::Datelike;
        format!(
            "© {} {}. Made with customers' own photos and clips, used with their permission.",
            self.exported_on.year(),
            self.brand
        )
    }

    pub fn credit_line(&self) -> String {
        if self.credits.is_empty() {
            format!("{} and its customers", self.brand)
        } else {
            format!("{} with {}", self.brand, self.credits.join(", "))
        }
    }

    /// The usage terms in words: channels, territories and until when.
    pub fn usage_terms(&self) -> String {
        let until = self
            .valid_until
            .map(|d| d.min(self.usage.ends_on))
            .unwrap_or(self.usage.ends_on);
        format!(
            "Licensed to {} for {} only; not to be published after {}. The people shown granted this use; any other use needs their permission.",
            self.brand,
            crate::rights::usage_words(&self.usage),
            until
        )
    }

    /// The last day the file may be published.
    pub fn publish_until(&self) -> NaiveDate {
        self.valid_until
            .map(|d| d.min(self.usage.ends_on))
            .unwrap_or(self.usage.ends_on)
    }
}

/// What kind of file, by its name.
fn mime(path: &Path) -> Option<&'static str> {
    match path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .as_deref()
    {
        Some("mp4") => Some("video/mp4"),
        Some("jpg" | "jpeg") => Some("image/jpeg"),
        _ => None,
    }
}

/// Writes the XMP and signs the content credentials of one exported file, in place (the
/// signed copy replaces it by rename). Files of other kinds (WebM) are left as they are.
pub fn stamp(creds: &Credentials, p: &Provenance, file: &Path) -> Result<bool, ProvenanceError> {
    let Some(mime) = mime(file) else {
        return Ok(false);
    };
    xmp::embed(file, mime, &xmp::packet(p))?;
    credentials::sign(creds, p, file, mime)?;
    Ok(true)
}
