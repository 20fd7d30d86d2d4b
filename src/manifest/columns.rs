//! Which column of a form export means what. Form tools use the question's own words as
//! the header ("Upload your photo or video", "What's your email address?"), so Chorus
//! proposes a reading by meaning, shows it, and lets the person confirm or change it; the
//! confirmed reading is remembered for every later export with the same headers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::header_key;

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Field {
    /// The uploaded file or files: a name, a path, a link, several in one cell.
    Files,
    Name,
    Email,
    Handle,
    Consent,
    SubmittedAt,
    Age,
    BirthDate,
    /// An "I am 18 or older" box.
    Adult,
}

impl Field {
    pub const ALL: [Field; 9] = [
        Field::Name,
        Field::Email,
        Field::Handle,
        Field::Files,
        Field::Consent,
        Field::Age,
        Field::BirthDate,
        Field::Adult,
        Field::SubmittedAt,
    ];

    /// The word used on the command line (`--map name=COL`) and in messages.
    pub fn word(self) -> &'static str {
        match self {
            Field::Files => "files",
            Field::Name => "name",
            Field::Email => "email",
            Field::Handle => "handle",
            Field::Consent => "consent",
            Field::SubmittedAt => "submitted_at",
            Field::Age => "age",
            Field::BirthDate => "birth_date",
            Field::Adult => "adult",
        }
    }

    fn from_word(word: &str) -> Option<Field> {
        Some(match header_key(word).as_str() {
            "file" | "files" | "upload" | "uploads" => Field::Files,
            "name" => Field::Name,
            "email" => Field::Email,
            "handle" => Field::Handle,
            "consent" => Field::Consent,
            "submittedat" | "submitted" | "timestamp" => Field::SubmittedAt,
            "age" => Field::Age,
            "birthdate" | "dob" | "dateofbirth" => Field::BirthDate,
            "adult" | "over18" | "18plus" => Field::Adult,
            _ => return None,
        })
    }

    /// Fields that may take more than one column: a first and last name, a photo question
    /// and a video question.
    fn many(self) -> bool {
        matches!(self, Field::Files | Field::Name)
    }
}

/// A reading of a form's columns: for each field, the columns (0-based, in header order)
/// that hold it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub fields: BTreeMap<Field, Vec<usize>>,
}

impl Mapping {
    /// The field column `index` is read as, if any.
    pub fn field_of(&self, index: usize) -> Option<Field> {
        self.fields
            .iter()
            .find(|(_, cols)| cols.contains(&index))
            .map(|(f, _)| *f)
    }

    pub fn columns(&self, field: Field) -> &[usize] {
        self.fields.get(&field).map_or(&[], Vec::as_slice)
    }

    /// "name ← Your full name; files ← Upload your photo or video; age: no column".
    pub fn describe(&self, headers: &[String]) -> Vec<(Field, Vec<String>)> {
        Field::ALL
            .iter()
            .map(|&f| {
                let names = self
                    .columns(f)
                    .iter()
                    .filter_map(|&i| headers.get(i).cloned())
                    .collect();
                (f, names)
            })
            .collect()
    }

    /// Keeps only columns that exist, each read as one field at most.
    fn tidy(mut self, columns: usize) -> Mapping {
        let mut seen = std::collections::HashSet::new();
        for cols in self.fields.values_mut() {
            cols.retain(|&c| c < columns && seen.insert(c));
        }
        self.fields.retain(|_, cols| !cols.is_empty());
        self
    }
}

/// Identifies a form by its headers (as `header_key`s, in order), so the mapping someone
/// confirmed is used again for the next export of the same form.
pub fn signature(headers: &[String]) -> String {
    let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
    blake3::hash(keys.join("\u{1f}").as_bytes())
        .to_hex()
        .to_string()
}

/// The mapping confirmed for a form with these headers, if one was. A stored mapping that
/// no longer parses (an edit by hand) is ignored, so the proposal is shown again; columns
/// it names that the form does not have are dropped.
pub fn remembered(
    conn: &rusqlite::Connection,
    headers: &[String],
) -> rusqlite::Result<Option<Mapping>> {
    use rusqlite::OptionalExtension;
    let stored: Option<String> = conn
        .query_row(
            "SELECT mapping FROM form_mappings WHERE signature = ?",
            [signature(headers)],
            |r| r.get(0),
        )
        .optional()?;
    Ok(stored
        .and_then(|json| serde_json::from_str::<Mapping>(&json).ok())
        .map(|m| m.tidy(headers.len())))
}

/// Keeps `mapping` as the reading of every later export with these headers.
pub fn remember(
    conn: &rusqlite::Connection,
    headers: &[String],
    mapping: &Mapping,
) -> rusqlite::Result<()> {
    let json = serde_json::to_string(mapping).unwrap_or_default();
    conn.execute(
        "INSERT INTO form_mappings (signature, headers, mapping, saved_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(signature) DO UPDATE SET headers = excluded.headers, mapping = excluded.mapping, saved_at = excluded.saved_at",
        rusqlite::params![
            signature(headers),
            serde_json::to_string(headers).unwrap_or_default(),
            json,
            chrono::Utc::now().to_rfc3339()
        ],
    )?;
    Ok(())
}

/// Columns the form tools add about the response rather than the person: never proposed.
fn bookkeeping(key: &str) -> bool {
    matches!(
        key,
        "" | "id"
            | "submissionid"
            | "respondentid"
            | "responseid"
            | "networkid"
            | "tags"
            | "ip"
            | "ipaddress"
            | "starttime"
            | "startdateutc"
            | "startdate"
            | "lastmodifiedtime"
            | "token"
            | "formid"
            | "userid"
            | "uniqueid"
            | "status"
            | "score"
            | "totalscore"
    )
}

/// The field a header means by itself, if any: exact words first, then the words a
/// question uses. Order matters: "Do you agree we may use your photo?" is consent, not
/// a file; "Are you 18 or older?" is the adult box, not an age.
fn meaning(header: &str) -> Option<Field> {
    let key = header_key(header);
    if bookkeeping(&key) {
        return None;
    }
    let lower = header.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    let has_any = |ws: &[&str]| ws.iter().any(|w| has(w));
    let eighteen = key.contains("18")
        && (has_any(&["older", "over", "adult", "plus", "least"])
            || [
                "orolder", "orover", "over18", "18plus", "andover", "andolder",
            ]
            .iter()
            .any(|k| key.contains(k))
            || lower.contains("18+")
            || key == "18");
    let age_box = [
        "agecheck",
        "ageverification",
        "ageconfirmation",
        "confirmage",
        "ofage",
        "legalage",
    ]
    .iter()
    .any(|k| key.contains(k));
    if eighteen || age_box || key == "adult" {
        return Some(Field::Adult);
    }
    if key.contains("birth") || has("dob") || key == "dob" {
        return Some(Field::BirthDate);
    }
    if has_any(&["age", "ages"]) || key.contains("howold") || key.starts_with("age") {
        return Some(Field::Age);
    }
    if key.contains("consent")
        || has_any(&[
            "agree",
            "agreement",
            "permission",
            "release",
            "authorize",
            "authorise",
            "terms",
            "allow",
        ])
    {
        return Some(Field::Consent);
    }
    if key.contains("email") || has("mail") {
        return Some(Field::Email);
    }
    if ["instagram", "tiktok", "handle", "username", "twitter"]
        .iter()
        .any(|k| key.contains(k))
        || has("social")
    {
        return Some(Field::Handle);
    }
    let file_word = has_any(&[
        "upload",
        "uploads",
        "uploaded",
        "file",
        "files",
        "path",
        "photo",
        "photos",
        "video",
        "videos",
        "clip",
        "clips",
        "attachment",
        "attachments",
        "media",
        "picture",
        "pictures",
        "image",
        "images",
    ]);
    let file_key = key.contains("upload")
        || key.starts_with("file")
        || key.ends_with("filename")
        || key.ends_with("filepath")
        || key.ends_with("relativepath");
    if file_word || file_key {
        return Some(Field::Files);
    }
    if key == "timestamp"
        || [
            "submitdate",
            "submissiondate",
            "submittedat",
            "completiontime",
            "createdat",
        ]
        .iter()
        .any(|k| key.contains(k))
        || matches!(
            key.as_str(),
            "submitted" | "date" | "created" | "submissiontime"
        )
    {
        return Some(Field::SubmittedAt);
    }
    let named = has("name") || key.ends_with("name") || has("contributor");
    if named && !has_any(&["user", "company", "business", "brand", "pet", "product"]) {
        return Some(Field::Name);
    }
    None
}

/// Chorus's reading of a form's headers: each column by its own meaning, a field taking
/// the first column that means it unless it may take several (files, name parts).
pub fn propose(headers: &[String]) -> Mapping {
    let mut fields: BTreeMap<Field, Vec<usize>> = BTreeMap::new();
    for (i, h) in headers.iter().enumerate() {
        if let Some(f) = meaning(h) {
            let cols = fields.entry(f).or_default();
            if cols.is_empty() || f.many() {
                cols.push(i);
            }
        }
    }
    Mapping { fields }.tidy(headers.len())
}

/// Changes to a proposal, as typed: `name=Your full name,age=,files=4`. A column is named
/// by its header (ignoring case, spaces and punctuation) or by its number (1 = the first);
/// an empty column reads the field from nowhere. Several columns for files or name are
/// separated by `+`. The error names what is wrong and lists the columns.
pub fn apply_overrides(
    mut mapping: Mapping,
    headers: &[String],
    spec: &str,
) -> Result<Mapping, String> {
    let listed = || {
        headers
            .iter()
            .enumerate()
            .map(|(i, h)| format!("{}: {h}", i + 1))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut changed: Vec<Field> = Vec::new();
    let mut given: std::collections::HashMap<usize, Field> = std::collections::HashMap::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((field, columns)) = part.split_once('=') else {
            return Err(format!(
                "'{part}' is not field=column (for example name=\"Your full name\")"
            ));
        };
        let field = Field::from_word(field).ok_or_else(|| {
            format!(
                "'{}' is not a field Chorus reads; use one of: {}",
                field.trim(),
                Field::ALL.map(Field::word).join(", ")
            )
        })?;
        if changed.contains(&field) {
            return Err(format!("{} is given twice", field.word()));
        }
        changed.push(field);
        let mut cols = Vec::new();
        for column in columns.split('+').map(str::trim).filter(|c| !c.is_empty()) {
            let wanted = header_key(column.trim_matches('"'));
            let index = match column.parse::<usize>() {
                Ok(n) if (1..=headers.len()).contains(&n) => Some(n - 1),
                Ok(_) => None,
                Err(_) => headers.iter().position(|h| header_key(h) == wanted),
            };
            let index = index.ok_or_else(|| {
                format!(
                    "the form has no column '{column}' (for {}); its columns are {}",
                    field.word(),
                    listed()
                )
            })?;
            cols.push(index);
        }
        for &c in &cols {
            if let Some(other) = given.insert(c, field).filter(|o| *o != field) {
                return Err(format!(
                    "column {} ({}) cannot be both {} and {}",
                    c + 1,
                    headers[c],
                    other.word(),
                    field.word()
                ));
            }
        }
        if cols.len() > 1 && !field.many() {
            return Err(format!(
                "{} takes one column, not {}",
                field.word(),
                cols.len()
            ));
        }
        // A column given to this field is taken from any other.
        for other in mapping.fields.values_mut() {
            other.retain(|c| !cols.contains(c));
        }
        mapping.fields.insert(field, cols);
    }
    Ok(mapping.tidy(headers.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(hs: &[&str]) -> Vec<String> {
        hs.iter().map(|h| h.to_string()).collect()
    }

    fn read(hs: &[&str]) -> Vec<(String, &'static str)> {
        let hs = headers(hs);
        let m = propose(&hs);
        let mut out: Vec<(String, &'static str)> = Vec::new();
        for (i, h) in hs.iter().enumerate() {
            if let Some(f) = m.field_of(i) {
                out.push((h.clone(), f.word()));
            }
        }
        out
    }

    #[test]
    fn questions_are_read_by_meaning() {
        let got = read(&[
            "Timestamp",
            "Email Address",
            "Your full name",
            "Instagram handle (optional)",
            "Upload your photo or video",
            "How old are you?",
            "I agree that BrandCo may use my photos and videos in its marketing.",
        ]);
        let want = [
            ("Timestamp", "submitted_at"),
            ("Email Address", "email"),
            ("Your full name", "name"),
            ("Instagram handle (optional)", "handle"),
            ("Upload your photo or video", "files"),
            ("How old are you?", "age"),
            (
                "I agree that BrandCo may use my photos and videos in its marketing.",
                "consent",
            ),
        ];
        assert_eq!(
            got,
            want.map(|(h, f)| (h.to_string(), f)).to_vec(),
            "every question read as what it asks"
        );
    }

    #[test]
    fn bookkeeping_columns_and_boxes() {
        let got = read(&[
            "#",
            "Submission ID",
            "Are you 18 or older?",
            "Date of Birth",
            "Start Date (UTC)",
            "Submit Date (UTC)",
            "Network ID",
            "First Name",
            "Last Name",
        ]);
        assert_eq!(
            got,
            vec![
                ("Are you 18 or older?".to_string(), "adult"),
                ("Date of Birth".to_string(), "birth_date"),
                ("Submit Date (UTC)".to_string(), "submitted_at"),
                ("First Name".to_string(), "name"),
                ("Last Name".to_string(), "name"),
            ]
        );
    }

    #[test]
    fn overrides_by_header_or_number_and_their_errors() {
        let hs = headers(&["Timestamp", "Who are you", "Your clip", "Notes"]);
        let m = propose(&hs);
        assert_eq!(m.columns(Field::Name), &[] as &[usize]);
        let m = apply_overrides(m, &hs, "name=who are you, files=3").unwrap();
        assert_eq!(m.columns(Field::Name), &[1]);
        assert_eq!(m.columns(Field::Files), &[2]);
        // Moving a column to another field takes it from the first.
        let moved = apply_overrides(m.clone(), &hs, "consent=Notes,handle=2").unwrap();
        assert_eq!(moved.columns(Field::Name), &[] as &[usize]);
        assert_eq!(moved.columns(Field::Handle), &[1]);
        let cleared = apply_overrides(m.clone(), &hs, "files=").unwrap();
        assert!(cleared.columns(Field::Files).is_empty());
        for (bad, says) in [
            ("colour=2", "not a field"),
            ("name=Nope", "no column 'Nope'"),
            ("name=9", "no column '9'"),
            ("name=0", "no column '0'"),
            ("age=1+2", "takes one column"),
            ("name", "not field=column"),
            ("name=2,name=3", "given twice"),
            ("name=2,email=2", "cannot be both"),
        ] {
            let err = apply_overrides(m.clone(), &hs, bad).unwrap_err();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }

    #[test]
    fn the_signature_ignores_case_and_punctuation_not_order() {
        let a = signature(&headers(&["Name", "E-mail", "File"]));
        assert_eq!(a, signature(&headers(&["name ", "Email", "FILE"])));
        assert_ne!(a, signature(&headers(&["E-mail", "Name", "File"])));
    }
}
