//! `CITATION.cff` for the archive as a whole ([Citation File Format] 1.2.0): what GitHub's
//! "Cite this repository", Zenodo's GitHub integration and reference managers read. Built from
//! the public model: the archive's title, description and address, the organisers of its
//! published contests as authors, and each contest as a reference with its own address and DOI.
//!
//! [Citation File Format]: https://citation-file-format.github.io/

use super::deposit::{contest_url, one_line};
use crate::config::Config;
use crate::licenses;
use crate::public::PublicSite;

/// Licenses sesh knows that CFF 1.2.0's list of SPDX ids (from 2021) lacks: given as
/// `license-url` instead, which any version accepts.
const NOT_IN_CFF_1_2: &[&str] = &["CC-BY-3.0-IGO", "CC-BY-NC-SA-3.0-IGO"];

/// The file's text. Every string is written as a double-quoted YAML scalar (JSON's escaping,
/// which YAML 1.2 reads the same), so no title can break the file.
pub fn citation_cff(config: &Config, site: &PublicSite) -> String {
    let q = |s: &str| serde_json::to_string(&one_line(s)).unwrap_or_else(|_| "\"\"".into());
    let mut authors: Vec<String> = Vec::new();
    for organiser in site.contests.iter().flat_map(|c| &c.facts.organisers) {
        let name = one_line(organiser);
        if !name.is_empty() && !authors.contains(&name) {
            authors.push(name);
        }
    }
    if authors.is_empty() {
        authors.push(one_line(&config.title));
    }
    let mut out = String::from("cff-version: 1.2.0\n");
    out.push_str(
        "message: \"To cite this archive, use the metadata below. Each contest and entry page of the archive gives its own citation.\"\n",
    );
    out.push_str("type: dataset\n");
    out.push_str(&format!("title: {}\n", q(&config.title)));
    if !config.description.trim().is_empty() {
        out.push_str(&format!("abstract: {}\n", q(&config.description)));
    }
    out.push_str("authors:\n");
    for a in &authors {
        out.push_str(&format!("  - name: {}\n", q(a)));
    }
    out.push_str(&format!("url: {}\n", q(config.base_url.as_str())));
    out.push_str(&license(config.license.as_deref(), ""));
    out.push_str(&format!("date-released: \"{}\"\n", config.as_of.earliest));
    let dois: Vec<_> = site
        .contests
        .iter()
        .filter_map(|c| c.doi.as_ref().map(|d| (d, &c.title)))
        .collect();
    out.push_str("identifiers:\n");
    out.push_str(&format!(
        "  - type: url\n    value: {}\n    description: \"The archive\"\n",
        q(config.base_url.as_str())
    ));
    for (doi, title) in dois {
        out.push_str(&format!(
            "  - type: doi\n    value: {}\n    description: {}\n",
            q(doi),
            q(&format!("Contest: {title}"))
        ));
    }
    if !site.contests.is_empty() {
        out.push_str("references:\n");
    }
    for c in &site.contests {
        out.push_str(&format!("  - type: generic\n    title: {}\n", q(&c.title)));
        out.push_str("    authors:\n");
        let organisers: Vec<&String> = c
            .facts
            .organisers
            .iter()
            .filter(|o| !one_line(o).is_empty())
            .collect();
        if organisers.is_empty() {
            out.push_str(&format!("      - name: {}\n", q(&config.title)));
        }
        for o in organisers {
            out.push_str(&format!("      - name: {}\n", q(o)));
        }
        out.push_str(&format!("    url: {}\n", q(&contest_url(config, &c.slug))));
        if let Some(doi) = &c.doi {
            out.push_str(&format!("    doi: {}\n", q(doi)));
        }
        if let Some(year) = c.start.or(c.end).map(|d| d.year()) {
            out.push_str(&format!("    year: {year}\n"));
        }
        out.push_str(&license(c.license.as_deref(), "    "));
    }
    out
}

/// `license: <SPDX id>` for an id CFF knows, `license-url:` for another known one, else nothing.
fn license(id: Option<&str>, indent: &str) -> String {
    let Some(known) = id.and_then(licenses::lookup) else {
        return String::new();
    };
    if NOT_IN_CFF_1_2.contains(&known.id.as_str()) {
        return match known.url {
            Some(url) => format!("{indent}license-url: \"{url}\"\n"),
            None => String::new(),
        };
    }
    format!("{indent}license: {}\n", known.id)
}
