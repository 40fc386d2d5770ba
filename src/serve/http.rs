//! The preview server: serves the built site from its folder under the base URL's path, with
//! a live-reload script and, after a failed rebuild, an error panel injected into HTML pages
//! (never into `sesh build` output). No request can reach a file outside the site folder.

use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tiny_http::{Header, Request, Response, Server, StatusCode};

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

/// Serves requests until the process ends.
pub fn serve(server: Server, shared: Arc<Shared>) {
    for request in server.incoming_requests() {
        let shared = shared.clone();
        std::thread::spawn(move || handle(request, &shared));
    }
}

fn handle(request: Request, shared: &Shared) {
    let url = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    if url == "/__sesh/events" {
        return events(request, shared);
    }
    let response = match url.as_str() {
        "/__sesh/livereload.js" => asset(LIVERELOAD_JS, "text/javascript; charset=utf-8"),
        "/__sesh/overlay.css" => asset(OVERLAY_CSS, "text/css; charset=utf-8"),
        _ => site_file(&url, shared),
    };
    let _ = request.respond(response);
}

type Reply = Response<std::io::Cursor<Vec<u8>>>;

fn asset(body: &str, content_type: &str) -> Reply {
    with_headers(Response::from_data(body.as_bytes().to_vec()), content_type)
}

fn with_headers(response: Reply, content_type: &str) -> Reply {
    let header =
        |name: &str, value: &str| Header::from_bytes(name.as_bytes(), value.as_bytes()).ok();
    let mut response = response;
    for h in [
        header("Content-Type", content_type),
        header("X-Content-Type-Options", "nosniff"),
        header("Cache-Control", "no-cache"),
    ]
    .into_iter()
    .flatten()
    {
        response.add_header(h);
    }
    response
}

fn redirect(to: &str) -> Reply {
    let mut response = Response::from_data(Vec::new()).with_status_code(StatusCode(301));
    if let Ok(h) = Header::from_bytes(&b"Location"[..], to.as_bytes()) {
        response.add_header(h);
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
        let body = b"Not found (the site has not been built yet)".to_vec();
        return with_headers(Response::from_data(body), "text/plain")
            .with_status_code(StatusCode(404));
    };
    let content_type = content_type(&path);
    if content_type.starts_with("text/html") {
        bytes = inject(&bytes, shared);
    }
    with_headers(Response::from_data(bytes), content_type).with_status_code(StatusCode(status))
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
fn events(request: Request, shared: &Shared) {
    let (tx, rx): (Sender<String>, Receiver<String>) = channel();
    if let Ok(mut clients) = shared.clients.lock() {
        clients.push(tx);
    }
    let id = shared.build_id.load(Ordering::SeqCst);
    let mut writer = request.into_writer();
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
}
