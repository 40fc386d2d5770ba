//! docs/themes.md stays true: every variable it documents is rendered by a probe template on
//! the bundled example, with Tera's strict undefined-variable errors as the judge.

use crate::common::*;
use std::collections::BTreeMap;

/// (name, type) rows of the tables under each `### ` heading of a `## ` section.
fn tables(doc: &str, section: &str) -> BTreeMap<String, Vec<(String, String)>> {
    let mut out: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut in_section = false;
    let mut heading = String::new();
    for line in doc.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            in_section = h.trim() == section;
        } else if let Some(h) = line.strip_prefix("### ") {
            heading = h.trim().trim_matches('`').to_string();
            if in_section {
                out.entry(heading.clone()).or_default();
            }
        } else if in_section && line.starts_with("| `") {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let name = cells[1].trim_matches('`').to_string();
            out.entry(heading.clone())
                .or_default()
                .push((name, cells[2].to_string()));
        }
    }
    out
}

struct Prober<'a> {
    types: &'a BTreeMap<String, Vec<(String, String)>>,
    vars: usize,
    leaves: usize,
}

impl Prober<'_> {
    fn probe(&mut self, expr: &str, ty: &str) -> String {
        if let Some(inner) = ty.strip_suffix('?') {
            return format!("{{% if {expr} %}}{}{{% endif %}}", self.probe(expr, inner));
        }
        if let Some(item) = ty.strip_prefix("list of ") {
            self.vars += 1;
            let var = format!("v{}", self.vars);
            return format!(
                "{{% for {var} in {expr} %}}{}{{% endfor %}}",
                self.probe(&var, item)
            );
        }
        match ty {
            "string" | "number" | "bool" | "html" => {
                self.leaves += 1;
                format!("[{{{{ {expr} }}}}]")
            }
            "map" => format!("[{{{{ {expr} | length }}}}]"),
            object => {
                let fields = self.types.get(object).unwrap_or_else(|| {
                    panic!("docs/themes.md: unknown type `{object}` for {expr}")
                });
                let fields = fields.clone();
                fields
                    .iter()
                    .map(|(f, t)| self.probe(&format!("{expr}.{f}"), t))
                    .collect()
            }
        }
    }
}

#[test]
fn every_documented_variable_renders() {
    let doc = std::fs::read_to_string(repo().join("docs/themes.md")).unwrap();
    let types = tables(&doc, "Types");
    let templates = tables(&doc, "Templates");
    assert!(
        types.len() >= 8 && templates.len() >= 12,
        "the guide's tables were not found"
    );
    let mut prober = Prober {
        types: &types,
        vars: 0,
        leaves: 0,
    };
    let every: String = templates["Every template"]
        .iter()
        .map(|(v, t)| prober.probe(v, t))
        .collect();
    let site = Site::example();
    let mut probed = Vec::new();
    for (template, vars) in &templates {
        if !template.contains('.')
            || ["base.html", "components.html", "theme.css"].contains(&template.as_str())
        {
            continue;
        }
        let own: String = vars.iter().map(|(v, t)| prober.probe(v, t)).collect();
        let body = if template.ends_with(".html") {
            format!(
                "{{% extends \"base.html\" %}}{{% block main %}}PROBE{every}{own}{{% endblock main %}}"
            )
        } else {
            format!("PROBE{every}{own}")
        };
        site.write(&format!("templates/{template}"), &body);
        probed.push(template.clone());
    }
    let run = site.build(&[]).success();
    assert!(prober.leaves > 100, "only {} leaves probed", prober.leaves);
    for (template, output) in [
        ("index.html", "index.html"),
        (
            "entry.html",
            "contests/hiv-testing-video/testing-together/index.html",
        ),
        ("contest.html", "contests/hiv-testing-video/index.html"),
        ("framework.html", "framework/index.html"),
        ("page.html", "about/index.html"),
        ("404.html", "404.html"),
        ("cite.html", "cite/index.html"),
        ("contests.html", "contests/index.html"),
        ("atom.xml", "atom.xml"),
        ("sitemap.xml", "sitemap.xml"),
        ("robots.txt", "robots.txt"),
        ("search.html", "search/index.html"),
    ] {
        assert!(
            probed.contains(&template.to_string()),
            "{template} is not documented"
        );
        assert!(
            site.page(output).contains("PROBE"),
            "{template} was not the one rendered: {}",
            run.stderr()
        );
    }
}
