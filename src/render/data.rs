//! OPEN DATA: the published archive as files other researchers can reuse: `data/entries.json`,
//! `data/entries.csv`, `data/contests.json`, their JSON Schema `data/schema.json` and a
//! `data/README.txt`. Built from the public model only, with the same credits, licenses and
//! consented media the pages show, so nothing the gate refused can appear in them.

use super::citation::{output_view, stem};
use super::view::{CiteView, CreditView, DoiView, ImageView, LinkView, OutputView};
use super::{OutputFile, Renderer};
use crate::licenses::{self, License};
use crate::public::{Contest, Entry, Media, MediaKind};
use crate::public::{ContestFacts, ContestStats};
use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Version of the export format (in every file and in `schema.json`): bumped on any change
/// to the fields; the major part when a field is removed or changes meaning.
pub const SCHEMA_VERSION: &str = "2.0.0";

/// The JSON Schema of `entries.json` and `contests.json`.
const SCHEMA: &str = include_str!("data_schema.json");

/// (file in `data/`, key of its description in the theme's strings `reuse.*`).
pub const FILES: [(&str, &str); 5] = [
    ("entries.json", "entries_json"),
    ("entries.csv", "entries_csv"),
    ("contests.json", "contests_json"),
    ("schema.json", "schema_json"),
    ("README.txt", "readme"),
];

#[derive(Serialize)]
struct Document<'a, T> {
    schema_version: &'static str,
    /// Absolute URL of `schema.json`.
    schema: String,
    generator: &'static str,
    site: SiteRecord<'a>,
    #[serde(flatten)]
    items: T,
}

#[derive(Serialize)]
struct SiteRecord<'a> {
    title: &'a str,
    url: &'a str,
    license: Option<License>,
}

#[derive(Serialize)]
struct Entries {
    /// Written empty: the records, formatted per contest ([`DataPart`]), replace the list.
    entries: [u8; 0],
}

/// How serde_json writes the empty list of entries in a document.
const EMPTY_ENTRIES: &str = "\n  \"entries\": []";

/// Contest (as named in [`super::Memo`]) → its key and its [`DataPart`].
pub type DataMemo = HashMap<String, (u64, Arc<DataPart>)>;

/// The records of one contest's entries, formatted for `entries.json` (indented as there,
/// separated by commas) and `entries.csv` (CRLF lines): kept between rebuilds.
#[derive(Debug)]
pub struct DataPart {
    json: String,
    csv: String,
    /// A hash of both.
    hash: u64,
}

#[derive(Serialize)]
struct Contests<'a> {
    contests: Vec<ContestRecord<'a>>,
}

#[derive(Serialize)]
struct EntryRecord<'a> {
    /// `contest/entry`.
    id: String,
    url: String,
    title: &'a str,
    summary: Option<&'a str>,
    contest: ContestRef<'a>,
    award: Option<&'static str>,
    date: Option<String>,
    /// `text` is `null` for anonymous authors.
    credits: Vec<CreditView<'a>>,
    credit_line: String,
    country: Option<&'a str>,
    tags: &'a [String],
    license: Option<License>,
    doi: Option<DoiView>,
    media: Vec<MediaRecord<'a>>,
    framework: Vec<LinkView>,
    citation: CiteView,
}

#[derive(Serialize)]
struct ContestRef<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
}

/// A published media item of an entry: its file (or, for an external item, its address) and
/// what a reuser needs to know about it. Fields that do not apply to its kind are `null`.
#[derive(Serialize)]
struct MediaRecord<'a> {
    /// `image`, `video`, `audio`, `document` or `link`.
    kind: &'static str,
    url: String,
    /// `url` is an address elsewhere (a video host, a web page), not a file of the archive.
    external: bool,
    mime: Option<&'static str>,
    /// Size of the published file (videos, audio, documents).
    bytes: Option<u64>,
    width: Option<u32>,
    height: Option<u32>,
    /// Seconds (videos, audio).
    duration: Option<u32>,
    /// Pages (documents).
    pages: Option<usize>,
    alt: &'a str,
    caption: Option<&'a str>,
    /// The image shown before a video, audio file, document or link loads.
    poster: Option<ImageRecord>,
    /// WebVTT caption tracks.
    captions: Vec<TrackRecord>,
    /// Other addresses of the same external video.
    mirrors: &'a [String],
}

#[derive(Serialize)]
struct ImageRecord {
    url: String,
    width: u32,
    height: u32,
}

#[derive(Serialize)]
struct TrackRecord {
    lang: String,
    url: String,
}

#[derive(Serialize)]
struct ContestRecord<'a> {
    id: &'a str,
    url: String,
    title: &'a str,
    summary: Option<&'a str>,
    start: Option<String>,
    end: Option<String>,
    #[serde(flatten)]
    facts: &'a ContestFacts,
    license: Option<License>,
    doi: Option<DoiView>,
    stats: &'a ContestStats,
    outputs: Vec<OutputView>,
    entry_count: usize,
    /// Ids of its published entries, in gallery order.
    entries: Vec<String>,
    citation: CiteView,
}

impl<'a> Renderer<'a> {
    pub(super) fn data_files(
        &self,
        keys: &[(String, u64)],
    ) -> Result<(Vec<(OutputFile, bool)>, DataMemo)> {
        // Written once, at the root, in the default language.
        if self.lang != self.default_lang {
            return Ok((Vec::new(), HashMap::new()));
        }
        // Each contest's records, reused while the contest's key is unchanged (a one-entry
        // edit in `sesh serve` formats the records of its own contest only).
        let parts: Vec<Arc<DataPart>> = self
            .site
            .contests
            .par_iter()
            .zip(keys)
            .map(|(contest, (name, key))| match self.prev.data.get(name) {
                Some((k, part)) if k == key => Ok(part.clone()),
                _ => self.data_part(contest).map(Arc::new),
            })
            .collect::<Result<_>>()?;
        let memo = keys
            .iter()
            .zip(&parts)
            .map(|((name, key), part)| (name.clone(), (*key, part.clone())))
            .collect();
        let csv = self.joined(
            "data/entries.csv",
            [&super::data_csv::entries(&[]), ""],
            parts.iter().map(|p| (p.csv.as_str(), p.hash)),
            "",
        )?;
        // The records go where serde_json writes the empty list, indented as it would.
        let document = self.document(Entries { entries: [] })?;
        let records = parts.iter().filter(|p| !p.json.is_empty());
        let entries_json = match (document.split_once(EMPTY_ENTRIES), records.clone().next()) {
            (Some((head, tail)), Some(_)) => self.joined(
                "data/entries.json",
                [
                    &format!("{head}\n  \"entries\": [\n"),
                    &format!("\n  ]{tail}"),
                ],
                records.map(|p| (p.json.as_str(), p.hash)),
                ",\n",
            )?,
            _ => self.file("data/entries.json".into(), document.into_bytes())?,
        };
        let contests: Vec<ContestRecord> = self
            .site
            .contests
            .iter()
            .map(|c| self.contest_record(c))
            .collect::<Result<_>>()?;
        let contests_json = self.document(Contests { contests })?;
        let schema = SCHEMA.replace("{{version}}", SCHEMA_VERSION).replace(
            "{{id}}",
            &self.absolute(&self.routes.file("data/schema.json")),
        );
        let readme = self.readme()?;
        let mut files = vec![entries_json, csv];
        for (name, bytes) in [
            (FILES[2].0, contests_json),
            (FILES[3].0, schema),
            (FILES[4].0, readme),
        ] {
            files.push(self.file(format!("data/{name}"), bytes.into_bytes())?);
        }
        Ok((files, memo))
    }

    /// A file made of `around[0]`, the `parts` (text, hash of the text) separated by `sep`,
    /// and `around[1]`; assembled and written only when the output folder does not already
    /// hold it (an edit that changes no record leaves the data files as they are).
    fn joined<'p>(
        &self,
        path: &str,
        around: [&str; 2],
        parts: impl Iterator<Item = (&'p str, u64)> + Clone,
        sep: &str,
    ) -> Result<(OutputFile, bool)> {
        let key = {
            let mut h = std::hash::DefaultHasher::new();
            (path, around, sep, super::binary_fingerprint()).hash(&mut h);
            for (_, hash) in parts.clone() {
                hash.hash(&mut h);
            }
            h.finish()
        };
        let mut text = String::from(around[0]);
        if self.on_disk.get(path) != Some(key) {
            for (i, (part, _)) in parts.enumerate() {
                if i > 0 {
                    text.push_str(sep);
                }
                text.push_str(part);
            }
            text.push_str(around[1]);
        }
        // `write_out` returns the file as unchanged, without its bytes, when the key matches.
        self.write_out(path.to_string(), text.into_bytes(), key)
    }

    /// The records of `contest`'s entries as they appear in `entries.json` and `entries.csv`.
    fn data_part(&self, contest: &'a Contest) -> Result<DataPart> {
        let mut json = Vec::new();
        let mut rows = Vec::new();
        for entry in &contest.entries {
            let record = self.entry_record(contest, entry)?;
            // Indented one list deeper; JSON text has no line break inside a string.
            let text = serde_json::to_string_pretty(&record)?;
            json.push(format!("    {}", text.replace('\n', "\n    ")));
            rows.push(record.row());
        }
        let json = json.join(",\n");
        let csv = super::data_csv::lines(&rows);
        let hash = super::hash_bytes(&[json.as_bytes(), b"\0", csv.as_bytes()]);
        Ok(DataPart { json, csv, hash })
    }

    fn document<T: Serialize>(&self, items: T) -> Result<String> {
        let doc = Document {
            schema_version: SCHEMA_VERSION,
            schema: self.absolute(&self.routes.file("data/schema.json")),
            generator: concat!("sesh ", env!("CARGO_PKG_VERSION")),
            site: SiteRecord {
                title: self.site_title,
                url: self.base_url.as_str(),
                license: self.site_license.map(licenses::describe),
            },
            items,
        };
        Ok(serde_json::to_string_pretty(&doc)? + "\n")
    }

    fn entry_record(&self, contest: &'a Contest, entry: &'a Entry) -> Result<EntryRecord<'a>> {
        let url = self.routes.entry(&contest.slug, &entry.slug);
        let citation = self.entry_citation(contest, entry)?;
        let framework_url = self.routes.page("framework");
        Ok(EntryRecord {
            id: format!("{}/{}", contest.slug, entry.slug),
            url: self.absolute(&url),
            title: &entry.title,
            summary: entry.summary.as_deref(),
            contest: ContestRef {
                id: &contest.slug,
                title: &contest.title,
                url: self.absolute(&self.routes.contest(&contest.slug)),
            },
            award: entry.award.map(|a| a.id()),
            date: entry.date.map(|d| d.to_string()),
            credits: entry.credits.iter().map(CreditView::of).collect(),
            credit_line: self.credit_line(&entry.credits, true)?,
            country: entry.country.as_deref(),
            tags: &entry.tags,
            license: entry.license.as_deref().map(licenses::describe),
            doi: super::citation::doi_view(entry.doi.as_deref()),
            media: entry
                .media
                .iter()
                .filter_map(|m| self.media_record(entry, m))
                .collect(),
            framework: self
                .framework_links(entry, &framework_url)
                .into_iter()
                .map(|l| LinkView {
                    url: self.absolute(&l.url),
                    ..l
                })
                .collect(),
            citation: self.absolute_cite(self.cite_view(&citation, &stem(&[&contest.slug]))),
        })
    }

    /// Every published file of a media item (the poster and caption tracks of a video
    /// included), as the pages link them; `None` for a file that was not published.
    fn media_record(&self, entry: &Entry, m: &'a Media) -> Option<MediaRecord<'a>> {
        let image = |i: &ImageView| ImageRecord {
            url: self.absolute(&i.full),
            width: i.full_width,
            height: i.full_height,
        };
        let mut record = MediaRecord {
            kind: m.kind.id(),
            url: String::new(),
            external: false,
            mime: None,
            bytes: None,
            width: None,
            height: None,
            duration: None,
            pages: None,
            alt: &m.alt,
            caption: m.caption.as_deref(),
            poster: None,
            captions: Vec::new(),
            mirrors: &m.mirrors,
        };
        if m.kind == MediaKind::Image {
            let shown = image(&self.image_view(m)?);
            record.mime = Some(image_mime(&shown.url));
            (record.width, record.height) = (Some(shown.width), Some(shown.height));
            record.url = shown.url;
            return Some(record);
        }
        let view = self.media_view(entry, m)?;
        record.url = match (&view.src, &view.url) {
            (Some(src), _) => self.absolute(src),
            (None, Some(url)) => url.clone(),
            (None, None) => return None,
        };
        record.external = view.src.is_none();
        record.mime = view.mime;
        record.bytes = view.size;
        record.duration = view.seconds;
        record.pages = view.pages;
        record.poster = view.poster.as_ref().map(image);
        record.captions = view
            .captions
            .iter()
            .map(|t| TrackRecord {
                lang: t.lang.clone(),
                url: self.absolute(&t.src),
            })
            .collect();
        Some(record)
    }

    fn contest_record(&self, contest: &'a Contest) -> Result<ContestRecord<'a>> {
        let url = self.routes.contest(&contest.slug);
        let citation = self.contest_citation(contest)?;
        Ok(ContestRecord {
            id: &contest.slug,
            url: self.absolute(&url),
            title: &contest.title,
            summary: contest.summary.as_deref(),
            start: contest.start.map(|d| d.to_string()),
            end: contest.end.map(|d| d.to_string()),
            facts: &contest.facts,
            license: contest.license.as_deref().map(licenses::describe),
            doi: super::citation::doi_view(contest.doi.as_deref()),
            stats: &contest.stats,
            outputs: contest.outputs.iter().map(output_view).collect(),
            entry_count: contest.entries.len(),
            entries: contest
                .entries
                .iter()
                .map(|e| format!("{}/{}", contest.slug, e.slug))
                .collect(),
            citation: self.absolute_cite(self.cite_view(&citation, &stem(&[&contest.slug]))),
        })
    }

    /// Download links made absolute (the files are read outside the site).
    fn absolute_cite(&self, cite: CiteView) -> CiteView {
        CiteView {
            bibtex_url: self.absolute(&cite.bibtex_url),
            ris_url: self.absolute(&cite.ris_url),
            csl_url: self.absolute(&cite.csl_url),
            ..cite
        }
    }

    /// `data/README.txt`: what the files are, how to reuse and cite them.
    fn readme(&self) -> Result<String> {
        let license = match self.site_license.map(licenses::describe) {
            Some(l) => format!(
                "Unless an entry's own `license` says otherwise, the content is shared under\n{} ({}){}.",
                l.name,
                l.id,
                l.url.map(|u| format!(", {u}")).unwrap_or_default()
            ),
            None => "The site sets no default license: check each entry's `license` field.".into(),
        };
        let cite_page = self.absolute(&self.routes.page(super::citation::REUSE_SLUG));
        Ok(format!(
            "{title}: open data\n\
             {rule}\n\n\
             These files list every entry and contest published in this archive, with the\n\
             same public fields as its pages: only entries whose creators gave explicit,\n\
             current consent, and credits exactly as the creators agreed to be named\n\
             (anonymous authors have no name here either).\n\n\
             entries.json   one record per published entry (JSON)\n\
             entries.csv    the same, one row per entry (UTF-8 with BOM, RFC 4180 quoting;\n\
             \x20              several values in one cell are separated by \"; \"; a cell that\n\
             \x20              starts with = + - or @ gets a leading ' so spreadsheets do not\n\
             \x20              run it as a formula; entries.json holds the exact values)\n\
             contests.json  one record per contest, with its outcomes (publications,\n\
             \x20              guidelines, policies…) and the ids of its entries\n\
             schema.json    JSON Schema (2020-12) of both JSON files, version {version}\n\n\
             Format version {version}: the `schema_version` field of each JSON file. The\n\
             version changes whenever a field changes; its first number when a field is\n\
             removed or changes meaning.\n\n\
             License\n-------\n{license}\nEach record carries its own `license` (SPDX id, name and deed).\n\n\
             Citing\n------\nCite entries and contests as shown on their pages (\"Cite this\"), or use the\n\
             `citation` field of each record: BibTeX, RIS and CSL-JSON files for every\n\
             contest, holding its citation and its entries' (cite/<contest>.bib, .ris, .csl.json).\n\
             How to cite and reuse: {cite_page}\n\n\
             Entries can be withdrawn at their creators' request: download the files again\n\
             before reusing them, and do not republish an entry that is no longer listed.\n",
            title = self.site_title,
            rule = "=".repeat(self.site_title.chars().count() + 11),
            version = SCHEMA_VERSION,
        ))
    }
}

impl EntryRecord<'_> {
    /// The entry as a CSV row (same order as [`super::data_csv::HEADER`]).
    fn row(&self) -> Vec<String> {
        let join = |items: Vec<String>| items.join("; ");
        vec![
            self.id.clone(),
            self.url.clone(),
            self.title.to_string(),
            self.summary.unwrap_or("").to_string(),
            self.contest.id.to_string(),
            self.contest.title.to_string(),
            self.award.unwrap_or("").to_string(),
            self.date.clone().unwrap_or_default(),
            self.credit_line.clone(),
            self.country.unwrap_or("").to_string(),
            join(self.tags.to_vec()),
            self.license
                .as_ref()
                .map(|l| l.id.clone())
                .unwrap_or_default(),
            self.license
                .as_ref()
                .and_then(|l| l.url.clone())
                .unwrap_or_default(),
            self.doi.as_ref().map(|d| d.id.clone()).unwrap_or_default(),
            join(self.media.iter().flat_map(MediaRecord::urls).collect()),
            join(self.framework.iter().map(|f| f.title.clone()).collect()),
        ]
    }
}

impl MediaRecord<'_> {
    /// The item's address, then its poster's and its caption tracks'.
    fn urls(&self) -> Vec<String> {
        let mut urls = vec![self.url.clone()];
        urls.extend(self.poster.as_ref().map(|p| p.url.clone()));
        urls.extend(self.captions.iter().map(|t| t.url.clone()));
        urls
    }
}

/// The type of a published image, by the extension sesh gave it.
fn image_mime(url: &str) -> &'static str {
    match url.rsplit('.').next() {
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        _ => "image/jpeg",
    }
}
