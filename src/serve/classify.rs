//! Which part of a site a changed file belongs to, and so what a rebuild must redo. Pure: a
//! path in, a [`Change`] out; [`Plan`] merges the changes of one debounced burst.

use crate::config::CONFIG_FILE;
use crate::slug::is_ignored_name;
use std::collections::BTreeSet;
use std::path::{Component, Path};

/// What one changed path means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Editor swap files, backups, the output or cache folders: nothing to do.
    Ignore,
    /// `sesh.toml`: reload everything.
    Config,
    /// The contest folder `content/contests/<folder>`, or a file directly in it.
    Contest(String),
    /// Something inside an entry folder `content/contests/<contest>/<entry>/`.
    Entry(String, String),
    /// Any other file under `content/`.
    Content,
    /// A template or string table (site or theme).
    Templates,
    /// A static file; `css` when it is a stylesheet.
    Static { css: bool },
}

/// Classifies `path` (absolute) within the site `root`.
pub fn classify(root: &Path, path: &Path) -> Change {
    let Ok(rel) = path.strip_prefix(root) else {
        return Change::Ignore;
    };
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if parts.is_empty() || parts.iter().any(|p| is_ignored_name(p)) {
        return Change::Ignore;
    }
    let css = parts.last().is_some_and(|p| p.ends_with(".css"));
    match parts
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [name] if *name == CONFIG_FILE => Change::Config,
        ["content", "contests", contest, entry, _, ..] => {
            Change::Entry((*contest).to_string(), (*entry).to_string())
        }
        ["content", "contests", contest, entry] if !entry.contains('.') => {
            Change::Entry((*contest).to_string(), (*entry).to_string())
        }
        ["content", "contests", folder, ..] => Change::Contest((*folder).to_string()),
        ["content", ..] => Change::Content,
        ["templates" | "i18n", ..] => Change::Templates,
        ["static", ..] => Change::Static { css },
        ["themes", _, "static", ..] => Change::Static { css },
        ["themes", ..] => Change::Templates,
        _ => Change::Ignore,
    }
}

/// What one rebuild must do, merged from a burst of changes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Plan {
    pub config: bool,
    pub content: bool,
    pub contests: BTreeSet<String>,
    /// (contest folder, entry folder)
    pub entries: BTreeSet<(String, String)>,
    pub theme: bool,
    /// Only stylesheets changed: pages can restyle without reloading.
    pub css_only: bool,
    /// The changed paths, for the terminal line.
    pub paths: Vec<String>,
}

impl Plan {
    pub fn from_paths<'a>(root: &Path, paths: impl IntoIterator<Item = &'a Path>) -> Plan {
        let mut plan = Plan {
            css_only: true,
            ..Plan::default()
        };
        for path in paths {
            let change = classify(root, path);
            if change == Change::Ignore {
                continue;
            }
            let shown = crate::report::display_path(root, path);
            if !plan.paths.contains(&shown) {
                plan.paths.push(shown);
            }
            if change != (Change::Static { css: true }) {
                plan.css_only = false;
            }
            match change {
                Change::Config => plan.config = true,
                Change::Contest(folder) => {
                    plan.contests.insert(folder);
                }
                Change::Entry(contest, entry) => {
                    plan.entries.insert((contest, entry));
                }
                Change::Content => plan.content = true,
                Change::Templates | Change::Static { .. } => plan.theme = true,
                Change::Ignore => {}
            }
        }
        if plan.paths.is_empty() {
            plan.css_only = false;
        }
        plan
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn c(p: &str) -> Change {
        classify(Path::new("/site"), &PathBuf::from("/site").join(p))
    }

    #[test]
    fn paths_map_to_changes() {
        assert_eq!(c("sesh.toml"), Change::Config);
        let entry = Change::Entry("hiv".into(), "entry".into());
        assert_eq!(c("content/contests/hiv/entry/index.md"), entry);
        assert_eq!(c("content/contests/hiv/entry/poster.jpg"), entry);
        assert_eq!(c("content/contests/hiv/entry"), entry);
        assert_eq!(
            c("content/contests/hiv/_index.md"),
            Change::Contest("hiv".into())
        );
        assert_eq!(c("content/contests/hiv"), Change::Contest("hiv".into()));
        assert_eq!(c("content/about.md"), Change::Content);
        assert_eq!(c("content/contests"), Change::Content);
        assert_eq!(c("templates/entry.html"), Change::Templates);
        assert_eq!(c("i18n/en.toml"), Change::Templates);
        assert_eq!(c("themes/default/templates/base.html"), Change::Templates);
        assert_eq!(
            c("themes/default/static/css/sesh.css"),
            Change::Static { css: true }
        );
        assert_eq!(c("static/logo.png"), Change::Static { css: false });
    }

    #[test]
    fn editor_litter_output_and_cache_are_ignored() {
        for p in [
            "content/contests/hiv/entry/.index.md.swp",
            "content/contests/hiv/entry/index.md~",
            "content/contests/hiv/entry/#index.md#",
            "public/index.html",
            ".sesh-cache/serve/index.html",
            ".git/index",
            "README.md",
        ] {
            assert_eq!(c(p), Change::Ignore, "{p}");
        }
        assert_eq!(
            classify(Path::new("/site"), Path::new("/elsewhere/x")),
            Change::Ignore
        );
    }

    #[test]
    fn a_burst_merges_into_one_plan() {
        let root = Path::new("/site");
        let paths: Vec<PathBuf> = [
            "content/contests/a/e/index.md",
            "content/contests/a/e/.index.md.swp",
            "content/contests/a/e/index.md",
            "content/contests/b/_index.md",
        ]
        .iter()
        .map(|p| root.join(p))
        .collect();
        let plan = Plan::from_paths(root, paths.iter().map(PathBuf::as_path));
        assert_eq!(plan.contests.iter().collect::<Vec<_>>(), ["b"]);
        assert_eq!(
            plan.entries.iter().collect::<Vec<_>>(),
            [&("a".to_string(), "e".to_string())]
        );
        assert_eq!(plan.paths.len(), 2, "duplicates and swap files dropped");
        assert!(!plan.theme && !plan.config && !plan.css_only);
        let css = [root.join("static/css/sesh.css")];
        assert!(Plan::from_paths(root, css.iter().map(PathBuf::as_path)).css_only);
    }
}
