//! `sesh init`: scaffolds a new archive that builds, checks and publishes to GitHub Pages as it
//! is. It never overwrites a file: if any of the files it would write exists, it writes nothing.
//!
//! The sources of an archive (consent records, `[private]` tables, unpublished entries, original
//! media) must not be public, and GitHub's Free plans serve Pages only from public repositories.
//! So the default workflow ([`Deploy::SiteRepo`]) builds in the private source repository and
//! pushes only the built site to a separate public one; [`Deploy::SameRepo`] serves Pages from
//! the (private) source repository itself, for plans that allow it.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

pub mod new;

const SITE_REPO_WORKFLOW: &str = include_str!("site-repo.yml");
const SAME_REPO_WORKFLOW: &str = include_str!("same-repo.yml");
const CONSENTED: &str = include_str!("consented.md");
const RESTRICTED: &str = include_str!("restricted.md");

/// How the archive is published on GitHub Pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Deploy {
    /// Sources in a private repository; the built site pushed to a public site repository.
    SiteRepo,
    /// Pages from the source repository itself (private repositories need a paid plan).
    SameRepo,
}

/// What `sesh init` is asked for.
#[derive(Debug, Clone)]
pub struct Options {
    pub title: String,
    /// Where the site will be published; derived from `site_repo` when missing.
    pub base_url: Option<String>,
    pub deploy: Deploy,
    /// The public site repository (`owner/name`) of [`Deploy::SiteRepo`].
    pub site_repo: Option<String>,
}

/// Written into the workflow when no site repository was named.
pub const SITE_REPO_PLACEHOLDER: &str = "YOUR-ORG/archive-site";

impl Options {
    /// The base URL given, else the GitHub Pages address of the site repository, else a
    /// placeholder.
    pub fn base_url(&self) -> String {
        if let Some(url) = &self.base_url {
            return url.clone();
        }
        match (&self.deploy, &self.site_repo) {
            (Deploy::SiteRepo, Some(repo)) => pages_url(repo),
            _ => "https://example.org/".to_string(),
        }
    }
}

/// The GitHub Pages address of repository `owner/name`.
fn pages_url(repo: &str) -> String {
    let (owner, name) = repo.split_once('/').unwrap_or((repo, ""));
    let host = format!("{}.github.io", owner.to_ascii_lowercase());
    if name.to_ascii_lowercase() == host {
        format!("https://{host}/")
    } else {
        format!("https://{host}/{name}/")
    }
}

/// Checks that `repo` is `owner/name` as GitHub spells repositories.
fn check_site_repo(repo: &str) -> Result<()> {
    let valid = |part: &str, extra: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || extra.contains(c))
    };
    match repo.split_once('/') {
        Some((owner, name)) if valid(owner, "") && valid(name, "._") => Ok(()),
        _ => bail!(
            "`{repo}` is not a GitHub repository name\n  hint: write it as owner/name, for example --site-repo your-org/archive-site"
        ),
    }
}

/// Creates a new archive in `dir`; returns the files written.
pub fn init(dir: &Path, options: &Options) -> Result<Vec<PathBuf>> {
    if let Some(repo) = &options.site_repo {
        check_site_repo(repo)?;
    }
    let (title, base_url) = (options.title.as_str(), options.base_url());
    crate::config::parse(&sesh_toml(title, &base_url))
        .context("the title or base URL given cannot be written to sesh.toml")?;
    let files = files(title, &base_url, &workflow(options));
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

/// The GitHub Pages workflow of the chosen layout, installing sesh with the action of the
/// release that wrote it (`action.yml` at the repository root).
fn workflow(options: &Options) -> String {
    let text = match options.deploy {
        Deploy::SiteRepo => SITE_REPO_WORKFLOW.replace(
            "__SITE_REPOSITORY__",
            options
                .site_repo
                .as_deref()
                .unwrap_or(SITE_REPO_PLACEHOLDER),
        ),
        Deploy::SameRepo => SAME_REPO_WORKFLOW.to_string(),
    };
    text.replace("__SESH_VERSION__", env!("CARGO_PKG_VERSION"))
}

fn files(title: &str, base_url: &str, workflow: &str) -> Vec<(&'static str, String)> {
    vec![
        ("sesh.toml", sesh_toml(title, base_url)),
        (".gitignore", "/public\n/.sesh-cache\n".to_string()),
        (".github/workflows/pages.yml", workflow.to_string()),
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

const CONTEST: &str = "+++\n# Entries submitted through a form: `sesh import EXPORT --contest example-contest --map map.toml`\n# writes one folder per response here, consent from the answers the mapping lists (README:\n# \"From a form export to a published archive\"; `sesh import EXPORT --init-map` starts a mapping).\ntitle = \"An example contest\"\nsummary = \"One sentence about what the contest asked for.\"\nstart = 2026-01-01\nend = 2026-03-31\norganisers = [\"Your organisation\"]\npurpose = \"Why the contest was run.\"\naudience = \"Who it was for.\"\n+++\n\nDescribe the contest here: the call, the judging, what happened to the winning ideas.\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_repositories_give_their_pages_address() {
        assert_eq!(
            pages_url("Org/archive-site"),
            "https://org.github.io/archive-site/"
        );
        assert_eq!(pages_url("Org/org.github.io"), "https://org.github.io/");
        assert!(check_site_repo("org/archive-site").is_ok());
        for bad in [
            "org",
            "org/",
            "/site",
            "org/site/x",
            "org/si te",
            "https://github.com/o/s",
        ] {
            assert!(check_site_repo(bad).is_err(), "{bad}");
        }
        let options = |deploy, site_repo: Option<&str>| Options {
            title: "T".into(),
            base_url: None,
            deploy,
            site_repo: site_repo.map(String::from),
        };
        let a = options(Deploy::SiteRepo, Some("org/site"));
        assert_eq!(a.base_url(), "https://org.github.io/site/");
        assert!(workflow(&a).contains("SITE_REPOSITORY: org/site\n"));
        let placeholder = workflow(&options(Deploy::SiteRepo, None));
        assert!(placeholder.contains(&format!("SITE_REPOSITORY: {SITE_REPO_PLACEHOLDER}\n")));
        assert!(!placeholder.contains("__SITE_REPOSITORY__"));
        let same = workflow(&options(Deploy::SameRepo, None));
        assert!(same.contains("actions/deploy-pages"));
        let pinned = format!("uses: sesh-global/sesh@v{}\n", env!("CARGO_PKG_VERSION"));
        assert!(same.contains(&pinned) && placeholder.contains(&pinned));
        assert!(!same.contains("__") && !placeholder.contains("__"));
    }

    #[test]
    fn titles_are_written_as_valid_toml() {
        let text = sesh_toml("Archive \"quoted\" \\ title", "https://a.org/");
        let raw = crate::config::parse(&text).unwrap();
        assert_eq!(raw.title, "Archive \"quoted\" \\ title");
    }
}
