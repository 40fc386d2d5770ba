//! Offline bundles: a copy of a built site, or of one contest, that works opened from a folder
//! (`file://`), a USB stick or an unzipped archive, with no server and no network.
//!
//! It is made from the built output, which the consent gate and the output scan have already
//! vouched for, by rewriting addresses only: every root-relative link, image, `srcset`,
//! stylesheet, script and media source of a page becomes a path relative to that page
//! (`../../css/sesh.css`, `entry/index.html`: a folder URL names its `index.html`, as no server
//! is there to do it). A link to a page the bundle does not hold (another contest, the search
//! page of a contest bundle) becomes the page's address in the archive online. A contest
//! bundle's `index.html` is its contest page. The search page, where there is one, shows its
//! list of every entry and the theme's note that searching needs the archive online (browsers
//! load no module script from `file://`).

use crate::config::Config;
use anyhow::{Context, Result};
use lol_html::html_content::Element;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What a bundle holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// The whole archive.
    Archive,
    /// One contest (by slug): its page and its entries' pages in every language, their media,
    /// citation and deposit files, and the styles and scripts they use.
    Contest(&'a str),
}

/// One file of a bundle, and where its bytes come from.
#[derive(Debug)]
pub struct BundleFile {
    /// Path inside the bundle, `/`-separated.
    pub path: String,
    pub source: Source,
}

#[derive(Debug)]
pub enum Source {
    /// A page or stylesheet with its addresses rewritten.
    Bytes(Vec<u8>),
    /// A file of the built site, copied as it is (images, media, downloads).
    Copy(PathBuf),
}

/// Files a host needs and a folder on a laptop does not; the search index, which browsers
/// cannot load from `file://`.
fn is_host_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    matches!(
        name,
        ".nojekyll" | "CNAME" | "robots.txt" | "sitemap.xml" | crate::output::MARKER
    ) || path.starts_with("pagefind/")
        || name.starts_with('.')
}

/// Characters escaped in a relative path's segments.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\');

/// The files of the bundle of `scope`, made from the site built into `built` with `config`.
pub fn plan(built: &Path, config: &Config, scope: Scope) -> Result<Vec<BundleFile>> {
    let all = list(built)?;
    let site = Site {
        built,
        files: &all,
        base_path: config.base_path(),
        origin: &config.base_url[..url::Position::BeforePath],
    };
    let pages = pages(&all, config, scope);
    if pages.is_empty() {
        anyhow::bail!("the built site has no page to bundle");
    }
    let members = site.members(&pages, scope)?;
    let mut out = Vec::with_capacity(members.len() + 1);
    if let Scope::Contest(slug) = scope {
        // The contest page, also at the top, where someone opening the folder looks first.
        let html = read_text(built, &format!("contests/{slug}/index.html"))?;
        let page = site.rewrite_html(&html, "index.html", &members)?;
        out.push(BundleFile {
            path: "index.html".into(),
            source: Source::Bytes(page.into_bytes()),
        });
    }
    for path in &members {
        let source = if path.ends_with(".html") {
            let html = read_text(built, path)?;
            Source::Bytes(site.rewrite_html(&html, path, &members)?.into_bytes())
        } else if path.ends_with(".css") {
            let css = read_text(built, path)?;
            Source::Bytes(site.rewrite_css(&css, path, &members).into_bytes())
        } else {
            Source::Copy(built.join(path))
        };
        out.push(BundleFile {
            path: path.clone(),
            source,
        });
    }
    Ok(out)
}

/// The pages of `scope`: every page, or a contest's pages in every language.
fn pages<'a>(all: &'a [String], config: &Config, scope: Scope) -> Vec<&'a String> {
    let pages = all.iter().filter(|p| p.ends_with(".html"));
    match scope {
        Scope::Archive => pages.collect(),
        Scope::Contest(slug) => {
            let dirs: Vec<String> = (config.languages.iter())
                .map(|l| format!("{}contests/{slug}/", config.lang_prefix(l)))
                .collect();
            pages
                .filter(|p| dirs.iter().any(|d| p.starts_with(d)))
                .collect()
        }
    }
}

/// Whether a file a contest's page refers to travels with the contest's bundle: not a page
/// (pages of the bundle are chosen by folder), not another contest's media, citations or
/// deposit, not a feed or a data export of the whole archive; the theme's files and
/// `CITATION.cff` do.
fn belongs(file: &str, slug: &str) -> bool {
    let own = |dir: &str| {
        file.strip_prefix(dir)
            .and_then(|rest| rest.strip_prefix(slug))
            .is_some_and(|rest| rest.starts_with('/') || (dir == "cite/" && rest.starts_with('.')))
    };
    match file.split('/').next().unwrap_or("") {
        _ if file.ends_with(".html")
            || (file.ends_with(".xml") && !file.starts_with("deposit/")) =>
        {
            false
        }
        "contests" => own("contests/"),
        "cite" => own("cite/"),
        "deposit" => own("deposit/"),
        "data" => false,
        _ => true,
    }
}

/// Every file of `dir`, relative, `/`-separated, in string order (for binary search).
fn list(dir: &Path) -> Result<Vec<String>> {
    let mut files = Vec::new();
    for item in walkdir::WalkDir::new(dir).min_depth(1) {
        let item = item.with_context(|| format!("cannot read `{}`", dir.display()))?;
        if item.file_type().is_file() {
            files.push(crate::report::display_path(dir, item.path()));
        }
    }
    files.sort();
    Ok(files)
}

fn read_text(dir: &Path, path: &str) -> Result<String> {
    std::fs::read_to_string(dir.join(path))
        .with_context(|| format!("cannot read `{}`", dir.join(path).display()))
}

/// The built site a bundle is made from.
struct Site<'a> {
    built: &'a Path,
    files: &'a [String],
    base_path: &'a str,
    /// `https://example.org` (scheme, host and port of the base URL).
    origin: &'a str,
}

impl Site<'_> {
    /// What goes in a bundle: its pages, then (for a contest) every other file they and the
    /// stylesheets refer to that [`belongs`] to the contest.
    fn members(&self, pages: &[&String], scope: Scope) -> Result<BTreeSet<String>> {
        let mut members: BTreeSet<String> = pages.iter().map(|p| p.to_string()).collect();
        match scope {
            Scope::Archive => members.extend(self.files.iter().cloned()),
            Scope::Contest(slug) => {
                for page in pages {
                    for url in references(&read_text(self.built, page)?) {
                        if let Some(file) = self.file_of(&url).filter(|f| belongs(f, slug)) {
                            members.insert(file);
                        }
                    }
                }
                let styles: Vec<String> = (members.iter())
                    .filter(|p| p.ends_with(".css"))
                    .cloned()
                    .collect();
                for css in styles {
                    for url in css_urls(&read_text(self.built, &css)?) {
                        members.extend(self.file_of(&url));
                    }
                }
            }
        }
        members.retain(|p| !is_host_file(p));
        Ok(members)
    }

    /// The built file a root-relative address names (a folder's `index.html`), if it has one.
    fn file_of(&self, url: &str) -> Option<String> {
        let rest = url.strip_prefix(self.base_path)?;
        let path = rest.split(['#', '?']).next().unwrap_or("");
        let path = percent_decode_str(path).decode_utf8().ok()?;
        if path.split('/').any(|s| s == "..") {
            return None;
        }
        let file = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else if self.built.join(path.as_ref()).is_dir() {
            format!("{path}/index.html")
        } else {
            path.into_owned()
        };
        self.files.binary_search(&file).ok().map(|_| file)
    }

    /// `url` as written on the page at `page` of the bundle holding `members`: relative when
    /// the bundle holds its file, the archive's address online when not, unchanged when it is
    /// not a root-relative address of the site (another site, `#fragment`, `mailto:`).
    fn relocate(&self, url: &str, page: &str, members: &BTreeSet<String>) -> String {
        let url = url.trim();
        if !url.starts_with(self.base_path) || url.starts_with("//") {
            return url.to_string();
        }
        let fragment = url.find('#').map(|i| &url[i..]).unwrap_or("");
        match self.file_of(url) {
            Some(file) if members.contains(&file) => format!("{}{fragment}", relative(page, &file)),
            _ => format!("{}{url}", self.origin),
        }
    }

    fn rewrite_html(&self, html: &str, page: &str, members: &BTreeSet<String>) -> Result<String> {
        use lol_html::{RewriteStrSettings, element, rewrite_str};
        let settings = RewriteStrSettings::new()
            .append_element_content_handler(element!("[href]", |el| {
                self.relocate_attr(el, "href", page, members)
            }))
            .append_element_content_handler(element!("[src]", |el| {
                self.relocate_attr(el, "src", page, members)
            }))
            .append_element_content_handler(element!("[poster]", |el| {
                self.relocate_attr(el, "poster", page, members)
            }))
            .append_element_content_handler(element!("form[data-index]", |el| {
                self.relocate_attr(el, "data-index", page, members)
            }))
            .append_element_content_handler(element!("[srcset]", |el| {
                self.relocate_srcset(el, page, members)
            }))
            // Browsers load no module script from file://: the search page shows its list of
            // every entry, and says why there is no search box.
            .append_element_content_handler(element!("script[src]", |el| {
                if el
                    .get_attribute("src")
                    .is_some_and(|s| s.contains("search.js"))
                {
                    el.remove();
                }
                Ok(())
            }))
            .append_element_content_handler(element!(".search-offline", |el| {
                el.remove_attribute("hidden");
                Ok(())
            }));
        rewrite_str(html, settings).with_context(|| format!("cannot rewrite the page `{page}`"))
    }

    fn relocate_attr(
        &self,
        el: &mut Element<'_, '_>,
        name: &str,
        page: &str,
        members: &BTreeSet<String>,
    ) -> lol_html::HandlerResult {
        if let Some(value) = el.get_attribute(name) {
            el.set_attribute(name, &self.relocate(&value, page, members))?;
        }
        Ok(())
    }

    /// Each candidate of a `srcset` (`url 320w, url 640w`).
    fn relocate_srcset(
        &self,
        el: &mut Element<'_, '_>,
        page: &str,
        members: &BTreeSet<String>,
    ) -> lol_html::HandlerResult {
        if let Some(value) = el.get_attribute("srcset") {
            let rewritten: Vec<String> = value
                .split(',')
                .map(|candidate| {
                    let mut parts = candidate.split_whitespace();
                    let url = parts.next().unwrap_or("");
                    let mut out = self.relocate(url, page, members);
                    for descriptor in parts {
                        out.push(' ');
                        out.push_str(descriptor);
                    }
                    out
                })
                .collect();
            el.set_attribute("srcset", &rewritten.join(", "))?;
        }
        Ok(())
    }

    fn rewrite_css(&self, css: &str, path: &str, members: &BTreeSet<String>) -> String {
        let mut out = String::with_capacity(css.len());
        let mut rest = css;
        while let Some(at) = rest.find("url(") {
            let (before, after) = rest.split_at(at + 4);
            out.push_str(before);
            let end = after.find(')').unwrap_or(after.len());
            let inner = &after[..end];
            let quote = inner
                .trim()
                .chars()
                .next()
                .filter(|c| *c == '"' || *c == '\'');
            let url = inner.trim().trim_matches(['"', '\'']);
            let q = quote.map(String::from).unwrap_or_default();
            out.push_str(&format!("{q}{}{q}", self.relocate(url, path, members)));
            rest = &after[end..];
        }
        out.push_str(rest);
        out
    }
}

/// Root-relative addresses a page refers to (links, sources, `srcset` candidates, posters).
fn references(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let mut out = Vec::new();
    let any = scraper::Selector::parse("[href], [src], [srcset], [poster]").ok();
    for el in any.iter().flat_map(|s| doc.select(s)) {
        for name in ["href", "src", "poster"] {
            out.extend(el.value().attr(name).map(String::from));
        }
        if let Some(srcset) = el.value().attr("srcset") {
            out.extend(
                srcset
                    .split(',')
                    .filter_map(|c| c.split_whitespace().next())
                    .map(String::from),
            );
        }
    }
    out
}

/// The addresses a stylesheet's `url(…)`s name.
fn css_urls(css: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = css;
    while let Some(at) = rest.find("url(") {
        rest = &rest[at + 4..];
        let end = rest.find(')').unwrap_or(rest.len());
        out.push(rest[..end].trim().trim_matches(['"', '\'']).to_string());
        rest = &rest[end..];
    }
    out
}

/// The path from the page at `from` to the file `to` (both relative to the bundle's root).
fn relative(from: &str, to: &str) -> String {
    let from: Vec<&str> = from.split('/').collect();
    let from = &from[..from.len() - 1];
    let to: Vec<&str> = to.split('/').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|s| utf8_percent_encode(s, SEGMENT).to_string()),
    );
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_page() {
        assert_eq!(relative("index.html", "css/sesh.css"), "css/sesh.css");
        assert_eq!(
            relative("contests/c/e/index.html", "css/sesh.css"),
            "../../../css/sesh.css"
        );
        assert_eq!(
            relative("contests/c/index.html", "contests/c/e/index.html"),
            "e/index.html"
        );
        assert_eq!(
            relative("zh-Hans/contests/c/index.html", "contests/c/index.html"),
            "../../../contests/c/index.html"
        );
        assert_eq!(
            relative("contests/c/index.html", "contests/c/index.html"),
            "index.html"
        );
        assert_eq!(
            relative("index.html", "contests/中文 x/a#b.jpg"),
            "contests/%E4%B8%AD%E6%96%87%20x/a%23b.jpg"
        );
    }

    #[test]
    fn a_contest_takes_its_own_files_and_the_theme_s() {
        for (file, yes) in [
            ("contests/c/e/e-320-ab.jpg", true),
            ("contests/cc/e/e-320-ab.jpg", false),
            ("cite/c.bib", true),
            ("cite/c/e.ris", true),
            ("cite/cc.bib", false),
            ("deposit/c/datacite.xml", true),
            ("deposit/d/datacite.xml", false),
            ("css/sesh.css", true),
            ("CITATION.cff", true),
            ("atom.xml", false),
            ("zh-Hans/atom.xml", false),
            ("data/README.txt", false),
            ("contests/c/index.html", false),
        ] {
            assert_eq!(belongs(file, "c"), yes, "{file}");
        }
    }

    #[test]
    fn addresses_become_relative_or_online() {
        let dir = std::env::temp_dir().join(format!("sesh-bundle-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("contests/c/e")).unwrap();
        let files: Vec<String> = [
            "contests/c/e/index.html",
            "contests/c/index.html",
            "contests/d/index.html",
            "css/sesh.css",
        ]
        .map(String::from)
        .to_vec();
        let site = Site {
            built: &dir,
            files: &files,
            base_path: "/archive/",
            origin: "https://example.org",
        };
        let members: BTreeSet<String> = files
            .iter()
            .filter(|f| !f.contains("/d/"))
            .cloned()
            .collect();
        let page = "contests/c/index.html";
        let r = |url: &str| site.relocate(url, page, &members);
        assert_eq!(r("/archive/contests/c/e/#cite"), "e/index.html#cite");
        assert_eq!(r("/archive/contests/c/e"), "e/index.html");
        assert_eq!(r("/archive/css/sesh.css?v=12ab"), "../../css/sesh.css");
        assert_eq!(
            r("/archive/contests/d/"),
            "https://example.org/archive/contests/d/"
        );
        assert_eq!(
            r("/archive/atom.xml"),
            "https://example.org/archive/atom.xml"
        );
        assert_eq!(r("#cite"), "#cite");
        assert_eq!(r("https://doi.org/10.1/x"), "https://doi.org/10.1/x");
        assert_eq!(r("mailto:a@example.org"), "mailto:a@example.org");
        let html = "<p>href=\"/archive/css/sesh.css\"</p><a href=\"/archive/contests/c/e/\">e</a><img src=\"/archive/css/sesh.css\" srcset=\"/archive/css/sesh.css 320w, /archive/contests/d/x.jpg 640w\">";
        let out = site.rewrite_html(html, page, &members).unwrap();
        assert!(
            out.contains("<p>href=\"/archive/css/sesh.css\"</p>"),
            "text is left alone: {out}"
        );
        assert!(out.contains("<a href=\"e/index.html\">"), "{out}");
        assert!(
            out.contains("srcset=\"../../css/sesh.css 320w, https://example.org/archive/contests/d/x.jpg 640w\""),
            "{out}"
        );
        let css = site.rewrite_css(
            "a{background:url(\"/archive/css/sesh.css\")}",
            "css/x.css",
            &members,
        );
        assert_eq!(css, "a{background:url(\"sesh.css\")}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
