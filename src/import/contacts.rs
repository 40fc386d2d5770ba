//! Which columns of an export hold contact details (e-mail, phone, WeChat id, IP address), by
//! their header and by their content, so that a mapping sending one to a published field can be
//! refused; and which public cells contain one, for a warning.
//!
//! Content is recognised by the same code that flags contact details in published text
//! ([`crate::audit::contacts::find`]), plus IP addresses (问卷星/WJX exports the respondent's IP
//! by default, as `1.2.3.4(广东-广州)`). A column counts as contact data when its header says so
//! or when at least half of its non-blank cells are nothing but a contact detail.

use super::read::Table;
use crate::audit::contacts;
use std::net::IpAddr;

/// Header words (lower case) naming each kind of contact column. ASCII words must be whole
/// words ("ip" is not found in "description"), Chinese ones anywhere. Only short headers count
/// (labels such as "Email Address", "6、手机号码"), not questions that merely mention a phone
/// ("Describe how phone counselling helped you"): those columns are judged by their content.
const HEADER_WORDS: &[(&str, &[&str])] = &[
    (
        "e-mail address",
        &["email", "e-mail", "mail", "邮箱", "电子邮件"],
    ),
    (
        "phone number",
        &[
            "phone",
            "telephone",
            "tel",
            "mobile",
            "cellphone",
            "whatsapp",
            "电话",
            "手机",
            "联系方式",
        ],
    ),
    ("WeChat id", &["wechat", "weixin", "微信"]),
    ("IP address", &["ip", "ip-address", "ip_address", "ip地址"]),
];

/// A header of more words (or, for headers without spaces, characters) is a question.
const LABEL_WORDS: usize = 4;
const LABEL_CHARS: usize = 12;

/// The kind of contact detail a column holds, if it holds one: by header, else by content.
pub fn column_kind(table: &Table, column: usize) -> Option<&'static str> {
    let header = &table.columns[column];
    header_kind(&header.name)
        .or_else(|| header.question.as_deref().and_then(header_kind))
        .or_else(|| content_kind(table, column))
}

/// The kind of contact detail a header names.
pub fn header_kind(header: &str) -> Option<&'static str> {
    let lower = header.to_lowercase();
    // 问卷星 numbers its questions: "6、手机号码".
    let label = lower
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start_matches(['、', '.', ' ']);
    let words: Vec<&str> = label
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let short = label.split_whitespace().count() <= LABEL_WORDS
        && (label.contains(' ') || label.chars().count() <= LABEL_CHARS);
    if !short {
        return None;
    }
    HEADER_WORDS.iter().find_map(|(kind, list)| {
        let found = list.iter().any(|w| {
            if w.is_ascii() {
                words.contains(w)
            } else {
                label.contains(w)
            }
        });
        found.then_some(*kind)
    })
}

/// The kind of contact detail that at least half of the column's non-blank cells are.
fn content_kind(table: &Table, column: usize) -> Option<&'static str> {
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    let mut filled = 0;
    for row in &table.rows {
        let Some(cell) = row.cells.get(column) else {
            continue;
        };
        if cell.text.trim().is_empty() {
            continue;
        }
        filled += 1;
        if let Some(kind) = whole_cell(&cell.text) {
            match counts.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, n)) => *n += 1,
                None => counts.push((kind, 1)),
            }
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| n * 2 >= filled)
        .map(|(kind, _)| kind)
}

/// The kind of contact detail `text` is, when it is nothing else (spaces and a WJX-style
/// `(place)` after an IP address aside).
pub fn whole_cell(text: &str) -> Option<&'static str> {
    let text = text.trim();
    if ip_prefix(text).is_some() {
        return Some("IP address");
    }
    let found = contacts::find(text);
    match found.as_slice() {
        [one] if one.text.len() * 10 >= text.len() * 8 => Some(one.kind),
        [] if phone_like(text) => Some("phone number"),
        _ => None,
    }
}

/// A cell that is only a number written as phone numbers are (`919-555-0100`, `(020) 8888
/// 1234`): in a column of such cells they are phone numbers, though in a text they need a
/// label to count. Bare digit runs (ids) and dates are not.
fn phone_like(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    text.chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        && (7..=15).contains(&digits)
        && text.contains([' ', '+', '-', '('])
        && super::consent::parse_date(text).is_none()
}

/// The kinds of contact detail anywhere in `text` (for warnings on public cells).
pub fn within(text: &str) -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = contacts::find(text).into_iter().map(|f| f.kind).collect();
    let ip = text
        .split(|c: char| !(c.is_ascii_hexdigit() || c == '.' || c == ':'))
        .any(|w| w.contains(['.', ':']) && w.parse::<IpAddr>().is_ok() && w.len() >= 7);
    if ip {
        kinds.push("IP address");
    }
    kinds.dedup();
    kinds
}

/// An IP address at the start of `text` that is all of it, or followed by `(…)`.
fn ip_prefix(text: &str) -> Option<IpAddr> {
    let end = text
        .find(|c: char| !(c.is_ascii_hexdigit() || c == '.' || c == ':'))
        .unwrap_or(text.len());
    let rest = text[end..].trim();
    let tail_ok = rest.is_empty() || (rest.starts_with(['(', '（']) && rest.ends_with([')', '）']));
    let ip: IpAddr = text[..end].parse().ok()?;
    tail_ok.then_some(ip)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::read::{Cell, Column, Row};

    fn table(header: &str, cells: &[&str]) -> Table {
        Table {
            columns: vec![Column {
                name: header.into(),
                question: None,
            }],
            rows: cells
                .iter()
                .enumerate()
                .map(|(i, c)| Row {
                    number: i + 2,
                    cells: vec![Cell::value(*c)],
                    broken: None,
                })
                .collect(),
            ..Table::default()
        }
    }

    #[test]
    fn contact_columns_are_found_by_header() {
        for (header, kind) in [
            ("Email Address", "e-mail address"),
            ("E-mail", "e-mail address"),
            ("联系邮箱", "e-mail address"),
            ("Phone number (optional)", "phone number"),
            ("6、手机号码", "phone number"),
            ("Your WeChat ID", "WeChat id"),
            ("来自IP", "IP address"),
            ("IP Address", "IP address"),
        ] {
            assert_eq!(header_kind(header), Some(kind), "{header}");
        }
        for header in [
            "Title",
            "Description of your entry",
            "Participant's hotel",
            "Type of submission",
            "作品标题",
            "Describe how phone counselling helped you",
            "Do you agree to share your IP under CC-BY?",
            "您是否同意在微信公众号上发布您的作品？",
        ] {
            assert_eq!(header_kind(header), None, "{header}");
        }
    }

    #[test]
    fn contact_columns_are_found_by_content() {
        let t = table("Q7", &["wei@example.org", "", "li@example.com", "none"]);
        assert_eq!(column_kind(&t, 0), Some("e-mail address"));
        let t = table("Q8", &["13800138000", "+86 139 0000 1111", "n/a"]);
        assert_eq!(column_kind(&t, 0), Some("phone number"));
        let t = table("Source", &["123.45.67.89(广东-广州)", "2001:db8::1"]);
        assert_eq!(column_kind(&t, 0), Some("IP address"));
        let t = table(
            "Q9",
            &["My poster about testing", "Write to me at a@b.org", "x"],
        );
        assert_eq!(
            column_kind(&t, 0),
            None,
            "a mention in a text is not a contact column"
        );
        let t = table("Year", &["2019", "2020.5", "1.2"]);
        assert_eq!(column_kind(&t, 0), None);
        let t = table("Q10", &["919-555-0100", "(020) 8888 1234"]);
        assert_eq!(column_kind(&t, 0), Some("phone number"));
        let t = table("_id", &["248031937", "248031938"]);
        assert_eq!(column_kind(&t, 0), None, "ids are not phone numbers");
        let t = table("Submitted", &["2024-05-01", "2024-05-02"]);
        assert_eq!(column_kind(&t, 0), None, "nor are dates");
    }

    #[test]
    fn contact_details_inside_texts_are_found() {
        assert_eq!(within("Reach me: wei@example.org"), ["e-mail address"]);
        assert_eq!(within("logged from 10.0.0.12 at noon"), ["IP address"]);
        assert!(within("Version 2.0 of our 2024 poster").is_empty());
    }
}
