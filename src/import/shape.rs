//! Which form tool's header an export has ([`Shape`]), recognised from its first rows: how many
//! header rows to skip, and what a mapping for it must know (`--init-map` says it).
//!
//! - Qualtrics: three header rows (column ids, question text, `{"ImportId":…}` JSON), known by
//!   the third.
//! - REDCap raw ("CSV (raw data)"): variable names (`record_id`, `consent___1`), answers are the
//!   codes of the project's data dictionary (`1`, `0`); known by a `redcap_…` or `…_complete`
//!   column among headers that are all variable names.
//! - REDCap labels ("CSV (labels)"): field labels, answers as shown (`Checked`, `Unchecked` for a
//!   checkbox option); known by REDCap's own columns (`Complete?`, `Survey Identifier`…). Each
//!   instrument repeats `Complete?`; [`super::read`] numbers repeated headers.
//! - Anything else has one header row (Google Forms, 问卷星/WJX, KoboToolbox, ODK).
//!
//! The shape changes only which rows are headers and what the report says; every shape is then
//! read the same way, so REDCap's coded answers count only when the mapping lists the codes.

use super::read::Cell;
use serde::Serialize;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    #[default]
    OneHeaderRow,
    /// Qualtrics: ids, question text, ImportId JSON.
    Qualtrics,
    /// REDCap "raw data": variable names, coded answers.
    RedcapRaw,
    /// REDCap "labels": field labels, answers as shown.
    RedcapLabels,
}

/// Columns only REDCap's label exports have (English interface).
const REDCAP_LABELS: &[&str] = &[
    "Complete?",
    "Survey Identifier",
    "Survey Timestamp",
    "Repeat Instrument",
    "Repeat Instance",
    "Event Name",
];

impl Shape {
    /// The shape of an export whose first non-blank rows are `rows`.
    pub fn of(rows: &[&[Cell]]) -> Shape {
        let third = rows.get(2).map_or(&[][..], |r| *r);
        let filled: Vec<&str> = third
            .iter()
            .map(|c| c.text.as_str())
            .filter(|t| !t.is_empty())
            .collect();
        if !filled.is_empty() && filled.iter().all(|t| t.starts_with("{\"ImportId\"")) {
            return Shape::Qualtrics;
        }
        let header: Vec<&str> = rows
            .first()
            .map_or(&[][..], |r| *r)
            .iter()
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
            .collect();
        let redcap_column = |h: &&str| h.starts_with("redcap_") || h.ends_with("_complete");
        if !header.is_empty()
            && header.iter().all(|h| variable_name(h))
            && header.iter().any(redcap_column)
        {
            Shape::RedcapRaw
        } else if header.iter().any(|h| REDCAP_LABELS.contains(h)) {
            Shape::RedcapLabels
        } else {
            Shape::OneHeaderRow
        }
    }

    /// How many rows the header takes.
    pub fn header_rows(self) -> usize {
        match self {
            Shape::Qualtrics => 3,
            _ => 1,
        }
    }

    /// How the report names it.
    pub fn describe(self) -> &'static str {
        match self {
            Shape::OneHeaderRow => "one header row",
            Shape::Qualtrics => "Qualtrics: three header rows",
            Shape::RedcapRaw => "REDCap raw data",
            Shape::RedcapLabels => "REDCap labels",
        }
    }

    /// What a mapping for this shape must know (comment lines for `--init-map`).
    pub fn advice(self) -> &'static str {
        match self {
            Shape::OneHeaderRow => "",
            Shape::Qualtrics => {
                "# Qualtrics: a column may be named by its id (\"Q3\") or by its question text.\n"
            }
            Shape::RedcapRaw => {
                "# REDCap raw data: answers are the codes of the project's data dictionary, so list codes,\n# e.g. yes = [\"1\"], no = [\"0\"]. A checkbox option is a column of its own (consent___1),\n# 1 when ticked, 0 when not. A project with events or repeating instruments has a row per\n# event: export one event, so that each record is one row.\n"
            }
            Shape::RedcapLabels => {
                "# REDCap labels: answers are the choice labels as shown. A checkbox option is a column of\n# its own (\"Question (choice=Label)\"), Checked or Unchecked. Repeated labels are numbered\n# (\"Complete? (2)\"). A project with events or repeating instruments has a row per event:\n# export one event, so that each record is one row.\n"
            }
        }
    }
}

/// A REDCap variable name: lower-case letters, digits and `_`, starting with a letter.
fn variable_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_lowercase())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(lines: &[&[&str]]) -> Shape {
        let rows: Vec<Vec<Cell>> = lines
            .iter()
            .map(|l| l.iter().map(|t| Cell::value(*t)).collect())
            .collect();
        let refs: Vec<&[Cell]> = rows.iter().map(Vec::as_slice).collect();
        Shape::of(&refs)
    }

    #[test]
    fn form_tools_are_told_apart_by_their_headers() {
        let raw: &[&str] = &["record_id", "title", "consent___1", "entry_complete"];
        assert_eq!(shape(&[raw, &["1", "Hope", "1", "2"]]), Shape::RedcapRaw);
        let labels: &[&str] = &["Record ID", "Title", "Consent (choice=Yes)", "Complete?"];
        assert_eq!(
            shape(&[labels, &["1", "Hope", "Checked", "Complete"]]),
            Shape::RedcapLabels
        );
        // Kobo: `_id`, `_uuid` are not variable names; no REDCap column.
        let kobo: &[&str] = &["start", "title", "_id", "_uuid"];
        assert_eq!(shape(&[kobo, &["x", "y", "1", "u"]]), Shape::OneHeaderRow);
        // Lower-case headers without a REDCap column: any tool.
        let plain: &[&str] = &["title", "consent"];
        assert_eq!(shape(&[plain, &["a", "b"]]), Shape::OneHeaderRow);
        let qualtrics: &[&[&str]] = &[
            &["ResponseId", "Q1"],
            &["Response ID", "Title"],
            &[
                "{\"ImportId\":\"_recordId\"}",
                "{\"ImportId\":\"QID1_TEXT\"}",
            ],
        ];
        assert_eq!(shape(qualtrics), Shape::Qualtrics);
        assert_eq!(shape(&[]), Shape::OneHeaderRow);
    }
}
