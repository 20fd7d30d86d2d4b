//! What a form's upload cell names: one file or several, as each tool writes them. Google
//! Forms and Tally separate links with ", ", Jotform with new lines, Microsoft Forms writes
//! a JSON list of `{"name": ..., "link": ...}`. Google Drive's links carry no file name;
//! the downloaded copies are named after the file's title with the uploader's name after
//! " - ", which is how such a row finds its files (`uploader_suffix`).

use super::{file_components, looks_like_file_name, url_rest};

/// The files one upload cell names, in order. A comma is a separator only when every part
/// it makes is a link or a file name, so `Me, at the beach.jpg` stays one file.
pub fn split(cell: &str) -> Vec<String> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Vec::new();
    }
    if cell.starts_with('[') {
        if let Some(names) = json_list(cell) {
            return names;
        }
    }
    let mut out = Vec::new();
    for line in cell.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parts: Vec<&str> = line
            .split([',', ';'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let each_a_file = parts.len() > 1
            && parts
                .iter()
                .all(|p| url_rest(p).is_some() || looks_like_file_name(last_segment(p)));
        if each_a_file {
            out.extend(parts.iter().map(|p| p.to_string()));
        } else {
            out.push(line.to_string());
        }
    }
    out
}

fn last_segment(p: &str) -> &str {
    p.rsplit(['/', '\\']).next().unwrap_or(p)
}

/// Microsoft Forms' `[{"name":"IMG_0412_Maya Lindqvist.jpg","link":"https://…"}]`: the
/// names (as the files are stored, and downloaded), else the links.
fn json_list(cell: &str) -> Option<Vec<String>> {
    let items: Vec<serde_json::Value> = serde_json::from_str(cell).ok()?;
    let names: Vec<String> = items
        .iter()
        .filter_map(|item| {
            ["name", "fileName", "link", "url"]
                .iter()
                .find_map(|k| item.get(k).and_then(|v| v.as_str()))
                .map(|s| s.trim().to_string())
        })
        .filter(|s| !s.is_empty())
        .collect();
    (!names.is_empty()).then_some(names)
}

/// Whether a cell is a link that names no file (a Drive `open?id=` link).
pub fn is_nameless_link(cell: &str) -> bool {
    url_rest(cell.trim()).is_some() && file_components(cell).is_none()
}

/// The uploader's name a downloaded Drive file carries, lowercased: `beach - Maya
/// Lindqvist.jpg` gives `maya lindqvist`; `None` when the name has no " - ".
pub fn uploader_suffix(file_name: &str) -> Option<String> {
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem);
    let (_, who) = stem.rsplit_once(" - ")?;
    let who = who.trim();
    (!who.is_empty()).then(|| who.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_as_each_tool_writes_them() {
        assert_eq!(
            split("https://drive.google.com/open?id=1a, https://drive.google.com/open?id=2b"),
            vec![
                "https://drive.google.com/open?id=1a",
                "https://drive.google.com/open?id=2b"
            ]
        );
        assert_eq!(
            split("https://www.jotform.com/uploads/x/1/2/beach.jpg\nhttps://www.jotform.com/uploads/x/1/2/dog.mp4"),
            vec![
                "https://www.jotform.com/uploads/x/1/2/beach.jpg",
                "https://www.jotform.com/uploads/x/1/2/dog.mp4"
            ]
        );
        assert_eq!(
            split(
                r#"[{"name":"IMG_1_Maya Lindqvist.jpg","link":"https://x/y"},{"name":"clip_Maya Lindqvist.mp4","link":"https://x/z"}]"#
            ),
            vec!["IMG_1_Maya Lindqvist.jpg", "clip_Maya Lindqvist.mp4"]
        );
        assert_eq!(
            split("IMG_1.jpg, IMG_2.HEIC"),
            vec!["IMG_1.jpg", "IMG_2.HEIC"]
        );
        assert_eq!(split("Me, at the beach.jpg"), vec!["Me, at the beach.jpg"]);
        assert_eq!(split("  "), Vec::<String>::new());
        // Not JSON after all: kept as written.
        assert_eq!(split("[draft] beach.jpg"), vec!["[draft] beach.jpg"]);
    }

    #[test]
    fn drive_names_carry_the_uploader() {
        assert_eq!(
            uploader_suffix("IMG_0412 - Maya Lindqvist.jpg").as_deref(),
            Some("maya lindqvist")
        );
        assert_eq!(
            uploader_suffix("Summer - beach - Søren Østergaard.MOV").as_deref(),
            Some("søren østergaard")
        );
        assert_eq!(uploader_suffix("IMG_0412.jpg"), None);
        assert!(is_nameless_link("https://drive.google.com/open?id=1AbC"));
        assert!(!is_nameless_link(
            "https://storage.tally.so/private/beach.jpg?id=1"
        ));
        assert!(!is_nameless_link("beach.jpg"));
    }
}
