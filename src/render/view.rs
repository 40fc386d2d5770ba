//! Typed views: what templates receive. Built from the public model only, so no template can
//! reach a private field or a restricted item, even by accident. `docs/themes.md` lists them.

use crate::licenses::License;
use crate::public::{ContestFacts, ContestStats};
use serde::{Serialize, Serializer};
use std::cell::Cell;
use std::sync::Arc;

/// Rendered HTML inside a view (a Markdown body). Templates receive its text; a page's
/// fingerprint uses only its key (a hash of the text, computed once), so that deciding whether
/// a page changed does not serialise the whole body again for every page.
#[derive(Debug, Clone)]
pub struct Html {
    pub text: Arc<str>,
    pub key: u64,
}

impl Html {
    pub fn new(text: String) -> Html {
        let key = u64::from_le_bytes(
            blake3::hash(text.as_bytes()).as_bytes()[..8]
                .try_into()
                .unwrap_or_default(),
        );
        Html {
            text: text.into(),
            key,
        }
    }
}

thread_local! {
    static FINGERPRINTING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with [`Html`] values serialising as their key.
pub fn fingerprinting<T>(f: impl FnOnce() -> T) -> T {
    FINGERPRINTING.with(|on| on.set(true));
    let out = f();
    FINGERPRINTING.with(|on| on.set(false));
    out
}

impl Serialize for Html {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if FINGERPRINTING.with(Cell::get) {
            serializer.serialize_u64(self.key)
        } else {
            serializer.serialize_str(&self.text)
        }
    }
}

/// `site`, available in every template.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// Absolute, ending in `/`.
    pub base_url: &'a str,
    /// Path part of the base URL, e.g. `/archive/`.
    pub base_path: &'a str,
    pub language: &'a str,
    pub license: Option<License>,
    /// `[extra]`: the theme's defaults overridden by `sesh.toml`.
    pub extra: toml::Table,
    pub nav: Vec<LinkView>,
    pub generator: &'static str,
    /// The "How to cite and reuse" page.
    pub cite_url: String,
    /// This language's home page (`/` or `/zh-Hans/`, under the base path).
    pub home: String,
    /// The default language's tag (published at the site root).
    pub default_language: &'a str,
    /// Every language of the site, default first.
    pub languages: Vec<LanguageView>,
    /// This language's search page, when search is on.
    pub search_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub title: String,
    pub url: String,
    /// The title's language when it is not the page's (an untranslated title).
    pub lang: Option<String>,
}

/// A language of the site.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageView {
    /// BCP 47 tag, e.g. `zh-Hans`.
    pub code: String,
    /// Its name in itself (`language.name` of its string table), e.g. `简体中文`.
    pub name: String,
    /// Its home page, root-relative.
    pub home: String,
}

/// The current page in one language (`alternates`: one per language, for `hreflang` links
/// and the language switcher).
#[derive(Debug, Clone, Serialize)]
pub struct AlternateView {
    pub lang: String,
    pub name: String,
    /// Absolute.
    pub url: String,
    /// Root-relative.
    pub path: String,
    /// This is the page being rendered.
    pub current: bool,
}

/// What every page tells search engines and link previews (OpenGraph, Twitter cards).
#[derive(Debug, Clone, Serialize)]
pub struct MetaView {
    pub title: String,
    pub description: String,
    /// Absolute URL of an image representing the page.
    pub image: Option<String>,
    pub image_alt: Option<String>,
    /// `website` or `article`.
    pub og_type: &'static str,
    /// schema.org JSON-LD, already safe inside `<script type="application/ld+json">`.
    pub jsonld: Option<String>,
    /// Highwire `citation_*` and Dublin Core `DC.*` meta tags (entry and contest pages).
    pub tags: Vec<crate::render::citation::MetaTag>,
}

/// "Cite this": a formatted citation and its downloads.
#[derive(Debug, Clone, Serialize)]
pub struct CiteView {
    /// APA-like, plain text.
    pub text: String,
    pub bibtex: String,
    pub bibtex_url: String,
    pub ris_url: String,
    /// CSL-JSON.
    pub csl_url: String,
}

/// "Share": where a contest's deposit metadata is, and the slug the organisers' commands take.
#[derive(Debug, Clone, Serialize)]
pub struct ShareView {
    /// The contest's folder name (`sesh bundle <slug>`, `sesh deposit --contest <slug>`).
    pub slug: String,
    /// DataCite 4.5 XML record.
    pub datacite_xml: String,
    /// The same record as DataCite JSON.
    pub datacite_json: String,
    /// Zenodo deposit metadata.
    pub zenodo: String,
    /// The archive's `CITATION.cff`.
    pub citation_cff: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DoiView {
    /// Bare, `10.…`.
    pub id: String,
    /// `https://doi.org/…`.
    pub url: String,
}

/// A contest outcome (`[[outputs]]`).
#[derive(Debug, Clone, Serialize)]
pub struct OutputView {
    /// `publication`, `guideline`, `policy`, `implementation`, `presentation` or `dataset`.
    pub kind: &'static str,
    pub title: String,
    pub url: Option<String>,
    pub doi: Option<DoiView>,
    pub year: Option<i64>,
    pub note: Option<String>,
}

/// The "How to cite and reuse" page (`cite.html`).
#[derive(Debug, Clone, Serialize)]
pub struct ReuseView {
    pub title: String,
    pub url: String,
    pub license: Option<License>,
    /// The open data files.
    pub data: Vec<LinkView>,
    pub contests: Vec<ReuseContestView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReuseContestView {
    pub contest: LinkView,
    pub cite: CiteView,
}

/// An item of the Atom feed.
#[derive(Debug, Clone, Serialize)]
pub struct FeedEntry<'a> {
    pub title: &'a str,
    /// Absolute.
    pub url: String,
    /// RFC 3339.
    pub updated: String,
    pub summary: Option<&'a str>,
    pub credit_line: String,
    pub contest_title: &'a str,
    pub award: Option<&'static str>,
}

/// A page of `sitemap.xml`, with its versions in every language.
#[derive(Debug, Clone, Serialize)]
pub struct SitemapUrl {
    /// Absolute.
    pub loc: String,
    pub alternates: Vec<AlternateView>,
    /// Absolute URL of the default language's version.
    pub x_default: String,
}

/// `atom.xml`.
#[derive(Debug, Clone, Serialize)]
pub struct FeedView<'a> {
    /// Absolute URL of the feed itself.
    pub url: String,
    /// RFC 3339: the newest entry's date.
    pub updated: String,
    pub entries: Vec<FeedEntry<'a>>,
}

/// Home, framework intro and standalone pages.
#[derive(Debug, Clone, Serialize)]
pub struct PageView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub url: String,
    pub body_html: Html,
    pub extra: &'a toml::Table,
    /// Language of the title and description when not the page's (untranslated).
    pub lang: Option<&'a str>,
    /// Language of the body when not the page's.
    pub body_lang: Option<&'a str>,
}

/// The home page: its own text, the contests as cards, and the number of published entries.
#[derive(Debug, Clone, Serialize)]
pub struct HomeView<'a> {
    pub page: PageView<'a>,
    pub contests: Vec<ContestCard<'a>>,
    pub entry_count: usize,
}

/// A processed image: `src` is a mid-size variant, `srcset` lists all, `full` is the largest.
#[derive(Debug, Clone, Serialize)]
pub struct ImageView {
    pub src: String,
    pub srcset: String,
    /// The sizes for browsers that take WebP, for a `<source>` inside `<picture>`: each size's
    /// WebP file where it is smaller, else its JPEG or PNG (`None` when no size has one).
    pub webp_srcset: Option<String>,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub full: String,
    pub full_width: u32,
    pub full_height: u32,
}

/// A video, audio file, document or external link of an entry.
#[derive(Debug, Clone, Serialize)]
pub struct MediaView {
    /// `video`, `audio`, `document` or `link`.
    pub kind: &'static str,
    /// What the item is called: its alt text, else its caption, else the entry title.
    pub label: String,
    pub caption: Option<String>,
    /// The published (cleaned) file; `None` for an external item.
    pub src: Option<String>,
    /// MIME type of `src`.
    pub mime: Option<&'static str>,
    /// Bytes of `src`, and the same for people: `14.8 MB`.
    pub size: Option<u64>,
    pub size_text: Option<String>,
    /// `3:12`, from front matter or the file.
    pub duration: Option<String>,
    /// ISO 8601 duration for `<time datetime>`: `PT3M12S`.
    pub duration_iso: Option<String>,
    pub seconds: Option<u32>,
    /// Pages of a document.
    pub pages: Option<usize>,
    pub poster: Option<ImageView>,
    pub captions: Vec<TrackView>,
    /// The transcript, rendered from Markdown and sanitised.
    pub transcript_html: Option<String>,
    /// The external address.
    pub url: Option<String>,
    /// Its host, for people: `YouTube`, `Bilibili`, `Vimeo`, else the domain.
    pub host: Option<String>,
    /// The host's player address: embedded only by the player page.
    pub embed: Option<String>,
    /// The archive's player page for this item (`<entry>/play-<n>/`), linked from the entry.
    pub player: Option<String>,
    /// Output path of the player page.
    #[serde(skip)]
    pub player_path: Option<String>,
    /// The same video elsewhere.
    pub mirrors: Vec<LinkView>,
}

/// A player page: one external video, embedded because the reader asked for it.
#[derive(Debug, Clone, Serialize)]
pub struct PlayerView {
    pub url: String,
    pub item: MediaView,
    /// The entry the video belongs to.
    pub entry: LinkView,
}

/// A caption track.
#[derive(Debug, Clone, Serialize)]
pub struct TrackView {
    pub lang: String,
    /// The language's name (`English`, `中文`), else the tag.
    pub label: String,
    pub src: String,
    /// The first track is the default.
    pub default: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct FigureView {
    pub image: ImageView,
    pub caption: Option<String>,
}

/// An entry as listed in galleries and on the framework page.
#[derive(Debug, Clone, Serialize)]
pub struct EntryCard<'a> {
    pub slug: &'a str,
    pub url: String,
    pub title: &'a str,
    pub summary: Option<&'a str>,
    /// Award id (`winner`…); templates show `t(key="award." ~ award)`.
    pub award: Option<&'static str>,
    pub credit_line: String,
    pub country: Option<&'a str>,
    /// ISO date.
    pub date: Option<String>,
    pub thumb: Option<ImageView>,
    pub contest_title: &'a str,
    pub contest_url: String,
    /// Kind of the entry's first media item (`image`, `video`, `audio`, `document`, `link`).
    pub kind: Option<&'static str>,
    /// Of the first video or audio item, e.g. `3:12`.
    pub duration: Option<String>,
    /// Of the first document.
    pub pages: Option<usize>,
    pub word_count: usize,
    /// Language of the title and summary when not the page's (untranslated).
    pub lang: Option<&'a str>,
    /// Language of the contest title when not the page's.
    pub contest_lang: Option<&'a str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContestCard<'a> {
    pub slug: &'a str,
    pub url: String,
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub start: Option<String>,
    pub end: Option<String>,
    /// Organisers, purpose…: `card.organisers` in templates.
    #[serde(flatten)]
    pub facts: &'a ContestFacts,
    pub entry_count: usize,
    pub cover: Option<ImageView>,
    /// Language of the title and summary when not the page's (untranslated).
    pub lang: Option<&'a str>,
}

/// Entries of one award level, in gallery order.
#[derive(Debug, Clone, Serialize)]
pub struct AwardGroup<'a> {
    pub award: Option<&'static str>,
    pub entries: Vec<&'a EntryCard<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContestView<'a> {
    pub slug: &'a str,
    pub url: String,
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub start: Option<String>,
    pub end: Option<String>,
    /// Organisers, purpose, audience…: `contest.purpose` in templates.
    #[serde(flatten)]
    pub facts: &'a ContestFacts,
    pub license: Option<License>,
    pub doi: Option<DoiView>,
    pub outputs: Vec<OutputView>,
    pub cite: CiteView,
    pub share: ShareView,
    pub sensitive: bool,
    pub stats: &'a ContestStats,
    pub body_html: Html,
    pub cover: Option<ImageView>,
    /// Level-2 headings each entry should have (a structured case study).
    pub sections: &'a [String],
    /// The call's word limits per entry.
    pub words_min: Option<u32>,
    pub words_max: Option<u32>,
    pub entry_count: usize,
    pub groups: Vec<AwardGroup<'a>>,
    pub extra: &'a toml::Table,
    /// Language of the title, summary and facts when not the page's (untranslated).
    pub lang: Option<&'a str>,
    /// Language of the body when not the page's.
    pub body_lang: Option<&'a str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CreditView<'a> {
    /// `name`, `initials`, `pseudonym` or `anonymous`.
    pub kind: &'static str,
    /// `None` for anonymous authors.
    pub text: Option<&'a str>,
    /// Only beside a full name.
    pub affiliation: Option<&'a str>,
}

impl<'a> CreditView<'a> {
    /// How a credit is shown on a page and listed in the data export.
    pub fn of(credit: &'a crate::public::Credit) -> CreditView<'a> {
        CreditView {
            kind: credit.kind(),
            text: credit.text(),
            affiliation: match credit {
                crate::public::Credit::Name { affiliation, .. } => affiliation.as_deref(),
                _ => None,
            },
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct EntryView<'a> {
    pub slug: &'a str,
    pub url: String,
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub award: Option<&'static str>,
    pub date: Option<String>,
    pub country: Option<&'a str>,
    pub tags: &'a [String],
    pub license: Option<License>,
    pub doi: Option<DoiView>,
    pub cite: CiteView,
    pub credits: Vec<CreditView<'a>>,
    pub credit_line: String,
    pub body_html: Html,
    /// The body shows an image: figures below it then all load lazily.
    pub body_has_images: bool,
    /// The entry's first image (for link previews), whether shown inline or not.
    pub image: Option<ImageView>,
    /// Consented images not already shown in the body.
    pub figures: Vec<FigureView>,
    /// Consented videos, audio, documents and links, in front matter order.
    pub media: Vec<MediaView>,
    /// The body's level-2 headings, for an in-page table of contents.
    pub toc: Vec<LinkView>,
    pub word_count: usize,
    /// The contest's word limits.
    pub words_min: Option<u32>,
    pub words_max: Option<u32>,
    pub contest: LinkView,
    pub prev: Option<LinkView>,
    pub next: Option<LinkView>,
    /// Framework sections this entry illustrates (links into the framework page).
    pub framework: Vec<LinkView>,
    pub extra: &'a toml::Table,
    /// Language of the title and summary when not the page's (untranslated).
    pub lang: Option<&'a str>,
    /// Language of the body when not the page's.
    pub body_lang: Option<&'a str>,
}

/// A framework section and the cards of the entries that illustrate it: `C` is an
/// [`EntryCard`], or the same card already converted for Tera (`sesh serve` keeps those).
#[derive(Debug, Clone, Serialize)]
pub struct SectionView<C> {
    pub id: String,
    pub title: String,
    pub html: String,
    pub entries: Vec<C>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FrameworkView<'a, C> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub url: String,
    pub intro_html: String,
    pub sections: Vec<SectionView<C>>,
    /// Language of the title and description when not the page's (untranslated).
    pub lang: Option<&'a str>,
    /// Language of the intro and sections when not the page's.
    pub body_lang: Option<&'a str>,
}

/// The search page: the form (shown by its script) and, for readers without JavaScript, every
/// published entry by contest.
#[derive(Debug, Clone, Serialize)]
pub struct SearchView<'a> {
    pub title: String,
    pub url: String,
    /// The search index folder (`pagefind/`), root-relative.
    pub index_url: String,
    pub contests: Vec<SearchGroup<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchGroup<'a> {
    pub contest: LinkView,
    pub entries: Vec<&'a EntryCard<'a>>,
}
