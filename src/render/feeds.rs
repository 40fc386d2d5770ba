//! Machine-readable files: the Atom feed of published entries, the sitemap of published pages,
//! and robots.txt. Rendered from templates (`atom.xml`, `sitemap.xml`, `robots.txt`) like pages,
//! from the same public model, so an excluded entry cannot appear in them either.

use super::view::{FeedEntry, FeedView, MetaView, SitemapUrl};
use super::{OutputFile, Renderer, Spec};
use crate::public::{Contest, Entry};
use anyhow::Result;
use jiff::civil::Date;

/// Entries in the feed: the newest, by date.
const FEED_ENTRIES: usize = 100;

impl Renderer<'_> {
    pub(super) fn feeds(
        &self,
        entries: &[(&Contest, usize, &Entry)],
    ) -> Result<Vec<(OutputFile, bool)>> {
        let mut dated: Vec<(Date, &Contest, &Entry)> = entries
            .iter()
            .map(|(c, _, e)| (updated(c, e, self.as_of), *c, *e))
            .collect();
        dated.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.2.title.cmp(&b.2.title)));
        dated.truncate(FEED_ENTRIES);
        let feed = FeedView {
            url: self.absolute(&format!("{}atom.xml", self.routes.base_path())),
            updated: dated
                .first()
                .map(|d| rfc3339(d.0))
                .unwrap_or_else(|| rfc3339(self.as_of)),
            entries: dated
                .iter()
                .map(|(date, c, e)| {
                    Ok(FeedEntry {
                        title: &e.title,
                        url: self.absolute(&self.routes.entry(&c.slug, &e.slug)),
                        updated: rfc3339(*date),
                        summary: e.summary.as_deref(),
                        credit_line: self.credit_line(&e.credits, false)?,
                        contest_title: &c.title,
                        award: e.award.map(|a| a.id()),
                    })
                })
                .collect::<Result<_>>()?,
        };
        // The sitemap is made from the page URLs, which the routes' fingerprint stands for
        // (the published pages, their URLs and order), and the global settings (languages,
        // base URL), which every page's fingerprint covers: it is built only when they change.
        let sitemap = || {
            Ok(self
                .page_urls(entries)
                .iter()
                .map(|u| {
                    let (alternates, x_default) = self.alternates(u);
                    SitemapUrl {
                        loc: self.absolute(u),
                        alternates,
                        x_default,
                    }
                })
                .collect::<Vec<_>>())
        };
        let mut files = vec![
            self.page(self.spec("atom.xml", "feed"), &feed)?,
            self.keyed_page(
                self.spec("sitemap.xml", "urls"),
                self.routes.fingerprint(),
                sitemap,
            )?,
        ];
        // One robots.txt and one colour stylesheet, at the root.
        if self.prefix.is_empty() {
            files.push(self.page(self.spec("robots.txt", "robots"), &())?);
            files.push(self.page(
                Spec {
                    path: "css/theme.css".into(),
                    ..self.spec("theme.css", "theme")
                },
                &(),
            )?);
        }
        Ok(files)
    }

    fn spec(&self, file: &'static str, name: &'static str) -> Spec<'static> {
        Spec {
            template: file,
            path: file.to_string(),
            kind: "machine",
            url: format!("{}{file}", self.routes.base_path()),
            name,
            meta: MetaView {
                title: String::new(),
                description: String::new(),
                image: None,
                image_alt: None,
                og_type: "website",
                jsonld: None,
                tags: Vec::new(),
            },
        }
    }

    /// Every published HTML page but the 404 page.
    fn page_urls(&self, entries: &[(&Contest, usize, &Entry)]) -> Vec<String> {
        let mut urls = vec![self.routes.home(), self.routes.contests()];
        if self.site.framework.is_some() {
            urls.push(self.routes.page("framework"));
        }
        urls.extend(self.site.pages.iter().map(|p| self.routes.page(&p.slug)));
        if !self
            .site
            .pages
            .iter()
            .any(|p| p.slug == super::citation::REUSE_SLUG)
        {
            urls.push(self.routes.page(super::citation::REUSE_SLUG));
        }
        urls.extend(
            self.site
                .contests
                .iter()
                .map(|c| self.routes.contest(&c.slug)),
        );
        urls.extend(
            entries
                .iter()
                .map(|(c, _, e)| self.routes.entry(&c.slug, &e.slug)),
        );
        urls
    }
}

/// When an entry was last updated, as far as the content says: its date, else its contest's.
fn updated(contest: &Contest, entry: &Entry, fallback: Date) -> Date {
    entry
        .date
        .or(contest.end)
        .or(contest.start)
        .unwrap_or(fallback)
}

fn rfc3339(date: Date) -> String {
    format!("{date}T00:00:00Z")
}
