//! A [`Record`] as Zenodo's deposit API takes it.

use super::{Name, Record};
use crate::licenses;
use serde_json::{Value, json};

impl Record {
    /// The record as the body of Zenodo's deposit API (`PUT /api/deposit/depositions/:id`); its
    /// `metadata` object is also what a `.zenodo.json` file holds.
    pub fn zenodo_json(&self) -> Value {
        let person = |n: &Name| {
            let mut v = json!({ "name": n.name });
            if let Some(a) = &n.affiliation {
                v["affiliation"] = json!(a);
            }
            v
        };
        let mut description = String::new();
        for (text, _, _) in self.descriptions() {
            description.push_str(&format!("<p>{}</p>", html_escape(text)));
        }
        let mut m = json!({
            "upload_type": "other",
            "title": self.title.text,
            "creators": self.creators.iter().map(person).collect::<Vec<_>>(),
            "description": description,
            "access_right": "open",
            "publication_date": self.date,
            "related_identifiers": self.related.iter().map(|r| json!({
                "identifier": r.id,
                "relation": lower_first(r.relation),
                "scheme": r.scheme.to_lowercase(),
            })).collect::<Vec<_>>(),
        });
        if let Some(doi) = &self.doi {
            m["doi"] = json!(doi);
        }
        if let Some(id) = self.licenses.first().and_then(|id| licenses::lookup(id)) {
            m["license"] = json!(id.id.to_lowercase());
        }
        if !self.contributors.is_empty() {
            m["contributors"] = json!(
                self.contributors
                    .iter()
                    .map(|n| {
                        let mut v = person(n);
                        v["type"] = json!("Other");
                        v
                    })
                    .collect::<Vec<_>>()
            );
        }
        if !self.subjects.is_empty() {
            m["keywords"] = json!(self.subjects);
        }
        if let Some(lang) = iso_639_3(&self.language) {
            m["language"] = json!(lang);
        }
        if let Some((start, end)) = &self.collected {
            let mut d = json!({ "type": "Collected" });
            if let Some(s) = start {
                d["start"] = json!(s);
            }
            if let Some(e) = end {
                d["end"] = json!(e);
            }
            m["dates"] = json!([d]);
        }
        if self.licenses.len() > 1 {
            m["notes"] = json!(format!(
                "Entries carry their own licenses, shown on each entry page: {}.",
                self.licenses.join(", ")
            ));
        }
        json!({ "metadata": m })
    }
}

/// `IsPartOf` → `isPartOf` (Zenodo's spelling of DataCite's relation types).
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Zenodo names languages by ISO 639-3 code; the languages archives are written in, else none.
fn iso_639_3(tag: &str) -> Option<&'static str> {
    let primary = tag.split('-').next().unwrap_or(tag).to_lowercase();
    let code = match primary.as_str() {
        "en" => "eng",
        "zh" => "zho",
        "fr" => "fra",
        "es" => "spa",
        "pt" => "por",
        "ar" => "ara",
        "ru" => "rus",
        "sw" => "swa",
        "vi" => "vie",
        "th" => "tha",
        "id" => "ind",
        "hi" => "hin",
        _ => return None,
    };
    Some(code)
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
