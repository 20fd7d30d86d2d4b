//! A grant's evidence as a person checks it: the reply e-mail as it was received, the
//! submission form's row, the signed release file. Read from the store by the hash the
//! grant recorded; a hash that names no stored file is reported, never guessed around.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::mail::{self, MailMessage};
use super::RightsError;
use crate::library::{ContentHash, Library};

/// What a stored evidence file is, by its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum EvidenceKind {
    Mail,
    Pdf,
    Image,
    Other,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EvidenceFile {
    pub hash: String,
    pub kind: EvidenceKind,
    pub bytes: u64,
}

/// The submission a form grant came from, as recorded when it was imported.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FormRow {
    pub file_name: String,
    pub submitted_at: Option<String>,
    pub recorded_at: String,
    pub consent_text: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub handle: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EvidenceView {
    pub grant_id: i64,
    pub decision: String,
    /// form, email, social, release or other.
    pub source: String,
    pub given_at: String,
    pub text: Option<String>,
    pub file: Option<EvidenceFile>,
    /// The message, when the evidence file is an e-mail.
    pub mail: Option<MailMessage>,
    /// The submission, for consent given on the submission form.
    pub form: Option<FormRow>,
}

pub fn kind_of(head: &[u8]) -> EvidenceKind {
    if head.starts_with(b"%PDF") {
        EvidenceKind::Pdf
    } else if image::guess_format(head).is_ok() {
        EvidenceKind::Image
    } else if mail::is_mail(head) {
        EvidenceKind::Mail
    } else {
        EvidenceKind::Other
    }
}

/// Where a grant's evidence file is in the store, checked to exist.
pub fn evidence_path(lib: &Library, grant: i64) -> Result<Option<std::path::PathBuf>, RightsError> {
    let hash: Option<String> = lib
        .conn()
        .query_row(
            "SELECT evidence_hash FROM grants WHERE id = ?1",
            [grant],
            |r| r.get(0),
        )
        .optional()?
        .ok_or(RightsError::NoSuchGrant(grant))?;
    let Some(hash) = hash else { return Ok(None) };
    let missing = || RightsError::EvidenceMissing {
        grant,
        hash: hash.clone(),
    };
    let parsed = ContentHash::parse(&hash).map_err(|_| missing())?;
    let path = lib.store().original(&parsed);
    match path.is_file() {
        true => Ok(Some(path)),
        false => Err(missing()),
    }
}

pub fn evidence(lib: &Library, grant: i64) -> Result<EvidenceView, RightsError> {
    let conn = lib.conn();
    type Row = (String, String, String, Option<String>, i64, Option<i64>);
    let (decision, source, given_at, text, contributor, asset): Row = conn
        .query_row(
            "SELECT decision, evidence_source, evidence_at, evidence_text, contributor_id, asset_id
             FROM grants WHERE id = ?1",
            [grant],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .optional()?
        .ok_or(RightsError::NoSuchGrant(grant))?;
    let (file, mail) = match evidence_path(lib, grant)? {
        None => (None, None),
        Some(path) => {
            let bytes = std::fs::read(&path).map_err(|source| RightsError::Evidence {
                path: path.clone(),
                source,
            })?;
            let kind = kind_of(&bytes[..bytes.len().min(4096)]);
            let mail = match kind {
                EvidenceKind::Mail => mail::message(&bytes),
                _ => None,
            };
            let hash = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let file = EvidenceFile {
                hash,
                kind,
                bytes: bytes.len() as u64,
            };
            (Some(file), mail)
        }
    };
    let form = match source.as_str() {
        "form" => form_row(conn, contributor, asset)?,
        _ => None,
    };
    Ok(EvidenceView {
        grant_id: grant,
        decision,
        source,
        given_at,
        text,
        file,
        mail,
        form,
    })
}

/// The contributor's latest form submission of the asset (or of anything, for a grant on
/// all their assets).
fn form_row(
    conn: &Connection,
    contributor: i64,
    asset: Option<i64>,
) -> Result<Option<FormRow>, RightsError> {
    Ok(conn
        .query_row(
            "SELECT s.original_path, s.submitted_at, s.recorded_at, s.consent_text, c.name, c.email, c.handle
             FROM submissions s JOIN contributors c ON c.id = s.contributor_id
             WHERE s.contributor_id = ?1 AND s.channel = 'form' AND (?2 IS NULL OR s.asset_id = ?2)
             ORDER BY s.recorded_at DESC, s.id DESC LIMIT 1",
            params![contributor, asset],
            |r| {
                let path: String = r.get(0)?;
                Ok(FormRow {
                    file_name: std::path::Path::new(&path)
                        .file_name()
                        .map_or(path.clone(), |n| n.to_string_lossy().to_string()),
                    submitted_at: r.get(1)?,
                    recorded_at: r.get(2)?,
                    consent_text: r.get(3)?,
                    name: r.get(4)?,
                    email: r.get(5)?,
                    handle: r.get(6)?,
                })
            },
        )
        .optional()?)
}
