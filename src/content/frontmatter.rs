//! Splits a content file into TOML front matter (between `+++` lines) and a Markdown body, and
//! parses the front matter into a typed value with errors located at file:line.

use crate::public::ContestFacts;
use crate::report::{Problem, line_of};
use serde::de::DeserializeOwned;
use std::ops::Range;

/// A content file's text, with where its parts start, so any span can become a line number.
#[derive(Debug, Clone, Default)]
pub struct SourceFile {
    /// Path relative to the site root, `/`-separated (what messages show).
    pub display: String,
    /// The TOML between the `+++` lines.
    pub front: String,
    /// A hash of `front`, computed once when the file is read (for revisions, see
    /// [`crate::content::RawContest::revision`]).
    pub front_hash: u64,
    /// Line of the file on which `front` starts (1-based).
    pub front_line: usize,
    /// The Markdown after the closing `+++` (shared: the public model points at the same text).
    pub body: std::sync::Arc<str>,
    /// A hash of `body`, computed once when the file is read.
    pub body_hash: u64,
    /// Line of the file on which `body` starts (1-based).
    pub body_line: usize,
}

impl SourceFile {
    /// Splits `text` read from `display`.
    pub fn split(display: String, text: &str) -> Result<SourceFile, Problem> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text.split_inclusive('\n');
        let opening = lines.next().unwrap_or("");
        if opening.trim_end() != "+++" {
            return Err(Problem::error(display, "front matter missing")
                .at_line(Some(1))
                .hint("start the file with a line `+++`, then TOML such as title = \"…\", then another `+++` line"));
        }
        let front_start = opening.len();
        let mut offset = front_start;
        for line in lines {
            if line.trim_end() == "+++" {
                let body_start = offset + line.len();
                let hash = |text: &str| {
                    let mut h = std::hash::DefaultHasher::new();
                    std::hash::Hash::hash(text, &mut h);
                    std::hash::Hasher::finish(&h)
                };
                return Ok(SourceFile {
                    front: text[front_start..offset].to_string(),
                    front_hash: hash(&text[front_start..offset]),
                    front_line: 2,
                    body: text[body_start..].into(),
                    body_hash: hash(&text[body_start..]),
                    body_line: line_of(text, body_start),
                    display,
                });
            }
            offset += line.len();
        }
        Err(Problem::error(display, "front matter is not closed")
            .at_line(Some(1))
            .hint("add a line `+++` after the TOML front matter"))
    }

    /// File line of a byte span inside the front matter.
    pub fn front_line_of(&self, span: &Range<usize>) -> usize {
        line_of(&self.front, span.start) + self.front_line - 1
    }

    /// Deserializes the front matter; on errors, every one of them (see [`crate::toml_all`]),
    /// each naming file, line and key, with a hint that names the fix.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, Invalid<T>> {
        crate::toml_all::read::<T>(&self.front).map_err(|read| self.invalid(read))
    }

    /// [`SourceFile::parse`] for front matter that also holds a contest's facts (a contest, a
    /// translation): both read from the same table, a key neither reads refused.
    pub fn parse_with_facts<T: DeserializeOwned + HasFacts>(&self) -> Result<T, Invalid<T>> {
        let join = |(mut front, facts): (T, ContestFacts)| {
            *front.facts_mut() = facts;
            front
        };
        match crate::toml_all::read_both::<T, ContestFacts>(&self.front) {
            Ok(both) => Ok(join(both)),
            Err(read) => {
                let invalid = self.invalid(read);
                Err(Invalid {
                    problems: invalid.problems,
                    rest: invalid.rest.map(|both| Box::new(join(*both))),
                })
            }
        }
    }

    fn invalid<V>(&self, read: crate::toml_all::Read<V>) -> Invalid<V> {
        Invalid {
            problems: read
                .problems
                .into_iter()
                .map(|p| {
                    let line_text = p
                        .span
                        .as_ref()
                        .map_or("", |s| line_at(&self.front, s.start));
                    let mut problem = Problem::error(
                        self.display.clone(),
                        format!("front matter: {}", p.message),
                    )
                    .at_line(p.span.as_ref().map(|s| self.front_line_of(s)))
                    .hint(hint(&p.message, line_text));
                    problem.field = p.key;
                    problem
                })
                .collect(),
            rest: read.rest.map(Box::new),
        }
    }
}

/// Front matter with a [`ContestFacts`] part, read by [`SourceFile::parse_with_facts`].
pub trait HasFacts {
    fn facts_mut(&mut self) -> &mut ContestFacts;
}

/// A front matter that does not read: every problem, and what the rest of it says when the
/// lines with problems are set aside (for reporting more, e.g. consent errors, in the same
/// run; never for publishing).
#[derive(Debug, Clone)]
pub struct Invalid<T> {
    pub problems: Vec<Problem>,
    pub rest: Option<Box<T>>,
}

impl<T> Invalid<T> {
    /// The messages, for an exclusion's reason.
    pub fn summary(&self) -> String {
        let messages: Vec<&str> = self.problems.iter().map(|p| p.message.as_str()).collect();
        messages.join("; ")
    }

    /// One problem (for files that report a single one, e.g. a missing file).
    pub fn one(problem: Problem) -> Self {
        Invalid {
            problems: vec![problem],
            rest: None,
        }
    }
}

/// The line of `text` that holds byte `at`.
fn line_at(text: &str, at: usize) -> &str {
    let at = at.min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    &text[start..end]
}

/// What to do about a problem, from its message and the line it is on.
fn hint(message: &str, line: &str) -> &'static str {
    let value = line.split_once('=').map_or("", |(_, v)| v.trim());
    if looks_like_date(value) {
        "write dates bare, without quotes, as year-month-day: date = 2025-06-12"
    } else if message.contains("unknown field") {
        "check the spelling of the key; the content format is described in README.md"
    } else if message.contains("missing field") {
        "add the missing key to the front matter"
    } else if message.contains("invalid type") {
        "check the value's type: text in \"quotes\", dates bare (2016-03-01), true/false without quotes"
    } else {
        "check the TOML syntax between the +++ lines: text in \"quotes\", dates bare (2016-03-01)"
    }
}

/// A date written some other way than TOML's bare `2025-06-12` (quoted, with `/` or `.`, in
/// Chinese with 年 月 日).
fn looks_like_date(value: &str) -> bool {
    let quoted = value.starts_with('"') || value.starts_with('\'');
    let inner = value.trim_matches(|c| c == '"' || c == '\'');
    let parts: Vec<&str> = inner
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    let datey = parts.len() == 3
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
        && (parts[0].len() == 4 || parts[2].len() == 4);
    let bare_iso = !quoted && inner.len() == 10 && inner.as_bytes().get(4) == Some(&b'-');
    datey && !bare_iso
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body_with_line_numbers() {
        let f = SourceFile::split("x.md".into(), "+++\ntitle = \"A\"\n+++\n\nBody\n").unwrap();
        assert_eq!(f.front, "title = \"A\"\n");
        assert_eq!(&*f.body, "\nBody\n");
        assert_eq!(f.body_line, 4);
        assert_eq!(f.front_line_of(&(0..1)), 2);
    }

    /// Revisions (which decide what `sesh serve` reuses) hash these instead of the text.
    #[test]
    fn front_and_body_hashes_follow_their_own_text() {
        let split = |text: &str| SourceFile::split("x.md".into(), text).unwrap();
        let a = split("+++\ntitle = \"A\"\n+++\nBody\n");
        let retitled = split("+++\ntitle = \"B\"\n+++\nBody\n");
        let edited = split("+++\ntitle = \"A\"\n+++\nBody.\n");
        assert_eq!(
            a.front_hash,
            split("+++\ntitle = \"A\"\n+++\nBody\n").front_hash
        );
        assert_ne!(a.front_hash, retitled.front_hash);
        assert_eq!(a.body_hash, retitled.body_hash);
        assert_eq!(a.front_hash, edited.front_hash);
        assert_ne!(a.body_hash, edited.body_hash);
    }

    #[test]
    fn accepts_bom_and_crlf() {
        let f =
            SourceFile::split("x.md".into(), "\u{feff}+++\r\ntitle = \"A\"\r\n+++\r\nB").unwrap();
        assert_eq!(&*f.body, "B");
    }

    #[test]
    fn missing_or_unclosed_front_matter_is_an_error() {
        let e = SourceFile::split("x.md".into(), "# Title\n").unwrap_err();
        assert!(e.to_string().contains("front matter missing"));
        let e = SourceFile::split("x.md".into(), "+++\ntitle = 1\n").unwrap_err();
        assert!(e.to_string().contains("not closed"));
    }

    #[test]
    fn parse_errors_point_at_the_file_line() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct T {
            title: String,
        }
        let f = SourceFile::split(
            "e/index.md".into(),
            "+++\ntitle = \"A\"\ntitel = \"B\"\n+++\n",
        )
        .unwrap();
        let e = f.parse::<T>().unwrap_err();
        assert_eq!(e.problems.len(), 1);
        let e = &e.problems[0];
        assert_eq!(e.line, Some(3));
        assert_eq!(e.field.as_deref(), Some("titel"));
        assert!(e.message.contains("unknown field `titel`"), "{e}");
    }

    /// A contest's facts are read beside its other keys with the same care: a typo or a wrong
    /// type in either names its line and key, and the rest still reads (for reporting).
    #[test]
    fn contest_facts_read_with_their_lines_and_typos_are_errors() {
        use crate::content::raw::ContestFront;
        let read = |front: &str| {
            SourceFile::split("contests/c/_index.md".into(), &format!("+++\n{front}+++\n"))
                .unwrap()
                .parse_with_facts::<ContestFront>()
        };
        let front = read(
            "title = \"C\"\npurpose = \"Find posters\"\norganisers = [\"Clinic\"]\nweight = 2\n",
        )
        .unwrap();
        assert_eq!(front.facts.purpose.as_deref(), Some("Find posters"));
        assert_eq!(front.facts.organisers, ["Clinic"]);
        assert_eq!(front.weight, Some(2));

        let err = read("title = \"C\"\npurpos = \"x\"\naudience = 3\nwieght = 2\n").unwrap_err();
        let found: Vec<(Option<usize>, Option<&str>)> = err
            .problems
            .iter()
            .map(|p| (p.line, p.field.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                (Some(3), Some("purpos")),
                (Some(4), Some("audience")),
                (Some(5), Some("wieght"))
            ]
        );
        assert!(
            err.problems[0].message.contains("unknown field `purpos`"),
            "{:?}",
            err.problems
        );
        assert!(
            err.problems[0]
                .to_string()
                .contains("contests/c/_index.md:3")
        );
        assert_eq!(err.rest.unwrap().title, "C");
    }

    #[test]
    fn dates_written_otherwise_get_the_date_hint() {
        for value in [
            "2025/06/12",
            "\"2025/06/12\"",
            "\"2025-06-12\"",
            "2025.06.12",
            "\"2025年6月12日\"",
        ] {
            let line = format!("date = {value}");
            assert!(hint("x", &line).contains("2025-06-12"), "{value}");
        }
        assert!(!looks_like_date("2025-06-12"));
        assert!(!looks_like_date("\"A title\""));
    }
}
