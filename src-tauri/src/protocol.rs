//! The `media://` scheme: thumbnails, filmstrips, originals and exported files reach the
//! webview from the open library's folder and nowhere else.
//!
//! Routes: `/thumb/<hash>`, `/filmstrip/<hash>`, `/original/<hash>`, `/view/<hash>` (what
//! a photo looks like on screen: the original, or the JPEG rendition of a HEIC/AVIF/TIFF
//! the webview cannot decode; hash = 64 hex characters) and
//! `/file/<path inside the library>`. Every resolved path is
//! canonicalised and must lie inside the canonical library root, so `..`, percent-encoded
//! traversal and symlinks out of the library are all refused.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use chorus::library::Store;
use chorus::media;
use percent_encoding::percent_decode_str;
use tauri::http::{header, Response, StatusCode};

#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not a route we serve, or a malformed hash or path.
    BadRequest(&'static str),
    /// The path leads outside the library.
    Outside,
    NotFound,
    NoLibrary,
}

/// Maps a request path (as it arrives, still percent-encoded) to a file in the library.
pub fn resolve(root: &Path, uri_path: &str) -> Result<PathBuf, Refusal> {
    let decoded = percent_decode_str(uri_path)
        .decode_utf8()
        .map_err(|_| Refusal::BadRequest("path is not UTF-8"))?;
    let rest = decoded.trim_start_matches('/');
    let (route, arg) = rest
        .split_once('/')
        .ok_or(Refusal::BadRequest("no route"))?;
    let store = Store::new(root);
    let candidate = match route {
        "thumb" | "filmstrip" | "original" | "view" => {
            let hash = chorus::library::ContentHash::parse(arg)
                .map_err(|_| Refusal::BadRequest("not a content hash"))?;
            match route {
                "thumb" => store.thumb(&hash),
                "filmstrip" => store.filmstrip(&hash),
                "view" => {
                    chorus::api::assets::playable(&store, &hash).map_err(|_| Refusal::NotFound)?
                }
                _ => store.original(&hash),
            }
        }
        "file" => {
            if arg.is_empty() || arg.contains('\0') {
                return Err(Refusal::BadRequest("empty path"));
            }
            root.join(arg)
        }
        _ => return Err(Refusal::BadRequest("unknown route")),
    };
    let root = root.canonicalize().map_err(|_| Refusal::NoLibrary)?;
    // Canonicalising resolves `..` and symlinks; a missing file cannot be checked, so it
    // is simply not found.
    let real = candidate.canonicalize().map_err(|_| Refusal::NotFound)?;
    if !real.starts_with(&root) {
        return Err(Refusal::Outside);
    }
    if !real.is_file() {
        return Err(Refusal::NotFound);
    }
    Ok(real)
}

/// A byte range from a `Range: bytes=a-b` header, clamped to the file; `None` when the
/// header is absent or not one simple range (then the whole file is sent).
pub fn parse_range(header: Option<&str>, len: u64) -> Option<(u64, u64)> {
    let spec = header?.trim().strip_prefix("bytes=")?;
    if spec.contains(',') || len == 0 {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (start, end) = match (a.trim(), b.trim()) {
        ("", suffix) => {
            let n: u64 = suffix.parse().ok()?;
            (len.saturating_sub(n), len - 1)
        }
        (a, "") => (a.parse().ok()?, len - 1),
        (a, b) => (a.parse().ok()?, b.parse::<u64>().ok()?.min(len - 1)),
    };
    (start <= end && start < len).then_some((start, end))
}

/// Video elements ask for ranges; cap each answer so a long clip streams, not loads.
const MAX_CHUNK: u64 = 4 << 20;

fn text(status: StatusCode, body: &str) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(body.as_bytes().to_vec())
        .unwrap_or_else(|_| Response::new(Vec::new()))
}

/// Answers one request against the library at `root`.
pub fn respond(root: Option<&Path>, uri_path: &str, range: Option<&str>) -> Response<Vec<u8>> {
    let Some(root) = root else {
        return text(StatusCode::SERVICE_UNAVAILABLE, "no library is open");
    };
    let path = match resolve(root, uri_path) {
        Ok(p) => p,
        Err(Refusal::Outside) => return text(StatusCode::FORBIDDEN, "outside the library"),
        Err(Refusal::BadRequest(why)) => return text(StatusCode::BAD_REQUEST, why),
        Err(Refusal::NotFound) => return text(StatusCode::NOT_FOUND, "not found"),
        Err(Refusal::NoLibrary) => {
            return text(StatusCode::SERVICE_UNAVAILABLE, "library folder missing")
        }
    };
    match serve(&path, range) {
        Ok(r) => r,
        Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, "cannot read the file"),
    }
}

fn serve(path: &Path, range: Option<&str>) -> std::io::Result<Response<Vec<u8>>> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    let mut head = [0u8; 32];
    let n = file.read(&mut head)?;
    let mime = media::mime(&head[..n]);
    let (status, start, end) = match parse_range(range, len) {
        Some((s, e)) => (StatusCode::PARTIAL_CONTENT, s, e.min(s + MAX_CHUNK - 1)),
        None if range.is_some() && len > 0 => {
            return Ok(Response::builder()
                .status(StatusCode::RANGE_NOT_SATISFIABLE)
                .header(header::CONTENT_RANGE, format!("bytes */{len}"))
                .body(Vec::new())
                .unwrap_or_else(|_| Response::new(Vec::new())));
        }
        None => (StatusCode::OK, 0, len.saturating_sub(1)),
    };
    let count = if len == 0 { 0 } else { end - start + 1 };
    let mut body = vec![0u8; count as usize];
    file.seek(SeekFrom::Start(start))?;
    file.read_exact(&mut body)?;
    let mut builder = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, mime)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CONTENT_LENGTH, count)
        // Content-addressed files never change; exports are renamed in whole.
        .header(header::CACHE_CONTROL, "max-age=3600");
    if status == StatusCode::PARTIAL_CONTENT {
        builder = builder.header(header::CONTENT_RANGE, format!("bytes {start}-{end}/{len}"));
    }
    Ok(builder
        .body(body)
        .unwrap_or_else(|_| Response::new(Vec::new())))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "ab0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd";

    fn library() -> (tempfile::TempDir, PathBuf) {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join("lib");
        let store = Store::new(&root);
        for p in [
            store.thumb(&chorus::library::ContentHash::parse(HASH).unwrap()),
            store.original(&chorus::library::ContentHash::parse(HASH).unwrap()),
            root.join("exports/ad/ad.mp4"),
        ] {
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, b"\xFF\xD8\xFFdata").unwrap();
        }
        std::fs::write(outer.path().join("secret.txt"), b"not yours").unwrap();
        (outer, root)
    }

    #[test]
    fn serves_files_inside_the_library() {
        let (_t, root) = library();
        assert!(resolve(&root, &format!("/thumb/{HASH}")).is_ok());
        assert!(resolve(&root, &format!("/original/{HASH}")).is_ok());
        assert!(resolve(&root, "/file/exports/ad/ad.mp4").is_ok());
        assert!(resolve(&root, "/file/exports%2Fad%2Fad.mp4").is_ok());
        let r = respond(Some(&root), &format!("/thumb/{HASH}"), None);
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[header::CONTENT_TYPE], "image/jpeg");
    }

    /// `/view/` shows what the webview can decode and nothing else: a JPEG original as it
    /// is, a HEIC's JPEG rendition in its place, and a HEIC without one not at all.
    #[test]
    fn view_serves_a_rendition_in_place_of_what_the_webview_cannot_decode() {
        let (_t, root) = library();
        let store = Store::new(&root);
        let jpeg = chorus::library::ContentHash::parse(HASH).unwrap();
        assert_eq!(
            resolve(&root, &format!("/view/{HASH}")).unwrap(),
            store.original(&jpeg).canonicalize().unwrap()
        );
        let heic_hash = "cd".repeat(32);
        let heic = chorus::library::ContentHash::parse(&heic_hash).unwrap();
        let original = store.original(&heic);
        std::fs::create_dir_all(original.parent().unwrap()).unwrap();
        std::fs::write(&original, b"\0\0\0\x18ftypheic\0\0\0\0mif1heic").unwrap();
        assert_eq!(
            resolve(&root, &format!("/view/{heic_hash}")),
            Err(Refusal::NotFound),
            "never the HEIC itself"
        );
        let view = store.display(&heic);
        std::fs::create_dir_all(view.parent().unwrap()).unwrap();
        std::fs::write(&view, b"\xFF\xD8\xFFview").unwrap();
        let r = respond(Some(&root), &format!("/view/{heic_hash}"), None);
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[header::CONTENT_TYPE], "image/jpeg");
        for bad in [
            "/view/../secret.txt",
            "/view/%2e%2e%2fsecret.txt",
            "/view/ABC",
        ] {
            assert!(resolve(&root, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn refuses_traversal_however_it_is_spelled() {
        let (_t, root) = library();
        for bad in [
            "/file/../secret.txt",
            "/file/exports/../../secret.txt",
            "/file/%2e%2e/secret.txt",
            "/file/%2E%2E%2Fsecret.txt",
            "/file/exports%2F..%2F..%2Fsecret.txt",
            "/file//etc/passwd",
            "/file/%2Fetc%2Fpasswd",
        ] {
            let r = resolve(&root, bad);
            assert!(
                matches!(r, Err(Refusal::Outside) | Err(Refusal::NotFound)),
                "{bad}: {r:?}"
            );
            let status = respond(Some(&root), bad, None).status();
            assert!(
                status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
                "{bad}: {status}"
            );
        }
        assert_eq!(resolve(&root, "/file/../secret.txt"), Err(Refusal::Outside));
        assert_eq!(
            resolve(&root, "/thumb/../../secret.txt"),
            Err(Refusal::BadRequest("not a content hash"))
        );
        assert_eq!(
            resolve(&root, "/etc/passwd"),
            Err(Refusal::BadRequest("unknown route"))
        );
        assert_eq!(
            respond(None, &format!("/thumb/{HASH}"), None).status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlinks_out_of_the_library() {
        let (t, root) = library();
        std::os::unix::fs::symlink(t.path().join("secret.txt"), root.join("exports/link.txt"))
            .unwrap();
        assert_eq!(
            resolve(&root, "/file/exports/link.txt"),
            Err(Refusal::Outside)
        );
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range(Some("bytes=0-"), 100), Some((0, 99)));
        assert_eq!(parse_range(Some("bytes=10-19"), 100), Some((10, 19)));
        assert_eq!(parse_range(Some("bytes=90-200"), 100), Some((90, 99)));
        assert_eq!(parse_range(Some("bytes=-10"), 100), Some((90, 99)));
        assert_eq!(parse_range(Some("bytes=100-"), 100), None);
        assert_eq!(parse_range(Some("bytes=0-1,5-6"), 100), None);
        assert_eq!(parse_range(None, 100), None);
        let (_t, root) = library();
        let r = respond(Some(&root), "/file/exports/ad/ad.mp4", Some("bytes=2-4"));
        assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(r.body(), b"\xFFda");
        assert_eq!(r.headers()[header::CONTENT_RANGE], "bytes 2-4/7");
    }
}
