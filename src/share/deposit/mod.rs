//! Repository deposits: what a contest is, described for Zenodo, Figshare or a DataCite
//! repository, from the public model alone. One [`Record`] per contest, written three ways
//! ([`datacite`]: DataCite 4.5 XML, the metadata kernel repositories register DOIs with, and
//! DataCite JSON, the same fields as DataCite's REST API and schema take them; [`zenodo`]:
//! Zenodo's deposit metadata).
//!
//! Creators are the contest's organisers, as in its "Cite this contest"; the entrants are
//! contributors exactly as their credits are shown (a name with its affiliation, initials or a
//! pseudonym; an anonymous author is not listed, as there is nothing to list). An entry whose
//! consent has an end date is not part of a deposit, which outlives any date.

mod datacite;
mod zenodo;

use crate::config::Config;
use crate::public::{Contest, Credit, Entry, Translation};

/// A person or organisation, as credited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub name: String,
    /// `Personal` for a full name; none for organisers, initials and pseudonyms (sesh cannot
    /// know whether an organiser is a person, nor split a name into given and family names).
    pub personal: bool,
    pub affiliation: Option<String>,
}

/// An identifier of something the contest relates to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub id: String,
    /// `DOI` or `URL`.
    pub scheme: &'static str,
    /// DataCite's relation type (`IsPartOf`, `HasPart`…).
    pub relation: &'static str,
}

/// A text, in a language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub text: String,
    pub lang: String,
}

/// Everything a deposit says about one contest: public, displayable values only.
#[derive(Debug, Clone)]
pub struct Record {
    pub doi: Option<String>,
    /// The contest's page in the archive (the landing page).
    pub url: String,
    pub title: Text,
    pub translated_titles: Vec<Text>,
    pub creators: Vec<Name>,
    pub contributors: Vec<Name>,
    pub publisher: String,
    pub year: i16,
    /// `YYYY-MM-DD` (Zenodo's publication date): the year's date as the contest citation has it.
    pub date: String,
    /// The contest's period, `start/end` (or one of them).
    pub collected: Option<(Option<String>, Option<String>)>,
    pub language: String,
    pub subjects: Vec<String>,
    /// The contest's summary, in its language and in translations.
    pub abstracts: Vec<Text>,
    /// A description of DataCite's type "Other": what came of the contest (its `outcome`).
    pub other_description: Option<String>,
    pub related: Vec<Related>,
    pub entries: usize,
    /// SPDX ids: the contest's license first, then each other license its entries carry.
    pub licenses: Vec<String>,
}

impl Record {
    /// The record of `contest` as published by the archive `config` describes.
    pub fn of(config: &Config, contest: &Contest) -> Record {
        let url = contest_url(config, &contest.slug);
        let entries: Vec<&Entry> = contest
            .entries
            .iter()
            .filter(|e| e.consent_ends.is_none())
            .collect();
        let date = contest.start.or(contest.end);
        let translated = |pick: fn(&Translation) -> Option<&String>| {
            contest
                .translations
                .iter()
                .filter_map(|(lang, t)| pick(t).map(|text| Text::new(text, lang)))
                .collect::<Vec<_>>()
        };
        let mut abstracts: Vec<Text> = (contest.summary.iter())
            .map(|s| Text::new(s, &contest.lang))
            .collect();
        abstracts.extend(translated(|t| t.summary.as_ref()));
        let (creators, contributors) = people(config, contest, &entries);
        Record {
            doi: contest.doi.clone(),
            related: related(config, contest, &entries, &url),
            url,
            title: Text::new(&contest.title, &contest.lang),
            translated_titles: translated(|t| t.title.as_ref()),
            creators,
            contributors,
            publisher: one_line(&config.title),
            year: date.unwrap_or(config.as_of.earliest).year(),
            date: date.unwrap_or(config.as_of.earliest).to_string(),
            collected: match (contest.start, contest.end) {
                (None, None) => None,
                (s, e) => Some((s.map(|d| d.to_string()), e.map(|d| d.to_string()))),
            },
            language: contest.lang.clone(),
            subjects: distinct(entries.iter().flat_map(|e| &e.tags)),
            abstracts,
            other_description: contest.facts.outcome.as_deref().map(one_line),
            entries: entries.len(),
            licenses: distinct(
                (contest.license.iter()).chain(entries.iter().filter_map(|e| e.license.as_ref())),
            ),
        }
    }

    /// DataCite's `Collected` date: `start/end`, or the one date known.
    fn collected(&self) -> Option<String> {
        match &self.collected {
            Some((Some(s), Some(e))) => Some(format!("{s}/{e}")),
            Some((s, e)) => s.clone().or(e.clone()),
            None => None,
        }
    }

    fn descriptions(&self) -> Vec<(&str, &str, Option<&str>)> {
        let mut out: Vec<(&str, &str, Option<&str>)> = self
            .abstracts
            .iter()
            .map(|a| (a.text.as_str(), "Abstract", Some(a.lang.as_str())))
            .collect();
        if out.is_empty() {
            out.push((&self.title.text, "Abstract", Some(&self.title.lang)));
        }
        if let Some(outcome) = &self.other_description {
            out.push((outcome, "Other", Some(&self.title.lang)));
        }
        out
    }

    fn size(&self) -> String {
        match self.entries {
            1 => "1 entry".to_string(),
            n => format!("{n} entries"),
        }
    }
}

impl Text {
    fn new(text: &str, lang: &str) -> Text {
        Text {
            text: one_line(text),
            lang: lang.to_string(),
        }
    }
}

/// Creators and contributors. DataCite needs a creator: the organisers (as the contest's
/// citation has them), else the entrants, else the archive.
fn people(config: &Config, contest: &Contest, entries: &[&Entry]) -> (Vec<Name>, Vec<Name>) {
    let organisation = |name: &str| Name {
        name: one_line(name),
        personal: false,
        affiliation: None,
    };
    let organisers: Vec<Name> = contest
        .facts
        .organisers
        .iter()
        .map(|o| organisation(o))
        .collect();
    let entrants = credited(entries);
    match (organisers.is_empty(), entrants.is_empty()) {
        (false, _) => (organisers, entrants),
        (true, false) => (entrants, Vec::new()),
        (true, true) => (vec![organisation(&config.title)], Vec::new()),
    }
}

/// The archive (`IsPartOf`), the contest's page (`IsVariantFormOf`), each entry (`HasPart`: its
/// DOI, else its page) and each outcome (`IsReferencedBy`: its DOI, else its address).
fn related(config: &Config, contest: &Contest, entries: &[&Entry], url: &str) -> Vec<Related> {
    let link = |id: String, scheme, relation| Related {
        id,
        scheme,
        relation,
    };
    let mut related = vec![
        link(config.base_url.to_string(), "URL", "IsPartOf"),
        link(url.to_string(), "URL", "IsVariantFormOf"),
    ];
    for entry in entries {
        related.push(match &entry.doi {
            Some(doi) => link(doi.clone(), "DOI", "HasPart"),
            None => {
                let page = format!("contests/{}/{}/", contest.slug, entry.slug);
                link(page_url(config, &page), "URL", "HasPart")
            }
        });
    }
    for output in &contest.outputs {
        match (&output.doi, &output.url) {
            (Some(doi), _) => related.push(link(doi.clone(), "DOI", "IsReferencedBy")),
            (None, Some(url)) => related.push(link(url.clone(), "URL", "IsReferencedBy")),
            (None, None) => {}
        }
    }
    related
}

/// Each text once (compared case-insensitively), in first-seen order.
fn distinct<'a>(texts: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for text in texts {
        if !out.iter().any(|t| t.eq_ignore_ascii_case(text)) {
            out.push(text.clone());
        }
    }
    out
}

/// The contest's page in the archive.
pub fn contest_url(config: &Config, slug: &str) -> String {
    page_url(config, &format!("contests/{slug}/"))
}

/// The absolute address of a page (`path` relative to the site root; slugs are letters,
/// digits, `-` and `_`, which the URL parser percent-encodes where needed).
fn page_url(config: &Config, path: &str) -> String {
    config
        .base_url
        .join(path)
        .map(|u| u.to_string())
        .unwrap_or_else(|_| format!("{}{path}", config.base_url))
}

/// The entrants of `entries` as their credits show them, each once, in gallery order.
fn credited(entries: &[&Entry]) -> Vec<Name> {
    let mut out: Vec<Name> = Vec::new();
    for credit in entries.iter().flat_map(|e| &e.credits) {
        let name = match credit {
            Credit::Name { name, affiliation } => Name {
                name: one_line(name),
                personal: true,
                affiliation: affiliation.as_deref().map(one_line),
            },
            Credit::Initials(s) | Credit::Pseudonym(s) => Name {
                name: one_line(s),
                personal: false,
                affiliation: None,
            },
            Credit::Anonymous => continue,
        };
        if !name.name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Collapses whitespace and drops control characters (XML 1.0 cannot hold most of them).
pub(super) fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::config::{Config, Overrides};
    use crate::public::Entry;

    /// A site's settings, for tests of what is made from them.
    pub(in crate::share) fn config() -> Config {
        // A folder per call: tests run in parallel.
        static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("sesh-deposit-{}-{call}", std::process::id()));
        std::fs::create_dir_all(dir.join("content")).unwrap();
        std::fs::write(
            dir.join("sesh.toml"),
            "title = \"Archive\"\nbase_url = \"https://example.org/a/\"\nlicense = \"CC-BY-4.0\"\n",
        )
        .unwrap();
        let config = Config::load(&dir, &Overrides::default()).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        config
    }

    #[test]
    fn credits_stay_as_shown_and_an_entry_whose_consent_ends_is_not_deposited() {
        let entry = |slug: &str, credits: Vec<Credit>| Entry {
            slug: slug.into(),
            credits,
            ..Entry::default()
        };
        let mut ending = entry("ending", vec![Credit::Initials("E. N.".into())]);
        ending.consent_ends = jiff::civil::Date::new(2099, 1, 1).ok();
        let contest = Contest {
            slug: "c".into(),
            title: "Tea & <cake> \"now\"\u{1}".into(),
            lang: "en".into(),
            entries: vec![
                entry(
                    "named",
                    vec![
                        Credit::Name {
                            name: "Wei Li".into(),
                            affiliation: Some("Guangzhou".into()),
                        },
                        Credit::Anonymous,
                    ],
                ),
                entry("pseudonym", vec![Credit::Pseudonym("Red Kite".into())]),
                ending,
            ],
            ..Contest::default()
        };
        let record = Record::of(&config(), &contest);
        // No organisers: the entrants are the creators, as credited; the anonymous one unnamed.
        let names: Vec<&str> = record.creators.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["Wei Li", "Red Kite"]);
        assert!(record.creators[0].personal && !record.creators[1].personal);
        assert!(record.contributors.is_empty());
        assert_eq!(record.entries, 2);
        let xml = record.datacite_xml();
        assert!(!xml.contains("E. N.") && !xml.contains("ending"), "{xml}");
        assert!(
            xml.contains("<title xml:lang=\"en\">Tea &amp; &lt;cake&gt; &quot;now&quot;</title>"),
            "{xml}"
        );
        assert!(xml.contains("<affiliation>Guangzhou</affiliation>"));
        assert!(xml.contains(
            "<relatedIdentifier relationType=\"HasPart\" relatedIdentifierType=\"URL\">https://example.org/a/contests/c/named/</relatedIdentifier>"
        ));
        let zenodo = record.zenodo_json();
        assert_eq!(
            zenodo["metadata"]["creators"][0]["affiliation"],
            "Guangzhou"
        );
        assert_eq!(
            zenodo["metadata"]["related_identifiers"][0]["relation"],
            "isPartOf"
        );
    }
}
