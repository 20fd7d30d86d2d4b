//! Clips for the `<video>` player, over HTTP on the loopback interface.
//!
//! WebKitGTK's media player cannot read custom URI schemes (WebKit bug 146351: GStreamer
//! finds "no URI handler" and the element reports MEDIA_ERR_SRC_NOT_SUPPORTED), so the
//! `media://` protocol serves pictures and this server streams clips, with byte ranges so
//! a long clip plays before it is read whole. It listens on 127.0.0.1 only, on a free port,
//! and answers only under a random 128-bit prefix made at launch, so other programs on the
//! machine cannot read the library through it. Paths resolve through the same scoped
//! `protocol::resolve` as the custom protocol: nothing outside the open library.

use std::path::PathBuf;
use std::sync::Arc;

use tiny_http::{Header, Method, Response, Server, StatusCode};

use crate::protocol;

pub struct MediaServer {
    /// e.g. `http://127.0.0.1:40123/3f…9a`; routes follow (`/original/<hash>`).
    pub base: String,
}

fn token() -> std::io::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Starts the server; `root()` gives the open library's folder at each request.
pub fn start(
    root: impl Fn() -> Option<PathBuf> + Send + Sync + 'static,
) -> std::io::Result<MediaServer> {
    let server = Server::http("127.0.0.1:0").map_err(std::io::Error::other)?;
    let port = server
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .ok_or_else(|| std::io::Error::other("the media server has no TCP port"))?;
    let token = token()?;
    let base = format!("http://127.0.0.1:{port}/{token}");
    let server = Arc::new(server);
    let root = Arc::new(root);
    // A few threads, so a seek is not stuck behind a large read.
    for i in 0..4 {
        let (server, root, prefix) = (server.clone(), root.clone(), format!("/{token}/"));
        std::thread::Builder::new()
            .name(format!("media-http-{i}"))
            .spawn(move || {
                for request in server.incoming_requests() {
                    let response = answer(&prefix, &root(), &request);
                    let _ = request.respond(response);
                }
            })?;
    }
    Ok(MediaServer { base })
}

fn answer(
    prefix: &str,
    root: &Option<PathBuf>,
    request: &tiny_http::Request,
) -> Response<std::io::Cursor<Vec<u8>>> {
    let refuse = |code: u16| Response::from_data(Vec::new()).with_status_code(StatusCode(code));
    if !matches!(request.method(), Method::Get | Method::Head) {
        return refuse(405);
    }
    let Some(path) = request
        .url()
        .split('?')
        .next()
        .and_then(|p| p.strip_prefix(prefix))
    else {
        return refuse(404);
    };
    let range = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Range"))
        .map(|h| h.value.as_str().to_string());
    let http = protocol::respond(root.as_deref(), &format!("/{path}"), range.as_deref());
    let mut response = Response::from_data(http.body().clone())
        .with_status_code(StatusCode(http.status().as_u16()));
    for (name, value) in http.headers() {
        // tiny_http writes its own Content-Length from the body.
        if name == tauri::http::header::CONTENT_LENGTH {
            continue;
        }
        if let Ok(h) = Header::from_bytes(name.as_str().as_bytes(), value.as_bytes()) {
            response.add_header(h);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpStream;

    fn get(base: &str, path: &str, range: Option<&str>) -> (u16, Vec<u8>) {
        let rest = base.strip_prefix("http://").unwrap();
        let (host, prefix) = rest.split_once('/').unwrap();
        let mut s = TcpStream::connect(host).unwrap();
        let range = range.map(|r| format!("Range: {r}\r\n")).unwrap_or_default();
        write!(
            s,
            "GET /{prefix}{path} HTTP/1.1\r\nHost: {host}\r\n{range}Connection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).unwrap();
        let text = String::from_utf8_lossy(&out);
        let code = text[9..12].parse().unwrap();
        let body_at = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        (code, out[body_at..].to_vec())
    }

    #[test]
    fn streams_ranges_from_the_library_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("lib");
        std::fs::create_dir_all(root.join("exports")).unwrap();
        std::fs::write(
            root.join("exports/ad.mp4"),
            b"\0\0\0\x20ftypisom-rest-of-file",
        )
        .unwrap();
        std::fs::write(dir.path().join("secret.txt"), b"no").unwrap();
        let r = root.clone();
        let server = start(move || Some(r.clone())).unwrap();
        assert!(server.base.starts_with("http://127.0.0.1:"));

        let (code, body) = get(&server.base, "/file/exports/ad.mp4", Some("bytes=4-11"));
        assert_eq!((code, body.as_slice()), (206, b"ftypisom".as_slice()));
        let (code, _) = get(&server.base, "/file/exports/ad.mp4", None);
        assert_eq!(code, 200);
        for bad in [
            "/file/../secret.txt",
            "/file/%2e%2e/secret.txt",
            "/file/exports%2F..%2F..%2Fsecret.txt",
        ] {
            let (code, body) = get(&server.base, bad, None);
            assert!(code == 403 || code == 404, "{bad}: {code}");
            assert!(!body.starts_with(b"no"), "{bad} leaked the file");
        }
        // Without the launch token, nothing at all.
        let host_only = server.base.rsplit_once('/').unwrap().0.to_string() + "/wrongtoken";
        assert_eq!(get(&host_only, "/file/exports/ad.mp4", None).0, 404);
    }
}
