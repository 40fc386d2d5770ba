//! `data/entries.csv`: RFC 4180 text that spreadsheets open correctly, Chinese included.

use crate::csv_cell::cell;

/// Column names, in row order.
pub const HEADER: [&str; 16] = [
    "id",
    "url",
    "title",
    "summary",
    "contest",
    "contest_title",
    "award",
    "date",
    "credits",
    "country",
    "tags",
    "license",
    "license_url",
    "doi",
    "media_urls",
    "framework",
];

/// The CSV file: a UTF-8 byte order mark (without it, Excel reads UTF-8 as a legacy code page
/// and garbles Chinese), the header, one row per entry, CRLF line ends.
pub fn entries(rows: &[Vec<String>]) -> String {
    let header: Vec<String> = HEADER.iter().map(|h| h.to_string()).collect();
    format!("\u{feff}{}", lines(&[header])) + &lines(rows)
}

/// `rows` as CSV lines (a part of the file: [`entries`] adds the byte order mark and header).
pub fn lines(rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_starts_with_bom_and_header() {
        let csv = entries(&[vec!["a".into(); 16]]);
        assert!(csv.starts_with("\u{feff}id,url,title,"));
        assert_eq!(csv.matches("\r\n").count(), 2);
    }
}
