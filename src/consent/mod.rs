//! THE GATE: raw model → public model, plus every exclusion with the rule that decided it.
//!
//! This is the only place where publication is decided. It is pure (no I/O): the loader has
//! already read files and located media; everything downstream (pages, galleries, the framework
//! page, counts, copied media) is built from the [`PublicSite`] returned here and cannot see
//! what was left out. Every rule fails closed: missing, unknown or invalid means not published.

pub mod bibliographic;
pub mod credit;
mod media;
pub mod terms;
mod translations;

use crate::config::AsOf;
use crate::content::{
    ContestFront, EntryFront, RawContest, RawEntry, RawPage, RawSite, SourceFile,
};
use crate::public::{Award, Body, Contest, Credit, Entry, Page, PublicSite};
use crate::report::{Exclusion, Problem};
use rayon::prelude::*;
use std::sync::Arc;

/// What the gate needs besides the content.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub as_of: AsOf,
    /// The site's default license (`sesh.toml`).
    pub license: Option<String>,
    /// The site's languages, default first.
    pub languages: Vec<String>,
}

/// The gate's output.
#[derive(Debug, Default)]
pub struct Gated {
    pub site: PublicSite,
    pub excluded: Vec<Exclusion>,
    pub problems: Vec<Problem>,
}

pub use media::{IMAGE_EXTENSIONS, parse_duration};

/// Applies every consent rule to `raw`.
pub fn gate(raw: &RawSite, settings: &Settings) -> Gated {
    Gate::default().run(raw, settings)
}

/// The gate with a memory of its last run (`sesh serve` rebuilds with it): a contest whose
/// sources ([`RawContest::revision`]) and settings are those of last time is given the public
/// contest, exclusions and problems the rules gave it then, shared instead of made again. The
/// rules themselves run only here, on sources they have not seen.
#[derive(Debug, Default)]
pub struct Gate {
    settings: Option<Settings>,
    /// By contest folder (`rel`).
    contests: std::collections::HashMap<String, GatedContest>,
}

/// What the gate made of one contest folder.
#[derive(Debug, Clone)]
struct GatedContest {
    revision: u64,
    contest: Option<Arc<Contest>>,
    excluded: Vec<Exclusion>,
    problems: Vec<Problem>,
}

impl Gate {
    /// Applies every consent rule to `raw` (the contests not already gated with the same
    /// sources and settings).
    pub fn run(&mut self, raw: &RawSite, settings: &Settings) -> Gated {
        if self.settings.as_ref() != Some(settings) {
            self.contests.clear();
            self.settings = Some(settings.clone());
        }
        let contests: Vec<GatedContest> = raw
            .contests
            .par_iter()
            .map(|contest| {
                let revision = contest.revision();
                match self.contests.get(&contest.rel) {
                    Some(gated) if gated.revision == revision => gated.clone(),
                    _ => {
                        let mut part = Gated::default();
                        let made = part.contest(contest, revision, settings);
                        GatedContest {
                            revision,
                            contest: made.map(Arc::new),
                            excluded: part.excluded,
                            problems: part.problems,
                        }
                    }
                }
            })
            .collect();
        let gated = gate_site(raw, settings, &contests);
        self.contests = raw
            .contests
            .iter()
            .map(|c| c.rel.clone())
            .zip(contests)
            .collect();
        gated
    }
}

/// The site from its contests, gated each on its own: their exclusions and problems are
/// reported in folder order.
fn gate_site(raw: &RawSite, settings: &Settings, contests: &[GatedContest]) -> Gated {
    let mut g = Gated::default();
    g.problems.extend(raw.problems.iter().cloned());
    bibliographic::license(
        settings.license.as_deref(),
        "sesh.toml",
        || None,
        &mut g.problems,
    );
    let langs = &settings.languages;
    g.site.home = raw.home.as_ref().map(|p| page(p, langs, &mut g.problems));
    g.site.framework = raw
        .framework
        .as_ref()
        .map(|p| page(p, langs, &mut g.problems));
    g.site.pages = raw
        .pages
        .iter()
        .map(|p| page(p, langs, &mut g.problems))
        .collect();
    for part in contests {
        g.excluded.extend(part.excluded.iter().cloned());
        g.problems.extend(part.problems.iter().cloned());
        g.site.contests.extend(part.contest.clone());
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

/// Organisers' pages are published as written, with their translations.
fn page(p: &RawPage, languages: &[String], problems: &mut Vec<Problem>) -> Page {
    let lang = translations::item_lang(p.front.lang.as_deref(), languages, &p.source, problems);
    Page {
        slug: p.slug.clone(),
        title: p.front.title.clone(),
        description: p.front.description.clone(),
        weight: p.front.weight,
        template: p.front.template.clone(),
        body: body(&p.source, "", &lang),
        extra: p.front.extra.clone(),
        translations: translations::translations(&p.translations, &lang, "", &[], problems),
        lang,
    }
}

fn body(source: &SourceFile, dir: &str, lang: &str) -> Body {
    Body {
        markdown: source.body.clone(),
        hash: source.body_hash,
        file: source.display.clone(),
        line: source.body_line,
        dir: dir.to_string(),
        lang: lang.to_string(),
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

    fn contest(&mut self, raw: &RawContest, revision: u64, settings: &Settings) -> Option<Contest> {
        let path = folder_of(&raw.source, &raw.slug);
        let refusal = match &raw.front {
            Err(invalid) => {
                self.problems.extend(invalid.problems.iter().cloned());
                Some((
                    "unreadable",
                    format!("front matter invalid: {}", invalid.summary()),
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
        bibliographic::front_license(front.license.as_deref(), &raw.source, &mut self.problems);
        let doi = bibliographic::doi(&front.doi, &raw.source, "doi", &mut self.problems);
        let outputs = bibliographic::outputs(&front.outputs, &raw.source, &mut self.problems);
        let license = front.license.clone().or_else(|| settings.license.clone());
        let mut entries: Vec<Entry> = raw
            .entries
            .iter()
            .filter_map(|e| self.entry(e, &path, sensitive, license.as_deref(), settings))
            .collect();
        entries.sort_by_cached_key(Entry::order_key);
        let lang = translations::item_lang(
            front.lang.as_deref(),
            &settings.languages,
            &raw.source,
            &mut self.problems,
        );
        let translations =
            translations::translations(&raw.translations, &lang, &raw.rel, &[], &mut self.problems);
        Some(Contest {
            revision,
            slug: raw.slug.clone(),
            title: front.title.clone(),
            summary: front.summary.clone(),
            start: front.start.as_ref().and_then(terms::any_date),
            end: front.end.as_ref().and_then(terms::any_date),
            facts: front.facts.clone(),
            license,
            doi,
            outputs,
            sensitive,
            stats: front.stats.clone().unwrap_or_default(),
            sections: front.sections.clone(),
            words: front.words,
            body: body(&raw.source, &raw.rel, &lang),
            entries,
            extra: front.extra.clone(),
            weight: front.weight,
            lang,
            translations,
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
            Err(invalid) => {
                self.problems.extend(invalid.problems.iter().cloned());
                // The consent table's own problems, reported in the same run (the entry stays
                // out whatever they are).
                if let Some(table) = invalid.rest.as_ref().and_then(|f| f.consent.as_ref())
                    && let Err(problems) = terms::read(table.get_ref(), &raw.source)
                {
                    self.problems.extend(problems);
                }
                let reason = format!("front matter invalid: {}", invalid.summary());
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
        bibliographic::front_license(front.license.as_deref(), &raw.source, &mut self.problems);
        let doi = bibliographic::doi(&front.doi, &raw.source, "doi", &mut self.problems);
        let lang = translations::item_lang(
            front.lang.as_deref(),
            &settings.languages,
            &raw.source,
            &mut self.problems,
        );
        let translations = translations::translations(
            &raw.translations,
            &lang,
            &raw.rel,
            &media,
            &mut self.problems,
        );
        Some(Entry {
            slug: raw.slug.clone(),
            title: front.title.clone(),
            summary: front.summary.clone(),
            award,
            date: front.date.as_ref().and_then(terms::any_date),
            country: front.country.clone(),
            tags: front.tags.clone(),
            license: front.license.clone().or(contest_license.map(String::from)),
            doi,
            weight: front.weight,
            framework: front.framework.clone(),
            credits,
            consent_ends: terms.expires,
            media,
            body: body(&raw.source, &raw.rel, &lang),
            extra: front.extra.clone(),
            lang,
            translations,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Overrides};
    use crate::content;

    /// Published entry slugs by contest.
    type Published = Vec<(String, Vec<String>)>;

    /// What a gate decided, comparable: published slugs by contest, exclusions, problems.
    fn decided(g: &Gated) -> (Published, Vec<String>, Vec<String>) {
        let contests = g.site.contests.iter();
        (
            contests
                .map(|c| {
                    (
                        c.slug.clone(),
                        c.entries.iter().map(|e| e.slug.clone()).collect(),
                    )
                })
                .collect(),
            g.excluded.iter().map(|e| format!("{e:?}")).collect(),
            g.problems.iter().map(|p| format!("{p:?}")).collect(),
        )
    }

    fn settings(date: &str) -> Settings {
        Settings {
            as_of: AsOf::exact(date.parse().unwrap()),
            license: Some("CC-BY-4.0".into()),
            languages: vec!["en".into()],
        }
    }

    /// The gate `sesh serve` keeps decides exactly as a fresh one after a consent is
    /// withdrawn and after the date moves, and shares only the contests it did not judge again.
    #[test]
    fn a_remembered_gate_decides_as_a_fresh_one() {
        let root = std::env::temp_dir().join(format!("sesh-gate-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/consent-rules");
        let contests = root.join("content/contests");
        let copy = |from: &str, to: &std::path::Path| {
            let status = std::process::Command::new("cp")
                .args(["-R", from])
                .arg(to)
                .status()
                .unwrap();
            assert!(status.success());
        };
        copy(fixture, &root);
        copy(
            contests.join("rules").to_str().unwrap(),
            &contests.join("second"),
        );
        let config = Config::load(&root, &Overrides::default()).unwrap();
        let mut raw = content::load(&config).unwrap();
        let mut gate = Gate::default();
        let today = settings("2026-11-22");

        let first = gate.run(&raw, &today);
        assert_eq!(decided(&first), decided(&super::gate(&raw, &today)));
        let again = gate.run(&raw, &today);
        assert_eq!(decided(&again), decided(&first));
        for (a, b) in again.site.contests.iter().zip(&first.site.contests) {
            assert!(Arc::ptr_eq(a, b), "unchanged contest {} is shared", a.slug);
        }

        let entry = contests.join("rules/published-minimal/index.md");
        let text = std::fs::read_to_string(&entry).unwrap();
        std::fs::write(
            &entry,
            text.replace("publish = true", "publish = true\nwithdrawn = true"),
        )
        .unwrap();
        content::reload_entry(&config, &mut raw, "rules", "published-minimal").unwrap();
        let withdrawn = gate.run(&raw, &today);
        assert_eq!(decided(&withdrawn), decided(&super::gate(&raw, &today)));
        let published = |g: &Gated, contest: &str| {
            let c = g.site.contests.iter().find(|c| c.slug == contest).unwrap();
            c.entries.iter().any(|e| e.slug == "published-minimal")
        };
        assert!(!published(&withdrawn, "rules") && published(&withdrawn, "second"));
        let shared = |g: &Gated, slug: &str| {
            let find = |g: &Gated| g.site.contests.iter().find(|c| c.slug == slug).cloned();
            Arc::ptr_eq(&find(g).unwrap(), &find(&again).unwrap())
        };
        assert!(!shared(&withdrawn, "rules") && shared(&withdrawn, "second"));

        let later = settings("2026-11-24");
        let moved = gate.run(&raw, &later);
        assert_eq!(decided(&moved), decided(&super::gate(&raw, &later)));
        assert_ne!(
            decided(&moved).0,
            decided(&withdrawn).0,
            "a consent expired"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}
