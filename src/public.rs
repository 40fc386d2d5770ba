//! THE PUBLIC MODEL: what the consent gate lets through, and the only data later stages see.
//!
//! These types have no field for private data, for restricted entries or for unconsented media:
//! a template, a feed or an export built from them cannot leak what they cannot hold. Credits are
//! already reduced to what the author agreed to show (a real name never sits behind an
//! "anonymous" flag), and licenses are already resolved (entry, else contest, else site).

use jiff::civil::Date;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct PublicSite {
    pub home: Option<Page>,
    pub framework: Option<Page>,
    pub pages: Vec<Page>,
    /// In display order. Shared: a rebuild reuses the gate's output for a contest whose
    /// sources and settings are unchanged (see [`crate::consent::Gate`]).
    pub contests: Vec<Arc<Contest>>,
}

/// Markdown to render, and where it came from (for relative links and messages).
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub markdown: std::sync::Arc<str>,
    /// A hash of `markdown` (memo keys use it instead of hashing the text again).
    pub hash: u64,
    /// The source file, relative to the site root (for messages).
    pub file: String,
    /// File line on which the Markdown starts.
    pub line: usize,
    /// Folder of the source file relative to `content/` (`""` for top-level pages), as named
    /// on disk: relative links resolve against it.
    pub dir: String,
    /// The language the Markdown is written in.
    pub lang: String,
}

#[derive(Debug, Clone, Default)]
pub struct Page {
    /// Empty for the home page.
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    pub weight: Option<i64>,
    /// The template to render the page with (`page.html` when not given).
    pub template: Option<String>,
    pub body: Body,
    pub extra: toml::Table,
    /// The language of its text (title, summary…; the body says its own).
    pub lang: String,
    /// Its text in other languages, by language tag (from translation files).
    pub translations: BTreeMap<String, Translation>,
}

#[derive(Debug, Clone, Default)]
pub struct Contest {
    /// [`crate::content::RawContest::revision`] of the sources it was made from.
    pub revision: u64,
    pub slug: String,
    pub weight: Option<i64>,
    pub title: String,
    pub summary: Option<String>,
    pub start: Option<Date>,
    pub end: Option<Date>,
    pub facts: ContestFacts,
    /// SPDX id: the contest's, else the site's.
    pub license: Option<String>,
    /// A valid DOI (bare, `10.…`).
    pub doi: Option<String>,
    /// What came out of the contest, valid items only, in front matter order.
    pub outputs: Vec<Output>,
    pub sensitive: bool,
    pub stats: ContestStats,
    /// Headings every entry should have (structured case studies), in order.
    pub sections: Vec<String>,
    /// The call's word limits (minimum, maximum) per entry.
    pub words: Option<[u32; 2]>,
    pub body: Body,
    /// Published entries, in display order.
    pub entries: Vec<Entry>,
    pub extra: toml::Table,
    /// The language of its text (title, summary…; the body says its own).
    pub lang: String,
    /// Its text in other languages, by language tag (from translation files).
    pub translations: BTreeMap<String, Translation>,
}

#[derive(Debug, Clone, Default)]
pub struct Entry {
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub award: Option<Award>,
    pub date: Option<Date>,
    pub country: Option<String>,
    pub tags: Vec<String>,
    /// SPDX id: the entry's, else the contest's, else the site's.
    pub license: Option<String>,
    /// A valid DOI (bare, `10.…`).
    pub doi: Option<String>,
    pub weight: Option<i64>,
    pub framework: Vec<String>,
    pub credits: Vec<Credit>,
    /// The date the entry's consent ends (`expires`): it is published until then, and never
    /// deposited in a repository, where it would stay beyond it.
    pub consent_ends: Option<Date>,
    /// Consented media only, in front matter order.
    pub media: Vec<Media>,
    pub body: Body,
    pub extra: toml::Table,
    /// The language of its text (title, summary…; the body says its own).
    pub lang: String,
    /// Its text in other languages, by language tag (from translation files).
    pub translations: BTreeMap<String, Translation>,
}

/// Something a contest led to beyond the archive (its `[[outputs]]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub kind: OutputKind,
    pub title: String,
    /// An `http(s)` URL.
    pub url: Option<String>,
    /// A valid DOI (bare, `10.…`).
    pub doi: Option<String>,
    pub year: Option<i64>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputKind {
    Publication,
    Guideline,
    Policy,
    Implementation,
    Presentation,
    Dataset,
}

impl OutputKind {
    pub const ALL: [OutputKind; 6] = [
        OutputKind::Publication,
        OutputKind::Guideline,
        OutputKind::Policy,
        OutputKind::Implementation,
        OutputKind::Presentation,
        OutputKind::Dataset,
    ];

    /// The id used in front matter, templates, exports and string tables.
    pub fn id(self) -> &'static str {
        match self {
            OutputKind::Publication => "publication",
            OutputKind::Guideline => "guideline",
            OutputKind::Policy => "policy",
            OutputKind::Implementation => "implementation",
            OutputKind::Presentation => "presentation",
            OutputKind::Dataset => "dataset",
        }
    }

    pub fn from_id(id: &str) -> Option<OutputKind> {
        OutputKind::ALL.into_iter().find(|k| k.id() == id)
    }
}

/// Awards, in rank order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Award {
    Winner,
    Finalist,
    HonorableMention,
    Shortlisted,
}

impl Award {
    pub const ALL: [Award; 4] = [
        Award::Winner,
        Award::Finalist,
        Award::HonorableMention,
        Award::Shortlisted,
    ];

    /// The id used in front matter, templates and string tables.
    pub fn id(self) -> &'static str {
        match self {
            Award::Winner => "winner",
            Award::Finalist => "finalist",
            Award::HonorableMention => "honorable-mention",
            Award::Shortlisted => "shortlisted",
        }
    }

    pub fn from_id(id: &str) -> Option<Award> {
        Award::ALL.into_iter().find(|a| a.id() == id)
    }
}

/// How an author is shown: exactly what they consented to, already reduced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credit {
    Name {
        name: String,
        affiliation: Option<String>,
    },
    Initials(String),
    Pseudonym(String),
    Anonymous,
}

impl Credit {
    /// `name`, `initials`, `pseudonym` or `anonymous`.
    pub fn kind(&self) -> &'static str {
        match self {
            Credit::Name { .. } => "name",
            Credit::Initials(_) => "initials",
            Credit::Pseudonym(_) => "pseudonym",
            Credit::Anonymous => "anonymous",
        }
    }

    /// The text to show; `None` for anonymous authors (themes show a neutral label).
    pub fn text(&self) -> Option<&str> {
        match self {
            Credit::Name { name, .. } => Some(name),
            Credit::Initials(s) | Credit::Pseudonym(s) => Some(s),
            Credit::Anonymous => None,
        }
    }
}

/// A consented media item: a file of the entry folder, or an external address.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Media {
    /// The name as written in front matter (to match Markdown references); empty for `url`.
    pub file: String,
    /// The resolved source file, inside the entry folder; empty for `url`.
    pub path: PathBuf,
    /// Required for images; for the other kinds, a label (may be empty).
    pub alt: String,
    pub caption: Option<String>,
    pub kind: MediaKind,
    /// An external address (`https://`), for `link` items and external videos.
    pub url: Option<String>,
    /// Other addresses of the same external video (another host), shown beside it.
    pub mirrors: Vec<String>,
    /// An image of the entry folder shown before the media loads (processed like any image).
    pub poster: Option<PathBuf>,
    /// Caption tracks, by language.
    pub captions: Vec<Captions>,
    /// A transcript (Markdown), read from a file of the entry folder.
    pub transcript: Option<String>,
    /// Seconds, as given in front matter (`duration = "3:12"`); local files also declare it.
    pub duration: Option<u32>,
}

/// What a media item is, which decides how it is cleaned and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MediaKind {
    #[default]
    Image,
    Video,
    Audio,
    Document,
    Link,
}

impl MediaKind {
    pub const ALL: [MediaKind; 5] = [
        MediaKind::Image,
        MediaKind::Video,
        MediaKind::Audio,
        MediaKind::Document,
        MediaKind::Link,
    ];

    /// The id used in front matter (`kind = "video"`) and templates.
    pub fn id(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
            MediaKind::Audio => "audio",
            MediaKind::Document => "document",
            MediaKind::Link => "link",
        }
    }

    pub fn from_id(id: &str) -> Option<MediaKind> {
        MediaKind::ALL.into_iter().find(|k| k.id() == id)
    }
}

/// A WebVTT caption track of a video or audio item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captions {
    /// BCP 47 language tag, e.g. `en`, `zh`.
    pub lang: String,
    pub file: String,
    pub path: PathBuf,
}

/// The text of a published item in another language. Text only: what is published (the item,
/// its media, its credits) was decided on the original.
#[derive(Debug, Clone, Default)]
pub struct Translation {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// A contest's facts; those left out or blank keep the original's.
    pub facts: ContestFacts,
    /// Alt text and caption by (normalised) media file name, for the original's consented media.
    pub media: BTreeMap<String, (Option<String>, Option<String>)>,
    /// `None` when the translation file has no body (the original's is shown).
    pub body: Option<Body>,
}

/// What a contest was, beside its title and dates: defined here once, and read as written
/// from the contest's front matter and its translations (beside their other keys, see
/// [`crate::toml_all::read_both`]), published as written and shown, exported and translated
/// as a whole. A field added here reaches the page (as `contest.<field>`), the data export and
/// translations; the template then shows it and `data_schema.json` describes it.
///
/// The order is the data export's.
#[derive(Debug, Default, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ContestFacts {
    pub organisers: Vec<String>,
    pub purpose: Option<String>,
    pub audience: Option<String>,
    pub platforms: Vec<String>,
    pub actions: Option<String>,
    pub outcome: Option<String>,
}

impl ContestFacts {
    /// Sets what `translated` says (a translation's facts: blank or left out keeps this one's).
    pub fn overlay(&mut self, translated: &ContestFacts) {
        let text = |mine: &mut Option<String>, theirs: &Option<String>| {
            if let Some(t) = theirs.as_ref().filter(|t| !t.trim().is_empty()) {
                *mine = Some(t.clone());
            }
        };
        let list = |mine: &mut Vec<String>, theirs: &Vec<String>| {
            if !theirs.is_empty() {
                *mine = theirs.clone();
            }
        };
        list(&mut self.organisers, &translated.organisers);
        text(&mut self.purpose, &translated.purpose);
        text(&mut self.audience, &translated.audience);
        list(&mut self.platforms, &translated.platforms);
        text(&mut self.actions, &translated.actions);
        text(&mut self.outcome, &translated.outcome);
    }

    /// The prose facts (what the call asked for and why), for scans of published text.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        [&self.purpose, &self.audience, &self.actions, &self.outcome]
            .into_iter()
            .flatten()
            .map(String::as_str)
    }
}

/// A contest's own figures (`[stats]`: entries submitted and eligible, countries), published as
/// written: they describe the contest, not a participant.
#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ContestStats {
    pub submitted: Option<u32>,
    pub eligible: Option<u32>,
    pub countries: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_translation_replaces_the_facts_it_gives_and_keeps_the_others() {
        let mut facts = ContestFacts {
            organisers: vec!["Clinic".into()],
            purpose: Some("Find posters".into()),
            audience: Some("Young people".into()),
            platforms: vec!["WeChat".into()],
            ..ContestFacts::default()
        };
        facts.overlay(&ContestFacts {
            purpose: Some("寻找海报".into()),
            audience: Some("  ".into()),
            organisers: vec!["示例中心".into()],
            ..ContestFacts::default()
        });
        assert_eq!(facts.purpose.as_deref(), Some("寻找海报"));
        assert_eq!(
            facts.audience.as_deref(),
            Some("Young people"),
            "blank keeps"
        );
        assert_eq!(facts.organisers, ["示例中心"]);
        assert_eq!(facts.platforms, ["WeChat"], "left out keeps");
        assert_eq!(
            facts.texts().collect::<Vec<_>>(),
            ["寻找海报", "Young people"]
        );
    }
}
