//! An export file (CSV/TSV in any encoding of [`super::encoding`], or a workbook read by
//! [`super::xlsx`]) → a [`Table`]: named columns and rows of cells, each row numbered as a
//! spreadsheet shows it, so that every message can say "row 7".
//!
//! The header's shape ([`super::shape`]) says how many rows it takes: one (Google Forms,
//! 问卷星/WJX, KoboToolbox, ODK, REDCap raw and label exports) or Qualtrics' three. Blank headers
//! are named `column N`, repeated ones get ` (2)`, ` (3)`… (REDCap label exports repeat
//! `Complete?`), so that every column has one name a mapping can use.

use super::encoding::{self, Encoding};
pub use super::shape::Shape;
use anyhow::{Context, Result, bail};
use std::path::Path;

/// A whole export, read.
#[derive(Debug, Default)]
pub struct Table {
    /// The export's file name (what messages and the import record show).
    pub file: String,
    pub shape: Shape,
    /// How the file was decoded (CSV), or which sheet was read (workbooks).
    pub source: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The name a mapping uses: the (first) header row's text.
    pub name: String,
    /// Qualtrics' question text (second header row).
    pub question: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Row {
    /// The row number a spreadsheet shows (header rows counted).
    pub number: usize,
    /// One per column.
    pub cells: Vec<Cell>,
    /// Why the row cannot be read (it is then not imported).
    pub broken: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub kind: CellKind,
}

/// What a cell held. Formulas are never evaluated: a workbook's formula cell gives the value the
/// spreadsheet saved with it (which may be none).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CellKind {
    #[default]
    Value,
    Formula,
    /// A spreadsheet error value (`#N/A`, `#REF!`…).
    Error,
}

impl Cell {
    pub fn value(text: impl Into<String>) -> Cell {
        Cell {
            text: clean(&text.into()),
            kind: CellKind::Value,
        }
    }
}

/// Reads the export at `path`.
pub fn read(path: &Path, encoding: Encoding, sheet: Option<&str>) -> Result<Table> {
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let (grid, source) = match ext.as_str() {
        "csv" | "tsv" | "txt" => {
            let bytes = std::fs::read(path)
                .with_context(|| format!("cannot read the export `{}`", path.display()))?;
            if bytes.starts_with(b"PK\x03\x04") {
                bail!(
                    "{file}: this is a workbook (XLSX), not CSV text\n  hint: rename it to .xlsx"
                );
            }
            let (text, name) = encoding::decode(&bytes, encoding, &file)?;
            (delimited(&text, &file)?, format!("{name} text"))
        }
        "xlsx" | "xlsm" | "xls" | "ods" => super::xlsx::grid(path, &file, sheet)?,
        _ => bail!(
            "{file}: sesh import reads CSV (.csv, .tsv, .txt) and workbooks (.xlsx, .xls, .ods)\n  hint: export the responses from the form tool as CSV or XLSX"
        ),
    };
    let table = shape(file, source, grid);
    check_mojibake(&table)?;
    Ok(table)
}

/// Rows of cells as found, each with its spreadsheet row number, before headers are known.
pub type Grid = Vec<(usize, Vec<Cell>)>;

/// Splits delimited text (comma, tab or semicolon: the one the header line uses most).
fn delimited(text: &str, file: &str) -> Result<Grid> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("");
    let delimiter = [b',', b'\t', b';']
        .into_iter()
        .max_by_key(|d| (outside_quotes(first, *d as char), *d == b','))
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut grid = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            let row = e.position().map_or(i + 1, |p| p.record() as usize + 1);
            anyhow::anyhow!("{file}: row {row} cannot be read as CSV: {e}\n  hint: check that quotes are closed; export the file again if it was edited by hand")
        })?;
        grid.push((i + 1, record.iter().map(Cell::value).collect()));
    }
    Ok(grid)
}

/// How often `delimiter` occurs in `line` outside double quotes.
fn outside_quotes(line: &str, delimiter: char) -> usize {
    let mut quoted = false;
    line.chars()
        .filter(|c| {
            if *c == '"' {
                quoted = !quoted;
            }
            !quoted && *c == delimiter
        })
        .count()
}

/// Finds the header rows and names the columns.
pub fn shape(file: String, source: String, mut grid: Grid) -> Table {
    grid.retain(|(_, cells)| cells.iter().any(|c| !c.text.trim().is_empty()));
    let firsts: Vec<&[Cell]> = grid.iter().take(3).map(|(_, c)| c.as_slice()).collect();
    let shape = Shape::of(&firsts);
    let header_rows = shape.header_rows();
    let mut data = grid.split_off(header_rows.min(grid.len()));
    let header = grid.first().map(|(_, c)| c.clone()).unwrap_or_default();
    let questions = (shape == Shape::Qualtrics).then(|| grid[1].1.clone());
    let width = data
        .iter()
        .map(|(_, c)| c.len())
        .chain([header.len()])
        .max()
        .unwrap_or(0);
    let columns = names(&header, questions.as_deref(), width);
    let rows = data
        .iter_mut()
        .map(|(number, cells)| row(*number, std::mem::take(cells), header.len()))
        .collect();
    Table {
        file,
        shape,
        source,
        columns,
        rows,
    }
}

/// A data row; one whose length differs from the header's is broken (an unquoted separator
/// shifts every later cell, and a consent answer must never be read from the wrong column).
fn row(number: usize, mut cells: Vec<Cell>, header: usize) -> Row {
    let broken = (cells.len() != header).then(|| {
        format!(
            "this row has {} cells where the header has {header}: a quote or separator is probably missing, so its cells cannot be matched to the columns",
            cells.len()
        )
    });
    cells.resize(header.max(cells.len()), Cell::default());
    Row {
        number,
        cells,
        broken,
    }
}

fn names(header: &[Cell], questions: Option<&[Cell]>, width: usize) -> Vec<Column> {
    let mut columns: Vec<Column> = Vec::with_capacity(width);
    for i in 0..width {
        let text = header.get(i).map_or("", |c| c.text.trim());
        let base = if text.is_empty() {
            format!("column {}", i + 1)
        } else {
            text.to_string()
        };
        let mut name = base.clone();
        let mut n = 1;
        while columns.iter().any(|c| c.name == name) {
            n += 1;
            name = format!("{base} ({n})");
        }
        let question = questions
            .and_then(|q| q.get(i))
            .map(|c| c.text.trim().to_string())
            .filter(|q| !q.is_empty());
        columns.push(Column { name, question });
    }
    columns
}

/// Line breaks made `\n`, and other control characters (which no form answer needs and which
/// would only hide text) removed.
pub fn clean(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    text.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .map(|c| if c == '\r' { '\n' } else { c })
        .collect()
}

/// Stops at the first cell (or header) that looks wrongly decoded.
fn check_mojibake(table: &Table) -> Result<()> {
    let headers = table.columns.iter().map(|c| (1, "header", c.name.as_str()));
    let cells = table.rows.iter().flat_map(|r| {
        r.cells
            .iter()
            .zip(&table.columns)
            .map(move |(cell, column)| (r.number, column.name.as_str(), cell.text.as_str()))
    });
    for (row, column, text) in headers.chain(cells) {
        if let Some(found) = encoding::mojibake(text) {
            bail!(
                "{}: row {row}, column \"{column}\": \"{found}\" looks like text decoded in the wrong encoding (mojibake); nothing was imported\n  hint: for a CSV file, name its encoding: --encoding gb18030, --encoding utf-8 or --encoding utf-16; if the export itself holds this text, correct that cell",
                table.file
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        let grid = delimited(text, "t.csv").unwrap();
        shape("t.csv".into(), "UTF-8 text".into(), grid)
    }

    fn names(t: &Table) -> Vec<&str> {
        t.columns.iter().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn one_header_row_with_rows_numbered_as_a_spreadsheet_does() {
        let t = table("Timestamp,Title,Consent\n2024/05/01,\"A, b\",Yes\n\n2024/05/02,C,No\n");
        assert_eq!(t.shape, Shape::OneHeaderRow);
        assert_eq!(names(&t), ["Timestamp", "Title", "Consent"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].number, 2);
        assert_eq!(t.rows[0].cells[1].text, "A, b");
        assert_eq!(t.rows[1].number, 3, "a blank line is not a row");
    }

    #[test]
    fn qualtrics_three_header_rows() {
        let t = table(
            "ResponseId,Q1,Q2\nResponse ID,Title of your entry,Do you consent?\n{\"ImportId\":\"_recordId\"},{\"ImportId\":\"QID1_TEXT\"},{\"ImportId\":\"QID2\"}\nR_1,Hope,Yes\n",
        );
        assert_eq!(t.shape, Shape::Qualtrics);
        assert_eq!(names(&t), ["ResponseId", "Q1", "Q2"]);
        assert_eq!(
            t.columns[1].question.as_deref(),
            Some("Title of your entry")
        );
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].number, 4);
    }

    #[test]
    fn tabs_and_semicolons_are_found_by_the_header_line() {
        assert_eq!(names(&table("a\tb, c\tc\n1\t2\t3\n")), ["a", "b, c", "c"]);
        assert_eq!(names(&table("a;b;c\n1;2;3\n")), ["a", "b", "c"]);
        assert_eq!(names(&table("\"a;b\",c\n1,2\n")), ["a;b", "c"]);
    }

    #[test]
    fn blank_and_repeated_headers_get_names() {
        let t = table("Name,,Name,Name\n1,2,3,4\n");
        assert_eq!(names(&t), ["Name", "column 2", "Name (2)", "Name (3)"]);
    }

    #[test]
    fn a_row_of_another_length_is_broken() {
        let t = table("a,b,c\n1,2,3\n1,2,3,4\n1,2\n");
        assert!(t.rows[0].broken.is_none());
        assert!(t.rows[1].broken.as_deref().unwrap().contains("4 cells"));
        assert!(t.rows[2].broken.as_deref().unwrap().contains("2 cells"));
        assert_eq!(
            t.columns.len(),
            4,
            "the extra cell has a column to be shown in"
        );
    }

    #[test]
    fn control_characters_are_removed_and_line_breaks_kept() {
        assert_eq!(clean("a\r\nb\u{7}c\u{1b}[0m\td"), "a\nbc[0m\td");
    }
}
