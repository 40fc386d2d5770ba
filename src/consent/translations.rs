//! Translations of published items. The gate calls this only for items it publishes, so a
//! translation of an excluded entry is never looked at; and a translation carries text only
//! (title, summary, alt text, captions, body): what is published was decided on the original.

use super::normalise;
use crate::content::{RawTranslation, SourceFile};
use crate::public::{Body, Media, Translation};
use crate::report::Problem;
use std::collections::BTreeMap;

/// The language an item is written in: its `lang` key, else the site's default language.
pub fn item_lang(
    declared: Option<&str>,
    languages: &[String],
    source: &SourceFile,
    problems: &mut Vec<Problem>,
) -> String {
    let default = languages.first().cloned().unwrap_or_else(|| "en".into());
    match declared {
        None => default,
        Some(lang) if languages.iter().any(|l| l == lang) => lang.to_string(),
        Some(lang) => {
            problems.push(
                Problem::warning(
                    source.display.clone(),
                    format!(
                        "lang = \"{lang}\" is not one of the site's languages; taken as `{default}`"
                    ),
                )
                .field("lang")
                .hint(format!("use one of: {}", languages.join(", "))),
            );
            default
        }
    }
}

/// The usable translations of an item written in `original`, by language. Unusable ones
/// (errors in the file, the original's own language) are reported and skipped. `media` are
/// the original's consented media: alt text and captions of other files are ignored.
pub fn translations(
    raw: &[RawTranslation],
    original: &str,
    dir: &str,
    media: &[Media],
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, Translation> {
    let mut out = BTreeMap::new();
    for t in raw {
        let front = match &t.front {
            Ok(front) => front,
            Err(invalid) => {
                problems.extend(invalid.problems.iter().cloned());
                continue;
            }
        };
        if t.lang == original {
            problems.push(
                Problem::warning(
                    t.source.display.clone(),
                    format!("the original is already in `{original}`; translation ignored"),
                )
                .hint("set lang = \"…\" in the original's front matter if it is written in another language"),
            );
            continue;
        }
        let body = (!t.source.body.trim().is_empty()).then(|| Body {
            markdown: t.source.body.clone(),
            hash: t.source.body_hash,
            file: t.source.display.clone(),
            line: t.source.body_line,
            dir: dir.to_string(),
            lang: t.lang.clone(),
        });
        let text = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        let media_text = front
            .media
            .iter()
            .map(|m| (normalise(&m.file), (text(&m.alt), text(&m.caption))))
            .filter(|(file, _)| media.iter().any(|m| &m.file == file))
            .collect();
        out.insert(
            t.lang.clone(),
            Translation {
                title: text(&front.title),
                summary: text(&front.summary),
                description: text(&front.description),
                facts: front.facts.clone(),
                media: media_text,
                body,
            },
        );
    }
    out
}
