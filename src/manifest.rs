//! The form export that comes with a batch of submissions: who sent which file, when, and
//! with what consent text. Form tools name and order their columns as they like, so columns
//! are matched by meaning, and unknown columns are ignored.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("cannot read the form export {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    #[error("the form export {path} has no column naming the file (looked for one of: file, file name, upload, attachment; found: {found})")]
    NoFileColumn { path: PathBuf, found: String },
}

/// One submission row. `line` is the 1-based line in the CSV, for messages.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Row {
    pub line: usize,
    pub file: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub handle: Option<String>,
    pub consent: Option<String>,
    pub submitted_at: Option<String>,
}

#[derive(Debug, Default)]
pub struct Manifest {
    pub path: PathBuf,
    pub rows: Vec<Row>,
    by_name: HashMap<String, Vec<usize>>,
}

#[derive(Clone, Copy, PartialEq)]
enum Field {
    File,
    Name,
    Email,
    Handle,
    Consent,
    SubmittedAt,
}

/// A column header reduced to what matters: `E-mail ` and `email` are one.
pub fn header_key(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Opens a CSV export the way form and mail tools write them: headers, ragged rows,
/// stray spaces.
pub fn open_csv(path: &Path) -> csv::Result<csv::Reader<std::fs::File>> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
}

fn field_of(header: &str) -> Option<Field> {
    Some(match header_key(header).as_str() {
        "file" | "filename" | "files" | "upload" | "uploadedfile" | "attachment" | "media"
        | "yourfile" => Field::File,
        "name" | "fullname" | "yourname" | "contributor" | "contributorname" => Field::Name,
        "email" | "emailaddress" | "youremail" => Field::Email,
        "handle" | "username" | "socialhandle" | "instagram" | "instagramhandle" | "tiktok" => {
            Field::Handle
        }
        "consent" | "consenttext" | "permission" | "release" | "agreement" => Field::Consent,
        "submittedat" | "submitted" | "submissiondate" | "timestamp" | "date" | "createdat" => {
            Field::SubmittedAt
        }
        _ => return None,
    })
}

impl Manifest {
    pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
        let read_err = |source| ManifestError::Read {
            path: path.to_path_buf(),
            source,
        };
        let mut reader = open_csv(path).map_err(read_err)?;
        let headers = reader.headers().map_err(read_err)?.clone();
        let columns: Vec<Option<Field>> = headers.iter().map(field_of).collect();
        if !columns.contains(&Some(Field::File)) {
            return Err(ManifestError::NoFileColumn {
                path: path.to_path_buf(),
                found: headers.iter().collect::<Vec<_>>().join(", "),
            });
        }
        let mut manifest = Manifest {
            path: path.to_path_buf(),
            ..Manifest::default()
        };
        for record in reader.records() {
            let record = record.map_err(read_err)?;
            let mut row = Row {
                line: record.position().map_or(0, |p| p.line() as usize),
                ..Row::default()
            };
            for (value, field) in record.iter().zip(&columns) {
                let value = value.trim();
                if value.is_empty() {
                    continue;
                }
                let value = value.to_string();
                match field {
                    Some(Field::File) => row.file = value,
                    Some(Field::Name) => row.name = Some(value),
                    Some(Field::Email) => row.email = Some(value.to_lowercase()),
                    Some(Field::Handle) => row.handle = Some(normalise_handle(&value)),
                    Some(Field::Consent) => row.consent = Some(value),
                    Some(Field::SubmittedAt) => row.submitted_at = Some(value),
                    None => {}
                }
            }
            if row.file.is_empty() {
                continue;
            }
            let key = file_key(&row.file);
            manifest
                .by_name
                .entry(key)
                .or_default()
                .push(manifest.rows.len());
            manifest.rows.push(row);
        }
        Ok(manifest)
    }

    /// The rows that name this file (by its name, ignoring folders and case).
    pub fn rows_for(&self, path: &Path) -> &[usize] {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        self.by_name
            .get(&name)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

fn file_key(file: &str) -> String {
    file.rsplit(['/', '\\'])
        .next()
        .unwrap_or(file)
        .to_lowercase()
}

fn normalise_handle(h: &str) -> String {
    let h = h.trim();
    if h.starts_with('@') {
        h.to_string()
    } else {
        format!("@{h}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_in_any_order_with_extras() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("form.csv");
        std::fs::write(
            &path,
            "Referral,E-mail,File Name,Full Name,Handle,Consent,Submitted At\n\
             friend,Ana@Example.com,uploads/Beach.MP4,Ana Souza,ana.surfs,\"Yes, I agree\",2026-06-01\n",
        )
        .unwrap();
        let m = Manifest::load(&path).unwrap();
        assert_eq!(m.rows.len(), 1);
        let row = &m.rows[0];
        assert_eq!(row.email.as_deref(), Some("ana@example.com"));
        assert_eq!(row.handle.as_deref(), Some("@ana.surfs"));
        assert_eq!(row.consent.as_deref(), Some("Yes, I agree"));
        assert_eq!(m.rows_for(Path::new("/x/beach.mp4")), &[0]);
    }

    #[test]
    fn missing_file_column_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("form.csv");
        std::fs::write(&path, "name,email\nA,a@b.c\n").unwrap();
        let err = Manifest::load(&path).unwrap_err().to_string();
        assert!(err.contains("no column naming the file"), "{err}");
        assert!(err.contains("name, email"), "{err}");
    }
}
