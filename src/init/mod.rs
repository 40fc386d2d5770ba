//! `sesh init`: scaffolds a new archive that builds, checks and publishes to GitHub Pages as it
//! is. It never overwrites a file: if any of the files it would write exists, it writes nothing.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

const WORKFLOW: &str = include_str!("workflow.yml");
const CONSENTED: &str = include_str!("consented.md");
const RESTRICTED: &str = include_str!("restricted.md");

/// Creates a new archive in `dir`; returns the files written.
pub fn init(dir: &Path, title: &str, base_url: &str) -> Result<Vec<PathBuf>> {
    crate::config::parse(&sesh_toml(title, base_url))
        .context("the title or base URL given cannot be written to sesh.toml")?;
    let files = files(title, base_url);
    let existing: Vec<String> = files
        .iter()
        .filter(|(path, _)| dir.join(path).exists())
        .map(|(path, _)| path.to_string())
        .collect();
    if !existing.is_empty() {
        bail!(
            "`{}` already has {}; nothing was written\n  hint: run sesh init in an empty folder, or move those files away",
            dir.display(),
            existing.join(", ")
        );
    }
    let mut written = Vec::new();
    for (path, text) in files {
        let file = dir.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create `{}`", parent.display()))?;
        }
        std::fs::write(&file, text)
            .with_context(|| format!("cannot write `{}`", file.display()))?;
        written.push(file);
    }
    Ok(written)
}

fn files(title: &str, base_url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("sesh.toml", sesh_toml(title, base_url)),
        (".gitignore", "/public\n/.sesh-cache\n".to_string()),
        (".github/workflows/pages.yml", WORKFLOW.to_string()),
        ("content/_index.md", home(title)),
        ("content/framework.md", FRAMEWORK.to_string()),
        (
            "content/contests/example-contest/_index.md",
            CONTEST.to_string(),
        ),
        (
            "content/contests/example-contest/consented-entry/index.md",
            CONSENTED.to_string(),
        ),
        (
            "content/contests/example-contest/restricted-entry/index.md",
            RESTRICTED.to_string(),
        ),
    ]
}

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

fn sesh_toml(title: &str, base_url: &str) -> String {
    format!(
        "# The archive's settings. See the sesh README for every key.\ntitle = {}\ndescription = \"An open-access archive of crowdsourcing contest outputs, published with their creators' consent.\"\n# The address where the site is published. The GitHub Pages workflow passes its own with --base-url.\nbase_url = {}\nlanguage = \"en\"\ntheme = \"default\"\nlicense = \"CC-BY-4.0\"\n",
        toml_string(title),
        toml_string(base_url)
    )
}

fn home(title: &str) -> String {
    format!(
        "+++\ntitle = {}\n+++\n\nWelcome to the archive. Each contest below shares the entries whose creators consented to\npublication.\n",
        toml_string(title)
    )
}

const FRAMEWORK: &str = "+++\ntitle = \"Framework\"\ndescription = \"The framework the contests contribute to.\"\n+++\n\nDescribe your framework here. Each level-2 heading is a section; entries list the ids of the\nsections they illustrate (`framework = [\"needs\"]`).\n\n## Identifying unmet needs {#needs}\n\nWhose needs are not met, and who says so?\n";

const CONTEST: &str = "+++\ntitle = \"An example contest\"\nsummary = \"One sentence about what the contest asked for.\"\nstart = 2026-01-01\nend = 2026-03-31\norganisers = [\"Your organisation\"]\npurpose = \"Why the contest was run.\"\naudience = \"Who it was for.\"\n+++\n\nDescribe the contest here: the call, the judging, what happened to the winning ideas.\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_written_as_valid_toml() {
        let text = sesh_toml("Archive \"quoted\" \\ title", "https://a.org/");
        let raw = crate::config::parse(&text).unwrap();
        assert_eq!(raw.title, "Archive \"quoted\" \\ title");
    }
}
