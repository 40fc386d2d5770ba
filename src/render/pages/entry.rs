//! The page of an entry (and its player pages for external videos), its card in galleries and
//! listings, and its search record.

use super::super::links::{self};
use super::super::{BodyOut, OutputFile, Renderer, Spec};
use super::*;

impl<'a> Renderer<'a> {
    /// What the search index holds for an entry page in this language: its visible text.
    pub(in crate::render) fn record(
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

    pub(in crate::render) fn image_view(&self, media: &Media) -> Option<ImageView> {
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
    pub(in crate::render) fn credit_line(
        &self,
        credits: &[Credit],
        affiliations: bool,
    ) -> Result<String> {
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

    pub(in crate::render) fn card(
        &self,
        contest: &'a Contest,
        entry: &'a Entry,
        words: usize,
    ) -> Result<EntryCard<'a>> {
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

    pub(in crate::render) fn entry_page(
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
        // Its downloads are the contest's files, which hold this entry's citation.
        let stem = crate::render::citation::stem(&[&contest.slug]);
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
            doi: crate::render::citation::doi_view(entry.doi.as_deref()),
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
        Ok(files)
    }

    /// The page that embeds an external video's player, reached only by a click.
    pub(in crate::render) fn player_page(
        &self,
        entry: &EntryView,
        item: &MediaView,
    ) -> Result<(OutputFile, bool)> {
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
    pub(in crate::render) fn framework_links(
        &self,
        entry: &Entry,
        framework_url: &str,
    ) -> Vec<LinkView> {
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
}
