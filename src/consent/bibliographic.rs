//! Descriptive metadata a published item carries beyond consent: license ids, DOIs and a
//! contest's `[[outputs]]`. Checked while the gate builds the public model. A bad value is
//! reported (file, line, field, what to do) and left out of the public model; it never
//! excludes the entry or contest that carries it (it is not a consent question).

use crate::content::{RawOutput, SourceFile};
use crate::licenses;
use crate::public::{Output, OutputKind};
use crate::report::Problem;
use toml::Spanned;

/// A bare DOI (`10.1234/abc`) from what an organiser may paste: `doi:10.…` or a doi.org link.
pub fn parse_doi(text: &str) -> Option<String> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let bare = [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi:",
    ]
    .iter()
    .find(|p| lower.starts_with(*p))
    .map_or(t, |p| t[p.len()..].trim_start());
    let (prefix, suffix) = bare.split_once('/')?;
    let registrant = prefix.strip_prefix("10.")?;
    let digits_and_dots = registrant
        .split('.')
        .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    // Printable ASCII without characters that break citation formats or need quoting in URLs.
    let clean = |c: char| c.is_ascii_graphic() && !"\"<>{}\\^`|".contains(c);
    (digits_and_dots
        && registrant.split('.').next().is_some_and(|r| r.len() >= 4)
        && !suffix.is_empty()
        && suffix.chars().all(clean))
    .then(|| bare.to_string())
}

/// A checked `doi = "…"`; an invalid one is reported at `field` and dropped.
pub fn doi(
    value: &Option<Spanned<String>>,
    source: &SourceFile,
    field: &str,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    let value = value.as_ref()?;
    let doi = parse_doi(value.get_ref());
    if doi.is_none() {
        problems.push(
            Problem::error(
                source.display.clone(),
                format!("`{}` is not a DOI; it is not shown or cited", value.get_ref()),
            )
            .at_line(Some(source.front_line_of(&value.span())))
            .field(field)
            .hint("write the DOI itself, e.g. doi = \"10.1371/journal.pmed.1003788\" (a https://doi.org/ link also works)"),
        );
    }
    doi
}

/// Reports a license id sesh does not know. The id is still shown (by itself, without a
/// deed link): an unknown license never unpublishes anything.
pub fn license(
    id: Option<&str>,
    file: &str,
    line: impl FnOnce() -> Option<usize>,
    problems: &mut Vec<Problem>,
) {
    let Some(id) = id else { return };
    if licenses::lookup(id).is_none() {
        problems.push(
            Problem::error(
                file.to_string(),
                format!("unknown license `{id}`; it is shown as written, without a link"),
            )
            .at_line(line())
            .field("license")
            .hint(format!(
                "use an SPDX id sesh knows: {}",
                licenses::ids().join(", ")
            )),
        );
    }
}

/// Line of a top-level `key = …` in the front matter (for values read without a span).
/// [`license`] for the `license` key of a content file's front matter.
pub fn front_license(id: Option<&str>, source: &SourceFile, problems: &mut Vec<Problem>) {
    license(
        id,
        &source.display,
        || key_line(source, "license"),
        problems,
    );
}

pub fn key_line(source: &SourceFile, key: &str) -> Option<usize> {
    source
        .front
        .lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + source.front_line)
}

/// The valid `[[outputs]]` of a contest; each invalid item or value is reported.
pub fn outputs(raw: &[RawOutput], source: &SourceFile, problems: &mut Vec<Problem>) -> Vec<Output> {
    raw.iter()
        .filter_map(|item| output(item, source, problems))
        .collect()
}

fn output(item: &RawOutput, source: &SourceFile, problems: &mut Vec<Problem>) -> Option<Output> {
    let line = |span: std::ops::Range<usize>| Some(source.front_line_of(&span));
    let err = |message: String, line: Option<usize>, field: &str, hint: &str| {
        Problem::error(source.display.clone(), message)
            .at_line(line)
            .field(format!("outputs.{field}"))
            .hint(hint)
    };
    let kinds = OutputKind::ALL.map(|k| k.id()).join(", ");
    let kind = match &item.kind {
        None => {
            let at = item.title.as_ref().and_then(|t| line(t.span()));
            problems.push(err(
                "an output has no `kind`; it is not shown".into(),
                at,
                "kind",
                &format!("add kind = one of: {kinds}"),
            ));
            return None;
        }
        Some(k) => match OutputKind::from_id(k.get_ref().trim()) {
            Some(kind) => kind,
            None => {
                problems.push(err(
                    format!(
                        "unknown output kind \"{}\"; this output is not shown",
                        k.get_ref()
                    ),
                    line(k.span()),
                    "kind",
                    &format!("use one of: {kinds}"),
                ));
                return None;
            }
        },
    };
    let title = item
        .title
        .as_ref()
        .map(|t| t.get_ref().trim())
        .unwrap_or("");
    if title.is_empty() {
        let at = item.kind.as_ref().and_then(|k| line(k.span()));
        problems.push(err(
            "an output has no `title`; it is not shown".into(),
            at,
            "title",
            "add title = \"…\" (e.g. the publication's title and journal)",
        ));
        return None;
    }
    let url = item.url.as_ref().and_then(|u| {
        let ok = url::Url::parse(u.get_ref().trim())
            .ok()
            .filter(|p| matches!(p.scheme(), "http" | "https"))
            .map(String::from);
        if ok.is_none() {
            problems.push(err(
                format!(
                    "`{}` is not an http(s) address; the link is left out",
                    u.get_ref()
                ),
                line(u.span()),
                "url",
                "write the full address, starting with https://",
            ));
        }
        ok
    });
    let doi = doi(&item.doi, source, "outputs.doi", problems);
    let year = item.year.as_ref().and_then(|y| {
        let ok = (1900..=2200).contains(y.get_ref()).then(|| *y.get_ref());
        if ok.is_none() {
            problems.push(err(
                format!("{} is not a plausible year; it is left out", y.get_ref()),
                line(y.span()),
                "year",
                "write the year of publication, e.g. year = 2017",
            ));
        }
        ok
    });
    Some(Output {
        kind,
        title: title.to_string(),
        url,
        doi,
        year,
        note: item.note.clone().filter(|n| !n.trim().is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dois_are_checked_and_normalised() {
        for (text, want) in [
            (
                "10.1371/journal.pmed.1003788",
                Some("10.1371/journal.pmed.1003788"),
            ),
            (
                "https://doi.org/10.12688/f1000research.22.1",
                Some("10.12688/f1000research.22.1"),
            ),
            ("doi: 10.1000.10/x(y)-z", Some("10.1000.10/x(y)-z")),
            ("10.123/short-registrant", None),
            ("10.1371/", None),
            ("11.1371/x", None),
            ("10.1371/a b", None),
            ("10.1371/</script>", None),
            ("journal.pmed.1003788", None),
            ("", None),
        ] {
            assert_eq!(parse_doi(text).as_deref(), want, "{text}");
        }
    }

    fn source(front: &str) -> SourceFile {
        SourceFile {
            display: "content/contests/c/_index.md".into(),
            front: front.into(),
            front_line: 2,
            ..SourceFile::default()
        }
    }

    #[test]
    fn invalid_outputs_are_dropped_and_reported() {
        #[derive(serde::Deserialize)]
        struct F {
            outputs: Vec<RawOutput>,
        }
        let text = "[[outputs]]\nkind = \"publication\"\ntitle = \"Paper\"\nyear = 2017\n\n[[outputs]]\nkind = \"blogpost\"\ntitle = \"Blog\"\n\n[[outputs]]\nkind = \"guideline\"\ntitle = \"Guide\"\nurl = \"javascript:alert(1)\"\ndoi = \"nope\"\n";
        let f: F = toml::from_str(text).unwrap();
        let mut problems = Vec::new();
        let out = outputs(&f.outputs, &source(text), &mut problems);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].year, Some(2017));
        assert_eq!(out[1].url, None);
        assert_eq!(out[1].doi, None);
        let fields: Vec<_> = problems.iter().map(|p| p.field.clone().unwrap()).collect();
        assert_eq!(fields, ["outputs.kind", "outputs.url", "outputs.doi"]);
        assert_eq!(problems[0].line, Some(8));
        assert!(problems[0].message.contains("blogpost"));
    }

    #[test]
    fn unknown_licenses_are_reported_with_their_line() {
        let s = source("title = \"T\"\nlicense = \"CC-BY-5.0\"\n");
        let mut problems = Vec::new();
        license(
            Some("CC-BY-5.0"),
            &s.display,
            || key_line(&s, "license"),
            &mut problems,
        );
        license(Some("cc-by-4.0"), &s.display, || None, &mut problems);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(3));
        assert_eq!(problems[0].field.as_deref(), Some("license"));
    }
}
