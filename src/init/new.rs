//! `sesh new contest NAME` and `sesh new entry CONTEST NAME`: a ready folder to fill in, in an
//! existing archive. A new entry is never published as written: its `[consent]` table says
//! `publish = false`, with a comment on every consent field, until the organiser records the
//! creator's consent. Nothing that exists is overwritten.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

const ENTRY: &str = include_str!("entry.md");

/// Creates `content/contests/<name>/_index.md`; returns the file written.
pub fn contest(root: &Path, name: &str, title: Option<&str>) -> Result<PathBuf> {
    check_name(name, "contest")?;
    let contests = content(root)?.join("contests");
    let folder = contests.join(name);
    refuse_existing(&folder)?;
    let title = title.map_or_else(|| readable(name), str::to_string);
    let text = super::CONTEST.replacen(
        "title = \"An example contest\"",
        &format!("title = {}", super::toml_string(&title)),
        1,
    );
    write(&folder.join("_index.md"), &text)
}

/// Creates `content/contests/<contest>/<name>/index.md`, unpublished until its consent is
/// recorded; returns the file written.
pub fn entry(root: &Path, contest: &str, name: &str, title: Option<&str>) -> Result<PathBuf> {
    check_name(name, "entry")?;
    let contest_dir = content(root)?.join("contests").join(contest);
    if contest.contains(['/', '\\']) || !contest_dir.join("_index.md").is_file() {
        bail!(
            "there is no contest `{contest}` (no file {})\n  hint: create it first with: sesh new contest {contest}",
            contest_dir.join("_index.md").display()
        );
    }
    let folder = contest_dir.join(name);
    refuse_existing(&folder)?;
    let title = title.map_or_else(|| readable(name), str::to_string);
    let text = ENTRY.replacen("__TITLE__", &super::toml_string(&title), 1);
    write(&folder.join("index.md"), &text)
}

/// The site's `content/` folder (the site must have a `sesh.toml`).
fn content(root: &Path) -> Result<PathBuf> {
    if !root.join("sesh.toml").is_file() {
        bail!(
            "`{}` is not an archive: it has no sesh.toml\n  hint: run this in the archive's folder, or pass --root; sesh init creates a new archive",
            root.display()
        );
    }
    Ok(root.join("content"))
}

/// A folder name is its URL slug: lowercase letters (of any script), digits, `-` and `_`.
fn check_name(name: &str, what: &str) -> Result<()> {
    let slug = crate::slug::slugify(name);
    if name.is_empty() || slug != name || crate::slug::is_ignored_name(name) {
        let hint = match slug.is_empty() {
            true => "use lowercase letters, digits and -, e.g. testing-together".to_string(),
            false => format!("use `{slug}`: the name is the folder and the page's address"),
        };
        bail!("`{name}` cannot name an {what} folder\n  hint: {hint}");
    }
    Ok(())
}

fn refuse_existing(folder: &Path) -> Result<()> {
    if folder.exists() {
        bail!(
            "`{}` already exists; nothing was written\n  hint: choose another name, or edit the files in that folder",
            folder.display()
        );
    }
    Ok(())
}

fn write(file: &Path, text: &str) -> Result<PathBuf> {
    let parent = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .with_context(|| format!("cannot create `{}`", parent.display()))?;
    std::fs::write(file, text).with_context(|| format!("cannot write `{}`", file.display()))?;
    Ok(file.to_path_buf())
}

/// `testing-together` → `Testing together`, a title to replace.
fn readable(name: &str) -> String {
    let text = name.replace(['-', '_'], " ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_clean_slugs_and_titles_valid_toml() {
        for good in ["testing-together", "entry_2016", "检测故事"] {
            assert!(check_name(good, "entry").is_ok(), "{good}");
        }
        for bad in ["", "Testing Together", "../x", "a/b", ".hidden", "x~", "-"] {
            assert!(check_name(bad, "entry").is_err(), "{bad:?}");
        }
        let err = check_name("Testing Together", "entry").unwrap_err();
        assert!(err.to_string().contains("use `testing-together`"), "{err}");
        assert_eq!(readable("testing-together"), "Testing together");
        let text = ENTRY.replacen("__TITLE__", &crate::init::toml_string("A \"q\""), 1);
        let front = text.split("+++").nth(1).unwrap();
        let table: toml::Table = toml::from_str(front).unwrap();
        assert_eq!(table["title"].as_str(), Some("A \"q\""));
        assert_eq!(table["consent"]["publish"].as_bool(), Some(false));
    }
}
