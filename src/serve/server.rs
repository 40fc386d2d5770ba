//! The preview's HTTP side, on hyper (connections), axum (routes, server-sent events) and
//! tower-http (files: `Range` → 206 with `Content-Range`, `HEAD`, `ETag`/`If-None-Match` → 304,
//! `Last-Modified`). Pages get the live-reload script and, after a failed rebuild, the error
//! panel ([`super::files::inject`]); never `sesh build` output.
//!
//! Connections are bounded: at most [`Limits::connections`] are open at once (a further one
//! waits to be accepted until another closes), and one that sends no complete request head for
//! [`Limits::idle`] is closed. A page holds one connection for its live-reload stream.

use super::files::{self, Notice, Resolved};
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream, StreamExt};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::{Semaphore, broadcast};
use tower::ServiceExt as _;
use tower_http::services::ServeFile;
use tower_http::set_header::SetResponseHeaderLayer;

/// What the server shares with the rebuild loop.
pub struct Shared {
    /// The built site (canonical path).
    pub dir: PathBuf,
    /// `/` or `/archive/`: the path the site lives under, as in production.
    pub base_path: String,
    /// The panel every page shows while a rebuild fails or files have errors.
    notice: RwLock<Option<Notice>>,
    /// Changes with every rebuild, failed or not; a page knows the one it was served from, and
    /// its event stream compares them on connecting.
    pub build_id: AtomicU64,
    /// The last build that told every page to reload or restyle, and the URL paths of the
    /// pages listing every entry rendered since (see [`Shared::notify_pages`]): a page served
    /// from a build in between reloads on connecting only if it is one of those.
    since_full: std::sync::Mutex<(u64, Vec<String>)>,
    /// Events for the open pages: `reload` or `css` with the build id, or `pages` with the
    /// build id and the URL paths of the pages to reload.
    events: broadcast::Sender<(&'static str, String)>,
}

impl Shared {
    pub fn new(dir: PathBuf, base_path: String) -> Arc<Shared> {
        Arc::new(Shared {
            dir,
            base_path,
            notice: RwLock::new(None),
            build_id: AtomicU64::new(1),
            since_full: std::sync::Mutex::new((1, Vec::new())),
            events: broadcast::channel(16).0,
        })
    }

    /// Tells every open page to `reload` or to restyle (`css`).
    pub fn notify(&self, event: &'static str) {
        let id = self.build_id.load(Ordering::SeqCst);
        if let Ok(mut since) = self.since_full.lock() {
            *since = (id, Vec::new());
        }
        // No page open: nobody to tell.
        let _ = self.events.send((event, id.to_string()));
    }

    /// Tells the open pages at `urls` (URL paths, e.g. `/framework/`) to reload, and the
    /// others that they are up to date with the current build.
    pub fn notify_pages(&self, urls: &[String]) {
        let id = self.build_id.load(Ordering::SeqCst);
        if let Ok(mut since) = self.since_full.lock() {
            since.1.extend(urls.iter().cloned());
        }
        let _ = self
            .events
            .send(("pages", format!("{id} {}", urls.join(" "))));
    }

    /// What a page learns on connecting: the current build, the last build that reloaded
    /// every page, and the pages listing every entry rendered since.
    fn hello(&self) -> String {
        let id = self.build_id.load(Ordering::SeqCst);
        match self.since_full.lock() {
            Ok(since) => format!("{id} {} {}", since.0, since.1.join(" ")),
            Err(_) => format!("{id} {id}"),
        }
    }

    pub fn set_notice(&self, notice: Option<Notice>) {
        if let Ok(mut n) = self.notice.write() {
            *n = notice;
        }
    }

    fn notice(&self) -> Option<Notice> {
        self.notice.read().ok().and_then(|n| n.clone())
    }
}

/// How many connections the server holds open, and for how long an idle one.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub connections: usize,
    pub idle: Duration,
}

/// A browser opens six connections per host and one more per open page for live reload;
/// a few tabs and a link checker fit well under this.
pub const LIMITS: Limits = Limits {
    connections: 256,
    idle: Duration::from_secs(60),
};

/// Serves the site on `listener` until the process ends, on a runtime of its own.
pub fn serve(listener: std::net::TcpListener, shared: Arc<Shared>) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("sesh-serve")
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        accept(listener, router(shared), LIMITS).await;
        Ok(())
    })
}

/// Accepts connections, at most `limits.connections` open at once, each served by hyper.
pub async fn accept(listener: tokio::net::TcpListener, app: Router, limits: Limits) {
    let permits = Arc::new(Semaphore::new(limits.connections));
    loop {
        let Ok(permit) = permits.clone().acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors, or a connection reset before it was accepted.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let _open = permit;
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.idle)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// The preview's routes: its own script and stylesheet, the event stream, and the site.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/__sesh/events", get(events))
        .route(
            "/__sesh/livereload.js",
            get(|| async { asset(LIVERELOAD_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/__sesh/overlay.css",
            get(|| async { asset(OVERLAY_CSS, "text/css; charset=utf-8") }),
        )
        .fallback(site)
        .with_state(shared)
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // Always revalidated (ETag, Last-Modified): an edit shows on the next load.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// A file of the site: pages with the reload script, other files by tower-http.
async fn site(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "Only GET and HEAD are served",
        )
            .into_response();
    }
    match files::resolve(&shared.dir, &shared.base_path, request.uri().path()) {
        Resolved::File(path) if files::is_html(&path) => page(&shared, &path, StatusCode::OK).await,
        Resolved::File(path) => file(&path, request).await,
        Resolved::Redirect(to) => match HeaderValue::from_str(&to) {
            Ok(to) => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, to)]).into_response(),
            Err(_) => StatusCode::BAD_REQUEST.into_response(),
        },
        Resolved::NotFound => {
            page(&shared, &shared.dir.join("404.html"), StatusCode::NOT_FOUND).await
        }
    }
}

/// An HTML page, with the live-reload script and the error panel if a rebuild failed.
async fn page(shared: &Shared, path: &Path, status: StatusCode) -> Response {
    // Read before the file: a rebuild in between makes the page reload once more, never miss one.
    let build = shared.build_id.load(Ordering::SeqCst);
    let Ok(bytes) = tokio::fs::read(path).await else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Not found (the site has not been built yet)",
        )
            .into_response();
    };
    let body = files::inject(&bytes, build, shared.notice().as_ref());
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Any other file: ranges, conditional requests and HEAD by tower-http.
async fn file(path: &Path, request: Request) -> Response {
    let Ok(mut response) = ServeFile::new(path).oneshot(request).await;
    if response.status().is_success() {
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(files::content_type(path)),
        );
    }
    response.map(Body::new)
}

/// A server-sent event stream, one per open page: `hello` with the current build id (a page
/// that reconnects after a rebuild it missed reloads; see [`Shared::hello`]), then `reload` or
/// `css` per rebuild, and `pages` when the pages listing every entry follow one.
async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = shared.events.subscribe();
    let hello = Event::default()
        .event("hello")
        .data(shared.hello())
        .retry(Duration::from_millis(500));
    let later = stream::unfold(receiver, |mut receiver| async move {
        let (event, data) = match receiver.recv().await {
            Ok(message) => message,
            // Missed some: whatever they were, a reload shows the current site.
            Err(broadcast::error::RecvError::Lagged(_)) => ("reload", "0".to_string()),
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        let event = Event::default().event(event).data(data);
        Some((Ok(event), receiver))
    });
    Sse::new(stream::once(async { Ok(hello) }).chain(later))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

const LIVERELOAD_JS: &str = r#"// sesh serve: reloads this page when the site is rebuilt (only in `sesh serve`).
(function () {
  // The build this page was served from: a rebuild that finished before the event stream
  // connected still reloads it.
  var script = document.currentScript;
  var seen = (script && script.getAttribute("data-build")) || null;
  function restyle() {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href);
      url.searchParams.set("sesh-reload", Date.now());
      links[i].href = url.toString();
    }
  }
  function here() { return decodeURI(location.pathname).replace(/index\.html$/, ""); }
  var source = null;
  function connect() {
    source = new EventSource("/__sesh/events");
    source.addEventListener("hello", function (e) {
      // "<build> <last build that reloaded every page> <listing pages rendered since>…"
      var parts = e.data.split(" ");
      var missed = seen !== null && seen !== parts[0];
      if (missed && (Number(seen) < Number(parts[1]) || parts.indexOf(here(), 2) > 1)) { location.reload(); }
      seen = parts[0];
      window.seshLiveReload = true;
    });
    source.addEventListener("reload", function () { location.reload(); });
    source.addEventListener("css", function (e) { seen = e.data; restyle(); });
    // Pages that list every entry, brought up to date right after an edit was shown: only
    // those reload.
    source.addEventListener("pages", function (e) {
      var parts = e.data.split(" ");
      if (parts.indexOf(here(), 1) > 0) { location.reload(); } else { seen = parts[0]; }
    });
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
    use std::io::{Read, Write};

    /// A server with `limits` on a fresh port, on its own runtime thread.
    fn start(limits: Limits) -> (std::net::SocketAddr, tempfile::TempDir) {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("index.html"), "<body>home</body>").unwrap();
        let dir = std::fs::canonicalize(tmp.path()).unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        listener.set_nonblocking(true).unwrap();
        let shared = Shared::new(dir, "/".into());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                accept(listener, router(shared), limits).await;
            });
        });
        (address, tmp)
    }

    /// Sends a request on `stream` and reads the status line, if one comes within `wait`.
    fn status(stream: &mut std::net::TcpStream, wait: Duration) -> Option<String> {
        stream.set_read_timeout(Some(wait)).unwrap();
        write!(stream, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").ok()?;
        let mut head = [0u8; 12];
        stream.read_exact(&mut head).ok()?;
        Some(String::from_utf8_lossy(&head).into_owned())
    }

    #[test]
    fn connections_beyond_the_limit_wait_until_one_closes() {
        let limits = Limits {
            connections: 2,
            idle: Duration::from_secs(60),
        };
        let (address, _site) = start(limits);
        let connect = || std::net::TcpStream::connect(address).unwrap();
        let (mut a, mut b, mut c) = (connect(), connect(), connect());
        let long = Duration::from_secs(10);
        assert_eq!(status(&mut a, long).as_deref(), Some("HTTP/1.1 200"));
        assert_eq!(status(&mut b, long).as_deref(), Some("HTTP/1.1 200"));
        assert_eq!(
            status(&mut c, Duration::from_millis(500)),
            None,
            "a third connection is not served while two are open"
        );
        drop(a);
        let mut head = [0u8; 12];
        c.set_read_timeout(Some(long)).unwrap();
        c.read_exact(&mut head).unwrap();
        assert_eq!(&head, b"HTTP/1.1 200", "served once one closed");
    }

    #[test]
    fn an_idle_connection_is_closed() {
        let limits = Limits {
            connections: 4,
            idle: Duration::from_millis(300),
        };
        let (address, _site) = start(limits);
        let mut idle = std::net::TcpStream::connect(address).unwrap();
        idle.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut rest = Vec::new();
        // The server closes it (end of stream, or a reset) well before the test's timeout.
        let started = std::time::Instant::now();
        let _ = idle.read_to_end(&mut rest);
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
