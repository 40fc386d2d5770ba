//! One CSV cell, safe to open in a spreadsheet: the open data export (`data/entries.csv`) and
//! `sesh audit --format csv` write every value through [`cell`].

/// One cell: quoted when it holds a comma, quote or line break (quotes doubled); a leading
/// `=`, `+`, `-`, `@`, tab or carriage return is prefixed with `'` so that a spreadsheet does
/// not evaluate a submitted title as a formula.
pub fn cell(value: &str) -> String {
    let value = match value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        true => format!("'{value}"),
        false => value.to_string(),
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_only_when_needed() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a, b"), "\"a, b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("检测，快乐"), "检测，快乐");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("\tcmd"), "'\tcmd");
    }
}
