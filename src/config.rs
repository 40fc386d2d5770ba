//! CONFIG: `sesh.toml` plus command-line overrides → one resolved [`Config`].
//!
//! Merge order, lowest to highest: built-in defaults, `sesh.toml`, command-line flags. The file is
//! parsed into a [`RawConfig`] layer that rejects unknown keys (a typo such as `base_ulr` is an
//! error, never silently ignored); [`Config::load`] applies the overrides once, so no later stage
//! looks at the command line or re-reads the file.

use crate::report::{Problem, line_of};
use anyhow::{Context, Result};
use jiff::civil::Date;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use url::Url;

pub const CONFIG_FILE: &str = "sesh.toml";

/// `sesh.toml` exactly as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    /// SPDX identifier applied when neither entry nor contest names a license.
    pub license: Option<String>,
    /// Output folder, relative to the site root.
    pub output_dir: Option<PathBuf>,
    /// A custom domain for GitHub Pages: written to a `CNAME` file in the output.
    pub cname: Option<String>,
    #[serde(default)]
    pub images: RawImages,
    /// Free-form values for themes (colours, logo, footer text…).
    #[serde(default)]
    pub extra: toml::Table,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawImages {
    pub widths: Option<Vec<u32>>,
    pub quality: Option<u8>,
}

fn default_language() -> String {
    "en".into()
}

fn default_theme() -> String {
    "default".into()
}

/// Values given on the command line; `None` keeps what `sesh.toml` says.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub as_of: Option<AsOf>,
}

/// The resolved configuration every later stage reads.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site root (folder holding `sesh.toml`), absolute.
    pub root: PathBuf,
    pub content_dir: PathBuf,
    pub output_dir: PathBuf,
    pub title: String,
    pub description: String,
    /// Absolute URL of the site, always ending in `/`.
    pub base_url: Url,
    pub language: String,
    pub theme: String,
    pub license: Option<String>,
    pub cname: Option<String>,
    pub images: ImageSettings,
    pub extra: toml::Table,
    /// "Today" for every consent date.
    pub as_of: AsOf,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageSettings {
    pub widths: Vec<u32>,
    pub quality: u8,
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            widths: vec![320, 640, 1024, 1600],
            quality: 80,
        }
    }
}

impl Config {
    /// Reads `<root>/sesh.toml` and applies the overrides.
    pub fn load(root: &Path, overrides: &Overrides) -> Result<Config> {
        let root = std::fs::canonicalize(root)
            .with_context(|| format!("site folder `{}` not found", root.display()))?;
        let file = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&file).with_context(|| {
            format!(
                "cannot read `{}`; is `{}` a sesh site? (run `sesh build --root DIR` with the folder that holds {CONFIG_FILE})",
                file.display(),
                root.display()
            )
        })?;
        let raw = parse(&text)?;
        Config::resolve(root, raw, &text, overrides)
    }

    fn resolve(root: PathBuf, raw: RawConfig, text: &str, o: &Overrides) -> Result<Config> {
        let url_text = o.base_url.clone().unwrap_or(raw.base_url);
        let base_url = parse_base_url(&url_text).map_err(|msg| {
            let line = field_line(text, "base_url");
            let origin = if o.base_url.is_some() {
                "--base-url".to_string()
            } else {
                CONFIG_FILE.to_string()
            };
            Problem::error(origin, msg)
                .at_line(line.filter(|_| o.base_url.is_none()))
                .field("base_url")
                .hint("give the full address, e.g. base_url = \"https://example.org/archive/\"")
        })?;
        let images = resolve_images(raw.images).map_err(|msg| {
            Problem::error(CONFIG_FILE, msg)
                .at_line(field_line(text, "widths").or(field_line(text, "quality")))
                .field("images")
        })?;
        let cname = match raw.cname.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(name) if is_hostname(name) => Some(name.to_lowercase()),
            Some(name) => {
                return Err(Problem::error(CONFIG_FILE, format!("`{name}` is not a domain name"))
                    .at_line(field_line(text, "cname"))
                    .field("cname")
                    .hint("give the bare domain, e.g. cname = \"archive.example.org\" (no https://, no path)")
                    .into());
            }
        };
        let output_dir = match (&o.output, &raw.output_dir) {
            (Some(dir), _) => absolute(dir)?,
            (None, Some(dir)) => root.join(dir),
            (None, None) => root.join("public"),
        };
        Ok(Config {
            content_dir: root.join("content"),
            output_dir,
            title: raw.title,
            description: raw.description,
            base_url,
            language: raw.language,
            theme: raw.theme,
            license: raw.license,
            cname,
            images,
            extra: raw.extra,
            as_of: o.as_of.clone().unwrap_or_else(AsOf::now),
            root,
        })
    }

    /// The path part of the base URL, e.g. `/archive/` (always starts and ends with `/`).
    pub fn base_path(&self) -> &str {
        self.base_url.path()
    }
}

/// Parses `sesh.toml` text, turning TOML errors into a message with line and field.
pub fn parse(text: &str) -> Result<RawConfig> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        let problem = Problem::error(CONFIG_FILE, e.message().trim().to_string()).at_line(line);
        let problem = match e.message() {
            m if m.contains("unknown field") => problem.hint(
                "check the spelling; allowed keys: title, description, base_url, language, theme, license, output_dir, cname, [images], [extra]",
            ),
            m if m.contains("missing field") => {
                problem.hint("sesh.toml needs at least: title = \"…\" and base_url = \"https://…/\"")
            }
            _ => problem,
        };
        anyhow::Error::new(problem)
    })
}

fn is_hostname(name: &str) -> bool {
    name.len() <= 253
        && name.contains('.')
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

fn parse_base_url(text: &str) -> std::result::Result<Url, String> {
    let mut url =
        Url::parse(text.trim()).map_err(|e| format!("`{text}` is not a valid URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("`{text}` must start with http:// or https://"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("`{text}` must not contain `?` or `#`"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

fn resolve_images(raw: RawImages) -> std::result::Result<ImageSettings, String> {
    let mut settings = ImageSettings::default();
    if let Some(mut widths) = raw.widths {
        widths.sort_unstable();
        widths.dedup();
        if widths.is_empty() || widths.iter().any(|&w| !(16..=8192).contains(&w)) {
            return Err("widths must list image widths between 16 and 8192 pixels".into());
        }
        settings.widths = widths;
    }
    if let Some(q) = raw.quality {
        if !(1..=100).contains(&q) {
            return Err("quality must be between 1 and 100".into());
        }
        settings.quality = q;
    }
    Ok(settings)
}

/// Line of `key = …` in a TOML text, for errors found after parsing.
fn field_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

fn absolute(path: &Path) -> Result<PathBuf> {
    Ok(std::path::absolute(path)?)
}

/// "Today" for consent dates.
///
/// A date such as `embargo_until = 2027-01-01` begins at different instants around the world.
/// sesh fails closed: an embargo counts as lifted only once its date has begun everywhere on Earth
/// (UTC−12), and an expiry counts as reached as soon as its date has begun anywhere (UTC+14). With
/// `--as-of DATE` both are that date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsOf {
    /// The calendar date in the westernmost time zone.
    pub earliest: Date,
    /// The calendar date in the easternmost time zone.
    pub latest: Date,
}

impl AsOf {
    pub fn exact(date: Date) -> AsOf {
        AsOf {
            earliest: date,
            latest: date,
        }
    }

    /// From `SOURCE_DATE_EPOCH` when set (reproducible builds), else the clock.
    pub fn now() -> AsOf {
        let seconds = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .unwrap_or_else(|| jiff::Timestamp::now().as_second());
        AsOf::at_unix_seconds(seconds)
    }

    pub fn at_unix_seconds(seconds: i64) -> AsOf {
        let date_at = |offset_hours: i64| {
            let t = jiff::Timestamp::from_second(seconds + offset_hours * 3600)
                .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
            jiff::tz::Offset::UTC.to_datetime(t).date()
        };
        AsOf {
            earliest: date_at(-12),
            latest: date_at(14),
        }
    }

    /// Parses `--as-of YYYY-MM-DD`.
    pub fn parse(text: &str) -> std::result::Result<AsOf, String> {
        text.trim()
            .parse::<Date>()
            .map(AsOf::exact)
            .map_err(|_| format!("`{text}` is not a date; use YYYY-MM-DD, e.g. 2026-11-22"))
    }

    /// True once `date` has begun everywhere (embargoes lift on this test).
    pub fn reached_everywhere(&self, date: Date) -> bool {
        self.earliest >= date
    }

    /// True once `date` has begun anywhere (consents expire on this test).
    pub fn reached_anywhere(&self, date: Date) -> bool {
        self.latest >= date
    }
}

impl std::fmt::Display for AsOf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.earliest == self.latest {
            write!(f, "{}", self.earliest)
        } else {
            write!(f, "{}..{}", self.earliest, self.latest)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(text: &str, o: &Overrides) -> Result<Config> {
        Config::resolve(PathBuf::from("/site"), parse(text)?, text, o)
    }

    #[test]
    fn base_url_gains_a_trailing_slash_and_exposes_its_path() {
        let c = resolve(
            "title = \"T\"\nbase_url = \"https://org.github.io/archive\"\n",
            &Overrides::default(),
        )
        .unwrap();
        assert_eq!(c.base_url.as_str(), "https://org.github.io/archive/");
        assert_eq!(c.base_path(), "/archive/");
        assert_eq!(c.output_dir, PathBuf::from("/site/public"));
        assert_eq!(c.language, "en");
        assert_eq!(c.theme, "default");
    }

    #[test]
    fn cname_must_be_a_bare_domain() {
        let ok = resolve(
            "title = \"T\"\nbase_url = \"https://a.org/\"\ncname = \"Archive.Example.org\"\n",
            &Overrides::default(),
        )
        .unwrap();
        assert_eq!(ok.cname.as_deref(), Some("archive.example.org"));
        for bad in ["https://a.org", "a.org/x", "localhost", "-a.org"] {
            let text = format!("title = \"T\"\nbase_url = \"https://a.org/\"\ncname = \"{bad}\"\n");
            let err = resolve(&text, &Overrides::default())
                .unwrap_err()
                .to_string();
            assert!(err.starts_with("sesh.toml:3: `cname`"), "{bad}: {err}");
        }
    }

    #[test]
    fn command_line_base_url_wins() {
        let o = Overrides {
            base_url: Some("http://localhost:1111/".into()),
            ..Overrides::default()
        };
        let c = resolve("title = \"T\"\nbase_url = \"https://a.org/\"\n", &o).unwrap();
        assert_eq!(c.base_path(), "/");
        assert_eq!(c.base_url.as_str(), "http://localhost:1111/");
    }

    #[test]
    fn unknown_key_is_an_error_with_line_and_hint() {
        let err = resolve(
            "title = \"T\"\nbase_url = \"https://a.org/\"\nthem = \"x\"\n",
            &Overrides::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("sesh.toml:3:"), "{err}");
        assert!(err.contains("unknown field `them`"), "{err}");
        assert!(err.contains("hint:"), "{err}");
    }

    #[test]
    fn bad_base_url_names_the_field() {
        let err = resolve(
            "title = \"T\"\n\nbase_url = \"ftp://a.org/\"\n",
            &Overrides::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("sesh.toml:3: `base_url`"), "{err}");
    }

    #[test]
    fn as_of_fails_closed_around_the_date_line() {
        // 2026-11-22 12:00 UTC: it is already the 23rd in Kiribati (UTC+14) but still the
        // 22nd at UTC-12.
        let t = AsOf::at_unix_seconds(1_795_348_800);
        assert_eq!(t.earliest.to_string(), "2026-11-22");
        assert_eq!(t.latest.to_string(), "2026-11-23");
        let d23: Date = "2026-11-23".parse().unwrap();
        assert!(
            !t.reached_everywhere(d23),
            "an embargo ending on the 23rd has not lifted"
        );
        assert!(
            t.reached_anywhere(d23),
            "a consent expiring on the 23rd has expired"
        );
        assert!(AsOf::parse("2026-02-30").is_err());
        assert_eq!(AsOf::parse("2026-11-22").unwrap().to_string(), "2026-11-22");
    }
}
