//! The form export that comes with a batch of submissions: who sent which file, when, and
//! with what consent text. Form tools name and order their columns as they like, so columns
//! are matched by meaning, and unknown columns are ignored.
//!
//! Exports arrive in whatever encoding the tool or spreadsheet chose (UTF-8 with or without
//! a byte-order mark, Excel's "Unicode text" in UTF-16, Windows-1252 from older Excel), so
//! they are decoded in memory before parsing. Two contributors may both send
//! `IMG_0001.jpg`: a row is linked to a file by the path the form gives, and a bare name
//! that fits more than one file or row is reported rather than guessed.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::{self, Cursor, Read};
use std::path::{Component, Path, PathBuf};

use chrono::{Datelike, NaiveDate};

pub mod columns;
pub mod sheet;
pub mod uploads;

pub use columns::{Field, Mapping};
pub use sheet::Sheet;

/// The age from which a contributor counts as an adult for advertising, unless the
/// library's `adult_age` setting says otherwise for its territory.
pub const DEFAULT_ADULT_AGE: u32 = 18;

/// Form and reply exports larger than this are refused before they are read: a real one
/// is a few megabytes even with thousands of rows.
pub const MAX_CSV_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("cannot read the form export {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    #[error("cannot read the form export {path}: {why}")]
    Sheet { path: PathBuf, why: String },
    #[error("the form export {path} has no column Chorus reads as the uploaded files (an upload, file, photo or video question; found: {found}); say which column it is with --map files=COLUMN, or in the import's column step")]
    NoFileColumn { path: PathBuf, found: String },
}

/// What a form row says about the contributor's age. Only a stated age, a date of birth or
/// a ticked 18+ box makes someone an adult; silence is `Unknown`, never adult.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AgeStatement {
    Adult,
    /// Under 18; `age` in whole years when the form made it clear.
    Minor {
        age: Option<u32>,
    },
    #[default]
    Unknown,
}

impl AgeStatement {
    /// Two answers about one person: any sign of a minor wins (the careful reading), then
    /// any established adult; the first known age is kept.
    pub fn and(self, other: AgeStatement) -> AgeStatement {
        use AgeStatement::*;
        match (self, other) {
            (Minor { age: a }, Minor { age: b }) => Minor { age: a.or(b) },
            (m @ Minor { .. }, _) | (_, m @ Minor { .. }) => m,
            (Adult, _) | (_, Adult) => Adult,
            (Unknown, Unknown) => Unknown,
        }
    }
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
    /// From the form's age, date-of-birth and 18+ columns, judged on the day of submission.
    pub age: AgeStatement,
}

#[derive(Debug, Default)]
pub struct Manifest {
    pub path: PathBuf,
    pub rows: Vec<Row>,
    /// Per row: the file cell as lowercase path components (the last is the file name), or
    /// `None` when it names no file (a link without a file name).
    keys: Vec<Option<Vec<String>>>,
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
/// stray spaces, any of the encodings `decode_text` takes, and tabs or semicolons for
/// commas when the header line says so. The file is read whole (up to `MAX_CSV_BYTES`);
/// encoding and size problems come back as I/O errors that say how to save the file.
pub fn open_csv(path: &Path) -> csv::Result<csv::Reader<Cursor<Vec<u8>>>> {
    let text = read_text(path)?;
    Ok(csv_builder(&text).from_reader(Cursor::new(text.into_bytes())))
}

/// The reader settings for decoded export text (see `open_csv`).
pub(crate) fn csv_builder(text: &str) -> csv::ReaderBuilder {
    let mut builder = csv::ReaderBuilder::new();
    builder
        .flexible(true)
        .trim(csv::Trim::All)
        .delimiter(delimiter_of(text));
    builder
}

/// Reads a text export whole and decodes it (see `decode_text`).
pub fn read_text(path: &Path) -> io::Result<String> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_CSV_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_CSV_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "the file is larger than {} MiB, which no form or reply export should be; check it is the right file, or split it and import the parts",
                MAX_CSV_BYTES / (1024 * 1024)
            ),
        ));
    }
    decode_text(&bytes).map_err(|why| io::Error::new(io::ErrorKind::InvalidData, why))
}

const SAVE_AS_UTF8: &str = "open it in your spreadsheet app and save it as \"CSV UTF-8 (Comma delimited)\" (Excel: File > Save As), or download it again as .csv from the form tool";

/// Decodes an export to text: UTF-8 with or without a byte-order mark, UTF-16 LE/BE (with
/// a mark, or plainly so without), else Windows-1252 (which covers Latin-1). The error
/// says what the file seems to be and what to save it as.
pub fn decode_text(bytes: &[u8]) -> Result<String, String> {
    let text = match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8(rest.to_vec()).map_err(|_| {
            format!("it starts like UTF-8 text but is not valid UTF-8; {SAVE_AS_UTF8}")
        })?,
        [0xFF, 0xFE, 0, 0, ..] | [0, 0, 0xFE, 0xFF, ..] => {
            return Err(format!(
                "it is in UTF-32, which Chorus does not read; {SAVE_AS_UTF8}"
            ))
        }
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes)?,
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes)?,
        [b'P', b'K', 3, 4, ..] => {
            return Err(format!(
                "it is an Excel workbook (.xlsx) or a zip archive, not a CSV file; {SAVE_AS_UTF8}"
            ))
        }
        [0xD0, 0xCF, 0x11, 0xE0, ..] => {
            return Err(format!(
                "it is an old Excel workbook (.xls), not a CSV file; {SAVE_AS_UTF8}"
            ))
        }
        _ => match bomless_utf16(bytes) {
            Some(true) => utf16(bytes, u16::from_le_bytes)?,
            Some(false) => utf16(bytes, u16::from_be_bytes)?,
            None => match std::str::from_utf8(bytes) {
                Ok(s) => s.to_string(),
                Err(_) => windows_1252(bytes)?,
            },
        },
    };
    if text.contains('\0') {
        return Err(format!(
            "it is not a text file (it holds binary data); {SAVE_AS_UTF8}"
        ));
    }
    Ok(text)
}

/// UTF-16 without a mark still shows itself: in text that is mostly ASCII, every other
/// byte is zero. `Some(true)` for little-endian.
fn bomless_utf16(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let zero_at = |odd: usize| {
        sample
            .iter()
            .skip(odd)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zero_at(0), zero_at(1));
    if odd * 10 >= pairs * 8 && even * 20 < pairs {
        Some(true)
    } else if even * 10 >= pairs * 8 && odd * 20 < pairs {
        Some(false)
    } else {
        None
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, String> {
    if !bytes.len().is_multiple_of(2) {
        return Err(format!(
            "it looks like UTF-16 text but ends half-way through a character (a damaged or cut-off file); {SAVE_AS_UTF8}"
        ));
    }
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|_| format!("it looks like UTF-16 text but is damaged; {SAVE_AS_UTF8}"))
}

/// Windows-1252's characters at 0x80–0x9F; `None` where it defines none. The rest of its
/// high half is Latin-1, which is Unicode's own first 256 code points.
const CP1252_HIGH: [Option<char>; 32] = [
    Some('\u{20AC}'),
    None,
    Some('\u{201A}'),
    Some('\u{0192}'),
    Some('\u{201E}'),
    Some('\u{2026}'),
    Some('\u{2020}'),
    Some('\u{2021}'),
    Some('\u{02C6}'),
    Some('\u{2030}'),
    Some('\u{0160}'),
    Some('\u{2039}'),
    Some('\u{0152}'),
    None,
    Some('\u{017D}'),
    None,
    None,
    Some('\u{2018}'),
    Some('\u{2019}'),
    Some('\u{201C}'),
    Some('\u{201D}'),
    Some('\u{2022}'),
    Some('\u{2013}'),
    Some('\u{2014}'),
    Some('\u{02DC}'),
    Some('\u{2122}'),
    Some('\u{0161}'),
    Some('\u{203A}'),
    Some('\u{0153}'),
    None,
    Some('\u{017E}'),
    Some('\u{0178}'),
];

/// Text that is not UTF-8 is taken as Windows-1252 (Excel's "CSV (Comma delimited)" on
/// Western systems, a superset of Latin-1), unless it is plainly something else: bytes
/// that encoding leaves undefined, damaged UTF-8, or the paired high bytes of Chinese,
/// Japanese or Korean legacy encodings.
fn windows_1252(bytes: &[u8]) -> Result<String, String> {
    let line_of = |at: usize| bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let (mut good_utf8, mut bad_utf8, mut first_bad) = (0usize, 0usize, 0usize);
    let mut rest = bytes;
    let mut offset = 0;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                good_utf8 += s.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let valid = e.valid_up_to();
                good_utf8 += std::str::from_utf8(&rest[..valid])
                    .map_or(0, |s| s.chars().filter(|c| !c.is_ascii()).count());
                if bad_utf8 == 0 {
                    first_bad = offset + valid;
                }
                bad_utf8 += 1;
                let skip = valid + e.error_len().unwrap_or(rest.len() - valid);
                rest = &rest[skip..];
                offset += skip;
            }
        }
    }
    if good_utf8 > 0 && good_utf8 >= bad_utf8 {
        return Err(format!(
            "it is UTF-8 text with {bad_utf8} damaged character(s) (the first on line {}); fix or retype that line, or {SAVE_AS_UTF8}",
            line_of(first_bad)
        ));
    }
    let high: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i] >= 0x80).collect();
    let paired = high
        .iter()
        .filter(|&&i| {
            (i > 0 && bytes[i - 1] >= 0x80) || bytes.get(i + 1).is_some_and(|&b| b >= 0x80)
        })
        .count();
    if high.len() >= 16 && paired * 10 >= high.len() * 6 {
        return Err(format!(
            "its text is in an encoding Chorus cannot tell apart (not UTF-8, UTF-16 or Windows-1252/Latin-1; perhaps Chinese, Japanese or Korean in a legacy encoding); {SAVE_AS_UTF8}"
        ));
    }
    let mut out = String::with_capacity(bytes.len() + high.len());
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            0x80..=0x9F => match CP1252_HIGH[usize::from(b - 0x80)] {
                Some(c) => out.push(c),
                None => {
                    return Err(format!(
                        "it is neither UTF-8 nor Windows-1252/Latin-1 (byte 0x{b:02X} on line {}); {SAVE_AS_UTF8}",
                        line_of(i)
                    ))
                }
            },
            _ => out.push(char::from(b)),
        }
    }
    Ok(out)
}

/// Excel's "Unicode text" is tab-separated, and Excel in countries that write decimal
/// commas separates with semicolons: the header line tells which.
fn delimiter_of(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    if header.contains(',') {
        b','
    } else if header.contains('\t') {
        b'\t'
    } else if header.contains(';') {
        b';'
    } else {
        b','
    }
}

/// A cell made safe for spreadsheets: text that starts like a formula (`=`, `+`, `-`, `@`,
/// a tab or a carriage return) gets a leading `'`, so a contributor named
/// `=HYPERLINK(...)` is shown, not run (OWASP's advice for CSV injection). Plain numbers
/// such as `-14.0` stay numbers. Every CSV Chorus writes passes its cells through this.
pub fn csv_safe(cell: &str) -> Cow<'_, str> {
    let risky = matches!(
        cell.chars().next(),
        // The full-width forms are read as formulas by East Asian spreadsheets.
        Some(
            '=' | '+' | '-' | '@' | '\t' | '\r' | '\u{FF1D}' | '\u{FF0B}' | '\u{FF0D}' | '\u{FF20}'
        )
    );
    if risky && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// `-14`, `+3.5`, `-1.2e-3`: a sign, digits, at most one point, an optional exponent.
fn is_plain_number(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mut digits = 0;
    let mut points = 0;
    for c in mantissa.chars() {
        match c {
            '0'..='9' => digits += 1,
            '.' => points += 1,
            _ => return false,
        }
    }
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    digits > 0 && points <= 1 && exponent_ok
}

impl Manifest {
    /// Reads a form export with Chorus's own reading of its columns and the default adult
    /// age (what `chorus ingest --manifest` does for a form it has not seen).
    pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
        let sheet = sheet::read(path)?;
        let mapping = columns::propose(&sheet.headers);
        let today = chrono::Local::now().date_naive();
        Manifest::from_sheet(&sheet, &mapping, DEFAULT_ADULT_AGE, today)
    }

    /// The rows of a form export read through `mapping`: one row per uploaded file (a cell
    /// may name several), each with the person's details and age judged against
    /// `adult_age` on the day they answered.
    pub fn from_sheet(
        sheet: &Sheet,
        mapping: &Mapping,
        adult_age: u32,
        today: NaiveDate,
    ) -> Result<Manifest, ManifestError> {
        if mapping.columns(Field::Files).is_empty() {
            return Err(ManifestError::NoFileColumn {
                path: sheet.path.clone(),
                found: sheet.headers.join(", "),
            });
        }
        let mut manifest = Manifest {
            path: sheet.path.clone(),
            ..Manifest::default()
        };
        let has_adult_box = !mapping.columns(Field::Adult).is_empty();
        for record in &sheet.rows {
            let cell = |i: &usize| record.cells.get(*i).map_or("", |c| c.trim());
            let first = |f: Field| {
                mapping
                    .columns(f)
                    .iter()
                    .map(cell)
                    .find(|c| !c.is_empty())
                    .map(str::to_string)
            };
            let name: Vec<&str> = mapping
                .columns(Field::Name)
                .iter()
                .map(cell)
                .filter(|c| !c.is_empty())
                .collect();
            let mut person = Row {
                line: record.line,
                name: (!name.is_empty()).then(|| name.join(" ")),
                email: first(Field::Email).map(|e| e.to_lowercase()),
                handle: first(Field::Handle).map(|h| normalise_handle(&h)),
                consent: first(Field::Consent),
                submitted_at: first(Field::SubmittedAt),
                ..Row::default()
            };
            let adult = first(Field::Adult);
            person.age = age_from_answers(
                first(Field::Age).as_deref(),
                first(Field::BirthDate).as_deref(),
                adult.as_deref(),
                person.submitted_at.as_deref(),
                today,
                adult_age,
            );
            // An "I am 18 or older" box left unticked is a no: the form asked.
            if has_adult_box && adult.is_none() {
                person.age = person.age.and(AgeStatement::Minor { age: None });
            }
            // A file named in two columns (a name and a path) is one file: the path says more.
            let mut files: Vec<String> = Vec::new();
            for text in mapping.columns(Field::Files).iter().map(cell) {
                for file in uploads::split(text) {
                    let same = files.iter().position(|f| same_file_name(f, &file));
                    match same {
                        Some(i) => files[i] = deeper(std::mem::take(&mut files[i]), file),
                        None => files.push(file),
                    }
                }
            }
            for file in files {
                manifest.keys.push(file_components(&file));
                manifest.rows.push(Row {
                    file,
                    ..person.clone()
                });
            }
        }
        Ok(manifest)
    }

    /// Decides, for every imported file at once, which row (if any) it belongs to. `files`
    /// gives each file's path relative to its import root (`/`-separated) and its path as
    /// found. A row whose file cell has folders fits only files whose path ends with those
    /// folders (ignoring case, `/` or `\`); a bare name fits when it is the only row naming
    /// that file and the only imported file of that name not already placed by a path.
    /// Anything else is left unlinked with a warning: Chorus does not guess whose it is.
    pub fn match_files(&self, files: &[(&str, &Path)]) -> Vec<FileMatch> {
        let placed: Vec<Placed> = files
            .iter()
            .map(|&(relative, path)| Placed::new(relative, path))
            .collect();
        let mut named: HashMap<&str, Vec<usize>> = HashMap::new();
        for (j, p) in placed.iter().enumerate() {
            named.entry(p.key.as_str()).or_default().push(j);
        }
        // Which files each row with folders fits.
        let fits: Vec<Vec<usize>> = self
            .keys
            .iter()
            .map(|key| match key.as_deref() {
                Some(parts @ [.., name]) if parts.len() > 1 => named
                    .get(name.as_str())
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|&j| placed[j].ends_with(parts))
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        let mut by_path: Vec<Vec<usize>> = vec![Vec::new(); placed.len()];
        for (r, files) in fits.iter().enumerate() {
            for &j in files {
                by_path[j].push(r);
            }
        }
        let mut bare: HashMap<&str, Vec<usize>> = HashMap::new();
        for (r, key) in self.keys.iter().enumerate() {
            if let Some([name]) = key.as_deref() {
                bare.entry(name.as_str()).or_default().push(r);
            }
        }
        // Files no path has placed, by name: the ones a bare name could mean.
        let mut unplaced: HashMap<&str, Vec<usize>> = HashMap::new();
        for (j, p) in placed.iter().enumerate() {
            if by_path[j].is_empty() {
                unplaced.entry(p.key.as_str()).or_default().push(j);
            }
        }

        let lines = |rows: &[usize]| {
            let numbers: Vec<String> = rows
                .iter()
                .map(|&r| self.rows[r].line.to_string())
                .collect();
            let word = if numbers.len() == 1 { "line" } else { "lines" };
            format!("{word} {}", numbers.join(", "))
        };
        // Paths under the import root, unless two roots hold the same one.
        let shown = |js: &[usize]| {
            let relative: HashSet<&str> = js.iter().map(|&j| placed[j].shown.as_str()).collect();
            let full = relative.len() < js.len();
            let mut names: Vec<&str> = js
                .iter()
                .take(5)
                .map(|&j| {
                    if full {
                        placed[j].full.as_str()
                    } else {
                        placed[j].shown.as_str()
                    }
                })
                .collect();
            let more = js.len().saturating_sub(5);
            let more = (more > 0).then(|| format!("and {more} more"));
            names.extend(more.as_deref());
            names.join(", ")
        };

        // Rows whose cell is a link with no file name (Google Drive's), by the uploader's
        // name Drive's download puts after " - ": each such file takes the next of its
        // person's rows, so a row without a file of its own is still reported missing.
        let mut by_uploader: HashMap<String, Vec<usize>> = HashMap::new();
        for (r, row) in self.rows.iter().enumerate() {
            if let (None, Some(name)) = (&self.keys[r], &row.name) {
                if uploads::is_nameless_link(&row.file) {
                    by_uploader.entry(name.to_lowercase()).or_default().push(r);
                }
            }
        }
        let mut taken: HashMap<String, usize> = HashMap::new();
        let drive: Vec<Option<FileMatch>> = (0..placed.len())
            .map(|j| {
                if !by_path[j].is_empty() || bare.contains_key(placed[j].key.as_str()) {
                    return None;
                }
                let who = uploads::uploader_suffix(&placed[j].name)?;
                let rows = by_uploader.get(&who)?;
                if !self.one_person(rows) {
                    return Some(FileMatch {
                        row: None,
                        rows: rows.clone(),
                        warning: Some(format!(
                            "{}: Google Drive names it after {who}, and {} form rows ({}) by different people with that name give Drive links; linked to nobody: link it by hand",
                            placed[j].name,
                            rows.len(),
                            lines(rows)
                        )),
                    });
                }
                let next = taken.entry(who).or_default();
                let row = rows[(*next).min(rows.len() - 1)];
                *next += 1;
                Some(FileMatch {
                    row: Some(row),
                    rows: vec![row],
                    warning: None,
                })
            })
            .collect();

        (0..placed.len())
            .map(|j| {
                if let Some(m) = &drive[j] {
                    return m.clone();
                }
                let name = &placed[j].name;
                let rows = &by_path[j];
                if !rows.is_empty() {
                    let crowded: Vec<usize> =
                        rows.iter().copied().filter(|&r| fits[r].len() > 1).collect();
                    let warning = if let Some(&r) = crowded.first() {
                        Some(format!(
                            "{name}: the form's path {} (line {}) fits {} imported files ({}); linked to nobody: give a longer path in the form or link it by hand",
                            self.rows[r].file,
                            self.rows[r].line,
                            fits[r].len(),
                            shown(&fits[r])
                        ))
                    } else if !self.one_person(rows) {
                        Some(format!(
                            "{name}: {} form rows give a path that fits this file ({}) and name different people; linked to nobody: correct the form or link it by hand",
                            rows.len(),
                            lines(rows)
                        ))
                    } else {
                        None
                    };
                    return FileMatch {
                        row: warning.is_none().then_some(rows[0]),
                        rows: rows.clone(),
                        warning,
                    };
                }
                let Some(rows) = bare.get(placed[j].key.as_str()) else {
                    return FileMatch::default();
                };
                let same_name = unplaced
                    .get(placed[j].key.as_str())
                    .map_or(&[][..], Vec::as_slice);
                let many_rows = !self.one_person(rows);
                let many_files = same_name.len() > 1;
                let warning = match (many_rows, many_files) {
                    (false, false) => None,
                    (true, false) => Some(format!(
                        "{name}: {} form rows name this file ({}) and it has no folder in the form",
                        rows.len(),
                        lines(rows)
                    )),
                    (false, true) => Some(format!(
                        "{name}: {} imported files have this name ({}) and the form ({}) gives no folder",
                        same_name.len(),
                        shown(same_name),
                        lines(rows)
                    )),
                    (true, true) => Some(format!(
                        "{name}: {} form rows name this file ({}), {} imported files have this name ({}), and the form gives no folder",
                        rows.len(),
                        lines(rows),
                        same_name.len(),
                        shown(same_name)
                    )),
                }
                .map(|w| {
                    format!("{w}; linked to nobody: give the form's path or link it by hand")
                });
                FileMatch {
                    row: warning.is_none().then_some(rows[0]),
                    rows: rows.clone(),
                    warning,
                }
            })
            .collect()
    }

    /// Whether these rows are one person's (the same form sent twice): same e-mail, else
    /// same handle, else same name.
    fn one_person(&self, rows: &[usize]) -> bool {
        let who = |r: usize| {
            let row = &self.rows[r];
            row.email
                .clone()
                .or_else(|| row.handle.clone())
                .or_else(|| row.name.as_ref().map(|n| n.to_lowercase()))
        };
        let first = who(rows[0]);
        first.is_some() && rows.iter().all(|&r| who(r) == first)
    }
}

/// What the form says about one imported file (see `Manifest::match_files`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileMatch {
    /// The row whose contributor the file is linked to.
    pub row: Option<usize>,
    /// Every row this file answers for, so that none is reported as a file that never
    /// arrived once it is imported: the linked row, repeats of it by the same person, or
    /// the rows that made the match ambiguous.
    pub rows: Vec<usize>,
    /// Why rows name this file but none was linked, for the file's import result.
    pub warning: Option<String>,
}

/// An imported file, seen the ways a form may name it.
struct Placed {
    /// The file name as found, for messages.
    name: String,
    /// The relative path as found, for messages.
    shown: String,
    /// The path as found, for messages when relative paths repeat.
    full: String,
    /// The lowercase file name.
    key: String,
    relative: Vec<String>,
    absolute: Vec<String>,
}

impl Placed {
    fn new(relative: &str, path: &Path) -> Placed {
        let lower = |s: &str| s.to_lowercase();
        let relative_parts: Vec<String> = relative
            .split(['/', '\\'])
            .filter(|p| !p.is_empty() && *p != ".")
            .map(lower)
            .collect();
        let absolute_path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let absolute: Vec<String> = absolute_path
            .components()
            .filter_map(|c| match c {
                Component::Normal(s) => Some(s.to_string_lossy().to_lowercase()),
                _ => None,
            })
            .collect();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| relative.to_string());
        Placed {
            key: name.to_lowercase(),
            name,
            shown: relative.to_string(),
            full: path.display().to_string(),
            relative: relative_parts,
            absolute,
        }
    }

    /// Whether the form's folders and name are the tail of this file's path: under the
    /// import root, or above it when the marketer imported the folder the form names.
    fn ends_with(&self, parts: &[String]) -> bool {
        self.relative.ends_with(parts) || self.absolute.ends_with(parts)
    }
}

/// Whether two file cells of one row end in the same file name (a name and a path).
fn same_file_name(a: &str, b: &str) -> bool {
    match (file_components(a), file_components(b)) {
        (Some(x), Some(y)) => x.last() == y.last(),
        _ => false,
    }
}

/// Of two file cells in one row, the one that names more folders.
fn deeper(current: String, new: String) -> String {
    if current.is_empty() || depth(&new) > depth(&current) {
        new
    } else {
        current
    }
}

/// How many folders a file cell names, to prefer a path column over a name column.
fn depth(cell: &str) -> usize {
    if cell.is_empty() {
        0
    } else {
        file_components(cell).map_or(0, |p| p.len())
    }
}

/// A form's file cell as lowercase path components, the file name last: `bob/IMG_0001.jpg`,
/// `./alice\IMG_0001.jpg` and `C:\fakepath\IMG_0001.jpg` (what browsers report for an
/// upload) work. A link (a Drive or Dropbox URL) gives only its last segment, and only if
/// that looks like a file name; `None` when the cell names no file.
pub fn file_components(cell: &str) -> Option<Vec<String>> {
    let cell = cell.trim();
    if let Some(rest) = url_rest(cell) {
        let path = rest.split(['?', '#']).next().unwrap_or_default();
        // The host comes first; the file name, if any, is the last segment of the path.
        let last = path
            .split_once('/')?
            .1
            .rsplit('/')
            .find(|s| !s.is_empty())?;
        let last = percent_encoding::percent_decode_str(last).decode_utf8_lossy();
        return looks_like_file_name(&last).then(|| vec![last.to_lowercase()]);
    }
    let mut parts: Vec<&str> = cell
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let drive = |p: &str| p.len() == 2 && p.ends_with(':') && p.as_bytes()[0].is_ascii_alphabetic();
    if parts.first().is_some_and(|p| drive(p)) {
        parts.remove(0);
    }
    if parts.len() > 1 && parts[0].eq_ignore_ascii_case("fakepath") {
        parts.remove(0);
    }
    if parts.is_empty() {
        return None;
    }
    Some(parts.iter().map(|p| p.to_lowercase()).collect())
}

/// The part of a URL after its scheme (host and path), if the cell is one.
pub(crate) fn url_rest(cell: &str) -> Option<&str> {
    if let Some((scheme, rest)) = cell.split_once("://") {
        let is_scheme = !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if is_scheme {
            return Some(rest);
        }
    }
    cell.get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("www."))
        .then_some(cell)
}

/// `IMG_0001.jpg` yes; `view`, `open`, `index.html` no.
pub(crate) fn looks_like_file_name(s: &str) -> bool {
    let Some((stem, ext)) = s.rsplit_once('.') else {
        return false;
    };
    let web_page = ["html", "htm", "php", "asp", "aspx", "jsp", "cgi"]
        .iter()
        .any(|w| ext.eq_ignore_ascii_case(w));
    !stem.is_empty()
        && (1..=5).contains(&ext.len())
        && ext.bytes().all(|b| b.is_ascii_alphanumeric())
        && !web_page
}

fn normalise_handle(h: &str) -> String {
    // Typeform and spreadsheets guard a leading '@' or '+' with a quote.
    let h = h.trim().trim_start_matches('\'');
    if h.starts_with('@') {
        h.to_string()
    } else {
        format!("@{h}")
    }
}

/// The form's three ways of saying how old someone is, taken together: a stated age, a
/// date of birth (judged on the day the form was sent, else `today`) and an 18+ box. Any
/// answer that says minor wins over one that says adult.
pub fn age_from_answers(
    age: Option<&str>,
    birth_date: Option<&str>,
    adult_box: Option<&str>,
    submitted_at: Option<&str>,
    today: NaiveDate,
    adult_age: u32,
) -> AgeStatement {
    let mut on: Vec<NaiveDate> = submitted_at.map(date_readings).unwrap_or_default();
    if on.is_empty() {
        on.push(today);
    }
    let from_birth = birth_date.map_or(AgeStatement::Unknown, |b| {
        age_from_birth_date(b, &on, adult_age)
    });
    // The box's words say 18: where adulthood starts later it proves nothing either way.
    let from_box = match adult_box.map_or(AgeStatement::Unknown, age_from_adult_box) {
        AgeStatement::Adult if adult_age > 18 => AgeStatement::Unknown,
        other => other,
    };
    from_birth
        .and(age.map_or(AgeStatement::Unknown, |a| age_from_number(a, adult_age)))
        .and(from_box)
}

/// An "age" answer: `17`, `34 years`, `18+`, `under 18`, a bracket like `25-34`.
/// Anything else (`old enough`, `200`) is `Unknown`.
pub fn age_from_number(answer: &str, adult_age: u32) -> AgeStatement {
    let adult = f64::from(adult_age);
    let a = answer.trim().to_lowercase();
    let a = a.trim_end_matches(['.', '!']);
    if a.starts_with("under") || a.starts_with('<') || a.starts_with("younger than") {
        let n = leading_number(a.trim_start_matches(|c: char| !c.is_ascii_digit()));
        return match n {
            Some((n, _)) if n <= adult => AgeStatement::Minor { age: None },
            _ => AgeStatement::Unknown,
        };
    }
    let adult_from = |n: f64| {
        if n >= adult {
            AgeStatement::Adult
        } else {
            AgeStatement::Unknown
        }
    };
    if let Some(rest) = a.strip_prefix("over ").or_else(|| a.strip_prefix('>')) {
        // "over 17" is 18 or more; "over 18" too.
        return leading_number(rest.trim())
            .map_or(AgeStatement::Unknown, |(n, _)| adult_from(n + 1.0));
    }
    let Some((n, rest)) = leading_number(a) else {
        return AgeStatement::Unknown;
    };
    let rest = rest.trim();
    if rest == "+" || rest == "or older" || rest == "or over" || rest == "and over" {
        return adult_from(n);
    }
    // A bracket: "25-34", "13–17", "18 to 24".
    let upper = rest
        .strip_prefix(['-', '\u{2013}'])
        .or_else(|| rest.strip_prefix("to"))
        .and_then(|r| leading_number(r.trim()))
        .filter(|(_, tail)| tail.trim().is_empty());
    if let Some((high, _)) = upper {
        return if n >= adult && high >= n {
            AgeStatement::Adult
        } else if high < adult && high >= n {
            AgeStatement::Minor { age: None }
        } else {
            AgeStatement::Unknown
        };
    }
    let unit_ok = matches!(
        rest,
        "" | "y" | "yo" | "yrs" | "yr" | "years" | "years old" | "yrs old" | "y/o"
    );
    if !unit_ok {
        return AgeStatement::Unknown;
    }
    match n.floor() {
        n if !(1.0..=120.0).contains(&n) => AgeStatement::Unknown,
        n if n >= adult => AgeStatement::Adult,
        n => AgeStatement::Minor {
            age: Some(n as u32),
        },
    }
}

/// A number at the start of `s` (digits, at most one point) and what follows it.
fn leading_number(s: &str) -> Option<(f64, &str)> {
    let end = s
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.'))
        .map_or(s.len(), |(i, _)| i);
    let n: f64 = s[..end].parse().ok()?;
    Some((n, &s[end..]))
}

/// A date of birth judged on each possible day of submission; `Unknown` unless every
/// reading of both dates agrees (so `04/05/2008` counts only when both orders do).
pub fn age_from_birth_date(answer: &str, on: &[NaiveDate], adult_age: u32) -> AgeStatement {
    let mut verdicts = Vec::new();
    for born in date_readings(answer) {
        for &day in on {
            match whole_years(born, day) {
                Some(age) if age <= 120 => verdicts.push(age),
                _ => {}
            }
        }
    }
    let Some(&first) = verdicts.first() else {
        return AgeStatement::Unknown;
    };
    if verdicts.iter().all(|&a| a >= adult_age) {
        AgeStatement::Adult
    } else if verdicts.iter().all(|&a| a < adult_age) {
        AgeStatement::Minor {
            age: verdicts.iter().all(|&a| a == first).then_some(first),
        }
    } else {
        AgeStatement::Unknown
    }
}

/// Age in whole years on `day`; `None` when born after it.
fn whole_years(born: NaiveDate, day: NaiveDate) -> Option<u32> {
    if born > day {
        return None;
    }
    let before_birthday = (day.month(), day.day()) < (born.month(), born.day());
    Some((day.year() - born.year() - i32::from(before_birthday)) as u32)
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Every date a form's date cell may mean: `2009-03-12` (and a timestamp starting so),
/// `12/03/2009` read day-first and month-first (one reading when only one is a date),
/// `12.03.2009` day-first, `12 March 2009`, `March 12, 2009`. Two-digit years mean
/// nothing certain and give no reading.
pub fn date_readings(cell: &str) -> Vec<NaiveDate> {
    let cell = cell.trim();
    let first = cell
        .split(|c: char| c.is_whitespace() || c == 'T')
        .next()
        .unwrap_or_default();
    let numbers: Vec<&str> = first.split(['-', '/', '.']).collect();
    if numbers.len() == 3
        && numbers
            .iter()
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    {
        let n = |i: usize| numbers[i].parse::<u32>().unwrap_or(0);
        let mut out = Vec::new();
        if numbers[0].len() == 4 {
            out.extend(NaiveDate::from_ymd_opt(n(0) as i32, n(1), n(2)));
        } else if numbers[2].len() == 4 {
            let year = n(2) as i32;
            out.extend(NaiveDate::from_ymd_opt(year, n(1), n(0)));
            // Dotted dates are day-first wherever they are written.
            if !first.contains('.') {
                out.extend(NaiveDate::from_ymd_opt(year, n(0), n(1)));
            }
            out.dedup();
        }
        return out;
    }
    // Words: "12 March 2009", "March 12, 2009", "12th Mar 2009".
    let words: Vec<String> = cell
        .split(|c: char| c.is_whitespace() || c == ',' || c == '.' || c == '-' || c == '/')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let month = words.iter().find_map(|w| {
        let w = w.as_str();
        MONTHS.iter().position(|m| {
            w.len() >= 3 && w.starts_with(m) && (w.len() == 3 || full_month_prefix(w, m))
        })
    });
    let year = words
        .iter()
        .find(|w| w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|w| w.parse::<i32>().ok());
    let day = words
        .iter()
        .filter_map(|w| {
            let w = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            (!w.is_empty() && w.len() <= 2 && w.bytes().all(|b| b.is_ascii_digit()))
                .then(|| w.parse::<u32>().ok())
                .flatten()
        })
        .next();
    match (month, year, day) {
        (Some(m), Some(y), Some(d)) => NaiveDate::from_ymd_opt(y, m as u32 + 1, d)
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

/// `march` for `mar`, `sept` for `sep`: a word that begins like the month's full name.
fn full_month_prefix(word: &str, short: &str) -> bool {
    const FULL: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    FULL.iter()
        .find(|f| f.starts_with(short))
        .is_some_and(|f| f.starts_with(word))
}

/// An 18+ confirmation: ticked or said yes is adult, an explicit no is a minor, anything
/// else (blank, "not sure") is unknown.
pub fn age_from_adult_box(answer: &str) -> AgeStatement {
    let a = answer.trim().to_lowercase();
    let a = a.trim_end_matches(['.', '!']).trim();
    const NO: &[&str] = &[
        "no",
        "n",
        "false",
        "0",
        "unchecked",
        "off",
        "not checked",
        "minor",
    ];
    const NO_PHRASES: &[&str] = &[
        "under 18",
        "under the age of 18",
        "younger than 18",
        "not 18",
        "not over 18",
        "not yet 18",
        "i am not",
        "i'm not",
    ];
    let words: Vec<&str> = a
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    let first_word = words.first().copied().unwrap_or_default();
    if NO.contains(&a) || first_word == "no" || NO_PHRASES.iter().any(|p| a.contains(p)) {
        return AgeStatement::Minor { age: None };
    }
    const YES: &[&str] = &[
        "yes",
        "y",
        "true",
        "checked",
        "ticked",
        "x",
        "\u{2713}",
        "\u{2714}",
        "\u{2714}\u{fe0f}",
        "\u{2611}",
        "1",
        "on",
        "adult",
        "18+",
        "i confirm",
        "confirmed",
    ];
    const YES_PHRASES: &[&str] = &[
        "18 or older",
        "18 or over",
        "18 and over",
        "18 and older",
        "18+",
        "over 18",
        "over the age of 18",
        "at least 18",
        "18 years or older",
        "18 years of age or older",
        "18 years or over",
    ];
    let yes = YES.contains(&a) || first_word == "yes" || YES_PHRASES.iter().any(|p| a.contains(p));
    if yes && !words.contains(&"not") {
        AgeStatement::Adult
    } else {
        AgeStatement::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(contents: &[u8]) -> Manifest {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("form.csv");
        std::fs::write(&path, contents).unwrap();
        Manifest::load(&path).unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn columns_in_any_order_with_extras() {
        let m = load(
            b"Referral,E-mail,File Name,Full Name,Handle,Consent,Submitted At\n\
             friend,Ana@Example.com,uploads/Beach.MP4,Ana Souza,ana.surfs,\"Yes, I agree\",2026-06-01\n",
        );
        assert_eq!(m.rows.len(), 1);
        let row = &m.rows[0];
        assert_eq!(row.email.as_deref(), Some("ana@example.com"));
        assert_eq!(row.handle.as_deref(), Some("@ana.surfs"));
        assert_eq!(row.consent.as_deref(), Some("Yes, I agree"));
        assert_eq!(row.age, AgeStatement::Unknown);
        let matched = m.match_files(&[("uploads/beach.mp4", Path::new("/x/uploads/beach.mp4"))]);
        assert_eq!(matched[0].row, Some(0));
    }

    #[test]
    fn missing_file_column_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("form.csv");
        std::fs::write(&path, "name,email\nA,a@b.c\n").unwrap();
        let err = Manifest::load(&path).unwrap_err().to_string();
        assert!(
            err.contains("no column Chorus reads as the uploaded files"),
            "{err}"
        );
        assert!(err.contains("name, email"), "{err}");
    }

    fn matches(csv: &str, files: &[&str]) -> Vec<FileMatch> {
        let m = load(csv.as_bytes());
        let files: Vec<(&str, &Path)> = files.iter().map(|f| (*f, Path::new(*f))).collect();
        m.match_files(&files)
    }

    #[test]
    fn paths_in_the_form_keep_same_named_files_apart() {
        let csv = "Name,Email,File\n\
                   Alice,alice@x.org,./alice\\IMG_0001.jpg\n\
                   Bob,bob@x.org,Bob/img_0001.JPG\n";
        let got = matches(csv, &["alice/IMG_0001.jpg", "bob/IMG_0001.jpg"]);
        assert_eq!(got[0].row, Some(0));
        assert_eq!(got[1].row, Some(1));
        assert!(got.iter().all(|g| g.warning.is_none()));
        // A path names only its own folder: Carol's same-named file is nobody's.
        let got = matches(csv, &["carol/IMG_0001.jpg"]);
        assert_eq!(got[0], FileMatch::default());
    }

    #[test]
    fn a_bare_name_two_rows_give_is_linked_to_nobody() {
        let csv = "Name,Email,File\n\
                   Alice,alice@x.org,IMG_0001.jpg\n\
                   Ben,ben@x.org,beach.mp4\n\
                   Bob,bob@x.org,IMG_0001.jpg\n";
        let got = matches(csv, &["in/IMG_0001.jpg", "in/beach.mp4"]);
        assert_eq!(got[0].row, None);
        assert_eq!(got[0].rows, vec![0, 2]);
        assert_eq!(
            got[0].warning.as_deref(),
            Some("IMG_0001.jpg: 2 form rows name this file (lines 2, 4) and it has no folder in the form; linked to nobody: give the form's path or link it by hand")
        );
        assert_eq!(got[1].row, Some(1), "a unique bare name still matches");
    }

    #[test]
    fn a_bare_name_two_files_have_is_linked_to_nobody() {
        let csv = "Name,Email,File\nAlice,alice@x.org,IMG_0001.jpg\n";
        let got = matches(csv, &["alice/IMG_0001.jpg", "bob/IMG_0001.jpg"]);
        for g in &got {
            assert_eq!(g.row, None);
            let w = g.warning.as_deref().unwrap();
            assert!(w.contains("2 imported files have this name"), "{w}");
            assert!(w.contains("alice/IMG_0001.jpg, bob/IMG_0001.jpg"), "{w}");
        }
    }

    #[test]
    fn the_same_person_twice_is_not_ambiguous() {
        let csv =
            "Name,Email,File\nAlice,alice@x.org,IMG_0001.jpg\nAlice,Alice@x.org,img_0001.jpg\n";
        let got = matches(csv, &["IMG_0001.jpg"]);
        assert_eq!(got[0].row, Some(0));
        assert_eq!(got[0].rows, vec![0, 1]);
    }

    #[test]
    fn a_path_places_a_file_before_bare_names_are_weighed() {
        let csv =
            "Name,Email,File\nAlice,alice@x.org,alice/IMG_0001.jpg\nBob,bob@x.org,IMG_0001.jpg\n";
        let got = matches(csv, &["alice/IMG_0001.jpg", "bob/IMG_0001.jpg"]);
        assert_eq!(got[0].row, Some(0));
        assert_eq!(got[1].row, Some(1));
    }

    #[test]
    fn a_path_that_fits_two_files_is_reported() {
        let csv = "Name,Email,File\nBob,bob@x.org,bob/IMG_0001.jpg\n";
        let got = matches(csv, &["june/bob/IMG_0001.jpg", "july/bob/IMG_0001.jpg"]);
        assert!(got.iter().all(|g| g.row.is_none()));
        assert!(got[0]
            .warning
            .as_deref()
            .unwrap()
            .contains("fits 2 imported files"));
    }

    #[test]
    fn a_path_may_name_the_imported_folder_itself() {
        let m = load(b"Name,File\nBob,uploads/IMG_0001.jpg\n");
        let got = m.match_files(&[("IMG_0001.jpg", Path::new("/home/sam/uploads/IMG_0001.jpg"))]);
        assert_eq!(got[0].row, Some(0));
    }

    #[test]
    fn file_cells_as_names_paths_and_links() {
        let parts = |c: &str| file_components(c);
        assert_eq!(parts("IMG_0001.jpg"), Some(vec!["img_0001.jpg".into()]));
        assert_eq!(
            parts("./Alice\\IMG_0001.jpg"),
            Some(vec!["alice".into(), "img_0001.jpg".into()])
        );
        assert_eq!(
            parts("C:\\fakepath\\clip.MOV"),
            Some(vec!["clip.mov".into()])
        );
        assert_eq!(
            parts("https://www.dropbox.com/s/ab12/Beach%20Day.mp4?dl=0"),
            Some(vec!["beach day.mp4".into()])
        );
        assert_eq!(parts("https://drive.google.com/open?id=1AbCdEf"), None);
        assert_eq!(parts("https://drive.google.com/file/d/1AbCdEf/view"), None);
        assert_eq!(parts("https://example.com/upload.php?f=1"), None);
        assert_eq!(parts(" / "), None);
    }

    #[test]
    fn a_path_column_wins_over_a_file_name_column() {
        let m = load(b"File name,Path,Name\nIMG_0001.jpg,bob/IMG_0001.jpg,Bob\n");
        assert_eq!(m.rows[0].file, "bob/IMG_0001.jpg");
        let m = load(b"Path,File name,Name\nbob/IMG_0001.jpg,IMG_0001.jpg,Bob\n");
        assert_eq!(m.rows[0].file, "bob/IMG_0001.jpg");
    }

    #[test]
    fn encodings_excel_and_form_tools_write() {
        let expected = "name,file\nJosé Müller,a.jpg\n";
        assert_eq!(decode_text(expected.as_bytes()).unwrap(), expected);
        let bom: Vec<u8> = [&[0xEF, 0xBB, 0xBF][..], expected.as_bytes()].concat();
        assert_eq!(decode_text(&bom).unwrap(), expected);
        let latin1 = b"name,file\nJos\xe9 M\xfcller,a.jpg\n";
        assert_eq!(decode_text(latin1).unwrap(), expected);
        let cp1252 = b"\x93Quoted\x94 \x80";
        assert_eq!(decode_text(cp1252).unwrap(), "\u{201C}Quoted\u{201D} €");
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(expected.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode_text(&le).unwrap(), expected);
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(expected.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode_text(&be).unwrap(), expected);
        let bomless: Vec<u8> = expected.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode_text(&bomless).unwrap(), expected);
    }

    #[test]
    fn files_in_no_readable_encoding_say_what_to_save_as() {
        let utf32 = [0xFF, 0xFE, 0, 0, b'a', 0, 0, 0];
        let damaged_utf8 = ["name\nJosé,Zoë,Müller,Ærø\n".as_bytes(), &[0xFF]].concat();
        for (bytes, says) in [
            (&utf32[..], "UTF-32"),
            (b"PK\x03\x04rest", "Excel workbook"),
            (b"a,b\n\x81\x8d", "neither UTF-8 nor Windows-1252"),
            (b"bin\0ary", "not a text file"),
            (&damaged_utf8[..], "damaged character"),
            (
                b"\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd\x90\xa2\x8a\x45\x82\xcc\x82\xdd\x82\xc8\x82\xb3\x82\xf1".as_slice(),
                "cannot tell apart",
            ),
        ] {
            let err = decode_text(bytes).unwrap_err();
            assert!(err.contains(says), "{err}");
            assert!(err.contains("CSV UTF-8"), "{err}");
        }
    }

    #[test]
    fn tabs_and_semicolons_when_the_header_has_no_commas() {
        assert_eq!(delimiter_of("Name\tFile\nA, B\tx.jpg\n"), b'\t');
        assert_eq!(delimiter_of("Name;File\nA;x.jpg\n"), b';');
        assert_eq!(delimiter_of("Name,File\tTab\n"), b',');
        let m = load(b"Name\tFile\nSouza, Ana\tbeach.mp4\n");
        assert_eq!(m.rows[0].name.as_deref(), Some("Souza, Ana"));
    }

    #[test]
    fn large_exports_are_refused_by_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        let f = std::fs::File::create(&path).unwrap();
        f.set_len(MAX_CSV_BYTES + 1).unwrap();
        let err = read_text(&path).unwrap_err().to_string();
        assert!(err.contains("larger than 64 MiB"), "{err}");
    }

    #[test]
    fn formula_cells_are_quoted_and_numbers_are_not() {
        for risky in [
            "=HYPERLINK(\"x\")",
            "+1+1",
            "-2+3",
            "@evil",
            "\tx",
            "\rx",
            "-",
            "-inf",
            "＝1",
        ] {
            assert_eq!(csv_safe(risky), format!("'{risky}"), "{risky:?}");
        }
        for plain in [
            "-14.0",
            "+3",
            "-1.5e-3",
            "42",
            "",
            "Ana",
            "a=b",
            "#3 granted",
        ] {
            assert_eq!(csv_safe(plain), plain, "{plain:?}");
        }
    }

    #[test]
    fn a_stated_age() {
        use AgeStatement::*;
        assert_eq!(age_from_number("17", 18), Minor { age: Some(17) });
        assert_eq!(age_from_number("18", 18), Adult);
        assert_eq!(age_from_number(" 34 years old ", 18), Adult);
        assert_eq!(age_from_number("16 yrs", 18), Minor { age: Some(16) });
        assert_eq!(age_from_number("18+", 18), Adult);
        assert_eq!(age_from_number("Under 18", 18), Minor { age: None });
        assert_eq!(age_from_number("25-34", 18), Adult);
        assert_eq!(age_from_number("13–17", 18), Minor { age: None });
        assert_eq!(age_from_number("16-24", 18), Unknown);
        assert_eq!(age_from_number("old enough", 18), Unknown);
        assert_eq!(age_from_number("200", 18), Unknown);
        assert_eq!(age_from_number("0", 18), Unknown);
        assert_eq!(age_from_number("17 or 18", 18), Unknown);
    }

    #[test]
    fn a_date_of_birth_on_the_day_of_the_form() {
        use AgeStatement::*;
        let on = [day("2026-06-02")];
        assert_eq!(age_from_birth_date("2008-06-02", &on, 18), Adult);
        assert_eq!(
            age_from_birth_date("2008-06-03", &on, 18),
            Minor { age: Some(17) }
        );
        assert_eq!(
            age_from_birth_date("12 March 2009", &on, 18),
            Minor { age: Some(17) }
        );
        assert_eq!(age_from_birth_date("March 12, 1990", &on, 18), Adult);
        assert_eq!(
            age_from_birth_date("25/12/2010", &on, 18),
            Minor { age: Some(15) }
        );
        assert_eq!(
            age_from_birth_date("12/25/2010", &on, 18),
            Minor { age: Some(15) }
        );
        assert_eq!(
            age_from_birth_date("02.07.2008", &on, 18),
            Minor { age: Some(17) }
        );
        // 04/07/2008 is 4 July (17) or 7 April (18): no verdict.
        assert_eq!(age_from_birth_date("04/07/2008", &on, 18), Unknown);
        // Both readings adult: adult.
        assert_eq!(age_from_birth_date("04/07/1990", &on, 18), Adult);
        assert_eq!(age_from_birth_date("2030-01-01", &on, 18), Unknown);
        assert_eq!(age_from_birth_date("12/03/09", &on, 18), Unknown);
        assert_eq!(age_from_birth_date("yesterday", &on, 18), Unknown);
    }

    #[test]
    fn an_eighteen_plus_box() {
        use AgeStatement::*;
        for yes in [
            "yes",
            "TRUE",
            "checked",
            "x",
            "✓",
            "I am 18 or older",
            "1",
            "Yes, I confirm I am 18 or over.",
        ] {
            assert_eq!(age_from_adult_box(yes), Adult, "{yes}");
        }
        for no in [
            "no",
            "False",
            "under 18",
            "No, I am 16",
            "I am not 18 or older",
        ] {
            assert_eq!(age_from_adult_box(no), Minor { age: None }, "{no}");
        }
        for unsure in ["", "maybe", "not sure", "prefer not to say"] {
            assert_eq!(age_from_adult_box(unsure), Unknown, "{unsure}");
        }
    }

    #[test]
    fn answers_together_and_a_conflict_means_minor() {
        use AgeStatement::*;
        let today = day("2026-11-01");
        let ticked_but_15 = age_from_answers(
            None,
            Some("2011-01-01"),
            Some("yes"),
            Some("2026-06-02T09:15:00Z"),
            today,
            18,
        );
        assert_eq!(ticked_but_15, Minor { age: Some(15) });
        assert_eq!(
            age_from_answers(Some("nonsense"), None, Some("yes"), None, today, 18),
            Adult
        );
        assert_eq!(age_from_answers(None, None, None, None, today, 18), Unknown);
        // Judged on the day of the form, not today: 17 then, 18 now.
        let born = Some("2008-09-01");
        assert_eq!(
            age_from_answers(None, born, None, Some("2026-06-02 10:00"), today, 18),
            Minor { age: Some(17) }
        );
        assert_eq!(age_from_answers(None, born, None, None, today, 18), Adult);
        // Google Forms' US timestamp, both readings of which give the same verdict.
        assert_eq!(
            age_from_answers(None, born, None, Some("6/2/2026 9:15:00"), today, 18),
            Minor { age: Some(17) }
        );
    }

    #[test]
    fn the_adult_age_is_a_setting() {
        use AgeStatement::*;
        let on = [day("2026-06-02")];
        assert_eq!(age_from_number("17", 16), Adult);
        assert_eq!(age_from_number("20", 21), Minor { age: Some(20) });
        assert_eq!(age_from_birth_date("2009-03-12", &on, 16), Adult);
        // A box that says 18 proves nothing where adulthood starts at 21.
        let today = day("2026-06-02");
        assert_eq!(
            age_from_answers(None, None, Some("yes"), None, today, 21),
            Unknown
        );
        assert_eq!(
            age_from_answers(None, None, Some("yes"), None, today, 18),
            Adult
        );
    }

    #[test]
    fn one_row_per_uploaded_file() {
        let m = load(
            "Timestamp,Your full name,Upload your photos,Upload a video\n\
             2026-06-02,Maya,\"a.jpg, b.jpg\",clip.mp4\n\
             2026-06-03,Tom,,\n"
                .as_bytes(),
        );
        let files: Vec<(&str, &str)> = m
            .rows
            .iter()
            .map(|r| (r.name.as_deref().unwrap(), r.file.as_str()))
            .collect();
        assert_eq!(
            files,
            [("Maya", "a.jpg"), ("Maya", "b.jpg"), ("Maya", "clip.mp4")]
        );
        assert!(m.rows.iter().all(|r| r.line == 2));
    }

    #[test]
    fn age_columns_are_read_from_the_form() {
        let m = load(
            "Timestamp,Your name,File,Date of birth,Are you 18 or older?,Age\n\
             2026-06-02,Ana,a.jpg,12 March 2009,,\n\
             2026-06-02,Ben,b.jpg,,I am 18 or older,\n\
             2026-06-02,Cy,c.jpg,,Yes,15\n\
             2026-06-02,Di,d.jpg,,,\n\
             2026-06-02,Ed,e.jpg,,,20\n"
                .as_bytes(),
        );
        let ages: Vec<AgeStatement> = m.rows.iter().map(|r| r.age).collect();
        assert_eq!(
            ages,
            [
                AgeStatement::Minor { age: Some(17) },
                AgeStatement::Adult,
                AgeStatement::Minor { age: Some(15) },
                // The form asked "18 or older?" and the box was left unticked.
                AgeStatement::Minor { age: None },
                AgeStatement::Minor { age: None },
            ]
        );
    }
}
