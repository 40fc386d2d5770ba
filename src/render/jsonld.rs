//! schema.org JSON-LD for entries, contests and the site, built from [`Citation`]s (so search
//! engines see exactly the public credits a reader sees), and [`script_safe`] text to put inside
//! `<script type="application/ld+json">`.

use super::citation::{Citation, Medium, Work};
use crate::public::{Output, OutputKind};
use crate::web::doi_url;
use jiff::civil::Date;
use serde_json::{Map, Value, json};

/// What an entry's JSON-LD says beyond its citation.
pub struct EntryLd<'a> {
    pub citation: &'a Citation,
    pub summary: Option<&'a str>,
    /// The contest's absolute URL.
    pub contest_url: &'a str,
    pub award: Option<String>,
    pub country: Option<&'a str>,
    /// Absolute URLs of the largest variant of each published image.
    pub images: Vec<String>,
    pub media: MediaFacts,
    pub site_url: &'a str,
}

/// What an entry's media (its first item decides its [`Medium`]) tells search engines.
#[derive(Debug, Default)]
pub struct MediaFacts {
    /// Absolute URL of the published file: the first image at its largest, the video, the audio.
    pub content_url: Option<String>,
    /// Absolute URL of the first item's poster, else of the entry's first image.
    pub thumbnail: Option<String>,
    /// ISO 8601: `PT3M12S`.
    pub duration: Option<String>,
    pub mime: Option<&'static str>,
    /// When it was made public: as cited (the entry's date, else its contest's).
    pub date: Option<Date>,
    /// The credit line; empty when the entry credits no one.
    pub credit: String,
    /// The license deed, else its SPDX id.
    pub license: Option<String>,
    /// Where the archive explains how to reuse what it holds.
    pub license_page: Option<String>,
}

/// The schema.org type of an entry of `medium`, with the properties search engines require of
/// that type (Google's rich results: a `VideoObject` needs `thumbnailUrl` and `uploadDate`, an
/// `ImageObject` `contentUrl` and a credit or a license; `AudioObject` has no rich result, and
/// gets schema.org's `contentUrl`). An entry that cannot give them (a video without poster,
/// image or date) is described as a `CreativeWork`, which asks for nothing more.
pub fn typed(medium: Medium, f: &MediaFacts) -> (&'static str, Map<String, Value>) {
    let mut required = Map::new();
    let mut put = |key: &str, value: Option<String>| match value {
        Some(v) => required.insert(key.to_string(), json!(v)).is_none(),
        None => false,
    };
    let credit = Some(f.credit.clone()).filter(|c| !c.trim().is_empty());
    let complete = match medium {
        Medium::Video => {
            put("thumbnailUrl", f.thumbnail.clone())
                & put("uploadDate", f.date.map(|d| d.to_string()))
        }
        Medium::Image => {
            put("contentUrl", f.content_url.clone())
                & (put("creditText", credit) | put("license", f.license.clone()))
        }
        Medium::Audio => put("contentUrl", f.content_url.clone()),
        Medium::CaseStudy | Medium::Text => true,
    };
    match complete {
        true => (medium.schema_type(), required),
        false => ("CreativeWork", Map::new()),
    }
}

/// A contest's entry as one of its parts: its type and what that type requires.
pub fn part(url: &str, name: &str, medium: Medium, f: &MediaFacts) -> Value {
    let (ty, required) = typed(medium, f);
    let mut ld = json!({"@type": ty, "@id": url, "url": url, "name": name});
    extend(&mut ld, required);
    ld
}

fn extend(ld: &mut Value, properties: Map<String, Value>) {
    if let Some(object) = ld.as_object_mut() {
        object.extend(properties);
    }
}

/// JSON-LD of an entry: `ImageObject`, `VideoObject`, `ScholarlyArticle`… by medium.
pub fn entry(e: &EntryLd) -> Value {
    let c = e.citation;
    let (ty, required) = match c.work {
        Work::Entry(m) => typed(m, &e.media),
        Work::Contest => ("CreativeWork", Map::new()),
    };
    let mut ld = common(c, ty, e.site_url);
    ld["headline"] = json!(truncate(&c.title, 110));
    if let Some(s) = e.summary {
        ld["description"] = json!(s);
    }
    ld["author"] = c
        .authors
        .iter()
        .map(|a| json!({"@type": "Person", "name": a}))
        .collect();
    if let Some(container) = &c.container {
        ld["isPartOf"] = json!({
            "@type": "CreativeWorkSeries",
            "@id": e.contest_url,
            "name": container,
            "url": e.contest_url,
        });
    }
    if let Some(a) = &e.award {
        ld["award"] = json!(a);
    }
    if let Some(country) = e.country {
        ld["countryOfOrigin"] = json!({"@type": "Country", "name": country});
    }
    if let Some(first) = e.images.first() {
        ld["image"] = json!(e.images);
        ld["thumbnailUrl"] = json!(first);
    }
    extend(&mut ld, required);
    let f = &e.media;
    let mut recommended = Map::new();
    let mut put = |key: &str, value: &Option<String>| {
        if let Some(v) = value {
            recommended.insert(key.to_string(), json!(v));
        }
    };
    match ty {
        "VideoObject" | "AudioObject" => {
            put("contentUrl", &f.content_url);
            put("duration", &f.duration);
            put("encodingFormat", &f.mime.map(String::from));
        }
        "ImageObject" if f.license.is_some() => {
            put("license", &f.license);
            put("acquireLicensePage", &f.license_page);
        }
        _ => {}
    }
    if ty == "ImageObject" && !c.authors.is_empty() {
        recommended.insert("creator".into(), ld["author"].clone());
    }
    extend(&mut ld, recommended);
    ld
}

/// JSON-LD of a contest: a `CreativeWorkSeries` whose parts are its published entries and
/// whose outcomes (publications, guidelines…) are works about it (`subjectOf`).
pub fn contest(
    c: &Citation,
    summary: Option<&str>,
    parts: Vec<Value>,
    outputs: &[Output],
    site_url: &str,
) -> Value {
    let mut ld = common(c, "CreativeWorkSeries", site_url);
    if let Some(s) = summary {
        ld["description"] = json!(s);
    }
    ld["creator"] = c
        .authors
        .iter()
        .map(|a| json!({"@type": "Organization", "name": a}))
        .collect();
    ld["hasPart"] = Value::Array(parts);
    if !outputs.is_empty() {
        ld["subjectOf"] = outputs.iter().map(output).collect();
    }
    ld
}

/// An outcome as a schema.org work.
pub fn output(o: &Output) -> Value {
    let ty = match o.kind {
        OutputKind::Publication => "ScholarlyArticle",
        OutputKind::Presentation => "PresentationDigitalDocument",
        OutputKind::Dataset => "Dataset",
        OutputKind::Guideline | OutputKind::Policy | OutputKind::Implementation => "CreativeWork",
    };
    let mut ld = json!({"@type": ty, "name": o.title, "genre": o.kind.id()});
    if let Some(u) = &o.url {
        ld["url"] = json!(u);
    }
    if let Some(d) = &o.doi {
        ld["identifier"] = doi_value(d);
        ld["sameAs"] = json!(doi_url(d));
    }
    if let Some(y) = o.year {
        ld["datePublished"] = json!(y.to_string());
    }
    if let Some(n) = &o.note {
        ld["description"] = json!(n);
    }
    ld
}

/// The home page's JSON-LD: the site and the organisation that publishes it.
pub fn site(
    name: &str,
    description: &str,
    url: &str,
    language: &str,
    license: Option<&str>,
) -> Value {
    let org = format!("{url}#organization");
    let mut website = json!({
        "@type": "WebSite",
        "@id": format!("{url}#website"),
        "url": url,
        "name": name,
        "inLanguage": language,
        "publisher": {"@id": org},
    });
    if !description.is_empty() {
        website["description"] = json!(description);
    }
    if let Some(l) = license {
        website["license"] = json!(l);
    }
    json!({
        "@context": "https://schema.org",
        "@graph": [website, {"@type": "Organization", "@id": org, "name": name, "url": url}],
    })
}

fn common(c: &Citation, ty: &str, site_url: &str) -> Value {
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": ty,
        "@id": c.url,
        "url": c.url,
        "name": c.title,
        "inLanguage": c.language,
        "genre": c.genre,
        "publisher": {"@type": "Organization", "name": c.publisher, "url": site_url},
    });
    if let Some(d) = c.date {
        let date = match c.work {
            Work::Contest => d.year().to_string(),
            Work::Entry(_) => d.to_string(),
        };
        ld["dateCreated"] = json!(date);
    }
    if let Some(l) = c.license_url.as_ref().or(c.license.as_ref()) {
        ld["license"] = json!(l);
    }
    if let Some(d) = &c.doi {
        ld["identifier"] = doi_value(d);
        ld["sameAs"] = json!(doi_url(d));
    }
    if !c.keywords.is_empty() {
        ld["keywords"] = json!(c.keywords.join(", "));
    }
    ld
}

fn doi_value(doi: &str) -> Value {
    json!({"@type": "PropertyValue", "propertyID": "DOI", "value": doi})
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i].trim_end()),
        None => text.to_string(),
    }
}

/// JSON text safe inside a `<script>` element: `<`, `>` and `&` (and the JavaScript line
/// separators) are written as `\u` escapes, so a title holding `</script>` or `<!--` cannot
/// end the element or start a comment. They only occur inside JSON strings, where the escape
/// means the same character.
pub fn script_safe(value: &Value) -> String {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "{}".into());
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_text_cannot_close_the_element_and_still_parses() {
        let v = json!({"name": "</script><script>alert(1)</script> & <!-- \u{2028}"});
        let s = script_safe(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn site_graph_has_website_and_organization() {
        let v = site(
            "Archive",
            "",
            "https://a.example/",
            "en",
            Some("https://creativecommons.org/licenses/by/4.0/"),
        );
        let types: Vec<&str> = v["@graph"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["@type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["WebSite", "Organization"]);
    }
}
