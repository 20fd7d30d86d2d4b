//! Reading a form export before importing with it: which column Chorus reads as what (the
//! reading remembered for this form, else its proposal), changed by the person, and the
//! first rows as they will be read, so a wrong column shows before anything is linked.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Error, Result};
use crate::library::Library;
use crate::manifest::{columns, sheet, AgeStatement, Field, Manifest, Mapping};

/// Rows shown in a preview.
pub const PREVIEW_ROWS: usize = 5;

/// One field and the columns (0-based) it is read from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldColumns {
    pub field: Field,
    pub columns: Vec<u32>,
}

/// A row of the form as it will be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PreviewRow {
    pub line: u32,
    pub name: Option<String>,
    pub email: Option<String>,
    pub handle: Option<String>,
    pub files: Vec<String>,
    /// "adult", "minor" or "unknown".
    pub age: String,
    pub consent: Option<String>,
    pub submitted_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FormPreview {
    pub path: String,
    pub headers: Vec<String>,
    /// Every field, with the columns it is read from (none: not in this form).
    pub mapping: Vec<FieldColumns>,
    /// Whether this reading was confirmed before for a form with these headers.
    pub remembered: bool,
    /// The first rows (one per person), as read.
    pub rows: Vec<PreviewRow>,
    /// People (form rows) in the export.
    pub people: u32,
    /// What stops an import with this reading, or needs a look; empty when all is well.
    pub problems: Vec<String>,
}

/// The mapping as the front ends carry it.
pub fn to_view(mapping: &Mapping) -> Vec<FieldColumns> {
    Field::ALL
        .iter()
        .map(|&field| FieldColumns {
            field,
            columns: mapping.columns(field).iter().map(|&c| c as u32).collect(),
        })
        .collect()
}

/// A mapping a front end sent back, checked against the form's headers: every column must
/// exist and be read as one field at most; name and files may take several.
pub fn from_view(view: &[FieldColumns], headers: &[String]) -> Result<Mapping> {
    let mut mapping = Mapping::default();
    let mut seen = std::collections::HashSet::new();
    for fc in view {
        if fc.columns.len() > 1 && !matches!(fc.field, Field::Files | Field::Name) {
            return Err(Error::invalid(format!(
                "{} takes one column, not {}",
                fc.field.word(),
                fc.columns.len()
            )));
        }
        for &c in &fc.columns {
            let Some(header) = headers.get(c as usize) else {
                return Err(Error::invalid(format!(
                    "the form has no column {} (it has {})",
                    c + 1,
                    headers.len()
                )));
            };
            if !seen.insert(c) {
                return Err(Error::invalid(format!(
                    "column {} ({header}) is read as two fields; give it to one",
                    c + 1
                )));
            }
        }
        if !fc.columns.is_empty() {
            mapping
                .fields
                .entry(fc.field)
                .or_default()
                .extend(fc.columns.iter().map(|&c| c as usize));
        }
    }
    Ok(mapping)
}

/// The reading an import of this form would use: `mapping` when given, else the one
/// remembered for its headers, else the proposal; with `changes` (`name=COL,...`, the
/// CLI's `--map`) applied on top.
pub fn reading(
    lib: &Library,
    path: &Path,
    mapping: Option<&[FieldColumns]>,
    changes: Option<&str>,
) -> Result<(sheet::Sheet, Mapping, bool)> {
    let sheet = sheet::read(path).map_err(|e| Error::invalid(e.to_string()))?;
    let remembered = columns::remembered(lib.conn(), &sheet.headers)?;
    let was_remembered = remembered.is_some() && mapping.is_none() && changes.is_none();
    let mut chosen = match mapping {
        Some(view) => from_view(view, &sheet.headers)?,
        None => remembered.unwrap_or_else(|| columns::propose(&sheet.headers)),
    };
    if let Some(spec) = changes {
        chosen = columns::apply_overrides(chosen, &sheet.headers, spec)
            .map_err(|why| Error::invalid(format!("--map {spec}: {why}")))?;
    }
    Ok((sheet, chosen, was_remembered))
}

/// The preview of a form export under a reading (see [`reading`]).
pub fn preview(
    lib: &Library,
    path: &Path,
    mapping: Option<&[FieldColumns]>,
    changes: Option<&str>,
) -> Result<FormPreview> {
    let (sheet, mapping, remembered) = reading(lib, path, mapping, changes)?;
    let adult_age = crate::rights::RightsSettings::load(lib)?.adult_age;
    let today = chrono::Local::now().date_naive();
    let mut problems = Vec::new();
    let manifest = match Manifest::from_sheet(&sheet, &mapping, adult_age, today) {
        Ok(m) => m,
        Err(e) => {
            problems.push(e.to_string());
            Manifest::default()
        }
    };
    for field in [Field::Name, Field::Email, Field::Consent] {
        if mapping.columns(field).is_empty() {
            problems.push(format!(
                "no column is read as {}: {}",
                field.word(),
                match field {
                    Field::Consent =>
                        "no file is cleared by the form's consent; each contributor must be asked",
                    _ => "contributors are told apart by the rest",
                }
            ));
        }
    }
    if [Field::Age, Field::BirthDate, Field::Adult]
        .iter()
        .all(|f| mapping.columns(*f).is_empty())
    {
        problems.push(
            "no column gives an age: every contributor is \"age unknown\", which blocks paid channels until someone confirms their age".into(),
        );
    }
    let mut rows: Vec<PreviewRow> = Vec::new();
    for row in &manifest.rows {
        if let Some(last) = rows.last_mut().filter(|l| l.line == row.line as u32) {
            last.files.push(row.file.clone());
            continue;
        }
        rows.push(PreviewRow {
            line: row.line as u32,
            name: row.name.clone(),
            email: row.email.clone(),
            handle: row.handle.clone(),
            files: vec![row.file.clone()],
            age: match row.age {
                AgeStatement::Adult => "adult",
                AgeStatement::Minor { .. } => "minor",
                AgeStatement::Unknown => "unknown",
            }
            .into(),
            consent: row.consent.clone(),
            submitted_at: row.submitted_at.clone(),
        });
    }
    let people = rows.len() as u32;
    rows.truncate(PREVIEW_ROWS);
    Ok(FormPreview {
        path: path.display().to_string(),
        headers: sheet.headers,
        mapping: to_view(&mapping),
        remembered,
        rows,
        people,
        problems,
    })
}
