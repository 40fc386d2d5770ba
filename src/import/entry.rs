//! One row of the export → the entry it becomes ([`Planned`]): front matter fields, body,
//! consent by explicit answers, authors and credit levels, media found among the attachments,
//! `[private]` values, and a note for everything doubtful (row, column, value, what to do).
//!
//! Public text fields are single lines (a title has no line breaks); the body keeps its
//! paragraphs. Formula cells give their saved value as text, error values are left out, and a
//! contact detail inside a public cell is warned about (the build warns about it too).

use super::attachments::Attachments;
use super::columns::Columns;
use super::consent::{self, NoAnswer, short};
use super::front::{Author, Consent, Front, one_line, plain_text, toml_date};
use super::mapping::{BodyFormat, Mapping};
use super::read::{Cell, CellKind, Row};
use super::report::{MediaReport, Note, NoteKind};
use std::collections::BTreeMap;

/// What an entry is planned from.
pub struct Context<'a> {
    pub mapping: &'a Mapping,
    pub map_file: &'a str,
    pub columns: &'a Columns,
    pub attachments: Option<&'a Attachments>,
}

/// A row made into an entry, not yet written.
#[derive(Debug, Default)]
pub struct Planned {
    pub row: usize,
    /// What finds the entry again in a later export: the id column's value, else the title.
    pub key: String,
    /// What a new folder's name is made from.
    pub slug_base: String,
    pub front: Front,
    pub body: String,
    /// The consent answers given explicitly (listed), by key.
    pub answers: BTreeMap<String, bool>,
    /// Attachments to copy: (index in the attachments, name in the entry folder).
    pub files: Vec<(usize, String)>,
    pub media: Vec<MediaReport>,
    pub notes: Vec<Note>,
}

/// Plans the entry of `row`, or says why the row cannot be imported.
pub fn plan(ctx: &Context, row: &Row) -> Result<Planned, Note> {
    if let Some(why) = &row.broken {
        return Err(Note::new(NoteKind::Refused, format!("{why}; the row is not imported"))
            .at(row.number, None)
            .hint("open the export in a spreadsheet and save it again, or export it again from the form tool"));
    }
    let mut reader = RowReader {
        ctx,
        row,
        notes: Vec::new(),
    };
    let m = ctx.mapping;
    let title_column = m.title.as_deref().unwrap_or_default();
    let Some(title) = reader.text(title_column) else {
        return Err(Note::new(
            NoteKind::Refused,
            "the title is blank; the row is not imported",
        )
        .at(row.number, Some(title_column))
        .hint("fill in the title in the export, or map another column to title"));
    };
    let key = match &m.id {
        Some(column) => match reader.raw(column).map(|c| one_line(&c.text)) {
            Some(id) if !id.is_empty() => id,
            _ => {
                return Err(Note::new(
                    NoteKind::Refused,
                    "the id is blank; the row is not imported",
                )
                .at(row.number, Some(column))
                .hint("every response needs its id: a later import finds the entry by it"));
            }
        },
        None => title.clone(),
    };
    let slug_base = m
        .slug
        .as_deref()
        .and_then(|c| reader.text(c))
        .unwrap_or_else(|| title.clone());
    let mut front = reader.fields(title);
    front.authors = reader.authors();
    let (consent, answers) = reader.consent();
    front.consent = consent;
    let (media, files, reported) = reader.media();
    front.media = media;
    front.private = reader.private();
    let body = reader.body();
    Ok(Planned {
        row: row.number,
        key,
        slug_base,
        front,
        body,
        answers,
        files,
        media: reported,
        notes: reader.notes,
    })
}

/// One row being read, with the notes it gave so far.
pub(super) struct RowReader<'a> {
    pub(super) ctx: &'a Context<'a>,
    pub(super) row: &'a Row,
    pub(super) notes: Vec<Note>,
}

impl RowReader<'_> {
    pub(super) fn raw(&self, column: &str) -> Option<&Cell> {
        self.ctx.columns.cell(self.row, column)
    }

    pub(super) fn warn(&mut self, column: &str, message: String, hint: Option<&str>) {
        let mut note = Note::new(NoteKind::Warning, message).at(self.row.number, Some(column));
        if let Some(hint) = hint {
            note = note.hint(hint);
        }
        self.notes.push(note);
    }

    /// A public cell's text on one line (`None` when blank), with warnings for formulas,
    /// error values and contact details.
    pub(super) fn text(&mut self, column: &str) -> Option<String> {
        self.public(column)
            .map(|t| one_line(&t))
            .filter(|t| !t.is_empty())
    }

    /// A public cell's text as it is (line breaks kept), checked as [`Self::text`] says.
    fn public(&mut self, column: &str) -> Option<String> {
        let cell = self.raw(column)?.clone();
        match cell.kind {
            CellKind::Error => {
                let message = format!("the cell holds the error value {}; left out", cell.text);
                self.warn(column, message, None);
                return None;
            }
            CellKind::Formula if cell.text.trim().is_empty() => {
                let message = "a spreadsheet formula saved without a value; left blank (formulas are never run)";
                self.warn(column, message.to_string(), None);
                return None;
            }
            CellKind::Formula => {
                let message = format!(
                    "a spreadsheet formula: its saved value \"{}\" is written as text (formulas are never run)",
                    short(&cell.text)
                );
                self.warn(column, message, None);
            }
            CellKind::Value if looks_like_formula(&cell.text) => {
                let message = format!(
                    "\"{}\" starts like a spreadsheet formula; it is written as text, never run",
                    short(&cell.text)
                );
                self.warn(column, message, None);
            }
            CellKind::Value => {}
        }
        for kind in super::contacts::within(&cell.text) {
            let message = format!("contains a {kind}, which would be published with this field");
            let hint = "remove it from the text (the build warns about it too), or keep contact details in a column mapped to [private]";
            self.warn(column, message, Some(hint));
        }
        Some(cell.text.trim().to_string())
    }

    /// Title, summary, country, award, license, language, tags and date.
    fn fields(&mut self, title: String) -> Front {
        let m = self.ctx.mapping;
        let mut text = |c: &Option<String>| c.as_deref().and_then(|c| self.text(c));
        let mut front = Front {
            title,
            summary: text(&m.summary),
            country: text(&m.country),
            award: text(&m.award),
            license: text(&m.license).or_else(|| m.set.license.clone()),
            lang: m.set.lang.clone(),
            ..Front::default()
        };
        if let (Some(column), Some(award)) = (&m.award, &front.award) {
            front.award = self.award(column, award);
        }
        for column in &m.tags {
            let Some(cell) = self.text(column) else {
                continue;
            };
            let tags: Vec<&str> = match &m.tag_separator {
                Some(separator) => cell.split(separator.as_str()).collect(),
                None => vec![cell.as_str()],
            };
            front.tags.extend(tags.iter().map(|t| t.trim().to_string()));
        }
        front.tags.extend(m.set.tags.iter().cloned());
        front.tags.retain(|t| !t.is_empty());
        let mut seen = std::collections::HashSet::new();
        front.tags.retain(|t| seen.insert(t.clone()));
        if let Some(column) = &m.date
            && let Some(cell) = self.text(column)
        {
            match consent::parse_date(&cell) {
                Some(date) => front.date = Some(toml_date(date)),
                None => self.warn(
                    column,
                    format!(
                        "\"{}\" is not a date sesh can read; the entry is written without a date",
                        short(&cell)
                    ),
                    Some("write dates year first: 2024-05-01 or 2024/5/1"),
                ),
            }
        }
        front
    }

    /// An award the archive knows (README "Entries"), as its id ("Honorable mention" →
    /// `honorable-mention`), else a warning and no award: the build would only warn about it.
    fn award(&mut self, column: &str, award: &str) -> Option<String> {
        let known = crate::public::Award::ALL.map(|a| a.id());
        let id = award.trim().to_lowercase().replace([' ', '_'], "-");
        if known.contains(&id.as_str()) {
            return Some(id);
        }
        let message = format!(
            "\"{}\" is not an award sesh knows; the entry is written without an award",
            short(award)
        );
        let hint = format!("awards are {}", known.join(", "));
        self.warn(column, message, Some(&hint));
        None
    }

    fn authors(&mut self) -> Vec<Author> {
        let mut authors = Vec::new();
        for map in &self.ctx.mapping.authors {
            let mut text = |c: &Option<String>| c.as_deref().and_then(|c| self.text(c));
            let name = text(&map.name);
            let pseudonym = text(&map.pseudonym);
            let affiliation = text(&map.affiliation);
            if name.is_none() && pseudonym.is_none() {
                continue;
            }
            let credit = match &map.credit {
                None => "anonymous",
                Some(credit) => {
                    let cell = self.raw(&credit.column).cloned();
                    let (level, why) = consent::credit(credit, cell.as_ref());
                    if let Some(why) = why {
                        let value = cell.map(|c| c.text).unwrap_or_default();
                        let message = format!("{} → credited as anonymous", why.describe(&value));
                        let hint = format!(
                            "if this answer asks for a name, initials or a pseudonym, add it to that list under [authors.credit] in {}",
                            self.ctx.map_file
                        );
                        self.warn(&credit.column, message, Some(&hint));
                    }
                    level
                }
            };
            authors.push(Author {
                name,
                credit,
                pseudonym,
                affiliation,
            });
        }
        authors
    }

    /// `[consent]` from the listed answers; any answer that is not one writes `publish = false`.
    fn consent(&mut self) -> (Consent, BTreeMap<String, bool>) {
        let consent_map = &self.ctx.mapping.consent;
        let mut consent = Consent::default();
        let mut answers = BTreeMap::new();
        let mut unreadable = false;
        for (key, listed) in consent_map.answers() {
            let cell = self.raw(&listed.column).cloned();
            match consent::answer(listed, cell.as_ref()) {
                Ok(value) => {
                    consent.set(key, value);
                    answers.insert(key.to_string(), value);
                }
                Err(why) => {
                    let restrictive = consent::restrictive(key);
                    consent.set(key, restrictive);
                    unreadable = true;
                    self.not_published(&listed.column, key, &why, cell, restrictive);
                }
            }
        }
        for (key, date) in consent_map.dates() {
            let cell = self.raw(&date.column).cloned();
            match consent::date(cell.as_ref()) {
                Ok(Some(day)) if key == "expires" => consent.expires = Some(toml_date(day)),
                Ok(Some(day)) => consent.embargo_until = Some(toml_date(day)),
                Ok(None) => {}
                Err(why) => {
                    unreadable = true;
                    let value = cell.map(|c| c.text).unwrap_or_default();
                    let message = format!("{} → publish = false", why.describe(&value));
                    let note = Note::new(NoteKind::NotPublished, message)
                        .at(self.row.number, Some(&date.column))
                        .value(&value);
                    self.notes.push(note.hint("write consent dates year first (2027-01-01), or leave the cell blank for none"));
                }
            }
        }
        if unreadable {
            consent.publish = false;
        }
        (consent, answers)
    }

    fn not_published(
        &mut self,
        column: &str,
        key: &str,
        why: &NoAnswer,
        cell: Option<Cell>,
        value: bool,
    ) {
        let text = cell.map(|c| c.text).unwrap_or_default();
        let set = if key == "publish" {
            "publish = false".to_string()
        } else {
            format!("{key} = {value}, publish = false")
        };
        let message = format!("{} → {set}", why.describe(&text));
        let hint = format!(
            "if this answer means yes or no, add it to the yes or no list under [consent.{key}] in {}; otherwise the entry stays unpublished until its consent is settled (then edit its index.md)",
            self.ctx.map_file
        );
        let note = Note::new(NoteKind::NotPublished, message)
            .at(self.row.number, Some(column))
            .value(&text);
        self.notes.push(note.hint(hint));
    }

    /// `[private]`: as the cells hold them (never printed, never published).
    fn private(&mut self) -> BTreeMap<String, String> {
        let mut private = BTreeMap::new();
        for (key, column) in &self.ctx.mapping.private {
            if let Some(cell) = self.raw(column).filter(|c| c.kind != CellKind::Error) {
                let value = cell.text.trim();
                if !value.is_empty() {
                    private.insert(key.clone(), value.to_string());
                }
            }
        }
        private
    }

    fn body(&mut self) -> String {
        let Some(column) = self.ctx.mapping.body.clone() else {
            return String::new();
        };
        let text = self.public(&column).unwrap_or_default();
        match self.ctx.mapping.body_format {
            BodyFormat::Text => plain_text(&text),
            BodyFormat::Markdown => text,
        }
    }
}

/// What a spreadsheet would run if the text were typed into a cell: `=` and anything but a
/// space (`=1+1`, `=HYPERLINK(…)`), or `+`, `-`, `@` and a function or DDE call (`+cmd|…`,
/// `@SUM(…)`). Numbers (`+86 138…`, `-5`), list items and handles are not.
fn looks_like_formula(text: &str) -> bool {
    let text = text.trim_start();
    if let Some(rest) = text.strip_prefix('=') {
        return rest.starts_with(|c: char| !c.is_whitespace());
    }
    let Some(rest) = text.strip_prefix(['+', '-', '@']) else {
        return false;
    };
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && rest[name.len()..].starts_with(['(', '|', '!'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_recognised_without_running_them() {
        for formula in [
            "=1+1",
            "+cmd|' /C calc'!A0",
            "=HYPERLINK(\"http://x\",\"a\")",
            "+SUM(A1:A2)",
            "@IMPORTXML(\"u\")",
            "-cmd(1)",
        ] {
            assert!(looks_like_formula(formula), "{formula}");
        }
        for text in [
            "- a list item",
            "-5 degrees",
            "= equal rights",
            "+86 138 0013 8000",
            "@handle",
        ] {
            assert!(!looks_like_formula(text), "{text}");
        }
    }
}
