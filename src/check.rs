//! `sesh check`: builds the site into a temporary folder, never publishing it, and validates
//! what a reader would meet: every internal link and asset resolves (fragments included), every
//! image has alt text, no content problem is left; it also lists what the consent gate excluded
//! and every external link (listed, not fetched).

use crate::audit::exposure::{self, Exposed, Visibility};
use crate::config::Config;
use crate::report::{Exclusion, Log, Problem, Severity};
use crate::site::Session;
use anyhow::{Context, Result};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Something wrong in the built pages.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub severity: Severity,
    /// `broken-link`, `missing-fragment`, `missing-alt`.
    pub kind: &'static str,
    /// The output page, e.g. `contests/x/index.html`.
    pub page: String,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExternalLink {
    pub url: String,
    pub pages: Vec<String>,
}

/// What `sesh check` found.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub as_of: String,
    pub pages: usize,
    pub errors: usize,
    pub warnings: usize,
    pub problems: Vec<Problem>,
    pub findings: Vec<Finding>,
    pub excluded: Vec<Exclusion>,
    pub external_links: Vec<ExternalLink>,
    /// Per language (a site with several): what is not translated yet.
    pub translations: Vec<LanguageGaps>,
    /// With `--source-visibility`: who can read the sources, and what they hold that the site
    /// withholds (listed when that is anyone but the people given access).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sources: Option<Sources>,
    /// Texts a log others may read must not show (see [`crate::report::Log`]).
    #[serde(skip)]
    pub withheld: Vec<String>,
}

/// What the sources expose to who can read them.
#[derive(Debug, Clone, Serialize)]
pub struct Sources {
    pub visibility: Visibility,
    pub exposed: Vec<Exposed>,
}

/// What a language lacks: published items shown untranslated (in their original language),
/// and UI strings other languages have.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageGaps {
    pub lang: String,
    /// Source files of published pages, contests and entries with no translation in `lang`
    /// (items written in `lang` count as translated).
    pub untranslated: Vec<String>,
    pub items: usize,
    pub missing_strings: Vec<String>,
}

/// The translation report of a site with more than one language.
pub fn language_gaps(
    config: &Config,
    site: &crate::public::PublicSite,
    theme: &crate::render::theme::Theme,
) -> Vec<LanguageGaps> {
    if config.languages.len() < 2 {
        return Vec::new();
    }
    let mut items: Vec<(&str, &str, Vec<&String>)> = Vec::new();
    for p in site.home.iter().chain(&site.framework).chain(&site.pages) {
        items.push((&p.body.file, &p.lang, p.translations.keys().collect()));
    }
    for c in &site.contests {
        items.push((&c.body.file, &c.lang, c.translations.keys().collect()));
        for e in &c.entries {
            items.push((&e.body.file, &e.lang, e.translations.keys().collect()));
        }
    }
    config
        .languages
        .iter()
        .map(|lang| LanguageGaps {
            lang: lang.clone(),
            untranslated: items
                .iter()
                .filter(|(_, original, has)| *original != lang && !has.contains(&lang))
                .map(|(file, _, _)| file.to_string())
                .collect(),
            items: items.len(),
            missing_strings: theme.missing_strings(&config.languages, lang),
        })
        .collect()
}

/// Builds `config`'s site into a temporary folder and checks it.
pub fn check(config: &Config, visibility: Option<Visibility>, log: Log) -> Result<CheckReport> {
    let dir = TempDir::new()?;
    let mut session = Session::open(config.clone())?;
    session.progress = crate::progress::Progress::detect(false);
    let sources = visibility.map(|visibility| Sources {
        visibility,
        exposed: match visibility.exposes() {
            true => session.exposure(),
            false => Vec::new(),
        },
    });
    let outcome = session.build_into(&dir.0, crate::site::Mode::Check)?;
    let crawl = crawl(&dir.0, config)?;
    let errors = outcome
        .report
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count()
        + crawl
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
    let warnings = outcome.report.problems.len() + crawl.findings.len() - errors;
    let withheld = match log {
        Log::Public => session.withheld(&outcome.report.excluded),
        Log::Full => Vec::new(),
    };
    Ok(CheckReport {
        as_of: outcome.report.as_of.clone(),
        pages: crawl.pages,
        errors,
        warnings,
        problems: outcome.report.problems,
        findings: crawl.findings,
        excluded: outcome.report.excluded,
        external_links: crawl.external,
        translations: {
            let site = session.public_site();
            language_gaps(config, &site, session.theme())
        },
        withheld,
        sources,
    })
}

struct Crawl {
    pages: usize,
    findings: Vec<Finding>,
    external: Vec<ExternalLink>,
}

/// A page's links and ids, as parsed.
struct Parsed {
    links: Vec<String>,
    ids: HashSet<String>,
    images_without_alt: Vec<String>,
}

fn crawl(dir: &Path, config: &Config) -> Result<Crawl> {
    let pages: Vec<String> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| crate::report::display_path(dir, e.path()))
        .collect();
    let mut parsed: HashMap<String, Parsed> = HashMap::new(); // every page, parsed once
    for page in &pages {
        let html = std::fs::read_to_string(dir.join(page))?;
        parsed.insert(page.clone(), parse(&html));
    }
    let base_path = config.base_path();
    let mut findings = BTreeSet::new();
    let mut external: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for page in &pages {
        let p = &parsed[page];
        for alt in &p.images_without_alt {
            findings.insert(Finding {
                severity: Severity::Error,
                kind: "missing-alt",
                page: page.clone(),
                detail: format!("image `{alt}` has no alt text"),
            });
        }
        for link in &p.links {
            match classify(link, config) {
                Link::External(url) => {
                    external.entry(url).or_default().insert(page.clone());
                }
                Link::Internal(path, fragment) => {
                    if let Some(f) =
                        resolve(dir, page, &path, fragment.as_deref(), base_path, &parsed)
                    {
                        findings.insert(f);
                    }
                }
                Link::Ignore => {}
            }
        }
    }
    Ok(Crawl {
        pages: pages.len(),
        findings: findings.into_iter().collect(),
        external: external
            .into_iter()
            .map(|(url, pages)| ExternalLink {
                url,
                pages: pages.into_iter().collect(),
            })
            .collect(),
    })
}

fn parse(html: &str) -> Parsed {
    let doc = scraper::Html::parse_document(html);
    let mut out = Parsed {
        links: Vec::new(),
        ids: HashSet::new(),
        images_without_alt: Vec::new(),
    };
    for el in doc
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        let v = el.value();
        if let Some(id) = v.attr("id") {
            out.ids.insert(id.to_string());
        }
        for attr in ["href", "src"] {
            if let Some(url) = v.attr(attr) {
                out.links.push(url.to_string());
            }
        }
        if let Some(srcset) = v.attr("srcset") {
            out.links.extend(
                srcset
                    .split(',')
                    .filter_map(|s| s.split_whitespace().next())
                    .map(String::from),
            );
        }
        if v.name() == "img" && v.attr("alt").is_none_or(|a| a.trim().is_empty()) {
            out.images_without_alt
                .push(v.attr("src").unwrap_or("").to_string());
        }
    }
    out
}

enum Link {
    /// Root-relative path under the site, and fragment.
    Internal(String, Option<String>),
    External(String),
    Ignore,
}

fn classify(url: &str, config: &Config) -> Link {
    let url = url.trim();
    if url.is_empty() || url.starts_with("mailto:") || url.starts_with("tel:") {
        return Link::Ignore;
    }
    let absolute = match url::Url::parse(url) {
        Ok(u) => u,
        Err(_) => match config.base_url.join(url) {
            Ok(u) if url.starts_with('/') || url.starts_with('#') => u,
            // A relative URL other than a fragment: resolve against the page below.
            _ => return Link::Internal(url.to_string(), None),
        },
    };
    if absolute.origin() != config.base_url.origin() {
        return match absolute.scheme() {
            "http" | "https" => Link::External(absolute.to_string()),
            _ => Link::Ignore,
        };
    }
    let fragment = absolute.fragment().map(String::from);
    if url.starts_with('#') {
        return Link::Internal(String::new(), fragment);
    }
    Link::Internal(absolute.path().to_string(), fragment)
}

/// Checks one internal reference from `page`; returns a finding if it does not resolve.
fn resolve(
    dir: &Path,
    page: &str,
    path: &str,
    fragment: Option<&str>,
    base_path: &str,
    parsed: &HashMap<String, Parsed>,
) -> Option<Finding> {
    let broken = |kind: &'static str, detail: String| Finding {
        severity: Severity::Error,
        kind,
        page: page.to_string(),
        detail,
    };
    let target = if path.is_empty() {
        page.to_string()
    } else {
        let Some(rest) = path.strip_prefix(base_path) else {
            return Some(broken(
                "broken-link",
                format!("`{path}` is outside the site's base path {base_path}"),
            ));
        };
        let decoded = percent_encoding::percent_decode_str(rest)
            .decode_utf8_lossy()
            .into_owned();
        let file = if decoded.is_empty() || decoded.ends_with('/') {
            format!("{decoded}index.html")
        } else if dir.join(&decoded).is_dir() {
            format!("{decoded}/index.html")
        } else {
            decoded
        };
        if !dir.join(&file).is_file() {
            return Some(broken("broken-link", format!("`{path}` does not exist")));
        }
        file
    };
    let fragment = fragment.filter(|f| !f.is_empty())?;
    let id = percent_encoding::percent_decode_str(fragment)
        .decode_utf8_lossy()
        .into_owned();
    if !target.ends_with(".html") {
        return None;
    }
    let ids = &parsed.get(&target)?.ids;
    (!ids.contains(&id)).then(|| {
        broken(
            "missing-fragment",
            format!("`{path}#{fragment}`: no element with id `{id}`"),
        )
    })
}

impl CheckReport {
    /// The report as people read it in a terminal.
    /// The report as text; in a log others may read ([`Log::Public`]), exclusions and what the
    /// sources expose are counted and withheld texts replaced.
    pub fn table(&self, log: Log) -> String {
        let mut out = format!(
            "sesh check: {} pages, {} error(s), {} warning(s) ({})\n",
            self.pages,
            self.errors,
            self.warnings,
            crate::site::as_of_words(&self.as_of)
        );
        // The count is of items; a public log groups exclusions, one line per kind and rule.
        let counted = |out: &mut String, title: &str, count: usize, lines: Vec<String>| {
            out.push_str(&format!("\n{title} ({count})\n"));
            if lines.is_empty() {
                out.push_str("  none\n");
            }
            for line in lines {
                out.push_str(&format!("  {}\n", line.replace('\n', "\n  ")));
            }
        };
        let section = |out: &mut String, title: &str, lines: Vec<String>| {
            counted(out, title, lines.len(), lines)
        };
        let shown = |p: &Problem| match log {
            Log::Full => p.labelled(),
            Log::Public => crate::report::redact(&p.labelled(), &self.withheld),
        };
        section(
            &mut out,
            "Content problems",
            self.problems.iter().map(shown).collect(),
        );
        section(
            &mut out,
            "In the built pages: broken links, missing fragments, images shown without alt text (an image whose source has no alt text is not published: see content problems)",
            self.findings
                .iter()
                .map(|f| format!("{}: {}: {}", f.kind, f.page, f.detail))
                .collect(),
        );
        let excluded = match log {
            Log::Full => self
                .excluded
                .iter()
                .map(|e| format!("{} {}: {}", e.kind, e.path, e.reason))
                .collect(),
            Log::Public => {
                let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
                for e in &self.excluded {
                    *counts.entry((e.kind, e.rule)).or_default() += 1;
                }
                counts
                    .into_iter()
                    .map(|((kind, rule), n)| {
                        format!("{kind}, {rule}: {n} (which ones: --verbose on your computer)")
                    })
                    .collect()
            }
        };
        counted(
            &mut out,
            "Not published (consent gate)",
            self.excluded.len(),
            excluded,
        );
        section(
            &mut out,
            "External links (listed, not fetched)",
            self.external_links
                .iter()
                .map(|l| {
                    let shown: Vec<&str> = l.pages.iter().take(3).map(String::as_str).collect();
                    let more = l.pages.len().saturating_sub(3);
                    let more = if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    };
                    format!("{}  (on {}{more})", l.url, shown.join(", "))
                })
                .collect(),
        );
        for gaps in &self.translations {
            let mut lines: Vec<String> = gaps
                .untranslated
                .iter()
                .map(|f| format!("untranslated: {f}"))
                .collect();
            lines.extend(
                gaps.missing_strings
                    .iter()
                    .map(|k| format!("missing string: {k} (add it to i18n/{}.toml)", gaps.lang)),
            );
            section(
                &mut out,
                &format!(
                    "Translation report for `{}`: {} of {} items translated, {} string(s) missing",
                    gaps.lang,
                    gaps.items - gaps.untranslated.len(),
                    gaps.items,
                    gaps.missing_strings.len()
                ),
                lines,
            );
        }
        if let Some(sources) = &self.sources {
            let text = match log {
                Log::Full => exposure::report(sources.visibility, &sources.exposed),
                Log::Public => exposure::counted(sources.visibility, &sources.exposed),
            };
            out.push_str(&format!("\nSource repository\n{text}"));
        }
        out
    }
}

/// A temporary folder removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!("sesh-check-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create `{}`", dir.display()))?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
