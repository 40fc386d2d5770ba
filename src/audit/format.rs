//! The audit as a table for people, CSV for spreadsheets (JSON is its serde form).

use super::{Audit, HORIZON_DAYS, Item};
use std::fmt::Write;

impl Audit {
    /// A plain-text report: summary, then contests, entries, authors and media, then upcoming
    /// changes and notes.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Consent audit as of {}\n", self.as_of);
        let _ = writeln!(out, "Summary");
        for c in &self.summary {
            let _ = writeln!(
                out,
                "  {:<9} {:>6} published  {:>6} not published",
                plural(c.kind),
                c.published,
                c.not_published
            );
        }
        for (kind, title) in [
            ("contest", "Contests"),
            ("entry", "Entries"),
            ("author", "Authors (how each is credited)"),
            ("media", "Media"),
        ] {
            let rows: Vec<&Item> = self.items.iter().filter(|i| i.kind == kind).collect();
            if rows.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{title}");
            let path_width = rows
                .iter()
                .map(|r| r.path.chars().count())
                .max()
                .unwrap_or(0);
            let rule_width = rows.iter().map(|r| r.rule.len()).max().unwrap_or(0);
            for r in rows {
                let status = if r.published {
                    "published"
                } else {
                    "NOT published"
                };
                let _ = writeln!(
                    out,
                    "  {status:<13}  {:<path_width$}  {:<rule_width$}  {}",
                    r.path, r.rule, r.detail
                );
            }
        }
        let _ = writeln!(out, "\nUpcoming changes (next {HORIZON_DAYS} days)");
        if self.upcoming.is_empty() {
            let _ = writeln!(out, "  none");
        }
        for u in &self.upcoming {
            let _ = writeln!(
                out,
                "  {}  {:<15}  {}  {}",
                u.date, u.change, u.path, u.detail
            );
        }
        let _ = writeln!(out, "\nNotes");
        for note in &self.notes {
            let _ = writeln!(out, "  - {note}");
        }
        out
    }

    /// One row per item, then one per upcoming change (`kind` = `upcoming`, rule = the change).
    pub fn csv(&self) -> String {
        let mut out = String::from("kind,path,published,rule,detail,date\n");
        for i in &self.items {
            row(
                &mut out,
                [i.kind, &i.path, yes_no(i.published), &i.rule, &i.detail, ""],
            );
        }
        for u in &self.upcoming {
            row(
                &mut out,
                ["upcoming", &u.path, "", u.change, &u.detail, &u.date],
            );
        }
        out
    }
}

fn plural(kind: &str) -> String {
    match kind {
        "entry" => "entries".into(),
        "media" => "media".into(),
        other => format!("{other}s"),
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn row<const N: usize>(out: &mut String, cells: [&str; N]) {
    let cells: Vec<String> = cells.iter().map(|c| crate::csv_cell::cell(c)).collect();
    out.push_str(&cells.join(","));
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use crate::csv_cell::cell;

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }
}
