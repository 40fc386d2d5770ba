//! Reduces an author to the credit they agreed to: name, initials, pseudonym or nothing.
//!
//! Missing or unknown credit levels mean anonymous. In a sensitive contest a name is capped at
//! initials unless the entry's consent says `identified = true`, because being named at all can
//! disclose a participant's orientation or HIV status. Affiliations are shown only beside a full
//! name: next to initials they would narrow down who the person is.

use crate::content::{RawAuthor, SourceFile};
use crate::public::Credit;
use crate::report::Problem;

/// The credit shown for `author`, and a warning when the input was doubtful.
pub fn credit(
    author: &RawAuthor,
    cap_at_initials: bool,
    source: &SourceFile,
) -> (Credit, Option<Problem>) {
    let warn = |message: String, line: Option<usize>| {
        Some(
            Problem::warning(source.display.clone(), message)
                .at_line(line)
                .field("authors.credit")
                .hint("use one of: name, initials, pseudonym, anonymous"),
        )
    };
    // Counting lines is for problems only: not done for the entries that have none.
    let credit_line = || {
        author
            .credit
            .as_ref()
            .map(|v| source.front_line_of(&v.span()))
    };
    let level = match &author.credit {
        None => "anonymous",
        Some(value) => match value.get_ref().as_str() {
            Some(s @ ("name" | "initials" | "pseudonym" | "anonymous")) => s,
            _ => {
                let line = Some(source.front_line_of(&value.span()));
                let found = crate::consent::terms::describe(value.get_ref());
                return (
                    Credit::Anonymous,
                    warn(
                        format!("unknown credit level {found}; shown as anonymous"),
                        line,
                    ),
                );
            }
        },
    };
    let level = if cap_at_initials && level == "name" {
        "initials"
    } else {
        level
    };
    let name = author
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    match (level, name) {
        ("name", Some(name)) => (
            Credit::Name {
                name: name.to_string(),
                affiliation: author.affiliation.clone().filter(|a| !a.trim().is_empty()),
            },
            None,
        ),
        ("initials", Some(name)) => (Credit::Initials(initials(name)), None),
        ("pseudonym", _) => match author.pseudonym.as_deref().map(str::trim) {
            Some(p) if !p.is_empty() => (Credit::Pseudonym(p.to_string()), None),
            _ => (
                Credit::Anonymous,
                warn(
                    "credit = \"pseudonym\" without a pseudonym; shown as anonymous".into(),
                    credit_line(),
                ),
            ),
        },
        ("anonymous", _) => (Credit::Anonymous, None),
        (_, None) => (
            Credit::Anonymous,
            warn(
                format!("credit = \"{level}\" without a name; shown as anonymous"),
                credit_line(),
            ),
        ),
        _ => (Credit::Anonymous, None),
    }
}

/// Initials of a name: "Wei Li" → "W. L."; a Chinese, Japanese or Korean name keeps its first
/// character (the family name) and masks the rest: "李伟" → "李*", "欧阳娜娜" → "欧***".
pub fn initials(name: &str) -> String {
    let name = name.trim();
    if name.chars().any(is_cjk) {
        let mut chars = name.chars().filter(|c| !c.is_whitespace());
        let first = chars.next().map(String::from).unwrap_or_default();
        let rest = chars.count().max(1);
        return format!("{first}{}", "*".repeat(rest));
    }
    name.split(|c: char| c.is_whitespace())
        .filter_map(|word| word.chars().find(|c| c.is_alphanumeric()))
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn author(front: &str) -> RawAuthor {
        toml::from_str(front).unwrap()
    }

    fn shown(front: &str, cap: bool) -> Credit {
        credit(&author(front), cap, &SourceFile::default()).0
    }

    #[test]
    fn initials_for_latin_and_cjk_names() {
        assert_eq!(initials("Wei Li"), "W. L.");
        assert_eq!(initials("  maría  josé garcía "), "M. J. G.");
        assert_eq!(initials("李伟"), "李*");
        assert_eq!(initials("欧阳娜娜"), "欧***");
        assert_eq!(initials("李"), "李*");
    }

    #[test]
    fn credit_levels() {
        let name = "name = \"Wei Li\"\naffiliation = \"Guangzhou\"\n";
        assert_eq!(
            shown(&format!("{name}credit = \"name\""), false),
            Credit::Name {
                name: "Wei Li".into(),
                affiliation: Some("Guangzhou".into())
            }
        );
        assert_eq!(
            shown(&format!("{name}credit = \"initials\""), false),
            Credit::Initials("W. L.".into())
        );
        assert_eq!(
            shown(&format!("{name}credit = \"anonymous\""), false),
            Credit::Anonymous
        );
        assert_eq!(shown(name, false), Credit::Anonymous, "missing credit");
        assert_eq!(
            shown(&format!("{name}credit = \"Name\""), false),
            Credit::Anonymous,
            "unknown"
        );
        assert_eq!(
            shown(&format!("{name}credit = true"), false),
            Credit::Anonymous,
            "wrong type"
        );
        assert_eq!(
            shown(
                &format!("{name}credit = \"pseudonym\"\npseudonym = \"Red Kite\""),
                false
            ),
            Credit::Pseudonym("Red Kite".into())
        );
        assert_eq!(
            shown(&format!("{name}credit = \"pseudonym\""), false),
            Credit::Anonymous
        );
        assert_eq!(
            shown("credit = \"name\"", false),
            Credit::Anonymous,
            "no name"
        );
    }

    #[test]
    fn sensitive_contests_cap_names_at_initials() {
        let a = "name = \"Wei Li\"\ncredit = \"name\"\naffiliation = \"Guangzhou\"";
        assert_eq!(shown(a, true), Credit::Initials("W. L.".into()));
        let p = "name = \"Wei Li\"\ncredit = \"pseudonym\"\npseudonym = \"Kite\"";
        assert_eq!(shown(p, true), Credit::Pseudonym("Kite".into()));
    }

    #[test]
    fn unknown_levels_warn_with_the_line() {
        let source = SourceFile {
            display: "e/index.md".into(),
            front: "\n\nname = \"A\"\ncredit = \"full\"".into(),
            front_line: 2,
            ..SourceFile::default()
        };
        let (_, warning) = credit(&author(&source.front), false, &source);
        let warning = warning.unwrap();
        assert_eq!(warning.line, Some(5));
        assert!(warning.message.contains("\"full\""));
    }
}
