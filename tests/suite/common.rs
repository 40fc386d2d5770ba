//! Helpers for end-to-end tests: copy a fixture site to a temporary folder, run the real `sesh`
//! binary on it, and inspect the output the way a user (or a leak scanner) would.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const AS_OF: &str = "2026-11-22";

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A site copied into a temporary folder, with its output folder beside it.
pub struct Site {
    _tmp: tempfile::TempDir,
    pub root: PathBuf,
    pub out: PathBuf,
}

impl Site {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Site {
        Site::copy_of(&repo().join("tests/fixtures").join(name), &["."])
    }

    /// A copy of the bundled example (sesh.toml, content/, themes/).
    pub fn example() -> Site {
        Site::copy_of(&repo(), &["sesh.toml", "content", "themes"])
    }

    /// A copy of the site folder `dir`.
    pub fn copy(dir: &Path) -> Site {
        Site::copy_of(dir, &["."])
    }

    fn copy_of(from: &Path, parts: &[&str]) -> Site {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("site");
        std::fs::create_dir_all(&root).expect("site dir");
        for part in parts {
            copy(&from.join(part), &root.join(part));
        }
        let out = tmp.path().join("out");
        Site {
            _tmp: tmp,
            root,
            out,
        }
    }

    /// Runs `sesh build` on the site with `--as-of` fixed, plus `args`; `--verbose`, so that
    /// messages are printed as on a terminal.
    pub fn build(&self, args: &[&str]) -> Run {
        let mut all = vec!["build", "--as-of", AS_OF, "--verbose"];
        all.extend_from_slice(args);
        self.sesh(&all)
    }

    /// Runs `sesh build` as a CI service would: not on a terminal, without `--verbose`.
    pub fn build_in_ci(&self, args: &[&str]) -> Run {
        let mut all = vec!["build", "--as-of", AS_OF];
        all.extend_from_slice(args);
        self.sesh(&all)
    }

    /// Runs `sesh <args> --root <site> --output <out>`.
    pub fn sesh(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_sesh"))
            .args(args)
            .arg("--root")
            .arg(&self.root)
            .arg("--output")
            .arg(&self.out)
            .env_remove("SOURCE_DATE_EPOCH")
            .env_remove("GITHUB_ACTIONS")
            .env_remove("SESH_SOURCE_VISIBILITY")
            .output()
            .expect("run sesh");
        Run(output)
    }

    /// Runs `sesh <args> --root <site>` (for commands without an output folder).
    pub fn command(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_sesh"))
            .args(args)
            .arg("--root")
            .arg(&self.root)
            .env_remove("SOURCE_DATE_EPOCH")
            .env_remove("GITHUB_ACTIONS")
            .env_remove("SESH_SOURCE_VISIBILITY")
            .output()
            .expect("run sesh");
        Run(output)
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = std::fs::read_to_string(self.path(rel)).expect("read");
        assert!(text.contains(from), "`{from}` not in {rel}");
        self.write(rel, &text.replacen(from, to, 1));
    }

    /// An output file as text.
    pub fn page(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out.join(rel))
            .unwrap_or_else(|e| panic!("output file {rel} missing: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.out.join(rel).exists()
    }

    /// Every output file, relative, `/`-separated.
    pub fn files(&self) -> BTreeSet<String> {
        files(&self.out)
    }
}

pub fn files(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for item in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = item.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .expect("inside")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel);
            }
        }
    }
    out
}

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).expect("mkdir");
        for item in std::fs::read_dir(from).expect("read dir").flatten() {
            let name = item.file_name();
            if name == "public" || name == "target" || name == ".git" || name == ".sesh-cache" {
                continue;
            }
            copy(&item.path(), &to.join(name));
        }
    } else {
        std::fs::copy(from, to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
        let mut perms = std::fs::metadata(to).expect("meta").permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(to, perms).expect("chmod");
    }
}

/// The result of running the binary.
pub struct Run(pub Output);

impl Run {
    pub fn ok(&self) -> bool {
        self.0.status.success()
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }

    #[track_caller]
    pub fn success(self) -> Run {
        assert!(
            self.ok(),
            "sesh failed:\n{}\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }

    #[track_caller]
    pub fn failure(self) -> Run {
        assert!(
            !self.ok(),
            "sesh should have failed:\n{}\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
}

/// Output files (relative paths) whose bytes contain `needle`, and files whose name contains it
/// (case-insensitively).
pub fn leaks(dir: &Path, needle: &str) -> Vec<String> {
    let lower = needle.to_lowercase();
    let mut found = Vec::new();
    for rel in files(dir) {
        if rel.to_lowercase().contains(&lower) {
            found.push(format!("{rel} (file name)"));
        }
        let bytes = std::fs::read(dir.join(&rel)).expect("read");
        if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
            found.push(rel);
        }
    }
    found
}

/// Every internal reference (href, src, srcset) in the output's HTML that does not resolve to an
/// output file, or to an element id for `#fragment` links.
pub fn broken_links(dir: &Path, base_path: &str) -> Vec<String> {
    let mut broken = Vec::new();
    let link = scraper::Selector::parse(
        "a[href], link[href], img[src], img[srcset], source[srcset], script[src]",
    )
    .expect("selector");
    for rel in files(dir).into_iter().filter(|f| f.ends_with(".html")) {
        let html = std::fs::read_to_string(dir.join(&rel)).expect("read");
        let doc = scraper::Html::parse_document(&html);
        for el in doc.select(&link) {
            let mut urls = Vec::new();
            for attr in ["href", "src"] {
                urls.extend(el.value().attr(attr).map(String::from));
            }
            if let Some(srcset) = el.value().attr("srcset") {
                urls.extend(
                    srcset
                        .split(',')
                        .filter_map(|s| s.split_whitespace().next())
                        .map(String::from),
                );
            }
            for url in urls {
                if let Err(why) = resolves(dir, &rel, &url, base_path) {
                    broken.push(format!("{rel}: {url}: {why}"));
                }
            }
        }
    }
    broken
}

fn resolves(dir: &Path, page: &str, url: &str, base_path: &str) -> Result<(), String> {
    if url.contains("://")
        || url.starts_with("mailto:")
        || url.starts_with("tel:")
        || url.starts_with("//")
    {
        return Ok(());
    }
    let (path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (url, None),
    };
    let path = path.split('?').next().unwrap_or("");
    let target = if path.is_empty() {
        page.to_string()
    } else if let Some(rest) = path.strip_prefix(base_path) {
        let decoded = percent_decode(rest);
        if decoded.is_empty() || decoded.ends_with('/') {
            format!("{decoded}index.html")
        } else if dir.join(&decoded).is_dir() {
            format!("{decoded}/index.html")
        } else {
            decoded
        }
    } else if path.starts_with('/') {
        return Err(format!("does not start with the base path {base_path}"));
    } else {
        return Err("relative URL (sesh writes root-relative URLs)".into());
    };
    if !dir.join(&target).is_file() {
        return Err(format!("no file {target}"));
    }
    if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
        let html = std::fs::read_to_string(dir.join(&target)).map_err(|e| e.to_string())?;
        let id = percent_decode(fragment);
        if !html.contains(&format!("id=\"{id}\"")) {
            return Err(format!("no element with id `{id}` in {target}"));
        }
    }
    Ok(())
}

pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(Ok(b)) = s.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16))
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Metadata blocks found in a JPEG, PNG or WebP: EXIF/XMP (APP1), ICC (APP2), IPTC (APP13),
/// comments, PNG text/EXIF chunks, WebP EXIF/XMP/ICC chunks. Published images must have none.
pub fn image_metadata(bytes: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    if bytes.starts_with(&[0xFF, 0xD8]) {
        let mut i = 2;
        while i + 4 <= bytes.len() {
            if bytes[i] != 0xFF {
                break;
            }
            let marker = bytes[i + 1];
            if marker == 0xDA {
                break; // start of scan: no more metadata segments before the image data
            }
            let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
            match marker {
                0xE1 => found.push("APP1 (EXIF/XMP)".into()),
                0xE2 => found.push("APP2 (ICC/FlashPix)".into()),
                0xED => found.push("APP13 (IPTC)".into()),
                0xFE => found.push("COM (comment)".into()),
                0xE3..=0xEF => found.push(format!("APP{} segment", marker - 0xE0)),
                _ => {}
            }
            i += 2 + len;
        }
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        let mut i = 8;
        while i + 8 <= bytes.len() {
            let len =
                u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]) as usize;
            let kind = String::from_utf8_lossy(&bytes[i + 4..i + 8]).into_owned();
            if matches!(
                kind.as_str(),
                "eXIf" | "tEXt" | "zTXt" | "iTXt" | "tIME" | "iCCP"
            ) {
                found.push(format!("PNG {kind} chunk"));
            }
            i += 12 + len;
        }
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        let mut i = 12;
        while i + 8 <= bytes.len() {
            let kind = String::from_utf8_lossy(&bytes[i..i + 4]).into_owned();
            let len = u32::from_le_bytes([bytes[i + 4], bytes[i + 5], bytes[i + 6], bytes[i + 7]])
                as usize;
            if matches!(kind.as_str(), "EXIF" | "XMP " | "ICCP") {
                found.push(format!("WebP {kind} chunk"));
            }
            i += 8 + len + len % 2;
        }
    } else {
        found.push("not a JPEG, PNG or WebP".into());
    }
    found
}

impl Site {
    /// Where tests ask `--report` to write (beside the output folder).
    pub fn report_path(&self) -> PathBuf {
        self.out.with_file_name("report.json")
    }

    /// The JSON report of the last build run with `--report`.
    pub fn report(&self) -> serde_json::Value {
        let text = std::fs::read_to_string(self.report_path()).expect("report.json");
        serde_json::from_str(&text).expect("report JSON")
    }

    /// Builds with `--report` and returns the run.
    pub fn build_with_report(&self, args: &[&str]) -> Run {
        let report = self.report_path();
        let mut all = vec!["--report", report.to_str().expect("utf-8 path")];
        all.extend_from_slice(args);
        self.build(&all)
    }
}

/// A minimal HTTP/1.1 GET: (status, headers in lower case, body). No dependency, no keep-alive.
/// Status, headers (names in lower case) and body of an HTTP response.
pub type HttpReply = (u16, Vec<(String, String)>, Vec<u8>);

pub fn http_get(url: &str) -> std::io::Result<HttpReply> {
    http_request("GET", url, None)
}

/// A minimal HTTP/1.1 request with an optional JSON body.
pub fn http_request(method: &str, url: &str, json: Option<&str>) -> std::io::Result<HttpReply> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").expect("http URL");
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let mut stream = std::net::TcpStream::connect(host)?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(180)))?;
    match json {
        None => write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )?,
        Some(body) => write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )?,
    }
    let mut reader = std::io::BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if std::io::BufRead::read_line(&mut reader, &mut line)? == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_string()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    if let Some(len) = header("content-length").and_then(|l| l.parse::<usize>().ok()) {
        body.resize(len, 0);
        reader.read_exact(&mut body)?;
    } else {
        reader.read_to_end(&mut body)?;
        if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
            body = dechunk(&body);
        }
    }
    Ok((status, headers, body))
}

/// A request with extra headers (`Range`, `If-None-Match`); no body is read for `HEAD` or a
/// `304`, which have none whatever their `Content-Length` says.
pub fn http_with(method: &str, url: &str, headers: &[(&str, &str)]) -> std::io::Result<HttpReply> {
    use std::io::{BufRead, Read, Write};
    let rest = url.strip_prefix("http://").expect("http URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = std::net::TcpStream::connect(host)?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(60)))?;
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes())?;
    let mut reader = std::io::BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line)?;
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut found = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            found.push((k.trim().to_lowercase(), v.trim().to_string()));
        }
    }
    let mut body = Vec::new();
    if method != "HEAD" && status != 304 {
        reader.read_to_end(&mut body)?;
        if found
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
        {
            body = dechunk(&body);
        }
    }
    Ok((status, found, body))
}

/// The value of header `name` (lower case) in a reply.
pub fn header<'a>(reply: &'a HttpReply, name: &str) -> Option<&'a str> {
    reply
        .1
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&data[start..(start + size).min(data.len())]);
        data = &data[(start + size + 2).min(data.len())..];
    }
    out
}

/// A running `sesh serve`, killed when dropped.
pub struct Serve {
    child: std::process::Child,
    /// e.g. `http://127.0.0.1:40123/archive/`
    pub url: String,
    pub log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Serve {
    pub fn start(site: &Site, extra: &[&str]) -> Serve {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_sesh"))
            .args(["serve", "--port", "0", "--as-of", AS_OF])
            .args(extra)
            .arg("--root")
            .arg(&site.root)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start sesh serve");
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let stderr = child.stderr.take().expect("stderr");
        let err_log = log.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                if let Ok(mut l) = err_log.lock() {
                    l.push_str(&line);
                    l.push('\n');
                }
            }
        });
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        let out_log = log.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if let Some(rest) = line.strip_prefix("Serving ") {
                    let url = rest.split_whitespace().next().unwrap_or("").to_string();
                    let _ = tx.send(url);
                }
                if let Ok(mut l) = out_log.lock() {
                    l.push_str(&line);
                    l.push('\n');
                }
            }
        });
        let url = rx
            .recv_timeout(std::time::Duration::from_secs(120))
            .unwrap_or_else(|_| panic!("sesh serve did not start: {}", log.lock().unwrap()));
        Serve { child, url, log }
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        let (status, _, body) = http_get(&format!("{}{}", self.url, path)).expect("GET");
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    /// Polls `path` until `accept` holds (bounded wait); returns the last body.
    #[track_caller]
    pub fn wait_for(&self, path: &str, what: &str, accept: impl Fn(u16, &str) -> bool) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let (status, body) = self.get(path);
            if accept(status, &body) {
                return body;
            }
            if std::time::Instant::now() > deadline {
                panic!(
                    "timed out waiting for {what} at {path} (last status {status}); log:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    pub fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Polls the server's log until `accept` holds (bounded wait): a rebuild's summary line is
    /// printed after its pages are served, so a test that has seen the pages may still be
    /// ahead of the line.
    #[track_caller]
    pub fn wait_for_log(&self, what: &str, accept: impl Fn(&str) -> bool) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let log = self.log();
            if accept(&log) {
                return log;
            }
            if std::time::Instant::now() > deadline {
                panic!("timed out waiting for {what} in the log:\n{log}");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether a test tool (a linter, a metadata reader) is installed: when it is not, a loud skip,
/// or a failure under SESH_REQUIRE_TOOLS=1, which `.ci/run` sets after installing them.
pub fn tool_ready(program: &str, ready: bool) -> bool {
    if !ready {
        let message = format!("TOOL TEST SKIPPED: {program} is missing; bash .ci/run installs it");
        if std::env::var("SESH_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
            panic!("{message}, and SESH_REQUIRE_TOOLS=1 forbids skipping");
        }
        eprintln!("\n*** {message} ***\n");
    }
    ready
}

/// A YAML file (a workflow, the Action) as a document.
pub fn yaml(path: &Path) -> yaml_rust2::Yaml {
    let text = std::fs::read_to_string(path).unwrap();
    yaml_rust2::YamlLoader::load_from_str(&text)
        .expect("valid YAML")
        .remove(0)
}

/// `${{ … }}` replaced by a plain word, as GitHub fills them in before the shell runs.
pub fn without_expressions(script: &str) -> String {
    let mut out = String::new();
    let mut rest = script;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("}}")
            .map_or(rest.len(), |e| start + e + 2);
        out.push_str("EXPRESSION");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `sesh ARGS` run outside any site folder, as on a computer (not as in GitHub Actions).
pub fn sesh(args: &[&str]) -> Run {
    Run(Command::new(env!("CARGO_BIN_EXE_sesh"))
        .args(args)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("SESH_SOURCE_VISIBILITY")
        .output()
        .expect("run sesh"))
}
