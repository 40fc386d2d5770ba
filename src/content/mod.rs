//! LOAD: walks `content/` and produces the [`RawSite`]: every page, contest and entry with its
//! front matter parsed, and every media file named in front matter located on disk.
//!
//! ```text
//! content/_index.md                       home page
//! content/framework.md                    framework page
//! content/<page>.md                       other pages
//! content/contests/<contest>/_index.md    a contest
//! content/contests/<contest>/<entry>/index.md   an entry, media beside it
//! ```
//! This stage renders nothing and decides nothing about publication: a file it cannot read
//! becomes a problem, or an entry whose `front` is an error, and the consent gate excludes it.

mod frontmatter;
pub mod raw;
pub mod translation;

pub use crate::slug::{is_ignored_name, slugify};
pub use frontmatter::{Invalid, SourceFile};
pub use raw::*;

use crate::config::Config;
use crate::report::{Problem, display_path};
use anyhow::{Result, bail};
use rayon::prelude::*;
use std::path::{Component, Path, PathBuf};

/// A listed file or folder; `is_dir` follows a symlink (one that stays inside `content/`).
struct Child {
    path: PathBuf,
    is_dir: bool,
}

/// Folder names a standalone page may not take, because the site uses them.
const RESERVED_SLUGS: &[&str] = &["contests", "css", "404", "static", "data", "search"];

/// Reads the whole `content/` folder.
pub fn load(config: &Config) -> Result<RawSite> {
    let loader = Loader::new(config)?;
    let mut site = RawSite::default();
    // Translations of top-level pages, attached once every original is known.
    let mut pending: Vec<(String, String, PathBuf)> = Vec::new();
    for Child { path, is_dir } in loader.list(&loader.content, &mut site.problems) {
        let name = file_name(&path);
        if is_dir {
            if name == "contests" {
                site.contests = loader.contests(&path, &mut site.problems);
            } else {
                site.problems.push(Problem::warning(
                    loader.show(&path),
                    "folder ignored: only content/contests/ holds folders",
                ));
            }
        } else if let Some((base, lang)) = translation::split_name(&name) {
            pending.push((base.to_string(), lang.to_string(), path.clone()));
        } else if name == "_index.md" {
            site.home = loader.page(&path, "", &mut site.problems);
        } else if name == "framework.md" {
            site.framework = loader.page(&path, "framework", &mut site.problems);
        } else if let Some(stem) = name.strip_suffix(".md") {
            let slug = loader.slug(stem, &path, &mut site.problems);
            if RESERVED_SLUGS.contains(&slug.as_str()) {
                site.problems.push(
                    Problem::error(
                        loader.show(&path),
                        format!("the page name `{slug}` is reserved"),
                    )
                    .hint("rename the file"),
                );
            } else if !slug.is_empty() {
                site.pages
                    .extend(loader.page(&path, &slug, &mut site.problems));
            }
        }
    }
    for (base, lang, path) in pending {
        let original = match base.as_str() {
            "_index" => site.home.as_mut(),
            "framework" => site.framework.as_mut(),
            _ => site
                .pages
                .iter_mut()
                .find(|p| p.rel == format!("{base}.md")),
        };
        match original {
            Some(page) => page.translations.push(loader.translation(&path, &lang)),
            None => site.problems.push(
                Problem::warning(
                    loader.show(&path),
                    "translation without an original; ignored",
                )
                .hint(format!("the original is content/{base}.md")),
            ),
        }
    }
    if site.home.is_none() {
        site.problems.push(
            Problem::warning("content/_index.md", "no home page text")
                .hint("create content/_index.md with a title and an introduction"),
        );
    }
    Ok(site)
}

/// Re-reads one contest folder (`content/contests/<folder>`), its entries included, in place:
/// what `sesh serve` does when a file inside it changes. A folder that no longer exists is
/// dropped. Falls back to a full reload when contest slugs collide.
pub fn reload_contest(config: &Config, site: &mut RawSite, folder: &str) -> Result<()> {
    let loader = Loader::new(config)?;
    let rel = format!("contests/{folder}");
    let shown = format!("content/{rel}");
    site.problems
        .retain(|p| p.file != shown && !p.file.starts_with(&format!("{shown}/")));
    site.contests.retain(|c| c.rel != rel);
    let dir = loader.content.join("contests").join(folder);
    if dir.is_dir() && !is_ignored_name(folder) {
        let slug = loader.slug(folder, &dir, &mut site.problems);
        if !slug.is_empty() {
            let contest = loader.contest(dir, slug, &mut site.problems);
            site.contests.push(contest);
            site.contests.sort_by(|a, b| a.rel.cmp(&b.rel));
        }
    }
    let mut slugs: Vec<String> = site
        .contests
        .iter()
        .map(|c| c.slug.to_lowercase())
        .collect();
    slugs.sort();
    slugs.dedup();
    if slugs.len() != site.contests.len() {
        *site = load(config)?;
    }
    Ok(())
}

/// Re-reads one entry folder in place, when it already was an entry and still is; otherwise
/// (a folder created, renamed or removed) re-reads its whole contest.
pub fn reload_entry(config: &Config, site: &mut RawSite, contest: &str, entry: &str) -> Result<()> {
    let loader = Loader::new(config)?;
    let rel = format!("contests/{contest}/{entry}");
    let dir = loader.content.join(&rel);
    let known = site
        .contests
        .iter()
        .position(|c| c.rel == format!("contests/{contest}"))
        .and_then(|c| {
            let e = site.contests[c].entries.iter().position(|e| e.rel == rel)?;
            Some((c, e))
        });
    match known {
        Some((c, e)) if dir.join("index.md").is_file() => {
            let shown = format!("content/{rel}");
            site.problems
                .retain(|p| p.file != shown && !p.file.starts_with(&format!("{shown}/")));
            let slug = site.contests[c].entries[e].slug.clone();
            site.contests[c].entries[e] = loader.entry(dir, slug);
            // An entry read again sharing its URL slug with another stays unpublished, as
            // both were when their contest was read.
            let contest = &mut site.contests[c];
            let parent = loader.show(&contest.dir);
            mark_collisions(&mut contest.entries, |e| &e.slug, |e| &mut e.front, &parent);
            Ok(())
        }
        _ => reload_contest(config, site, contest),
    }
}

struct Loader<'a> {
    root: &'a Path,
    /// The site's languages: the ones translation files may have.
    languages: &'a [String],
    /// Canonical path of `content/`: nothing outside it is ever read.
    content: PathBuf,
}

impl<'a> Loader<'a> {
    fn new(config: &'a Config) -> Result<Self> {
        let content = &config.content_dir;
        if !content.is_dir() {
            bail!(
                "no `content/` folder in `{}`; create content/_index.md and content/contests/<contest>/_index.md (see README.md)",
                config.root.display()
            );
        }
        Ok(Loader {
            root: &config.root,
            languages: &config.languages,
            content: std::fs::canonicalize(content)?,
        })
    }

    fn show(&self, path: &Path) -> String {
        display_path(self.root, path)
    }

    /// Sorted children of `dir`, without hidden files, editor backups and symlinks that leave
    /// `content/`. One listing of `dir` and no `stat` per child except for symlinks (a walker
    /// would also open every child folder, and this runs once per contest and per entry).
    fn list(&self, dir: &Path, problems: &mut Vec<Problem>) -> Vec<Child> {
        let cannot = |e: std::io::Error| {
            Problem::warning(self.show(dir), format!("cannot list: {e}"))
                .hint("check that the folder exists and that you may read it")
        };
        let items = match std::fs::read_dir(dir) {
            Ok(items) => items,
            Err(e) => {
                problems.push(cannot(e));
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for item in items {
            let (item, kind) = match item.and_then(|i| i.file_type().map(|k| (i, k))) {
                Ok(found) => found,
                Err(e) => {
                    problems.push(cannot(e));
                    continue;
                }
            };
            let path = item.path();
            if is_ignored_name(&file_name(&path)) {
                continue;
            }
            let is_dir = if kind.is_symlink() {
                if !self.inside_content(&path) {
                    problems.push(
                        Problem::warning(
                            self.show(&path),
                            "symlink ignored: it points outside content/",
                        )
                        .hint("copy the file into the site instead of linking to it"),
                    );
                    continue;
                }
                path.is_dir()
            } else {
                kind.is_dir()
            };
            out.push(Child { path, is_dir });
        }
        out.sort_unstable_by(|a, b| a.path.file_name().cmp(&b.path.file_name()));
        out
    }

    /// `path` relative to `content/`, `/`-separated.
    fn rel(&self, path: &Path) -> String {
        let content = self.root.join("content");
        display_path(&content, path)
    }

    fn inside_content(&self, path: &Path) -> bool {
        std::fs::canonicalize(path).is_ok_and(|p| p.starts_with(&self.content))
    }

    fn slug(&self, name: &str, path: &Path, problems: &mut Vec<Problem>) -> String {
        let slug = slugify(name);
        if slug.is_empty() {
            problems.push(
                Problem::error(
                    self.show(path),
                    "this name gives an empty URL slug; ignored",
                )
                .hint("rename it with letters or digits"),
            );
        } else if slug != name {
            problems.push(
                Problem::warning(
                    self.show(path),
                    format!("published under the URL slug `{slug}`"),
                )
                .hint(format!(
                    "rename it to `{slug}` so that the folder and the URL match"
                )),
            );
        }
        slug
    }

    fn read(&self, path: &Path) -> Result<SourceFile, Problem> {
        let display = self.show(path);
        match std::fs::read_to_string(path) {
            Ok(text) => SourceFile::split(display, &text),
            Err(e) => Err(Problem::error(display, format!("cannot read: {e}"))
                .hint("save the file as UTF-8 text")),
        }
    }

    fn page(&self, path: &Path, slug: &str, problems: &mut Vec<Problem>) -> Option<RawPage> {
        let parsed =
            self.read(path)
                .map_err(|problem| vec![problem])
                .and_then(|source| match source.parse::<PageFront>() {
                    Ok(front) => Ok((source, front)),
                    Err(invalid) => Err(invalid.problems),
                });
        match parsed {
            Ok((source, front)) => Some(RawPage {
                slug: slug.to_string(),
                rel: file_name(path),
                source,
                front,
                translations: Vec::new(),
            }),
            Err(mut found) => {
                problems.append(&mut found);
                None
            }
        }
    }

    fn contests(&self, dir: &Path, problems: &mut Vec<Problem>) -> Vec<RawContest> {
        // Contest by contest in parallel (their entries too), problems kept in folder order.
        let found: Vec<(Option<RawContest>, Vec<Problem>)> = self
            .list(dir, problems)
            .into_par_iter()
            .map(|Child { path, is_dir }| {
                let mut problems = Vec::new();
                if !is_dir {
                    problems.push(Problem::warning(
                        self.show(&path),
                        "file ignored: content/contests/ holds one folder per contest",
                    ));
                    return (None, problems);
                }
                let slug = self.slug(&file_name(&path), &path, &mut problems);
                let contest = (!slug.is_empty()).then(|| self.contest(path, slug, &mut problems));
                (contest, problems)
            })
            .collect();
        let mut contests = Vec::new();
        for (contest, found) in found {
            problems.extend(found);
            contests.extend(contest);
        }
        mark_collisions(
            &mut contests,
            |c| &c.slug,
            |c| &mut c.front,
            &self.show(dir),
        );
        contests
    }

    fn contest(&self, dir: PathBuf, slug: String, problems: &mut Vec<Problem>) -> RawContest {
        let index = dir.join("_index.md");
        let (source, front) = match self.read(&index) {
            Ok(source) => {
                let front = source.parse_with_facts::<ContestFront>();
                (source, front)
            }
            Err(problem) => {
                let problem = if index.exists() {
                    problem
                } else {
                    Problem::error(self.show(&index), "contest without _index.md")
                        .hint("create it with at least: title = \"…\"")
                };
                (SourceFile::default(), Err(Invalid::one(problem)))
            }
        };
        let mut entry_dirs = Vec::new();
        let mut translations = Vec::new();
        for Child { path, is_dir } in self.list(&dir, problems) {
            let name = file_name(&path);
            if is_dir {
                entry_dirs.push(path);
            } else if let Some(("_index", lang)) = translation::split_name(&name) {
                translations.push(self.translation(&path, lang));
            } else if name.ends_with(".md") && name != "_index.md" {
                problems.push(
                    Problem::warning(self.show(&path), "ignored: entries are folders").hint(
                        format!("move it to {}/index.md", name.trim_end_matches(".md")),
                    ),
                );
            }
        }
        let named: Vec<(PathBuf, String)> = entry_dirs
            .into_iter()
            .filter_map(|path| {
                let slug = self.slug(&file_name(&path), &path, problems);
                (!slug.is_empty()).then_some((path, slug))
            })
            .collect();
        let mut entries: Vec<RawEntry> = named
            .into_par_iter()
            .map(|(path, slug)| self.entry(path, slug))
            .collect();
        mark_collisions(
            &mut entries,
            |e| &e.slug,
            |e| &mut e.front,
            &self.show(&dir),
        );
        RawContest {
            slug,
            rel: self.rel(&dir),
            dir,
            source,
            front,
            entries,
            translations,
        }
    }

    fn entry(&self, dir: PathBuf, slug: String) -> RawEntry {
        let index = dir.join("index.md");
        let (source, front) = match self.read(&index) {
            Ok(source) => {
                let front = source.parse::<EntryFront>();
                (source, front)
            }
            Err(problem) => {
                let problem = if index.exists() {
                    problem
                } else {
                    Problem::error(self.show(&index), "entry folder without index.md").hint(
                        "every entry needs an index.md with front matter and a [consent] table",
                    )
                };
                (SourceFile::default(), Err(Invalid::one(problem)))
            }
        };
        let media_files = match &front {
            Ok(front) => front
                .media
                .iter()
                .map(|m| match &m.file {
                    Some(file) => locate(&dir, file.get_ref()),
                    None => Located::NotAFile,
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        let media_parts = match &front {
            Ok(front) => front.media.iter().map(|m| parts(&dir, m)).collect(),
            Err(_) => Vec::new(),
        };
        let translations = self
            .list(&dir, &mut Vec::new())
            .into_iter()
            .filter_map(|Child { path, .. }| {
                let name = file_name(&path);
                let (base, lang) = translation::split_name(&name)?;
                (base == "index").then(|| self.translation(&path, lang))
            })
            .collect();
        let mut entry = RawEntry {
            slug,
            rel: self.rel(&dir),
            source,
            front,
            media_files,
            media_parts,
            translations,
            revision: 0,
        };
        entry.revision = entry.sources_hash();
        entry
    }

    /// Reads a translation file in `lang`. One in a language the site does not have (or
    /// unreadable) keeps the problem as its front matter: the gate reports it and skips it.
    fn translation(&self, path: &Path, lang: &str) -> RawTranslation {
        let unusable = |problem: Problem| RawTranslation {
            lang: lang.to_string(),
            source: SourceFile::default(),
            front: Err(Invalid::one(problem)),
        };
        if !self.languages.iter().any(|l| l == lang) {
            return unusable(
                Problem::warning(
                    self.show(path),
                    format!("ignored: `{lang}` is not one of the site's languages"),
                )
                .hint("add it to languages in sesh.toml, or rename the file"),
            );
        }
        match self.read(path) {
            Ok(source) => translation::parse(lang, source),
            Err(problem) => unusable(problem),
        }
    }
}

/// Finds `file` (as written in front matter) inside the entry folder `dir`.
pub fn locate(dir: &Path, file: &str) -> Located {
    let relative = Path::new(file);
    let escapes = file.is_empty()
        || file.contains('\\')
        || file.contains(':')
        || relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
    if escapes {
        return Located::OutsideEntry;
    }
    let hidden = relative.components().any(|c| match c {
        Component::Normal(name) => is_ignored_name(&name.to_string_lossy()),
        _ => false,
    });
    if hidden {
        return Located::Hidden;
    }
    let (Ok(dir), Ok(path)) = (
        std::fs::canonicalize(dir),
        std::fs::canonicalize(dir.join(relative)),
    ) else {
        return Located::Missing;
    };
    if !path.starts_with(&dir) {
        Located::OutsideEntry
    } else if path.is_file() {
        Located::Found(path)
    } else {
        Located::Missing
    }
}

/// Transcripts larger than this are not read (a transcript is text, not a book).
const MAX_TRANSCRIPT: u64 = 1 << 20;

/// Locates the poster, captions and transcript a media item names, inside the entry folder.
fn parts(dir: &Path, media: &RawMedia) -> MediaParts {
    let transcript = media.transcript.as_ref().map(|t| {
        let located = locate(dir, t.get_ref());
        let text = match &located {
            Located::Found(path) => std::fs::metadata(path)
                .ok()
                .filter(|m| m.len() <= MAX_TRANSCRIPT)
                .and_then(|_| std::fs::read_to_string(path).ok()),
            _ => None,
        };
        (located, text)
    });
    MediaParts {
        poster: media.poster.as_ref().map(|p| locate(dir, p.get_ref())),
        captions: media
            .captions
            .iter()
            .map(|(lang, file)| (lang.clone(), locate(dir, file.get_ref())))
            .collect(),
        transcript,
    }
}

/// Two folders whose names give the same slug would publish to the same URL: both become errors.
fn mark_collisions<T, F>(
    items: &mut [T],
    slug: impl Fn(&T) -> &String,
    front: impl Fn(&mut T) -> &mut Result<F, Invalid<F>>,
    parent: &str,
) {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for item in items.iter() {
        *seen.entry(slug(item).to_lowercase()).or_default() += 1;
    }
    for item in items.iter_mut() {
        let key = slug(item).to_lowercase();
        if seen[&key] > 1 {
            let problem = Problem::error(
                format!("{parent}/{key}"),
                format!("several folders give the URL slug `{key}`; none of them is published"),
            )
            .hint("rename the folders so that each has a distinct name (case and punctuation are ignored)");
            *front(item) = Err(Invalid::one(problem));
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_refuses_paths_that_leave_the_entry() {
        let dir = std::env::temp_dir().join(format!("sesh-locate-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("entry/sub")).unwrap();
        std::fs::write(dir.join("entry/a.jpg"), b"x").unwrap();
        std::fs::write(dir.join("entry/sub/b.jpg"), b"x").unwrap();
        std::fs::write(dir.join("outside.jpg"), b"x").unwrap();
        let entry = dir.join("entry");
        assert!(matches!(locate(&entry, "a.jpg"), Located::Found(_)));
        assert!(matches!(locate(&entry, "./sub/b.jpg"), Located::Found(_)));
        for bad in [
            "../outside.jpg",
            "/etc/passwd",
            "sub\\..\\..\\outside.jpg",
            "C:/x.jpg",
            "",
        ] {
            assert_eq!(locate(&entry, bad), Located::OutsideEntry, "{bad}");
        }
        assert_eq!(locate(&entry, ".secret.jpg"), Located::Hidden);
        assert_eq!(locate(&entry, "a.jpg~"), Located::Hidden);
        assert_eq!(locate(&entry, "nope.jpg"), Located::Missing);
        assert_eq!(locate(&entry, "sub"), Located::Missing);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.join("outside.jpg"), entry.join("link.jpg")).unwrap();
            assert_eq!(locate(&entry, "link.jpg"), Located::OutsideEntry);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Folders are listed once each, without a walker: hidden names and backups are skipped,
    /// children come sorted, and a symlinked folder counts only if it stays inside content/.
    #[cfg(unix)]
    #[test]
    fn listing_sorts_skips_hidden_names_and_symlinks_that_leave_content() {
        let root = std::env::temp_dir().join(format!("sesh-list-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let contest = root.join("content/contests/c");
        let outside = root.join("elsewhere/entry");
        // Created in reverse order: a listing that forgot to sort would not come out sorted.
        let names: Vec<String> = (0..12).rev().map(|i| format!("e{i:02}")).collect();
        let dirs = names.iter().map(|n| contest.join(n));
        for dir in dirs.chain([outside.clone()]) {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("index.md"), "+++\ntitle = \"x\"\n+++\n").unwrap();
        }
        std::fs::create_dir_all(contest.join(".hidden")).unwrap();
        std::fs::write(contest.join("_index.md~"), "backup").unwrap();
        std::os::unix::fs::symlink(&outside, contest.join("c-outside")).unwrap();
        std::os::unix::fs::symlink(contest.join("e00"), contest.join("f-inside")).unwrap();
        std::fs::write(
            root.join("sesh.toml"),
            "title = \"t\"\nbase_url = \"https://example.org/\"\n",
        )
        .unwrap();
        let config = Config::load(&root, &crate::config::Overrides::default()).unwrap();
        let loader = Loader::new(&config).unwrap();
        let mut problems = Vec::new();
        let listed: Vec<(String, bool)> = loader
            .list(&contest, &mut problems)
            .into_iter()
            .map(|c| (file_name(&c.path), c.is_dir))
            .collect();
        let mut expected: Vec<(String, bool)> =
            names.iter().rev().map(|n| (n.clone(), true)).collect();
        expected.push(("f-inside".to_string(), true));
        assert_eq!(listed, expected);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let text = format!("{:?}", problems[0]);
        assert!(
            text.contains("c-outside") && text.contains("outside content/"),
            "{text}"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    /// Two entry folders giving one URL slug are both kept out, also after one of them is
    /// read again on its own (as `sesh serve` does when it changes).
    #[test]
    fn an_entry_read_again_still_collides_with_its_namesake() {
        let root = std::env::temp_dir().join(format!("sesh-collide-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let contest = root.join("content/contests/c");
        for name in ["Story", "story"] {
            std::fs::create_dir_all(contest.join(name)).unwrap();
            std::fs::write(
                contest.join(name).join("index.md"),
                "+++\ntitle = \"x\"\n+++\n",
            )
            .unwrap();
        }
        std::fs::write(contest.join("_index.md"), "+++\ntitle = \"c\"\n+++\n").unwrap();
        std::fs::write(
            root.join("sesh.toml"),
            "title = \"t\"\nbase_url = \"https://example.org/\"\n",
        )
        .unwrap();
        let config = Config::load(&root, &crate::config::Overrides::default()).unwrap();
        let mut site = load(&config).unwrap();
        let collided = |site: &RawSite| {
            site.contests[0]
                .entries
                .iter()
                .map(|e| match &e.front {
                    Err(p) => p.problems[0]
                        .message
                        .contains("several folders give the URL slug"),
                    Ok(_) => false,
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(collided(&site), [true, true]);
        let before = site.contests[0].revision();
        std::fs::write(contest.join("story/index.md"), "+++\ntitle = \"y\"\n+++\n").unwrap();
        reload_entry(&config, &mut site, "c", "story").unwrap();
        assert_eq!(collided(&site), [true, true]);
        assert_ne!(
            site.contests[0].revision(),
            before,
            "the edit changes the revision"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}
