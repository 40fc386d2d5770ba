//! Typed views: what templates receive. Built from the public model only, so no template can
//! reach a private field or a restricted item, even by accident. `docs/themes.md` lists them.

use crate::content::raw::ContestStats;
use crate::licenses::License;
use serde::Serialize;

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
    pub extra: &'a toml::Table,
    pub nav: Vec<LinkView>,
    pub generator: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub title: String,
    pub url: String,
}

/// Home, framework intro and standalone pages.
#[derive(Debug, Clone, Serialize)]
pub struct PageView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub url: String,
    pub body_html: String,
    pub extra: &'a toml::Table,
}

/// A processed image: `src` is a mid-size variant, `srcset` lists all, `full` is the largest.
#[derive(Debug, Clone, Serialize)]
pub struct ImageView {
    pub src: String,
    pub srcset: String,
    /// The same sizes as WebP (`webp = true`), for a `<source>` inside `<picture>`.
    pub webp_srcset: Option<String>,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub full: String,
    pub full_width: u32,
    pub full_height: u32,
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
}

#[derive(Debug, Clone, Serialize)]
pub struct ContestCard<'a> {
    pub slug: &'a str,
    pub url: String,
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub organisers: &'a [String],
    pub entry_count: usize,
    pub cover: Option<ImageView>,
}

/// Entries of one award level, in gallery order.
#[derive(Debug, Clone, Serialize)]
pub struct AwardGroup<'a> {
    pub award: Option<&'static str>,
    pub entries: Vec<EntryCard<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContestView<'a> {
    pub slug: &'a str,
    pub url: String,
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub organisers: &'a [String],
    pub purpose: Option<&'a str>,
    pub audience: Option<&'a str>,
    pub platforms: &'a [String],
    pub actions: Option<&'a str>,
    pub outcome: Option<&'a str>,
    pub license: Option<License>,
    pub sensitive: bool,
    pub stats: &'a ContestStats,
    pub body_html: String,
    pub entry_count: usize,
    pub groups: Vec<AwardGroup<'a>>,
    pub extra: &'a toml::Table,
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
    pub credits: Vec<CreditView<'a>>,
    pub credit_line: String,
    pub body_html: String,
    /// The body shows an image: figures below it then all load lazily.
    pub body_has_images: bool,
    /// Consented images not already shown in the body.
    pub figures: Vec<FigureView>,
    pub contest: LinkView,
    pub prev: Option<LinkView>,
    pub next: Option<LinkView>,
    /// Framework sections this entry illustrates (links into the framework page).
    pub framework: Vec<LinkView>,
    pub extra: &'a toml::Table,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionView<'a> {
    pub id: String,
    pub title: String,
    pub html: String,
    pub entries: Vec<EntryCard<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FrameworkView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub url: String,
    pub intro_html: String,
    pub sections: Vec<SectionView<'a>>,
}
