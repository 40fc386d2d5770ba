//! A workbook (XLSX, XLS, ODS, read by calamine) → the rows of one sheet as cells of text.
//!
//! Nothing is evaluated: a formula cell (`=HYPERLINK(…)`) gives the value the spreadsheet saved
//! with it, marked as a formula so that it can never count as a consent answer; a formula saved
//! without a value is an empty formula cell. Numbers keep their digits (a phone number stored as
//! a number is not shown as `1.38e10`), dates are written `YYYY-MM-DD` (with the time when it is
//! not midnight), error values (`#N/A`) are marked.

use super::read::{Cell, CellKind, Grid};
use anyhow::{Result, anyhow, bail};
use calamine::{Data, Reader};
use std::path::Path;

/// The rows of `sheet` (default: the first) of the workbook at `path`, and a description of
/// what was read.
pub fn grid(path: &Path, file: &str, sheet: Option<&str>) -> Result<(Grid, String)> {
    let mut book = calamine::open_workbook_auto(path)
        .map_err(|e| anyhow!("{file}: cannot open the workbook: {e}\n  hint: open it in a spreadsheet program and save it again as .xlsx, or export CSV"))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .cloned()
            .ok_or_else(|| {
                anyhow!(
                    "{file}: no sheet named \"{wanted}\"\n  hint: its sheets are: {}",
                    names.join(", ")
                )
            })?,
        None => match names.first() {
            Some(first) => first.clone(),
            None => bail!("{file}: the workbook has no sheet"),
        },
    };
    let values = book
        .worksheet_range(&name)
        .map_err(|e| anyhow!("{file}: cannot read sheet \"{name}\": {e}"))?;
    // Formulas are read only to know which cells hold one; a reader that has none (CSV-like
    // formats) simply marks none.
    let formulas = book.worksheet_formula(&name).ok();
    let (top, left) = values.start().unwrap_or((0, 0));
    let mut grid = Vec::with_capacity(values.height());
    for (r, cells) in values.rows().enumerate() {
        let absolute_row = top + r as u32;
        let mut row: Vec<Cell> = (0..left).map(|_| Cell::default()).collect();
        for (c, data) in cells.iter().enumerate() {
            let position = (absolute_row, left + c as u32);
            let formula = formulas
                .as_ref()
                .and_then(|f| f.get_value(position))
                .is_some_and(|f| !f.is_empty());
            row.push(cell(data, formula));
        }
        grid.push((absolute_row as usize + 1, row));
    }
    let source = if names.len() > 1 {
        format!("sheet \"{name}\" of {}", names.len())
    } else {
        format!("sheet \"{name}\"")
    };
    Ok((grid, source))
}

fn cell(data: &Data, formula: bool) -> Cell {
    let (text, kind) = match data {
        Data::Empty => (String::new(), CellKind::Value),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            (s.clone(), CellKind::Value)
        }
        Data::Int(i) => (i.to_string(), CellKind::Value),
        Data::Float(f) => (number(*f), CellKind::Value),
        Data::Bool(b) => (if *b { "TRUE" } else { "FALSE" }.into(), CellKind::Value),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
            let date = format!("{y:04}-{m:02}-{day:02}");
            let text = if (h, min, s) == (0, 0, 0) {
                date
            } else {
                format!("{date} {h:02}:{min:02}:{s:02}")
            };
            (text, CellKind::Value)
        }
        Data::DateTime(d) => (number(d.as_f64()), CellKind::Value),
        Data::Error(e) => (e.to_string(), CellKind::Error),
    };
    let mut cell = Cell::value(text);
    if kind == CellKind::Error {
        cell.kind = kind;
    } else if formula {
        cell.kind = CellKind::Formula;
    }
    cell
}

/// A number as a spreadsheet shows it by default: integers without `.0` or an exponent.
fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_digits() {
        assert_eq!(number(13800138000.0), "13800138000");
        assert_eq!(number(3.5), "3.5");
        assert_eq!(number(-2.0), "-2");
    }

    #[test]
    fn cells_are_text_and_formulas_are_marked() {
        let c = cell(&Data::String("Yes".into()), true);
        assert_eq!((c.text.as_str(), c.kind), ("Yes", CellKind::Formula));
        let c = cell(&Data::Error(calamine::CellErrorType::NA), false);
        assert_eq!(c.kind, CellKind::Error);
        let c = cell(&Data::Bool(true), false);
        assert_eq!(c.text, "TRUE");
    }
}
