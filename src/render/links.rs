//! URLs of published pages, and the resolution of relative links and images written in
//! Markdown bodies.
//!
//! URLs are root-relative and include the base URL's path (`/archive/contests/x/`), so the same
//! output works on a custom domain, under a GitHub Pages project path, and under `sesh serve`.
//! A body may link to a published page (by folder, `index.md` or URL), to its own consented media,
//! and organisers' pages also to static files. Anything else is not published and is removed.

use crate::images::{Images, Published};
use crate::markdown::{self, Links};
use crate::public::{Entry, PublicSite};
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Characters escaped in URL path segments (slugs may be Chinese: they are percent-encoded).
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
    .add(b'/');

/// A hash of everything [`Routes::for_language`] makes the table from: the pages' sources and
/// slugs, in site order, and where the URLs start. It is the table's fingerprint.
fn sources_key(site: &PublicSite, base_path: &str, prefix: &str) -> u64 {
    let contests: Vec<u64> = site
        .contests
        .par_iter()
        .map(|c| {
            let mut h = DefaultHasher::new();
            (&c.body.dir, &c.slug).hash(&mut h);
            for e in &c.entries {
                (&e.body.dir, &e.slug).hash(&mut h);
            }
            h.finish()
        })
        .collect();
    let mut h = DefaultHasher::new();
    (base_path, prefix, site.framework.is_some()).hash(&mut h);
    for p in &site.pages {
        (&p.body.file, &p.slug).hash(&mut h);
    }
    contests.hash(&mut h);
    h.finish()
}

/// Every published page's URL, addressable by its source path.
#[derive(Debug, Default)]
pub struct Routes {
    base_path: String,
    /// Where output files (images, static files, feeds) live: the base path without the
    /// language prefix (a Chinese page shows the same image files as the English one).
    files_base: String,
    /// Content-relative source folder or file (`contests/c/e`, `contests/c/e/index.md`,
    /// `about.md`) → URL.
    by_source: foldhash::HashMap<String, String>,
    /// Published URLs.
    urls: foldhash::HashSet<String>,
    fingerprint: u64,
}

impl Routes {
    #[cfg(test)]
    pub fn new(site: &PublicSite, base_path: &str) -> Routes {
        Routes::for_language(site, base_path, "")
    }

    /// Routes of the pages in one language: `prefix` is `""` for the default language and
    /// `zh-Hans/` for another; files stay under `base_path`.
    #[cfg(test)]
    pub fn for_language(site: &PublicSite, base_path: &str, prefix: &str) -> Routes {
        Routes::make(
            site,
            base_path,
            prefix,
            sources_key(site, base_path, prefix),
        )
    }

    /// The table, whose fingerprint is `key` (see [`sources_key`]).
    fn make(site: &PublicSite, base_path: &str, prefix: &str, key: u64) -> Routes {
        let mut r = Routes {
            base_path: format!("{base_path}{prefix}"),
            files_base: base_path.to_string(),
            fingerprint: key,
            ..Routes::default()
        };
        r.add(&["", "_index.md"], r.home());
        r.add(&["contests"], r.contests());
        if site.framework.is_some() {
            r.add(&["framework", "framework.md"], r.page("framework"));
        }
        for p in &site.pages {
            let stem = p
                .body
                .file
                .rsplit('/')
                .next()
                .unwrap_or("")
                .trim_end_matches(".md");
            r.add(&[stem, &format!("{stem}.md")], r.page(&p.slug));
        }
        // Contests' routes (10,000 entries: 20,000 keys) are made in parallel, then added in
        // site order.
        let contests: Vec<Vec<[String; 3]>> = site
            .contests
            .par_iter()
            .map(|c| {
                let mut routes = Vec::with_capacity(c.entries.len() + 1);
                let mut route = |dir: &str, file: &str, url: String| {
                    routes.push([dir.to_string(), format!("{dir}/{file}"), url]);
                };
                route(&c.body.dir, "_index.md", r.contest(&c.slug));
                for e in &c.entries {
                    route(&e.body.dir, "index.md", r.entry(&c.slug, &e.slug));
                }
                routes
            })
            .collect();
        let n: usize = contests.iter().map(Vec::len).sum();
        r.by_source.reserve(2 * n);
        r.urls.reserve(n);
        for [dir, index, url] in contests.into_iter().flatten() {
            r.by_source.insert(dir, url.clone());
            r.by_source.insert(index, url.clone());
            r.urls.insert(url);
        }
        r
    }

    /// [`Routes::for_language`], or `previous` when it was made from the same pages (its
    /// fingerprint is the key of what it was made from): an edit to an entry's text leaves the
    /// table as it was.
    pub fn reuse_or_make(
        site: &PublicSite,
        base_path: &str,
        prefix: &str,
        previous: Option<&Arc<Routes>>,
    ) -> Arc<Routes> {
        let key = sources_key(site, base_path, prefix);
        match previous {
            Some(routes) if routes.fingerprint == key => routes.clone(),
            _ => Arc::new(Routes::make(site, base_path, prefix, key)),
        }
    }

    /// Changes whenever the set of published pages, their URLs or their order changes.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    fn add(&mut self, keys: &[&str], url: String) {
        for key in keys {
            self.by_source.insert((*key).to_string(), url.clone());
        }
        self.urls.insert(url);
    }

    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    pub fn home(&self) -> String {
        self.base_path.clone()
    }

    pub fn contests(&self) -> String {
        format!("{}contests/", self.base_path)
    }

    pub fn page(&self, slug: &str) -> String {
        format!("{}{}/", self.base_path, segment(slug))
    }

    pub fn contest(&self, slug: &str) -> String {
        format!("{}contests/{}/", self.base_path, segment(slug))
    }

    pub fn entry(&self, contest: &str, entry: &str) -> String {
        format!(
            "{}contests/{}/{}/",
            self.base_path,
            segment(contest),
            segment(entry)
        )
    }

    /// URL of a file in the output folder (`path` relative, `/`-separated).
    pub fn file(&self, path: &str) -> String {
        format!("{}{}", self.files_base, segment_path(path))
    }

    /// URL of a page path written from the site root (`/about` → `/zh-Hans/about`).
    fn rooted(&self, path: &str) -> String {
        format!("{}{}", self.base_path, segment_path(path))
    }

    /// URL of a content-relative source path, if it is published.
    fn source(&self, path: &str) -> Option<&String> {
        self.by_source.get(path.trim_end_matches('/'))
    }
}

pub fn segment(text: &str) -> String {
    utf8_percent_encode(text, SEGMENT).to_string()
}

/// Percent-encodes each segment of a `/`-separated path.
pub fn segment_path(path: &str) -> String {
    path.split('/').map(segment).collect::<Vec<_>>().join("/")
}

/// Resolves the relative references of one Markdown body.
pub struct BodyLinks<'a> {
    routes: &'a Routes,
    /// Folder of the body, relative to `content/`.
    dir: &'a str,
    /// Consented media of the entry (normalised file name → sizes and alt text).
    media: HashMap<String, &'a Published>,
    /// Static files organisers' pages may link to (output-relative paths).
    statics: Option<&'a HashSet<String>>,
    /// Media files the body showed inline (so the page does not show them twice).
    pub used: Mutex<HashSet<String>>,
    /// Processed images shown so far: the first one loads eagerly (it is near the top).
    pub shown: AtomicUsize,
}

impl<'a> BodyLinks<'a> {
    /// For an organiser's page: may link to static files.
    pub fn page(routes: &'a Routes, dir: &'a str, statics: &'a HashSet<String>) -> Self {
        BodyLinks {
            routes,
            dir,
            media: HashMap::new(),
            statics: Some(statics),
            used: Mutex::new(HashSet::new()),
            shown: AtomicUsize::new(0),
        }
    }

    /// For an entry: may show its own consented, successfully processed media.
    pub fn entry(routes: &'a Routes, entry: &'a Entry, images: &'a Images) -> Self {
        let media = entry
            .media
            .iter()
            .filter_map(|m| images.get(&m.path).map(|p| (m.file.clone(), p)))
            .collect();
        BodyLinks {
            routes,
            dir: &entry.body.dir,
            media,
            statics: None,
            used: Mutex::new(HashSet::new()),
            shown: AtomicUsize::new(0),
        }
    }

    /// Content-relative path of `target`, or `None` if it leaves `content/`.
    fn join(&self, target: &str) -> Option<String> {
        let mut parts: Vec<&str> = self.dir.split('/').filter(|p| !p.is_empty()).collect();
        for part in target.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                p => parts.push(p),
            }
        }
        Some(parts.join("/"))
    }

    /// The media file `target` names, relative to the entry folder.
    fn own_media(&self, target: &str) -> Option<(&String, &&'a Published)> {
        let joined = self.join(target)?;
        let inside = match self.dir {
            "" => joined.as_str(),
            dir => joined.strip_prefix(dir)?.strip_prefix('/')?,
        };
        self.media.get_key_value(inside)
    }

    /// A URL this resolver produces (a published page, one of the entry's media files, a static
    /// file): resolving is idempotent, so the sanitiser may see links sesh already resolved.
    fn already_resolved(&self, target: &str) -> bool {
        let path = target.split(['#', '?']).next().unwrap_or("");
        if !path.starts_with(&self.routes.files_base) {
            return false;
        }
        self.routes.urls.contains(path)
            || self
                .media
                .values()
                .any(|p| self.routes.file(&p.largest().path) == path)
            || self.statics.is_some_and(|statics| {
                path.strip_prefix(&self.routes.files_base)
                    .is_some_and(|rest| {
                        statics.contains(&percent_decode_str(rest).decode_utf8_lossy().into_owned())
                    })
            })
    }

    fn static_file(&self, path: &str) -> Option<String> {
        let statics = self.statics?;
        statics.contains(path).then(|| self.routes.file(path))
    }
}

/// Splits `path#fragment?query` and percent-decodes the path.
fn split(target: &str) -> (String, &str) {
    let (rest, fragment) = match target.find('#') {
        Some(i) => (&target[..i], &target[i..]),
        None => (target, ""),
    };
    let path = rest.split('?').next().unwrap_or("");
    (
        percent_decode_str(path).decode_utf8_lossy().into_owned(),
        fragment,
    )
}

impl Links for BodyLinks<'_> {
    fn link(&self, target: &str) -> Option<String> {
        if target.starts_with('#') || self.already_resolved(target) {
            return Some(target.to_string());
        }
        let (path, fragment) = split(target.trim());
        if let Some(rooted) = path.strip_prefix('/') {
            // Written as a path from the site root.
            let trimmed = rooted.trim_end_matches('/');
            let url = match trimmed {
                "" => self.routes.base_path.clone(),
                _ => format!("{}/", self.routes.rooted(trimmed)),
            };
            if self.routes.urls.contains(&url) {
                return Some(format!("{url}{fragment}"));
            }
            return self.static_file(rooted).map(|u| format!("{u}{fragment}"));
        }
        if let Some((file, published)) = self.own_media(&path) {
            if let Ok(mut used) = self.used.lock() {
                used.insert(file.clone());
            }
            return Some(self.routes.file(&published.largest().path));
        }
        let joined = self.join(&path)?;
        if let Some(url) = self.routes.source(&joined) {
            return Some(format!("{url}{fragment}"));
        }
        self.static_file(&joined).map(|u| format!("{u}{fragment}"))
    }

    fn image(&self, target: &str, alt: &str, linked: bool) -> Option<String> {
        let (path, _) = split(target.trim());
        if let Some((file, published)) = self.own_media(&path) {
            if let Ok(mut used) = self.used.lock() {
                used.insert(file.clone());
            }
            let eager = self.shown.fetch_add(1, Ordering::Relaxed) == 0;
            let img = img_tag(self.routes, published, alt, BODY_SIZES, eager);
            if linked {
                return Some(img);
            }
            // The full-size view works without JavaScript: a plain link to the largest size.
            let full = self.routes.file(&published.largest().path);
            return Some(format!(
                "<a class=\"image-link\" href=\"{}\">{img}</a>",
                markdown::escape(&full)
            ));
        }
        let joined = match path.strip_prefix('/') {
            Some(rooted) => rooted.to_string(),
            None => self.join(&path)?,
        };
        self.static_file(&joined).map(|url| {
            format!(
                "<img src=\"{}\" alt=\"{}\" loading=\"lazy\" decoding=\"async\">",
                markdown::escape(&url),
                markdown::escape(alt)
            )
        })
    }
}

/// `sizes` for images at reading width in a body.
pub const BODY_SIZES: &str = "(min-width: 48rem) 44rem, calc(100vw - 2.5rem)";

/// A responsive `<img>` for a processed image, inside `<picture>` with a WebP `<source>` when
/// WebP sizes exist. `eager` for the first image of a page: no lazy loading, high priority.
pub fn img_tag(
    routes: &Routes,
    published: &Published,
    alt: &str,
    sizes: &str,
    eager: bool,
) -> String {
    let src = published.at_least(1024);
    let img = format!(
        "<img src=\"{}\" srcset=\"{}\" sizes=\"{sizes}\" width=\"{}\" height=\"{}\" alt=\"{}\"{} decoding=\"async\">",
        markdown::escape(&routes.file(&src.path)),
        markdown::escape(&srcset(routes, published)),
        src.width,
        src.height,
        markdown::escape(alt),
        if eager {
            " fetchpriority=\"high\""
        } else {
            " loading=\"lazy\""
        }
    );
    match webp_srcset(routes, published) {
        Some(webp) => format!(
            "<picture><source type=\"image/webp\" srcset=\"{}\" sizes=\"{sizes}\">{img}</picture>",
            markdown::escape(&webp)
        ),
        None => img,
    }
}

/// `url 320w, url 640w, …` of the main (JPEG or PNG) sizes.
pub fn srcset(routes: &Routes, published: &Published) -> String {
    published
        .variants
        .iter()
        .map(|v| format!("{} {}w", routes.file(&v.path), v.width))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The candidates offered to browsers that take WebP: each size's WebP file where it has one
/// (it is smaller), else its JPEG or PNG; `None` when no size has a WebP file.
pub fn webp_srcset(routes: &Routes, published: &Published) -> Option<String> {
    published.variants.iter().find(|v| v.webp.is_some())?;
    let parts: Vec<String> = published
        .variants
        .iter()
        .map(|v| {
            let file = v.webp.as_ref().unwrap_or(&v.path);
            format!("{} {}w", routes.file(file), v.width)
        })
        .collect();
    Some(parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::images::Variant;
    use crate::public::{Body, Contest, Entry, Media, Page};
    use std::path::PathBuf;

    fn site() -> PublicSite {
        let entry = |slug: &str| Entry {
            slug: slug.into(),
            body: Body {
                dir: format!("contests/c/{slug}"),
                ..Body::default()
            },
            media: vec![Media {
                file: "poster.jpg".into(),
                path: PathBuf::from("/src/poster.jpg"),
                alt: "A poster".into(),
                caption: None,
                ..Media::default()
            }],
            ..Entry::default()
        };
        PublicSite {
            pages: vec![Page {
                slug: "about".into(),
                body: Body {
                    file: "content/about.md".into(),
                    ..Body::default()
                },
                ..Page::default()
            }],
            framework: Some(Page::default()),
            contests: vec![std::sync::Arc::new(Contest {
                slug: "c".into(),
                body: Body {
                    dir: "contests/c".into(),
                    ..Body::default()
                },
                entries: vec![entry("e"), entry("检测")],
                ..Contest::default()
            })],
            ..PublicSite::default()
        }
    }

    /// A table is reused while the pages it was made from are the same, whatever their text;
    /// a page added, renamed or moved makes a new one.
    #[test]
    fn routes_are_made_again_only_when_the_pages_change() {
        let mut site = site();
        let routes = Routes::reuse_or_make(&site, "/", "", None);
        let first = routes.clone();
        let again = Routes::reuse_or_make(&site, "/", "", Some(&first));
        assert!(Arc::ptr_eq(&again, &routes));
        let contest = Arc::make_mut(&mut site.contests[0]);
        contest.entries[0].title = "A new title".into();
        contest.entries[0].body.markdown = "New text".into();
        let retitled = Routes::reuse_or_make(&site, "/", "", Some(&first));
        assert!(Arc::ptr_eq(&retitled, &routes), "text edits keep the table");
        let other_prefix = Routes::reuse_or_make(&site, "/", "zh-Hans/", Some(&first));
        assert!(!Arc::ptr_eq(&other_prefix, &routes));
        assert_eq!(
            other_prefix.source("contests/c/e").unwrap(),
            "/zh-Hans/contests/c/e/"
        );
        let contest = Arc::make_mut(&mut site.contests[0]);
        let mut added = contest.entries[0].clone();
        added.slug = "f".into();
        added.body.dir = "contests/c/f".into();
        contest.entries.push(added);
        let grown = Routes::reuse_or_make(&site, "/", "", Some(&first));
        assert!(!Arc::ptr_eq(&grown, &routes));
        assert_eq!(grown.source("contests/c/f").unwrap(), "/contests/c/f/");
        assert_ne!(grown.fingerprint(), routes.fingerprint());
        let contest = Arc::make_mut(&mut site.contests[0]);
        contest.entries[2].slug = "g".into();
        let renamed = Routes::reuse_or_make(&site, "/", "", Some(&grown));
        assert_eq!(renamed.source("contests/c/f").unwrap(), "/contests/c/g/");
    }

    fn images() -> Images {
        let mut images = Images::default();
        images.by_source.insert(
            PathBuf::from("/src/poster.jpg"),
            Published {
                variants: vec![Variant {
                    width: 640,
                    height: 480,
                    path: "contests/c/e/e-640-abc.jpg".into(),
                    webp: None,
                }],
            },
        );
        images
    }

    #[test]
    fn entry_links_reach_published_pages_and_own_media_only() {
        let site = site();
        let routes = Routes::new(&site, "/archive/");
        let images = images();
        let links = BodyLinks::entry(&routes, &site.contests[0].entries[0], &images);
        let l = |t: &str| links.link(t);
        assert_eq!(l("#x").as_deref(), Some("#x"));
        for resolved in [
            "/archive/contests/c/%E6%A3%80%E6%B5%8B/",
            "/archive/contests/c/e/e-640-abc.jpg",
            "/archive/framework/#a",
        ] {
            assert_eq!(
                l(resolved).as_deref(),
                Some(resolved),
                "resolving is idempotent"
            );
        }
        assert_eq!(l("/archive/contests/c/hidden/"), None);
        assert_eq!(
            l("../检测/").as_deref(),
            Some("/archive/contests/c/%E6%A3%80%E6%B5%8B/")
        );
        assert_eq!(
            l("../%E6%A3%80%E6%B5%8B/index.md#a").as_deref(),
            Some("/archive/contests/c/%E6%A3%80%E6%B5%8B/#a")
        );
        assert_eq!(l("../").as_deref(), Some("/archive/contests/c/"));
        assert_eq!(
            l("../../../framework.md").as_deref(),
            Some("/archive/framework/")
        );
        assert_eq!(
            l("/contests/c/e").as_deref(),
            Some("/archive/contests/c/e/")
        );
        assert_eq!(
            l("poster.jpg").as_deref(),
            Some("/archive/contests/c/e/e-640-abc.jpg")
        );
        for gone in [
            "../hidden/",
            "face.jpg",
            "../../../../etc/passwd",
            "/contests/c/hidden/",
            "../e/../../../x",
        ] {
            assert_eq!(l(gone), None, "{gone}");
        }
        let img = links.image("./poster.jpg", "A \"poster\"", false).unwrap();
        assert!(
            img.starts_with(
                "<a class=\"image-link\" href=\"/archive/contests/c/e/e-640-abc.jpg\"><img "
            ),
            "{img}"
        );
        assert!(
            !links
                .image("poster.jpg", "x", true)
                .unwrap()
                .contains("<a "),
            "no link inside a link"
        );
        assert!(
            img.contains("srcset=\"/archive/contests/c/e/e-640-abc.jpg 640w\""),
            "{img}"
        );
        assert!(img.contains("width=\"640\" height=\"480\""), "{img}");
        assert!(img.contains("alt=\"A &quot;poster&quot;\""), "{img}");
        assert!(links.used.lock().unwrap().contains("poster.jpg"));
        assert_eq!(
            links.image("../检测/poster.jpg", "x", false),
            None,
            "another entry's media"
        );
    }

    #[test]
    fn pages_may_link_static_files() {
        let site = site();
        let routes = Routes::new(&site, "/");
        let statics: HashSet<String> = ["files/report.pdf".to_string()].into();
        let links = BodyLinks::page(&routes, "", &statics);
        assert_eq!(
            links.link("files/report.pdf").as_deref(),
            Some("/files/report.pdf")
        );
        assert_eq!(
            links.link("/files/report.pdf").as_deref(),
            Some("/files/report.pdf")
        );
        assert_eq!(links.link("about.md").as_deref(), Some("/about/"));
        assert_eq!(links.link("contests/c/").as_deref(), Some("/contests/c/"));
        assert_eq!(links.link("secret.pdf"), None);
    }
}
