//! A consent cell → the boolean the gate reads, by the mapping's explicit answer lists only.
//!
//! An answer counts only when it equals (after trimming spaces) one the mapping lists under
//! `yes` or `no`. A blank cell (unless `""` is listed), any other answer ("Yes, but without my
//! name", "同意 但匿名"), a missing column, a formula or an error value is not an answer: the key
//! gets its restrictive value ([`restrictive`]) and the entry is written with `publish = false`,
//! as the gate treats an invalid value anywhere in `[consent]`. Credit levels work the same way,
//! except that what is not listed means anonymous. Nothing is read from free text.

use super::mapping::{Answers, CreditMap};
use super::read::{Cell, CellKind};
use jiff::civil::Date;

/// Why a cell gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoAnswer {
    MissingColumn,
    Blank,
    Unlisted,
    Formula,
    ErrorValue,
    NotADate,
}

impl NoAnswer {
    /// How a message says it; `value` is the cell's text.
    pub fn describe(&self, value: &str) -> String {
        match self {
            NoAnswer::MissingColumn => "the column is not in the export".into(),
            NoAnswer::Blank => "the answer is blank".into(),
            NoAnswer::Unlisted => format!("\"{}\" is not one of the listed answers", short(value)),
            NoAnswer::Formula => format!(
                "the cell is a spreadsheet formula (saved value \"{}\"), not an answer",
                short(value)
            ),
            NoAnswer::ErrorValue => format!("the cell holds the error value {value}"),
            NoAnswer::NotADate => format!(
                "\"{}\" is not a date sesh can read (YYYY-MM-DD)",
                short(value)
            ),
        }
    }
}

/// The value a consent key takes when its answer cannot be read: the one that publishes less.
pub fn restrictive(key: &str) -> bool {
    matches!(key, "withdrawn" | "minor")
}

/// The answer `cell` gives to the question `answers` maps (`None`: its column is missing).
pub fn answer(answers: &Answers, cell: Option<&Cell>) -> Result<bool, NoAnswer> {
    let cell = readable(cell)?;
    let given = cell.text.trim();
    let listed = |list: &[String]| list.iter().any(|a| a.trim() == given);
    if listed(&answers.yes) {
        Ok(true)
    } else if listed(&answers.no) {
        Ok(false)
    } else if given.is_empty() {
        Err(NoAnswer::Blank)
    } else {
        Err(NoAnswer::Unlisted)
    }
}

/// The credit level `cell` asks for; anonymous, with the reason, when it is not a listed answer.
pub fn credit(map: &CreditMap, cell: Option<&Cell>) -> (&'static str, Option<NoAnswer>) {
    let cell = match readable(cell) {
        Ok(cell) => cell,
        Err(why) => return ("anonymous", Some(why)),
    };
    let given = cell.text.trim();
    let levels = [
        ("name", &map.name),
        ("initials", &map.initials),
        ("pseudonym", &map.pseudonym),
        ("anonymous", &map.anonymous),
    ];
    for (level, list) in levels {
        if list.iter().any(|a| a.trim() == given) {
            return (level, None);
        }
    }
    let why = if given.is_empty() {
        NoAnswer::Blank
    } else {
        NoAnswer::Unlisted
    };
    ("anonymous", Some(why))
}

/// An embargo or expiry date: `Ok(None)` for a blank cell (no such date).
pub fn date(cell: Option<&Cell>) -> Result<Option<Date>, NoAnswer> {
    let cell = readable(cell)?;
    if cell.text.trim().is_empty() {
        return Ok(None);
    }
    parse_date(&cell.text).map(Some).ok_or(NoAnswer::NotADate)
}

/// A cell that may count as an answer: present, not a formula, not an error value.
fn readable(cell: Option<&Cell>) -> Result<&Cell, NoAnswer> {
    let cell = cell.ok_or(NoAnswer::MissingColumn)?;
    match cell.kind {
        CellKind::Value => Ok(cell),
        CellKind::Formula => Err(NoAnswer::Formula),
        CellKind::Error => Err(NoAnswer::ErrorValue),
    }
}

/// A date written year first: `2024-05-01`, `2024/5/1`, `2024.05.01`, `2024年5月1日`, with or
/// without a time after it. Day-first and month-first dates are ambiguous and not read.
pub fn parse_date(text: &str) -> Option<Date> {
    let text = text.trim();
    let date_part = text.split([' ', 'T']).next().unwrap_or("");
    let parts: Vec<&str> = date_part
        .trim_end_matches('日')
        .split(['-', '/', '.', '年', '月'])
        .collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    if y.len() != 4 || !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
        return None;
    }
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
}

/// A value as messages quote it: at most 80 characters, on one line.
pub fn short(value: &str) -> String {
    let one_line: String = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 80 {
        format!("{}…", one_line.chars().take(79).collect::<String>())
    } else {
        one_line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(yes: &[&str], no: &[&str]) -> Answers {
        Answers {
            column: "C".into(),
            yes: yes.iter().map(|s| s.to_string()).collect(),
            no: no.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn only_listed_answers_count() {
        let a = answers(&["Yes, publish it", "同意"], &["No", "不同意"]);
        let given = |text: &str| answer(&a, Some(&Cell::value(text)));
        assert_eq!(given("Yes, publish it"), Ok(true));
        assert_eq!(
            given("  同意\u{3000}"),
            Ok(true),
            "spaces around are trimmed"
        );
        assert_eq!(given("不同意"), Ok(false));
        assert_eq!(given("Yes, but without my name"), Err(NoAnswer::Unlisted));
        assert_eq!(given("同意 但匿名"), Err(NoAnswer::Unlisted));
        assert_eq!(
            given("yes, publish it"),
            Err(NoAnswer::Unlisted),
            "exact case"
        );
        assert_eq!(given("Yes"), Err(NoAnswer::Unlisted));
        assert_eq!(given(""), Err(NoAnswer::Blank));
        assert_eq!(answer(&a, None), Err(NoAnswer::MissingColumn));
        let formula = Cell {
            text: "Yes, publish it".into(),
            kind: CellKind::Formula,
        };
        assert_eq!(answer(&a, Some(&formula)), Err(NoAnswer::Formula));
    }

    #[test]
    fn a_blank_counts_only_when_listed() {
        let a = answers(&["Withdrawn"], &[""]);
        assert_eq!(answer(&a, Some(&Cell::value(""))), Ok(false));
        assert_eq!(
            answer(&a, Some(&Cell::value("withdrawn"))),
            Err(NoAnswer::Unlisted)
        );
    }

    #[test]
    fn restrictive_values_publish_less() {
        assert!(!restrictive("publish") && !restrictive("images"));
        assert!(restrictive("withdrawn") && restrictive("minor"));
        assert!(!restrictive("guardian") && !restrictive("identified"));
    }

    #[test]
    fn unlisted_credit_is_anonymous() {
        let map = CreditMap {
            column: "C".into(),
            name: vec!["Full name".into(), "实名".into()],
            initials: vec!["Initials".into()],
            ..CreditMap::default()
        };
        let level = |text: &str| credit(&map, Some(&Cell::value(text)));
        assert_eq!(level("实名"), ("name", None));
        assert_eq!(level("Initials"), ("initials", None));
        assert_eq!(
            level("Use my name please"),
            ("anonymous", Some(NoAnswer::Unlisted))
        );
        assert_eq!(level(""), ("anonymous", Some(NoAnswer::Blank)));
        assert_eq!(
            credit(&map, None),
            ("anonymous", Some(NoAnswer::MissingColumn))
        );
    }

    #[test]
    fn dates_are_read_year_first_only() {
        let d = |s: &str| parse_date(s).map(|d| d.to_string());
        assert_eq!(d("2024-05-01"), Some("2024-05-01".into()));
        assert_eq!(d("2024/5/1 10:22:33"), Some("2024-05-01".into()));
        assert_eq!(d("2024年5月1日"), Some("2024-05-01".into()));
        assert_eq!(d("2024-05-01T08:00:00Z"), Some("2024-05-01".into()));
        assert_eq!(d("5/1/2024"), None, "month or day first is ambiguous");
        assert_eq!(d("2024-02-30"), None);
        assert_eq!(d("soon"), None);
        assert_eq!(date(Some(&Cell::value(" "))), Ok(None));
        assert_eq!(
            date(Some(&Cell::value("next year"))),
            Err(NoAnswer::NotADate)
        );
    }
}
