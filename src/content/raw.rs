//! The raw model: content exactly as written, private fields included.
//!
//! Nothing here is fit to publish. Consent-related values stay as untyped TOML values with their
//! spans, so that the consent gate, not serde, decides what an invalid value means (it excludes the
//! item and names the line). Everything else rejects unknown keys: a typo is reported, not ignored.

use super::frontmatter::{HasFacts, Invalid, SourceFile};
use crate::public::{ContestFacts, ContestStats};
use crate::report::Problem;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use toml::Spanned;
use toml::value::Datetime;

/// A TOML value kept with its position, for the gate to judge.
pub type RawValue = Spanned<toml::Value>;

/// Everything found under `content/`.
#[derive(Debug, Default)]
pub struct RawSite {
    /// `content/_index.md`.
    pub home: Option<RawPage>,
    /// `content/framework.md`.
    pub framework: Option<RawPage>,
    /// Other `content/*.md`.
    pub pages: Vec<RawPage>,
    pub contests: Vec<RawContest>,
    /// Problems found while reading (unexpected files, unreadable pages).
    pub problems: Vec<Problem>,
}

/// A standalone page (home, framework, about…). Written by organisers.
#[derive(Debug)]
pub struct RawPage {
    pub slug: String,
    /// File relative to `content/`, e.g. `about.md`.
    pub rel: String,
    pub source: SourceFile,
    pub front: PageFront,
    /// `<name>.<language>.md` beside it.
    pub translations: Vec<RawTranslation>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageFront {
    pub title: String,
    pub description: Option<String>,
    /// Order in the navigation; pages without a weight come last, by title.
    pub weight: Option<i64>,
    /// A template of the theme or site to render this page with, instead of `page.html`.
    pub template: Option<String>,
    /// The language the page is written in (default: the site's default language).
    pub lang: Option<String>,
    #[serde(default)]
    pub extra: toml::Table,
}

#[derive(Debug)]
pub struct RawContest {
    pub slug: String,
    pub dir: PathBuf,
    /// Folder relative to `content/`, `/`-separated, as named on disk.
    pub rel: String,
    pub source: SourceFile,
    /// The front matter, or why it could not be read (which excludes the contest).
    pub front: Result<ContestFront, Invalid<ContestFront>>,
    pub entries: Vec<RawEntry>,
    /// `_index.<language>.md` beside `_index.md`.
    pub translations: Vec<RawTranslation>,
}

impl RawContest {
    /// A hash of everything read for this contest: its file and every entry's file (hashes of
    /// the front matter and body), translations, media locations and transcripts. Equal revisions
    /// (with equal settings) give an equal public contest, so a rebuild can reuse its pages.
    pub fn revision(&self) -> u64 {
        let mut h = DefaultHasher::new();
        (&self.slug, &self.rel).hash(&mut h);
        hash_sources(&self.source, &self.translations, &mut h);
        for e in &self.entries {
            e.revision.hash(&mut h);
        }
        h.finish()
    }
}

impl HasFacts for ContestFront {
    fn facts_mut(&mut self) -> &mut ContestFacts {
        &mut self.facts
    }
}

impl HasFacts for TranslationFront {
    fn facts_mut(&mut self) -> &mut ContestFacts {
        &mut self.facts
    }
}

impl RawEntry {
    /// A hash of everything read for this entry (its part of [`RawContest::revision`]).
    pub fn sources_hash(&self) -> u64 {
        let mut h = DefaultHasher::new();
        (&self.slug, &self.rel, &self.media_files, &self.media_parts).hash(&mut h);
        hash_sources(&self.source, &self.translations, &mut h);
        h.finish()
    }
}

/// Hashes a file and its translations by what was read from them.
fn hash_sources(source: &SourceFile, translations: &[RawTranslation], h: &mut DefaultHasher) {
    let file = |s: &SourceFile, h: &mut DefaultHasher| {
        (&s.display, s.front_hash, s.body_hash, s.body_line).hash(h);
    };
    file(source, h);
    for t in translations {
        t.lang.hash(h);
        file(&t.source, h);
    }
}

/// A contest's `_index.md` front matter. Read with its facts by [`SourceFile::parse_with_facts`],
/// which refuses keys neither reads (so no `deny_unknown_fields` here).
#[derive(Debug, Default, Deserialize)]
pub struct ContestFront {
    pub title: String,
    pub summary: Option<String>,
    pub start: Option<Datetime>,
    pub end: Option<Datetime>,
    /// Organisers, purpose, audience…: read from the same table.
    #[serde(skip)]
    pub facts: ContestFacts,
    pub license: Option<String>,
    /// A DOI for the contest as a whole (`10.…`); checked by the gate.
    pub doi: Option<Spanned<String>>,
    /// What came out of the contest (publications, guidelines…), shown as "Outcomes".
    #[serde(default)]
    pub outputs: Vec<RawOutput>,
    /// `true` keeps the contest and all its entries unpublished.
    pub draft: Option<RawValue>,
    /// `true` caps every author's credit at initials unless the entry says `identified = true`.
    pub sensitive: Option<RawValue>,
    /// Order on the home page; contests without a weight follow, newest first.
    pub weight: Option<i64>,
    pub stats: Option<ContestStats>,
    /// Level-2 headings every entry should use (a structured case study), in order.
    #[serde(default)]
    pub sections: Vec<String>,
    /// The call's word limits per entry: `[minimum, maximum]`.
    pub words: Option<[u32; 2]>,
    /// The language the contest text is written in (default: the site's default language).
    pub lang: Option<String>,
    #[serde(default)]
    pub extra: toml::Table,
}

/// One `[[outputs]]` item of a contest, as written; the gate checks kind, URL, DOI and year.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOutput {
    pub kind: Option<Spanned<String>>,
    pub title: Option<Spanned<String>>,
    pub url: Option<Spanned<String>>,
    pub doi: Option<Spanned<String>>,
    pub year: Option<Spanned<i64>>,
    pub note: Option<String>,
}

#[derive(Debug)]
pub struct RawEntry {
    pub slug: String,
    /// Folder relative to `content/`, `/`-separated, as named on disk.
    pub rel: String,
    pub source: SourceFile,
    pub front: Result<EntryFront, Invalid<EntryFront>>,
    /// Where each `[[media]]` file was found, index for index with `front.media`.
    pub media_files: Vec<Located>,
    /// The poster, captions and transcript of each `[[media]]` item, index for index.
    pub media_parts: Vec<MediaParts>,
    /// `index.<language>.md` beside `index.md`.
    pub translations: Vec<RawTranslation>,
    /// [`RawEntry::sources_hash`], computed once when the entry is read (an entry folder that
    /// changes is read again into a new `RawEntry`).
    pub revision: u64,
}

/// The files a media item names besides its own, located (and the transcript read).
#[derive(Debug, Clone, Default, Hash)]
pub struct MediaParts {
    pub poster: Option<Located>,
    /// (language, where the file is).
    pub captions: Vec<(String, Located)>,
    /// Where the transcript is and its text (`None` when it is not UTF-8 text or too large).
    pub transcript: Option<(Located, Option<String>)>,
}

/// Where a media file named in front matter resolved to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Located {
    /// An existing regular file inside the entry folder (symlinks resolved).
    Found(PathBuf),
    Missing,
    /// The path leaves the entry folder (`..`, absolute, a symlink pointing out).
    OutsideEntry,
    /// Hidden files and editor backups are never published.
    Hidden,
    /// No `file` was given.
    NotAFile,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryFront {
    pub title: String,
    pub summary: Option<String>,
    pub award: Option<Spanned<String>>,
    pub date: Option<Datetime>,
    pub country: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub license: Option<String>,
    /// The entry's DOI (`10.…`), when it has one; checked by the gate.
    pub doi: Option<Spanned<String>>,
    pub weight: Option<i64>,
    /// Ids of framework sections this entry illustrates.
    #[serde(default)]
    pub framework: Vec<String>,
    #[serde(default)]
    pub authors: Vec<RawAuthor>,
    /// The consent table, key by key, judged only by the consent gate.
    pub consent: Option<Spanned<BTreeMap<String, RawValue>>>,
    #[serde(default)]
    pub media: Vec<RawMedia>,
    /// Never rendered, exported or copied. Kept only so audits can prove it stays out.
    pub private: Option<toml::Table>,
    /// The language the entry is written in (default: the site's default language).
    pub lang: Option<String>,
    #[serde(default)]
    pub extra: toml::Table,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAuthor {
    pub name: Option<String>,
    pub credit: Option<RawValue>,
    pub pseudonym: Option<String>,
    pub affiliation: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMedia {
    pub file: Option<Spanned<String>>,
    pub alt: Option<String>,
    pub caption: Option<String>,
    /// Per-item consent; missing inherits `consent.images`.
    pub consent: Option<RawValue>,
    /// An external address instead of a file.
    pub url: Option<Spanned<String>>,
    /// image | video | audio | document | link; inferred from the file or address when missing.
    pub kind: Option<Spanned<String>>,
    /// An image file of the entry folder shown before a video loads.
    pub poster: Option<Spanned<String>>,
    /// WebVTT files by language: `captions = { en = "talk.en.vtt" }`.
    #[serde(default)]
    pub captions: BTreeMap<String, Spanned<String>>,
    /// A Markdown or text file of the entry folder.
    pub transcript: Option<Spanned<String>>,
    /// `"3:12"` or `"1:02:03"`.
    pub duration: Option<Spanned<String>>,
    /// Other addresses of the same external video.
    #[serde(default)]
    pub mirrors: Vec<String>,
}

/// A translation file: `index.<language>.md`, `_index.<language>.md`, `<page>.<language>.md`.
#[derive(Debug)]
pub struct RawTranslation {
    /// The BCP 47 tag from the file name (one of the site's languages).
    pub lang: String,
    pub source: SourceFile,
    /// Its text fields, or why it cannot be used (then it is not published; the original is
    /// unaffected).
    pub front: Result<TranslationFront, Invalid<TranslationFront>>,
}

/// What a translation may say: text only. Consent, awards, media files, authors, dates and
/// licenses come from the original, so a translation can never publish what the original
/// does not (keys for them are errors, see `content::translation`, which also refuses keys
/// neither this nor the facts read).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct TranslationFront {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// A contest's facts in this language, read from the same table.
    #[serde(skip)]
    pub facts: ContestFacts,
    /// Alt text and captions of the original's media, by file name.
    #[serde(default)]
    pub media: Vec<TranslatedMedia>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranslatedMedia {
    pub file: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
}
