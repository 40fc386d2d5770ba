//! The mapping held against the export, before anything is written: every column it names must
//! exist (consent columns aside: a missing one means "not published" for every row), no column
//! recognised as contact data may go to a published field, and every column it leaves out is
//! listed as dropped.

use super::contacts;
use super::mapping::{Destination, Mapping, find_column};
use super::read::{Cell, Row, Table};
use anyhow::{Result, bail};
use serde::Serialize;
use std::collections::HashMap;

/// Where each mapped column is in the export, and what the report says about columns.
#[derive(Debug, Default)]
pub struct Columns {
    index: HashMap<String, usize>,
    pub report: ColumnReport,
}

#[derive(Debug, Default, Serialize)]
pub struct ColumnReport {
    /// Column → the fields it is imported into.
    pub imported: Vec<(String, Vec<String>)>,
    /// Columns not mapped: not imported at all.
    pub dropped: Vec<String>,
    /// Columns recognised as contact data, with the kind and where they go.
    pub contacts: Vec<ContactColumn>,
    /// Consent columns the mapping names but the export lacks.
    pub missing: Vec<(String, String)>,
}

#[derive(Debug, Serialize)]
pub struct ContactColumn {
    pub column: String,
    pub kind: &'static str,
    /// `private.<key>`, or `dropped`.
    pub to: String,
}

impl Columns {
    /// The cell of `row` in the column the mapping calls `name`; `None` when the export has no
    /// such column (only possible for consent columns).
    pub fn cell<'r>(&self, row: &'r Row, name: &str) -> Option<&'r Cell> {
        self.index.get(name).and_then(|i| row.cells.get(*i))
    }
}

/// Checks `mapping` against `table`.
pub fn check(table: &Table, mapping: &Mapping, map_file: &str) -> Result<Columns> {
    let mut columns = Columns::default();
    let mut fields: Vec<Vec<String>> = vec![Vec::new(); table.columns.len()];
    for used in mapping.uses() {
        match find_column(table, used.column) {
            Some(i) => {
                columns.index.insert(used.column.to_string(), i);
                fields[i].push(used.field.clone());
            }
            None if used.to == Destination::Consent => columns
                .report
                .missing
                .push((used.field.clone(), used.column.to_string())),
            None => bail!(
                "{map_file}: {} = \"{}\": the export {} has no such column\n  hint: {}",
                used.field,
                used.column,
                table.file,
                nearest(table, used.column)
            ),
        }
    }
    for (i, column) in table.columns.iter().enumerate() {
        let kind = contacts::column_kind(table, i);
        if let Some(kind) = kind {
            refuse_public(&fields[i], &column.name, kind, map_file)?;
            let to = fields[i]
                .first()
                .cloned()
                .unwrap_or_else(|| "dropped".into());
            columns.report.contacts.push(ContactColumn {
                column: column.name.clone(),
                kind,
                to,
            });
        }
        if fields[i].is_empty() {
            columns.report.dropped.push(column.name.clone());
        } else {
            let used = std::mem::take(&mut fields[i]);
            columns.report.imported.push((column.name.clone(), used));
        }
    }
    Ok(columns)
}

/// Contact data may only go to `[private]`.
fn refuse_public(fields: &[String], column: &str, kind: &str, map_file: &str) -> Result<()> {
    if let Some(public) = fields
        .iter()
        .find(|f| !f.starts_with("private.") && !f.starts_with("consent."))
    {
        bail!(
            "{map_file}: {public} = \"{column}\": this column holds contact data ({kind}), which may only go to [private]; nothing was imported\n  hint: move it under [private] (e.g. contact = \"{column}\") or leave it out. If the column holds no contact details, rename its header in the export: sesh recognises contact columns by header words such as \"phone\" or \"邮箱\" and by their cells"
        );
    }
    Ok(())
}

/// A hint naming the columns closest to `wanted` (or all of them, when few).
fn nearest(table: &Table, wanted: &str) -> String {
    let lower = wanted.trim().to_lowercase();
    let close: Vec<&str> = table
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .filter(|name| {
            let name = name.to_lowercase();
            name.contains(&lower)
                || lower.contains(&name)
                || name.replace(' ', "") == lower.replace(' ', "")
        })
        .collect();
    let quoted = |names: &[&str]| {
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !close.is_empty() {
        format!("did you mean {}?", quoted(&close))
    } else {
        let all: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        format!(
            "its columns are: {} (`sesh import {} --init-map` lists them)",
            quoted(&all),
            table.file
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::read::shape;

    fn table(csv: &str) -> Table {
        let grid = csv
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.split(',').map(Cell::value).collect()))
            .collect();
        shape("form.csv".into(), "UTF-8 text".into(), grid)
    }

    fn mapping(text: &str) -> Mapping {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn contact_columns_go_to_private_only() {
        let t = table("Title,Email Address,Q7,Consent\nHope,a@b.org,13800138000,Yes\n");
        let private =
            mapping("title = \"Title\"\n[private]\nemail = \"Email Address\"\nphone = \"Q7\"");
        let checked = check(&t, &private, "m.toml").unwrap();
        let kinds: Vec<(&str, &str, &str)> = checked
            .report
            .contacts
            .iter()
            .map(|c| (c.column.as_str(), c.kind, c.to.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("Email Address", "e-mail address", "private.email"),
                ("Q7", "phone number", "private.phone")
            ]
        );
        assert_eq!(checked.report.dropped, ["Consent"]);
        for public in [
            "title = \"Title\"\nsummary = \"Email Address\"",
            "title = \"Title\"\n[[authors]]\nname = \"Q7\"",
            "title = \"Q7\"",
        ] {
            let error = check(&t, &mapping(public), "m.toml")
                .unwrap_err()
                .to_string();
            assert!(
                error.contains("contact data") && error.contains("[private]"),
                "{error}"
            );
        }
    }

    #[test]
    fn a_missing_column_is_an_error_unless_it_is_consent() {
        let t = table("Title,Consent\nHope,Yes\n");
        let error = check(&t, &mapping("title = \"title\""), "m.toml").unwrap_err();
        assert!(
            error.to_string().contains("did you mean \"Title\""),
            "{error}"
        );
        let consent =
            mapping("title = \"Title\"\n[consent.publish]\ncolumn = \"Agree\"\nyes = [\"Yes\"]");
        let checked = check(&t, &consent, "m.toml").unwrap();
        assert_eq!(
            checked.report.missing,
            [("consent.publish".to_string(), "Agree".to_string())]
        );
        assert_eq!(checked.cell(&t.rows[0], "Agree"), None);
        assert_eq!(
            checked.cell(&t.rows[0], "Title").map(|c| c.text.as_str()),
            Some("Hope")
        );
    }
}
