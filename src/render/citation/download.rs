//! "Cite this": citations of entries and contests built from the public model, their download
//! files (one per contest and format: `cite/<contest>.bib`, `.ris` and `.csl.json`, holding the
//! contest's citation and then its entries', so an archive of 10,000 entries writes a few
//! hundred files rather than 30,000; each entry page keeps its BibTeX inline and its
//! `citation_*` tags, which reference managers read),
//! the JSON-LD and scholarly meta tags of those pages, and the site's "How to cite and reuse"
//! page (`cite/`). The downloads live under `cite/`, not in entry folders, which hold media only.

use super::{self as citation, Citation, Medium, Work};
use crate::licenses;
use crate::public::{Contest, Entry, MediaKind, Output};
use crate::render::jsonld;
use crate::render::view::{
    CiteView, DoiView, LinkView, MetaView, OutputView, ReuseContestView, ReuseView,
};
use crate::render::{OutputFile, Renderer, Spec};
use crate::web::doi_url;
use anyhow::Result;
use std::sync::Arc;

/// Where the generated "How to cite and reuse" page lives (a content page `cite.md` wins).
pub const REUSE_SLUG: &str = "cite";

/// Extensions of the citation downloads: BibTeX, RIS, CSL-JSON.
pub const FILES: [&str; 3] = [".bib", ".ris", ".csl.json"];

/// Path of the citation downloads of a contest (`[contest]`), without extension.
pub(crate) fn stem(slugs: &[&str]) -> String {
    format!("{REUSE_SLUG}/{}", slugs.join("/"))
}

impl Renderer<'_> {
    /// The citation of an entry, as shown on its page and in its download files.
    pub(crate) fn entry_citation(&self, contest: &Contest, entry: &Entry) -> Result<Citation> {
        Ok(Citation {
            key: citation::key(&[&contest.slug, &entry.slug]),
            work: Work::Entry(Medium::of(entry, !contest.sections.is_empty())),
            title: entry.title.clone(),
            authors: citation::cited_names(
                &entry.credits,
                &self.text("credit.anonymous")?,
                &self.text("credit.anonymous_many")?,
            ),
            date: entry.date.or(contest.end).or(contest.start),
            genre: self.text("cite.entry_genre")?,
            container: Some(contest.title.clone()),
            publisher: self.site_title.to_string(),
            url: self.absolute(&self.routes.entry(&contest.slug, &entry.slug)),
            doi: entry.doi.clone(),
            license: entry.license.clone(),
            license_url: entry
                .license
                .as_deref()
                .and_then(|l| licenses::describe(l).url),
            keywords: entry.tags.clone(),
            language: self.lang.to_string(),
            no_date: self.text("cite.no_date")?,
        })
    }

    /// The citation of a contest as a whole: its organisers are its authors.
    pub(crate) fn contest_citation(&self, contest: &Contest) -> Result<Citation> {
        Ok(Citation {
            key: citation::key(&[&contest.slug]),
            work: Work::Contest,
            title: contest.title.clone(),
            authors: contest.facts.organisers.clone(),
            date: contest.start.or(contest.end),
            genre: self.text("cite.contest_genre")?,
            container: None,
            publisher: self.site_title.to_string(),
            url: self.absolute(&self.routes.contest(&contest.slug)),
            doi: contest.doi.clone(),
            license: contest.license.clone(),
            license_url: contest
                .license
                .as_deref()
                .and_then(|l| licenses::describe(l).url),
            keywords: Vec::new(),
            language: self.lang.to_string(),
            no_date: self.text("cite.no_date")?,
        })
    }

    /// What a page shows under "Cite this": the formatted citation and its downloads.
    pub(crate) fn cite_view(&self, c: &Citation, stem: &str) -> CiteView {
        let url = |ext: &str| self.routes.file(&format!("{stem}{ext}"));
        CiteView {
            text: c.apa(),
            bibtex: c.bibtex(),
            bibtex_url: url(FILES[0]),
            ris_url: url(FILES[1]),
            csl_url: url(FILES[2]),
        }
    }

    /// The download files of `citations` (a contest's, then its entries'), at `stem` plus each
    /// extension: one record after another (BibTeX, RIS), or one array (CSL-JSON).
    pub(crate) fn cite_files(
        &self,
        stem: &str,
        citations: &[Citation],
    ) -> Result<Vec<(OutputFile, bool)>> {
        // Written once, at the root, in the default language (every language's page links there).
        if self.lang != self.default_lang {
            return Ok(Vec::new());
        }
        // The files are a function of the citation: when the output folder already holds them
        // for the same one, they are neither formatted nor written again (a one-entry rebuild
        // would otherwise format three files for every entry of the site).
        let key = {
            let mut h = std::hash::DefaultHasher::new();
            std::hash::Hash::hash(
                &(stem, citations, crate::render::binary_fingerprint()),
                &mut h,
            );
            std::hash::Hasher::finish(&h)
        };
        let paths = FILES.map(|ext| format!("{stem}{ext}"));
        if paths.iter().all(|p| self.on_disk.get(p) == Some(key)) {
            return Ok(paths
                .into_iter()
                .map(|path| {
                    let file = OutputFile {
                        path,
                        bytes: None,
                        fingerprint: key,
                    };
                    (file, false)
                })
                .collect());
        }
        let csl: Vec<_> = citations.iter().map(Citation::csl).collect();
        let csl = serde_json::to_string_pretty(&csl)?;
        let bibtex: Vec<String> = citations.iter().map(Citation::bibtex).collect();
        let ris: String = citations.iter().map(Citation::ris).collect();
        let contents = [bibtex.join("\n"), ris, csl + "\n"];
        paths
            .into_iter()
            .zip(contents)
            .map(|(path, text)| self.write_out(path, text.into_bytes(), key))
            .collect()
    }

    /// Page metadata plus JSON-LD and scholarly tags.
    pub(crate) fn scholarly(mut meta: MetaView, ld: &serde_json::Value, c: &Citation) -> MetaView {
        meta.jsonld = Some(jsonld::script_safe(ld));
        meta.tags = c.meta_tags();
        meta
    }

    /// The JSON-LD of an entry page.
    pub(crate) fn entry_ld(
        &self,
        contest: &Contest,
        entry: &Entry,
        c: &Citation,
    ) -> Result<serde_json::Value> {
        let images = entry
            .media
            .iter()
            .filter_map(|m| self.image_view(m))
            .map(|i| self.absolute(&i.full))
            .collect();
        let award = match entry.award {
            Some(a) => Some(self.text(&format!("award.{}", a.id()))?),
            None => None,
        };
        Ok(jsonld::entry(&jsonld::EntryLd {
            citation: c,
            summary: entry.summary.as_deref(),
            contest_url: &self.absolute(&self.routes.contest(&contest.slug)),
            award,
            country: entry.country.as_deref(),
            images,
            media: self.media_facts(contest, entry)?,
            site_url: self.base_url.as_str(),
        }))
    }

    /// What the entry's media tells search engines: the first item's file, poster, duration
    /// (its [`Medium`] is the first item's kind), the date, credit and license as cited. The
    /// player address of an external video stays on its player page, which only a click opens.
    fn media_facts(&self, contest: &Contest, entry: &Entry) -> Result<jsonld::MediaFacts> {
        let first = entry.media.first();
        let item = first
            .filter(|m| m.kind != MediaKind::Image)
            .and_then(|m| self.media_view(entry, m));
        let first_image = entry.media.iter().find_map(|m| self.image_view(m));
        let license = entry
            .license
            .as_deref()
            .map(|l| licenses::describe(l).url.unwrap_or_else(|| l.to_string()));
        Ok(jsonld::MediaFacts {
            content_url: match first.map(|m| m.kind) {
                Some(MediaKind::Image) => first_image.as_ref().map(|i| self.absolute(&i.full)),
                _ => item
                    .as_ref()
                    .and_then(|v| v.src.as_ref())
                    .map(|src| self.absolute(src)),
            },
            thumbnail: item
                .as_ref()
                .and_then(|v| v.poster.as_ref())
                .or(first_image.as_ref())
                .map(|i| self.absolute(&i.full)),
            duration: item.as_ref().and_then(|v| v.duration_iso.clone()),
            mime: item.as_ref().and_then(|v| v.mime),
            date: entry.date.or(contest.end).or(contest.start),
            credit: self.credit_line(&entry.credits, false)?,
            license_page: license
                .is_some()
                .then(|| self.absolute(&self.routes.page(REUSE_SLUG))),
            license,
        })
    }

    /// The JSON-LD of a contest page (its entries as parts, its outcomes).
    pub(crate) fn contest_ld(&self, contest: &Contest, c: &Citation) -> Result<serde_json::Value> {
        let parts = contest
            .entries
            .iter()
            .map(|e| {
                let url = self.absolute(&self.routes.entry(&contest.slug, &e.slug));
                let medium = Medium::of(e, !contest.sections.is_empty());
                let facts = self.media_facts(contest, e)?;
                Ok(jsonld::part(&url, &e.title, medium, &facts))
            })
            .collect::<Result<_>>()?;
        Ok(jsonld::contest(
            c,
            contest.summary.as_deref(),
            parts,
            &contest.outputs,
            self.base_url.as_str(),
        ))
    }

    /// The home page's JSON-LD (WebSite + Organization).
    pub(crate) fn site_ld(&self) -> serde_json::Value {
        let license = self
            .site_license
            .and_then(|l| licenses::describe(l).url.or(Some(l.to_string())));
        jsonld::site(
            self.site_title,
            self.site_description,
            self.base_url.as_str(),
            self.lang,
            license.as_deref(),
        )
    }

    /// An output file that is not a template's (citation downloads, data exports), written
    /// unless the memo says the same bytes are already there.
    pub(crate) fn file(&self, path: String, bytes: Vec<u8>) -> Result<(OutputFile, bool)> {
        // Hashed as bytes: serialising them for `fingerprint` would write every byte as a
        // JSON number (megabytes for the data exports, at every rebuild).
        let fp = crate::render::hash_bytes(&[b"file\0", path.as_bytes(), b"\0", &bytes]);
        self.write_out(path, bytes, fp)
    }

    /// Hands `bytes` to the sink (or keeps them to write), unless the output folder already
    /// holds the file of fingerprint `fp`.
    pub(crate) fn write_out(
        &self,
        path: String,
        bytes: Vec<u8>,
        fp: u64,
    ) -> Result<(OutputFile, bool)> {
        if self.on_disk.get(&path) == Some(fp) {
            return Ok((
                OutputFile {
                    path,
                    bytes: None,
                    fingerprint: fp,
                },
                false,
            ));
        }
        let bytes = match self.sink {
            Some(sink) => {
                sink(&path, &bytes)?;
                None
            }
            None => Some(Arc::new(bytes)),
        };
        Ok((
            OutputFile {
                path,
                bytes,
                fingerprint: fp,
            },
            true,
        ))
    }

    /// The "How to cite and reuse" page, unless the site has its own page `cite`.
    pub(crate) fn reuse_page(&self) -> Result<Option<(OutputFile, bool)>> {
        if self.site.pages.iter().any(|p| p.slug == REUSE_SLUG) {
            return Ok(None);
        }
        let contests = self
            .site
            .contests
            .iter()
            .map(|c| {
                let url = self.routes.contest(&c.slug);
                Ok(ReuseContestView {
                    cite: self.cite_view(&self.contest_citation(c)?, &stem(&[&c.slug])),
                    contest: LinkView {
                        title: c.title.clone(),
                        url,
                        lang: self.other(&c.lang).map(str::to_string),
                    },
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let data = crate::render::data::FILES
            .iter()
            .map(|(file, key)| {
                Ok(LinkView {
                    title: self.text(&format!("reuse.{key}"))?,
                    url: self.routes.file(&format!("data/{file}")),
                    lang: None,
                })
            })
            .collect::<Result<_>>()?;
        let title = self.text("reuse.title")?;
        let view = ReuseView {
            title: title.clone(),
            url: self.routes.page(REUSE_SLUG),
            license: self.site_license.map(licenses::describe),
            data,
            contests,
        };
        let spec = Spec {
            template: "cite.html",
            path: format!("{REUSE_SLUG}/index.html"),
            kind: "cite",
            url: view.url.clone(),
            name: "reuse",
            meta: self.meta(&title, Some(&self.text("reuse.intro")?), None, false),
        };
        self.page(spec, &view).map(Some)
    }
}

/// A DOI as pages show it.
pub(crate) fn doi_view(doi: Option<&str>) -> Option<DoiView> {
    doi.map(|d| DoiView {
        id: d.to_string(),
        url: doi_url(d),
    })
}

/// A contest outcome as pages show it.
pub(crate) fn output_view(o: &Output) -> OutputView {
    OutputView {
        kind: o.kind.id(),
        title: o.title.clone(),
        url: o.url.clone(),
        doi: doi_view(o.doi.as_deref()),
        year: o.year,
        note: o.note.clone(),
    }
}
