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

/// One `[[scan.allow]]` item of `sesh.toml`: a restricted text that may appear in the output,
/// and why (for whoever reviews the list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowed {
    pub text: String,
    pub reason: String,
    /// Line of `sesh.toml` (for messages).
    pub line: Option<usize>,
}

/// `sesh.toml` exactly as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub base_url: String,
    /// The site's one language (kept for single-language sites); `languages` supersedes it.
    pub language: Option<String>,
    /// BCP 47 tags, default first: `["en", "zh-Hans"]`.
    pub languages: Option<Vec<String>>,
    /// Site title and description in the other languages: `[translations.zh-Hans]`.
    #[serde(default)]
    pub translations: std::collections::BTreeMap<String, RawSiteText>,
    /// Client-side search pages and index (on by default).
    pub search: Option<bool>,
    #[serde(default = "default_theme")]
    pub theme: String,
    /// SPDX identifier applied when neither entry nor contest names a license.
    pub license: Option<String>,
    /// Output folder, relative to the site root.
    pub output_dir: Option<PathBuf>,
    /// A custom domain for GitHub Pages: written to a `CNAME` file in the output.
    pub cname: Option<String>,
    /// Cache folder (processed images), relative to the site root.
    pub cache_dir: Option<PathBuf>,
    #[serde(default)]
    pub images: RawImages,
    /// The output scan: `[[scan.allow]]` texts that may appear although something withheld
    /// has them too (a common name), each with its reason.
    #[serde(default)]
    pub scan: RawScan,
    /// E-mail addresses and phone numbers published on purpose (the organisers'), which the
    /// check for contact details in published text does not report.
    #[serde(default)]
    pub public_contacts: Vec<String>,
    /// Free-form values for themes (colours, logo, footer text…).
    #[serde(default)]
    pub extra: toml::Table,
}

/// `[scan]` in `sesh.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScan {
    #[serde(default)]
    pub allow: Vec<toml::Spanned<RawAllow>>,
}

/// One `[[scan.allow]]` item.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAllow {
    pub text: String,
    pub reason: String,
}

/// `[translations.<language>]` in `sesh.toml`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RawSiteText {
    pub title: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawImages {
    pub widths: Option<Vec<u32>>,
    pub quality: Option<u8>,
    pub webp: Option<bool>,
    pub background: Option<String>,
    pub max_file_mb: Option<u64>,
    pub max_megapixels: Option<u64>,
    pub memory_mb: Option<u64>,
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
    /// The default language (the first of `languages`), published at the site root.
    pub language: String,
    /// Every language, default first; the others are published under `/<language>/`.
    pub languages: Vec<String>,
    /// Site title and description per non-default language (missing: the default's).
    pub site_text: std::collections::BTreeMap<String, RawSiteText>,
    /// Build the search pages and index.
    pub search: bool,
    pub theme: String,
    pub license: Option<String>,
    pub cname: Option<String>,
    pub images: ImageSettings,
    /// Texts the output scan may find in the output (`[[scan.allow]]`).
    pub scan_allow: Vec<Allowed>,
    /// Contact details published on purpose (`public_contacts`).
    pub public_contacts: Vec<String>,
    pub extra: toml::Table,
    /// "Today" for every consent date.
    pub as_of: AsOf,
}

/// `[images]`, resolved. Every field but `memory_mb` and `cache_dir` changes output bytes and is
/// part of the image cache key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageSettings {
    /// Widths published for each image (never upscaled), sorted. The defaults were chosen by
    /// measuring the bytes each kind of page costs on a 390 px phone at 3x and a 1280 px laptop
    /// (docs/images.md): they cover what those screens fill (about 1050, 700, 350 and 260 px)
    /// without sending a size far larger.
    pub widths: Vec<u32>,
    /// JPEG quality, 1–100 (WebP is encoded at the quality measured as good, see
    /// `images::encode::webp_quality`).
    pub quality: u8,
    /// Also publish each size as WebP where that is smaller, offered first through `<picture>`.
    pub webp: bool,
    /// Flatten transparent images on this colour and publish them as JPEG; `None` keeps them PNG.
    pub background: Option<[u8; 3]>,
    /// Larger source files are refused before being read.
    pub max_file_mb: u64,
    /// Images declaring more pixels are refused before being decoded (decompression bombs).
    pub max_megapixels: u64,
    /// Memory the image stage may use at once; images run in parallel within it.
    pub memory_mb: u64,
    /// Absolute path of the cache folder (the top-level `cache_dir`).
    pub cache_dir: PathBuf,
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            widths: vec![360, 720, 1080, 1600],
            quality: 80,
            webp: true,
            background: None,
            max_file_mb: 60,
            max_megapixels: 100,
            memory_mb: 1024,
            cache_dir: PathBuf::from(DEFAULT_CACHE_DIR),
        }
    }
}

/// Default cache folder, relative to the site root (git-ignored).
pub const DEFAULT_CACHE_DIR: &str = ".sesh-cache";

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
        let languages = resolve_languages(&raw, text)?;
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
        let cache_dir = root.join(
            raw.cache_dir
                .as_deref()
                .unwrap_or(Path::new(DEFAULT_CACHE_DIR)),
        );
        let images = resolve_images(raw.images, cache_dir).map_err(|(key, msg)| {
            Problem::error(CONFIG_FILE, msg)
                .at_line(field_line(text, key))
                .field(format!("images.{key}"))
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
        let scan_allow = resolve_allow(raw.scan, text)?;
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
            language: languages[0].clone(),
            site_text: raw.translations,
            search: raw.search.unwrap_or(true),
            languages,
            theme: raw.theme,
            license: raw.license,
            cname,
            images,
            scan_allow,
            public_contacts: raw.public_contacts,
            extra: raw.extra,
            as_of: o.as_of.clone().unwrap_or_else(AsOf::now),
            root,
        })
    }

    /// The output folder prefix of a language: `""` for the default, `zh-Hans/` for the others.
    pub fn lang_prefix(&self, lang: &str) -> String {
        if lang == self.language {
            String::new()
        } else {
            format!("{lang}/")
        }
    }

    /// The site title in `lang` (`[translations.<lang>]`, else the default).
    pub fn title_in(&self, lang: &str) -> &str {
        self.site_text
            .get(lang)
            .and_then(|t| t.title.as_deref())
            .unwrap_or(&self.title)
    }

    /// The site description in `lang`.
    pub fn description_in(&self, lang: &str) -> &str {
        self.site_text
            .get(lang)
            .and_then(|t| t.description.as_deref())
            .unwrap_or(&self.description)
    }

    /// The path part of the base URL, e.g. `/archive/` (always starts and ends with `/`).
    pub fn base_path(&self) -> &str {
        self.base_url.path()
    }
}

/// `[[scan.allow]]` items, each with a text and a reason (an allowance nobody can explain is
/// not reviewable).
fn resolve_allow(scan: RawScan, text: &str) -> Result<Vec<Allowed>> {
    let mut out = Vec::new();
    for item in scan.allow {
        let line = Some(line_of(text, item.span().start));
        let item = item.into_inner();
        let missing = match (item.text.trim().is_empty(), item.reason.trim().is_empty()) {
            (true, _) => Some("text"),
            (_, true) => Some("reason"),
            _ => None,
        };
        if let Some(field) = missing {
            return Err(Problem::error(CONFIG_FILE, format!("a [[scan.allow]] item has an empty `{field}`"))
                .at_line(line)
                .field(format!("scan.allow.{field}"))
                .hint("each item names the exact text and why it may appear, e.g. text = \"Wei Li\", reason = \"a different Wei Li is credited in the 2024 contest\"")
                .into());
        }
        out.push(Allowed {
            text: item.text,
            reason: item.reason,
            line,
        });
    }
    Ok(out)
}

/// Parses `sesh.toml` text, turning TOML errors into messages with line and field: every
/// problem of the file at once.
pub fn parse(text: &str) -> Result<RawConfig> {
    let read = match crate::toml_all::read::<RawConfig>(text) {
        Ok(raw) => return Ok(raw),
        Err(read) => read,
    };
    let problems: Vec<Problem> = read
        .problems
        .into_iter()
        .map(|p| {
            let line = p.span.as_ref().map(|s| line_of(text, s.start));
            let mut problem = Problem::error(CONFIG_FILE, p.message.clone()).at_line(line);
            problem.field = p.key;
            match p.message.as_str() {
                m if m.contains("unknown field") => problem.hint(
                    "check the spelling; allowed keys: title, description, base_url, language, languages, [translations.<language>], search, theme, license, output_dir, cname, cache_dir, [images] (widths, quality, webp, background, max_file_mb, max_megapixels, memory_mb), [[scan.allow]] (text, reason), public_contacts, [extra]",
                ),
                m if m.contains("missing field") => problem
                    .hint("sesh.toml needs at least: title = \"…\" and base_url = \"https://…/\""),
                m if m.contains("invalid type") => problem.hint(
                    "check the value's type: text in \"quotes\", numbers and true/false without quotes, lists in [brackets]",
                ),
                _ => problem.hint("check the TOML syntax: text in \"quotes\", one key = value per line"),
            }
        })
        .collect();
    Err(match <[Problem; 1]>::try_from(problems) {
        Ok([one]) => anyhow::Error::new(one),
        Err(many) => anyhow::Error::new(crate::report::Problems(many)),
    })
}

/// `languages` (or the single `language`) checked: BCP 47 tags, no duplicates, default first.
fn resolve_languages(raw: &RawConfig, text: &str) -> Result<Vec<String>> {
    let (key, list) = match (&raw.languages, &raw.language) {
        (Some(list), Some(one)) if list.first() != Some(one) => {
            return Err(Problem::error(
                CONFIG_FILE,
                format!("language = \"{one}\" is not the first of languages"),
            )
            .at_line(field_line(text, "language"))
            .field("language")
            .hint("remove `language`: the first of `languages` is the default language")
            .into());
        }
        (Some(list), _) => ("languages", list.clone()),
        (None, Some(one)) => ("language", vec![one.clone()]),
        (None, None) => ("language", vec!["en".to_string()]),
    };
    let err = |msg: String, hint: &str| -> anyhow::Error {
        Problem::error(CONFIG_FILE, msg)
            .at_line(field_line(text, key))
            .field(key)
            .hint(hint)
            .into()
    };
    if list.is_empty() {
        return Err(err(
            "languages is empty".into(),
            "list at least one language, e.g. languages = [\"en\", \"zh-Hans\"]",
        ));
    }
    for (i, tag) in list.iter().enumerate() {
        if let Some(hint) = bcp47_problem(tag) {
            return Err(err(
                format!("`{tag}` is not a language tag sesh accepts"),
                &hint,
            ));
        }
        if list[..i].iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            return Err(err(
                format!("`{tag}` is listed twice"),
                "list each language once",
            ));
        }
    }
    for lang in raw.translations.keys() {
        if !list.contains(lang) {
            return Err(Problem::error(
                CONFIG_FILE,
                format!("[translations.{lang}]: `{lang}` is not one of the site's languages"),
            )
            .field(format!("translations.{lang}"))
            .hint(format!("languages are: {}", list.join(", ")))
            .into());
        }
    }
    Ok(list)
}

/// Why `tag` is not a well-formed BCP 47 tag of the shape sesh uses (`en`, `zh-Hans`, `pt-BR`,
/// `zh-Hant-TW`), with a hint; `None` when it is. Region-only Chinese tags are refused: `zh-CN`
/// says where, not which script, and Chinese readers need the script.
pub fn bcp47_problem(tag: &str) -> Option<String> {
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or("");
    let ok_language =
        (2..=3).contains(&language.len()) && language.chars().all(|c| c.is_ascii_lowercase());
    if !ok_language {
        return Some(
            "use a BCP 47 tag: a lowercase 2- or 3-letter language, e.g. en, zh-Hans, pt-BR".into(),
        );
    }
    let mut script = None;
    for (i, part) in parts.enumerate() {
        let is_script = part.len() == 4
            && part.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && part.chars().skip(1).all(|c| c.is_ascii_lowercase());
        let is_region = (part.len() == 2 && part.chars().all(|c| c.is_ascii_uppercase()))
            || (part.len() == 3 && part.chars().all(|c| c.is_ascii_digit()));
        if is_script && i == 0 {
            script = Some(part);
        } else if !is_region {
            return Some(format!(
                "`{part}` is neither a script (Hans, Hant: capitalised, 4 letters) nor a region (CN, TW, BR: 2 capitals); e.g. zh-Hans, pt-BR"
            ));
        }
    }
    if language == "zh" && script.is_none() {
        return Some(
            "for Chinese, name the script: zh-Hans (Simplified) or zh-Hant (Traditional)".into(),
        );
    }
    None
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

/// `[images]` checked; an error names the key.
fn resolve_images(
    raw: RawImages,
    cache_dir: PathBuf,
) -> std::result::Result<ImageSettings, (&'static str, String)> {
    let mut s = ImageSettings {
        cache_dir,
        ..ImageSettings::default()
    };
    if let Some(mut widths) = raw.widths {
        widths.sort_unstable();
        widths.dedup();
        if widths.is_empty() || widths.iter().any(|&w| !(16..=8192).contains(&w)) {
            let msg = "widths must list image widths between 16 and 8192 pixels";
            return Err(("widths", msg.into()));
        }
        s.widths = widths;
    }
    if let Some(q) = raw.quality {
        if !(1..=100).contains(&q) {
            return Err(("quality", "quality must be between 1 and 100".into()));
        }
        s.quality = q;
    }
    s.webp = raw.webp.unwrap_or(s.webp);
    if let Some(colour) = raw.background {
        let parsed = parse_colour(&colour).ok_or_else(|| {
            let msg = format!("background = \"{colour}\" is not a colour; write it as \"#rrggbb\", e.g. \"#ffffff\"");
            ("background", msg)
        })?;
        s.background = Some(parsed);
    }
    let positive = |key: &'static str, value: Option<u64>, default: u64| match value {
        Some(0) => Err((key, format!("{key} must be at least 1"))),
        Some(v) => Ok(v),
        None => Ok(default),
    };
    s.max_file_mb = positive("max_file_mb", raw.max_file_mb, s.max_file_mb)?;
    s.max_megapixels = positive("max_megapixels", raw.max_megapixels, s.max_megapixels)?;
    s.memory_mb = positive("memory_mb", raw.memory_mb, s.memory_mb)?;
    Ok(s)
}

/// `#rrggbb` or `#rgb`.
fn parse_colour(text: &str) -> Option<[u8; 3]> {
    let hex = text.trim().strip_prefix('#')?;
    let digit = |i: usize, len: usize| u8::from_str_radix(hex.get(i..i + len)?, 16).ok();
    match hex.len() {
        6 => Some([digit(0, 2)?, digit(2, 2)?, digit(4, 2)?]),
        3 => Some([digit(0, 1)? * 17, digit(1, 1)? * 17, digit(2, 1)? * 17]),
        _ => None,
    }
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
    fn image_settings_are_checked_and_resolved() {
        let base = "title = \"T\"\nbase_url = \"https://a.org/\"\n";
        let c = resolve(
            &format!("{base}cache_dir = \"cache\"\n[images]\nwebp = false\nbackground = \"#fa0\"\nmemory_mb = 64\n"),
            &Overrides::default(),
        )
        .unwrap();
        assert!(!c.images.webp);
        assert_eq!(c.images.background, Some([255, 170, 0]));
        assert_eq!(c.images.memory_mb, 64);
        assert_eq!(c.images.cache_dir, PathBuf::from("/site/cache"));
        let d = resolve(base, &Overrides::default()).unwrap();
        assert_eq!(d.images.cache_dir, PathBuf::from("/site/.sesh-cache"));
        let err = resolve(
            &format!("{base}[images]\nbackground = \"white\"\n"),
            &Overrides::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("sesh.toml:4: `images.background`"), "{err}");
        let err = resolve(
            &format!("{base}[images]\nmax_file_mb = 0\n"),
            &Overrides::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("max_file_mb must be at least 1"), "{err}");
    }

    #[test]
    fn languages_are_bcp47_default_first_and_language_still_works() {
        let base = "title = \"T\"\nbase_url = \"https://a.org/\"\n";
        let c = resolve(
            &format!("{base}languages = [\"en\", \"zh-Hans\"]\n"),
            &Overrides::default(),
        )
        .unwrap();
        assert_eq!(c.language, "en");
        assert_eq!(c.languages, ["en", "zh-Hans"]);
        assert_eq!(c.lang_prefix("zh-Hans"), "zh-Hans/");
        assert_eq!(c.lang_prefix("en"), "");
        let c = resolve(
            &format!("{base}language = \"zh-Hans\"\n"),
            &Overrides::default(),
        )
        .unwrap();
        assert_eq!(c.languages, ["zh-Hans"]);
        for (bad, why) in [
            ("languages = [\"en\", \"zh-CN\"]", "zh-Hans (Simplified)"),
            ("languages = [\"EN\"]", "lowercase"),
            ("languages = [\"en\", \"en\"]", "listed twice"),
            ("languages = []", "empty"),
            (
                "language = \"zh-Hans\"\nlanguages = [\"en\", \"zh-Hans\"]",
                "not the first",
            ),
            (
                "languages = [\"en\"]\n[translations.fr]\ntitle = \"x\"",
                "not one of the site's languages",
            ),
        ] {
            let err = resolve(&format!("{base}{bad}\n"), &Overrides::default())
                .unwrap_err()
                .to_string();
            assert!(err.contains(why), "{bad}: {err}");
        }
        for good in ["en", "zh-Hans", "zh-Hant-TW", "pt-BR", "es-419", "fil"] {
            assert_eq!(bcp47_problem(good), None, "{good}");
        }
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
