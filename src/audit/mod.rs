//! AUDIT: what the archive publishes and why, item by item, for an ethics board.
//!
//! [`audit`] takes the raw model and the consent gate's output ([`Gated`]) and lists every
//! contest, entry, author and media item with the gate's decision: published, or the rule that
//! kept it out (the gate's own rule ids and reasons, with file:line for invalid values). It
//! decides nothing itself: publication is read from the public model and the gate's exclusions,
//! and upcoming changes are the gate's [`terms::decide`] asked about a later day. No private
//! value is ever printed: the audit reads no `[private]` field except to redact its values
//! from every line, in case one hides in a problem message.
//!
//! [`scan`] is the other half: it checks a built site's bytes for restricted text, private
//! values and image metadata.

pub mod contacts;
pub mod exposure;
pub mod format;
pub mod matcher;
pub mod metadata;
pub mod scan;

use crate::config::AsOf;
use crate::consent::{self, Gated, terms};
use crate::content::{RawContest, RawEntry, RawSite};
use crate::public::{Contest, Credit, Entry, Media, MediaKind};
use crate::report::{Exclusion, Problem, Severity};
use serde::Serialize;
use std::collections::HashMap;

/// How far ahead [`Audit::upcoming`] looks.
pub const HORIZON_DAYS: i64 = 90;

/// The audit of a site on one day.
#[derive(Debug, Default, Serialize)]
pub struct Audit {
    pub as_of: String,
    pub summary: Vec<Count>,
    /// Contests, each followed by its entries, each by its authors and media.
    pub items: Vec<Item>,
    /// Embargoes lifting and consents expiring within [`HORIZON_DAYS`], by date.
    pub upcoming: Vec<Upcoming>,
    pub notes: Vec<String>,
}

/// Published and unpublished items of one kind.
#[derive(Debug, Default, Serialize)]
pub struct Count {
    pub kind: &'static str,
    pub published: usize,
    pub not_published: usize,
}

/// One contest, entry, author or media item and the decision about it.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// `contest`, `entry`, `author` or `media`.
    pub kind: &'static str,
    /// Folder or file relative to the site root; authors are `<entry>#author-N`.
    pub path: String,
    pub published: bool,
    /// The gate's rule id (`withdrawn`, `embargoed`…), `consented`, or `credit-<level>`.
    pub rule: String,
    /// Why, in words, with file:line where the input was invalid.
    pub detail: String,
}

/// A change that will happen without anyone editing a file, at the first rebuild on or after
/// `date`.
#[derive(Debug, Clone, Serialize)]
pub struct Upcoming {
    pub date: String,
    /// `embargo-lifts` or `consent-expires`.
    pub change: &'static str,
    pub path: String,
    pub detail: String,
}

/// Audits `raw` as the gate decided it in `gated` on the day `as_of`.
pub fn audit(raw: &RawSite, gated: &Gated, as_of: &AsOf) -> Audit {
    let mut a = Auditor {
        gated,
        as_of,
        excluded: gated
            .excluded
            .iter()
            .map(|e| ((e.kind, e.path.as_str()), e))
            .collect(),
        used: HashMap::new(),
        out: Audit {
            as_of: as_of.to_string(),
            ..Audit::default()
        },
    };
    for contest in &raw.contests {
        a.contest(contest);
    }
    // Anything the gate excluded that the walk above did not meet is listed too.
    for e in &gated.excluded {
        if !a.used.contains_key(&(e.kind, e.path.as_str())) {
            a.push(
                e.kind,
                e.path.clone(),
                false,
                e.rule.into(),
                e.reason.clone(),
            );
        }
    }
    let mut out = a.out;
    out.upcoming
        .sort_by(|x, y| (&x.date, &x.path).cmp(&(&y.date, &y.path)));
    out.summary = ["contest", "entry", "author", "media"]
        .into_iter()
        .map(|kind| {
            let of_kind = out.items.iter().filter(|i| i.kind == kind);
            let published = of_kind.clone().filter(|i| i.published).count();
            Count {
                kind,
                published,
                not_published: of_kind.count() - published,
            }
        })
        .collect();
    out.notes = notes();
    redact(&mut out, &private_values(raw));
    out
}

fn notes() -> Vec<String> {
    [
        "Decisions are the consent gate's (src/consent/), the same code `sesh build`, `sesh serve` and `sesh check` run.",
        "A consented image can still be refused by the image stage (unsupported format, over a size limit); `sesh build --report FILE` lists those under problems.",
        "Files in an entry folder that are not listed under [[media]] are never published and are not listed here.",
        "Upcoming changes happen at the first rebuild on or after their date: rebuild daily.",
        "[private] values are never printed.",
    ]
    .map(String::from)
    .to_vec()
}

struct Auditor<'a> {
    gated: &'a Gated,
    as_of: &'a AsOf,
    excluded: HashMap<(&'static str, &'a str), &'a Exclusion>,
    used: HashMap<(&'static str, &'a str), ()>,
    out: Audit,
}

impl<'a> Auditor<'a> {
    fn push(
        &mut self,
        kind: &'static str,
        path: String,
        published: bool,
        rule: String,
        detail: String,
    ) {
        self.out.items.push(Item {
            kind,
            path,
            published,
            rule,
            detail,
        });
    }

    /// The gate's exclusion of `path`, if any (and remembers it was listed).
    fn exclusion(&mut self, kind: &'static str, path: &str) -> Option<&'a Exclusion> {
        let found = self.excluded.get(&(kind, path)).copied()?;
        self.used.insert((kind, found.path.as_str()), ());
        Some(found)
    }

    fn contest(&mut self, raw: &RawContest) {
        let path = consent::folder_of(&raw.source, &raw.slug);
        let public = self.gated.site.contests.iter().find(|c| c.slug == raw.slug);
        match (self.exclusion("contest", &path), public) {
            (Some(e), _) => {
                let detail = with_errors(&e.reason, &self.gated.problems, &raw.source.display);
                self.push("contest", path.clone(), false, e.rule.into(), detail);
            }
            (None, Some(c)) => {
                let detail = match c.sensitive {
                    true => {
                        "published; sensitive = true: names capped at initials unless identified = true"
                    }
                    false => "published",
                };
                self.push(
                    "contest",
                    path.clone(),
                    true,
                    "published".into(),
                    detail.into(),
                );
            }
            (None, None) => self.push(
                "contest",
                path.clone(),
                false,
                "unreadable".into(),
                "not published".into(),
            ),
        }
        for entry in &raw.entries {
            self.entry(entry, &path, public.map(|c| &**c));
        }
    }

    fn entry(&mut self, raw: &RawEntry, contest_path: &str, contest: Option<&Contest>) {
        let path = format!("{contest_path}/{}", raw.slug);
        let public = contest.and_then(|c| c.entries.iter().find(|e| e.slug == raw.slug));
        let terms = raw.front.as_ref().ok().and_then(|f| {
            let table = f.consent.as_ref()?;
            terms::read(table.get_ref(), &raw.source).ok()
        });
        match (self.exclusion("entry", &path), public) {
            (Some(e), _) => {
                let detail = with_errors(&e.reason, &self.gated.problems, &raw.source.display);
                self.push("entry", path.clone(), false, e.rule.into(), detail);
            }
            (None, Some(_)) => {
                let detail = consented(terms.as_ref());
                self.push("entry", path.clone(), true, "consented".into(), detail);
            }
            (None, None) => self.push(
                "entry",
                path.clone(),
                false,
                "unreadable".into(),
                "not published".into(),
            ),
        }
        if contest.is_some()
            && let Some(terms) = &terms
        {
            self.upcoming(terms, &path, public.is_some());
        }
        if let Ok(front) = &raw.front {
            for (i, author) in front.authors.iter().enumerate() {
                let requested = author
                    .credit
                    .as_ref()
                    .and_then(|c| c.get_ref().as_str().map(String::from))
                    .unwrap_or_else(|| "none given".into());
                let item_path = format!("{path}#author-{}", i + 1);
                match public.and_then(|e| e.credits.get(i)) {
                    Some(credit) => {
                        let detail = credit_detail(&requested, credit, contest);
                        self.push(
                            "author",
                            item_path,
                            true,
                            format!("credit-{}", credit.kind()),
                            detail,
                        );
                    }
                    None => self.push(
                        "author",
                        item_path,
                        false,
                        "entry-unpublished".into(),
                        "not shown: the entry is not published".into(),
                    ),
                }
            }
            for (i, item) in front.media.iter().enumerate() {
                let file = item
                    .file
                    .as_ref()
                    .map(|f| f.get_ref().as_str())
                    .unwrap_or("");
                let line = item
                    .file
                    .as_ref()
                    .map(|f| raw.source.front_line_of(&f.span()));
                let at = match line {
                    Some(line) => format!("{}:{line}", raw.source.display),
                    None => format!("{} (media item {})", raw.source.display, i + 1),
                };
                let url = item.url.as_ref().map(|u| u.get_ref().as_str());
                let media_path = match (file, url) {
                    ("", Some(url)) => format!("{path} → {url}"),
                    _ => format!("{path}/{file}"),
                };
                let published = public.and_then(|e| published_media(e, file, url));
                let shown = published.is_some();
                match (self.exclusion("media", &media_path), public) {
                    (Some(e), _) => {
                        let detail = format!("{} ({at})", e.reason);
                        self.push("media", media_path, false, e.rule.into(), detail);
                    }
                    (None, Some(_)) if shown => {
                        let why = match item.consent.as_ref().and_then(|c| c.get_ref().as_bool()) {
                            Some(true) => "item consent = true",
                            _ => "consent.images = true",
                        };
                        let how = published.map_or("", |m| handling(m.kind, m.url.is_some()));
                        let detail = format!("{why}; {how} ({at})");
                        self.push("media", media_path, true, "consented".into(), detail);
                    }
                    (None, Some(_)) => {
                        self.push("media", media_path, false, "not-published".into(), at)
                    }
                    (None, None) => self.push(
                        "media",
                        media_path,
                        false,
                        "entry-unpublished".into(),
                        format!("the entry is not published ({at})"),
                    ),
                }
            }
        }
    }

    /// Embargo lifting or consent expiring within the horizon, as the gate will decide then.
    fn upcoming(&mut self, terms: &terms::Terms, path: &str, published: bool) {
        let today = self.as_of.earliest;
        let Ok(horizon) = today.checked_add(jiff::Span::new().days(HORIZON_DAYS)) else {
            return;
        };
        let within = |d: jiff::civil::Date| d > today && d <= horizon;
        if !published && let Some(until) = terms.embargo_until.filter(|d| within(*d)) {
            let detail = match terms::decide(terms, &AsOf::exact(until)) {
                None => "will be published".to_string(),
                Some(refusal) => {
                    format!("embargo lifts but still not published: {}", refusal.reason)
                }
            };
            self.out.upcoming.push(Upcoming {
                date: until.to_string(),
                change: "embargo-lifts",
                path: path.to_string(),
                detail,
            });
        }
        if published && let Some(expires) = terms.expires.filter(|d| within(*d)) {
            self.out.upcoming.push(Upcoming {
                date: expires.to_string(),
                change: "consent-expires",
                path: path.to_string(),
                detail: "will be removed, with its media".into(),
            });
        }
    }
}

/// A published entry's consent, in words.
fn consented(terms: Option<&terms::Terms>) -> String {
    let Some(t) = terms else {
        return "publish = true".into();
    };
    let mut parts = vec!["publish = true".to_string()];
    parts.push(match t.images {
        Some(true) => "images = true".into(),
        Some(false) => "images = false".into(),
        None => "images not given (media only with item consent)".into(),
    });
    if t.minor {
        parts.push("minor with guardian consent".into());
    }
    if let Some(d) = t.embargo_until {
        parts.push(format!("embargo lifted on {d}"));
    }
    if let Some(d) = t.expires {
        parts.push(format!("expires {d}"));
    }
    parts.join("; ")
}

fn credit_detail(requested: &str, credit: &Credit, contest: Option<&Contest>) -> String {
    let shown = match credit.text() {
        Some(text) => format!("shown as \"{text}\""),
        None => "shown as an anonymous participant".into(),
    };
    let mut detail = format!("requested: {requested}; {shown}");
    if requested == "name" && credit.kind() == "initials" && contest.is_some_and(|c| c.sensitive) {
        detail.push_str(" (sensitive contest without identified = true: capped at initials)");
    } else if requested == "none given" {
        detail.push_str(" (no credit level: anonymous)");
    } else if requested != credit.kind() {
        detail.push_str(" (requested level not usable: fails closed)");
    }
    detail
}

/// The published media item of `entry` written as `file` (or, for an external item, `url`).
fn published_media<'e>(entry: &'e Entry, file: &str, url: Option<&str>) -> Option<&'e Media> {
    if file.is_empty() {
        let url = url?;
        return entry.media.iter().find(|m| m.url.as_deref() == Some(url));
    }
    let file = consent::normalise(file);
    entry.media.iter().find(|m| m.file == file)
}

/// What publishing did with a media item, in words an ethics board can check against README.
fn handling(kind: MediaKind, external: bool) -> &'static str {
    match (kind, external) {
        (_, true) => "an address only: the file stays where it is hosted, nothing of it is copied",
        (MediaKind::Image, _) => "re-encoded from its pixels, without metadata",
        (MediaKind::Video | MediaKind::Audio, _) => {
            "rebuilt from the audio and video it plays, without metadata, names or dates"
        }
        (MediaKind::Document, _) => {
            "rebuilt from its pages, without metadata, scripts or attachments"
        }
        (MediaKind::Link, _) => "an address only",
    }
}

/// The reason, followed by the errors reported for `file` with their line and field.
fn with_errors(reason: &str, problems: &[Problem], file: &str) -> String {
    let errors: Vec<String> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error && p.file == file)
        .map(|p| {
            let mut s = p.file.clone();
            if let Some(line) = p.line {
                s.push_str(&format!(":{line}"));
            }
            if let Some(field) = &p.field {
                s.push_str(&format!(": `{field}`"));
            }
            format!("{s}: {}", p.message)
        })
        .collect();
    if errors.is_empty() || file.is_empty() {
        reason.to_string()
    } else {
        format!("{reason} [{}]", errors.join("; "))
    }
}

/// Every string (and long number) under the `[private]` tables of all entries.
pub fn private_values(raw: &RawSite) -> Vec<String> {
    let mut out = Vec::new();
    for entry in raw.contests.iter().flat_map(|c| &c.entries) {
        if let Ok(front) = &entry.front
            && let Some(private) = &front.private
        {
            for value in private.values() {
                strings(value, &mut out);
            }
        }
    }
    out
}

pub(crate) fn strings(value: &toml::Value, out: &mut Vec<String>) {
    match value {
        toml::Value::String(s) => out.push(s.trim().to_string()),
        toml::Value::Integer(i) => out.push(i.to_string()),
        toml::Value::Float(f) => out.push(f.to_string()),
        toml::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        toml::Value::Table(t) => t.values().for_each(|v| strings(v, out)),
        toml::Value::Boolean(_) | toml::Value::Datetime(_) => {}
    }
}

/// Replaces any private value of 3 characters or more in the audit's text by `[redacted]`.
fn redact(audit: &mut Audit, private: &[String]) {
    let mut private: Vec<&String> = private.iter().filter(|p| p.chars().count() >= 3).collect();
    private.sort_by_key(|p| std::cmp::Reverse(p.len()));
    let clean = |s: &mut String| {
        for p in &private {
            if s.contains(p.as_str()) {
                *s = s.replace(p.as_str(), "[redacted]");
            }
        }
    };
    for item in &mut audit.items {
        clean(&mut item.path);
        clean(&mut item.detail);
    }
    for change in &mut audit.upcoming {
        clean(&mut change.path);
        clean(&mut change.detail);
    }
}
