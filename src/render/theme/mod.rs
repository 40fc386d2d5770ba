//! The theme: templates, static files and string tables, found in layers.
//!
//! Highest first: the site's own `templates/`, `static/` and `i18n/`; then the active theme
//! (`themes/<theme>/`); then the default theme (`themes/default/` when the site has it, else the
//! copy built into sesh). A file in a higher layer replaces the file of the same name below it,
//! so a site overrides one template or one string without copying the rest.
//!
//! Templates keep their real path as their Tera name (`themes/default/templates/entry.html`), so
//! errors point at the file; Tera's fallback prefixes make `{% extends "base.html" %}` find the
//! highest layer's `base.html`.

use crate::config::Config;
use anyhow::{Context, Result, anyhow, bail};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use tera::Tera;

pub mod fork;
pub mod layers;

use layers::Layer;
pub use layers::{ThemeInfo, embedded_files};

/// Where a theme file's bytes come from.
#[derive(Debug, Clone)]
pub enum Source {
    Disk(PathBuf),
    Embedded(&'static [u8]),
}

impl Source {
    pub fn read(&self) -> Result<Vec<u8>> {
        match self {
            Source::Disk(path) => {
                std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))
            }
            Source::Embedded(bytes) => Ok(bytes.to_vec()),
        }
    }
}

/// String tables: language → key → text.
pub type Strings = HashMap<String, HashMap<String, String>>;

/// A loaded theme, ready to render.
pub struct Theme {
    pub tera: Tera,
    pub strings: Arc<Strings>,
    /// Output path (inside `static/`, without it) → source, highest layer winning.
    pub statics: BTreeMap<String, Source>,
    /// Changes whenever any template, string or static file of any layer changes.
    pub fingerprint: u64,
    /// `[extra]` for templates: theme defaults overridden by `sesh.toml`.
    pub extra: toml::Table,
}

impl Theme {
    pub fn load(config: &Config) -> Result<Theme> {
        let chain = layers::chain(&config.root, &config.theme)?;
        let layers = layers::layers(&config.root, &chain);
        let extra = layers::merged_extra(&chain, &config.extra);
        let mut statics = BTreeMap::new();
        let mut strings: Strings = HashMap::new();
        // Lowest layer first, so higher layers overwrite.
        for layer in layers.iter().rev() {
            for (path, source) in &layer.files {
                if let Some(rel) = path.strip_prefix("static/") {
                    statics.insert(rel.to_string(), source.clone());
                } else if let Some(file) = path.strip_prefix("i18n/") {
                    let lang = file.trim_end_matches(".toml");
                    let table = read_strings(&layer.prefix, path, source)?;
                    strings.entry(lang.to_string()).or_default().extend(table);
                }
            }
        }
        for lang in &config.languages {
            if !strings.contains_key(lang) {
                bail!(
                    "no strings for the language `{lang}`: add i18n/{lang}.toml to the site (copy themes/default/i18n/en.toml and translate it)"
                );
            }
        }
        let strings = Arc::new(strings);
        let tera = templates(&layers, config, &strings, &statics)?;
        let mut hasher = blake3::Hasher::new();
        for layer in &layers {
            for (path, source) in &layer.files {
                hasher.update(layer.prefix.as_bytes());
                hasher.update(path.as_bytes());
                hasher.update(&source.read()?);
            }
        }
        let digest = hasher.finalize();
        let fingerprint = u64::from_le_bytes(digest.as_bytes()[..8].try_into().unwrap_or_default());
        Ok(Theme {
            tera,
            strings,
            statics,
            fingerprint,
            extra,
        })
    }

    /// UI string keys some of `languages` have and `lang` lacks, sorted.
    pub fn missing_strings(&self, languages: &[String], lang: &str) -> Vec<String> {
        let empty = HashMap::new();
        let own = self.strings.get(lang).unwrap_or(&empty);
        let mut keys: Vec<String> = languages
            .iter()
            .filter_map(|l| self.strings.get(l))
            .flat_map(|t| t.keys())
            .filter(|k| !own.contains_key(*k) && !plural_form_elsewhere(own, k))
            .filter(|k| !k.starts_with(super::functions::COUNTRY))
            .cloned()
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    /// Looks up a UI string.
    pub fn text(&self, lang: &str, key: &str) -> Result<String> {
        lookup(&self.strings, lang, key).map_err(|e| anyhow!(e))
    }
}

/// `count.entries.one` is optional where the language has `count.entries.other` (Chinese has
/// one plural form).
fn plural_form_elsewhere(table: &HashMap<String, String>, key: &str) -> bool {
    key.strip_suffix(".one")
        .is_some_and(|stem| table.contains_key(&format!("{stem}.other")))
}

fn read_strings(prefix: &str, path: &str, source: &Source) -> Result<HashMap<String, String>> {
    let shown = format!("{}{path}", if prefix == "templates/" { "" } else { prefix });
    let bytes = source.read()?;
    let text = String::from_utf8(bytes).with_context(|| format!("`{shown}` is not UTF-8 text"))?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|s| crate::report::line_of(&text, s.start))
            .unwrap_or(1);
        anyhow!("{shown}:{line}: {}", e.message().trim())
    })?;
    let mut out = HashMap::new();
    flatten("", &table, &mut out);
    Ok(out)
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (key, value) in table {
        let key = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(t) => flatten(&key, t, out),
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            other => {
                out.insert(key, other.to_string());
            }
        }
    }
}

pub fn lookup(strings: &Strings, lang: &str, key: &str) -> Result<String, String> {
    strings
        .get(lang)
        .and_then(|table| table.get(key))
        .cloned()
        .ok_or_else(|| {
            format!("missing string `{key}` for language `{lang}`: add it to i18n/{lang}.toml")
        })
}

fn templates(
    layers: &[Layer],
    config: &Config,
    strings: &Arc<Strings>,
    statics: &BTreeMap<String, Source>,
) -> Result<Tera> {
    let mut tera = Tera::new();
    let prefixes: Vec<String> = layers.iter().map(template_prefix).collect();
    tera.set_fallback_prefixes(prefixes)?;
    tera.autoescape_on(vec![".html", ".xml"]);
    super::functions::register(&mut tera, config, strings.clone(), statics)?;
    let mut sources = Vec::new();
    let mut seen = HashSet::new();
    for layer in layers {
        for (path, source) in &layer.files {
            if let Some(rel) = path.strip_prefix("templates/") {
                let name = format!("{}{rel}", template_prefix(layer));
                if seen.insert(name.clone()) {
                    let text = String::from_utf8(source.read()?)
                        .with_context(|| format!("template `{name}` is not UTF-8 text"))?;
                    sources.push((name, text));
                }
            }
        }
    }
    tera.add_raw_templates(sources).map_err(|e| {
        anyhow!(
            "template error (theme layers: {}):\n{e}",
            layers
                .iter()
                .map(|l| l.prefix.as_str())
                .collect::<Vec<_>>()
                .join(" > ")
        )
    })?;
    Ok(tera)
}

/// Tera name prefix of a layer's templates: `templates/` or `themes/<name>/templates/`.
fn template_prefix(layer: &Layer) -> String {
    if layer.prefix == "templates/" {
        layer.prefix.clone()
    } else {
        format!("{}templates/", layer.prefix)
    }
}
