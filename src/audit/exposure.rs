//! What a public source repository gives away: everything under `content/` that the site
//! withholds.
//!
//! GitHub's Free plans serve Pages only from public repositories, and a repository keeps every
//! file it ever held in its history. When the folder that holds `content/` is public, the consent
//! gate protects the website and nothing else. [`exposure`] lists what such a repository exposes:
//! the items the gate kept out (with its reasons), `[private]` tables, original media files that
//! carry metadata the published copies do not (place, device, owner, author), and files the site
//! never publishes. It reads the raw model and the gate's output and decides nothing itself.
//!
//! [`Visibility`] is what a build is told about its sources (`--source-visibility`, or
//! `SESH_SOURCE_VISIBILITY`), or finds in a GitHub Actions event. `sesh build` and `sesh publish`
//! refuse to build when the sources are public, or may be, and the list is not empty
//! ([`guard`]); `sesh check --source-visibility public` prints the list without failing.

use crate::consent::Gated;
use crate::content::{Located, RawSite};
use serde::Serialize;
use std::collections::HashSet;
use std::path::Path;

/// Who can read the repository that holds the sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Anyone (GitHub's `public`).
    Public,
    /// Only the people given access (GitHub's `private`).
    Private,
    /// Every member of a GitHub Enterprise (GitHub's `internal`): not the public, but far more
    /// people than consented to see restricted items; treated as exposed.
    Internal,
    /// Not known: treated as public (fail closed).
    Unknown,
}

impl Visibility {
    /// Reads `public`, `private`, `internal` or `unknown` (what GitHub's API answers, in any
    /// case); an empty value (a lookup that printed nothing) is `unknown`.
    pub fn parse(text: &str) -> Result<Visibility, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "public" => Ok(Visibility::Public),
            "private" => Ok(Visibility::Private),
            "internal" => Ok(Visibility::Internal),
            "" | "unknown" => Ok(Visibility::Unknown),
            other => Err(format!(
                "`{other}` is not a repository visibility; expected public, private, internal or unknown"
            )),
        }
    }

    /// Whether people who did not consent may read the sources.
    pub fn exposes(self) -> bool {
        self != Visibility::Private
    }

    /// Inside GitHub Actions, the visibility of the repository the workflow runs in, from the
    /// event that started it (`repository.visibility`, else `repository.private`); `Unknown`
    /// when the event does not say (a scheduled run). `None` outside GitHub Actions.
    pub fn from_github_actions() -> Option<Visibility> {
        if std::env::var("GITHUB_ACTIONS").ok().as_deref() != Some("true") {
            return None;
        }
        let event = std::env::var_os("GITHUB_EVENT_PATH")
            .and_then(|path| std::fs::read(path).ok())
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok());
        Some(event.map_or(Visibility::Unknown, |e| Visibility::of_event(&e)))
    }

    fn of_event(event: &serde_json::Value) -> Visibility {
        let repository = &event["repository"];
        if let Some(text) = repository["visibility"].as_str() {
            return Visibility::parse(text).unwrap_or(Visibility::Unknown);
        }
        match repository["private"].as_bool() {
            Some(true) => Visibility::Private,
            Some(false) => Visibility::Public,
            None => Visibility::Unknown,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Visibility::Public => "the sources are in a public repository",
            Visibility::Internal => {
                "the sources are in an internal repository, which every member of the enterprise can read"
            }
            Visibility::Unknown => {
                "sesh cannot tell whether the sources' repository is public, so it counts it as public"
            }
            Visibility::Private => "the sources are in a private repository",
        }
    }
}

/// One thing the sources hold that the site does not publish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exposed {
    /// `contest`, `entry` or `media` (kept out by the gate), `private` (a `[private]` table),
    /// `metadata` (an original media file's metadata) or `unpublished-file`.
    pub kind: &'static str,
    /// Relative to the site root, `/`-separated.
    pub path: String,
    pub what: String,
}

/// Everything under `content/` that the site withholds, in the order: the gate's exclusions,
/// `[private]` tables, then files in folder order.
pub fn exposure(root: &Path, content_dir: &Path, raw: &RawSite, gated: &Gated) -> Vec<Exposed> {
    let mut out: Vec<Exposed> = gated
        .excluded
        .iter()
        .map(|e| Exposed {
            kind: e.kind,
            path: e.path.clone(),
            what: format!("not published: {}", e.reason),
        })
        .collect();
    for entry in raw.contests.iter().flat_map(|c| &c.entries) {
        if let Ok(front) = &entry.front
            && let Some(private) = front.private.as_ref().filter(|p| !p.is_empty())
        {
            let keys: Vec<&str> = private.keys().map(String::as_str).collect();
            out.push(Exposed {
                kind: "private",
                path: entry.source.display.clone(),
                what: format!("a [private] table ({})", keys.join(", ")),
            });
        }
    }
    let covered: Vec<&str> = gated.excluded.iter().map(|e| e.path.as_str()).collect();
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let (texts, media) = used_files(raw, &root);
    let content = std::fs::canonicalize(content_dir).unwrap_or_else(|_| content_dir.into());
    for file in walkdir::WalkDir::new(&content)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|f| f.file_type().is_file())
    {
        let path = crate::report::display_path(&root, file.path());
        let inside = |c: &&str| path == *c || path.starts_with(&format!("{c}/"));
        if texts.contains(&path) || covered.iter().any(inside) {
            continue;
        }
        if !media.contains(&path) {
            out.push(Exposed {
                kind: "unpublished-file",
                path,
                what: "a file the site never publishes".into(),
            });
        } else if let Some(blocks) = original_metadata(file.path()) {
            out.push(Exposed {
                kind: "metadata",
                path,
                what: format!(
                    "the original carries {} (the published copy does not)",
                    blocks.join(", ")
                ),
            });
        }
    }
    out
}

/// The content files the loader read as text, and the media files entries name (posters,
/// captions and transcripts included), as display paths.
fn used_files(raw: &RawSite, root: &Path) -> (HashSet<String>, HashSet<String>) {
    let mut texts = HashSet::new();
    let pages = raw.home.iter().chain(&raw.framework).chain(&raw.pages);
    for page in pages {
        texts.insert(page.source.display.clone());
        texts.extend(page.translations.iter().map(|t| t.source.display.clone()));
    }
    let mut media = HashSet::new();
    let mut found = |located: &Located| {
        if let Located::Found(path) = located {
            media.insert(crate::report::display_path(root, path));
        }
    };
    for contest in &raw.contests {
        texts.insert(contest.source.display.clone());
        texts.extend(
            contest
                .translations
                .iter()
                .map(|t| t.source.display.clone()),
        );
        for entry in &contest.entries {
            texts.insert(entry.source.display.clone());
            texts.extend(entry.translations.iter().map(|t| t.source.display.clone()));
            entry.media_files.iter().for_each(&mut found);
            for parts in &entry.media_parts {
                parts.poster.iter().for_each(&mut found);
                parts.captions.iter().for_each(|(_, c)| found(c));
                parts.transcript.iter().for_each(|(t, _)| found(t));
            }
        }
    }
    (texts, media)
}

/// Files larger than this are reported as possibly carrying metadata without being read.
const MAX_READ: u64 = 512 << 20;

/// The metadata an original media file carries, if any.
fn original_metadata(path: &Path) -> Option<Vec<String>> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(u64::MAX);
    if size > MAX_READ {
        return Some(vec!["unknown metadata (too large to inspect)".into()]);
    }
    let bytes = std::fs::read(path).ok()?;
    // What a cleaned file may not hold but is no metadata (an unusual box, a damaged part)
    // would only lengthen the list.
    let found: Vec<String> = super::metadata::leftovers(&bytes)
        .into_iter()
        .filter(|f| !f.starts_with("unexpected") && !f.starts_with("unreadable"))
        .collect();
    (!found.is_empty()).then_some(found)
}

/// The message of a build refused by [`guard`].
#[derive(Debug)]
pub struct Refused {
    pub visibility: Visibility,
    pub exposed: Vec<Exposed>,
}

impl std::error::Error for Refused {}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "not building: {}, and they hold {} thing{} the site withholds:",
            self.visibility.describe(),
            self.exposed.len(),
            if self.exposed.len() == 1 { "" } else { "s" }
        )?;
        write!(f, "{}", list(&self.exposed))?;
        write!(f, "{WHY}\n  hint: {HINT}")
    }
}

impl Refused {
    /// The refusal with counts by kind instead of the items (for a log others may read).
    pub fn summary(&self) -> String {
        format!(
            "not building: {}, and {}; which ones is not printed in a log others may read: run `sesh check --source-visibility public` on your computer, or build with --verbose\n{WHY}\n  hint: {HINT}",
            self.visibility.describe(),
            counts(&self.exposed)
        )
    }
}

const WHY: &str = "Anyone can download a public repository, and its history keeps every file it ever held, even after you delete it.";
const HINT: &str = "keep the sources in a private repository and publish only the built site to a public one (`sesh init --deploy site-repo` writes that workflow; README, \"Publish to GitHub Pages\"), or keep them off GitHub and publish with `sesh publish --to URL`. If the repository is in fact private, pass --source-visibility private.";

/// The items, one line each.
pub fn list(exposed: &[Exposed]) -> String {
    exposed
        .iter()
        .map(|e| format!("  - {} {}: {}\n", e.kind, e.path, e.what))
        .collect()
}

/// What `sesh check` prints when asked about the sources' repository.
pub fn report(visibility: Visibility, exposed: &[Exposed]) -> String {
    let described = visibility.describe();
    let situation = format!("{}{}", described[..1].to_uppercase(), &described[1..]);
    if !visibility.exposes() {
        return format!("{situation}: only the people given access read them.\n");
    }
    if exposed.is_empty() {
        return format!("{situation}; they hold nothing the site withholds.\n");
    }
    format!(
        "{situation}, and they hold {} thing{} the site withholds:\n{}{WHY}\n  hint: {HINT}\n",
        exposed.len(),
        if exposed.len() == 1 { "" } else { "s" },
        list(exposed)
    )
}

/// [`report`] with counts by kind instead of the items (for a log others may read).
pub fn counted(visibility: Visibility, exposed: &[Exposed]) -> String {
    if exposed.is_empty() || !visibility.exposes() {
        return report(visibility, exposed);
    }
    format!(
        "{}; which ones is not printed in a log others may read (run sesh check --source-visibility public --verbose on your computer)\n",
        counts(exposed)
    )
}

/// "N things the site withholds (entry: 9, private: 1…)".
fn counts(exposed: &[Exposed]) -> String {
    let mut by_kind: std::collections::BTreeMap<&str, usize> = Default::default();
    for e in exposed {
        *by_kind.entry(e.kind).or_default() += 1;
    }
    let by_kind: Vec<String> = by_kind.iter().map(|(k, n)| format!("{k}: {n}")).collect();
    format!(
        "the sources hold {} thing{} the site withholds ({})",
        exposed.len(),
        if exposed.len() == 1 { "" } else { "s" },
        by_kind.join(", ")
    )
}

/// Fails with [`Refused`] when `visibility` exposes the sources and they hold anything the site
/// withholds.
pub fn guard(
    visibility: Visibility,
    root: &Path,
    content_dir: &Path,
    raw: &RawSite,
    gated: &Gated,
) -> Result<(), Refused> {
    if !visibility.exposes() {
        return Ok(());
    }
    let exposed = exposure(root, content_dir, raw, gated);
    match exposed.is_empty() {
        true => Ok(()),
        false => Err(Refused {
            visibility,
            exposed,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visibility_fails_closed() {
        assert_eq!(Visibility::parse("PUBLIC"), Ok(Visibility::Public));
        assert_eq!(Visibility::parse(" private\n"), Ok(Visibility::Private));
        assert_eq!(Visibility::parse(""), Ok(Visibility::Unknown));
        assert!(Visibility::parse("privat").is_err());
        assert!(Visibility::Unknown.exposes() && Visibility::Internal.exposes());
        assert!(!Visibility::Private.exposes());
    }

    #[test]
    fn events_name_the_repository_visibility() {
        let event = |json: &str| Visibility::of_event(&serde_json::from_str(json).unwrap());
        assert_eq!(
            event(r#"{"repository": {"visibility": "private", "private": true}}"#),
            Visibility::Private
        );
        assert_eq!(
            event(r#"{"repository": {"private": false}}"#),
            Visibility::Public
        );
        // A scheduled run's event has no repository.
        assert_eq!(event(r#"{"schedule": "17 3 * * *"}"#), Visibility::Unknown);
        assert_eq!(
            event(r#"{"repository": {"visibility": "secret"}}"#),
            Visibility::Unknown
        );
    }
}
