//! Which file of the preview folder a request path names, and what the preview adds to HTML
//! pages. No protocol here: [`super::server`] answers over HTTP, with tower-http for files.
//!
//! A request path resolves only to a regular file inside the preview folder: `..`, hidden
//! names, backslashes and NUL are refused before the file system is asked, and the file's real
//! path (symlinks followed) must still lie inside the folder (tower-http's `ServeDir` rejects
//! `..` but follows symlinks out of its root, which is why sesh resolves paths itself).

use std::path::{Component, Path, PathBuf};

/// What a request path leads to.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A regular file inside the folder (its canonical path).
    File(PathBuf),
    /// Redirect to this path (a folder without its trailing slash, or the site root).
    Redirect(String),
    NotFound,
}

/// Resolves `url`, a request path as sent (percent-encoded, no query), under `base_path` to a
/// file of `dir` (a canonical path).
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
            // The path as sent (still percent-encoded): a header never carries raw bytes.
            return Resolved::Redirect(format!("{url}/"));
        }
        path.push("index.html");
    }
    // Symlinks must not lead outside the site folder.
    match std::fs::canonicalize(&path) {
        Ok(real) if real.starts_with(dir) && real.is_file() => Resolved::File(real),
        _ => Resolved::NotFound,
    }
}

/// Whether the file is an HTML page (served with the live-reload script).
pub fn is_html(path: &Path) -> bool {
    content_type(path).starts_with("text/html")
}

/// What the preview's panel says on every page, until the files are fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The last rebuild failed (a broken `sesh.toml`, template or string table): the pages are
    /// those of the last good build.
    Failed(String),
    /// The build succeeded, but files have errors: what they concern is left out, in the preview
    /// as on the published site. One line per problem.
    Errors(Vec<String>),
}

impl Notice {
    fn html(&self) -> String {
        let (lead, text) = match self {
            Notice::Failed(message) => (
                "sesh: the last change could not be built.</strong> The page below is the last version that built. Fix the file and save: this page reloads by itself.".to_string(),
                message.clone(),
            ),
            Notice::Errors(lines) => (
                format!(
                    "sesh: {} error(s) in your files.</strong> What they concern is left out of this preview, as it would be left out of the published site. Fix the file and save: this page reloads by itself.",
                    lines.len()
                ),
                lines.join("\n"),
            ),
        };
        format!(
            "<link rel=\"stylesheet\" href=\"/__sesh/overlay.css\"><div class=\"sesh-build-error\" role=\"alert\"><p><strong>{lead}</p><pre>{}</pre></div>",
            crate::markdown::escape(&text)
        )
    }
}

/// Adds the live-reload script (told which `build` the page belongs to), and the `notice` panel
/// while files have errors.
pub fn inject(html: &[u8], build: u64, notice: Option<&Notice>) -> Vec<u8> {
    let mut html = String::from_utf8_lossy(html).into_owned();
    let script =
        format!("<script src=\"/__sesh/livereload.js\" data-build=\"{build}\" defer></script>");
    match html.rfind("</body>") {
        Some(i) => html.insert_str(i, &script),
        None => html.push_str(&script),
    }
    if let Some(notice) = notice {
        let panel = notice.html();
        let at = html
            .find("<body")
            .and_then(|i| html[i..].find('>').map(|j| i + j + 1))
            .unwrap_or(0);
        html.insert_str(at, &panel);
    }
    html.into_bytes()
}

/// The content type of the files sesh writes (text with its charset, which a guess by
/// extension leaves out).
pub fn content_type(path: &Path) -> &'static str {
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

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_cannot_leave_the_site_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(site.join("contests/a")).unwrap();
        std::fs::create_dir_all(site.join("contests/中文")).unwrap();
        std::fs::write(site.join("index.html"), "home").unwrap();
        std::fs::write(site.join("contests/a/index.html"), "a").unwrap();
        std::fs::write(site.join("contests/a/clip.mp4"), "video").unwrap();
        std::fs::write(tmp.path().join("secret.txt"), "secret").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(tmp.path().join("secret.txt"), site.join("link.txt"))
                .unwrap();
            std::os::unix::fs::symlink(tmp.path(), site.join("outside")).unwrap();
            std::os::unix::fs::symlink(site.join("contests/a/clip.mp4"), site.join("inside.mp4"))
                .unwrap();
        }
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
        assert_eq!(
            r("/archive/contests/%E4%B8%AD%E6%96%87"),
            Resolved::Redirect("/archive/contests/%E4%B8%AD%E6%96%87/".into())
        );
        assert_eq!(r("/"), Resolved::Redirect("/archive/".into()));
        assert_eq!(r("/archive"), Resolved::Redirect("/archive/".into()));
        #[cfg(unix)]
        assert_eq!(
            r("/archive/inside.mp4"),
            Resolved::File(dir.join("contests/a/clip.mp4")),
            "a link that stays inside is followed"
        );
        for bad in [
            "/archive/../secret.txt",
            "/archive/%2e%2e/secret.txt",
            "/archive/%2E%2E%2Fsecret.txt",
            "/archive/contests/../../secret.txt",
            "/archive//etc/passwd",
            "/archive/..%5csecret.txt",
            "/archive/link.txt",
            "/archive/outside/secret.txt",
            "/secret.txt",
            "/archive/.sesh-output",
            "/archive/%00",
        ] {
            assert_eq!(r(bad), Resolved::NotFound, "{bad}");
        }
    }

    #[test]
    fn html_gets_the_reload_script_and_errors_a_panel() {
        let page = b"<html><body class=\"k\"><p>hi</p></body></html>";
        let out = String::from_utf8(inject(page, 7, None)).unwrap();
        assert!(out.contains(
            "<script src=\"/__sesh/livereload.js\" data-build=\"7\" defer></script></body>"
        ));
        assert!(!out.contains("sesh-build-error"));
        let failed = Notice::Failed("sesh.toml:3: <bad>".into());
        let out = String::from_utf8(inject(page, 7, Some(&failed))).unwrap();
        assert!(out.contains("<body class=\"k\"><link rel=\"stylesheet\" href=\"/__sesh/overlay.css\"><div class=\"sesh-build-error\""));
        assert!(out.contains("sesh.toml:3: &lt;bad&gt;"));
        assert!(out.contains("could not be built"));
        let errors = Notice::Errors(vec![
            "error: a.md:2: field `x`".into(),
            "error: b.md".into(),
        ]);
        let out = String::from_utf8(inject(page, 7, Some(&errors))).unwrap();
        assert!(out.contains("2 error(s) in your files.</strong>"), "{out}");
        assert!(
            out.contains("<pre>error: a.md:2: field `x`\nerror: b.md</pre>"),
            "{out}"
        );
    }
}
