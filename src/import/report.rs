//! What an import did (or, with `--dry-run`, would do), row by row: the entry, whether its
//! consent lets it be published and why not, its media found or missing, and every refusal
//! with its row, column and value. Printed as a table or as JSON (`--format json`).
//!
//! Values of contact and `[private]` columns are never printed.

use super::columns::ColumnReport;
use super::read::Shape;
use serde::Serialize;
use std::fmt::Write;

#[derive(Debug, Serialize)]
pub struct Report {
    pub export: String,
    pub shape: Shape,
    /// How the export was read (encoding, or sheet).
    pub source: String,
    /// The contest folder, relative to the site.
    pub contest: String,
    pub dry_run: bool,
    pub columns: ColumnReport,
    /// Notes about the whole import (mapping, attachments).
    pub notes: Vec<Note>,
    pub rows: Vec<RowReport>,
}

#[derive(Debug, Serialize)]
pub struct RowReport {
    /// The row number a spreadsheet shows.
    pub row: usize,
    /// What finds this entry again in a later export (the id column's value, else the title).
    pub id: Option<String>,
    pub title: Option<String>,
    /// The entry folder, relative to the site.
    pub entry: Option<String>,
    pub action: Action,
    /// Whether the consent written lets the gate publish it (it still decides at build time).
    pub published: bool,
    pub status: String,
    pub media: Vec<MediaReport>,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    New,
    Updated,
    Unchanged,
    /// Edited by hand since the last import: left alone (a withdrawal aside).
    Conflict,
    /// Its folder was removed by hand: not written again.
    RemovedByHand,
    /// The row could not be imported.
    Refused,
}

#[derive(Debug, Serialize)]
pub struct MediaReport {
    pub column: String,
    /// The file name the cell gives.
    pub cell: String,
    /// The file in the attachments it matched.
    pub found: Option<String>,
    /// Its name in the entry folder.
    pub file: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub kind: NoteKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    /// The row was not imported.
    Refused,
    /// A consent answer that is not one: the entry is written unpublished.
    NotPublished,
    /// An entry edited by hand, left alone.
    Conflict,
    Warning,
}

impl Note {
    pub fn new(kind: NoteKind, message: impl Into<String>) -> Note {
        Note {
            kind,
            row: None,
            column: None,
            value: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn at(mut self, row: usize, column: Option<&str>) -> Note {
        self.row = Some(row);
        self.column = column.map(str::to_string);
        self
    }

    pub fn value(mut self, value: &str) -> Note {
        self.value = Some(value.to_string());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Note {
        self.hint = Some(hint.into());
        self
    }

    /// `not published: form.csv, row 7, column "Consent": …` (a note about no row: the
    /// label and the message).
    pub fn line(&self, file: &str) -> String {
        let label = match self.kind {
            NoteKind::Refused => "refused",
            NoteKind::NotPublished => "not published",
            NoteKind::Conflict => "conflict",
            NoteKind::Warning => "warning",
        };
        let Some(row) = self.row else {
            return format!("{label}: {}", self.message);
        };
        let mut at = format!("{file}, row {row}");
        if let Some(column) = &self.column {
            let _ = write!(at, ", column \"{column}\"");
        }
        format!("{label}: {at}: {}", self.message)
    }
}

impl Report {
    /// The report as a table for a terminal.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let shape = self.shape.describe();
        let _ = writeln!(
            out,
            "{} ({}, {shape}, {} rows) → {}/{}",
            self.export,
            self.source,
            self.rows.len(),
            self.contest,
            if self.dry_run {
                "  [dry run: nothing written]"
            } else {
                ""
            }
        );
        let mut hints = std::collections::HashSet::new();
        for row in &self.rows {
            self.row_lines(row, &mut hints, &mut out);
        }
        for note in &self.notes {
            let _ = writeln!(out, "{}", note.line(&self.export));
            if let Some(hint) = &note.hint {
                let _ = writeln!(out, "  hint: {hint}");
            }
        }
        self.column_lines(&mut out);
        let _ = writeln!(out, "{}", self.summary());
        out
    }

    fn row_lines(
        &self,
        row: &RowReport,
        hints: &mut std::collections::HashSet<String>,
        out: &mut String,
    ) {
        let action = serde_json::to_value(row.action)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let entry = row.entry.as_deref().unwrap_or("-");
        let _ = writeln!(
            out,
            "row {:<5} {action:<15} {entry}  ({})",
            row.row, row.status
        );
        for media in &row.media {
            let found = match (&media.found, &media.file) {
                (Some(found), Some(file)) => format!("{found} → {file}"),
                _ => "MISSING".into(),
            };
            let _ = writeln!(out, "          media \"{}\": {found}", media.cell);
        }
        for note in &row.notes {
            let _ = writeln!(out, "          {}", note.line(&self.export));
            if let Some(hint) = note.hint.as_ref().filter(|h| hints.insert(h.to_string())) {
                let _ = writeln!(out, "            hint: {hint}");
            }
        }
    }

    fn column_lines(&self, out: &mut String) {
        let c = &self.columns;
        let list = |items: &mut dyn Iterator<Item = String>| items.collect::<Vec<_>>().join(", ");
        if !c.imported.is_empty() {
            let used = list(
                &mut c
                    .imported
                    .iter()
                    .map(|(col, fields)| format!("\"{col}\" → {}", fields.join(" + "))),
            );
            let _ = writeln!(out, "Columns imported: {used}");
        }
        if !c.dropped.is_empty() {
            let dropped = list(&mut c.dropped.iter().map(|col| format!("\"{col}\"")));
            let _ = writeln!(out, "Columns dropped (not imported): {dropped}");
        }
        if !c.contacts.is_empty() {
            let contacts = list(
                &mut c
                    .contacts
                    .iter()
                    .map(|k| format!("\"{}\" ({}) → {}", k.column, k.kind, k.to)),
            );
            let _ = writeln!(out, "Contact data: {contacts}");
        }
    }

    /// One line of counts.
    pub fn summary(&self) -> String {
        let count = |a: Action| self.rows.iter().filter(|r| r.action == a).count();
        let published = self.rows.iter().filter(|r| r.published).count();
        let media: Vec<&MediaReport> = self.rows.iter().flat_map(|r| &r.media).collect();
        let missing = media.iter().filter(|m| m.file.is_none()).count();
        format!(
            "{} rows: {} new, {} updated, {} unchanged, {} conflicts, {} removed by hand, {} refused; {published} with consent to publish, {} not published; {} attachments found, {missing} missing.{}",
            self.rows.len(),
            count(Action::New),
            count(Action::Updated),
            count(Action::Unchanged),
            count(Action::Conflict),
            count(Action::RemovedByHand),
            count(Action::Refused),
            self.rows.len() - published,
            media.len() - missing,
            if self.dry_run {
                " Dry run: nothing was written."
            } else {
                " Next: sesh build (the consent gate decides what is published; sesh audit says why)."
            }
        )
    }
}
