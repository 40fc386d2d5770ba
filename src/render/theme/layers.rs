//! Which folders a site's look comes from, highest first: the site's own `templates/`,
//! `static/` and `i18n/`; the active theme; the theme it `extends` (declared in its
//! `theme.toml`), and so on; finally the default theme (`themes/default/` when the site has one,
//! else the copy built into sesh). Chains may be long; a loop is an error.

use super::Source;
use crate::report::{Problem, line_of};
use crate::slug::is_ignored_name;
use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::path::{Path, PathBuf};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));
}

/// The default theme as built into the binary: (path inside the theme, bytes).
pub fn embedded_files() -> &'static [(&'static str, &'static [u8])] {
    embedded::FILES
}

/// `themes/<name>/theme.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub name: Option<String>,
    pub description: Option<String>,
    pub license: Option<String>,
    pub author: Option<String>,
    pub homepage: Option<String>,
    /// The theme this one builds on; files it does not have come from there.
    pub extends: Option<String>,
    /// Defaults for the site's `[extra]` table.
    #[serde(default)]
    pub extra: toml::Table,
}

/// A theme in a chain.
#[derive(Debug, Clone)]
pub struct ThemeInfo {
    pub name: String,
    /// `None` for the built-in default theme.
    pub dir: Option<PathBuf>,
    pub manifest: Manifest,
}

impl ThemeInfo {
    /// `default (built in)` or the name.
    pub fn label(&self) -> String {
        match self.dir {
            Some(_) => self.name.clone(),
            None => format!("{} (built in)", self.name),
        }
    }
}

/// One layer: a label for messages and Tera names, and its files.
#[derive(Debug)]
pub struct Layer {
    /// `templates/` for the site, `themes/<name>/` for a theme.
    pub prefix: String,
    pub embedded: bool,
    /// Path inside the layer (`templates/base.html`, `static/css/sesh.css`, `i18n/en.toml`).
    pub files: Vec<(String, Source)>,
}

/// The themes `active` is made of, from `active` down to the default theme.
pub fn chain(root: &Path, active: &str) -> Result<Vec<ThemeInfo>> {
    let themes = root.join("themes");
    let mut chain: Vec<ThemeInfo> = Vec::new();
    let mut next = Some(active.to_string());
    while let Some(name) = next {
        if chain.iter().any(|t| t.name == name) {
            let path: Vec<&str> = chain.iter().map(|t| t.name.as_str()).collect();
            bail!(
                "themes extend each other in a loop: {} → {name}\n  hint: remove or change `extends` in one of their theme.toml files",
                path.join(" → ")
            );
        }
        let info = find(&themes, &name).with_context(|| match chain.last() {
            Some(child) => format!("theme `{}` extends `{name}`", child.name),
            None => format!("sesh.toml sets theme = \"{name}\""),
        })?;
        next = info.manifest.extends.clone();
        chain.push(info);
    }
    if !chain.iter().any(|t| t.name == "default") {
        chain.push(find(&themes, "default")?);
    }
    Ok(chain)
}

/// A theme by name: its folder in `themes/`, or the built-in default.
fn find(themes: &Path, name: &str) -> Result<ThemeInfo> {
    let dir = themes.join(name);
    if !is_ignored_name(name) && !name.contains(['/', '\\']) && dir.is_dir() {
        let manifest = read_manifest(&dir.join("theme.toml"), name)?;
        return Ok(ThemeInfo {
            name: name.to_string(),
            dir: Some(dir),
            manifest,
        });
    }
    if name == "default" {
        return Ok(ThemeInfo {
            name: name.to_string(),
            dir: None,
            manifest: embedded_manifest()?,
        });
    }
    bail!(
        "theme `{name}` not found: there is no folder themes/{name}/\n  hint: available themes: {}; set theme = \"…\" in sesh.toml",
        available(themes).join(", ")
    )
}

fn read_manifest(path: &Path, name: &str) -> Result<Manifest> {
    if !path.is_file() {
        return Ok(Manifest {
            name: Some(name.to_string()),
            ..Manifest::default()
        });
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    parse_manifest(&text, &format!("themes/{name}/theme.toml"))
}

fn parse_manifest(text: &str, shown: &str) -> Result<Manifest> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        anyhow::Error::new(
            Problem::error(shown, e.message().trim().to_string())
                .at_line(line)
                .hint("theme.toml keys: name, description, license, author, homepage, extends, [extra]"),
        )
    })
}

fn embedded_manifest() -> Result<Manifest> {
    let bytes = embedded_files()
        .iter()
        .find(|(path, _)| *path == "theme.toml")
        .map(|(_, bytes)| *bytes)
        .unwrap_or_default();
    parse_manifest(
        &String::from_utf8_lossy(bytes),
        "themes/default/theme.toml (built in)",
    )
}

/// Every theme a site can use: its `themes/` folders, and the built-in default.
pub fn available(themes: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(themes)
        .map(|items| {
            items
                .flatten()
                .filter(|i| i.path().is_dir())
                .map(|i| i.file_name().to_string_lossy().into_owned())
                .filter(|n| !is_ignored_name(n))
                .collect()
        })
        .unwrap_or_default();
    if !names.iter().any(|n| n == "default") {
        names.push("default (built in)".into());
    }
    names.sort();
    names
}

/// The layers of a site using `chain`, highest first.
pub fn layers(root: &Path, chain: &[ThemeInfo]) -> Vec<Layer> {
    let mut layers = vec![Layer {
        prefix: "templates/".into(),
        embedded: false,
        files: ["templates", "static", "i18n"]
            .iter()
            .flat_map(|dir| disk_files(root, dir))
            .collect(),
    }];
    for theme in chain {
        layers.push(match &theme.dir {
            Some(dir) => Layer {
                prefix: format!("themes/{}/", theme.name),
                embedded: false,
                files: ["templates", "static", "i18n"]
                    .iter()
                    .flat_map(|sub| disk_files(dir, sub))
                    .collect(),
            },
            None => Layer {
                prefix: "themes/default/".into(),
                embedded: true,
                files: embedded_files()
                    .iter()
                    .filter(|(path, _)| *path != "theme.toml" && *path != "README.md")
                    .map(|(path, bytes)| ((*path).to_string(), Source::Embedded(bytes)))
                    .collect(),
            },
        });
    }
    layers
}

/// Files under `<base>/<sub>`, as (`<sub>/…`, source), sorted.
fn disk_files(base: &Path, sub: &str) -> Vec<(String, Source)> {
    let dir = base.join(sub);
    walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()))
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = crate::report::display_path(base, e.path());
            (rel, Source::Disk(e.path().to_path_buf()))
        })
        .collect()
}

/// `[extra]` as templates see it: the lowest theme's defaults, overridden by each theme above
/// it, then by the site's `sesh.toml` (tables merge key by key).
pub fn merged_extra(chain: &[ThemeInfo], site: &toml::Table) -> toml::Table {
    let mut extra = toml::Table::new();
    for theme in chain.iter().rev() {
        merge(&mut extra, &theme.manifest.extra);
    }
    merge(&mut extra, site);
    extra
}

fn merge(into: &mut toml::Table, from: &toml::Table) {
    for (key, value) in from {
        match (into.get_mut(key), value) {
            (Some(toml::Value::Table(a)), toml::Value::Table(b)) => merge(a, b),
            _ => {
                into.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_with(themes: &[(&str, &str)]) -> tempfile_like::Dir {
        let dir = tempfile_like::Dir::new();
        for (name, manifest) in themes {
            std::fs::create_dir_all(dir.0.join("themes").join(name)).unwrap();
            std::fs::write(dir.0.join("themes").join(name).join("theme.toml"), manifest).unwrap();
        }
        dir
    }

    mod tempfile_like {
        pub struct Dir(pub std::path::PathBuf);
        impl Dir {
            pub fn new() -> Dir {
                let n = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos();
                let p =
                    std::env::temp_dir().join(format!("sesh-layers-{}-{n}", std::process::id()));
                std::fs::create_dir_all(&p).unwrap();
                Dir(p)
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    fn names(chain: &[ThemeInfo]) -> Vec<String> {
        chain.iter().map(ThemeInfo::label).collect()
    }

    #[test]
    fn chains_follow_extends_down_to_the_default() {
        let site = site_with(&[
            ("partner", "extends = \"regional\""),
            ("regional", "extends = \"default\""),
        ]);
        let chain = chain(&site.0, "partner").unwrap();
        assert_eq!(names(&chain), ["partner", "regional", "default (built in)"]);
        let chain = chain_of(&site.0, "default");
        assert_eq!(names(&chain), ["default (built in)"]);
    }

    fn chain_of(root: &Path, name: &str) -> Vec<ThemeInfo> {
        chain(root, name).unwrap()
    }

    #[test]
    fn loops_and_missing_parents_are_errors() {
        let site = site_with(&[("a", "extends = \"b\""), ("b", "extends = \"a\"")]);
        let err = format!("{:#}", chain(&site.0, "a").unwrap_err());
        assert!(err.contains("loop: a → b → a"), "{err}");
        let site = site_with(&[("a", "extends = \"ghost\"")]);
        let err = format!("{:#}", chain(&site.0, "a").unwrap_err());
        assert!(
            err.contains("theme `a` extends `ghost`")
                && err.contains("available themes: a, default (built in)"),
            "{err}"
        );
        let site = site_with(&[("a", "extnds = \"b\"")]);
        let err = format!("{:#}", chain(&site.0, "a").unwrap_err());
        assert!(
            err.contains("themes/a/theme.toml:1") && err.contains("unknown field `extnds`"),
            "{err}"
        );
    }

    #[test]
    fn extra_merges_theme_defaults_under_the_site() {
        let site = site_with(&[(
            "partner",
            "extends = \"default\"\n[extra]\nfooter_text = \"Partner\"\n[extra.colors]\naccent = \"#5b2a86\"\n",
        )]);
        let chain = chain(&site.0, "partner").unwrap();
        let site_extra: toml::Table =
            toml::from_str("logo = \"img/x.svg\"\n[colors]\nlink = \"#123456\"\n").unwrap();
        let extra = merged_extra(&chain, &site_extra);
        assert_eq!(extra["footer_text"].as_str(), Some("Partner"));
        assert_eq!(extra["logo"].as_str(), Some("img/x.svg"));
        assert_eq!(extra["colors"]["accent"].as_str(), Some("#5b2a86"));
        assert_eq!(extra["colors"]["link"].as_str(), Some("#123456"));
        assert!(
            extra.contains_key("partners"),
            "defaults of the default theme"
        );
    }
}
