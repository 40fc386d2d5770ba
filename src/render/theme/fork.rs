//! `sesh theme fork` and `sesh theme list`.
//!
//! A fork is small by default: a `theme.toml` that `extends` its parent, a starter
//! `static/css/overrides.css` and a README. It keeps receiving the parent's fixes and contains only
//! what the partner changes. `--full` copies every file of the parent chain instead, for a theme
//! that wants to stand alone.

use super::layers::{self, ThemeInfo};
use crate::config::CONFIG_FILE;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// What `fork` created.
#[derive(Debug)]
pub struct Forked {
    pub files: Vec<PathBuf>,
}

/// Creates `themes/<name>/` from the theme `from`.
pub fn fork(root: &Path, name: &str, from: &str, full: bool) -> Result<Forked> {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && !name.starts_with(['-', '_']);
    if !valid {
        bail!(
            "`{name}` cannot name a theme\n  hint: use lowercase letters, digits and `-`, e.g. partner-blue"
        );
    }
    let dir = root.join("themes").join(name);
    if dir.exists() || name == "default" {
        bail!(
            "a theme named `{name}` already exists (themes/{name}/)\n  hint: choose another name"
        );
    }
    let chain = layers::chain(root, from)?;
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    files.push((
        PathBuf::from("theme.toml"),
        manifest(name, from, full).into_bytes(),
    ));
    if full {
        for (path, bytes) in effective_files(root, &chain)? {
            files.push((PathBuf::from(path), bytes));
        }
    }
    if !files
        .iter()
        .any(|(p, _)| p == Path::new("static/css/overrides.css"))
    {
        files.push((
            PathBuf::from("static/css/overrides.css"),
            OVERRIDES.as_bytes().to_vec(),
        ));
    }
    files.push((
        PathBuf::from("README.md"),
        readme(name, from, full).into_bytes(),
    ));
    let mut written = Vec::new();
    for (path, bytes) in files {
        let file = dir.join(&path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create `{}`", parent.display()))?;
        }
        std::fs::write(&file, bytes)
            .with_context(|| format!("cannot write `{}`", file.display()))?;
        written.push(file);
    }
    Ok(Forked { files: written })
}

/// Every file of the chain's layers (templates, static, i18n), the highest layer winning.
fn effective_files(root: &Path, chain: &[ThemeInfo]) -> Result<Vec<(String, Vec<u8>)>> {
    let mut seen = std::collections::BTreeMap::new();
    // Skip the site's own layer: a theme fork copies themes, not the site's overrides.
    for layer in layers::layers(root, chain).into_iter().skip(1) {
        for (path, source) in layer.files {
            if let std::collections::btree_map::Entry::Vacant(slot) = seen.entry(path) {
                slot.insert(source.read()?);
            }
        }
    }
    Ok(seen.into_iter().collect())
}

/// Points `sesh.toml` at `theme`, keeping the rest of the file as it is.
pub fn set_theme(root: &Path, theme: &str) -> Result<()> {
    let path = root.join(CONFIG_FILE);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    let line = format!("theme = {}", toml::Value::String(theme.to_string()));
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let first_table = lines
        .iter()
        .position(|l| l.trim_start().starts_with('['))
        .unwrap_or(lines.len());
    let existing = lines[..first_table].iter().position(|l| {
        l.trim_start()
            .strip_prefix("theme")
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    });
    match existing {
        Some(i) => lines[i] = line,
        None => lines.insert(first_table, line),
    }
    let mut out = lines.join("\n");
    out.push('\n');
    crate::config::parse(&out)
        .context("sesh.toml would not be valid after the change; not changed")?;
    std::fs::write(&path, out).with_context(|| format!("cannot write `{}`", path.display()))
}

/// (name, chain, description) of every theme the site can use.
pub fn list(root: &Path) -> Vec<(String, Result<Vec<String>>, String)> {
    layers::available(&root.join("themes"))
        .into_iter()
        .map(|label| {
            let name = label.trim_end_matches(" (built in)").to_string();
            let chain = layers::chain(root, &name);
            let description = chain
                .as_ref()
                .ok()
                .and_then(|c| c.first())
                .and_then(|t| t.manifest.description.clone())
                .unwrap_or_default();
            let labels = chain.map(|c| c.iter().map(ThemeInfo::label).collect());
            (name, labels, description)
        })
        .collect()
}

fn manifest(name: &str, from: &str, full: bool) -> String {
    let extends = if full {
        format!(
            "# A full copy of `{from}`: it no longer follows changes to it.\n# extends = \"{from}\"\n"
        )
    } else {
        format!("# Files this theme does not have come from `{from}`.\nextends = \"{from}\"\n")
    };
    format!(
        "name = \"{name}\"\ndescription = \"A theme for … (describe it)\"\nlicense = \"CC-BY-4.0\"\nauthor = \"Your organisation\"\n{extends}\n# Defaults the site's sesh.toml [extra] can override.\n[extra]\n# logo = \"img/logo.svg\"        # a file in this theme's static/ folder\n# logo_alt = \"Organisation name\"\n# footer_text = \"A line for the footer\"\n# partners = [{{ name = \"Partner\", url = \"https://example.org\" }}]\n\n[extra.colors]\n# accent = \"#5b2a86\"\n# link = \"#5b2a86\"\n"
    )
}

const OVERRIDES: &str = "/* Loaded after the default stylesheet: restyle here. The default theme's colours are CSS\n   custom properties (see its static/css/sesh.css), so most changes are one line each. */\n\n:root {\n  /* --accent: #5b2a86; */\n  /* --link: #5b2a86; */\n}\n";

fn readme(name: &str, from: &str, full: bool) -> String {
    let how = if full {
        format!("It is a full copy of `{from}`: edit any file.")
    } else {
        format!(
            "It extends `{from}`: every template, stylesheet and string it does not have comes from\n`{from}`, so it keeps receiving that theme's fixes. To change a template, copy it from\n`themes/{from}/templates/` (or, for the built-in default, from the sesh repository) into\n`templates/` here and edit the copy; to change one block only, write a template that\n`{{% extends \"themes/{from}/templates/<name>.html\" %}}` and overrides that block."
        )
    };
    format!(
        "# Theme `{name}`\n\n{how}\n\n- `theme.toml`: name, description, license, author, `extends`, and `[extra]` defaults\n  (logo, footer text, partners, colours) that a site's `sesh.toml` can override.\n- `static/css/overrides.css`: loaded after the default stylesheet.\n- `templates/`, `static/`, `i18n/`: files that replace those of the parent theme.\n\nUse it: set `theme = \"{name}\"` in `sesh.toml`. The theme author's guide is `docs/themes.md`\nin the sesh repository.\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_theme_replaces_or_inserts_the_top_level_key() {
        let dir = std::env::temp_dir().join(format!("sesh-fork-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let write = |t: &str| std::fs::write(dir.join(CONFIG_FILE), t).unwrap();
        let read = || std::fs::read_to_string(dir.join(CONFIG_FILE)).unwrap();
        write(
            "# comment\ntitle = \"T\"\nbase_url = \"https://a.org/\"\ntheme = \"default\"\n\n[extra]\ntheme = \"kept\"\n",
        );
        set_theme(&dir, "partner").unwrap();
        assert_eq!(
            read(),
            "# comment\ntitle = \"T\"\nbase_url = \"https://a.org/\"\ntheme = \"partner\"\n\n[extra]\ntheme = \"kept\"\n"
        );
        write("title = \"T\"\nbase_url = \"https://a.org/\"\n[images]\nquality = 80\n");
        set_theme(&dir, "partner").unwrap();
        assert_eq!(
            read(),
            "title = \"T\"\nbase_url = \"https://a.org/\"\ntheme = \"partner\"\n[images]\nquality = 80\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
