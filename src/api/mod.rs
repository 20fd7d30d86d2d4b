//! The one door into the engine. The `chorus` CLI and the desktop shell call these
//! functions for every use case that takes a document, a number or a file from outside:
//! they parse what a person typed or clicked into typed ids, call one function here, and
//! present the result. All validation lives below this layer, so no front end can hold a
//! rule of its own, or skip one.
//!
//! Errors cross to the front ends with a kind they can act on (`ErrorKind`), found by
//! walking the engine's error chain, never by matching message text.

use serde::{Deserialize, Serialize};

pub mod assets;
pub mod brand;
pub mod exports;
pub mod forms;
pub mod library;
pub mod pieces;
pub mod privacy;
pub mod rights;
pub mod settings;

/// Ids as the engine hands them out. A front end turns "3" or a name into one of these
/// (names only in the CLI); the engine never guesses which thing a string meant.
macro_rules! id {
    ($name:ident, $what:literal) => {
        #[doc = concat!("The id of ", $what, ".")]
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id!(AssetId, "an asset");
id!(ContributorId, "a contributor");
id!(CampaignId, "a campaign");
id!(PieceId, "a piece");

/// What kind of failure a front end is looking at, so it can act (show the blocked
/// banner, offer to reload, stay quiet on a cancel) without reading the sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ErrorKind {
    /// The thing named does not exist.
    NotFound,
    /// A document, a number or a name was refused; the message says what is allowed.
    Invalid,
    /// The rights gate said no; the message names each asset and why.
    Blocked,
    /// Someone else changed it first (a newer version, a name taken).
    Conflict,
    /// The person cancelled; nothing was written.
    Cancelled,
    /// Another process holds the catalog; try again in a moment.
    Busy,
    /// A file could not be read or written.
    Io,
    /// Anything else: a bug or damage to the library.
    Internal,
}

/// Walks an error and its sources for the first one whose kind is known.
pub fn kind_of(e: &(dyn std::error::Error + 'static)) -> ErrorKind {
    use crate::campaign::CampaignError as C;
    use crate::export::ExportError as X;
    use crate::render::RenderError as R;
    use crate::rights::RightsError as G;
    let mut cur = Some(e);
    while let Some(err) = cur {
        let kind = if let Some(e) = err.downcast_ref::<Error>() {
            Some(e.kind)
        } else if let Some(e) = err.downcast_ref::<C>() {
            match e {
                C::NotFound(_) | C::NoSuchPiece(_) => Some(ErrorKind::NotFound),
                C::Exists(_) | C::PieceExists(_) => Some(ErrorKind::Conflict),
                C::Db(_) | C::Rights(_) => None,
                _ => Some(ErrorKind::Invalid),
            }
        } else if let Some(e) = err.downcast_ref::<G>() {
            match e {
                G::NotCleared { .. } | G::OverrideRefused { .. } | G::SourcesChanged => {
                    Some(ErrorKind::Blocked)
                }
                G::NoSuchGrant(_) => Some(ErrorKind::NotFound),
                G::Write { .. } => Some(ErrorKind::Io),
                // Transparent wrappers forward `source()` past the inner error itself.
                G::Catalog(inner) => Some(kind_of(inner)),
                G::Campaign(inner) => Some(kind_of(inner)),
                G::Db(_) => None,
                _ => Some(ErrorKind::Invalid),
            }
        } else if let Some(e) = err.downcast_ref::<R>() {
            match e {
                R::Cancelled => Some(ErrorKind::Cancelled),
                R::NotCleared(_) | R::NoLongerCleared(_) => Some(ErrorKind::Blocked),
                R::Write { .. } | R::Source { .. } => Some(ErrorKind::Io),
                _ => None,
            }
        } else if let Some(e) = err.downcast_ref::<X>() {
            match e {
                X::Exists { .. } => Some(ErrorKind::Conflict),
                X::NotForPlatform(_) => Some(ErrorKind::Invalid),
                X::Write { .. } => Some(ErrorKind::Io),
                X::Rights(inner) => Some(kind_of(inner)),
                X::Render(inner) => Some(kind_of(inner)),
                X::Settings(inner) => Some(kind_of(inner)),
                X::Provenance(crate::provenance::ProvenanceError::Write { .. }) => {
                    Some(ErrorKind::Io)
                }
                X::Provenance(_) => Some(ErrorKind::Internal),
                X::Db(_) => None,
            }
        } else if let Some(e) = err.downcast_ref::<crate::catalog::CatalogError>() {
            match e {
                crate::catalog::CatalogError::NoSuchAsset(_) => Some(ErrorKind::NotFound),
                crate::catalog::CatalogError::Db(_) => None,
                crate::catalog::CatalogError::Damaged { .. } => Some(ErrorKind::Internal),
                _ => Some(ErrorKind::Invalid),
            }
        } else if let Some(e) = err.downcast_ref::<rusqlite::Error>() {
            match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                    Some(ErrorKind::Busy)
                }
                _ => Some(ErrorKind::Internal),
            }
        } else if let Some(e) = err.downcast_ref::<crate::thanks::ThanksError>() {
            match e {
                crate::thanks::ThanksError::NoSuchThankYou(_) => Some(ErrorKind::NotFound),
                _ => None,
            }
        } else if let Some(e) = err.downcast_ref::<crate::rights::mail::MailError>() {
            match e {
                crate::rights::mail::MailError::Read { .. } => Some(ErrorKind::Io),
                _ => Some(ErrorKind::Invalid),
            }
        } else if let Some(e) = err.downcast_ref::<crate::rights::RepliesError>() {
            match e {
                crate::rights::RepliesError::Read { .. }
                | crate::rights::RepliesError::Columns { .. } => Some(ErrorKind::Invalid),
                crate::rights::RepliesError::Store { .. } => Some(ErrorKind::Io),
                _ => None,
            }
        } else if let Some(e) = err.downcast_ref::<crate::privacy::PrivacyError>() {
            use crate::privacy::PrivacyError as P;
            match e {
                P::NoSuchContributor(_) => Some(ErrorKind::NotFound),
                P::Ambiguous(_) => Some(ErrorKind::Invalid),
                P::Exists { .. } => Some(ErrorKind::Conflict),
                P::Write { .. } => Some(ErrorKind::Io),
                P::Db(_) => None,
            }
        } else if let Some(crate::inbox::InboxError::Folder { .. }) = err.downcast_ref() {
            Some(ErrorKind::Invalid)
        } else if err.is::<crate::manifest::ManifestError>() || err.is::<crate::usage::UsageError>()
        {
            Some(ErrorKind::Invalid)
        } else if err.downcast_ref::<std::io::Error>().is_some() {
            Some(ErrorKind::Io)
        } else {
            None
        };
        if let Some(kind) = kind {
            return kind;
        }
        cur = err.source();
    }
    ErrorKind::Internal
}

/// An error from a use case: its kind and the engine's sentence (which file or value is at
/// fault and what to do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
        }
    }

    pub fn invalid(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Invalid, message)
    }

    /// Any engine error, with its kind and its whole chain in one sentence.
    pub fn from_engine(e: &(dyn std::error::Error + 'static)) -> Error {
        let mut message = e.to_string();
        let mut source = e.source();
        while let Some(s) = source {
            let text = s.to_string();
            if !message.contains(&text) {
                message = format!("{message}: {text}");
            }
            source = s.source();
        }
        Error {
            kind: kind_of(e),
            message,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

macro_rules! from_engine {
    ($($t:ty),*) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Error {
                Error::from_engine(&e)
            }
        }
    )*};
}

from_engine!(
    crate::campaign::CampaignError,
    crate::rights::RightsError,
    crate::render::RenderError,
    crate::export::ExportError,
    crate::catalog::CatalogError,
    crate::library::LibraryError,
    crate::usage::UsageError,
    crate::rights::RepliesError,
    crate::thanks::ThanksError,
    crate::manifest::ManifestError,
    crate::inbox::InboxError,
    crate::privacy::PrivacyError,
    rusqlite::Error,
    std::io::Error
);

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A long job's progress sink: gets the fraction done, returns `false` to cancel. A
/// cancelled job ends with `ErrorKind::Cancelled` and writes nothing.
pub type Progress<'a> = &'a mut dyn FnMut(f64) -> bool;

/// Campaigns as a person fills in their form.
pub mod campaigns {
    use chrono::NaiveDate;

    use super::{CampaignId, Result};
    use crate::campaign::{self, Campaign};
    use crate::library::Library;
    use crate::usage::{self, Channel, Usage};

    pub fn create(
        lib: &Library,
        name: &str,
        channels: &[Channel],
        territories: &[String],
        (starts_on, ends_on): (NaiveDate, NaiveDate),
    ) -> Result<Campaign> {
        let name = usage::campaign_name(name)?;
        let usage = Usage::from_parts(channels, territories, starts_on, ends_on)?;
        Ok(campaign::create(lib.conn(), name, &usage)?)
    }

    /// The campaign home, as of `today`.
    pub fn home(lib: &Library, today: NaiveDate) -> Result<crate::views::CampaignHome> {
        Ok(crate::views::campaigns(lib.conn(), today)?)
    }

    /// Changes a campaign's name and usage; its pieces are judged against the new usage.
    pub fn update(
        lib: &Library,
        id: CampaignId,
        name: &str,
        channels: &[Channel],
        territories: &[String],
        (starts_on, ends_on): (NaiveDate, NaiveDate),
    ) -> Result<Campaign> {
        let name = usage::campaign_name(name)?;
        let usage = Usage::from_parts(channels, territories, starts_on, ends_on)?;
        Ok(campaign::update(lib.conn(), id.0, name, &usage)?)
    }
}
