//! The page builders: one function per page kind, each building its typed view from the
//! public model and handing it to [`Renderer::page`].

use super::view::*;
use super::{BodyOut, EntryFiles, Memo, OutputFile, Rendered, Renderer, Spec};
use crate::licenses;
use crate::markdown;
use crate::public::{Award, Contest, Credit, Entry, Media, Page};
use crate::report::Problem;
use anyhow::Result;
use rayon::prelude::*;
use std::collections::HashMap;
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

mod contest;
mod entry;
mod standalone;

impl<'a> Renderer<'a> {
    pub(super) fn all(&self) -> Result<Rendered> {
        let entries: Vec<(&Contest, usize, &Entry)> = self
            .site
            .contests
            .iter()
            .map(Arc::as_ref)
            .flat_map(|c| c.entries.iter().enumerate().map(move |(i, e)| (c, i, e)))
            .collect();
        let bodies: Vec<(u64, Arc<BodyOut>)> = entries
            .par_iter()
            .map(|(_, _, e)| self.entry_body(e))
            .collect();
        let words = bodies.iter().map(|(_, body)| body.words).collect();
        let cards = Cards::new(self, &entries, words);
        // A contest made from the same sources as last time, in the same surroundings, has the
        // same entry pages: they are reused without building their views (a one-entry edit
        // then rebuilds the views of its own contest only).
        let mut keys = Vec::new();
        for (contest, range) in self.site.contests.iter().zip(self.contest_ranges()) {
            let n = range.len();
            let key = self.contest_key(contest, &bodies[range]);
            let name = format!("{}{}", self.prefix, contest.slug);
            let reused = match self.prev.contests.get(&name) {
                Some((k, files)) if *k == key && files.len() == n => Some(files),
                _ => None,
            };
            keys.push((name, key, reused));
        }
        let (listing, values, cards_memo) = self.listing(&cards, &keys)?;
        // The framework page (the largest: it may list every entry) needs only the cards: it
        // is rendered beside all the other pages.
        let (framework, pages) = rayon::join(
            || self.framework_page(&entries, &cards, listing, values.as_deref()),
            || self.pages(&entries, bodies, &cards, &keys, listing),
        );
        let (framework, problems) = framework?;
        let pages = pages?;
        let mut files = pages.head;
        files.extend(framework);
        files.extend(pages.tail);
        let mut rendered = assemble(files, pages.entry_problems, pages.bodies, problems);
        rendered.records = pages.records;
        rendered.memo.contests = pages.contest_memo;
        rendered.memo.records = pages.records_memo;
        rendered.memo.data = pages.data_memo;
        rendered.memo.contest_pages = pages.contest_pages_memo;
        rendered.memo.cards = cards_memo;
        Ok(rendered)
    }

    /// Where each contest's entries are in the site-order lists (entries, bodies, cards).
    fn contest_ranges(&self) -> Vec<std::ops::Range<usize>> {
        let mut start = 0;
        self.site
            .contests
            .iter()
            .map(|c| {
                start += c.entries.len();
                start - c.entries.len()..start
            })
            .collect()
    }

    /// What the pages that list every entry are made from. `sesh build` keys them by the
    /// contests' keys (which cover everything a card is made from). `sesh serve` keeps each
    /// contest's cards fingerprinted (and converted for Tera, for the framework page), remade
    /// only for a contest whose key changed: an edit to one entry makes its contest's cards
    /// only, and the fingerprints tell an edit that changed word counts alone.
    fn listing(
        &self,
        cards: &Cards<'_, 'a>,
        keys: &[(String, u64, Option<&EntryFiles>)],
    ) -> Result<(Listing, Option<Vec<tera::Value>>, super::CardsMemo)> {
        if self.sink.is_some() {
            let key = super::fingerprint(&keys.iter().map(|k| k.1).collect::<Vec<_>>());
            let listing = Listing {
                cards: key,
                shape: key,
            };
            return Ok((listing, None, Default::default()));
        }
        let with_values = self.site.framework.is_some();
        let per_contest: Vec<(String, super::ContestCards)> = keys
            .par_iter()
            .zip(self.contest_ranges())
            .enumerate()
            .map(|(ci, ((name, key, _), range))| {
                let made = match self.prev.cards.get(name) {
                    Some(c)
                        if c.key == *key
                            && c.count == range.len()
                            && (c.values.is_some() || !with_values) =>
                    {
                        c.clone()
                    }
                    _ => {
                        let built = cards.contest(ci)?;
                        let shapes: Vec<EntryCard> = built
                            .iter()
                            .map(|c| EntryCard {
                                word_count: 0,
                                ..c.clone()
                            })
                            .collect();
                        super::ContestCards {
                            key: *key,
                            count: built.len(),
                            cards: super::fingerprint(built),
                            shape: super::fingerprint(&shapes),
                            values: with_values.then(|| {
                                Arc::new(built.iter().map(tera::Value::from_serializable).collect())
                            }),
                        }
                    }
                };
                Ok((name.clone(), made))
            })
            .collect::<Result<_>>()?;
        let listing = Listing {
            cards: super::fingerprint(
                &per_contest
                    .iter()
                    .map(|(n, c)| (n, c.cards))
                    .collect::<Vec<_>>(),
            ),
            shape: super::fingerprint(
                &per_contest
                    .iter()
                    .map(|(n, c)| (n, c.shape))
                    .collect::<Vec<_>>(),
            ),
        };
        let values = with_values.then(|| {
            per_contest
                .iter()
                .flat_map(|(_, c)| c.values.iter().flat_map(|v| v.iter().cloned()))
                .collect()
        });
        Ok((listing, values, per_contest.into_iter().collect()))
    }

    /// Every page but the framework page, the citation downloads and the data exports.
    fn pages(
        &self,
        entries: &[(&'a Contest, usize, &'a Entry)],
        mut bodies: Vec<(u64, Arc<BodyOut>)>,
        cards: &Cards<'_, 'a>,
        keys: &[(String, u64, Option<&EntryFiles>)],
        listing: Listing,
    ) -> Result<Pages> {
        let contest_of: Vec<usize> = self
            .site
            .contests
            .iter()
            .enumerate()
            .flat_map(|(ci, c)| std::iter::repeat_n(ci, c.entries.len()))
            .collect();
        let contest_keys: Vec<(String, u64)> = keys
            .iter()
            .map(|(name, key, _)| (name.clone(), *key))
            .collect();
        // The data exports are made beside the entry pages: their last steps (joining every
        // contest's records into one file, and searching it) run on one core, which the entry
        // pages keep the other busy during.
        let (per_entry, data) = rayon::join(
            || {
                entries
                    .par_iter()
                    .zip(bodies.par_iter())
                    .zip(contest_of.par_iter())
                    .map(|(((c, i, e), (_, body)), ci)| match keys[*ci].2 {
                        Some(files) => Ok(reused(&files[*i])),
                        None => self.entry_page(c, *i, e, body),
                    })
                    .collect::<Result<Vec<Vec<(OutputFile, bool)>>>>()
            },
            || self.data_files(&contest_keys),
        );
        let per_entry = per_entry?;
        let (data, data_memo) = data?;
        // The text of every entry page, when there is a search index to feed; a contest's
        // are reused while its key is unchanged (a one-entry edit in `sesh serve` extracts the
        // text of its own contest's pages only).
        let mut records = Vec::new();
        let mut records_memo = HashMap::new();
        if self.search {
            let mut offset = 0;
            for (ci, (contest, (name, key, _))) in self.site.contests.iter().zip(keys).enumerate() {
                let range = offset..offset + contest.entries.len();
                offset = range.end;
                let part = match self.prev.records.get(name) {
                    Some((k, part)) if k == key && part.records.len() == range.len() => {
                        part.clone()
                    }
                    _ => crate::search::Part::new(
                        entries[range.clone()]
                            .par_iter()
                            .zip(&bodies[range])
                            .zip(cards.contest(ci)?)
                            .map(|(((c, _, e), (_, body)), card)| {
                                self.record(c, e, card, &body.html)
                            })
                            .collect(),
                    ),
                };
                // A streaming build (`sesh build`) renders once: its records are not kept.
                if self.sink.is_none() {
                    records_memo.insert(name.clone(), (*key, part.clone()));
                }
                records.push(part);
            }
        }
        // A streaming build (`sesh build`) keeps no memo for a next render: the entry bodies
        // are freed here, their problems kept, before the pages that list every entry are
        // built (10,000 entries: their HTML is most of the memory the render adds).
        let entry_problems: Vec<Problem> = match self.sink {
            Some(_) => bodies
                .drain(..)
                .flat_map(|(_, body)| body.problems.clone())
                .collect(),
            None => Vec::new(),
        };
        let mut contest_memo = HashMap::new();
        let mut offset = 0;
        for (contest, (name, key, _)) in self.site.contests.iter().zip(keys) {
            let n = contest.entries.len();
            let files = per_entry[offset..offset + n]
                .iter()
                .map(|produced| paths_of(produced))
                .collect();
            contest_memo.insert(name.clone(), (*key, files));
            offset += n;
        }
        // Pages first, then their citation downloads: `sesh serve` writes files in this order,
        // and a reader should see the pages of one edit change together.
        let mut files: Vec<(OutputFile, bool)> = Vec::new();
        let mut downloads: Vec<(OutputFile, bool)> = Vec::new();
        for mut produced in per_entry {
            downloads.extend(produced.split_off(1));
            files.extend(produced);
        }
        // Contest pages, reused like entry pages while their contest's key and description
        // are unchanged; beside them, the other pages that list the site.
        let (contest_pages, listed) = rayon::join(
            || {
                self.site
                    .contests
                    .par_iter()
                    .zip(keys)
                    .enumerate()
                    .map(|(ci, (contest, (name, key, _)))| {
                        let body = self.organiser_body(&contest.body);
                        let key = super::hash_bytes(&[&key.to_le_bytes(), &body.0.to_le_bytes()]);
                        let produced = match self.prev.contest_pages.get(name) {
                            Some((k, files)) if *k == key => reused(files),
                            _ => self.contest_page(contest, cards.contest(ci)?, &body.1)?,
                        };
                        Ok((name, key, produced, body))
                    })
                    .collect::<Result<Vec<_>>>()
            },
            || self.listings(entries, cards, listing),
        );
        let (contest_pages, listed) = (contest_pages?, listed?);
        let mut contest_pages_memo = HashMap::new();
        for (name, key, mut produced, body) in contest_pages {
            contest_pages_memo.insert(name.clone(), (key, paths_of(&produced)));
            downloads.extend(produced.split_off(1));
            files.extend(produced);
            bodies.push(body);
        }
        files.extend(listed.head);
        let mut tail = listed.tail;
        tail.extend(downloads);
        tail.extend(data);
        tail.extend(listed.last);
        bodies.extend(listed.bodies);
        Ok(Pages {
            head: files,
            tail,
            bodies,
            entry_problems,
            records,
            records_memo,
            contest_memo,
            contest_pages_memo,
            data_memo,
        })
    }

    /// The pages that list the site, but the framework page (rendered beside them), with the
    /// organisers' bodies they show.
    fn listings(
        &self,
        entries: &[(&'a Contest, usize, &'a Entry)],
        cards: &Cards<'_, 'a>,
        listing: Listing,
    ) -> Result<Listed> {
        let mut bodies = Vec::new();
        let empty = Page::default();
        let home = self.site.home.as_ref().unwrap_or(&empty);
        let body = self.organiser_body(&home.body);
        let head = vec![self.home(home, &body.1)?, self.contests_page()?];
        bodies.push(body);
        let mut tail = Vec::new();
        for page in &self.site.pages {
            let body = self.organiser_body(&page.body);
            let url = self.routes.page(&page.slug);
            let view = self.page_view(page, url.clone(), body.1.html.clone());
            let spec = Spec {
                template: page.template.as_deref().unwrap_or("page.html"),
                path: format!("{}/index.html", page.slug),
                kind: "page",
                url,
                name: "page",
                meta: self.meta(&page.title, page.description.as_deref(), None, false),
            };
            tail.push(self.page(spec, &view)?);
            bodies.push(body);
        }
        tail.extend(self.feeds(entries)?);
        tail.extend(self.reuse_page()?);
        let mut last = Vec::new();
        if self.search {
            last.push(self.search_page(cards, listing)?);
        }
        let spec = Spec {
            template: "404.html",
            path: "404.html".into(),
            kind: "404",
            url: format!("{}404.html", self.routes.base_path()),
            name: "notfound",
            meta: self.meta(&self.text("notfound.title")?, None, None, false),
        };
        last.push(self.page(spec, &())?);
        Ok(Listed {
            head,
            tail,
            last,
            bodies,
        })
    }

    /// Everything the entry pages of `contest` are made from besides the templates: its
    /// sources' revision, the rendered bodies (their keys), its entries' published media, the
    /// framework's sections and this render's global settings.
    fn contest_key(&self, contest: &Contest, bodies: &[(u64, Arc<BodyOut>)]) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        (
            self.globals_fp,
            self.statics_fp,
            super::binary_fingerprint(),
            &self.prefix,
            self.base_path,
            self.base_url.as_str(),
            self.lang,
            self.default_lang,
            self.languages,
        )
            .hash(&mut h);
        (
            self.search,
            self.site_license,
            self.site_title,
            self.site_description,
            self.as_of,
            &self.framework_sections,
        )
            .hash(&mut h);
        contest.revision.hash(&mut h);
        for (key, _) in bodies {
            key.hash(&mut h);
        }
        for m in contest.entries.iter().flat_map(|e| &e.media) {
            let captions: Vec<_> = m.captions.iter().map(|c| self.media.get(&c.path)).collect();
            let poster = m.poster.as_ref().map(|p| self.images.get(p));
            let published = (
                self.images.get(&m.path),
                self.media.get(&m.path),
                poster,
                captions,
            );
            format!("{published:?}").hash(&mut h);
        }
        h.finish()
    }
}

/// The pages that list the site, in the order of [`Renderer::all`]'s files: `head`, then the
/// framework page, `tail`, the downloads and data exports, and `last`.
pub(in crate::render) struct Listed {
    head: Vec<(OutputFile, bool)>,
    tail: Vec<(OutputFile, bool)>,
    last: Vec<(OutputFile, bool)>,
    bodies: Vec<(u64, Arc<BodyOut>)>,
}

/// Cards for the framework page: see [`Renderer::framework`].
type CardsFor<'c, 'r, 'a> = (&'c Cards<'r, 'a>, Listing, Option<&'c [tera::Value]>);

/// What the cards on the pages that list every entry (framework, search) are: see
/// [`Renderer::listing`].
#[derive(Debug, Clone, Copy)]
pub(in crate::render) struct Listing {
    /// Equal keys, equal cards.
    pub cards: u64,
    /// The same with the cards' word counts left out.
    pub shape: u64,
}

/// The entry cards of each contest, built when first asked for: in `sesh serve`, an edit to one
/// entry needs its own contest's cards only (the other contests' pages and framework values are
/// reused). A contest's cards are built on one thread, so that building them never waits on
/// other work of the pool.
pub(in crate::render) struct Cards<'r, 'a> {
    renderer: &'r Renderer<'a>,
    entries: &'r [(&'a Contest, usize, &'a Entry)],
    /// Words of each entry's body, in site order.
    words: Vec<usize>,
    ranges: Vec<std::ops::Range<usize>>,
    built: Vec<OnceLock<Result<Vec<EntryCard<'a>>, String>>>,
}

impl<'r, 'a> Cards<'r, 'a> {
    fn new(
        renderer: &'r Renderer<'a>,
        entries: &'r [(&'a Contest, usize, &'a Entry)],
        words: Vec<usize>,
    ) -> Cards<'r, 'a> {
        let ranges = renderer.contest_ranges();
        let built = ranges.iter().map(|_| OnceLock::new()).collect();
        Cards {
            renderer,
            entries,
            words,
            ranges,
            built,
        }
    }

    /// The cards of the `index`th contest, in its entries' order.
    fn contest(&self, index: usize) -> Result<&[EntryCard<'a>]> {
        let built = self.built[index].get_or_init(|| {
            let range = self.ranges[index].clone();
            self.entries[range.clone()]
                .iter()
                .zip(&self.words[range])
                .map(|((c, _, e), words)| self.renderer.card(c, e, *words))
                .collect::<Result<_>>()
                .map_err(|e| format!("{e:#}"))
        });
        built.as_deref().map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// Every card, in site order (the contests' built in parallel).
    fn all(&self) -> Result<Vec<&EntryCard<'a>>> {
        (0..self.built.len())
            .into_par_iter()
            .try_for_each(|index| self.contest(index).map(|_| ()))?;
        let mut all = Vec::with_capacity(self.entries.len());
        for index in 0..self.built.len() {
            all.extend(self.contest(index)?);
        }
        Ok(all)
    }
}

/// The framework page, if any (see [`Renderer::framework_page`]), and the problems it found.
type FrameworkPage = (Option<(OutputFile, bool)>, Vec<Problem>);

/// What [`Renderer::pages`] produced: files before the framework page and after it, the
/// bodies shown, and what the next render can reuse.
pub(in crate::render) struct Pages {
    head: Vec<(OutputFile, bool)>,
    tail: Vec<(OutputFile, bool)>,
    bodies: Vec<(u64, Arc<BodyOut>)>,
    entry_problems: Vec<Problem>,
    records: Vec<crate::search::Part>,
    contest_memo: HashMap<String, (u64, EntryFiles)>,
    records_memo: HashMap<String, (u64, crate::search::Part)>,
    contest_pages_memo: HashMap<String, (u64, Vec<(String, u64)>)>,
    data_memo: super::data::DataMemo,
}

/// The files produced, as a memo keeps them: (path, fingerprint); [`reused`] is the reverse.
fn paths_of(files: &[(OutputFile, bool)]) -> Vec<(String, u64)> {
    files
        .iter()
        .map(|(f, _)| (f.path.clone(), f.fingerprint))
        .collect()
}

/// Files produced last time, reused: not rendered, not written.
fn reused(files: &[(String, u64)]) -> Vec<(OutputFile, bool)> {
    files
        .iter()
        .map(|(path, fingerprint)| {
            let file = OutputFile {
                path: path.clone(),
                bytes: None,
                fingerprint: *fingerprint,
            };
            (file, false)
        })
        .collect()
}

/// Collects files, problems (in a stable order: `leading`, the bodies', `extra`) and the memo
/// for the next render.
fn assemble(
    files: Vec<(OutputFile, bool)>,
    leading: Vec<Problem>,
    bodies: Vec<(u64, Arc<BodyOut>)>,
    extra: Vec<Problem>,
) -> Rendered {
    let mut problems = leading;
    problems.extend(bodies.iter().flat_map(|(_, b)| b.problems.iter().cloned()));
    problems.extend(extra);
    let files_rendered = files.iter().filter(|(_, fresh)| *fresh).count();
    let pages_rendered = files
        .iter()
        .filter(|(file, fresh)| *fresh && file.path.ends_with(".html"))
        .count();
    let memo = Memo {
        bodies: bodies.into_iter().collect(),
        contests: HashMap::new(),
        data: HashMap::new(),
        contest_pages: HashMap::new(),
        records: HashMap::new(),
        cards: HashMap::new(),
        listings: HashMap::new(),
        routes: HashMap::new(),
    };
    Rendered {
        records: Vec::new(),
        files: files.into_iter().map(|(f, _)| f).collect(),
        problems,
        files_rendered,
        pages_rendered,
        memo,
        deferred: false,
    }
}
