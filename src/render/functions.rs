//! Functions and filters sesh gives templates.
//!
//! - `t(key="award.winner")`: a UI string in the page's language (`lang`); a missing key is an
//!   error naming key and language.
//! - `url(path="contests/")`: a root-relative URL that respects the base URL's path, in the
//!   page's language (`/zh-Hans/contests/`); static files, `css/theme.css` and `pagefind/`
//!   exist once and keep the root (`lang="…"` picks another language).
//! - `asset(path="css/sesh.css")`: the URL of a static file with a content hash (`?v=…`), so
//!   browsers never keep a stale stylesheet; an unknown file is an error.
//! - `has_asset(path="css/overrides.css")`: whether a static file exists in any layer.
//! - `css_value` filter: passes a colour or length from `[extra]` into CSS, refusing anything
//!   that could end the declaration.
//! - `date` filter: `{{ entry.date | date }}` ("1 March 2016", "2016年3月1日"),
//!   `date(format="year")`, `date(format="month")`, `date(format="iso")`.
//! - `country` filter: `{{ entry.country | country }}`, the name in the page's language from the
//!   `[country]` table of its strings ("Nigeria" → "尼日利亚"), else as written.

use super::theme::{Source, Strings, lookup};
use crate::config::Config;
use anyhow::Result;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use tera::{Error, Kwargs, State, Tera, TeraResult};

pub fn register(
    tera: &mut Tera,
    config: &Config,
    strings: Arc<Strings>,
    statics: &BTreeMap<String, Source>,
) -> Result<()> {
    let default_lang = config.language.clone();
    let base = config.base_path().to_string();

    let t_strings = strings.clone();
    let t_lang = default_lang.clone();
    tera.register_function(
        "t",
        move |kwargs: Kwargs, state: &State| -> TeraResult<String> {
            let key = kwargs.must_get::<&str>("key")?;
            let lang = language(&kwargs, state, &t_lang)?;
            match kwargs.get::<i64>("count")? {
                None => lookup(&t_strings, &lang, key).map_err(Error::message),
                Some(count) => plural(&t_strings, &lang, key, count).map_err(Error::message),
            }
        },
    );

    let url_base = base.clone();
    let url_default = config.language.clone();
    let files: std::collections::HashSet<String> = statics.keys().cloned().collect();
    tera.register_function(
        "url",
        move |kwargs: Kwargs, state: &State| -> TeraResult<String> {
            let path = kwargs.must_get::<&str>("path")?.trim_start_matches('/');
            let lang = language(&kwargs, state, &url_default)?;
            // Pages and feeds exist per language; files (static, generated CSS, the search
            // index, open data) once, at the root.
            let shared = files.contains(path)
                || matches!(path, "css/theme.css" | "robots.txt")
                || path.starts_with("pagefind/")
                || path.starts_with("data/");
            let prefix = if shared || lang == url_default {
                String::new()
            } else {
                format!("{lang}/")
            };
            Ok(format!("{url_base}{prefix}{path}"))
        },
    );

    let mut hashes = HashMap::new();
    for (path, source) in statics {
        let bytes = source.read().map_err(|e| anyhow::anyhow!("{e:#}"))?;
        hashes.insert(path.clone(), blake3::hash(&bytes).to_hex()[..8].to_string());
    }
    let known: std::collections::HashSet<String> = hashes.keys().cloned().collect();
    tera.register_function(
        "has_asset",
        move |kwargs: Kwargs, _: &State| -> TeraResult<bool> {
            let path = kwargs.must_get::<&str>("path")?.trim_start_matches('/');
            Ok(known.contains(path))
        },
    );

    tera.register_function("asset", move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
        let path = kwargs.must_get::<&str>("path")?.trim_start_matches('/');
        match hashes.get(path) {
            Some(hash) => Ok(format!("{base}{}?v={hash}", super::links::segment_path(path))),
            None => Err(Error::message(format!(
                "asset(path=\"{path}\"): no such file in any static/ folder of the theme or site"
            ))),
        }
    });

    tera.register_filter(
        "css_value",
        |value: &str, _: Kwargs, _: &State| -> TeraResult<String> {
            css_value(value).map(String::from).map_err(Error::message)
        },
    );

    let country_strings = strings.clone();
    let country_lang = default_lang.clone();
    tera.register_filter(
        "country",
        move |value: &str, kwargs: Kwargs, state: &State| -> TeraResult<String> {
            let lang = language(&kwargs, state, &country_lang)?;
            Ok(country(&country_strings, &lang, value))
        },
    );

    tera.register_filter(
        "date",
        move |value: &str, kwargs: Kwargs, state: &State| -> TeraResult<String> {
            let format = kwargs.get::<&str>("format")?.unwrap_or("long");
            let lang = language(&kwargs, state, &default_lang)?;
            format_date(&strings, &lang, value, format).map_err(Error::message)
        },
    );
    Ok(())
}

/// A country name in `lang`: from the `[country]` table of its strings, else as written.
pub fn country(strings: &Strings, lang: &str, name: &str) -> String {
    lookup(strings, lang, &format!("{COUNTRY}{}", name.trim())).unwrap_or_else(|_| name.to_string())
}

/// The prefix of country names among the UI strings: optional, so never reported missing.
pub const COUNTRY: &str = "country.";

/// `key.one` when `count` is 1 (if the language has it), else `key.other`, with `{count}` filled.
pub fn plural(strings: &Strings, lang: &str, key: &str, count: i64) -> Result<String, String> {
    let one = (count == 1)
        .then(|| lookup(strings, lang, &format!("{key}.one")).ok())
        .flatten();
    let text = match one {
        Some(text) => text,
        None => lookup(strings, lang, &format!("{key}.other"))?,
    };
    Ok(text.replace("{count}", &count.to_string()))
}

/// The `lang` argument, else the template's `lang` variable, else the site language.
fn language(kwargs: &Kwargs, state: &State, default: &str) -> TeraResult<String> {
    if let Some(lang) = kwargs.get::<&str>("lang")? {
        return Ok(lang.to_string());
    }
    Ok(state
        .get::<String>("lang")?
        .unwrap_or_else(|| default.to_string()))
}

/// A value safe inside a CSS declaration (a colour, a length): no `;`, braces, quotes or `<`.
pub fn css_value(value: &str) -> Result<&str, String> {
    let ok = !value.trim().is_empty()
        && value.len() <= 100
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " #%(),.-/".contains(c));
    if ok {
        Ok(value.trim())
    } else {
        Err(format!(
            "`{value}` is not a CSS value sesh accepts (use a colour such as #5b2a86 or rgb(91 42 134))"
        ))
    }
}

/// Formats an ISO date (`2016-03-01`) with the language's patterns.
pub fn format_date(
    strings: &Strings,
    lang: &str,
    iso: &str,
    format: &str,
) -> Result<String, String> {
    let date: jiff::civil::Date = iso
        .parse()
        .map_err(|_| format!("date filter: `{iso}` is not a YYYY-MM-DD date"))?;
    if format == "iso" {
        return Ok(date.to_string());
    }
    let pattern = lookup(strings, lang, &format!("date.{format}"))?;
    let month = lookup(strings, lang, &format!("date.months.{}", date.month()))?;
    Ok(pattern
        .replace("{year}", &date.year().to_string())
        .replace("{month}", &month)
        .replace("{m}", &date.month().to_string())
        .replace("{day}", &date.day().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_the_language_pattern() {
        let mut strings: Strings = HashMap::new();
        let en: HashMap<String, String> = [
            ("date.long", "{day} {month} {year}"),
            ("date.year", "{year}"),
            ("date.months.3", "March"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let zh: HashMap<String, String> = [
            ("date.long", "{year}年{m}月{day}日"),
            ("date.months.3", "三月"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        strings.insert("en".into(), en);
        strings.insert("zh-Hans".into(), zh);
        assert_eq!(
            format_date(&strings, "en", "2016-03-01", "long").unwrap(),
            "1 March 2016"
        );
        assert_eq!(
            format_date(&strings, "en", "2016-03-01", "year").unwrap(),
            "2016"
        );
        assert_eq!(
            format_date(&strings, "zh-Hans", "2016-03-01", "long").unwrap(),
            "2016年3月1日"
        );
        assert!(
            format_date(&strings, "en", "2016-03-01", "month")
                .unwrap_err()
                .contains("date.month")
        );
        assert!(format_date(&strings, "en", "soon", "long").is_err());
    }

    #[test]
    fn css_values_cannot_break_out() {
        assert_eq!(css_value("#5b2a86"), Ok("#5b2a86"));
        assert_eq!(
            css_value("rgb(91 42 134 / 50%)"),
            Ok("rgb(91 42 134 / 50%)")
        );
        for bad in ["red; } body { display:none", "url(\"x\")", "</style>", ""] {
            assert!(css_value(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn plurals_fall_back_to_other() {
        let mut strings: Strings = HashMap::new();
        strings.insert(
            "en".into(),
            [("n.one", "{count} entry"), ("n.other", "{count} entries")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        strings.insert(
            "zh-Hans".into(),
            [("n.other".to_string(), "{count} 个作品".to_string())].into(),
        );
        assert_eq!(plural(&strings, "en", "n", 1).unwrap(), "1 entry");
        assert_eq!(plural(&strings, "en", "n", 3).unwrap(), "3 entries");
        assert_eq!(plural(&strings, "zh-Hans", "n", 1).unwrap(), "1 个作品");
        assert!(
            plural(&strings, "en", "missing", 2)
                .unwrap_err()
                .contains("missing.other")
        );
    }
}
