//! RENDER: public model → HTML pages, through the theme's Tera templates.
//!
//! | page | template | file |
//! |---|---|---|
//! | home | `index.html` | `index.html` |
//! | all contests | `contests.html` | `contests/index.html` |
//! | a contest and its gallery | `contest.html` | `contests/<contest>/index.html` |
//! | an entry | `entry.html` | `contests/<contest>/<entry>/index.html` |
//! | framework | `framework.html` | `framework/index.html` |
//! | other pages | `page.html` | `<page>/index.html` |
//! | not found | `404.html` | `404.html` |
//!
//! A page is a pure function of its template set, the global `site` view and its own view. So
//! rebuilds reuse work through a [`Memo`]: a Markdown body is rendered again only when its text,
//! its folder, the set of published pages or its images changed, and a page only when the
//! fingerprint of its view changed. The memo is discarded whenever the theme is reloaded.

pub mod citation;
mod cite;
mod data;
mod data_csv;
mod feeds;
pub mod functions;
pub mod jsonld;
mod kinds;
pub mod links;
mod pages;
pub mod theme;
pub mod view;

use crate::config::Config;
use crate::images::Images;
use crate::licenses;
use crate::markdown::{self, Dropped};
use crate::media::MediaFiles;
use crate::public::{Body, Entry, Page, PublicSite};
use crate::report::{Problem, line_of};
use anyhow::{Context as _, Result};
use links::{BodyLinks, Routes};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;
use tera::{Context, Tera};
use theme::Theme;
use view::*;

/// An output file: path inside the output folder, and its bytes when they must still be
/// written (`None` when the page was unchanged since the memo's render, or when a [`Sink`]
/// already wrote it).
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Option<Arc<Vec<u8>>>,
    /// Fingerprint of everything the page was rendered from: equal fingerprints, equal bytes.
    pub fingerprint: u64,
}

#[derive(Debug, Default)]
pub struct Rendered {
    pub files: Vec<OutputFile>,
    pub problems: Vec<Problem>,
    /// Pages rendered by Tera this time (the others were reused from the memo).
    pub pages_rendered: usize,
    /// What the next render can reuse.
    pub memo: Memo,
}

/// Work a render can reuse from the previous one.
#[derive(Debug, Default, Clone)]
pub struct Memo {
    bodies: HashMap<u64, Arc<BodyOut>>,
    /// Page path → fingerprint of what it was rendered from (the file written from it is
    /// still in the output folder the memo belongs to).
    pages: HashMap<String, u64>,
}

impl Memo {
    /// A memo for an output folder that holds pages rendered from these fingerprints (by
    /// this same sesh binary: fingerprints include its hash), and no Markdown bodies.
    pub fn assuming(pages: &HashMap<String, u64>) -> Memo {
        Memo {
            bodies: HashMap::new(),
            pages: pages.clone(),
        }
    }
}

mod build {
    include!(concat!(env!("OUT_DIR"), "/build_id.rs"));
}

/// What every page is rendered with: the theme and sesh's own build.
pub fn generation(theme: &Theme) -> u64 {
    fingerprint(&(theme.fingerprint, binary_fingerprint()))
}

/// Identifies the sources of the running sesh, so that pages rendered by another build of sesh
/// (whose code may render them differently) are never taken for unchanged.
fn binary_fingerprint() -> u64 {
    build::BUILD_ID
}

/// Writes a rendered page at once (a `sesh build` into a fresh staging folder), so that pages
/// are written in parallel as they are rendered and not all held in memory.
pub type Sink<'a> = &'a (dyn Fn(&str, &[u8]) -> Result<()> + Sync);

/// A rendered Markdown body, the media it showed inline, and the references it dropped.
#[derive(Debug)]
struct BodyOut {
    html: Html,
    used: HashSet<String>,
    /// The body shows at least one processed image (then the page's first, loaded eagerly).
    has_images: bool,
    /// (id, text) of the level-2 headings, for an in-page table of contents.
    toc: Vec<(String, String)>,
    problems: Vec<Problem>,
}

/// Renders every page of `site`, reusing what `memo` holds from the previous render.
pub fn render(
    config: &Config,
    site: &PublicSite,
    theme: &mut Theme,
    images: &Images,
    media: &MediaFiles,
    memo: &Memo,
    sink: Option<Sink>,
) -> Result<Rendered> {
    let routes = Routes::new(site, config.base_path());
    let statics: HashSet<String> = theme.statics.keys().cloned().collect();
    let site_view = site_view(config, site, theme, &routes)?;
    let globals_fp = fingerprint(&(
        &site_view,
        &config.language,
        theme.fingerprint,
        binary_fingerprint(),
    ));
    let globals = theme.tera.global_context();
    globals.insert("site", &site_view);
    globals.insert("lang", &config.language);
    let framework_sections = match &site.framework {
        Some(f) => {
            let links = BodyLinks::page(&routes, "", &statics);
            markdown::render_sections(&f.body.markdown, &links)
                .1
                .into_iter()
                .map(|s| (s.id, s.title))
                .collect()
        }
        None => Vec::new(),
    };
    let r = Renderer {
        site,
        site_title: &config.title,
        as_of: config.as_of.earliest,
        site_description: &config.description,
        site_license: config.license.as_deref(),
        theme,
        tera: &theme.tera,
        images,
        media,
        routes,
        statics_fp: fingerprint(&theme.statics.keys().collect::<Vec<_>>()),
        statics,
        lang: &config.language,
        base_url: &config.base_url,
        framework_sections,
        prev: memo,
        globals_fp,
        sink,
    };
    r.all()
}

fn site_view<'a>(
    config: &'a Config,
    site: &PublicSite,
    theme: &Theme,
    routes: &Routes,
) -> Result<SiteView<'a>> {
    let lang = &config.language;
    let mut nav = vec![LinkView {
        title: theme.text(lang, "nav.contests")?,
        url: routes.contests(),
    }];
    if let Some(f) = &site.framework {
        nav.push(LinkView {
            title: f.title.clone(),
            url: routes.page("framework"),
        });
    }
    let mut pages: Vec<&Page> = site.pages.iter().collect();
    pages.sort_by_key(|p| (p.weight.is_none(), p.weight, p.title.to_lowercase()));
    nav.extend(pages.into_iter().map(|p| LinkView {
        title: p.title.clone(),
        url: routes.page(&p.slug),
    }));
    Ok(SiteView {
        title: &config.title,
        description: &config.description,
        base_url: config.base_url.as_str(),
        base_path: config.base_path(),
        language: &config.language,
        license: config.license.as_deref().map(licenses::describe),
        extra: theme.extra.clone(),
        nav,
        generator: concat!("sesh ", env!("CARGO_PKG_VERSION")),
        cite_url: routes.page(cite::REUSE_SLUG),
    })
}

/// Which template renders which file, and what the page says about itself.
struct Spec<'s> {
    template: &'s str,
    path: String,
    kind: &'s str,
    url: String,
    name: &'static str,
    meta: MetaView,
}

struct Renderer<'a> {
    site: &'a PublicSite,
    site_title: &'a str,
    site_description: &'a str,
    /// The site's default license (SPDX id).
    site_license: Option<&'a str>,
    /// The build's "today" (earliest), for feed dates the content does not give.
    as_of: jiff::civil::Date,
    theme: &'a Theme,
    tera: &'a Tera,
    images: &'a Images,
    media: &'a MediaFiles,
    routes: Routes,
    statics: HashSet<String>,
    /// Fingerprint of the static file names (sorted), for memo keys.
    statics_fp: u64,
    lang: &'a str,
    base_url: &'a url::Url,
    /// (id, title) of the framework page's sections.
    framework_sections: Vec<(String, String)>,
    prev: &'a Memo,
    sink: Option<Sink<'a>>,
    /// Fingerprint of the global context (`site`, `lang`) and of the published page set.
    globals_fp: u64,
}

impl Renderer<'_> {
    /// Renders `spec.template` with `view` inserted as `spec.name`, unless the memo holds the
    /// same page.
    fn page<V: Serialize>(&self, spec: Spec, view: &V) -> Result<(OutputFile, bool)> {
        let Spec {
            template,
            path,
            kind,
            url,
            name,
            meta,
        } = spec;
        let fp = fingerprint(&(
            self.globals_fp,
            template,
            &path,
            kind,
            &url,
            name,
            &meta,
            view,
        ));
        if self.prev.pages.get(&path) == Some(&fp) {
            let file = OutputFile {
                path,
                bytes: None,
                fingerprint: fp,
            };
            return Ok((file, false));
        }
        let mut ctx = Context::new();
        ctx.insert(name, view);
        ctx.insert("kind", kind);
        ctx.insert("page_url", &url);
        ctx.insert("permalink", &self.absolute(&url));
        ctx.insert("meta", &meta);
        let html = self
            .tera
            .render(template, &ctx)
            .with_context(|| format!("cannot render {path} with the template `{template}`"))?;
        let bytes = match self.sink {
            Some(sink) => {
                sink(&path, html.as_bytes())?;
                None
            }
            None => Some(Arc::new(html.into_bytes())),
        };
        let file = OutputFile {
            path,
            bytes,
            fingerprint: fp,
        };
        Ok((file, true))
    }

    /// The absolute form of a root-relative URL.
    fn absolute(&self, url: &str) -> String {
        self.base_url
            .join(url)
            .map(String::from)
            .unwrap_or_else(|_| url.to_string())
    }

    /// Page metadata; the description falls back to the site's.
    fn meta(
        &self,
        title: &str,
        description: Option<&str>,
        image: Option<&ImageView>,
        article: bool,
    ) -> MetaView {
        MetaView {
            title: title.to_string(),
            description: description.unwrap_or(self.site_description).to_string(),
            image: image.map(|i| self.absolute(&i.full)),
            image_alt: image.map(|i| i.alt.clone()),
            og_type: if article { "article" } else { "website" },
            jsonld: None,
            tags: Vec::new(),
        }
    }

    fn text(&self, key: &str) -> Result<String> {
        self.theme.text(self.lang, key)
    }

    /// An organiser's page body (home, framework, pages, contest descriptions).
    fn organiser_body(&self, body: &Body) -> (u64, Arc<BodyOut>) {
        let key = fingerprint(&(
            "page",
            body.hash,
            &body.dir,
            self.routes.fingerprint(),
            self.statics_fp,
        ));
        self.memo_body(key, || {
            let links = BodyLinks::page(&self.routes, &body.dir, &self.statics);
            let html = markdown::render(&body.markdown, &links);
            BodyOut {
                html: Html::new(html.html),
                used: HashSet::new(),
                has_images: links.shown.load(std::sync::atomic::Ordering::Relaxed) > 0,
                toc: Vec::new(),
                problems: dropped_problems(body, html.dropped, false),
            }
        })
    }

    /// An entry's body, which may show the entry's own consented images.
    fn entry_body(&self, entry: &Entry) -> (u64, Arc<BodyOut>) {
        let media: Vec<(&String, Option<&crate::images::Published>)> = entry
            .media
            .iter()
            .map(|m| (&m.file, self.images.get(&m.path)))
            .collect();
        let media_fp = {
            let mut h = DefaultHasher::new();
            for (file, published) in &media {
                file.hash(&mut h);
                if let Some(p) = published {
                    for v in &p.variants {
                        (v.width, v.height, &v.path).hash(&mut h);
                    }
                }
            }
            h.finish()
        };
        let key = fingerprint(&(
            "entry",
            entry.body.hash,
            &entry.body.dir,
            self.routes.fingerprint(),
            media_fp,
        ));
        self.memo_body(key, || {
            let links = BodyLinks::entry(&self.routes, entry, self.images);
            let html = markdown::render(&entry.body.markdown, &links);
            let has_images = links.shown.load(std::sync::atomic::Ordering::Relaxed) > 0;
            let used = links.used.into_inner().unwrap_or_default();
            let toc = html
                .headings
                .iter()
                .filter(|h| h.level == 2)
                .map(|h| (h.id.clone(), h.text.clone()))
                .collect();
            BodyOut {
                html: Html::new(html.html),
                used,
                has_images,
                toc,
                problems: dropped_problems(&entry.body, html.dropped, true),
            }
        })
    }

    /// The body for `key` from the memo, or freshly rendered; with its key, for the next memo.
    fn memo_body(&self, key: u64, render: impl FnOnce() -> BodyOut) -> (u64, Arc<BodyOut>) {
        let body = match self.prev.bodies.get(&key) {
            Some(body) => body.clone(),
            None => Arc::new(render()),
        };
        (key, body)
    }
}

/// A stable 64-bit fingerprint of a serialisable value.
///
/// Its JSON goes into a reused per-thread buffer and is hashed once with BLAKE3: hashing the JSON
/// piece by piece with SipHash was 15 % of a one-entry rebuild of a 10,000-entry site (`perf`).
fn fingerprint<T: Serialize + ?Sized>(value: &T) -> u64 {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with(|buffer| {
        let mut buffer = buffer.borrow_mut();
        buffer.clear();
        // Serialising our own view structs cannot fail; a failure only weakens memoisation.
        let _ = fingerprinting(|| serde_json::to_writer(&mut *buffer, value));
        let hash = blake3::hash(&buffer);
        let mut first = [0u8; 8];
        first.copy_from_slice(&hash.as_bytes()[..8]);
        u64::from_le_bytes(first)
    })
}

/// Removed references become warnings located in the source file.
fn dropped_problems(body: &Body, dropped: Vec<Dropped>, entry: bool) -> Vec<Problem> {
    dropped
        .into_iter()
        .map(|d| {
            let offset = d.offset.or_else(|| body.markdown.find(&d.target));
            let line = offset.map(|o| body.line + line_of(&body.markdown, o) - 1);
            let (why, hint) = match (d.image, entry) {
                (true, true) => (
                    "it is not a consented, readable media file of this entry",
                    "list the file under [[media]] with consent, or remove the reference",
                ),
                (true, false) => (
                    "it is not a file in a static/ folder",
                    "check the path; links are relative to the file's folder",
                ),
                (false, true) => (
                    "it is not a published page or a consented file of this entry",
                    "list the file under [[media]] with consent, or remove the reference",
                ),
                (false, false) => (
                    "it is not a published page or a static file",
                    "check the path; links are relative to the file's folder",
                ),
            };
            let what = if d.image {
                format!("image `{}`", d.target)
            } else {
                format!("link to `{}`", d.target)
            };
            Problem::warning(
                body.file.clone(),
                format!("{what} removed from the page: {why}"),
            )
            .at_line(line)
            .hint(hint)
        })
        .collect()
}
