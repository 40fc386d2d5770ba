//! The preview server: serves the built site from its folder under the base URL's path, with
//! a live-reload script and, after a failed rebuild, an error panel injected into HTML pages
//! (never into `sesh build` output). No request can reach a file outside the site folder.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// What the server shares with the rebuild loop.
pub struct Shared {
    /// The built site (canonical path).
    pub dir: PathBuf,
    /// `/` or `/archive/`: the path the site lives under, as in production.
    pub base_path: String,
    /// The message of the last failed rebuild, while it is not fixed.
    pub error: RwLock<Option<String>>,
    /// Changes with every successful rebuild; reconnecting pages compare it.
    pub build_id: AtomicU64,
    clients: Mutex<Vec<Sender<String>>>,
}

impl Shared {
    pub fn new(dir: PathBuf, base_path: String) -> Arc<Shared> {
        Arc::new(Shared {
            dir,
            base_path,
            error: RwLock::new(None),
            build_id: AtomicU64::new(1),
            clients: Mutex::new(Vec::new()),
        })
    }

    /// Tells every open page to `reload` or to restyle (`css`).
    pub fn notify(&self, event: &str) {
        let id = self.build_id.load(Ordering::SeqCst);
        let message = format!("event: {event}\ndata: {id}\n\n");
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain(|c| c.send(message.clone()).is_ok());
        }
    }

    pub fn set_error(&self, error: Option<String>) {
        if let Ok(mut e) = self.error.write() {
            *e = error;
        }
    }
}

/// Serves connections until the process ends, each on its own thread for as long as the browser
/// keeps it open. No connection ever waits for another: tiny_http, used before, handed
/// connections to a thread pool that could count a thread as idle after waking it for another
/// connection, and then queued a new connection behind long-lived keep-alive ones (Chrome opens
/// six at once on a first visit), so a page load stalled until the browser gave up.
pub fn serve(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                let shared = shared.clone();
                std::thread::spawn(move || connection(stream, &shared));
            }
            // Out of file descriptors, or a connection reset before it was accepted.
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// The longest a browser may keep a connection idle, or take to send a request.
const IDLE: Duration = Duration::from_secs(120);
/// The longest request head (request line and headers) accepted.
const MAX_HEAD: u64 = 64 * 1024;
/// The longest request body read (and ignored): the preview only answers GET and HEAD.
const MAX_BODY: u64 = 1024 * 1024;

/// Answers the requests of one connection, in order, until either side closes it.
fn connection(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nodelay(true);
    if stream.set_read_timeout(Some(IDLE)).is_err() {
        return;
    }
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let request = match read_request(&mut reader) {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(status) => {
                let reply = text_reply(status, "Bad request");
                let _ = reply.write(&mut writer, false, false);
                return;
            }
        };
        let path = request
            .target
            .split(['?', '#'])
            .next()
            .unwrap_or("/")
            .to_string();
        let head = request.method == "HEAD";
        if request.method != "GET" && !head {
            let mut reply = text_reply(405, "Only GET and HEAD are served");
            reply.headers.push(("Allow", "GET, HEAD".to_string()));
            let _ = reply.write(&mut writer, head, request.keep_alive);
        } else if path == "/__sesh/events" && !head {
            // The stream holds the connection until the page closes it.
            return events(&mut writer, shared);
        } else {
            let reply = match path.as_str() {
                "/__sesh/livereload.js" => asset(LIVERELOAD_JS, "text/javascript; charset=utf-8"),
                "/__sesh/overlay.css" => asset(OVERLAY_CSS, "text/css; charset=utf-8"),
                _ => site_file(&path, shared),
            };
            if reply.write(&mut writer, head, request.keep_alive).is_err() {
                return;
            }
        }
        if !request.keep_alive {
            return;
        }
    }
}

/// What the server needs of a request.
#[derive(Debug, PartialEq, Eq)]
struct Request {
    method: String,
    /// The request target as sent (`/path?query`).
    target: String,
    keep_alive: bool,
}

/// Reads the next request's head (and skips its body); `Ok(None)` when the connection ended or
/// idled out, `Err(status)` for a request that cannot be answered but with an error.
fn read_request(reader: &mut impl BufRead) -> Result<Option<Request>, u16> {
    let mut limited = reader.take(MAX_HEAD);
    let mut line = String::new();
    // A bare line break before a request is allowed (RFC 9112, 2.2).
    loop {
        line.clear();
        match limited.read_line(&mut line) {
            Ok(0) | Err(_) => return Ok(None),
            Ok(_) if line.trim().is_empty() => continue,
            Ok(_) => break,
        }
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(400);
    };
    let mut keep_alive = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        _ => return Err(400),
    };
    let (method, target) = (method.to_string(), target.to_string());
    let mut body = 0;
    loop {
        line.clear();
        match limited.read_line(&mut line) {
            Ok(0) => return Err(400),
            Ok(_) if !line.ends_with('\n') => return Err(431),
            Ok(_) => {}
            Err(_) => return Ok(None),
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let Some((name, value)) = header.split_once(':') else {
            return Err(400);
        };
        let value = value.trim().to_ascii_lowercase();
        if name.eq_ignore_ascii_case("connection") {
            if value.split(',').any(|v| v.trim() == "close") {
                keep_alive = false;
            } else if value.split(',').any(|v| v.trim() == "keep-alive") {
                keep_alive = true;
            }
        } else if name.eq_ignore_ascii_case("content-length") {
            body = value.parse::<u64>().map_err(|_| 400_u16)?;
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(400);
        }
    }
    if body > MAX_BODY {
        return Err(400);
    }
    if !matches!(std::io::copy(&mut reader.take(body), &mut std::io::sink()), Ok(n) if n == body) {
        return Ok(None);
    }
    Ok(Some(Request {
        method,
        target,
        keep_alive,
    }))
}

/// A complete response.
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn new(status: u16, body: Vec<u8>) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body,
        }
    }

    fn write(&self, to: &mut impl Write, head_only: bool, keep_alive: bool) -> std::io::Result<()> {
        let reason = match self.status {
            200 => "OK",
            301 => "Moved Permanently",
            400 => "Bad Request",
            404 => "Not Found",
            405 => "Method Not Allowed",
            431 => "Request Header Fields Too Large",
            _ => "",
        };
        let mut out = format!("HTTP/1.1 {} {reason}\r\n", self.status);
        for (name, value) in &self.headers {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
        out.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        if !keep_alive {
            out.push_str("Connection: close\r\n");
        }
        out.push_str("\r\n");
        let mut bytes = out.into_bytes();
        if !head_only {
            bytes.extend_from_slice(&self.body);
        }
        to.write_all(&bytes)?;
        to.flush()
    }
}

fn text_reply(status: u16, text: &str) -> Reply {
    with_headers(
        Reply::new(status, text.as_bytes().to_vec()),
        "text/plain; charset=utf-8",
    )
}

fn asset(body: &str, content_type: &str) -> Reply {
    with_headers(Reply::new(200, body.as_bytes().to_vec()), content_type)
}

fn with_headers(mut response: Reply, content_type: &str) -> Reply {
    response.headers.extend([
        ("Content-Type", content_type.to_string()),
        ("X-Content-Type-Options", "nosniff".to_string()),
        ("Cache-Control", "no-cache".to_string()),
    ]);
    response
}

fn redirect(to: &str) -> Reply {
    let mut response = Reply::new(301, Vec::new());
    // A path from the request: never a line break in a header.
    if !to.contains(['\r', '\n']) {
        response.headers.push(("Location", to.to_string()));
    }
    response
}

/// Resolves a request path to a file of the site, or `None`.
pub fn resolve(dir: &Path, base_path: &str, url: &str) -> Resolved {
    let decoded = percent_decode(url);
    let Some(rel) = decoded.strip_prefix(base_path) else {
        if format!("{decoded}/") == base_path || decoded == "/" {
            return Resolved::Redirect(base_path.to_string());
        }
        return Resolved::NotFound;
    };
    let mut path = dir.to_path_buf();
    for part in rel.split('/') {
        match part {
            "" => {}
            "." | ".." => return Resolved::NotFound,
            p if p.contains(['\\', '\0']) || p.starts_with('.') => return Resolved::NotFound,
            p => {
                if Path::new(p)
                    .components()
                    .any(|c| !matches!(c, Component::Normal(_)))
                {
                    return Resolved::NotFound;
                }
                path.push(p);
            }
        }
    }
    if path.is_dir() {
        if !decoded.ends_with('/') {
            return Resolved::Redirect(format!("{decoded}/"));
        }
        path.push("index.html");
    }
    // Symlinks must not lead outside the site folder.
    match std::fs::canonicalize(&path) {
        Ok(real) if real.starts_with(dir) && real.is_file() => Resolved::File(real),
        _ => Resolved::NotFound,
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    File(PathBuf),
    Redirect(String),
    NotFound,
}

fn site_file(url: &str, shared: &Shared) -> Reply {
    let (path, status) = match resolve(&shared.dir, &shared.base_path, url) {
        Resolved::File(path) => (path, 200),
        Resolved::Redirect(to) => return redirect(&to),
        Resolved::NotFound => (shared.dir.join("404.html"), 404),
    };
    let Ok(mut bytes) = std::fs::read(&path) else {
        return text_reply(404, "Not found (the site has not been built yet)");
    };
    let content_type = content_type(&path);
    if content_type.starts_with("text/html") {
        bytes = inject(&bytes, shared);
    }
    with_headers(Reply::new(status, bytes), content_type)
}

/// Adds the live-reload script, and the error panel while a rebuild is failing.
fn inject(html: &[u8], shared: &Shared) -> Vec<u8> {
    let mut html = String::from_utf8_lossy(html).into_owned();
    let script = "<script src=\"/__sesh/livereload.js\" defer></script>";
    match html.rfind("</body>") {
        Some(i) => html.insert_str(i, script),
        None => html.push_str(script),
    }
    let error = shared.error.read().ok().and_then(|e| e.clone());
    if let Some(error) = error {
        let panel = format!(
            "<link rel=\"stylesheet\" href=\"/__sesh/overlay.css\"><div class=\"sesh-build-error\" role=\"alert\"><p><strong>sesh: the last change could not be built.</strong> The page below is the last version that built. Fix the file and save: this page reloads by itself.</p><pre>{}</pre></div>",
            crate::markdown::escape(&error)
        );
        let at = html
            .find("<body")
            .and_then(|i| html[i..].find('>').map(|j| i + j + 1))
            .unwrap_or(0);
        html.insert_str(at, &panel);
    }
    html.into_bytes()
}

fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "vtt" => "text/vtt; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// A server-sent event stream; one per open page.
fn events(writer: &mut TcpStream, shared: &Shared) {
    let (tx, rx): (Sender<String>, Receiver<String>) = channel();
    if let Ok(mut clients) = shared.clients.lock() {
        clients.push(tx);
    }
    let id = shared.build_id.load(Ordering::SeqCst);
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: keep-alive\r\n\r\nretry: 500\nevent: hello\ndata: {id}\n\n"
    );
    if writer
        .write_all(head.as_bytes())
        .and_then(|_| writer.flush())
        .is_err()
    {
        return;
    }
    loop {
        let message = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(m) => m,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(_) => return,
        };
        if writer
            .write_all(message.as_bytes())
            .and_then(|_| writer.flush())
            .is_err()
        {
            return;
        }
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

const LIVERELOAD_JS: &str = r#"// sesh serve: reloads this page when the site is rebuilt (only in `sesh serve`).
(function () {
  var seen = null;
  function restyle() {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href);
      url.searchParams.set("sesh-reload", Date.now());
      links[i].href = url.toString();
    }
  }
  var source = null;
  function connect() {
    source = new EventSource("/__sesh/events");
    source.addEventListener("hello", function (e) {
      if (seen !== null && seen !== e.data) { location.reload(); }
      seen = e.data;
      window.seshLiveReload = true;
    });
    source.addEventListener("reload", function () { location.reload(); });
    source.addEventListener("css", function (e) { seen = e.data; restyle(); });
  }
  // A page kept in the back/forward cache would hold its stream open, and a browser opens only
  // six connections per host: after a few clicks the next page would wait for one. Close the
  // stream when the page is hidden; on return, "hello" reloads it if the site changed meanwhile.
  window.addEventListener("pagehide", function () {
    if (source) { source.close(); source = null; }
  });
  window.addEventListener("pageshow", function () { if (!source) { connect(); } });
  connect();
})();
"#;

const OVERLAY_CSS: &str = ".sesh-build-error{position:sticky;top:0;z-index:1000;margin:0;padding:1rem 1.25rem;background:#fff4f2;color:#5c0f00;border-bottom:4px solid #b3261e;font:15px/1.5 system-ui,sans-serif}.sesh-build-error pre{white-space:pre-wrap;margin:.5rem 0 0;font:13px/1.45 ui-monospace,monospace;color:#1c2230;max-height:50vh;overflow:auto}\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_cannot_leave_the_site_folder() {
        let tmp = std::env::temp_dir().join(format!("sesh-http-{}", std::process::id()));
        let site = tmp.join("site");
        std::fs::create_dir_all(site.join("contests/a")).unwrap();
        std::fs::write(site.join("index.html"), "home").unwrap();
        std::fs::write(site.join("contests/a/index.html"), "a").unwrap();
        std::fs::write(tmp.join("secret.txt"), "secret").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(tmp.join("secret.txt"), site.join("link.txt")).unwrap();
        let dir = std::fs::canonicalize(&site).unwrap();
        let r = |url: &str| resolve(&dir, "/archive/", url);
        assert_eq!(r("/archive/"), Resolved::File(dir.join("index.html")));
        assert_eq!(
            r("/archive/contests/a/"),
            Resolved::File(dir.join("contests/a/index.html"))
        );
        assert_eq!(
            r("/archive/contests/a"),
            Resolved::Redirect("/archive/contests/a/".into())
        );
        assert_eq!(r("/"), Resolved::Redirect("/archive/".into()));
        assert_eq!(r("/archive"), Resolved::Redirect("/archive/".into()));
        for bad in [
            "/archive/../secret.txt",
            "/archive/%2e%2e/secret.txt",
            "/archive/%2E%2E%2Fsecret.txt",
            "/archive/contests/../../secret.txt",
            "/archive//etc/passwd",
            "/archive/..%5csecret.txt",
            "/archive/link.txt",
            "/secret.txt",
            "/archive/.sesh-output",
        ] {
            assert_eq!(r(bad), Resolved::NotFound, "{bad}");
        }
        std::fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn html_gets_the_reload_script_and_errors_a_panel() {
        let shared = Shared::new(PathBuf::from("/x"), "/".into());
        let out = String::from_utf8(inject(
            b"<html><body class=\"k\"><p>hi</p></body></html>",
            &shared,
        ))
        .unwrap();
        assert!(out.contains("<script src=\"/__sesh/livereload.js\" defer></script></body>"));
        assert!(!out.contains("sesh-build-error"));
        shared.set_error(Some("sesh.toml:3: <bad>".into()));
        let out = String::from_utf8(inject(
            b"<html><body class=\"k\"><p>hi</p></body></html>",
            &shared,
        ))
        .unwrap();
        assert!(out.contains("<body class=\"k\"><link rel=\"stylesheet\" href=\"/__sesh/overlay.css\"><div class=\"sesh-build-error\""));
        assert!(out.contains("sesh.toml:3: &lt;bad&gt;"));
    }

    #[test]
    fn requests_are_read_one_after_another_on_a_connection() {
        let mut input: &[u8] = b"\r\nGET /a?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcHEAD /b HTTP/1.1\r\nconnection: Close\r\n\r\nGET /c HTTP/1.0\r\n\r\n";
        let r = |method: &str, target: &str, keep_alive| Request {
            method: method.into(),
            target: target.into(),
            keep_alive,
        };
        assert_eq!(read_request(&mut input), Ok(Some(r("GET", "/a?x=1", true))));
        assert_eq!(read_request(&mut input), Ok(Some(r("HEAD", "/b", false))));
        assert_eq!(read_request(&mut input), Ok(Some(r("GET", "/c", false))));
        assert_eq!(read_request(&mut input), Ok(None));
        for bad in [
            &b"GET /\r\n\r\n"[..],
            b"GET / HTTP/2\r\n\r\n",
            b"GET / HTTP/1.1\r\nno colon\r\n\r\n",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: h\r\n",
        ] {
            assert_eq!(
                read_request(&mut &bad[..]),
                Err(400),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let long = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(70_000));
        assert_eq!(read_request(&mut long.as_bytes()), Err(431));
    }
}
