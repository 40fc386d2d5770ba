//! The site's own pages: home, framework, other pages written by organisers, and search.

use super::super::links::BodyLinks;
use super::super::{BodyOut, OutputFile, Renderer, Spec, dropped_problems};
use super::*;

impl<'a> Renderer<'a> {
    /// The framework page, if the site has one, and the problems it found.
    pub(in crate::render) fn framework_page(
        &self,
        entries: &[(&'a Contest, usize, &'a Entry)],
        cards: &Cards<'_, 'a>,
        listing: Listing,
        card_values: Option<&[tera::Value]>,
    ) -> Result<FrameworkPage> {
        let mut problems = Vec::new();
        let file = match &self.site.framework {
            Some(framework) => Some(self.framework(
                framework,
                entries,
                (cards, listing, card_values),
                &mut problems,
            )?),
            None => None,
        };
        Ok((file, problems))
    }

    /// The search page of this language, listing every entry for readers without JavaScript.
    pub(in crate::render) fn search_page(
        &self,
        cards: &Cards<'_, 'a>,
        listing: Listing,
    ) -> Result<(OutputFile, bool)> {
        let links: Vec<LinkView> = (self.site.contests.iter())
            .map(|contest| LinkView {
                title: contest.title.clone(),
                url: self.routes.contest(&contest.slug),
                lang: self.other(&contest.lang).map(String::from),
            })
            .collect();
        let title = self.text("search.title")?;
        let (url, index_url) = (self.routes.page("search"), self.routes.file("pagefind/"));
        // Listing every entry, the view is built only when the page is rendered.
        let own = crate::render::fingerprint(&(&links, &title, &url, &index_url));
        let spec = Spec {
            template: "search.html",
            path: "search/index.html".into(),
            kind: "search",
            url: url.clone(),
            name: "search",
            meta: self.meta(&title, None, None, false),
        };
        self.listing_page(spec, own, listing, || {
            let contests = links
                .into_iter()
                .enumerate()
                .map(|(ci, contest)| {
                    Ok(SearchGroup {
                        contest,
                        entries: cards.contest(ci)?.iter().collect(),
                    })
                })
                .collect::<Result<_>>()?;
            Ok(SearchView {
                url,
                index_url,
                title,
                contests,
            })
        })
    }

    /// The home page's title for link previews: its own title, else the site's.
    pub(in crate::render) fn site_title_or(&self, page: &Page) -> String {
        if page.title.is_empty() {
            self.site_title.to_string()
        } else {
            page.title.clone()
        }
    }

    pub(in crate::render) fn page_view(
        &self,
        page: &'a Page,
        url: String,
        body_html: Html,
    ) -> PageView<'a> {
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

    pub(in crate::render) fn home(
        &self,
        page: &'a Page,
        body: &BodyOut,
    ) -> Result<(OutputFile, bool)> {
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
                jsonld: Some(crate::render::jsonld::script_safe(&self.site_ld())),
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

    /// The framework page; the cards with the key of what they were built from and, in
    /// `sesh serve`, the same cards converted for Tera.
    pub(in crate::render) fn framework(
        &self,
        framework: &'a Page,
        entries: &[(&'a Contest, usize, &'a Entry)],
        (cards, listing, card_values): CardsFor<'_, '_, 'a>,
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
        let own = crate::render::fingerprint(&(
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
            Some(values) => self.listing_page(spec, own, listing, || {
                Ok(framework_view(
                    framework, url, intro.html, sections, entries, values, langs,
                ))
            }),
            None => self.listing_page(spec, own, listing, || {
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
pub(super) fn framework_view<'a, C: Clone>(
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
