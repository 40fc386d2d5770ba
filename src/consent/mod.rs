//! THE GATE: raw model → public model, plus every exclusion with the rule that decided it.
//!
//! This is the only place where publication is decided. It is pure (no I/O): the loader has
//! already read files and located media; everything downstream (pages, galleries, the framework
//! page, counts, copied media) is built from the [`PublicSite`] returned here and cannot see
//! what was left out. Every rule fails closed: missing, unknown or invalid means not published.

pub mod credit;
pub mod terms;

use crate::config::AsOf;
use crate::content::{
    ContestFront, EntryFront, Located, RawContest, RawEntry, RawPage, RawSite, SourceFile,
};
use crate::public::{Award, Body, Contest, Credit, Entry, Media, Page, PublicSite};
use crate::report::{Exclusion, Problem};

/// What the gate needs besides the content.
#[derive(Debug, Clone)]
pub struct Settings {
    pub as_of: AsOf,
    /// The site's default license (`sesh.toml`).
    pub license: Option<String>,
}

/// The gate's output.
#[derive(Debug, Default)]
pub struct Gated {
    pub site: PublicSite,
    pub excluded: Vec<Exclusion>,
    pub problems: Vec<Problem>,
}

/// Image formats sesh re-encodes (and therefore can strip of metadata).
pub const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "gif", "webp"];

/// Applies every consent rule to `raw`.
pub fn gate(raw: &RawSite, settings: &Settings) -> Gated {
    let mut g = Gated::default();
    g.problems.extend(raw.problems.iter().cloned());
    g.site.home = raw.home.as_ref().map(page);
    g.site.framework = raw.framework.as_ref().map(page);
    g.site.pages = raw.pages.iter().map(page).collect();
    for contest in &raw.contests {
        if let Some(c) = g.contest(contest, settings) {
            g.site.contests.push(c);
        }
    }
    g.site.contests.sort_by(|a, b| {
        (
            a.weight_key(),
            std::cmp::Reverse(a.start),
            a.title.to_lowercase(),
        )
            .cmp(&(
                b.weight_key(),
                std::cmp::Reverse(b.start),
                b.title.to_lowercase(),
            ))
    });
    g
}

/// Organisers' pages are published as written.
fn page(p: &RawPage) -> Page {
    Page {
        slug: p.slug.clone(),
        title: p.front.title.clone(),
        description: p.front.description.clone(),
        weight: p.front.weight,
        template: p.front.template.clone(),
        body: body(&p.source, ""),
        extra: p.front.extra.clone(),
    }
}

fn body(source: &SourceFile, dir: &str) -> Body {
    Body {
        markdown: source.body.clone(),
        hash: source.body_hash,
        file: source.display.clone(),
        line: source.body_line,
        dir: dir.to_string(),
    }
}

impl Gated {
    fn exclude(&mut self, kind: &'static str, path: &str, rule: &'static str, reason: String) {
        self.excluded.push(Exclusion {
            kind,
            path: path.to_string(),
            rule,
            reason,
        });
    }

    fn contest(&mut self, raw: &RawContest, settings: &Settings) -> Option<Contest> {
        let path = folder_of(&raw.source, &raw.slug);
        let refusal = match &raw.front {
            Err(problem) => {
                self.problems.push(problem.clone());
                Some((
                    "unreadable",
                    format!("front matter invalid: {}", problem.message),
                ))
            }
            Ok(front) => self.contest_flags(front, &raw.source),
        };
        let front = match (&raw.front, refusal) {
            (Ok(front), None) => front,
            (_, Some((rule, reason))) => {
                self.exclude("contest", &path, rule, reason);
                for entry in &raw.entries {
                    let reason = "its contest is not published".to_string();
                    let entry_path = format!("{path}/{}", entry.slug);
                    self.exclude("entry", &entry_path, "contest-unpublished", reason);
                }
                return None;
            }
            (Err(_), None) => return None,
        };
        let sensitive = flag(&front.sensitive) == Some(true);
        let license = front.license.clone().or_else(|| settings.license.clone());
        let mut entries: Vec<Entry> = raw
            .entries
            .iter()
            .filter_map(|e| self.entry(e, &path, sensitive, license.as_deref(), settings))
            .collect();
        entries.sort_by_key(Entry::order_key);
        Some(Contest {
            slug: raw.slug.clone(),
            title: front.title.clone(),
            summary: front.summary.clone(),
            start: front.start.as_ref().and_then(terms::any_date),
            end: front.end.as_ref().and_then(terms::any_date),
            organisers: front.organisers.clone(),
            purpose: front.purpose.clone(),
            audience: front.audience.clone(),
            platforms: front.platforms.clone(),
            actions: front.actions.clone(),
            outcome: front.outcome.clone(),
            license,
            sensitive,
            stats: front.stats.clone().unwrap_or_default(),
            body: body(&raw.source, &raw.rel),
            entries,
            extra: front.extra.clone(),
            weight: front.weight,
        })
    }

    /// `draft` and `sensitive` must be booleans; anything else keeps the contest out.
    fn contest_flags(
        &mut self,
        front: &ContestFront,
        source: &SourceFile,
    ) -> Option<(&'static str, String)> {
        for (key, value) in [("draft", &front.draft), ("sensitive", &front.sensitive)] {
            if let Some(v) = value
                && v.get_ref().as_bool().is_none()
            {
                self.problems.push(
                    Problem::error(
                        source.display.clone(),
                        format!(
                            "expected true or false, found {}",
                            terms::describe(v.get_ref())
                        ),
                    )
                    .at_line(Some(source.front_line_of(&v.span())))
                    .field(key)
                    .hint("write true or false, without quotes"),
                );
                return Some(("invalid-value", format!("`{key}` is not true or false")));
            }
        }
        (flag(&front.draft) == Some(true)).then(|| ("draft-contest", "draft = true".to_string()))
    }

    fn entry(
        &mut self,
        raw: &RawEntry,
        contest_path: &str,
        sensitive: bool,
        contest_license: Option<&str>,
        settings: &Settings,
    ) -> Option<Entry> {
        let path = format!("{contest_path}/{}", raw.slug);
        let front = match &raw.front {
            Ok(front) => front,
            Err(problem) => {
                self.problems.push(problem.clone());
                let reason = format!("front matter invalid: {}", problem.message);
                self.exclude("entry", &path, "unreadable", reason);
                return None;
            }
        };
        let Some(table) = &front.consent else {
            self.exclude("entry", &path, "no-consent", "no [consent] table".into());
            return None;
        };
        let terms = match terms::read(table.get_ref(), &raw.source) {
            Ok(terms) => terms,
            Err(problems) => {
                let reason = problems
                    .iter()
                    .map(|p| p.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ");
                self.problems.extend(problems);
                self.exclude("entry", &path, "invalid-consent", reason);
                return None;
            }
        };
        if let Some(refusal) = terms::decide(&terms, &settings.as_of) {
            self.exclude("entry", &path, refusal.rule, refusal.reason);
            return None;
        }
        let award = self.award(front, &raw.source);
        let cap = sensitive && !terms.identified;
        let credits = front
            .authors
            .iter()
            .map(|a| {
                let (credit, warning) = credit::credit(a, cap, &raw.source);
                self.problems.extend(warning);
                credit
            })
            .collect();
        let media = self.media(raw, front, terms.images, &path);
        Some(Entry {
            slug: raw.slug.clone(),
            title: front.title.clone(),
            summary: front.summary.clone(),
            award,
            date: front.date.as_ref().and_then(terms::any_date),
            country: front.country.clone(),
            tags: front.tags.clone(),
            license: front.license.clone().or(contest_license.map(String::from)),
            weight: front.weight,
            framework: front.framework.clone(),
            credits,
            media,
            body: body(&raw.source, &raw.rel),
            extra: front.extra.clone(),
        })
    }

    fn award(&mut self, front: &EntryFront, source: &SourceFile) -> Option<Award> {
        let value = front.award.as_ref()?;
        let award = Award::from_id(value.get_ref().trim());
        if award.is_none() {
            self.problems.push(
                Problem::warning(
                    source.display.clone(),
                    format!("unknown award \"{}\"; no award shown", value.get_ref()),
                )
                .at_line(Some(source.front_line_of(&value.span())))
                .field("award")
                .hint("use one of: winner, finalist, honorable-mention, shortlisted"),
            );
        }
        award
    }

    /// Consented, present, safe media of a published entry.
    fn media(
        &mut self,
        raw: &RawEntry,
        front: &EntryFront,
        images: Option<bool>,
        entry_path: &str,
    ) -> Vec<Media> {
        let mut out = Vec::new();
        for (item, located) in front.media.iter().zip(&raw.media_files) {
            let file = item
                .file
                .as_ref()
                .map(|f| f.get_ref().as_str())
                .unwrap_or("");
            let line = item
                .file
                .as_ref()
                .map(|f| raw.source.front_line_of(&f.span()));
            let media_path = format!("{entry_path}/{file}");
            let err = |message: String, hint: &str| {
                Problem::error(raw.source.display.clone(), message)
                    .at_line(line)
                    .field("media.file")
                    .hint(hint)
            };
            let item_consent = match &item.consent {
                None => None,
                Some(v) => match v.get_ref().as_bool() {
                    Some(b) => Some(b),
                    None => {
                        self.problems.push(
                            Problem::error(
                                raw.source.display.clone(),
                                format!(
                                    "expected true or false, found {}",
                                    terms::describe(v.get_ref())
                                ),
                            )
                            .at_line(Some(raw.source.front_line_of(&v.span())))
                            .field("media.consent")
                            .hint("write consent = true or consent = false, without quotes"),
                        );
                        let reason = "invalid per-item consent value".into();
                        self.exclude("media", &media_path, "invalid-consent", reason);
                        continue;
                    }
                },
            };
            let refusal = match (item_consent, images) {
                (Some(false), _) => Some(("media-consent-false", "consent = false")),
                (Some(true), Some(false)) => {
                    self.problems.push(Problem::warning(
                        raw.source.display.clone(),
                        format!("`{file}` has consent = true but the entry says images = false; not published"),
                    ).at_line(line).field("media.consent").hint("resolve the contradiction in the consent form, then change one of them"));
                    Some((
                        "media-consent-conflict",
                        "consent = true contradicts images = false",
                    ))
                }
                (Some(true), _) | (None, Some(true)) => None,
                (None, _) => Some(("no-image-consent", "no image consent (consent.images)")),
            };
            if let Some((rule, reason)) = refusal {
                self.exclude("media", &media_path, rule, reason.into());
                continue;
            }
            let problem = match located {
                Located::Found(_) => None,
                Located::NotAFile => Some(err(
                    "media item without `file`".into(),
                    "add file = \"name.jpg\"",
                )),
                Located::Missing => Some(err(
                    format!("media file `{file}` not found"),
                    "check the file name and that the file sits in the entry folder",
                )),
                Located::OutsideEntry => Some(err(
                    format!("media file `{file}` is outside the entry folder"),
                    "media must be files inside the entry's own folder: no `..`, no absolute paths, no links to elsewhere",
                )),
                Located::Hidden => Some(err(
                    format!("media file `{file}` is hidden or a backup"),
                    "rename the file",
                )),
            };
            if let Some(problem) = problem {
                let reason = problem.message.clone();
                self.problems.push(problem);
                self.exclude("media", &media_path, "media-unavailable", reason);
                continue;
            }
            let Located::Found(path) = located else {
                continue;
            };
            let extension = path
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            if !IMAGE_EXTENSIONS.contains(&extension.as_str()) {
                let (what, hint) = unsupported_format(&extension);
                self.problems.push(err(
                    format!("{what}; sesh cannot publish `.{extension}` files safely, so `{file}` is not published"),
                    hint,
                ));
                self.exclude(
                    "media",
                    &media_path,
                    "unsupported-format",
                    format!("`.{extension}` files are not published"),
                );
                continue;
            }
            let alt = item.alt.as_deref().map(str::trim).unwrap_or("");
            if alt.is_empty() {
                self.problems.push(err(format!("image `{file}` has no alt text; not published"), "add alt = \"a short description of the image\" (readers using screen readers depend on it)").field("media.alt"));
                self.exclude("media", &media_path, "no-alt-text", "no alt text".into());
                continue;
            }
            out.push(Media {
                file: normalise(file),
                path: path.clone(),
                alt: alt.to_string(),
                caption: item.caption.clone().filter(|c| !c.trim().is_empty()),
            });
        }
        out
    }
}

/// What a refused extension usually is, and how to turn it into something publishable.
fn unsupported_format(extension: &str) -> (String, &'static str) {
    match extension {
        "heic" | "heif" => (
            "this is a HEIC photo (the iPhone's default format)".into(),
            "export it as JPEG (on the phone: share or save it as JPEG, or set Settings › Camera › Formats › Most Compatible) and list the .jpg file",
        ),
        "pdf" => (
            "this is a PDF document".into(),
            "export the page as PNG (or JPEG for a photo) and list that file",
        ),
        "svg" | "svgz" => (
            "this is an SVG drawing, which can carry scripts and links".into(),
            "export it as PNG and list the .png file",
        ),
        "tif" | "tiff" => (
            "this is a TIFF image".into(),
            "export it as JPEG (photos) or PNG (drawings)",
        ),
        "" => (
            "this file has no extension".into(),
            "publish images as JPEG, PNG, GIF or WebP files named .jpg, .png, .gif or .webp",
        ),
        other => (
            format!("`.{other}` is not an image format sesh publishes"),
            "publish images as JPEG, PNG, GIF or WebP",
        ),
    }
}

fn flag(value: &Option<crate::content::RawValue>) -> Option<bool> {
    value.as_ref().and_then(|v| v.get_ref().as_bool())
}

/// `./a/b.jpg` → `a/b.jpg`, so Markdown references match front matter whatever the spelling.
pub fn normalise(file: &str) -> String {
    file.split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// `content/contests/x/_index.md` → `content/contests/x`.
pub fn folder_of(source: &SourceFile, slug: &str) -> String {
    match source.display.rsplit_once('/') {
        Some((dir, _)) => dir.to_string(),
        None => format!("content/contests/{slug}"),
    }
}

impl Contest {
    fn weight_key(&self) -> (bool, i64) {
        (self.weight.is_none(), self.weight.unwrap_or(0))
    }
}

impl Entry {
    /// Weight (entries without one last), then award rank, then title.
    pub fn order_key(&self) -> ((bool, i64), (bool, Option<Award>), String) {
        (
            (self.weight.is_none(), self.weight.unwrap_or(0)),
            (self.award.is_none(), self.award),
            self.title.to_lowercase(),
        )
    }
}

impl Credit {
    /// True when the credit shows no name at all.
    pub fn is_anonymous(&self) -> bool {
        matches!(self, Credit::Anonymous)
    }
}
