//! A [`Record`] as DataCite writes it: JSON (schema 4.5, the form of DataCite's REST API and
//! of the `datacite` Python package) and XML (kernel 4.5, with every text escaped and the
//! characters XML 1.0 cannot hold dropped).

use super::{Name, Record};
use crate::licenses;
use serde_json::{Value, json};

/// DataCite's general type and sesh's own words for a contest deposit.
const RESOURCE_TYPE: (&str, &str) = ("Collection", "Crowdsourcing contest outputs");
const SCHEMA: &str = "http://datacite.org/schema/kernel-4";
const SCHEMA_LOCATION: &str = "http://schema.datacite.org/meta/kernel-4.5/metadata.xsd";
const SPDX: &str = "https://spdx.org/licenses/";

impl Record {
    /// The record as DataCite JSON (schema 4.5, the form DataCite's REST API and the `datacite`
    /// Python package read).
    pub fn datacite_json(&self) -> Value {
        let name = |n: &Name, contributor: bool| {
            let mut v = json!({ "name": n.name });
            if n.personal {
                v["nameType"] = json!("Personal");
            }
            if let Some(a) = &n.affiliation {
                v["affiliation"] = json!([{ "name": a }]);
            }
            if contributor {
                v["contributorType"] = json!("Other");
            }
            v
        };
        let mut titles = vec![json!({ "title": self.title.text, "lang": self.title.lang })];
        titles.extend(
            self.translated_titles.iter().map(
                |t| json!({ "title": t.text, "titleType": "TranslatedTitle", "lang": t.lang }),
            ),
        );
        let mut record = json!({
            "types": { "resourceTypeGeneral": RESOURCE_TYPE.0, "resourceType": RESOURCE_TYPE.1 },
            "url": self.url,
            "creators": self.creators.iter().map(|n| name(n, false)).collect::<Vec<_>>(),
            "titles": titles,
            "publisher": { "name": self.publisher },
            "publicationYear": self.year.to_string(),
            "language": self.language,
            "relatedIdentifiers": self.related.iter().map(|r| json!({
                "relatedIdentifier": r.id,
                "relatedIdentifierType": r.scheme,
                "relationType": r.relation,
            })).collect::<Vec<_>>(),
            "sizes": [self.size()],
            "descriptions": self.descriptions().into_iter().map(|(text, kind, lang)| {
                let mut d = json!({ "description": text, "descriptionType": kind });
                if let Some(lang) = lang {
                    d["lang"] = json!(lang);
                }
                d
            }).collect::<Vec<_>>(),
            "schemaVersion": SCHEMA,
        });
        if let Some(doi) = &self.doi {
            record["doi"] = json!(doi);
        }
        if !self.contributors.is_empty() {
            record["contributors"] = json!(
                self.contributors
                    .iter()
                    .map(|n| name(n, true))
                    .collect::<Vec<_>>()
            );
        }
        if !self.subjects.is_empty() {
            record["subjects"] = json!(
                self.subjects
                    .iter()
                    .map(|s| json!({ "subject": s }))
                    .collect::<Vec<_>>()
            );
        }
        if let Some(date) = self.collected() {
            record["dates"] = json!([{ "date": date, "dateType": "Collected" }]);
        }
        if !self.licenses.is_empty() {
            record["rightsList"] = json!(
                self.licenses
                    .iter()
                    .map(|id| rights_json(id))
                    .collect::<Vec<_>>()
            );
        }
        record
    }

    /// The record as DataCite XML (kernel 4.5).
    pub fn datacite_xml(&self) -> String {
        let mut x = Xml::default();
        x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.raw(&format!(
            "<resource xmlns=\"{SCHEMA}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"{SCHEMA} {SCHEMA_LOCATION}\">\n"
        ));
        if let Some(doi) = &self.doi {
            x.leaf(1, "identifier", &[("identifierType", "DOI")], doi);
        }
        x.people("creators", "creator", &self.creators);
        x.open(1, "titles", &[]);
        let lang = [("xml:lang", self.title.lang.as_str())];
        x.leaf(2, "title", &lang, &self.title.text);
        for t in &self.translated_titles {
            let attrs = [
                ("xml:lang", t.lang.as_str()),
                ("titleType", "TranslatedTitle"),
            ];
            x.leaf(2, "title", &attrs, &t.text);
        }
        x.close(1, "titles");
        x.leaf(1, "publisher", &[], &self.publisher);
        x.leaf(1, "publicationYear", &[], &self.year.to_string());
        let general = [("resourceTypeGeneral", RESOURCE_TYPE.0)];
        x.leaf(1, "resourceType", &general, RESOURCE_TYPE.1);
        x.list("subjects", "subject", &[], &self.subjects);
        x.people("contributors", "contributor", &self.contributors);
        let collected = [("dateType", "Collected")];
        x.list("dates", "date", &collected, self.collected().as_slice());
        x.leaf(1, "language", &[], &self.language);
        x.open(1, "relatedIdentifiers", &[]);
        for r in &self.related {
            let attrs = [
                ("relationType", r.relation),
                ("relatedIdentifierType", r.scheme),
            ];
            x.leaf(2, "relatedIdentifier", &attrs, &r.id);
        }
        x.close(1, "relatedIdentifiers");
        x.list("sizes", "size", &[], &[self.size()]);
        if !self.licenses.is_empty() {
            x.open(1, "rightsList", &[]);
            for id in &self.licenses {
                x.rights(id);
            }
            x.close(1, "rightsList");
        }
        x.open(1, "descriptions", &[]);
        for (text, kind, lang) in self.descriptions() {
            let mut attrs = vec![("descriptionType", kind)];
            if let Some(lang) = lang {
                attrs.insert(0, ("xml:lang", lang));
            }
            x.leaf(2, "description", &attrs, text);
        }
        x.close(1, "descriptions");
        x.raw("</resource>\n");
        x.0
    }
}

fn rights_json(id: &str) -> Value {
    match licenses::lookup(id) {
        Some(l) => {
            let mut v = json!({
                "rights": l.name,
                "rightsIdentifier": l.id.to_lowercase(),
                "rightsIdentifierScheme": "SPDX",
                "schemeUri": SPDX,
            });
            if let Some(url) = &l.url {
                v["rightsUri"] = json!(url);
            }
            v
        }
        None => json!({ "rights": id }),
    }
}

/// A small, indenting XML writer: every text and attribute value escaped.
#[derive(Default)]
struct Xml(String);

impl Xml {
    fn raw(&mut self, text: &str) {
        self.0.push_str(text);
    }

    fn start(&mut self, depth: usize, tag: &str, attrs: &[(&str, &str)]) {
        self.0.push_str(&"  ".repeat(depth));
        self.0.push('<');
        self.0.push_str(tag);
        for (name, value) in attrs {
            self.0
                .push_str(&format!(" {name}=\"{}\"", xml_escape(value)));
        }
        self.0.push('>');
    }

    fn open(&mut self, depth: usize, tag: &str, attrs: &[(&str, &str)]) {
        self.start(depth, tag, attrs);
        self.0.push('\n');
    }

    fn close(&mut self, depth: usize, tag: &str) {
        self.0
            .push_str(&format!("{}</{tag}>\n", "  ".repeat(depth)));
    }

    /// `<outer><tag>item</tag>…</outer>`, nothing when there are no items.
    fn list(&mut self, outer: &str, tag: &str, attrs: &[(&str, &str)], items: &[String]) {
        if items.is_empty() {
            return;
        }
        self.open(1, outer, &[]);
        for item in items {
            self.leaf(2, tag, attrs, item);
        }
        self.close(1, outer);
    }

    /// Creators or contributors (`<creator><creatorName>…`), nothing when there are none.
    fn people(&mut self, outer: &str, tag: &str, names: &[Name]) {
        if names.is_empty() {
            return;
        }
        self.open(1, outer, &[]);
        for n in names {
            let kind = [("contributorType", "Other")];
            self.open(2, tag, if tag == "contributor" { &kind } else { &[] });
            let personal = [("nameType", "Personal")];
            let attrs: &[(&str, &str)] = if n.personal { &personal } else { &[] };
            self.leaf(3, &format!("{tag}Name"), attrs, &n.name);
            if let Some(a) = &n.affiliation {
                self.leaf(3, "affiliation", &[], a);
            }
            self.close(2, tag);
        }
        self.close(1, outer);
    }

    /// A license: by name, with its SPDX id and deed when sesh knows it.
    fn rights(&mut self, id: &str) {
        let Some(license) = licenses::lookup(id) else {
            return self.leaf(2, "rights", &[], id);
        };
        let spdx = license.id.to_lowercase();
        let mut attrs: Vec<(&str, &str)> = Vec::new();
        if let Some(url) = &license.url {
            attrs.push(("rightsURI", url));
        }
        attrs.push(("rightsIdentifierScheme", "SPDX"));
        attrs.push(("rightsIdentifier", &spdx));
        attrs.push(("schemeURI", SPDX));
        self.leaf(2, "rights", &attrs, &license.name);
    }

    fn leaf(&mut self, depth: usize, tag: &str, attrs: &[(&str, &str)], text: &str) {
        self.start(depth, tag, attrs);
        self.0.push_str(&xml_escape(text));
        self.0.push_str(&format!("</{tag}>\n"));
    }
}

/// Escapes text for XML content and attribute values; drops characters XML 1.0 cannot hold.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}
