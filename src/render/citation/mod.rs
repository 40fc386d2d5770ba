//! How to cite a published entry or contest: one [`Citation`] built from the public model, and
//! the formats readers and reference managers take (an APA-like line, BibTeX, RIS, CSL-JSON,
//! Highwire `citation_*` and Dublin Core meta tags). Pure: text in, text out.
//!
//! Authors are the credits exactly as the public model shows them: a name, initials or a
//! pseudonym as written, an anonymous author as the theme's neutral label. Names are cited as
//! literals, never split into given and family names (sesh cannot know the order, and Chinese
//! names put the family name first).

mod download;

pub(crate) use download::{REUSE_SLUG, doi_view, output_view, stem};

use crate::public::{Credit, Entry};
use crate::web::doi_url;
use jiff::civil::Date;
use serde_json::{Value, json};

/// What an entry is, for the types of each format (JSON-LD, CSL, RIS, Dublin Core).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Medium {
    Image,
    Video,
    Audio,
    /// A written case (tagged `case study`).
    CaseStudy,
    Text,
}

impl Medium {
    /// By the kind of the entry's first media item (an external video is a video too), else a
    /// case study if its contest asks for structured sections or it is tagged `case study`.
    pub fn of(entry: &Entry, structured: bool) -> Medium {
        use crate::public::MediaKind;
        match entry.media.first().map(|m| m.kind) {
            Some(MediaKind::Video) => Medium::Video,
            Some(MediaKind::Audio) => Medium::Audio,
            Some(MediaKind::Image) => Medium::Image,
            _ if structured
                || entry.tags.iter().any(|t| {
                    let t = t.to_lowercase().replace('-', " ");
                    t == "case study"
                }) =>
            {
                Medium::CaseStudy
            }
            _ => Medium::Text,
        }
    }

    pub fn schema_type(self) -> &'static str {
        match self {
            Medium::Image => "ImageObject",
            Medium::Video => "VideoObject",
            Medium::Audio => "AudioObject",
            Medium::CaseStudy => "ScholarlyArticle",
            Medium::Text => "CreativeWork",
        }
    }

    fn csl_type(self) -> &'static str {
        match self {
            Medium::Image => "graphic",
            Medium::Video => "motion_picture",
            Medium::Audio => "song",
            Medium::CaseStudy => "article",
            Medium::Text => "document",
        }
    }

    fn ris_type(self) -> &'static str {
        match self {
            Medium::Image => "ART",
            Medium::Video => "VIDEO",
            Medium::Audio => "SOUND",
            Medium::CaseStudy | Medium::Text => "GEN",
        }
    }

    fn dc_type(self) -> &'static str {
        match self {
            Medium::Image => "Image",
            Medium::Video => "MovingImage",
            Medium::Audio => "Sound",
            Medium::CaseStudy | Medium::Text => "Text",
        }
    }
}

/// What a work is: an entry of some medium, or a contest (a collection of entries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Work {
    Entry(Medium),
    Contest,
}

/// Everything a citation says, already reduced to public, displayable text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Citation {
    /// A stable key: the BibTeX key and CSL id.
    pub key: String,
    pub work: Work,
    pub title: String,
    /// Literal names (or the neutral label), in credit order.
    pub authors: Vec<String>,
    pub date: Option<Date>,
    /// `[Contest entry]`, `[Crowdsourcing contest]`, as the theme words it.
    pub genre: String,
    /// The contest an entry belongs to.
    pub container: Option<String>,
    pub publisher: String,
    /// Absolute URL of the page.
    pub url: String,
    pub doi: Option<String>,
    /// SPDX id.
    pub license: Option<String>,
    pub license_url: Option<String>,
    pub keywords: Vec<String>,
    pub language: String,
    /// `n.d.` as the theme words it.
    pub no_date: String,
}

/// How credits are cited: the text shown, anonymous authors as one neutral label.
pub fn cited_names(credits: &[Credit], anonymous: &str, anonymous_many: &str) -> Vec<String> {
    let mut names: Vec<String> = credits
        .iter()
        .filter_map(|c| c.text().map(|t| t.trim().to_string()))
        .filter(|t| !t.is_empty())
        .collect();
    match credits.iter().filter(|c| c.is_anonymous()).count() {
        0 => {}
        1 => names.push(anonymous.to_string()),
        n => names.push(anonymous_many.replace("{count}", &n.to_string())),
    }
    names
}

/// Collapses every run of whitespace (newlines included) to one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Citation {
    /// The link to cite: the DOI's when there is one, else the page.
    pub fn link(&self) -> String {
        self.doi
            .as_deref()
            .map(doi_url)
            .unwrap_or_else(|| self.url.clone())
    }

    /// `A, B, & C (2016). Title [Contest entry]. Contest. Archive. https://…`
    pub fn apa(&self) -> String {
        let authors: Vec<String> = self.authors.iter().map(|a| one_line(a)).collect();
        let authors = match authors.len() {
            0 => String::new(),
            1 => authors[0].clone(),
            2 => format!("{} & {}", authors[0], authors[1]),
            n => format!("{}, & {}", authors[..n - 1].join(", "), authors[n - 1]),
        };
        let year = match self.date {
            Some(d) => d.year().to_string(),
            None => self.no_date.clone(),
        };
        let title = format!("{} [{}]", one_line(&self.title), self.genre);
        let mut parts = if authors.is_empty() {
            vec![format!("{title}. ({year})")]
        } else {
            vec![format!("{authors} ({year})"), title]
        };
        // A name said once: a contest named like the archive, or a contest cited on its own
        // whose title is the archive's, does not repeat it.
        let same = |a: &str, b: &str| a.trim().to_lowercase() == b.trim().to_lowercase();
        if let Some(container) = &self.container
            && !same(container, &self.publisher)
        {
            parts.push(one_line(container));
        }
        if !same(&self.publisher, &self.title) {
            parts.push(one_line(&self.publisher));
        }
        let mut text = parts
            .into_iter()
            .map(|p| match p.ends_with(['.', '?', '!']) {
                true => p,
                false => format!("{p}."),
            })
            .collect::<Vec<_>>()
            .join(" ");
        text.push(' ');
        text.push_str(&self.link());
        text
    }

    /// One `@misc` record. Every value is braced and escaped, names are literal (`{…}`).
    pub fn bibtex(&self) -> String {
        let mut fields: Vec<(&str, String)> = Vec::new();
        if !self.authors.is_empty() {
            let names: Vec<String> = self
                .authors
                .iter()
                .map(|a| format!("{{{}}}", tex(a)))
                .collect();
            fields.push(("author", names.join(" and ")));
        }
        fields.push(("title", format!("{{{}}}", tex(&self.title))));
        if let Some(d) = self.date {
            fields.push(("year", d.year().to_string()));
            if self.work != Work::Contest {
                fields.push(("date", d.to_string()));
            }
        }
        let how = match &self.container {
            Some(c) => format!("{}, {}", self.genre, c),
            None => self.genre.clone(),
        };
        fields.push(("howpublished", tex(&how)));
        fields.push(("publisher", tex(&self.publisher)));
        fields.push(("url", self.url.replace(['{', '}', '\\'], "")));
        if let Some(doi) = &self.doi {
            fields.push(("doi", doi.clone()));
        }
        if !self.keywords.is_empty() {
            fields.push(("keywords", tex(&self.keywords.join(", "))));
        }
        if let Some(l) = &self.license {
            fields.push(("note", tex(&format!("License: {l}"))));
        }
        let body: Vec<String> = fields
            .into_iter()
            .map(|(k, v)| format!("  {k} = {{{v}}}"))
            .collect();
        format!("@misc{{{},\n{}\n}}\n", self.key, body.join(",\n"))
    }

    /// A RIS record (CRLF line ends, `ER` closes it).
    pub fn ris(&self) -> String {
        let ty = match self.work {
            Work::Entry(m) => m.ris_type(),
            Work::Contest => "GEN",
        };
        let mut lines = vec![("TY", ty.to_string())];
        lines.extend(self.authors.iter().map(|a| ("AU", a.clone())));
        lines.push(("TI", self.title.clone()));
        if let Some(c) = &self.container {
            lines.push(("T2", c.clone()));
        }
        if let Some(d) = self.date {
            lines.push(("PY", d.year().to_string()));
            lines.push(("DA", d.strftime("%Y/%m/%d").to_string()));
        }
        lines.push(("M3", self.genre.clone()));
        lines.push(("PB", self.publisher.clone()));
        lines.push(("UR", self.url.clone()));
        if let Some(doi) = &self.doi {
            lines.push(("DO", doi.clone()));
        }
        lines.extend(self.keywords.iter().map(|k| ("KW", k.clone())));
        if let Some(l) = &self.license {
            lines.push(("N1", format!("License: {l}")));
        }
        lines.push(("LA", self.language.clone()));
        let mut out: String = lines
            .into_iter()
            .map(|(tag, value)| format!("{tag}  - {}\r\n", one_line(&value)))
            .collect();
        out.push_str("ER  - \r\n");
        out
    }

    /// One CSL-JSON item (reference managers and citeproc take an array of them).
    pub fn csl(&self) -> Value {
        let ty = match self.work {
            Work::Entry(m) => m.csl_type(),
            Work::Contest => "collection",
        };
        let mut item = json!({
            "id": self.key,
            "type": ty,
            "title": self.title,
            "genre": self.genre,
            "publisher": self.publisher,
            "URL": self.url,
            "language": self.language,
        });
        if !self.authors.is_empty() {
            item["author"] = self
                .authors
                .iter()
                .map(|a| json!({ "literal": a }))
                .collect();
        }
        if let Some(d) = self.date {
            let parts = match self.work {
                Work::Contest => json!([[d.year()]]),
                Work::Entry(_) => json!([[d.year(), d.month(), d.day()]]),
            };
            item["issued"] = json!({ "date-parts": parts });
        }
        if let Some(c) = &self.container {
            item["container-title"] = json!(c);
        }
        if let Some(doi) = &self.doi {
            item["DOI"] = json!(doi);
        }
        if !self.keywords.is_empty() {
            item["keyword"] = json!(self.keywords.join(", "));
        }
        if let Some(l) = &self.license {
            item["license"] = json!(l);
        }
        item
    }

    /// Highwire Press (`citation_*`, read by Google Scholar and Zotero) and Dublin Core tags.
    pub fn meta_tags(&self) -> Vec<MetaTag> {
        let mut tags = vec![MetaTag::new("citation_title", &self.title)];
        tags.extend(
            self.authors
                .iter()
                .map(|a| MetaTag::new("citation_author", a)),
        );
        if let Some(d) = self.date {
            let date = d.strftime("%Y/%m/%d").to_string();
            tags.push(MetaTag::new("citation_publication_date", &date));
        }
        tags.push(MetaTag::new("citation_publisher", &self.publisher));
        if let Some(doi) = &self.doi {
            tags.push(MetaTag::new("citation_doi", doi));
        }
        tags.push(MetaTag::new("citation_abstract_html_url", &self.url));
        if !self.keywords.is_empty() {
            tags.push(MetaTag::new("citation_keywords", &self.keywords.join("; ")));
        }
        tags.push(MetaTag::new("citation_language", &self.language));
        tags.push(MetaTag::new("DC.title", &self.title));
        tags.extend(self.authors.iter().map(|a| MetaTag::new("DC.creator", a)));
        if let Some(d) = self.date {
            tags.push(MetaTag::new("DC.date", &d.to_string()));
        }
        tags.push(MetaTag::new("DC.publisher", &self.publisher));
        let dc_type = match self.work {
            Work::Entry(m) => m.dc_type(),
            Work::Contest => "Collection",
        };
        tags.push(MetaTag::new("DC.type", dc_type));
        tags.push(MetaTag::new("DC.identifier", &self.link()));
        if let Some(c) = &self.container {
            tags.push(MetaTag::new("DCTERMS.isPartOf", c));
        }
        if let Some(r) = self.license_url.as_ref().or(self.license.as_ref()) {
            tags.push(MetaTag::new("DC.rights", r));
        }
        tags.extend(self.keywords.iter().map(|k| MetaTag::new("DC.subject", k)));
        tags.push(MetaTag::new("DC.language", &self.language));
        tags
    }
}

/// A `<meta name content>` pair; templates escape both.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct MetaTag {
    pub name: &'static str,
    pub content: String,
}

impl MetaTag {
    fn new(name: &'static str, content: &str) -> MetaTag {
        MetaTag {
            name,
            content: one_line(content),
        }
    }
}

/// Text made safe inside a braced BibTeX value: LaTeX specials escaped, one line.
fn tex(text: &str) -> String {
    let mut out = String::new();
    for c in one_line(text).chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '$' | '&' | '%' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '^' => out.push_str("\\^{}"),
            '~' => out.push_str("\\~{}"),
            c => out.push(c),
        }
    }
    out
}

/// A BibTeX key from slugs: ASCII letters, digits and `-`, `_`, `:` only.
pub fn key(parts: &[&str]) -> String {
    let joined = parts.join(":");
    let clean: String = joined
        .chars()
        .map(|c| match c.is_ascii_alphanumeric() || "-_:".contains(c) {
            true => c,
            false => '-',
        })
        .collect();
    format!("sesh:{clean}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Citation {
        Citation {
            key: key(&["hep", "van"]),
            work: Work::Entry(Medium::CaseStudy),
            title: "A van {50%} & a\ncooler_box".into(),
            authors: vec![
                "Grace Namuli".into(),
                "R. K.".into(),
                "Anonymous participant".into(),
            ],
            date: Some(Date::constant(2016, 4, 11)),
            genre: "Contest entry".into(),
            container: Some("HepTestContest".into()),
            publisher: "SESH Archive".into(),
            url: "https://a.example/contests/hep/van/".into(),
            doi: Some("10.1234/van".into()),
            license: Some("CC-BY-4.0".into()),
            license_url: None,
            keywords: vec!["hepatitis B".into()],
            language: "en".into(),
            no_date: "n.d.".into(),
        }
    }

    #[test]
    fn apa_line_says_a_shared_name_once() {
        let mut c = sample();
        c.container = Some("SESH Archive".into());
        let apa = c.apa();
        assert_eq!(apa.matches("SESH Archive").count(), 1, "{apa}");
        c.container = None;
        c.title = "SESH Archive".into();
        let apa = c.apa();
        assert_eq!(apa.matches("SESH Archive").count(), 1, "{apa}");
    }

    #[test]
    fn apa_line_reads_like_a_reference() {
        assert_eq!(
            sample().apa(),
            "Grace Namuli, R. K., & Anonymous participant (2016). A van {50%} & a cooler_box [Contest entry]. HepTestContest. SESH Archive. https://doi.org/10.1234/van"
        );
        let mut c = sample();
        c.authors.clear();
        c.date = None;
        c.doi = None;
        assert!(
            c.apa()
                .starts_with("A van {50%} & a cooler_box [Contest entry]. (n.d.). HepTestContest.")
        );
    }

    #[test]
    fn bibtex_escapes_and_keeps_names_literal() {
        let b = sample().bibtex();
        assert!(b.starts_with("@misc{sesh:hep:van,\n"), "{b}");
        assert!(b.contains("author = {{Grace Namuli} and {R. K.} and {Anonymous participant}}"));
        assert!(
            b.contains("title = {{A van \\{50\\%\\} \\& a cooler\\_box}}"),
            "{b}"
        );
        assert!(b.contains("doi = {10.1234/van}"));
        let opened = b.matches('{').count() - b.matches("\\{").count();
        let closed = b.matches('}').count() - b.matches("\\}").count();
        assert_eq!(opened, closed);
    }

    #[test]
    fn ris_has_one_line_per_value() {
        let r = sample().ris();
        assert!(r.starts_with("TY  - GEN\r\nAU  - Grace Namuli\r\n"));
        assert!(r.contains("TI  - A van {50%} & a cooler_box\r\n"));
        assert!(r.contains("DA  - 2016/04/11\r\n"));
        assert!(r.ends_with("ER  - \r\n"));
    }

    #[test]
    fn anonymous_authors_become_one_neutral_label() {
        let credits = [
            Credit::Anonymous,
            Credit::Initials("R. K.".into()),
            Credit::Anonymous,
        ];
        assert_eq!(
            cited_names(
                &credits,
                "Anonymous participant",
                "{count} anonymous participants"
            ),
            ["R. K.", "2 anonymous participants"]
        );
    }
}
