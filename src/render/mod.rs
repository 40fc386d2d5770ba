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

mod data;
pub(crate) mod data_csv;
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
use crate::output::Written;
use crate::public::{Body, Entry, Page, PublicSite};
use crate::report::{Problem, line_of};
use anyhow::{Context as _, Result};
use links::{BodyLinks, Routes};
use rayon::prelude::*;
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
    /// The text of every entry page, in every language, for the search index.
    pub records: Vec<crate::search::Part>,
    pub files: Vec<OutputFile>,
    pub problems: Vec<Problem>,
    /// Files rendered by Tera this time (the others were reused from the memo): pages, feeds,
    /// sitemaps, data and citation files.
    pub files_rendered: usize,
    /// Of those, the pages (HTML files).
    pub pages_rendered: usize,
    /// What the next render can reuse.
    pub memo: Memo,
    /// A page listing every entry kept its last version (see [`Reuse::defer_listings`]): a
    /// render without deferral brings it up to date.
    pub deferred: bool,
}

/// Work a render can reuse from the previous one.
#[derive(Debug, Default, Clone)]
pub struct Memo {
    bodies: HashMap<u64, Arc<BodyOut>>,
    /// `<language prefix><contest>` → the key of everything its entries' pages were made from,
    /// and the files each entry produced (path, fingerprint): see `Renderer::contest_key`.
    contests: HashMap<String, (u64, EntryFiles)>,
    /// The same key → the contest's records in the data exports.
    data: data::DataMemo,
    /// `<language prefix><contest>` → the key of its page (the contest's key and its
    /// description's) and the files the page produced.
    contest_pages: HashMap<String, (u64, Vec<(String, u64)>)>,
    /// The same key → the search records of its entries' pages.
    records: HashMap<String, (u64, crate::search::Part)>,
    /// The same key → its cards, fingerprinted and converted for Tera (`sesh serve`).
    cards: CardsMemo,
    /// Path of each page listing every entry (framework, search) → the key of what it shows
    /// besides the cards, and the key of the cards without their word counts.
    listings: HashMap<String, (u64, u64)>,
    /// Language prefix → the routes table.
    routes: HashMap<String, Arc<Routes>>,
}

/// `<language prefix><contest>` → its cards as last made.
type CardsMemo = HashMap<String, ContestCards>;

/// A contest's entry cards, as `sesh serve` keeps them for the pages that list every entry.
#[derive(Debug, Clone)]
struct ContestCards {
    /// The contest's key (see `Renderer::contest_key`) when they were made.
    key: u64,
    count: usize,
    /// Fingerprint of the cards, and of the cards with their word counts left out.
    cards: u64,
    shape: u64,
    /// The cards as Tera values, for the framework page (when the site has one).
    values: Option<Arc<Vec<tera::Value>>>,
}

impl Memo {
    /// Adds another language's memo (moved, not copied, into an empty one).
    fn merge(&mut self, other: Memo) {
        fn add<K: Eq + Hash, V>(to: &mut HashMap<K, V>, from: HashMap<K, V>) {
            match to.is_empty() {
                true => *to = from,
                false => to.extend(from),
            }
        }
        add(&mut self.bodies, other.bodies);
        add(&mut self.contests, other.contests);
        add(&mut self.data, other.data);
        add(&mut self.contest_pages, other.contest_pages);
        add(&mut self.records, other.records);
        add(&mut self.cards, other.cards);
        add(&mut self.listings, other.listings);
        add(&mut self.routes, other.routes);
    }
}

/// For each entry of a contest, the files its page produced: (path, fingerprint).
type EntryFiles = Vec<Vec<(String, u64)>>;

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

/// What a render can reuse: the previous render's work, and the files the output folder holds
/// (path → the fingerprint each was rendered from).
#[derive(Clone, Copy)]
pub struct Reuse<'a> {
    pub memo: &'a Memo,
    pub on_disk: &'a Written,
    /// `sesh serve`: a page listing every entry (framework, search) whose cards changed only
    /// in their word counts (an edit to a text, which publishes or withdraws nothing) keeps
    /// its last version, so that the edited page is shown first; [`Rendered::deferred`] says
    /// a render without this must follow.
    pub defer_listings: bool,
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
    /// Words of the body's text ([`markdown::Html::words`]).
    words: usize,
}

/// Renders every page of `site` in every language, reusing what `memo` holds from the
/// previous render. The default language is published at the root, the others under
/// `/<language>/`; every page exists in every language (untranslated text is shown in its
/// original language and marked so), so language alternates always resolve.
pub fn render(
    config: &Config,
    site: &PublicSite,
    theme: &mut Theme,
    images: &Images,
    media: &MediaFiles,
    reuse: Reuse,
    sink: Option<Sink>,
) -> Result<Rendered> {
    let names: Vec<(String, String)> = config
        .languages
        .iter()
        .map(|l| Ok((l.clone(), theme.text(l, "language.name")?)))
        .collect::<Result<_>>()?;
    // Each language is rendered with its own set of templates, as their global values (the
    // site, the language) differ: the theme's set for the first language and copies of it for
    // the others. `sesh serve` renders the languages side by side (an edit re-renders little
    // in each, and one core would wait); `sesh build` one after the other, as each keeps both
    // cores busy and together they would hold every language's pages in memory at once.
    let first = std::mem::take(&mut theme.tera);
    let mut teras: Vec<Tera> = config
        .languages
        .iter()
        .skip(1)
        .map(|_| first.clone())
        .collect();
    teras.insert(0, first);
    let languages: Vec<Result<Rendered>> = {
        let theme: &Theme = theme;
        let one = |(lang, tera): (&String, &mut Tera)| {
            let local = crate::localize::localize(site, lang);
            render_language(
                config, &local, lang, &names, theme, tera, images, media, reuse, sink,
            )
        };
        match (sink, teras.len()) {
            (None, 2..) => (config.languages.par_iter().zip(teras.par_iter_mut()))
                .map(one)
                .collect(),
            _ => config.languages.iter().zip(&mut teras).map(one).collect(),
        }
    };
    theme.tera = teras.swap_remove(0);
    let mut all = Rendered::default();
    let mut seen = HashSet::new();
    for rendered in languages {
        let rendered = rendered?;
        all.files.extend(rendered.files);
        // A body shown untranslated in several languages reports its problems once.
        all.problems.extend(
            rendered
                .problems
                .into_iter()
                .filter(|p| seen.insert(p.to_string())),
        );
        all.files_rendered += rendered.files_rendered;
        all.pages_rendered += rendered.pages_rendered;
        all.memo.merge(rendered.memo);
        all.deferred |= rendered.deferred;
        all.records.extend(rendered.records);
    }
    Ok(all)
}

#[allow(clippy::too_many_arguments)]
fn render_language(
    config: &Config,
    site: &PublicSite,
    lang: &str,
    names: &[(String, String)],
    theme: &Theme,
    tera: &mut Tera,
    images: &Images,
    media: &MediaFiles,
    reuse: Reuse,
    sink: Option<Sink>,
) -> Result<Rendered> {
    let prefix = config.lang_prefix(lang);
    let routes = Routes::reuse_or_make(
        site,
        config.base_path(),
        &prefix,
        reuse.memo.routes.get(&prefix),
    );
    let statics: HashSet<String> = theme.statics.keys().cloned().collect();
    let site_view = site_view(config, site, theme, &routes, lang, names)?;
    let globals_fp = fingerprint(&(
        &site_view,
        lang,
        names,
        theme.fingerprint,
        binary_fingerprint(),
    ));
    let globals = tera.global_context();
    globals.insert("site", &site_view);
    globals.insert("lang", lang);
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
        site_title: config.title_in(lang),
        as_of: config.as_of.earliest,
        site_description: config.description_in(lang),
        site_license: config.license.as_deref(),
        theme,
        tera,
        images,
        media,
        routes,
        statics_fp: fingerprint(&theme.statics.keys().collect::<Vec<_>>()),
        statics,
        lang,
        base_url: &config.base_url,
        framework_sections,
        prev: reuse.memo,
        on_disk: reuse.on_disk,
        defer_listings: reuse.defer_listings,
        deferred: Default::default(),
        listed: Default::default(),
        globals_fp,
        sink,
        prefix,
        base_path: config.base_path(),
        languages: names,
        default_lang: &config.language,
        search: config.search,
    };
    let mut rendered = r.all()?;
    rendered.deferred = r.deferred.into_inner();
    rendered.memo.listings = r
        .listed
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .collect();
    // Kept for the next render (two entries per published page: freeing the table, or making
    // it again, would take a few milliseconds at 10,000 entries).
    let Renderer { routes, prefix, .. } = r;
    rendered.memo.routes.insert(prefix, routes);
    Ok(rendered)
}

fn site_view<'a>(
    config: &'a Config,
    site: &PublicSite,
    theme: &Theme,
    routes: &Routes,
    lang: &'a str,
    names: &[(String, String)],
) -> Result<SiteView<'a>> {
    let mut nav = vec![LinkView {
        title: theme.text(lang, "nav.contests")?,
        url: routes.contests(),
        lang: None,
    }];
    let other = |l: &str| (l != lang).then(|| l.to_string());
    if let Some(f) = &site.framework {
        nav.push(LinkView {
            title: f.title.clone(),
            url: routes.page("framework"),
            lang: other(&f.lang),
        });
    }
    let mut pages: Vec<&Page> = site.pages.iter().collect();
    pages.sort_by_key(|p| (p.weight.is_none(), p.weight, p.title.to_lowercase()));
    nav.extend(pages.into_iter().map(|p| LinkView {
        title: p.title.clone(),
        url: routes.page(&p.slug),
        lang: other(&p.lang),
    }));
    let search_url = config.search.then(|| routes.page("search"));
    if let Some(url) = &search_url {
        nav.push(LinkView {
            title: theme.text(lang, "search.nav")?,
            url: url.clone(),
            lang: None,
        });
    }
    Ok(SiteView {
        title: config.title_in(lang),
        description: config.description_in(lang),
        base_url: config.base_url.as_str(),
        base_path: config.base_path(),
        language: lang,
        license: config.license.as_deref().map(licenses::describe),
        extra: theme.extra.clone(),
        nav,
        generator: concat!("sesh ", env!("CARGO_PKG_VERSION")),
        cite_url: routes.page(citation::REUSE_SLUG),
        home: routes.home(),
        default_language: &config.language,
        languages: names
            .iter()
            .map(|(code, name)| LanguageView {
                code: code.clone(),
                name: name.clone(),
                home: format!("{}{}", config.base_path(), config.lang_prefix(code)),
            })
            .collect(),
        search_url,
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
    routes: Arc<Routes>,
    statics: HashSet<String>,
    /// Fingerprint of the static file names (sorted), for memo keys.
    statics_fp: u64,
    lang: &'a str,
    base_url: &'a url::Url,
    /// (id, title) of the framework page's sections.
    framework_sections: Vec<(String, String)>,
    prev: &'a Memo,
    /// The files the output folder holds, with the fingerprint each was rendered from: a page
    /// whose fingerprint is unchanged is not rendered again.
    on_disk: &'a Written,
    /// See [`Reuse::defer_listings`]; `deferred` is set when a page was deferred, and
    /// `listed` collects the listing pages' keys for the memo.
    defer_listings: bool,
    deferred: std::sync::atomic::AtomicBool,
    listed: std::sync::Mutex<Vec<(String, (u64, u64))>>,
    sink: Option<Sink<'a>>,
    /// Fingerprint of the global context (`site`, `lang`) and of the published page set.
    globals_fp: u64,
    /// Output folder of this language: `""` for the default, `zh-Hans/` for another.
    prefix: String,
    /// The site's base path, without the language prefix.
    base_path: &'a str,
    /// (tag, name in its own language) of every language, default first.
    languages: &'a [(String, String)],
    default_lang: &'a str,
    /// Render the search page.
    search: bool,
}

impl Renderer<'_> {
    /// Renders `spec.template` with `view` inserted as `spec.name`, unless the memo holds the
    /// same page.
    fn page<V: Serialize>(&self, spec: Spec, view: &V) -> Result<(OutputFile, bool)> {
        let path = format!("{}{}", self.prefix, spec.path);
        let fp = self.page_fingerprint(&spec, &path, view);
        match self.on_disk.get(&path) == Some(fp) {
            true => Ok(unchanged(path, fp)),
            false => self.render_page(spec, path, fp, view),
        }
    }

    /// Like [`Renderer::page`], for a view that is costly to build (one that lists every
    /// entry): `key` stands for everything the view is built from, and the view is built only
    /// when the page must be rendered.
    fn keyed_page<V: Serialize>(
        &self,
        spec: Spec,
        key: u64,
        view: impl FnOnce() -> Result<V>,
    ) -> Result<(OutputFile, bool)> {
        let path = format!("{}{}", self.prefix, spec.path);
        let fp = self.page_fingerprint(&spec, &path, &("view built from", key));
        match self.on_disk.get(&path) == Some(fp) {
            true => Ok(unchanged(path, fp)),
            false => self.render_page(spec, path, fp, &view()?),
        }
    }

    /// Like [`Renderer::keyed_page`], for a page listing every entry's card: `own` stands for
    /// what it shows besides the cards. With [`Reuse::defer_listings`], a page whose cards
    /// changed in their word counts only, and nothing else, keeps its last version for now.
    fn listing_page<V: Serialize>(
        &self,
        spec: Spec,
        own: u64,
        listing: pages::Listing,
        view: impl FnOnce() -> Result<V>,
    ) -> Result<(OutputFile, bool)> {
        let path = format!("{}{}", self.prefix, spec.path);
        let inputs = (own, listing.shape);
        if let Ok(mut listed) = self.listed.lock() {
            listed.push((path.clone(), inputs));
        }
        let fp = self.page_fingerprint(&spec, &path, &("view built from", own, listing.cards));
        match self.on_disk.get(&path) {
            Some(old) if old == fp => Ok(unchanged(path, fp)),
            Some(old) if self.defer_listings && self.prev.listings.get(&path) == Some(&inputs) => {
                self.deferred
                    .store(true, std::sync::atomic::Ordering::Relaxed);
                Ok(unchanged(path, old))
            }
            _ => self.render_page(spec, path, fp, &view()?),
        }
    }

    /// Equal fingerprints, equal bytes: everything a page is rendered from but the templates
    /// (whose change discards the memo).
    fn page_fingerprint<V: Serialize>(&self, spec: &Spec, path: &str, view: &V) -> u64 {
        fingerprint(&(
            self.globals_fp,
            spec.template,
            path,
            spec.kind,
            &spec.url,
            spec.name,
            &spec.meta,
            view,
        ))
    }

    fn render_page<V: Serialize>(
        &self,
        spec: Spec,
        path: String,
        fp: u64,
        view: &V,
    ) -> Result<(OutputFile, bool)> {
        let Spec {
            template,
            kind,
            url,
            name,
            meta,
            ..
        } = spec;
        let mut ctx = Context::new();
        ctx.insert(name, view);
        ctx.insert("kind", kind);
        ctx.insert("page_url", &url);
        ctx.insert("permalink", &self.absolute(&url));
        ctx.insert("meta", &meta);
        let (alternates, x_default) = self.alternates(&url);
        ctx.insert("alternates", &alternates);
        ctx.insert("x_default", &x_default);
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

    /// The same page in every language (absolute URLs), and the default language's for
    /// `hreflang="x-default"`. Slugs are the same in every language: only the prefix changes.
    fn alternates(&self, url: &str) -> (Vec<AlternateView>, String) {
        let rel = url
            .strip_prefix(self.routes.base_path())
            .unwrap_or("")
            .to_string();
        let in_lang = |lang: &str| {
            let prefix = if lang == self.default_lang {
                String::new()
            } else {
                format!("{lang}/")
            };
            format!("{}{prefix}{rel}", self.base_path)
        };
        let alternates = self
            .languages
            .iter()
            .map(|(code, name)| AlternateView {
                lang: code.clone(),
                name: name.clone(),
                url: self.absolute(&in_lang(code)),
                path: in_lang(code),
                current: code == self.lang,
            })
            .collect();
        (alternates, self.absolute(&in_lang(self.default_lang)))
    }

    /// `Some(lang)` when text in `lang` sits on a page in another language (a fallback).
    fn other<'l>(&self, lang: &'l str) -> Option<&'l str> {
        (lang != self.lang).then_some(lang)
    }

    /// The absolute form of a root-relative URL.
    fn absolute(&self, url: &str) -> String {
        absolute(self.base_url, url)
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
                words: html.words,
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
                words: html.words,
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

/// A page the memo holds: its file is already in the output folder.
fn unchanged(path: String, fingerprint: u64) -> (OutputFile, bool) {
    let file = OutputFile {
        path,
        bytes: None,
        fingerprint,
    };
    (file, false)
}

/// `url` resolved against `base`, as [`url::Url::join`] does. A path that needs no
/// normalising (no dot segments, no characters to percent-encode, no query or fragment) is
/// appended to the base's origin directly: parsing a URL for each of the tens of thousands of
/// links a large site's sitemap, feeds and alternates hold was most of their cost.
fn absolute(base: &url::Url, url: &str) -> String {
    let plain = url.starts_with('/')
        && !url.starts_with("//")
        && url
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~'))
        && url.split('/').all(|segment| !matches!(segment, "." | ".."));
    match plain {
        true => format!("{}{url}", &base[..url::Position::BeforePath]),
        false => base
            .join(url)
            .map(String::from)
            .unwrap_or_else(|_| url.to_string()),
    }
}

/// A 64-bit hash of byte strings (BLAKE3, fed each piece in turn: callers separate pieces
/// whose boundaries matter).
pub(crate) fn hash_bytes(pieces: &[&[u8]]) -> u64 {
    let mut hasher = blake3::Hasher::new();
    for piece in pieces {
        hasher.update(piece);
    }
    let mut first = [0u8; 8];
    first.copy_from_slice(&hasher.finalize().as_bytes()[..8]);
    u64::from_le_bytes(first)
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

#[cfg(test)]
mod tests {
    use super::absolute;

    #[test]
    fn absolute_urls_match_what_url_join_gives() {
        let bases = [
            "https://example.org/",
            "https://example.org/archive/",
            "http://User:pw@Example.ORG:8080/a/b/",
            "https://xn--fiqs8s.example/sesh/",
        ];
        let urls = [
            "/",
            "/archive/contests/hiv-2016/entry-1/",
            "/archive/zh-Hans/framework/",
            "/a/./b/",
            "/a/../b/",
            "/a/..",
            "/.",
            "//other.org/x",
            "/a b/",
            "/a%20b/",
            "/测试/",
            "/a?x=1#top",
            "/a\\\\b",
            "relative/page/",
            "",
            "https://elsewhere.org/y",
            "/dl/entry.v1.2_final~x.ris",
        ];
        for base in bases {
            let parsed = url::Url::parse(base).expect("test base");
            for url in urls {
                let joined = parsed.join(url).map(String::from).unwrap_or(url.into());
                assert_eq!(absolute(&parsed, url), joined, "{url} against {base}");
            }
        }
    }
}
