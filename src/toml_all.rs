//! Every problem of a TOML text in one pass, not only the first.
//!
//! A deserializer stops at its first error. To report the others too, the syntax is read with
//! recovery (every syntax error), then the typed read is repeated on a copy in which each entry
//! already reported is replaced by spaces (so every other byte, and every line number, stays
//! where it was), until the text reads or nothing more can be set aside. A "missing field"
//! error for a key that was set aside is not reported twice. The value read from the repaired
//! text ([`Read::rest`]) is for reporting only: a text with problems is never published.
//!
//! A neutral leaf: it knows TOML, not sesh's model; callers turn [`TomlProblem`]s into their
//! own messages with file, line and hint.

use serde::de::DeserializeOwned;
use std::collections::HashSet;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One problem, with the bytes it concerns and the dotted key of the entry there, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct TomlProblem {
    pub span: Option<Range<usize>>,
    pub message: String,
    /// The entry's key, dotted (`consent.publish`, `media.alt`), when the span is inside one.
    pub key: Option<String>,
}

/// What a text read as: the value (when there was nothing to report), or every problem and,
/// when the rest of the text reads, that value.
#[derive(Debug)]
pub struct Read<T> {
    pub problems: Vec<TomlProblem>,
    pub rest: Option<T>,
}

/// At most this many typed reads (each sets one entry aside).
const ROUNDS: usize = 40;

/// Reads `text` as `T`, collecting every problem.
pub fn read<T: DeserializeOwned>(text: &str) -> Result<T, Read<T>> {
    let (table, syntax) = DeTable::parse_recoverable(text);
    let mut entries = Vec::new();
    entries_of(table.get_ref(), "", &mut entries);
    let mut problems = Vec::new();
    let mut blank = Blanked::new(text);
    for e in syntax {
        let span = e.span();
        if let Some(s) = &span {
            blank.lines(s.clone(), &entries);
        }
        let key = span
            .as_ref()
            .and_then(|s| innermost(&entries, s.start))
            .map(|e| e.key.clone());
        problems.push(TomlProblem {
            span,
            message: e.message().trim().to_string(),
            key,
        });
    }
    for _ in 0..ROUNDS {
        match toml::from_str::<T>(&blank.text) {
            Ok(value) if problems.is_empty() => return Ok(value),
            Ok(value) => return Err(Read::sorted(problems, Some(value))),
            Err(e) => {
                let message = e.message().trim().to_string();
                if let Some(missing) = missing_field(&message)
                    && blank.keys.contains(missing)
                {
                    break; // its entry was set aside: already reported
                }
                let span = e.span();
                let missing = missing_field(&message).is_some();
                let entry = span.as_ref().and_then(|s| innermost(&entries, s.start));
                problems.push(TomlProblem {
                    span: span.clone(),
                    message,
                    key: entry.map(|e| e.key.clone()),
                });
                // A missing field cannot be set aside; other errors can, once.
                match (entry, span) {
                    (Some(entry), Some(_)) if !missing && !blank.done(&entry.extent) => {
                        blank.lines(entry.extent.clone(), &entries)
                    }
                    _ => break,
                }
            }
        }
    }
    Err(Read::sorted(problems, None))
}

impl<T> Read<T> {
    /// Problems in the order of the text (the deserializer visits keys in its own order).
    fn sorted(mut problems: Vec<TomlProblem>, rest: Option<T>) -> Read<T> {
        problems.sort_by_key(|p| p.span.as_ref().map_or(usize::MAX, |s| s.start));
        Read { problems, rest }
    }
}

/// The field a "missing field `x`" message names.
fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

/// One key = value (or `[table]`) of the text: its dotted key and the bytes from key to value.
#[derive(Debug)]
struct Entry {
    key: String,
    name: String,
    extent: Range<usize>,
}

fn entries_of(table: &DeTable, prefix: &str, out: &mut Vec<Entry>) {
    for (key, value) in table.iter() {
        let name = key.get_ref().to_string();
        let dotted = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        let (k, v) = (key.span(), value.span());
        out.push(Entry {
            key: dotted.clone(),
            name,
            extent: k.start.min(v.start)..k.end.max(v.end),
        });
        values_of(value, &dotted, out);
    }
}

fn values_of(value: &Spanned<DeValue>, dotted: &str, out: &mut Vec<Entry>) {
    match value.get_ref() {
        DeValue::Table(t) => entries_of(t, dotted, out),
        DeValue::Array(items) => {
            for item in items.iter() {
                values_of(item, dotted, out);
            }
        }
        _ => {}
    }
}

/// The smallest entry whose bytes contain `at`.
fn innermost(entries: &[Entry], at: usize) -> Option<&Entry> {
    entries
        .iter()
        .filter(|e| e.extent.contains(&at))
        .min_by_key(|e| e.extent.len())
}

/// The text with some lines replaced by spaces, and the names of the keys on them.
struct Blanked {
    text: String,
    lines: HashSet<usize>,
    keys: HashSet<String>,
}

impl Blanked {
    fn new(text: &str) -> Blanked {
        Blanked {
            text: text.to_string(),
            lines: HashSet::new(),
            keys: HashSet::new(),
        }
    }

    /// Starts of the lines that `span` touches.
    fn starts(&self, span: &Range<usize>) -> Vec<usize> {
        let mut starts = Vec::new();
        let mut start = self.text[..span.start.min(self.text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        while start < self.text.len() && (start <= span.start || start < span.end) {
            starts.push(start);
            start = self.text[start..]
                .find('\n')
                .map_or(self.text.len(), |i| start + i + 1);
        }
        starts
    }

    /// Whether every line of `span` is already blank.
    fn done(&self, span: &Range<usize>) -> bool {
        self.starts(span).iter().all(|s| self.lines.contains(s))
    }

    /// Replaces the lines `span` touches by spaces (line breaks kept) and notes the keys on them.
    fn lines(&mut self, span: Range<usize>, entries: &[Entry]) {
        let starts = self.starts(&span);
        let mut bytes = std::mem::take(&mut self.text).into_bytes();
        for start in starts {
            self.lines.insert(start);
            let end = bytes[start..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |i| start + i);
            for e in entries
                .iter()
                .filter(|e| e.extent.start < end && e.extent.end > start)
            {
                self.keys.insert(e.name.clone());
            }
            for b in &mut bytes[start..end] {
                if *b != b'\r' {
                    *b = b' ';
                }
            }
        }
        // Only whole lines of ASCII spaces replaced whole UTF-8 lines: still UTF-8.
        self.text = String::from_utf8(bytes).unwrap_or_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Front {
        title: String,
        summary: Option<String>,
        date: Option<toml::value::Datetime>,
        consent: Option<Consent>,
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Consent {
        publish: Option<bool>,
        withdrawn: Option<bool>,
    }

    fn problems(text: &str) -> Vec<(usize, String, Option<String>)> {
        let err = read::<Front>(text).unwrap_err();
        err.problems
            .into_iter()
            .map(|p| {
                let line = text[..p.span.unwrap().start].matches('\n').count() + 1;
                (line, p.message, p.key)
            })
            .collect()
    }

    #[test]
    fn reports_every_unknown_key_with_its_line() {
        let text = "title = \"A\"\nsumary = \"x\"\n[consent]\npublish = true\nwithdrawm = false\n";
        let p = problems(text);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].0, 2);
        assert!(p[0].1.contains("unknown field `sumary`"), "{p:?}");
        assert_eq!(p[1].0, 5);
        assert!(p[1].1.contains("unknown field `withdrawm`"), "{p:?}");
        assert_eq!(p[1].2.as_deref(), Some("consent.withdrawm"));
    }

    #[test]
    fn reports_syntax_and_type_errors_together() {
        let text = "title = 3\ndate = 2025/06/12\n[consent]\npublish = \"yes\"\n";
        let p = problems(text);
        let lines: Vec<usize> = p.iter().map(|p| p.0).collect();
        assert!(
            lines.contains(&1) && lines.contains(&2) && lines.contains(&4),
            "{p:?}"
        );
        // `title` was set aside for its type: not reported again as missing.
        assert!(!p.iter().any(|p| p.1.contains("missing field")), "{p:?}");
    }

    #[test]
    fn a_missing_field_is_reported_once_and_a_clean_text_reads() {
        let p = problems("summary = \"x\"\n");
        assert_eq!(p.len(), 1);
        assert!(p[0].1.contains("missing field `title`"));
        assert!(read::<Front>("title = \"A\"\n").is_ok());
    }

    #[test]
    fn the_rest_reads_when_every_problem_was_set_aside() {
        let err = read::<Front>("title = \"标题\"\nsumary = \"x\"\n").unwrap_err();
        assert_eq!(err.problems.len(), 1);
        assert_eq!(err.rest.unwrap().title, "标题");
    }
}
