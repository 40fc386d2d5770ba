//! LOCALIZE: the public model as read in one language.
//!
//! For each of the site's languages the renderer receives a copy of the public model in which
//! every item that has a translation in that language shows the translation's text, and every
//! other item keeps its original text with its original `lang` (templates then mark it with a
//! `lang` attribute, so screen readers and fonts switch). Nothing is added or removed: the set
//! of published items, media and credits is the gate's, whatever the language.

use crate::public::{Body, Contest, Entry, Media, Page, PublicSite, Translation};
use std::borrow::Cow;
use std::sync::Arc;

/// `site` as read in `lang`: `site` itself when nothing in it is translated into `lang` (a
/// site in one language, or a language nothing has been translated into yet).
pub fn localize<'a>(site: &'a PublicSite, lang: &str) -> Cow<'a, PublicSite> {
    let pages = site.home.iter().chain(&site.framework).chain(&site.pages);
    let translated = pages.map(|p| &p.translations).any(|t| t.contains_key(lang))
        || site.contests.iter().any(|c| translated(c, lang));
    match translated {
        true => Cow::Owned(translate(site, lang)),
        false => Cow::Borrowed(site),
    }
}

fn translate(site: &PublicSite, lang: &str) -> PublicSite {
    PublicSite {
        home: site.home.as_ref().map(|p| page(p, lang)),
        framework: site.framework.as_ref().map(|p| page(p, lang)),
        pages: site.pages.iter().map(|p| page(p, lang)).collect(),
        // A contest with nothing translated into `lang` reads the same: shared, not copied
        // (`sesh serve` localizes on every rebuild).
        contests: site
            .contests
            .iter()
            .map(|c| match translated(c, lang) {
                true => Arc::new(contest(c, lang)),
                false => Arc::clone(c),
            })
            .collect(),
    }
}

/// Whether `c` or one of its entries has a translation into `lang`.
fn translated(c: &Contest, lang: &str) -> bool {
    c.translations.contains_key(lang) || c.entries.iter().any(|e| e.translations.contains_key(lang))
}

fn page(p: &Page, lang: &str) -> Page {
    let mut out = p.clone();
    if let Some(t) = p.translations.get(lang) {
        out.lang = lang.to_string();
        replace(&mut out.title, &t.title);
        out.description = t.description.clone().or(t.summary.clone());
        body(&mut out.body, t);
    }
    out
}

fn contest(c: &Contest, lang: &str) -> Contest {
    let mut out = Contest {
        entries: Vec::new(),
        ..c.clone()
    };
    if let Some(t) = c.translations.get(lang) {
        out.lang = lang.to_string();
        replace(&mut out.title, &t.title);
        out.summary = t.summary.clone();
        out.facts.overlay(&t.facts);
        body(&mut out.body, t);
    }
    out.entries = c.entries.iter().map(|e| entry(e, lang)).collect();
    out
}

fn entry(e: &Entry, lang: &str) -> Entry {
    let mut out = e.clone();
    if let Some(t) = e.translations.get(lang) {
        out.lang = lang.to_string();
        replace(&mut out.title, &t.title);
        out.summary = t.summary.clone();
        out.media = e.media.iter().map(|m| media(m, t)).collect();
        body(&mut out.body, t);
    }
    out
}

fn media(m: &Media, t: &Translation) -> Media {
    let mut out = m.clone();
    if let Some((alt, caption)) = t.media.get(&m.file) {
        replace(&mut out.alt, alt);
        if caption.is_some() {
            out.caption = caption.clone();
        }
    }
    out
}

fn replace(field: &mut String, value: &Option<String>) {
    if let Some(v) = value {
        *field = v.clone();
    }
}

fn body(body: &mut Body, t: &Translation) {
    if let Some(b) = &t.body {
        *body = b.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translated_items_take_the_translation_and_others_keep_their_language() {
        let mut translated = Entry {
            title: "Umbrella".into(),
            summary: Some("A poster".into()),
            lang: "en".into(),
            ..Entry::default()
        };
        translated.translations.insert(
            "zh-Hans".into(),
            Translation {
                title: Some("雨伞".into()),
                summary: Some("一张海报".into()),
                ..Translation::default()
            },
        );
        let untranslated = Entry {
            title: "Night bus".into(),
            lang: "en".into(),
            ..Entry::default()
        };
        let other = Arc::new(Contest {
            entries: vec![untranslated.clone()],
            lang: "en".into(),
            ..Contest::default()
        });
        let site = PublicSite {
            contests: vec![
                Arc::new(Contest {
                    entries: vec![translated, untranslated],
                    lang: "en".into(),
                    ..Contest::default()
                }),
                other.clone(),
            ],
            ..PublicSite::default()
        };
        let zh = localize(&site, "zh-Hans");
        let entries = &zh.contests[0].entries;
        assert_eq!(entries.len(), 2, "untranslated entries are not hidden");
        assert_eq!(
            (entries[0].title.as_str(), entries[0].lang.as_str()),
            ("雨伞", "zh-Hans")
        );
        assert_eq!(entries[0].summary.as_deref(), Some("一张海报"));
        assert_eq!(
            entries[0].body.lang, "",
            "no translated body: the original's"
        );
        assert_eq!(
            (entries[1].title.as_str(), entries[1].lang.as_str()),
            ("Night bus", "en")
        );
        assert!(
            Arc::ptr_eq(&zh.contests[1], &other),
            "a contest with nothing translated is shared, not copied"
        );
        let en = localize(&site, "en");
        assert_eq!(en.contests[0].entries[0].title, "Umbrella");
        // Nothing is translated into English: the site itself, not a copy.
        assert!(matches!(en, Cow::Borrowed(_)));
        assert!(matches!(zh, Cow::Owned(_)));
    }
}
