//! RENDER: public model → HTML pages, through the theme's Tera templates.
//!
//! | page | template | file |
//! |---|---|---|
//! | home | `index.html` | `index.html` |
//! | all contests | `contests.html` | `contests/index.html` |
//! | a contest and its gallery | `contest.html` | `contests/<contest>/index.html` |
//! | an entry | `entry.html` | `contests/<contest>/<entry>/index.html` |
//! | framework | `framework.html` | `framework/index.html` |
//! | other pages | `page.html` | `<page>/index.html` |
//! | not found | `404.html` | `404.html` |

pub mod functions;
pub mod links;
pub mod theme;
pub mod view;

use crate::config::Config;
use crate::images::Images;
use crate::licenses;
use crate::markdown::{self, Dropped};
use crate::public::{Body, Contest, Credit, Entry, Media, Page, PublicSite};
use crate::report::{Problem, line_of};
use anyhow::{Context as _, Result};
use links::{BodyLinks, Routes};
use rayon::prelude::*;
use std::collections::HashSet;
use tera::{Context, Tera};
use theme::Theme;
use view::*;

/// An output file: path inside the output folder, and its bytes.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Default)]
pub struct Rendered {
    pub files: Vec<OutputFile>,
    pub problems: Vec<Problem>,
}

/// Renders every page of `site`.
pub fn render(
    config: &Config,
    site: &PublicSite,
    theme: &mut Theme,
    images: &Images,
) -> Result<Rendered> {
    let routes = Routes::new(site, config.base_path());
    let statics: HashSet<String> = theme.statics.keys().cloned().collect();
    let site_view = site_view(config, site, theme, &routes)?;
    let globals = theme.tera.global_context();
    globals.insert("site", &site_view);
    globals.insert("lang", &config.language);
    let framework_sections = match &site.framework {
        Some(f) => {
            let links = BodyLinks::page(&routes, "", &statics);
            markdown::render_sections(&f.body.markdown, &links)
                .1
                .into_iter()
                .map(|s| (s.id, s.title))
                .collect()
        }
        None => Vec::new(),
    };
    let r = Renderer {
        site,
        theme,
        tera: &theme.tera,
        images,
        routes,
        statics,
        lang: &config.language,
        base_url: &config.base_url,
        framework_sections,
    };
    r.all()
}

fn site_view<'a>(
    config: &'a Config,
    site: &PublicSite,
    theme: &Theme,
    routes: &Routes,
) -> Result<SiteView<'a>> {
    let lang = &config.language;
    let mut nav = vec![LinkView {
        title: theme.text(lang, "nav.contests")?,
        url: routes.contests(),
    }];
    if let Some(f) = &site.framework {
        nav.push(LinkView {
            title: f.title.clone(),
            url: routes.page("framework"),
        });
    }
    let mut pages: Vec<&Page> = site.pages.iter().collect();
    pages.sort_by_key(|p| (p.weight.is_none(), p.weight, p.title.to_lowercase()));
    nav.extend(pages.into_iter().map(|p| LinkView {
        title: p.title.clone(),
        url: routes.page(&p.slug),
    }));
    Ok(SiteView {
        title: &config.title,
        description: &config.description,
        base_url: config.base_url.as_str(),
        base_path: config.base_path(),
        language: &config.language,
        license: config.license.as_deref().map(licenses::describe),
        extra: &config.extra,
        nav,
        generator: concat!("sesh ", env!("CARGO_PKG_VERSION")),
    })
}

struct Renderer<'a> {
    site: &'a PublicSite,
    theme: &'a Theme,
    tera: &'a Tera,
    images: &'a Images,
    routes: Routes,
    statics: HashSet<String>,
    lang: &'a str,
    base_url: &'a url::Url,
    /// (id, title) of the framework page's sections.
    framework_sections: Vec<(String, String)>,
}

/// An entry's rendered body and which media it showed inline.
struct EntryBody {
    html: String,
    used: HashSet<String>,
    /// The body shows at least one image (which then is the page's first, loaded eagerly).
    has_images: bool,
}

impl<'a> Renderer<'a> {
    fn all(&self) -> Result<Rendered> {
        let mut out = Rendered::default();
        let entries: Vec<(&Contest, usize, &Entry)> = self
            .site
            .contests
            .iter()
            .flat_map(|c| c.entries.iter().enumerate().map(move |(i, e)| (c, i, e)))
            .collect();
        let bodies: Vec<(EntryBody, Vec<Problem>)> = entries
            .par_iter()
            .map(|(_, _, e)| self.entry_body(e))
            .collect();
        let cards: Vec<EntryCard> = entries
            .iter()
            .map(|(c, _, e)| self.card(c, e))
            .collect::<Result<_>>()?;
        let pages: Vec<Result<OutputFile>> = entries
            .par_iter()
            .zip(bodies.par_iter())
            .map(|((c, i, e), (body, _))| self.entry_page(c, *i, e, body))
            .collect();
        for page in pages {
            out.files.push(page?);
        }
        for (_, problems) in bodies {
            out.problems.extend(problems);
        }
        let mut offset = 0;
        for contest in &self.site.contests {
            let n = contest.entries.len();
            let contest_cards = &cards[offset..offset + n];
            offset += n;
            out.files
                .push(self.contest_page(contest, contest_cards, &mut out.problems)?);
        }
        out.files.push(self.home(&mut out.problems)?);
        out.files.push(self.contests_page()?);
        if let Some(framework) = &self.site.framework {
            out.files
                .push(self.framework(framework, &entries, &cards, &mut out.problems)?);
        }
        for page in &self.site.pages {
            let (html, problems) = self.organiser_body(&page.body);
            out.problems.extend(problems);
            let mut ctx = Context::new();
            ctx.insert(
                "page",
                &self.page_view(page, self.routes.page(&page.slug), html),
            );
            out.files.push(self.file(
                "page.html",
                &format!("{}/index.html", page.slug),
                "page",
                &self.routes.page(&page.slug),
                ctx,
            )?);
        }
        out.files.push(self.file(
            "404.html",
            "404.html",
            "404",
            &format!("{}404.html", self.routes.base_path()),
            Context::new(),
        )?);
        Ok(out)
    }

    /// Renders `template` to the output file `path`.
    fn file(
        &self,
        template: &str,
        path: &str,
        kind: &str,
        url: &str,
        mut ctx: Context,
    ) -> Result<OutputFile> {
        ctx.insert("kind", kind);
        ctx.insert("page_url", url);
        let permalink = self
            .base_url
            .join(url)
            .map(String::from)
            .unwrap_or_else(|_| url.to_string());
        ctx.insert("permalink", &permalink);
        let html = self
            .tera
            .render(template, &ctx)
            .with_context(|| format!("cannot render {path} with the template `{template}`"))?;
        Ok(OutputFile {
            path: path.to_string(),
            bytes: html.into_bytes(),
        })
    }

    fn text(&self, key: &str) -> Result<String> {
        self.theme.text(self.lang, key)
    }

    fn organiser_body(&self, body: &Body) -> (String, Vec<Problem>) {
        let links = BodyLinks::page(&self.routes, &body.dir, &self.statics);
        let html = markdown::render(&body.markdown, &links);
        (html.html, dropped_problems(body, html.dropped, false))
    }

    fn entry_body(&self, entry: &Entry) -> (EntryBody, Vec<Problem>) {
        let links = BodyLinks::entry(&self.routes, entry, self.images);
        let html = markdown::render(&entry.body.markdown, &links);
        let has_images = links.shown.load(std::sync::atomic::Ordering::Relaxed) > 0;
        let used = links.used.into_inner().unwrap_or_default();
        let problems = dropped_problems(&entry.body, html.dropped, true);
        (
            EntryBody {
                html: html.html,
                used,
                has_images,
            },
            problems,
        )
    }

    fn image_view(&self, media: &Media) -> Option<ImageView> {
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
    fn credit_line(&self, credits: &[Credit], affiliations: bool) -> Result<String> {
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

    fn card(&self, contest: &'a Contest, entry: &'a Entry) -> Result<EntryCard<'a>> {
        Ok(EntryCard {
            slug: &entry.slug,
            url: self.routes.entry(&contest.slug, &entry.slug),
            title: &entry.title,
            summary: entry.summary.as_deref(),
            award: entry.award.map(|a| a.id()),
            credit_line: self.credit_line(&entry.credits, false)?,
            country: entry.country.as_deref(),
            date: entry.date.map(|d| d.to_string()),
            thumb: entry.media.iter().find_map(|m| self.image_view(m)),
            contest_title: &contest.title,
            contest_url: self.routes.contest(&contest.slug),
        })
    }

    fn entry_page(
        &self,
        contest: &'a Contest,
        index: usize,
        entry: &'a Entry,
        body: &EntryBody,
    ) -> Result<OutputFile> {
        let link = |e: &Entry| LinkView {
            title: e.title.clone(),
            url: self.routes.entry(&contest.slug, &e.slug),
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
        let view = EntryView {
            slug: &entry.slug,
            url: self.routes.entry(&contest.slug, &entry.slug),
            title: &entry.title,
            summary: entry.summary.as_deref(),
            award: entry.award.map(|a| a.id()),
            date: entry.date.map(|d| d.to_string()),
            country: entry.country.as_deref(),
            tags: &entry.tags,
            license: entry.license.as_deref().map(licenses::describe),
            credits: entry
                .credits
                .iter()
                .map(|c| CreditView {
                    kind: c.kind(),
                    text: c.text(),
                    affiliation: match c {
                        Credit::Name { affiliation, .. } => affiliation.as_deref(),
                        _ => None,
                    },
                })
                .collect(),
            credit_line: self.credit_line(&entry.credits, true)?,
            body_html: body.html.clone(),
            body_has_images: body.has_images,
            figures,
            contest: LinkView {
                title: contest.title.clone(),
                url: self.routes.contest(&contest.slug),
            },
            prev: index
                .checked_sub(1)
                .and_then(|i| contest.entries.get(i))
                .map(link),
            next: contest.entries.get(index + 1).map(link),
            framework: self.framework_links(entry, &framework_url),
            extra: &entry.extra,
        };
        let mut ctx = Context::new();
        ctx.insert("entry", &view);
        let path = format!("contests/{}/{}/index.html", contest.slug, entry.slug);
        self.file("entry.html", &path, "entry", &view.url, ctx)
    }

    /// Sections of the framework page this entry illustrates (ids that exist there).
    fn framework_links(&self, entry: &Entry, framework_url: &str) -> Vec<LinkView> {
        entry
            .framework
            .iter()
            .filter_map(|id| self.framework_sections.iter().find(|(s, _)| s == id))
            .map(|(id, title)| LinkView {
                title: title.clone(),
                url: format!("{framework_url}#{}", links::segment(id)),
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
            cover: contest
                .entries
                .iter()
                .flat_map(|e| e.media.iter())
                .find_map(|m| self.image_view(m)),
        }
    }

    fn contest_page(
        &self,
        contest: &'a Contest,
        cards: &[EntryCard<'a>],
        problems: &mut Vec<Problem>,
    ) -> Result<OutputFile> {
        let (body_html, more) = self.organiser_body(&contest.body);
        problems.extend(more);
        let mut groups: Vec<AwardGroup> = Vec::new();
        let mut order: Vec<Option<crate::public::Award>> =
            contest.entries.iter().map(|e| e.award).collect();
        order.sort_by_key(|a| (a.is_none(), *a));
        order.dedup();
        for award in order {
            let entries = contest
                .entries
                .iter()
                .zip(cards)
                .filter(|(e, _)| e.award == award)
                .map(|(_, card)| card.clone())
                .collect();
            groups.push(AwardGroup {
                award: award.map(|a| a.id()),
                entries,
            });
        }
        let view = ContestView {
            slug: &contest.slug,
            url: self.routes.contest(&contest.slug),
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
            sensitive: contest.sensitive,
            stats: &contest.stats,
            body_html,
            entry_count: contest.entries.len(),
            groups,
            extra: &contest.extra,
        };
        let mut ctx = Context::new();
        ctx.insert("contest", &view);
        let path = format!("contests/{}/index.html", contest.slug);
        self.file("contest.html", &path, "contest", &view.url, ctx)
    }

    fn page_view(&self, page: &'a Page, url: String, body_html: String) -> PageView<'a> {
        PageView {
            title: &page.title,
            description: page.description.as_deref(),
            url,
            body_html,
            extra: &page.extra,
        }
    }

    fn home(&self, problems: &mut Vec<Problem>) -> Result<OutputFile> {
        let empty = Page::default();
        let page = self.site.home.as_ref().unwrap_or(&empty);
        let (html, more) = self.organiser_body(&page.body);
        problems.extend(more);
        let mut ctx = Context::new();
        ctx.insert("home", &self.page_view(page, self.routes.home(), html));
        let cards: Vec<ContestCard> = self
            .site
            .contests
            .iter()
            .map(|c| self.contest_card(c))
            .collect();
        ctx.insert("contests", &cards);
        ctx.insert(
            "entry_count",
            &self
                .site
                .contests
                .iter()
                .map(|c| c.entries.len())
                .sum::<usize>(),
        );
        self.file("index.html", "index.html", "home", &self.routes.home(), ctx)
    }

    fn contests_page(&self) -> Result<OutputFile> {
        let mut ctx = Context::new();
        let cards: Vec<ContestCard> = self
            .site
            .contests
            .iter()
            .map(|c| self.contest_card(c))
            .collect();
        ctx.insert("contests", &cards);
        self.file(
            "contests.html",
            "contests/index.html",
            "contests",
            &self.routes.contests(),
            ctx,
        )
    }

    fn framework(
        &self,
        framework: &'a Page,
        entries: &[(&'a Contest, usize, &'a Entry)],
        cards: &[EntryCard<'a>],
        problems: &mut Vec<Problem>,
    ) -> Result<OutputFile> {
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
        let view = FrameworkView {
            title: &framework.title,
            description: framework.description.as_deref(),
            url: self.routes.page("framework"),
            intro_html: intro.html,
            sections: sections
                .into_iter()
                .map(|s| SectionView {
                    entries: entries
                        .iter()
                        .zip(cards)
                        .filter(|((_, _, e), _)| e.framework.contains(&s.id))
                        .map(|(_, card)| card.clone())
                        .collect(),
                    id: s.id,
                    title: s.title,
                    html: s.html,
                })
                .collect(),
        };
        let mut ctx = Context::new();
        ctx.insert("framework", &view);
        self.file(
            "framework.html",
            "framework/index.html",
            "framework",
            &view.url,
            ctx,
        )
    }
}

/// Removed references become warnings located in the source file.
fn dropped_problems(body: &Body, dropped: Vec<Dropped>, entry: bool) -> Vec<Problem> {
    dropped
        .into_iter()
        .map(|d| {
            let offset = d.offset.or_else(|| body.markdown.find(&d.target));
            let line = offset.map(|o| body.line + line_of(&body.markdown, o) - 1);
            let (what, why) = match (d.image, entry) {
                (true, true) => (
                    "image",
                    "it is not a consented, readable media file of this entry",
                ),
                (true, false) => ("image", "it is not a file in a static/ folder"),
                (false, true) => (
                    "link",
                    "it is not a published page or a consented file of this entry",
                ),
                (false, false) => ("link", "it is not a published page or a static file"),
            };
            let what = if d.image {
                format!("{what} `{}`", d.target)
            } else {
                format!("{what} to `{}`", d.target)
            };
            Problem::warning(
                body.file.clone(),
                format!("{what} removed from the page: {why}"),
            )
            .at_line(line)
            .hint(if entry {
                "list the file under [[media]] with consent, or remove the reference"
            } else {
                "check the path; links are relative to the file's folder"
            })
        })
        .collect()
}
