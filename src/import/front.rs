//! An imported entry's `index.md`: the front matter the loader reads (README "Entries"),
//! serialised by the `toml` crate, then the body.
//!
//! Every file written is read back with the loader's own parser before it is used, so that an
//! entry the loader would read differently (a cell holding a line `+++` would end the front
//! matter early) is refused instead of written. The consent it carries is judged with the
//! gate's own rules ([`crate::consent::terms`]) only to say, in the report, whether it will be
//! published; publication is still decided by the build.

use crate::config::AsOf;
use crate::content::{EntryFront, SourceFile};
use serde::Serialize;
use std::collections::BTreeMap;
use toml::value::Datetime;

/// The first line of every imported front matter.
pub const NOTICE: &str = "# Written by `sesh import`. Edit freely: once this file is edited, later imports leave it alone\n# (and report it), except that a consent withdrawn in a newer export is still applied.\n";

#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct Front {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub award: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Datetime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<Author>,
    pub consent: Consent,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<MediaFile>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub private: BTreeMap<String, String>,
}

#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct Author {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub credit: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pseudonym: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
}

/// `[consent]`: `publish` always (never left out silently), the rest as mapped.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct Consent {
    pub publish: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub images: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embargo_until: Option<Datetime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<Datetime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minor: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guardian: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identified: Option<bool>,
}

impl Consent {
    pub fn set(&mut self, key: &str, value: bool) {
        match key {
            "publish" => self.publish = value,
            "images" => self.images = Some(value),
            "withdrawn" => self.withdrawn = Some(value),
            "minor" => self.minor = Some(value),
            "guardian" => self.guardian = Some(value),
            _ => self.identified = Some(value),
        }
    }
}

/// One `[[media]]` item as written (not the public model's `Media`, which only the gate builds).
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct MediaFile {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

/// A bare TOML date (`2024-05-01`), as the gate requires for consent dates.
pub fn toml_date(date: jiff::civil::Date) -> Datetime {
    Datetime {
        date: Some(toml::value::Date {
            year: date.year() as u16,
            month: date.month() as u8,
            day: date.day() as u8,
        }),
        time: None,
        offset: None,
    }
}

/// The whole `index.md`, checked by reading it back as the loader does.
pub fn render(front: &Front, body: &str, shown: &str) -> Result<String, String> {
    let toml = toml::to_string(front).map_err(|e| format!("cannot be written as TOML: {e}"))?;
    let body = if body.trim().is_empty() {
        String::new()
    } else {
        format!("\n{}\n", body.trim_end())
    };
    if toml.lines().any(|line| line.trim_end() == "+++") {
        return Err("a cell holds a line `+++`, which would end the front matter early".into());
    }
    let text = format!("+++\n{NOTICE}{toml}+++\n{body}");
    let read = read_back(&text, shown)
        .map_err(|e| format!("the entry would not read back as written: {e}"))?;
    if read.title != front.title || read.private.unwrap_or_default().len() != front.private.len() {
        return Err("the entry would not read back as written".into());
    }
    Ok(text)
}

/// The entry as the loader reads `text`.
pub fn read_back(text: &str, shown: &str) -> Result<EntryFront, String> {
    let source = SourceFile::split(shown.to_string(), text).map_err(|p| p.message)?;
    source.parse::<EntryFront>().map_err(|p| p.summary())
}

/// Whether the gate's consent rules let `text` be published on `as_of`, and why not.
pub fn status(text: &str, shown: &str, as_of: &AsOf) -> (bool, String) {
    let source = match SourceFile::split(shown.to_string(), text) {
        Ok(source) => source,
        Err(p) => return (false, format!("not published: {}", p.message)),
    };
    let front = match source.parse::<EntryFront>() {
        Ok(front) => front,
        Err(p) => return (false, format!("not published: {}", p.summary())),
    };
    let Some(table) = front.consent else {
        return (false, "not published: no [consent] table".into());
    };
    match crate::consent::terms::read(table.get_ref(), &source) {
        Err(problems) => {
            let first = problems
                .first()
                .map_or(String::new(), |p| p.message.clone());
            (false, format!("not published: invalid consent ({first})"))
        }
        Ok(terms) => match crate::consent::terms::decide(&terms, as_of) {
            Some(refusal) => (false, format!("not published: {}", refusal.reason)),
            None => (true, "publish = true".into()),
        },
    }
}

/// Plain text as Markdown that shows it as typed: characters Markdown would read as markup
/// are escaped with a backslash, line breaks within a paragraph are kept (hard breaks), blank
/// lines still separate paragraphs, and leading spaces (which would make a code block) go.
pub fn plain_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    for (i, line) in lines.iter().enumerate() {
        out.push_str(&escape_line(line));
        let next_in_paragraph = lines.get(i + 1).is_some_and(|n| !n.is_empty());
        if !line.is_empty() && next_in_paragraph {
            out.push('\\');
        }
        out.push('\n');
    }
    out
}

/// One line of plain text with what Markdown would read as markup escaped: emphasis, code,
/// links, HTML, tables and strikethrough anywhere; headings, lists, quotes and rules at the
/// start of the line.
fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let chars: Vec<char> = line.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let markup = "\\`*_[]<>&|~".contains(*c)
            || (i == 0 && "#-+=".contains(*c))
            || (i == digits && digits > 0 && ".)".contains(*c))
            || (*c == '!' && chars.get(i + 1) == Some(&'['));
        if markup {
            out.push('\\');
        }
        out.push(*c);
    }
    out
}

/// A field that is one line: runs of white space (line breaks included) become one space.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn front() -> Front {
        Front {
            title: "=HYPERLINK(\"http://x\",\"Poster\")".into(),
            date: Some(toml_date(jiff::civil::date(2024, 5, 1))),
            authors: vec![Author {
                name: Some("李伟".into()),
                credit: "initials",
                ..Author::default()
            }],
            consent: Consent {
                publish: true,
                images: Some(true),
                ..Consent::default()
            },
            private: [("phone".to_string(), "138 0013 8000".to_string())].into(),
            ..Front::default()
        }
    }

    #[test]
    fn what_is_written_is_what_the_loader_reads() {
        let text = render(&front(), "Body *text*", "e/index.md").unwrap();
        assert!(text.starts_with("+++\n# Written by `sesh import`"));
        assert!(text.contains("date = 2024-05-01\n"), "bare date: {text}");
        let read = read_back(&text, "e/index.md").unwrap();
        assert_eq!(read.title, front().title);
        assert_eq!(read.authors[0].name.as_deref(), Some("李伟"));
        let (published, why) = status(
            &text,
            "e/index.md",
            &AsOf::exact(jiff::civil::date(2026, 1, 1)),
        );
        assert!(published, "{why}");
    }

    #[test]
    fn a_line_of_plus_signs_in_a_private_value_is_refused() {
        let mut f = front();
        f.private.insert("notes".into(), "a\n+++\nb".into());
        assert!(render(&f, "", "e/index.md").unwrap_err().contains("+++"));
    }

    #[test]
    fn consent_that_does_not_publish_says_why() {
        let mut f = front();
        f.consent.publish = false;
        let text = render(&f, "", "e/index.md").unwrap();
        let (published, why) = status(
            &text,
            "e/index.md",
            &AsOf::exact(jiff::civil::date(2026, 1, 1)),
        );
        assert!(!published);
        assert_eq!(why, "not published: consent.publish = false");
        f.consent.publish = true;
        f.consent.withdrawn = Some(true);
        let text = render(&f, "", "e/index.md").unwrap();
        let (_, why) = status(
            &text,
            "e/index.md",
            &AsOf::exact(jiff::civil::date(2026, 1, 1)),
        );
        assert_eq!(why, "not published: consent withdrawn");
    }

    #[test]
    fn plain_text_shows_as_typed() {
        struct Plain;
        impl crate::markdown::Links for Plain {
            fn link(&self, target: &str) -> Option<String> {
                Some(target.to_string())
            }
            fn image(&self, _: &str, _: &str, _: bool) -> Option<String> {
                None
            }
        }
        let html = |md: &str| crate::markdown::render(md, &Plain).html.to_string();
        let typed = "# not a heading\n1. not a list\n- nor this\n> no quote\n<script>x</script> *stars* [link](x) ![img](y) | a | b |\n\nSecond paragraph, great!\n---";
        let markdown = plain_text(typed);
        let rendered = html(&markdown);
        for tag in [
            "<h1",
            "<h2",
            "<ol",
            "<ul",
            "<em",
            "<a ",
            "<blockquote",
            "<hr",
            "<table",
        ] {
            assert!(!rendered.contains(tag), "{tag} in {rendered}");
        }
        assert!(
            markdown.contains("great!"),
            "no needless escape: {markdown}"
        );
        assert!(rendered.contains("# not a heading"), "{rendered}");
        assert!(rendered.contains("&lt;script&gt;"), "{rendered}");
        assert_eq!(rendered.matches("<p>").count(), 2, "{rendered}");
        assert!(rendered.contains("<br"), "line break kept: {rendered}");
    }
}
