//! A form export as a grid of text: a CSV file (see `open_csv`) or a spreadsheet saved by
//! Google Sheets, Microsoft Forms or Excel (.xlsx, .xls, .ods, read with calamine). The
//! kind is told by the file's first bytes, not its name. Dates in spreadsheets become ISO
//! text (`2026-06-02 09:15:00`) so the form's dates read the same either way.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use calamine::{Data, Reader};

use super::{ManifestError, MAX_CSV_BYTES};

/// A spreadsheet is a zip of XML; what its parts would unpack to is checked before any is
/// read, so a small file that unpacks to gigabytes (a zip bomb) is refused.
pub const MAX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;

/// One row under the headers: its line in the file (1-based, as a spreadsheet numbers
/// rows) and its cells, trimmed, as many as there are headers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SheetRow {
    pub line: usize,
    pub cells: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Sheet {
    pub path: PathBuf,
    pub headers: Vec<String>,
    pub rows: Vec<SheetRow>,
}

/// Reads a CSV or spreadsheet export whole. Rows with no cell filled in are dropped.
pub fn read(path: &Path) -> Result<Sheet, ManifestError> {
    let mut head = [0u8; 8];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| sheet_err(path, e.to_string()))?;
    let spreadsheet = matches!(
        &head[..n],
        [b'P', b'K', 3, 4, ..] | [0xD0, 0xCF, 0x11, 0xE0, ..]
    );
    let mut sheet = if spreadsheet {
        read_spreadsheet(path)?
    } else {
        read_csv(path)?
    };
    sheet.rows.retain(|r| r.cells.iter().any(|c| !c.is_empty()));
    Ok(sheet)
}

fn sheet_err(path: &Path, why: String) -> ManifestError {
    ManifestError::Sheet {
        path: path.to_path_buf(),
        why,
    }
}

fn read_csv(path: &Path) -> Result<Sheet, ManifestError> {
    let read_err = |source| ManifestError::Read {
        path: path.to_path_buf(),
        source,
    };
    let decoded = super::read_text(path).map_err(|e| read_err(e.into()))?;
    let text = decoded.as_bytes();
    let mut reader = super::csv_builder(&decoded).from_reader(text);
    let headers: Vec<String> = reader
        .headers()
        .map_err(read_err)?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    // A row's line is counted from the byte where it starts: the csv crate counts a line
    // only once it reads past its end, so its own numbers are one short for some files,
    // and a message must name the line a person opens.
    let (mut counted_to, mut line) = (0usize, 1usize);
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let mut at = (reader.position().byte() as usize).clamp(counted_to, text.len());
        // The reader stands before the previous row's line end, and blank lines are skipped.
        while at < text.len() && matches!(text[at], b'\n' | b'\r') {
            at += 1;
        }
        line += text[counted_to..at].iter().filter(|&&b| b == b'\n').count();
        counted_to = at;
        if !reader.read_record(&mut record).map_err(read_err)? {
            break;
        }
        let mut cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
        cells.resize(headers.len().max(cells.len()), String::new());
        rows.push(SheetRow { line, cells });
    }
    Ok(Sheet {
        path: path.to_path_buf(),
        headers,
        rows,
    })
}

fn read_spreadsheet(path: &Path) -> Result<Sheet, ManifestError> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CSV_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| sheet_err(path, e.to_string()))?;
    if bytes.len() as u64 > MAX_CSV_BYTES {
        return Err(sheet_err(
            path,
            format!(
                "the workbook is larger than {} MiB, which no form export should be; check it is the right file",
                MAX_CSV_BYTES / (1024 * 1024)
            ),
        ));
    }
    if bytes.starts_with(b"PK") {
        check_unpacked_size(&bytes).map_err(|why| sheet_err(path, why))?;
    }
    let damaged = |e: String| {
        sheet_err(
            path,
            format!("it is not a workbook Chorus can read ({e}); open it in your spreadsheet app and save it again as .xlsx or as CSV UTF-8"),
        )
    };
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| damaged(e.to_string()))?;
    let range = match book.worksheet_range_at(0) {
        Some(r) => r.map_err(|e| damaged(e.to_string()))?,
        None => return Err(sheet_err(path, "the workbook has no sheets".into())),
    };
    let first_line = range.start().map_or(1, |(row, _)| row as usize + 1);
    let mut grid = range.rows();
    let headers: Vec<String> = grid
        .next()
        .map(|r| r.iter().map(cell_text).collect())
        .unwrap_or_default();
    let rows = grid
        .enumerate()
        .map(|(i, r)| {
            let mut cells: Vec<String> = r.iter().map(cell_text).collect();
            cells.resize(headers.len().max(cells.len()), String::new());
            SheetRow {
                line: first_line + 1 + i,
                cells,
            }
        })
        .collect();
    Ok(Sheet {
        path: path.to_path_buf(),
        headers,
        rows,
    })
}

/// The sizes the zip's directory declares for its parts, added up.
fn check_unpacked_size(bytes: &[u8]) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("it looks like an .xlsx workbook but its zip structure is damaged ({e}); save it again from your spreadsheet app"))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let part = zip
            .by_index_raw(i)
            .map_err(|e| format!("part {i} of the workbook is damaged ({e})"))?;
        total = total.saturating_add(part.size());
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(format!(
            "the workbook would unpack to {} MiB, more than the {} MiB a form export can need (a damaged or hostile file); export the responses again",
            total / (1024 * 1024),
            MAX_UNPACKED_BYTES / (1024 * 1024)
        ));
    }
    Ok(())
}

/// A cell as the text a person sees: whole numbers without `.0`, dates as ISO dates (with
/// the time when it is not midnight), errors and blanks as nothing.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.format("%Y-%m-%d").to_string(),
            Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => String::new(),
        },
    }
}
