//! Clips for the `<video>` player, over HTTP on the loopback interface.
//!
//! WebKitGTK's media player cannot read custom URI schemes (WebKit bug 146351: GStreamer
//! finds "no URI handler" and the element reports MEDIA_ERR_SRC_NOT_SUPPORTED), so the
//! `media://` protocol serves pictures and this server streams clips, with byte ranges so
//! a long clip plays before it is read whole.
//!
//! Any program on the machine can connect to a loopback port, so the server assumes every
//! connection may be hostile:
//! - It listens on 127.0.0.1 only, on a free port, and answers only under a random 128-bit
//!   prefix made at launch, and only to requests whose `Host` is this very port on
//!   127.0.0.1 or localhost (a web page that rebinds its own name to 127.0.0.1 is refused).
//! - It serves two things and nothing else: `/<token>/asset/<id>`, the original of a
//!   catalog asset, found by its id through the catalog (never a hash or path from the
//!   URL), and `/<token>/file/<path>`, a rendered file (mp4, mov, webm, jpg, png, webp)
//!   inside the library's `exports/` or `previews/` folder, or a preview the app renders
//!   into the store's temp folder. The catalog, its journal, the store, thumbnails and
//!   drafts are not found, however the path is spelled.
//! - Files go out in 64 KiB chunks as the socket takes them, so a 1.5 GB clip costs the
//!   same memory as a small one.
//! - At most [`Limits::max_connections`] connections are kept. One more replaces the
//!   connection that has sat idle longest (as nginx reuses idle keep-alive connections),
//!   so a flood of idle sockets cannot lock the player out; when every connection is busy
//!   the newcomer is closed at once. Idle connections close after
//!   [`Limits::idle_timeout`], a request head must arrive within
//!   [`Limits::header_timeout`], and a failed `accept` (out of file descriptors) is waited
//!   out, never fatal.
//!
//! hyper 1 does the HTTP; it runs on one tokio thread of its own, with a few blocking
//! threads for the disk and the catalog.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{ready, Context, Poll};
use std::time::{Duration, Instant};

use chorus::catalog::{self, CatalogError};
use chorus::library::{ContentHash, Store, DB_FILE};
use chorus::media;
use chorus::rusqlite::{Connection, OpenFlags};
use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use percent_encoding::percent_decode_str;
use tokio::io::{AsyncRead, AsyncSeekExt, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::Notify;

pub struct MediaServer {
    /// e.g. `http://127.0.0.1:40123/3f…9a`; routes follow (`/asset/<id>`, `/file/<path>`).
    pub base: String,
    pub port: u16,
}

/// How much the server lets connections take.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Connections kept open at once.
    pub max_connections: usize,
    /// From the moment a connection may send a request (it opened, or its last answer
    /// ended) to the end of the request's head; slow senders are cut off.
    pub header_timeout: Duration,
    /// A connection with no request in progress that sends nothing for this long is closed.
    pub idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            // A few players, each with a connection or two, and room for seeks.
            max_connections: 64,
            header_timeout: Duration::from_secs(20),
            idle_timeout: Duration::from_secs(10),
        }
    }
}

/// Bytes read from the file per chunk of the answer.
const CHUNK: usize = 64 * 1024;

/// The file kinds a rendered file may be, by extension, with their Content-Type.
const RENDERED_TYPES: &[(&str, &str)] = &[
    ("mp4", "video/mp4"),
    ("mov", "video/quicktime"),
    ("webm", "video/webm"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("webp", "image/webp"),
];

/// Folders of the library whose media files the player may read.
const RENDERED_DIRS: &[&str] = &["exports", "previews"];

fn token() -> io::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| io::Error::other(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Starts the server with the default [`Limits`]; `root()` gives the open library's folder
/// at each request.
pub fn start(
    root: impl Fn() -> Option<PathBuf> + Send + Sync + 'static,
) -> io::Result<MediaServer> {
    start_with(root, Limits::default())
}

/// Starts the server on its own thread (one tokio worker) and returns once it listens.
pub fn start_with(
    root: impl Fn() -> Option<PathBuf> + Send + Sync + 'static,
    limits: Limits,
) -> io::Result<MediaServer> {
    let token = token()?;
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<io::Result<u16>>();
    let server_token = token.clone();
    std::thread::Builder::new()
        .name("media-http".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_io()
                .enable_time()
                // File reads and catalog look-ups; seeks in two players at once fit.
                .max_blocking_threads(4)
                .thread_name("media-http-io")
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            runtime.block_on(async move {
                let listener = match listen() {
                    Ok(l) => l,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                let port = match listener.local_addr() {
                    Ok(a) => a.port(),
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                let shared = Arc::new(Shared {
                    token: server_token,
                    hosts: [format!("127.0.0.1:{port}"), format!("localhost:{port}")],
                    root: Box::new(root),
                    catalog: Catalog::default(),
                    conns: Conns::new(limits.max_connections),
                    limits,
                    epoch: Instant::now(),
                });
                let _ = ready_tx.send(Ok(port));
                accept_loop(listener, shared).await;
            });
        })?;
    let port = ready_rx
        .recv()
        .map_err(|_| io::Error::other("the media server stopped while starting"))??;
    Ok(MediaServer {
        base: format!("http://127.0.0.1:{port}/{token}"),
        port,
    })
}

fn listen() -> io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(([127, 0, 0, 1], 0).into())?;
    // A burst of connections waits in the kernel's queue rather than being refused.
    socket.listen(1024)
}

struct Shared {
    token: String,
    /// The `Host` values a request may carry.
    hosts: [String; 2],
    root: Box<dyn Fn() -> Option<PathBuf> + Send + Sync>,
    catalog: Catalog,
    conns: Conns,
    limits: Limits,
    /// Zero of the millisecond clock that connections note their last read on.
    epoch: Instant,
}

impl Shared {
    fn millis(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }
}

/// Accepts forever. A failed accept (EMFILE/ENFILE when the process is out of file
/// descriptors, or a connection reset before it was taken) is reported once per streak and
/// waited out: the socket stays in the kernel's queue until a descriptor frees.
async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut failing = false;
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                failing = false;
                if let Some((id, close)) = shared.conns.admit() {
                    tokio::spawn(serve(shared.clone(), stream, id, close));
                }
                // else: every connection is busy; dropping the stream closes it.
            }
            Err(e) => {
                if !failing {
                    eprintln!("chorus: the media server cannot take a connection ({e}); retrying");
                    failing = true;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

/// The open connections: which are answering a request, and since when the others idle.
struct Conns {
    max: usize,
    slots: Mutex<(u64, HashMap<u64, Slot>)>,
}

struct Slot {
    /// Answers in progress (hyper answers one at a time, but a body may outlive it).
    busy: u32,
    idle_since: Instant,
    close: Arc<Notify>,
}

impl Conns {
    fn new(max: usize) -> Conns {
        Conns {
            max: max.max(1),
            slots: Mutex::new((0, HashMap::new())),
        }
    }

    fn lock(&self) -> MutexGuard<'_, (u64, HashMap<u64, Slot>)> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes room for a new connection: when full, the longest-idle one is told to close.
    /// `None` when every connection is answering a request.
    fn admit(&self) -> Option<(u64, Arc<Notify>)> {
        let mut guard = self.lock();
        let (next, slots) = &mut *guard;
        if slots.len() >= self.max {
            let victim = slots
                .iter()
                .filter(|(_, s)| s.busy == 0)
                .min_by_key(|(_, s)| s.idle_since)
                .map(|(id, _)| *id)?;
            if let Some(s) = slots.remove(&victim) {
                s.close.notify_one();
            }
        }
        *next += 1;
        let close = Arc::new(Notify::new());
        slots.insert(
            *next,
            Slot {
                busy: 0,
                idle_since: Instant::now(),
                close: close.clone(),
            },
        );
        Some((*next, close))
    }

    fn begin(&self, id: u64) {
        if let Some(s) = self.lock().1.get_mut(&id) {
            s.busy += 1;
        }
    }

    fn end(&self, id: u64) {
        if let Some(s) = self.lock().1.get_mut(&id) {
            s.busy = s.busy.saturating_sub(1);
            if s.busy == 0 {
                s.idle_since = Instant::now();
            }
        }
    }

    fn leave(&self, id: u64) {
        self.lock().1.remove(&id);
    }

    /// When the connection counts as idle too long if it stays quiet, given its last read;
    /// `None` while it answers a request.
    fn idle_deadline(&self, id: u64, last_read: Instant, idle: Duration) -> Option<Instant> {
        let guard = self.lock();
        let slot = guard.1.get(&id)?;
        (slot.busy == 0).then(|| slot.idle_since.max(last_read) + idle)
    }
}

/// Removes a connection from the table however its task ends.
struct Leave(Arc<Shared>, u64);

impl Drop for Leave {
    fn drop(&mut self) {
        self.0.conns.leave(self.1);
    }
}

/// One connection: hyper answers its requests until it ends, the server evicts it, or it
/// idles past the limit.
async fn serve(shared: Arc<Shared>, stream: TcpStream, id: u64, close: Arc<Notify>) {
    let _leave = Leave(shared.clone(), id);
    let last_read = Arc::new(AtomicU64::new(shared.millis()));
    let io = TokioIo::new(Watched {
        inner: stream,
        last_read: last_read.clone(),
        epoch: shared.epoch,
    });
    let handler = shared.clone();
    let service = service_fn(move |request| {
        let shared = handler.clone();
        async move { Ok::<_, Infallible>(shared.answer(request, id).await) }
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(shared.limits.header_timeout)
        .keep_alive(true)
        .serve_connection(io, service);
    tokio::pin!(connection);
    let idle = shared.limits.idle_timeout;
    loop {
        let read_at = shared.epoch + Duration::from_millis(last_read.load(Ordering::Relaxed));
        let wake = shared
            .conns
            .idle_deadline(id, read_at, idle)
            .unwrap_or_else(|| Instant::now() + idle);
        tokio::select! {
            _ = connection.as_mut() => return,
            _ = close.notified() => return,
            _ = tokio::time::sleep_until(wake.into()) => {
                let read_at =
                    shared.epoch + Duration::from_millis(last_read.load(Ordering::Relaxed));
                if shared
                    .conns
                    .idle_deadline(id, read_at, idle)
                    .is_some_and(|d| d <= Instant::now())
                {
                    return;
                }
            }
        }
    }
}

/// The socket, noting when it last received bytes (for the idle limit).
struct Watched {
    inner: TcpStream,
    last_read: Arc<AtomicU64>,
    epoch: Instant,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        ready!(Pin::new(&mut self.inner).poll_read(cx, buf))?;
        if buf.filled().len() > before {
            let now = self.epoch.elapsed().as_millis() as u64;
            self.last_read.store(now, Ordering::Relaxed);
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// What a request may name.
#[derive(Debug, PartialEq, Eq)]
enum Route {
    /// A catalog asset's original.
    Asset(i64),
    /// A rendered file: the path's segments, decoded, under the library folder.
    File(Vec<String>),
}

/// A file found for a request.
struct Found {
    path: PathBuf,
    mime: &'static str,
    /// Content-addressed originals never change; renders are replaced in place.
    immutable: bool,
}

impl Shared {
    async fn answer(self: Arc<Self>, request: Request<Incoming>, conn: u64) -> Response<Reply> {
        self.conns.begin(conn);
        let busy = Busy(self.clone(), conn);
        if !self.host_allowed(&request) {
            // A page whose own name points at 127.0.0.1 (DNS rebinding) sends its name.
            return text(StatusCode::MISDIRECTED_REQUEST, "wrong host", busy);
        }
        let head_only = match *request.method() {
            Method::GET => false,
            Method::HEAD => true,
            _ => {
                let mut r = text(StatusCode::METHOD_NOT_ALLOWED, "GET or HEAD only", busy);
                r.headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
                return r;
            }
        };
        let Some(route) = self.route(request.uri().path()) else {
            return text(StatusCode::NOT_FOUND, "not found", busy);
        };
        let Some(root) = (self.root)() else {
            return text(StatusCode::SERVICE_UNAVAILABLE, "no library is open", busy);
        };
        let range = request
            .headers()
            .get(header::RANGE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let finder = self.clone();
        let found = tokio::task::spawn_blocking(move || finder.find(&root, &route))
            .await
            .ok()
            .flatten();
        let Some(found) = found else {
            return text(StatusCode::NOT_FOUND, "not found", busy);
        };
        let busy = Arc::new(busy);
        match send_file(&found, range.as_deref(), head_only, busy.clone()).await {
            Ok(r) => r,
            Err(_) => text_shared(
                StatusCode::INTERNAL_SERVER_ERROR,
                "cannot read the file",
                busy,
            ),
        }
    }

    fn host_allowed(&self, request: &Request<Incoming>) -> bool {
        let allowed = |h: &[u8]| {
            self.hosts
                .iter()
                .any(|a| h.eq_ignore_ascii_case(a.as_bytes()))
        };
        let mut hosts = request.headers().get_all(header::HOST).iter();
        let (Some(host), None) = (hosts.next(), hosts.next()) else {
            return false;
        };
        allowed(host.as_bytes())
            && request
                .uri()
                .authority()
                .is_none_or(|a| allowed(a.as_str().as_bytes()))
    }

    /// Reads the raw (still percent-encoded) path: `/<token>/asset/<id>` or
    /// `/<token>/file/<segment>/...`.
    fn route(&self, raw: &str) -> Option<Route> {
        let (token, rest) = raw.strip_prefix('/')?.split_once('/')?;
        if !same_token(token, &self.token) {
            return None;
        }
        match rest.split_once('/')? {
            ("asset", id) => asset_id(id).map(Route::Asset),
            ("file", path) => segments(path).map(Route::File),
            _ => None,
        }
    }

    /// Blocking: asks the catalog, touches the disk.
    fn find(&self, root: &Path, route: &Route) -> Option<Found> {
        match route {
            Route::Asset(id) => {
                let hash = self.catalog.hash_of(root, *id)?;
                // HDR clips play from their SDR copy (made here on first play).
                let path = playable(root, &hash)?;
                let mut head = [0u8; 64];
                let n = std::fs::File::open(&path).ok()?.read(&mut head).ok()?;
                Some(Found {
                    path,
                    mime: media::mime(&head[..n]),
                    immutable: true,
                })
            }
            Route::File(segments) => {
                let (path, mime) = rendered(root, segments)?;
                Some(Found {
                    path,
                    mime,
                    immutable: false,
                })
            }
        }
    }
}

/// Compares the whole token whatever the first difference (no timing hint).
fn same_token(given: &str, token: &str) -> bool {
    given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// A positive decimal asset id, digits only.
fn asset_id(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 19 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|id| *id > 0)
}

/// Decodes each segment on its own, so `%2F` can never become a separator; empty, `.`,
/// `..` and segments holding a separator or NUL are refused.
fn segments(path: &str) -> Option<Vec<String>> {
    path.split('/')
        .map(|raw| {
            let s = percent_decode_str(raw).decode_utf8().ok()?;
            let ok = !s.is_empty() && s != "." && s != ".." && !s.contains(['/', '\\', '\0']);
            ok.then(|| s.into_owned())
        })
        .collect()
}

/// What plays for a catalog hash (the original, or an HDR clip's SDR copy), if it is a
/// file inside the library.
fn playable(root: &Path, hash: &str) -> Option<PathBuf> {
    let hash = ContentHash::parse(hash).ok()?;
    let path = chorus::api::assets::playable(&Store::new(root), &hash).ok()?;
    let real = path.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    (real.starts_with(&root) && real.is_file()).then_some(real)
}

/// A file the app renders into the store's temp folder for the piece editor's player
/// (`preview-<piece>-<process>.mp4`, see `campaigns::preview_start`).
fn is_preview_name(name: &str) -> bool {
    let Some((piece, process)) = name
        .strip_prefix("preview-")
        .and_then(|s| s.strip_suffix(".mp4"))
        .and_then(|s| s.split_once('-'))
    else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(piece) && digits(process)
}

fn rendered_type(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    RENDERED_TYPES
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(_, mime)| *mime)
}

/// A rendered media file: after resolving links and `..`, it must lie inside `exports/` or
/// `previews/`, or be a preview in the store's temp folder, and be a media file by name.
fn rendered(root: &Path, segments: &[String]) -> Option<(PathBuf, &'static str)> {
    let asked = segments.iter().fold(root.to_path_buf(), |p, s| p.join(s));
    let real = asked.canonicalize().ok()?;
    // The name asked for and the file it leads to are both media.
    rendered_type(&asked)?;
    let mime = rendered_type(&real)?;
    if !real.is_file() {
        return None;
    }
    let inside = |dir: PathBuf| dir.canonicalize().is_ok_and(|d| real.starts_with(d));
    let in_rendered_dir = RENDERED_DIRS.iter().any(|d| inside(root.join(d)));
    let is_preview = || {
        let tmp = Store::new(root).tmp_dir().canonicalize().ok();
        real.parent().map(Path::to_path_buf) == tmp
            && real
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(is_preview_name)
    };
    (in_rendered_dir || is_preview()).then_some((real, mime))
}

/// A read-only connection to the open library's catalog, reopened when the library changes
/// or a query fails.
#[derive(Default)]
struct Catalog {
    conn: Mutex<Option<(PathBuf, Connection)>>,
}

impl Catalog {
    fn hash_of(&self, root: &Path, id: i64) -> Option<String> {
        let mut slot = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        if slot.as_ref().is_none_or(|(r, _)| r != root) {
            let conn = Connection::open_with_flags(
                root.join(DB_FILE),
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .ok()?;
            conn.busy_timeout(Duration::from_secs(2)).ok()?;
            *slot = Some((root.to_path_buf(), conn));
        }
        let (_, conn) = slot.as_ref()?;
        match catalog::get(conn, id) {
            Ok(asset) => Some(asset.hash.as_str().to_string()),
            Err(CatalogError::NoSuchAsset(_)) => None,
            Err(_) => {
                *slot = None;
                None
            }
        }
    }
}

/// Which bytes a `Range` header asks for.
#[derive(Debug, PartialEq, Eq)]
enum Span {
    /// No header, or one we do not read (several ranges, another unit, bad syntax):
    /// the whole file, as RFC 9110 allows.
    Whole,
    /// First and last byte, inclusive.
    Part(u64, u64),
    Unsatisfiable,
}

fn span(header: Option<&str>, len: u64) -> Span {
    let Some(spec) = header.map(str::trim).and_then(|h| {
        h.get(..6)
            .filter(|unit| unit.eq_ignore_ascii_case("bytes="))
            .map(|_| &h[6..])
    }) else {
        return Span::Whole;
    };
    let Some((a, b)) = spec.split_once('-').filter(|_| !spec.contains(',')) else {
        return Span::Whole;
    };
    let number = |s: &str| {
        let s = s.trim();
        if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        s.parse::<u64>().ok()
    };
    match (a.trim().is_empty(), b.trim().is_empty()) {
        // bytes=-n: the last n bytes.
        (true, false) => match number(b) {
            None => Span::Whole,
            Some(0) => Span::Unsatisfiable,
            Some(_) if len == 0 => Span::Unsatisfiable,
            Some(n) => Span::Part(len - n.min(len), len - 1),
        },
        // bytes=a-
        (false, true) => match number(a) {
            None => Span::Whole,
            Some(a) if a >= len => Span::Unsatisfiable,
            Some(a) => Span::Part(a, len - 1),
        },
        // bytes=a-b
        (false, false) => match (number(a), number(b)) {
            (Some(a), Some(b)) if a <= b => {
                if a >= len {
                    Span::Unsatisfiable
                } else {
                    Span::Part(a, b.min(len - 1))
                }
            }
            _ => Span::Whole,
        },
        (true, true) => Span::Whole,
    }
}

/// Marks the connection busy while an answer is being sent (the idle limit spares it).
struct Busy(Arc<Shared>, u64);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.conns.end(self.1);
    }
}

/// An answer's body: a short text, or a file read chunk by chunk as hyper asks for it.
struct Reply {
    content: Content,
    _busy: Arc<Busy>,
}

enum Content {
    Bytes(Option<Bytes>),
    File {
        file: tokio::fs::File,
        remaining: u64,
        buf: Box<[u8]>,
    },
}

impl Body for Reply {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match &mut self.get_mut().content {
            Content::Bytes(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            Content::File {
                file,
                remaining,
                buf,
            } => {
                if *remaining == 0 {
                    return Poll::Ready(None);
                }
                let want = (*remaining).min(buf.len() as u64) as usize;
                let mut read = ReadBuf::new(&mut buf[..want]);
                ready!(Pin::new(file).poll_read(cx, &mut read))?;
                let n = read.filled().len();
                if n == 0 {
                    return Poll::Ready(Some(Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the file shrank while it was sent",
                    ))));
                }
                *remaining -= n as u64;
                Poll::Ready(Some(Ok(Frame::data(Bytes::copy_from_slice(&buf[..n])))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.content {
            Content::Bytes(b) => b.is_none(),
            Content::File { remaining, .. } => *remaining == 0,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.content {
            Content::Bytes(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            Content::File { remaining, .. } => SizeHint::with_exact(*remaining),
        }
    }
}

fn text(status: StatusCode, body: &'static str, busy: Busy) -> Response<Reply> {
    text_shared(status, body, Arc::new(busy))
}

fn text_shared(status: StatusCode, body: &'static str, busy: Arc<Busy>) -> Response<Reply> {
    let mut r = Response::new(Reply {
        content: Content::Bytes(Some(Bytes::from_static(body.as_bytes()))),
        _busy: busy,
    });
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    r
}

async fn send_file(
    found: &Found,
    range: Option<&str>,
    head_only: bool,
    busy: Arc<Busy>,
) -> io::Result<Response<Reply>> {
    let mut file = tokio::fs::File::open(&found.path).await?;
    let len = file.metadata().await?.len();
    let (status, start, count) = match span(range, len) {
        Span::Whole => (StatusCode::OK, 0, len),
        Span::Part(a, b) => (StatusCode::PARTIAL_CONTENT, a, b - a + 1),
        Span::Unsatisfiable => {
            let mut r = Response::new(Reply {
                content: Content::Bytes(None),
                _busy: busy,
            });
            *r.status_mut() = StatusCode::RANGE_NOT_SATISFIABLE;
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_RANGE,
                header_value(format!("bytes */{len}")),
            );
            h.insert(header::CONTENT_LENGTH, HeaderValue::from(0));
            return Ok(r);
        }
    };
    let content = if head_only || count == 0 {
        Content::Bytes(None)
    } else {
        file.seek(io::SeekFrom::Start(start)).await?;
        Content::File {
            file,
            remaining: count,
            buf: vec![0u8; CHUNK].into_boxed_slice(),
        }
    };
    let mut r = Response::new(Reply {
        content,
        _busy: busy,
    });
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(found.mime));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(count));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if found.immutable {
            "private, max-age=3600"
        } else {
            // Previews are rendered again under the same name.
            "no-cache"
        }),
    );
    if status == StatusCode::PARTIAL_CONTENT {
        h.insert(
            header::CONTENT_RANGE,
            header_value(format!("bytes {start}-{}/{len}", start + count - 1)),
        );
    }
    Ok(r)
}

fn header_value(s: String) -> HeaderValue {
    HeaderValue::try_from(s).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{ErrorKind, Write};
    use std::net::TcpStream as StdStream;
    use std::sync::MutexGuard;

    use chorus::ingest::{self, Progress};
    use chorus::library::Library;

    /// The flood and memory tests read process-wide figures: one server test at a time.
    static SERIAL: Mutex<()> = Mutex::new(());

    fn serial() -> MutexGuard<'static, ()> {
        SERIAL.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn sample(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/samples")
            .join(name)
    }

    /// A real library with one clip imported by the engine, and a server on it.
    struct Fixture {
        dir: tempfile::TempDir,
        root: PathBuf,
        lib: Library,
        clip_id: i64,
        clip: Vec<u8>,
        server: MediaServer,
    }

    fn fixture(limits: Limits) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("lib");
        let mut lib = Library::open_or_create(&root).unwrap();
        let clip_path = sample("sunset_silent.mp4");
        let mut clip_id = None;
        ingest::run(
            &mut lib,
            &ingest::Options::new(vec![clip_path.clone()]),
            &mut |p| {
                if let Progress::File { result, .. } = p {
                    clip_id = result.asset_id;
                }
                true
            },
        )
        .unwrap();
        let r = root.clone();
        let server = start_with(move || Some(r.clone()), limits).unwrap();
        Fixture {
            dir,
            root,
            lib,
            clip_id: clip_id.expect("the clip was imported"),
            clip: std::fs::read(clip_path).unwrap(),
            server,
        }
    }

    impl Fixture {
        fn hash(&self) -> ContentHash {
            let asset = catalog::get(self.lib.conn(), self.clip_id).unwrap();
            ContentHash::parse(asset.hash.as_str()).unwrap()
        }

        fn put(&self, rel: &str, bytes: &[u8]) -> PathBuf {
            let p = self.root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, bytes).unwrap();
            p
        }
    }

    fn token_of(server: &MediaServer) -> &str {
        server.base.rsplit_once('/').unwrap().1
    }

    #[derive(Debug)]
    struct Answer {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    }

    impl Answer {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        }
    }

    /// Sends one raw request and reads the answer to the end (status 0: no answer).
    fn exchange(port: u16, request: &str) -> Answer {
        let mut s = StdStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut out = Vec::new();
        let _ = s
            .write_all(request.as_bytes())
            .and_then(|_| s.read_to_end(&mut out));
        parse(&out)
    }

    fn parse(out: &[u8]) -> Answer {
        let Some(end) = out.windows(4).position(|w| w == b"\r\n\r\n") else {
            return Answer {
                status: 0,
                headers: Vec::new(),
                body: out.to_vec(),
            };
        };
        let head = String::from_utf8_lossy(&out[..end]);
        let mut lines = head.split("\r\n");
        let status = lines.next().unwrap()[9..12].parse().unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
            .collect();
        Answer {
            status,
            headers,
            body: out[end + 4..].to_vec(),
        }
    }

    fn request(server: &MediaServer, method: &str, path: &str, extra: &str) -> Answer {
        let port = server.port;
        let token = token_of(server);
        exchange(
            port,
            &format!("{method} /{token}{path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}Connection: close\r\n\r\n"),
        )
    }

    fn get(server: &MediaServer, path: &str) -> Answer {
        request(server, "GET", path, "")
    }

    fn get_range(server: &MediaServer, path: &str, range: &str) -> Answer {
        request(server, "GET", path, &format!("Range: {range}\r\n"))
    }

    #[test]
    fn plays_an_assets_original_by_id_whole_or_in_ranges() {
        let _serial = serial();
        let f = fixture(Limits::default());
        let (clip, len) = (&f.clip, f.clip.len());
        let path = format!("/asset/{}", f.clip_id);

        let a = get(&f.server, &path);
        assert_eq!(a.status, 200);
        assert_eq!(&a.body, clip);
        assert_eq!(a.header("content-type"), Some("video/mp4"));
        assert_eq!(a.header("accept-ranges"), Some("bytes"));
        assert_eq!(a.header("content-length"), Some(len.to_string().as_str()));

        let a = get_range(&f.server, &path, "bytes=4-11");
        assert_eq!(a.status, 206);
        assert_eq!(a.body, &clip[4..12]);
        assert_eq!(a.body, b"ftypisom");
        assert_eq!(
            a.header("content-range"),
            Some(format!("bytes 4-11/{len}").as_str())
        );
        let a = get_range(&f.server, &path, "bytes=100-");
        assert_eq!((a.status, a.body.as_slice()), (206, &clip[100..]));
        let a = get_range(&f.server, &path, "bytes=-10");
        assert_eq!((a.status, a.body.as_slice()), (206, &clip[len - 10..]));
        assert_eq!(
            a.header("content-range"),
            Some(format!("bytes {}-{}/{len}", len - 10, len - 1).as_str())
        );
        // Past the end: clamped.
        let a = get_range(&f.server, &path, &format!("bytes={}-{}", len - 2, len + 50));
        assert_eq!((a.status, a.body.as_slice()), (206, &clip[len - 2..]));
        for bad in [
            format!("bytes={len}-"),
            "bytes=-0".into(),
            format!("bytes={}-{}", len, len + 9),
        ] {
            let a = get_range(&f.server, &path, &bad);
            assert_eq!(a.status, 416, "{bad}");
            assert_eq!(
                a.header("content-range"),
                Some(format!("bytes */{len}").as_str())
            );
            assert!(a.body.is_empty());
        }
        // Ranges we do not read give the whole file (RFC 9110 lets a server ignore them).
        for ignored in ["bytes=0-1,5-6", "items=0-1", "bytes=9-2"] {
            let a = get_range(&f.server, &path, ignored);
            assert_eq!((a.status, a.body.len()), (200, len), "{ignored}");
        }

        let a = request(&f.server, "HEAD", &path, "");
        assert_eq!(a.status, 200);
        assert_eq!(a.header("content-length"), Some(len.to_string().as_str()));
        assert!(a.body.is_empty());
        for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
            let a = request(&f.server, method, &path, "Content-Length: 0\r\n");
            assert_eq!(a.status, 405, "{method}");
            assert_eq!(a.header("allow"), Some("GET, HEAD"));
        }

        // Only a catalog id names an asset: not its hash, not a path, not a stranger.
        let hash = f.hash();
        for bad in [
            "/asset/999999".to_string(),
            "/asset/0".into(),
            "/asset/-1".into(),
            format!("/asset/+{}", f.clip_id),
            format!("/asset/{}.0", f.clip_id),
            format!("/asset/{}/", f.clip_id),
            format!("/asset/%3{}", f.clip_id),
            format!("/asset/{hash}"),
            format!("/original/{hash}"),
            "/asset/99999999999999999999".into(),
        ] {
            assert_eq!(get(&f.server, &bad).status, 404, "{bad}");
        }
    }

    #[test]
    fn serves_rendered_files_from_exports_and_previews_and_no_library_internals() {
        let _serial = serial();
        let f = fixture(Limits::default());
        let mp4 = b"\0\0\0\x20ftypisom-rendered";
        f.put("exports/summer fans/v1-20250701/story_9x16.mp4", mp4);
        f.put(
            "exports/summer fans/v1-20250701/still.jpg",
            b"\xFF\xD8\xFFjpeg",
        );
        f.put("exports/summer fans/v1-20250701/still.PNG", b"\x89PNGpng");
        f.put("exports/summer fans/v1-20250701/credits.txt", b"credits");
        f.put("exports/summer fans/v1-20250701/manifest.json", b"{}");
        f.put("previews/p.webm", b"webm");
        f.put("previews/p.webp", b"webp");
        f.put("previews/p.mov", b"mov");
        let tmp = Store::new(&f.root).tmp_dir();
        let tmp_rel = tmp.strip_prefix(&f.root).unwrap().display().to_string();
        f.put(&format!("{tmp_rel}/preview-11-4242.mp4"), mp4);
        f.put(
            &format!("{tmp_rel}/in-a1b2c3.mp4"),
            b"an import in progress",
        );
        #[cfg(unix)]
        for (link, target) in [
            ("exports/db.mp4", f.root.join(DB_FILE)),
            ("exports/up", f.root.clone()),
            ("previews/out.mp4", f.dir.path().join("outside.mp4")),
        ] {
            std::os::unix::fs::symlink(target, f.root.join(link)).unwrap();
        }
        std::fs::write(f.dir.path().join("outside.mp4"), b"outside").unwrap();

        for (path, mime, body) in [
            (
                "/file/exports/summer%20fans/v1-20250701/story_9x16.mp4",
                "video/mp4",
                &mp4[..],
            ),
            (
                "/file/exports/summer%20fans/v1-20250701/still.jpg",
                "image/jpeg",
                b"\xFF\xD8\xFFjpeg",
            ),
            (
                "/file/exports/summer%20fans/v1-20250701/still.PNG",
                "image/png",
                b"\x89PNGpng",
            ),
            ("/file/previews/p.webm", "video/webm", b"webm"),
            ("/file/previews/p.webp", "image/webp", b"webp"),
            ("/file/previews/p.mov", "video/quicktime", b"mov"),
        ] {
            let a = get(&f.server, path);
            assert_eq!(
                (a.status, a.header("content-type")),
                (200, Some(mime)),
                "{path}"
            );
            assert_eq!(a.body, body, "{path}");
        }
        // A preview as `campaigns::preview_start` names it, cache-busted by the UI.
        let a = get_range(
            &f.server,
            &format!("/file/{tmp_rel}/preview-11-4242.mp4?v=40"),
            "bytes=4-11",
        );
        assert_eq!((a.status, a.body.as_slice()), (206, &b"ftypisom"[..]));

        let hash = f.hash();
        let original = Store::new(&f.root).original(&hash);
        let original_rel = original
            .strip_prefix(&f.root)
            .unwrap()
            .display()
            .to_string();
        let thumb = Store::new(&f.root).thumb(&hash);
        assert!(thumb.is_file(), "the import made a thumbnail");
        let thumb_rel = thumb.strip_prefix(&f.root).unwrap().display().to_string();
        let token = token_of(&f.server).to_string();
        let refused = [
            "/file/chorus.db".to_string(),
            "/file/chorus.db-wal".into(),
            "/file/chorus.db-shm".into(),
            format!("/file/{original_rel}"),
            format!("/file/{thumb_rel}"),
            format!("/file/{tmp_rel}/in-a1b2c3.mp4"),
            "/file/exports/summer%20fans/v1-20250701/credits.txt".into(),
            "/file/exports/summer%20fans/v1-20250701/manifest.json".into(),
            "/file/exports/../chorus.db".into(),
            "/file/exports/%2e%2e/chorus.db".into(),
            "/file/exports%2F..%2Fchorus.db".into(),
            "/file/exports/..%2Fchorus.db".into(),
            "/file/exports/..%5Cchorus.db".into(),
            "/file/exports/chorus.db%00.mp4".into(),
            "/file/exports//summer%20fans/v1-20250701/story_9x16.mp4".into(),
            "/file/exports/./summer%20fans/v1-20250701/story_9x16.mp4".into(),
            "/file/%2Fetc%2Fpasswd".into(),
            "/file/exports/db.mp4".into(),
            "/file/exports/up/chorus.db".into(),
            "/file/previews/out.mp4".into(),
            "/file/exports".into(),
            "/file/".into(),
            "/asset/..".into(),
            "/asset/%2e%2e".into(),
            "/asset/../file/chorus.db".into(),
            format!("/asset/{}/../../file/chorus.db", f.clip_id),
            "/thumb/x".into(),
            "/".into(),
            "".into(),
            format!("/../{token}/file/chorus.db"),
        ];
        for path in &refused {
            let a = get(&f.server, path);
            assert_eq!(a.status, 404, "{path}");
            assert!(
                !a.body.starts_with(b"SQLite format 3"),
                "{path} leaked the catalog"
            );
        }
        // Without the launch token, or with a wrong one, nothing at all.
        let port = f.server.port;
        let mut wrong = token.clone().into_bytes();
        wrong[0] = if wrong[0] == b'0' { b'1' } else { b'0' };
        let wrong = String::from_utf8(wrong).unwrap();
        for path in [
            "/file/previews/p.webm".to_string(),
            format!("/{wrong}/file/previews/p.webm"),
            format!("/{}/file/previews/p.webm", &token[..31]),
            format!("/{token}0/file/previews/p.webm"),
            format!("/{}/asset/{}", token.to_uppercase(), f.clip_id),
        ] {
            let a = exchange(
                port,
                &format!(
                    "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
                ),
            );
            assert_eq!(a.status, 404, "{path}");
        }
    }

    #[test]
    fn answers_only_requests_addressed_to_its_own_host_and_port() {
        let _serial = serial();
        let f = fixture(Limits::default());
        let port = f.server.port;
        let target = format!("/{}/asset/{}", token_of(&f.server), f.clip_id);
        let ask = |host_lines: &str| {
            exchange(
                port,
                &format!("GET {target} HTTP/1.1\r\n{host_lines}Connection: close\r\n\r\n"),
            )
        };
        for good in [
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("LocalHost:{port}"),
        ] {
            let a = ask(&format!("Host: {good}\r\n"));
            assert_eq!((a.status, &a.body), (200, &f.clip), "{good}");
        }
        for bad in [
            format!("Host: evil.example:{port}\r\n"),
            "Host: rebind.evil.example\r\n".to_string(),
            "Host: 127.0.0.1\r\n".into(),
            "Host: localhost\r\n".into(),
            format!("Host: 127.0.0.1:{}\r\n", port.wrapping_add(1)),
            format!("Host: 127.0.0.1:{port}.evil.example\r\n"),
            format!("Host: [::1]:{port}\r\n"),
            format!("Host: 127.0.0.1:{port}\r\nHost: evil.example\r\n"),
        ] {
            let a = ask(&bad);
            assert_eq!(a.status, 421, "{bad:?}");
            assert_ne!(a.body, f.clip, "{bad:?}");
        }
        // An absolute URI names its host too; HTTP/1.0 without a Host is refused.
        for request in [
            format!("GET http://evil.example:{port}{target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"),
            format!("GET {target} HTTP/1.0\r\n\r\n"),
        ] {
            let a = exchange(port, &request);
            assert_eq!(a.status, 421, "{request:?}");
        }
    }

    /// Lets this process hold the flood's sockets where the soft limit is 1024.
    fn raise_fd_limit(want: libc::rlim_t) {
        // SAFETY: getrlimit/setrlimit only read and write the struct we pass.
        unsafe {
            let mut lim = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && lim.rlim_cur < want {
                lim.rlim_cur = want.min(lim.rlim_max);
                libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
            }
        }
    }

    /// Whether the server has closed this client socket (it reads an end or an error).
    fn closed(s: &StdStream) -> bool {
        s.set_nonblocking(true).unwrap();
        let mut byte = [0u8; 1];
        !matches!(s.peek(&mut byte), Err(e) if e.kind() == ErrorKind::WouldBlock)
    }

    fn wait_until(deadline: Instant, mut done: impl FnMut() -> bool) -> bool {
        loop {
            if done() {
                return true;
            }
            if Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    #[test]
    fn a_flood_of_idle_connections_neither_stops_nor_starves_the_player() {
        let _serial = serial();
        raise_fd_limit(4096);
        let limits = Limits {
            idle_timeout: Duration::from_secs(4),
            // Out of the way: this test is about idle sockets, not slow heads.
            header_timeout: Duration::from_secs(120),
            ..Limits::default()
        };
        let f = fixture(limits);
        let flood: Vec<StdStream> = (0..1000)
            .map(|_| StdStream::connect(("127.0.0.1", f.server.port)).unwrap())
            .collect();

        // The player's request is answered at once, long before any idle socket times out:
        // it takes the place of the longest-idle one.
        let asked = Instant::now();
        let a = get(&f.server, &format!("/asset/{}", f.clip_id));
        assert_eq!(
            (a.status, &a.body),
            (200, &f.clip),
            "no answer under the flood"
        );
        assert!(
            asked.elapsed() < Duration::from_secs(2),
            "the answer took {:?}",
            asked.elapsed()
        );
        // No more than the limit is held open.
        let open = || flood.iter().filter(|s| !closed(s)).count();
        assert!(
            wait_until(Instant::now() + Duration::from_secs(2), || open()
                <= limits.max_connections),
            "{} idle connections still open",
            open()
        );
        // And the rest go once idle too long.
        assert!(
            wait_until(
                asked + limits.idle_timeout + Duration::from_secs(3),
                || open() == 0
            ),
            "{} idle connections outlived the idle limit",
            open()
        );
        let a = get_range(&f.server, &format!("/asset/{}", f.clip_id), "bytes=0-3");
        assert_eq!((a.status, a.body.as_slice()), (206, &f.clip[..4]));
    }

    #[test]
    fn a_request_head_sent_byte_by_byte_is_cut_off() {
        let _serial = serial();
        let limits = Limits {
            header_timeout: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(120),
            ..Limits::default()
        };
        let f = fixture(limits);
        let mut s = StdStream::connect(("127.0.0.1", f.server.port)).unwrap();
        let started = Instant::now();
        s.write_all(b"GET /").unwrap();
        let cut = wait_until(started + Duration::from_secs(5), || {
            // Keep the connection lively with one more byte of the head each time.
            s.write_all(b"a").is_err() || closed(&s)
        });
        let after = started.elapsed();
        assert!(cut, "a trickled head was still being read after {after:?}");
        assert!(
            after >= Duration::from_millis(900),
            "cut off early, after {after:?}"
        );
        assert!(
            after < Duration::from_secs(3),
            "cut off late, after {after:?}"
        );
    }

    fn resident_bytes() -> u64 {
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
        let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
        // SAFETY: sysconf has no preconditions.
        pages * unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as u64
    }

    #[test]
    fn a_large_file_streams_without_being_read_into_memory() {
        let _serial = serial();
        let f = fixture(Limits::default());
        let big = f.put("exports/big/long.mp4", b"\0\0\0\x20ftypisom");
        let size: u64 = 1536 << 20;
        std::fs::OpenOptions::new()
            .write(true)
            .open(&big)
            .unwrap()
            .set_len(size)
            .unwrap();
        // Warm the server's threads and buffers.
        assert_eq!(
            get_range(&f.server, "/file/exports/big/long.mp4", "bytes=0-99").status,
            206
        );

        let before = resident_bytes();
        let port = f.server.port;
        let mut s = StdStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "GET /{}/file/exports/big/long.mp4 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n",
            token_of(&f.server)
        )
        .unwrap();
        let mut buf = vec![0u8; 64 * 1024];
        let mut head = Vec::new();
        let mut body = 0usize;
        while body < 8 << 20 {
            let n = s.read(&mut buf).unwrap();
            assert!(n > 0, "the answer ended early");
            if head.windows(4).any(|w| w == b"\r\n\r\n") {
                body += n;
            } else {
                head.extend_from_slice(&buf[..n]);
                if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                    body += head.len() - end - 4;
                    head.truncate(end + 4);
                }
            }
        }
        let answer = parse(&head);
        assert_eq!(answer.status, 200);
        assert_eq!(
            answer.header("content-length"),
            Some(size.to_string().as_str())
        );
        // Give a server that reads ahead time to do it.
        std::thread::sleep(Duration::from_millis(500));
        let grown = resident_bytes().saturating_sub(before);
        drop(s);
        assert!(
            grown < 64 << 20,
            "serving {size} bytes grew resident memory by {} MiB",
            grown >> 20
        );
    }

    const EMFILE_CHILD: &str = "CHORUS_MEDIA_SERVER_EMFILE_CHILD";

    #[test]
    fn running_out_of_file_descriptors_does_not_stop_the_server() {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "media_server::tests::emfile_child",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(EMFILE_CHILD, "1")
            .output()
            .unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert!(out.status.success(), "{stdout}\n{stderr}");
        assert!(stdout.contains("1 passed"), "{stdout}\n{stderr}");
        // The accept really failed, and the server lived on.
        assert!(
            stderr.contains("cannot take a connection"),
            "{stdout}\n{stderr}"
        );
    }

    /// Runs in its own process (it lowers the descriptor limit and uses every descriptor).
    #[test]
    #[ignore = "run in a child process by running_out_of_file_descriptors_does_not_stop_the_server"]
    fn emfile_child() {
        if std::env::var_os(EMFILE_CHILD).is_none() {
            return;
        }
        let f = fixture(Limits::default());
        f.put("exports/ad.mp4", b"\0\0\0\x20ftypisom-ad");
        // SAFETY: setrlimit only reads the struct we pass.
        unsafe {
            let mut lim = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim), 0);
            lim.rlim_cur = lim.rlim_max.min(256);
            assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &lim), 0);
        }
        let mut hog = Vec::new();
        while let Ok(file) = std::fs::File::open("/dev/null") {
            hog.push(file);
        }
        // One descriptor for the client; the server has none left to accept with.
        hog.pop();
        let port = f.server.port;
        let mut s = StdStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            s,
            "GET /{}/file/exports/ad.mp4 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n",
            token_of(&f.server)
        )
        .unwrap();
        std::thread::sleep(Duration::from_millis(500));
        drop(hog);
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).unwrap();
        let a = parse(&out);
        assert_eq!(
            (a.status, a.body.as_slice()),
            (200, &b"\0\0\0\x20ftypisom-ad"[..])
        );
    }

    #[test]
    fn byte_ranges() {
        assert_eq!(span(None, 100), Span::Whole);
        assert_eq!(span(Some("bytes=0-"), 100), Span::Part(0, 99));
        assert_eq!(span(Some("bytes=10-19"), 100), Span::Part(10, 19));
        assert_eq!(span(Some("Bytes = 10-19"), 100), Span::Whole);
        assert_eq!(span(Some("BYTES=10-19"), 100), Span::Part(10, 19));
        assert_eq!(span(Some("bytes=90-200"), 100), Span::Part(90, 99));
        assert_eq!(span(Some("bytes=-10"), 100), Span::Part(90, 99));
        assert_eq!(span(Some("bytes=-1000"), 100), Span::Part(0, 99));
        assert_eq!(span(Some("bytes=-0"), 100), Span::Unsatisfiable);
        assert_eq!(span(Some("bytes=100-"), 100), Span::Unsatisfiable);
        assert_eq!(span(Some("bytes=0-"), 0), Span::Unsatisfiable);
        assert_eq!(span(Some("bytes=-5"), 0), Span::Unsatisfiable);
        assert_eq!(span(Some("bytes=5-1"), 100), Span::Whole);
        assert_eq!(span(Some("bytes=0-1,5-6"), 100), Span::Whole);
        assert_eq!(span(Some("bytes=a-b"), 100), Span::Whole);
        assert_eq!(span(Some("bytes=+1-2"), 100), Span::Whole);
        assert_eq!(span(Some("bytes=-"), 100), Span::Whole);
    }

    fn told_to_close(close: &Notify) -> bool {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(async {
                tokio::time::timeout(Duration::from_millis(10), close.notified())
                    .await
                    .is_ok()
            })
    }

    #[test]
    fn connections_beyond_the_limit_replace_the_longest_idle_one() {
        let conns = Conns::new(2);
        let (a, close_a) = conns.admit().unwrap();
        let (b, _close_b) = conns.admit().unwrap();
        conns.begin(b);
        // Full: the idle one (a) goes, the busy one (b) stays.
        let (c, _) = conns.admit().unwrap();
        assert!(!conns.lock().1.contains_key(&a));
        assert!(told_to_close(&close_a));
        conns.begin(c);
        // Full and all busy: the newcomer is refused.
        assert!(conns.admit().is_none());
        conns.end(b);
        assert!(conns.admit().is_some());
    }
}
