//! Translation files: `index.zh-Hans.md` beside `index.md` (and `_index.<language>.md`,
//! `<page>.<language>.md`). A translation holds text only; the keys that decide publication
//! (consent, award, media files, authors, dates, licenses) are errors here, naming file and
//! field, and make the translation unpublished: the original alone decides what is published.

use super::frontmatter::{Invalid, SourceFile};
use super::raw::{RawTranslation, TranslatedMedia, TranslationFront};
use crate::public::ContestFacts;
use crate::report::Problem;
use crate::toml_all::fields_of;

/// Keys a translation may set: those its front matter and a contest's facts read.
fn text_keys() -> Vec<&'static str> {
    [fields_of::<TranslationFront>(), fields_of::<ContestFacts>()].concat()
}

/// `("index", "zh-Hans")` for `index.zh-Hans.md`, when the part before `.md` is a well-formed
/// language tag.
pub fn split_name(name: &str) -> Option<(&str, &str)> {
    let stem = name.strip_suffix(".md")?;
    let (base, tag) = stem.rsplit_once('.')?;
    (!base.is_empty() && crate::config::bcp47_problem(tag).is_none()).then_some((base, tag))
}

/// Parses a translation file's text (already split into front matter and body).
pub fn parse(lang: &str, source: SourceFile) -> RawTranslation {
    let front = check(&source);
    RawTranslation {
        lang: lang.to_string(),
        source,
        front,
    }
}

/// Every key a translation may not hold is refused (all of them, in one run), then the text
/// is read.
fn check(source: &SourceFile) -> Result<TranslationFront, Invalid<TranslationFront>> {
    let table: toml::Table = source
        .parse()
        .map_err(|invalid: Invalid<toml::Table>| Invalid {
            problems: invalid.problems,
            rest: None,
        })?;
    let (text_keys, media_keys) = (text_keys(), fields_of::<TranslatedMedia>());
    let mut refusals = Vec::new();
    for (key, value) in &table {
        if !text_keys.contains(&key.as_str()) {
            refusals.push(refused(source, key, key));
            continue;
        }
        if key == "media" {
            let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
            for item in items.iter().filter_map(toml::Value::as_table) {
                for k in item.keys().filter(|k| !media_keys.contains(&k.as_str())) {
                    refusals.push(refused(source, k, &format!("media.{k}")));
                }
            }
        }
    }
    if refusals.is_empty() {
        return source.parse_with_facts::<TranslationFront>();
    }
    refusals.sort_by_key(|p| p.line);
    Err(Invalid {
        problems: refusals,
        rest: None,
    })
}

fn refused(source: &SourceFile, key: &str, field: &str) -> Problem {
    let line = source
        .front
        .lines()
        .position(|l| {
            let l = l.trim_start().trim_start_matches('[');
            l.strip_prefix(key).is_some_and(|rest| {
                let rest = rest.trim_start();
                rest.starts_with('=') || rest.starts_with(']') || rest.starts_with('.')
            })
        })
        .map(|i| i + source.front_line);
    Problem::error(
        source.display.clone(),
        format!(
            "`{field}` cannot be set in a translation; this translation is not published"
        ),
    )
    .at_line(line)
    .field(field)
    .hint("a translation holds text only (title, summary, description, media alt and caption, the body); consent, award, media files, authors, dates and licenses come from the original index.md")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(front: &str) -> SourceFile {
        SourceFile::split(
            "e/index.zh-Hans.md".into(),
            &format!("+++\n{front}+++\n正文\n"),
        )
        .unwrap()
    }

    #[test]
    fn names_split_only_on_language_tags() {
        assert_eq!(split_name("index.zh-Hans.md"), Some(("index", "zh-Hans")));
        assert_eq!(split_name("_index.en.md"), Some(("_index", "en")));
        assert_eq!(split_name("about.pt-BR.md"), Some(("about", "pt-BR")));
        assert_eq!(split_name("index.md"), None);
        assert_eq!(split_name("v1.2.md"), None);
        assert_eq!(split_name("index.zh-CN.md"), None, "not a tag sesh accepts");
    }

    #[test]
    fn text_fields_are_read() {
        let t = parse(
            "zh-Hans",
            source("title = \"标题\"\n[[media]]\nfile = \"a.jpg\"\nalt = \"替代文字\"\n"),
        );
        let front = t.front.unwrap();
        assert_eq!(front.title.as_deref(), Some("标题"));
        assert_eq!(front.media[0].alt.as_deref(), Some("替代文字"));
        assert_eq!(&*t.source.body, "正文\n");
        // A contest's facts, read from the same table.
        let t = parse(
            "zh-Hans",
            source("purpose = \"目的\"\norganisers = [\"示例中心\"]\n"),
        );
        let facts = t.front.unwrap().facts;
        assert_eq!(facts.purpose.as_deref(), Some("目的"));
        assert_eq!(facts.organisers, ["示例中心"]);
    }

    #[test]
    fn consent_award_media_consent_and_authors_are_errors_naming_the_field() {
        for (front, field, line) in [
            ("title = \"x\"\n[consent]\npublish = true\n", "consent", 3),
            ("award = \"winner\"\n", "award", 2),
            ("title = \"x\"\n[[authors]]\nname = \"A\"\n", "authors", 3),
            (
                "[[media]]\nfile = \"a.jpg\"\nconsent = true\n",
                "media.consent",
                4,
            ),
            ("date = 2020-01-01\n", "date", 2),
        ] {
            let invalid = parse("zh-Hans", source(front)).front.unwrap_err();
            assert_eq!(invalid.problems.len(), 1, "{front}");
            let problem = &invalid.problems[0];
            assert_eq!(problem.field.as_deref(), Some(field), "{front}");
            assert_eq!(problem.line, Some(line), "{front}");
            assert!(
                problem.to_string().contains("e/index.zh-Hans.md"),
                "{problem}"
            );
        }
    }

    #[test]
    fn every_refused_key_of_a_translation_is_reported_at_once() {
        let front = "award = \"winner\"\n[consent]\npublish = true\n";
        let invalid = parse("zh-Hans", source(front)).front.unwrap_err();
        let fields: Vec<_> = invalid.problems.iter().map(|p| p.field.clone()).collect();
        assert_eq!(
            fields,
            [Some("award".to_string()), Some("consent".to_string())]
        );
    }
}
