//! `sesh import EXPORT --init-map`: a starting mapping that lists every column of the export,
//! commented out, under the keys it could go to, so that nothing is imported by accident.
//!
//! Every line is a comment: the file maps nothing until the organiser uncomments and fills in
//! lines. Column names are written as TOML strings by `toml_writer` (one line each, escaped),
//! since a header may hold quotes or line breaks. Contact columns are marked: they can only go
//! to `[private]`.

use super::contacts;
use super::read::Table;
use std::fmt::Write;
use toml_writer::{ToTomlValue, TomlStringBuilder};

/// The mapping template for `table`.
pub fn template(table: &Table) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "# sesh import mapping for {} ({}, {}; {} columns, {} rows).\n{INTRO}{}",
        quoted(&table.file),
        table.source,
        table.shape.describe(),
        table.columns.len(),
        table.rows.len(),
        table.shape.advice()
    );
    out.push_str("\n# The export's columns (a column left out of the mapping is not imported):\n");
    for (i, column) in table.columns.iter().enumerate() {
        let _ = write!(out, "#   {}", quoted(&column.name));
        if let Some(question) = &column.question {
            let _ = write!(out, "    question: {}", quoted(question));
        }
        if let Some(kind) = contacts::column_kind(table, i) {
            let _ = write!(out, "    CONTACT DATA ({kind}): [private] only");
        }
        out.push('\n');
    }
    out.push_str(FIELDS);
    out
}

/// A one-line TOML string.
fn quoted(text: &str) -> String {
    TomlStringBuilder::new(text).as_basic().to_toml_value()
}

const INTRO: &str = "\
# Uncomment the lines you need and put a column name (from the list below) between the quotes.
# Consent is mapped by exact answers: list the answers that mean yes and no. A blank, any other
# answer (\"Yes, but without my name\") or a missing column writes the entry with publish = false.
# Credit levels likewise: an answer not listed means anonymous. Nothing is guessed from text.
# README: \"From a form export to a published archive\".
";

const FIELDS: &str = r#"
# --- Entry fields: each takes a column name ----------------------------------------------------
# id = ""                  # identifies a response in every export (response id, _uuid, 序号,
#                          # Timestamp): how a newer export finds the entry again (default: title)
# slug = ""                # what new folder names (URLs) are made from (default: title)
# title = ""               # required
# summary = ""
# body = ""                # the entry's text
# body_format = "text"     # text (shown as typed) | markdown
# date = ""                # year first: 2024-05-01, 2024/5/1
# country = ""
# award = ""               # winner | finalist | honorable-mention | shortlisted
# license = ""             # an SPDX id such as CC-BY-4.0 (or set it for all, below)
# tags = [""]              # columns whose answers become tags
# tag_separator = ","      # splits a multiple-choice answer into several tags

# [set]                    # the same value for every entry (never consent)
# lang = "zh-Hans"
# license = "CC-BY-4.0"
# tags = ["video"]

# --- Authors (repeat the block for each person a form asks about) -----------------------------
# [[authors]]
# name = ""
# affiliation = ""
# pseudonym = ""
# [authors.credit]         # how the person asked to be credited
# column = ""
# name = []                # answers meaning: show my full name
# initials = []
# pseudonym = []
# anonymous = []           # anything not listed above means anonymous too

# --- Consent: the exact answers meaning yes and no ---------------------------------------------
# [consent.publish]        # without it, every entry is written with publish = false
# column = ""
# yes = []                 # e.g. ["Yes, publish it", "同意"]
# no = []
# [consent.images]         # photos and videos may be shown
# column = ""
# yes = []
# no = []
# [consent.withdrawn]      # list "" under no if a blank cell means not withdrawn
# column = ""
# yes = []
# no = [""]
# [consent.minor]
# column = ""
# yes = []
# no = []
# [consent.guardian]
# column = ""
# yes = []
# no = []
# [consent.identified]     # in a sensitive contest, the full name may be shown
# column = ""
# yes = []
# no = []
# [consent.embargo_until]  # a date column: not published before it (blank: no embargo)
# column = ""
# [consent.expires]        # a date column: not published on or after it
# column = ""

# --- Media: a column holding an attachment's file name (repeat for each upload question) ------
# [[media]]
# file = ""
# alt = ""                 # required for images: what the image shows
# caption = ""

# --- Private: kept in the entry's [private] table, never published -----------------------------
# [private]
# email = ""
# phone = ""
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::read::{Cell, shape};

    #[test]
    fn every_column_is_listed_and_nothing_is_mapped() {
        let grid = vec![
            (
                1,
                vec![
                    Cell::value("Title"),
                    Cell::value("Say \"yes\"\nor no"),
                    Cell::value("来自IP"),
                ],
            ),
            (
                2,
                vec![
                    Cell::value("Hope"),
                    Cell::value("Yes"),
                    Cell::value("1.2.3.4"),
                ],
            ),
        ];
        let table = shape("form.csv".into(), "UTF-8 text".into(), grid);
        let text = template(&table);
        for line in text.lines() {
            assert!(
                line.is_empty() || line.starts_with('#'),
                "uncommented: {line}"
            );
        }
        assert!(text.contains("#   \"Title\"\n"), "{text}");
        assert!(text.contains("#   \"Say \\\"yes\\\"\\nor no\"\n"), "{text}");
        assert!(
            text.contains("\"来自IP\"    CONTACT DATA (IP address)"),
            "{text}"
        );
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert!(parsed.is_empty());
    }
}
