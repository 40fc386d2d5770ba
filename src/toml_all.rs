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
    read_by(text, |text| {
        toml::from_str::<T>(text).map_err(Failure::from)
    })
}

/// Reads `T` and `P` from the same table, as `#[serde(flatten)]` would, but keeping every
/// problem's line (flatten loses them, and lets unknown keys through): each is read on its
/// own, ignoring the other's keys (so neither may deny unknown fields), and a key that
/// neither reads is reported as serde reports one.
pub fn read_both<T: DeserializeOwned, P: DeserializeOwned>(
    text: &str,
) -> Result<(T, P), Read<(T, P)>> {
    let known: Vec<&str> = [fields_of::<T>(), fields_of::<P>()].concat();
    read_by(text, |text| {
        unknown_key(text, &known)?;
        let whole = toml::from_str::<T>(text)?;
        let part = toml::from_str::<P>(text)?;
        Ok((whole, part))
    })
}

/// The keys a struct reads (its serde field names), asked of the struct itself: it is made
/// to deserialize from a deserializer that notes the names it is given and stops.
pub fn fields_of<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(FieldNames(&mut fields));
    fields
}

struct FieldNames<'a>(&'a mut &'static [&'static str]);

impl<'de> serde::Deserializer<'de> for FieldNames<'_> {
    type Error = serde::de::value::Error;

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(serde::de::Error::custom("field names noted"))
    }

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom("not a struct"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// The first top-level key of `text` not in `known`, as serde words it.
fn unknown_key(text: &str, known: &[&str]) -> Result<(), Failure> {
    let Ok(table) = DeTable::parse(text) else {
        return Ok(()); // syntax: the typed read reports it
    };
    let mut keys: Vec<_> = table.get_ref().keys().collect();
    keys.sort_by_key(|k| k.span().start);
    match keys
        .into_iter()
        .find(|k| !known.contains(&k.get_ref().as_ref()))
    {
        None => Ok(()),
        Some(key) => {
            let expected: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
            Err(Failure {
                message: format!(
                    "unknown field `{}`, expected one of {}",
                    key.get_ref(),
                    expected.join(", ")
                ),
                span: Some(key.span()),
            })
        }
    }
}

/// A typed read's error: what it says and where.
struct Failure {
    message: String,
    span: Option<Range<usize>>,
}

impl From<toml::de::Error> for Failure {
    fn from(e: toml::de::Error) -> Failure {
        Failure {
            message: e.message().trim().to_string(),
            span: e.span(),
        }
    }
}

/// [`read`] with the typed read given: `parse` is called on the text and then on copies with
/// the entries already reported set aside.
fn read_by<V>(text: &str, parse: impl Fn(&str) -> Result<V, Failure>) -> Result<V, Read<V>> {
    // Most files are valid: one strict reading is all they need (`toml::from_str` fails on any
    // syntax error the recoverable parse below would list). Only a file that fails is parsed
    // again, to find every problem with its line.
    if let Ok(value) = parse(text) {
        return Ok(value);
    }
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
        match parse(&blank.text) {
            Ok(value) if problems.is_empty() => return Ok(value),
            Ok(value) => return Err(Read::sorted(problems, Some(value))),
            Err(Failure { message, span }) => {
                if let Some(missing) = missing_field(&message)
                    && blank.keys.contains(missing)
                {
                    break; // its entry was set aside: already reported
                }
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

    /// A part read beside its owner, as contests read their facts (`public::ContestFacts`).
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Part {
        purpose: Option<String>,
        #[serde(default)]
        platforms: Vec<String>,
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Owner {
        title: String,
        doi: Option<Spanned<String>>,
        consent: Option<Consent>,
    }

    #[test]
    fn fields_are_asked_of_the_struct() {
        assert_eq!(fields_of::<Part>(), ["purpose", "platforms"]);
        assert_eq!(
            fields_of::<Front>(),
            ["title", "summary", "date", "consent"]
        );
    }

    #[test]
    fn a_part_read_beside_its_owner_keeps_lines_and_refuses_unknown_keys() {
        let text = "title = \"A\"\ndoi = \"10.1/x\"\npurpose = \"p\"\nplatforms = [\"WeChat\"]\n";
        let (owner, part) = read_both::<Owner, Part>(text).unwrap();
        assert_eq!(
            (owner.title.as_str(), part.purpose.as_deref()),
            ("A", Some("p"))
        );
        assert_eq!(
            owner.doi.unwrap().span(),
            18..26,
            "the owner's spans survive"
        );
        assert_eq!(part.platforms, ["WeChat"]);

        let text = "title = \"A\"\nsumary = \"s\"\npurpose = 3\n[consent]\nwithdrawm = true\n";
        let err = read_both::<Owner, Part>(text).unwrap_err();
        let found: Vec<(usize, &str, Option<&str>)> = err
            .problems
            .iter()
            .map(|p| {
                let line = text[..p.span.clone().unwrap().start].matches('\n').count() + 1;
                (line, p.message.as_str(), p.key.as_deref())
            })
            .collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].0, 2);
        assert!(
            found[0].1.starts_with(
                "unknown field `sumary`, expected one of `title`, `doi`, `consent`, `purpose`"
            ),
            "{found:?}"
        );
        assert_eq!(
            (found[1].0, found[1].2),
            (3, Some("purpose")),
            "the part's type error has its line"
        );
        assert!(found[1].1.contains("invalid type"), "{found:?}");
        assert_eq!((found[2].0, found[2].2), (5, Some("consent.withdrawm")));
        assert_eq!(err.rest.unwrap().0.title, "A", "the rest reads");
    }

    #[test]
    fn the_rest_reads_when_every_problem_was_set_aside() {
        let err = read::<Front>("title = \"标题\"\nsumary = \"x\"\n").unwrap_err();
        assert_eq!(err.problems.len(), 1);
        assert_eq!(err.rest.unwrap().title, "标题");
    }
}
