//! Reads an entry's `[consent]` table into [`Terms`] and decides whether the entry may be
//! published on a given day. Every rule fails closed: a key sesh does not know, a value of the
//! wrong type or a date that is not a plain date is an error, and the entry is not published.

use crate::config::AsOf;
use crate::content::{RawValue, SourceFile};
use crate::report::Problem;
use jiff::civil::Date;
use std::collections::BTreeMap;

/// The keys a `[consent]` table may hold.
pub const KEYS: &[&str] = &[
    "publish",
    "images",
    "embargo_until",
    "expires",
    "withdrawn",
    "minor",
    "guardian",
    "identified",
];

/// A consent table whose every value was valid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Terms {
    /// `None` when the key is missing: not published.
    pub publish: Option<bool>,
    /// `None` when missing: media not shown unless an item says `consent = true`.
    pub images: Option<bool>,
    pub embargo_until: Option<Date>,
    pub expires: Option<Date>,
    pub withdrawn: bool,
    pub minor: bool,
    pub guardian: bool,
    pub identified: bool,
}

/// Why an entry is not published (or `None`: it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Stable rule id, e.g. `withdrawn`.
    pub rule: &'static str,
    pub reason: String,
}

fn refuse(rule: &'static str, reason: impl Into<String>) -> Refusal {
    Refusal {
        rule,
        reason: reason.into(),
    }
}

/// Reads the table; on any invalid key or value, returns every problem found.
pub fn read(
    table: &BTreeMap<String, RawValue>,
    source: &SourceFile,
) -> Result<Terms, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut terms = Terms::default();
    for (key, value) in table {
        let problem = |message: String, hint: &str| {
            Problem::error(source.display.clone(), message)
                .at_line(Some(source.front_line_of(&value.span())))
                .field(format!("consent.{key}"))
                .hint(hint)
        };
        match key.as_str() {
            "publish" | "images" | "withdrawn" | "minor" | "guardian" | "identified" => {
                match value.get_ref().as_bool() {
                    Some(b) => set_flag(&mut terms, key, b),
                    None => problems.push(problem(
                        format!(
                            "expected true or false, found {}",
                            describe(value.get_ref())
                        ),
                        "consent must be explicit: write true or false, without quotes",
                    )),
                }
            }
            "embargo_until" | "expires" => match plain_date(value.get_ref()) {
                Some(date) if key == "expires" => terms.expires = Some(date),
                Some(date) => terms.embargo_until = Some(date),
                None => problems.push(problem(
                    format!("expected a date, found {}", describe(value.get_ref())),
                    "write a bare date without quotes or time, e.g. 2027-01-01",
                )),
            },
            _ => problems.push(problem(
                format!("unknown consent key `{key}`"),
                &format!("allowed keys: {}; check the spelling", KEYS.join(", ")),
            )),
        }
    }
    if problems.is_empty() {
        Ok(terms)
    } else {
        Err(problems)
    }
}

fn set_flag(terms: &mut Terms, key: &str, value: bool) {
    match key {
        "publish" => terms.publish = Some(value),
        "images" => terms.images = Some(value),
        "withdrawn" => terms.withdrawn = value,
        "minor" => terms.minor = value,
        "guardian" => terms.guardian = value,
        _ => terms.identified = value,
    }
}

/// A TOML local date (`2027-01-01`); datetimes and strings are refused.
pub fn plain_date(value: &toml::Value) -> Option<Date> {
    let toml::Value::Datetime(dt) = value else {
        return None;
    };
    if dt.time.is_some() || dt.offset.is_some() {
        return None;
    }
    let d = dt.date?;
    Date::new(d.year as i16, d.month as i8, d.day as i8).ok()
}

/// The date part of any TOML date or datetime (for descriptive dates such as `date`, `start`).
pub fn any_date(dt: &toml::value::Datetime) -> Option<Date> {
    let d = dt.date?;
    Date::new(d.year as i16, d.month as i8, d.day as i8).ok()
}

pub fn describe(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => format!("the text \"{s}\""),
        toml::Value::Datetime(d) => format!("the date-time {d}"),
        other => format!("{} {other}", other.type_str()),
    }
}

/// Decides publication on the day `as_of`; the first rule that refuses wins.
pub fn decide(terms: &Terms, as_of: &AsOf) -> Option<Refusal> {
    match terms.publish {
        None => return Some(refuse("publish-missing", "consent.publish is missing")),
        Some(false) => return Some(refuse("publish-false", "consent.publish = false")),
        Some(true) => {}
    }
    if terms.withdrawn {
        return Some(refuse("withdrawn", "consent withdrawn"));
    }
    if terms.minor && !terms.guardian {
        return Some(refuse(
            "minor-without-guardian",
            "entrant is a minor and guardian consent is not given",
        ));
    }
    if let Some(until) = terms.embargo_until
        && !as_of.reached_everywhere(until)
    {
        return Some(refuse("embargoed", format!("embargoed until {until}")));
    }
    if let Some(expires) = terms.expires
        && as_of.reached_anywhere(expires)
    {
        return Some(refuse("expired", format!("consent expired on {expires}")));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(toml_text: &str) -> (BTreeMap<String, RawValue>, SourceFile) {
        let source = SourceFile {
            display: "e/index.md".into(),
            front: toml_text.into(),
            front_line: 2,
            ..SourceFile::default()
        };
        (toml::from_str(toml_text).unwrap(), source)
    }

    fn terms(toml_text: &str) -> Result<Terms, Vec<Problem>> {
        let (t, s) = table(toml_text);
        read(&t, &s)
    }

    fn day(s: &str) -> AsOf {
        AsOf::exact(s.parse().unwrap())
    }

    #[test]
    fn explicit_publish_is_required() {
        let as_of = day("2026-11-22");
        let refused = |t: &str| decide(&terms(t).unwrap(), &as_of).map(|r| r.rule);
        assert_eq!(refused("publish = true"), None);
        assert_eq!(refused(""), Some("publish-missing"));
        assert_eq!(refused("images = true"), Some("publish-missing"));
        assert_eq!(refused("publish = false"), Some("publish-false"));
        assert_eq!(
            refused("publish = true\nwithdrawn = true"),
            Some("withdrawn")
        );
        assert_eq!(
            refused("publish = true\nminor = true"),
            Some("minor-without-guardian")
        );
        assert_eq!(
            refused("publish = true\nminor = true\nguardian = true"),
            None
        );
    }

    #[test]
    fn dates_bound_publication() {
        let t = terms("publish = true\nembargo_until = 2027-01-01\nexpires = 2030-12-31").unwrap();
        assert_eq!(decide(&t, &day("2026-12-31")).unwrap().rule, "embargoed");
        assert_eq!(decide(&t, &day("2027-01-01")), None);
        assert_eq!(decide(&t, &day("2030-12-30")), None);
        assert_eq!(decide(&t, &day("2030-12-31")).unwrap().rule, "expired");
    }

    #[test]
    fn invalid_values_and_unknown_keys_are_errors_with_lines() {
        for (text, field) in [
            ("publish = \"yes\"", "consent.publish"),
            ("publish = 1", "consent.publish"),
            ("publish = true\nimages = \"true\"", "consent.images"),
            ("publish = true\nwithdrawn = \"no\"", "consent.withdrawn"),
            (
                "publish = true\nembargo_until = \"2027-01-01\"",
                "consent.embargo_until",
            ),
            (
                "publish = true\nexpires = 2030-12-31T10:00:00Z",
                "consent.expires",
            ),
            ("publish = true\nexpires = 12:00:00", "consent.expires"),
            ("publish = true\nimgaes = true", "consent.imgaes"),
        ] {
            let problems = terms(text).unwrap_err();
            assert_eq!(problems.len(), 1, "{text}");
            assert_eq!(problems[0].field.as_deref(), Some(field), "{text}");
            assert!(problems[0].line.is_some());
        }
        let problems = terms("publish = true\nimgaes = true").unwrap_err();
        assert_eq!(problems[0].line, Some(3));
        assert!(problems[0].message.contains("unknown consent key `imgaes`"));
    }
}
