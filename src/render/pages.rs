//! The page builders: one function per page kind, each building its typed view from the
//! public model and handing it to [`Renderer::page`].

use super::links::{self, BodyLinks};
use super::view::*;
use super::{BodyOut, EntryFiles, Memo, OutputFile, Rendered, Renderer, Spec, dropped_problems};
use crate::licenses;
use crate::markdown;
use crate::public::{Award, Contest, Credit, Entry, Media, Page};
use crate::report::Problem;
use anyhow::Result;
use rayon::prelude::*;
use std::collections::HashMap;
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

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
        // `sesh serve` keeps each contest's cards converted for Tera, for the framework page
        // (which may list every entry): an edit converts the cards of its contest only.
        let card_values = match (self.sink, &self.site.framework) {
            (None, Some(_)) => Some(self.card_values(&cards, &keys)?),
            _ => None,
        };
        // The framework page (the largest: it may list every entry) needs only the cards: it
        // is rendered beside all the other pages.
        let values = card_values.as_ref().map(|(values, _)| values.as_slice());
        let (framework, pages) = rayon::join(
            || self.framework_page(&entries, &cards, &keys, values),
            || self.pages(&entries, bodies, &cards, &keys),
        );
        let (framework, problems) = framework?;
        let pages = pages?;
        let mut files = pages.head;
        files.extend(framework);
        files.extend(pages.tail);
        let mut rendered = assemble(files, pages.entry_problems, pages.bodies, problems);
        rendered.records = pages.records;
        rendered.memo.contests = pages.contest_memo;
        rendered.memo.data = pages.data_memo;
        rendered.memo.contest_pages = pages.contest_pages_memo;
        rendered.memo.cards = card_values.map(|(_, memo)| memo).unwrap_or_default();
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

    /// Every card as a Tera value, in site order, reusing the memo's for contests whose key
    /// is unchanged; and the memo of them for the next render.
    fn card_values(
        &self,
        cards: &Cards<'_, 'a>,
        keys: &[(String, u64, Option<&EntryFiles>)],
    ) -> Result<(Vec<tera::Value>, super::CardsMemo)> {
        let per_contest: Vec<(String, super::ContestCards)> = keys
            .par_iter()
            .zip(self.contest_ranges())
            .enumerate()
            .map(|(ci, ((name, key, _), range))| {
                let values = match self.prev.cards.get(name) {
                    Some((k, values)) if k == key && values.len() == range.len() => values.clone(),
                    _ => Arc::new(
                        cards
                            .contest(ci)?
                            .iter()
                            .map(tera::Value::from_serializable)
                            .collect(),
                    ),
                };
                Ok((name.clone(), (*key, values)))
            })
            .collect::<Result<_>>()?;
        let all = per_contest
            .iter()
            .flat_map(|(_, (_, values))| values.iter().cloned())
            .collect();
        Ok((all, per_contest.into_iter().collect()))
    }

    /// The framework page, if the site has one, and the problems it found.
    fn framework_page(
        &self,
        entries: &[(&'a Contest, usize, &'a Entry)],
        cards: &Cards<'_, 'a>,
        keys: &[(String, u64, Option<&EntryFiles>)],
        card_values: Option<&[tera::Value]>,
    ) -> Result<FrameworkPage> {
        let mut problems = Vec::new();
        // The cards come from the contests' sources and settings, which their keys cover.
        let cards_key = super::fingerprint(&keys.iter().map(|k| k.1).collect::<Vec<_>>());
        let file = match &self.site.framework {
            Some(framework) => Some(self.framework(
                framework,
                entries,
                (cards, cards_key, card_values),
                &mut problems,
            )?),
            None => None,
        };
        Ok((file, problems))
    }

    /// Every page but the framework page, the citation downloads and the data exports.
    fn pages(
        &self,
        entries: &[(&'a Contest, usize, &'a Entry)],
        mut bodies: Vec<(u64, Arc<BodyOut>)>,
        cards: &Cards<'_, 'a>,
        keys: &[(String, u64, Option<&EntryFiles>)],
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
        // The text of every entry page, when there is a search index to feed.
        let records = match self.search {
            true => entries
                .par_iter()
                .zip(&bodies)
                .zip(cards.all()?)
                .map(|(((c, _, e), (_, body)), card)| self.record(c, e, card, &body.html))
                .collect(),
            false => Vec::new(),
        };
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
            || self.listings(entries, cards),
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
            last.push(self.search_page(cards)?);
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

    /// The search page of this language, listing every entry for readers without JavaScript.
    fn search_page(&self, cards: &Cards<'_, 'a>) -> Result<(OutputFile, bool)> {
        let mut contests = Vec::new();
        for (ci, contest) in self.site.contests.iter().enumerate() {
            contests.push(SearchGroup {
                contest: LinkView {
                    title: contest.title.clone(),
                    url: self.routes.contest(&contest.slug),
                    lang: self.other(&contest.lang).map(String::from),
                },
                entries: cards.contest(ci)?.iter().collect(),
            });
        }
        let title = self.text("search.title")?;
        let view = SearchView {
            url: self.routes.page("search"),
            index_url: self.routes.file("pagefind/"),
            title: title.clone(),
            contests,
        };
        let spec = Spec {
            template: "search.html",
            path: "search/index.html".into(),
            kind: "search",
            url: view.url.clone(),
            name: "search",
            meta: self.meta(&title, None, None, false),
        };
        self.page(spec, &view)
    }

    /// What the search index holds for an entry page in this language: its visible text.
    fn record(
        &self,
        contest: &Contest,
        entry: &Entry,
        card: &EntryCard,
        body: &Html,
    ) -> crate::search::Record {
        let mut text = vec![entry.title.clone()];
        text.extend(entry.summary.clone());
        text.push(card.credit_line.clone());
        text.extend(entry.country.clone());
        text.extend(entry.tags.iter().cloned());
        text.push(crate::search::html_text(&body.text));
        crate::search::Record {
            entry: format!("{}/{}", contest.slug, entry.slug),
            lang: self.lang.to_string(),
            url: card.url.clone(),
            title: entry.title.clone(),
            title_lang: entry.lang.clone(),
            contest: contest.title.clone(),
            text: text.join("\n"),
        }
    }

    pub(super) fn image_view(&self, media: &Media) -> Option<ImageView> {
        let published = self.images.get(&media.path)?;
        let src = published.at_least(640);
        let full = published.largest();
        Some(ImageView {
            src: self.routes.file(&src.path),
            srcset: links::srcset(&self.routes, published),
            webp_srcset: links::webp_srcset(&self.routes, published),
            width: src.width,
            height: src.height,
            alt: media.alt.clone(),
            full: self.routes.file(&full.path),
            full_width: full.width,
            full_height: full.height,
        })
    }

    /// "Wei Li, R. K. and an anonymous participant".
    pub(super) fn credit_line(&self, credits: &[Credit], affiliations: bool) -> Result<String> {
        let mut parts: Vec<String> = credits
            .iter()
            .filter_map(|c| match c {
                Credit::Name {
                    name,
                    affiliation: Some(a),
                } if affiliations => Some(format!("{name} ({a})")),
                other => other.text().map(String::from),
            })
            .collect();
        let anonymous = credits.iter().filter(|c| c.is_anonymous()).count();
        match anonymous {
            0 => {}
            1 => parts.push(self.text("credit.anonymous")?),
            n => parts.push(
                self.text("credit.anonymous_many")?
                    .replace("{count}", &n.to_string()),
            ),
        }
        Ok(match parts.len() {
            0 => String::new(),
            1 => parts.remove(0),
            _ => {
                let last = parts.pop().unwrap_or_default();
                format!(
                    "{}{}{last}",
                    parts.join(&self.text("list.separator")?),
                    self.text("list.and")?
                )
            }
        })
    }

    fn card(&self, contest: &'a Contest, entry: &'a Entry, words: usize) -> Result<EntryCard<'a>> {
        let (kind, duration, pages) = self.card_badge(entry);
        Ok(EntryCard {
            slug: &entry.slug,
            url: self.routes.entry(&contest.slug, &entry.slug),
            title: &entry.title,
            summary: entry.summary.as_deref(),
            award: entry.award.map(|a| a.id()),
            credit_line: self.credit_line(&entry.credits, false)?,
            country: entry.country.as_deref(),
            date: entry.date.map(|d| d.to_string()),
            thumb: self.card_thumb(entry),
            contest_title: &contest.title,
            contest_url: self.routes.contest(&contest.slug),
            kind,
            duration,
            pages,
            word_count: words,
            lang: self.other(&entry.lang),
            contest_lang: self.other(&contest.lang),
        })
    }

    fn entry_page(
        &self,
        contest: &'a Contest,
        index: usize,
        entry: &'a Entry,
        body: &BodyOut,
    ) -> Result<Vec<(OutputFile, bool)>> {
        let link = |e: &Entry| LinkView {
            title: e.title.clone(),
            url: self.routes.entry(&contest.slug, &e.slug),
            lang: self.other(&e.lang).map(String::from),
        };
        let figures = entry
            .media
            .iter()
            .filter(|m| !body.used.contains(&m.file))
            .filter_map(|m| {
                self.image_view(m).map(|image| FigureView {
                    image,
                    caption: m.caption.clone(),
                })
            })
            .collect();
        let framework_url = self.routes.page("framework");
        let entry_url = self.routes.entry(&contest.slug, &entry.slug);
        let entry_path = format!("contests/{}/{}", contest.slug, entry.slug);
        let media = self.media_views(entry, &entry_url, &entry_path);
        let url = entry_url.clone();
        let citation = self.entry_citation(contest, entry)?;
        let stem = super::citation::stem(&[&contest.slug, &entry.slug]);
        let view = EntryView {
            slug: &entry.slug,
            url: url.clone(),
            title: &entry.title,
            summary: entry.summary.as_deref(),
            award: entry.award.map(|a| a.id()),
            date: entry.date.map(|d| d.to_string()),
            country: entry.country.as_deref(),
            tags: &entry.tags,
            license: entry.license.as_deref().map(licenses::describe),
            doi: super::citation::doi_view(entry.doi.as_deref()),
            cite: self.cite_view(&citation, &stem),
            credits: entry.credits.iter().map(CreditView::of).collect(),
            credit_line: self.credit_line(&entry.credits, true)?,
            body_html: body.html.clone(),
            body_has_images: body.has_images,
            image: self.card_thumb(entry),
            figures,
            media,
            toc: body
                .toc
                .iter()
                .map(|(id, title)| LinkView {
                    title: title.clone(),
                    url: format!("#{id}"),
                    lang: self.other(&entry.body.lang).map(str::to_string),
                })
                .collect(),
            word_count: body.words,
            words_min: contest.words.map(|w| w[0]),
            words_max: contest.words.map(|w| w[1]),
            contest: LinkView {
                title: contest.title.clone(),
                url: self.routes.contest(&contest.slug),
                lang: self.other(&contest.lang).map(String::from),
            },
            prev: index
                .checked_sub(1)
                .and_then(|i| contest.entries.get(i))
                .map(link),
            next: contest.entries.get(index + 1).map(link),
            framework: self.framework_links(entry, &framework_url),
            extra: &entry.extra,
            lang: self.other(&entry.lang),
            body_lang: self.other(&entry.body.lang),
        };
        let meta = self.meta(
            &entry.title,
            entry.summary.as_deref(),
            view.image.as_ref(),
            true,
        );
        let ld = self.entry_ld(contest, entry, &citation)?;
        let spec = Spec {
            template: "entry.html",
            path: format!("contests/{}/{}/index.html", contest.slug, entry.slug),
            kind: "entry",
            url: view.url.clone(),
            name: "entry",
            meta: Self::scholarly(meta, &ld, &citation),
        };
        let mut files = vec![self.page(spec, &view)?];
        for item in view.media.iter().filter(|m| m.player.is_some()) {
            files.push(self.player_page(&view, item)?);
        }
        files.extend(self.cite_files(&stem, &citation)?);
        Ok(files)
    }

    /// The page that embeds an external video's player, reached only by a click.
    fn player_page(&self, entry: &EntryView, item: &MediaView) -> Result<(OutputFile, bool)> {
        let view = PlayerView {
            url: item.player.clone().unwrap_or_default(),
            item: item.clone(),
            entry: LinkView {
                title: entry.title.to_string(),
                url: entry.url.clone(),
                lang: entry.lang.map(str::to_string),
            },
        };
        let spec = Spec {
            template: "player.html",
            path: item.player_path.clone().unwrap_or_default(),
            kind: "player",
            url: view.url.clone(),
            name: "player",
            meta: self.meta(&item.label, entry.summary, item.poster.as_ref(), false),
        };
        self.page(spec, &view)
    }

    /// Sections of the framework page this entry illustrates (ids that exist there).
    pub(super) fn framework_links(&self, entry: &Entry, framework_url: &str) -> Vec<LinkView> {
        entry
            .framework
            .iter()
            .filter_map(|id| self.framework_sections.iter().find(|(s, _)| s == id))
            .map(|(id, title)| LinkView {
                title: title.clone(),
                url: format!("{framework_url}#{}", links::segment(id)),
                lang: self
                    .site
                    .framework
                    .as_ref()
                    .and_then(|f| self.other(&f.body.lang))
                    .map(String::from),
            })
            .collect()
    }

    fn contest_card(&self, contest: &'a Contest) -> ContestCard<'a> {
        ContestCard {
            slug: &contest.slug,
            url: self.routes.contest(&contest.slug),
            title: &contest.title,
            summary: contest.summary.as_deref(),
            start: contest.start.map(|d| d.to_string()),
            end: contest.end.map(|d| d.to_string()),
            organisers: &contest.organisers,
            entry_count: contest.entries.len(),
            cover: self.contest_cover(contest),
            lang: self.other(&contest.lang),
        }
    }

    /// The first published image of the contest's entries, in gallery order.
    fn contest_cover(&self, contest: &Contest) -> Option<ImageView> {
        contest.entries.iter().find_map(|e| self.card_thumb(e))
    }

    fn contest_page(
        &self,
        contest: &'a Contest,
        cards: &[EntryCard<'a>],
        body: &BodyOut,
    ) -> Result<Vec<(OutputFile, bool)>> {
        let mut groups: Vec<AwardGroup> = Vec::new();
        let mut order: Vec<Option<Award>> = contest.entries.iter().map(|e| e.award).collect();
        order.sort_by_key(|a| (a.is_none(), *a));
        order.dedup();
        for award in order {
            let entries = contest
                .entries
                .iter()
                .zip(cards)
                .filter(|(e, _)| e.award == award)
                .map(|(_, card)| card)
                .collect();
            groups.push(AwardGroup {
                award: award.map(|a| a.id()),
                entries,
            });
        }
        let url = self.routes.contest(&contest.slug);
        let citation = self.contest_citation(contest)?;
        let stem = super::citation::stem(&[&contest.slug]);
        let view = ContestView {
            slug: &contest.slug,
            url: url.clone(),
            title: &contest.title,
            summary: contest.summary.as_deref(),
            start: contest.start.map(|d| d.to_string()),
            end: contest.end.map(|d| d.to_string()),
            organisers: &contest.organisers,
            purpose: contest.purpose.as_deref(),
            audience: contest.audience.as_deref(),
            platforms: &contest.platforms,
            actions: contest.actions.as_deref(),
            outcome: contest.outcome.as_deref(),
            license: contest.license.as_deref().map(licenses::describe),
            doi: super::citation::doi_view(contest.doi.as_deref()),
            outputs: contest
                .outputs
                .iter()
                .map(super::citation::output_view)
                .collect(),
            cite: self.cite_view(&citation, &stem),
            sensitive: contest.sensitive,
            stats: &contest.stats,
            body_html: body.html.clone(),
            cover: self.contest_cover(contest),
            sections: &contest.sections,
            words_min: contest.words.map(|w| w[0]),
            words_max: contest.words.map(|w| w[1]),
            entry_count: contest.entries.len(),
            groups,
            extra: &contest.extra,
            lang: self.other(&contest.lang),
            body_lang: self.other(&contest.body.lang),
        };
        let meta = self.meta(
            &contest.title,
            contest.summary.as_deref(),
            view.cover.as_ref(),
            false,
        );
        let ld = self.contest_ld(contest, &citation);
        let spec = Spec {
            template: "contest.html",
            path: format!("contests/{}/index.html", contest.slug),
            kind: "contest",
            url: view.url.clone(),
            name: "contest",
            meta: Self::scholarly(meta, &ld, &citation),
        };
        let mut files = vec![self.page(spec, &view)?];
        files.extend(self.cite_files(&stem, &citation)?);
        Ok(files)
    }

    /// The home page's title for link previews: its own title, else the site's.
    fn site_title_or(&self, page: &Page) -> String {
        if page.title.is_empty() {
            self.site_title.to_string()
        } else {
            page.title.clone()
        }
    }

    fn page_view(&self, page: &'a Page, url: String, body_html: Html) -> PageView<'a> {
        PageView {
            title: &page.title,
            description: page.description.as_deref(),
            url,
            body_html,
            extra: &page.extra,
            lang: self.other(&page.lang),
            body_lang: self.other(&page.body.lang),
        }
    }

    fn home(&self, page: &'a Page, body: &BodyOut) -> Result<(OutputFile, bool)> {
        let view = HomeView {
            page: self.page_view(page, self.routes.home(), body.html.clone()),
            contests: self
                .site
                .contests
                .iter()
                .map(|c| self.contest_card(c))
                .collect(),
            entry_count: self.site.contests.iter().map(|c| c.entries.len()).sum(),
        };
        let spec = Spec {
            template: "index.html",
            path: "index.html".into(),
            kind: "home",
            url: self.routes.home(),
            name: "home",
            meta: MetaView {
                jsonld: Some(super::jsonld::script_safe(&self.site_ld())),
                ..self.meta(
                    &self.site_title_or(page),
                    page.description.as_deref(),
                    None,
                    false,
                )
            },
        };
        self.page(spec, &view)
    }

    fn contests_page(&self) -> Result<(OutputFile, bool)> {
        let cards: Vec<ContestCard> = self
            .site
            .contests
            .iter()
            .map(|c| self.contest_card(c))
            .collect();
        let title = self.text("contests.title")?;
        let intro = self.text("contests.intro")?;
        let spec = Spec {
            template: "contests.html",
            path: "contests/index.html".into(),
            kind: "contests",
            url: self.routes.contests(),
            name: "contests",
            meta: self.meta(&title, Some(&intro), None, false),
        };
        self.page(spec, &cards)
    }

    /// The framework page; the cards with the key of what they were built from and, in
    /// `sesh serve`, the same cards converted for Tera.
    fn framework(
        &self,
        framework: &'a Page,
        entries: &[(&'a Contest, usize, &'a Entry)],
        (cards, cards_key, card_values): CardsFor<'_, '_, 'a>,
        problems: &mut Vec<Problem>,
    ) -> Result<(OutputFile, bool)> {
        let links = BodyLinks::page(&self.routes, "", &self.statics);
        let (intro, sections) = markdown::render_sections(&framework.body.markdown, &links);
        problems.extend(dropped_problems(&framework.body, intro.dropped, false));
        let ids: HashSet<&str> = sections.iter().map(|s| s.id.as_str()).collect();
        for (_, _, entry) in entries {
            for id in entry
                .framework
                .iter()
                .filter(|id| !ids.contains(id.as_str()))
            {
                problems.push(
                    Problem::warning(
                        entry.body.file.clone(),
                        format!("no framework section with the id `{id}`"),
                    )
                    .field("framework")
                    .hint(format!(
                        "section ids: {}",
                        sections
                            .iter()
                            .map(|s| s.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                );
            }
        }
        let url = self.routes.page("framework");
        let (lang, body_lang) = (
            self.other(&framework.lang),
            self.other(&framework.body.lang),
        );
        let langs = (lang, body_lang);
        // Listing every entry, the view is the largest to build: keyed by the cards' key and
        // the framework's own text, it is built only when one of them changed.
        let key = super::fingerprint(&(
            cards_key,
            &framework.title,
            &framework.description,
            &url,
            lang,
            body_lang,
            &intro.html,
            &sections,
        ));
        let spec = Spec {
            template: "framework.html",
            path: "framework/index.html".into(),
            kind: "framework",
            url: url.clone(),
            name: "framework",
            meta: self.meta(
                &framework.title,
                framework.description.as_deref(),
                None,
                false,
            ),
        };
        match card_values {
            Some(values) => self.keyed_page(spec, key, || {
                Ok(framework_view(
                    framework, url, intro.html, sections, entries, values, langs,
                ))
            }),
            None => self.keyed_page(spec, key, || {
                let cards = cards.all()?;
                Ok(framework_view(
                    framework, url, intro.html, sections, entries, &cards, langs,
                ))
            }),
        }
    }
}

/// The framework page's view: each section with the cards (`items`, one per entry in site
/// order) of the entries that name it.
fn framework_view<'a, C: Clone>(
    framework: &'a Page,
    url: String,
    intro_html: String,
    sections: Vec<markdown::Section>,
    entries: &[(&'a Contest, usize, &'a Entry)],
    items: &[C],
    (lang, body_lang): (Option<&'a str>, Option<&'a str>),
) -> FrameworkView<'a, C> {
    FrameworkView {
        title: &framework.title,
        description: framework.description.as_deref(),
        url,
        intro_html,
        sections: sections
            .into_iter()
            .map(|s| SectionView {
                entries: entries
                    .iter()
                    .zip(items)
                    .filter(|((_, _, e), _)| e.framework.contains(&s.id))
                    .map(|(_, item)| item.clone())
                    .collect(),
                id: s.id,
                title: s.title,
                html: s.html,
            })
            .collect(),
        lang,
        body_lang,
    }
}

/// The pages that list the site, in the order of [`Renderer::all`]'s files: `head`, then the
/// framework page, `tail`, the downloads and data exports, and `last`.
struct Listed {
    head: Vec<(OutputFile, bool)>,
    tail: Vec<(OutputFile, bool)>,
    last: Vec<(OutputFile, bool)>,
    bodies: Vec<(u64, Arc<BodyOut>)>,
}

/// Cards for the framework page: see [`Renderer::framework`].
type CardsFor<'c, 'r, 'a> = (&'c Cards<'r, 'a>, u64, Option<&'c [tera::Value]>);

/// The entry cards of each contest, built when first asked for: in `sesh serve`, an edit to one
/// entry needs its own contest's cards only (the other contests' pages and framework values are
/// reused). A contest's cards are built on one thread, so that building them never waits on
/// other work of the pool.
struct Cards<'r, 'a> {
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
struct Pages {
    head: Vec<(OutputFile, bool)>,
    tail: Vec<(OutputFile, bool)>,
    bodies: Vec<(u64, Arc<BodyOut>)>,
    entry_problems: Vec<Problem>,
    records: Vec<crate::search::Record>,
    contest_memo: HashMap<String, (u64, EntryFiles)>,
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
    let pages_rendered = files.iter().filter(|(_, fresh)| *fresh).count();
    let memo = Memo {
        bodies: bodies.into_iter().collect(),
        contests: HashMap::new(),
        data: HashMap::new(),
        contest_pages: HashMap::new(),
        cards: HashMap::new(),
        routes: HashMap::new(),
    };
    Rendered {
        records: Vec::new(),
        files: files.into_iter().map(|(f, _)| f).collect(),
        problems,
        pages_rendered,
        memo,
    }
}
