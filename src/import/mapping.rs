//! The mapping file (TOML): which column of the export becomes which entry field, and, for each
//! consent field, the exact answers that mean yes and no.
//!
//! Unknown keys are errors (a typo must not quietly drop a consent column). Columns are named as
//! the export's header row names them (for Qualtrics, the column id or the question text). The
//! starting mapping that `--init-map` writes is in [`super::template`].

use super::read::Table;
use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// A column whose value identifies a response in every export (response id, `_uuid`,
    /// 序号, timestamp): how a later import finds the entry again. Default: the title.
    pub id: Option<String>,
    /// The column new folder names (URL slugs) are made from. Default: the title.
    pub slug: Option<String>,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub body: Option<String>,
    #[serde(default)]
    pub body_format: BodyFormat,
    pub date: Option<String>,
    pub country: Option<String>,
    pub award: Option<String>,
    pub license: Option<String>,
    /// Columns whose answers become tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Splits a tag cell into several tags (a multiple-choice column: `,`, `;`, `┋`…).
    pub tag_separator: Option<String>,
    /// Values written into every entry (never consent).
    #[serde(default)]
    pub set: Fixed,
    #[serde(default)]
    pub authors: Vec<AuthorMap>,
    #[serde(default)]
    pub consent: ConsentMap,
    #[serde(default)]
    pub media: Vec<MediaMap>,
    /// `[private]` key → column. The only place contact details may go.
    #[serde(default)]
    pub private: BTreeMap<String, String>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyFormat {
    /// Plain text: Markdown characters are escaped, so the text shows as typed.
    #[default]
    Text,
    Markdown,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixed {
    pub lang: Option<String>,
    pub license: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorMap {
    pub name: Option<String>,
    pub affiliation: Option<String>,
    pub pseudonym: Option<String>,
    pub credit: Option<CreditMap>,
}

/// The answers that mean each credit level; anything else means anonymous.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreditMap {
    pub column: String,
    #[serde(default)]
    pub name: Vec<String>,
    #[serde(default)]
    pub initials: Vec<String>,
    #[serde(default)]
    pub pseudonym: Vec<String>,
    #[serde(default)]
    pub anonymous: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentMap {
    pub publish: Option<Answers>,
    pub images: Option<Answers>,
    pub withdrawn: Option<Answers>,
    pub minor: Option<Answers>,
    pub guardian: Option<Answers>,
    pub identified: Option<Answers>,
    pub embargo_until: Option<DateColumn>,
    pub expires: Option<DateColumn>,
}

/// A yes/no consent question: the exact answers (after trimming spaces) meaning each.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    pub column: String,
    #[serde(default)]
    pub yes: Vec<String>,
    #[serde(default)]
    pub no: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateColumn {
    pub column: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaMap {
    /// The column holding the attachment's file name (or a path ending with it).
    pub file: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
}

/// One place the mapping sends a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use<'m> {
    /// The entry field, e.g. `title`, `authors[1].name`, `consent.publish`, `private.email`.
    pub field: String,
    pub column: &'m str,
    pub to: Destination,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// Published (or public in the sources: folder names).
    Public,
    Private,
    /// A consent answer: a missing column means "not published", not an error.
    Consent,
}

impl Mapping {
    /// Reads and checks the mapping file at `path`.
    pub fn load(path: &Path) -> Result<Mapping> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the mapping `{}`", path.display()))?;
        let mapping: Mapping = toml::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "{}: {e}\n  hint: `sesh import EXPORT --init-map` writes a starting mapping that lists the keys and the export's columns",
                path.display()
            )
        })?;
        mapping.check(&path.display().to_string())?;
        Ok(mapping)
    }

    /// What the mapping needs and may not say.
    fn check(&self, file: &str) -> Result<()> {
        if self.title.is_none() {
            bail!("{file}: no title column: add title = \"<column>\" (every entry needs a title)");
        }
        for (field, answers) in self.consent.answers() {
            if let Some(both) = answers.yes.iter().find(|a| answers.no.contains(a)) {
                bail!(
                    "{file}: [consent.{field}] lists \"{both}\" under both yes and no\n  hint: each answer means one thing; remove it from one list"
                );
            }
        }
        for (i, author) in self.authors.iter().enumerate() {
            if let Some(credit) = &author.credit {
                let lists = [
                    &credit.name,
                    &credit.initials,
                    &credit.pseudonym,
                    &credit.anonymous,
                ];
                let all: Vec<&String> = lists.iter().flat_map(|l| l.iter()).collect();
                if let Some(twice) = all
                    .iter()
                    .find(|a| all.iter().filter(|b| b == a).count() > 1)
                {
                    bail!(
                        "{file}: [authors.credit] of author {} lists \"{twice}\" under two credit levels\n  hint: each answer means one level; remove it from the others",
                        i + 1
                    );
                }
            }
        }
        if self.private.keys().any(|k| k.trim().is_empty()) {
            bail!(
                "{file}: [private] has an empty key\n  hint: name each value, e.g. email = \"<column>\""
            );
        }
        Ok(())
    }

    /// Every column the mapping uses, with where it goes.
    pub fn uses(&self) -> Vec<Use<'_>> {
        use Destination::{Consent, Private, Public};
        let mut uses = Uses::default();
        for (field, column) in [
            ("id", &self.id),
            ("slug", &self.slug),
            ("title", &self.title),
            ("summary", &self.summary),
            ("body", &self.body),
            ("date", &self.date),
            ("country", &self.country),
            ("award", &self.award),
            ("license", &self.license),
        ] {
            uses.add(field.into(), column.as_ref(), Public);
        }
        for tag in &self.tags {
            uses.add("tags".into(), Some(tag), Public);
        }
        for (n, a) in (1..).zip(&self.authors) {
            let field = |key: &str| format!("authors[{n}].{key}");
            uses.add(field("name"), a.name.as_ref(), Public);
            uses.add(field("affiliation"), a.affiliation.as_ref(), Public);
            uses.add(field("pseudonym"), a.pseudonym.as_ref(), Public);
            uses.add(
                field("credit"),
                a.credit.as_ref().map(|c| &c.column),
                Public,
            );
        }
        for (n, m) in (1..).zip(&self.media) {
            let field = |key: &str| format!("media[{n}].{key}");
            uses.add(field("file"), Some(&m.file), Public);
            uses.add(field("alt"), m.alt.as_ref(), Public);
            uses.add(field("caption"), m.caption.as_ref(), Public);
        }
        for (field, answers) in self.consent.answers() {
            uses.add(format!("consent.{field}"), Some(&answers.column), Consent);
        }
        for (field, date) in self.consent.dates() {
            uses.add(format!("consent.{field}"), Some(&date.column), Consent);
        }
        for (key, column) in &self.private {
            uses.add(format!("private.{key}"), Some(column), Private);
        }
        uses.0
    }
}

/// The uses found so far.
#[derive(Default)]
struct Uses<'m>(Vec<Use<'m>>);

impl<'m> Uses<'m> {
    fn add(&mut self, field: String, column: Option<&'m String>, to: Destination) {
        if let Some(column) = column {
            self.0.push(Use {
                field,
                column: column.as_str(),
                to,
            });
        }
    }
}

impl ConsentMap {
    /// The yes/no questions mapped, by consent key.
    pub fn answers(&self) -> Vec<(&'static str, &Answers)> {
        [
            ("publish", &self.publish),
            ("images", &self.images),
            ("withdrawn", &self.withdrawn),
            ("minor", &self.minor),
            ("guardian", &self.guardian),
            ("identified", &self.identified),
        ]
        .into_iter()
        .filter_map(|(k, a)| a.as_ref().map(|a| (k, a)))
        .collect()
    }

    /// The date columns mapped, by consent key.
    pub fn dates(&self) -> Vec<(&'static str, &DateColumn)> {
        [
            ("embargo_until", &self.embargo_until),
            ("expires", &self.expires),
        ]
        .into_iter()
        .filter_map(|(k, d)| d.as_ref().map(|d| (k, d)))
        .collect()
    }
}

/// The index of the column `name` names: a header, else (Qualtrics) a question's text.
pub fn find_column(table: &Table, name: &str) -> Option<usize> {
    let name = name.trim();
    table
        .columns
        .iter()
        .position(|c| c.name == name)
        .or_else(|| {
            let by_question: Vec<usize> = table
                .columns
                .iter()
                .enumerate()
                .filter(|(_, c)| c.question.as_deref() == Some(name))
                .map(|(i, _)| i)
                .collect();
            (by_question.len() == 1).then(|| by_question[0])
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Mapping> {
        let mapping: Mapping = toml::from_str(text)?;
        mapping.check("m.toml")?;
        Ok(mapping)
    }

    #[test]
    fn typos_and_contradictions_are_errors() {
        assert!(parse("title = \"T\"\ntitel = \"x\"").is_err());
        assert!(parse("title = \"T\"\n[consent.publsh]\ncolumn = \"C\"").is_err());
        assert!(parse("summary = \"S\"").is_err(), "no title");
        let both = parse(
            "title = \"T\"\n[consent.publish]\ncolumn = \"C\"\nyes = [\"Yes\"]\nno = [\"Yes\"]",
        );
        assert!(both.unwrap_err().to_string().contains("both yes and no"));
        let twice = parse(
            "title = \"T\"\n[[authors]]\nname = \"N\"\n[authors.credit]\ncolumn = \"C\"\nname = [\"A\"]\nanonymous = [\"A\"]",
        );
        assert!(twice.unwrap_err().to_string().contains("two credit levels"));
    }

    #[test]
    fn uses_lists_every_column_with_its_destination() {
        let m = parse(
            "title = \"T\"\ntags = [\"Topic\"]\n[[authors]]\nname = \"N\"\n[consent.publish]\ncolumn = \"C\"\nyes = [\"Yes\"]\n[[media]]\nfile = \"F\"\n[private]\nemail = \"E\"",
        )
        .unwrap();
        let uses: Vec<(String, &str, Destination)> = m
            .uses()
            .into_iter()
            .map(|u| (u.field, u.column, u.to))
            .collect();
        assert_eq!(
            uses,
            [
                ("title".to_string(), "T", Destination::Public),
                ("tags".to_string(), "Topic", Destination::Public),
                ("authors[1].name".to_string(), "N", Destination::Public),
                ("media[1].file".to_string(), "F", Destination::Public),
                ("consent.publish".to_string(), "C", Destination::Consent),
                ("private.email".to_string(), "E", Destination::Private),
            ]
        );
    }
}
