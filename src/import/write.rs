//! Planned entries → entry folders in `content/contests/<contest>/`, each with its `index.md`,
//! its media copies and an import record, written so that nothing is lost.
//!
//! The import record (`.sesh-import.toml`, hidden: the loader never reads it and the build never
//! publishes it) holds the response's id, the export and row it came from, and hashes of what
//! import wrote. A later import rewrites an entry only while its `index.md` still has the hash
//! written; an entry edited by hand is left alone and reported, except that a consent withdrawn
//! in the newer export is applied to its `[consent]` table (withdrawals must flow). The contest
//! keeps a hash of every id imported (`.sesh-import-ids.toml`), so that a folder removed by hand
//! is not written again; hashes, not ids or folder names, so that the list does not keep the
//! title of an entry removed for its author's sake (without an id column, the id is the title). Nothing is ever deleted; every file is written to a temporary name and
//! renamed into place, and a new entry folder appears whole, by one rename.

use super::attachments::Attachments;
use super::entry::Planned;
use super::front;
use super::report::{Action, Note, NoteKind};
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const RECORD: &str = ".sesh-import.toml";
pub const IDS: &str = ".sesh-import-ids.toml";

/// What import wrote into one entry folder.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub id: String,
    pub export: String,
    pub row: usize,
    /// BLAKE3 of the `index.md` written.
    pub index: String,
    /// The consent answers the export gave explicitly, by key.
    #[serde(default)]
    pub answers: BTreeMap<String, bool>,
    /// BLAKE3 of each media copy, by file name.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
}

/// An import record as written: a comment saying what it is, then the TOML.
pub(super) fn record_text(record: &Record) -> Result<String> {
    Ok(format!(
        "# Written by `sesh import`: where this entry came from and what was written, so that a later\n# import updates it only while index.md is as written. Never published.\n{}",
        toml::to_string(record)?
    ))
}

/// The hash ([`id_hash`]) of every id imported into the contest.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Ids {
    #[serde(default)]
    imported: BTreeSet<String>,
}

/// How the list of imported ids holds an id: BLAKE3, hex, 32 digits.
fn id_hash(id: &str) -> String {
    blake3::hash(id.as_bytes()).to_hex()[..32].to_string()
}

/// The contest folder being imported into.
pub struct Contest {
    pub(super) dir: PathBuf,
    /// `content/contests/<contest>` (how messages show it).
    pub shown: String,
    /// Entry folders by the id in their record; `Err` when several folders carry one id.
    records: HashMap<String, Result<(String, Record), Vec<String>>>,
    /// Folder names in use, lower case (the loader compares slugs so).
    taken: HashSet<String>,
    ids: Ids,
    ids_changed: bool,
    /// Problems found reading records (reported once).
    pub notes: Vec<Note>,
}

/// What was done with one planned entry.
pub struct Done {
    pub action: Action,
    /// The entry folder, relative to the site (`None`: removed by hand).
    pub entry: Option<String>,
    /// The `index.md` as it is (or would be) after the import, for the report's status.
    pub text: Option<String>,
    pub notes: Vec<Note>,
}

impl Contest {
    /// Opens `content/contests/<slug>/`, which must exist with its `_index.md`.
    pub fn open(content: &Path, slug: &str) -> Result<Contest> {
        let dir = content.join("contests").join(slug);
        let shown = format!("content/contests/{slug}");
        if !dir.join("_index.md").is_file() {
            bail!(
                "{shown}/_index.md does not exist: create the contest first\n  hint: a contest needs a folder and an _index.md with at least `title = \"…\"` between two `+++` lines (README, \"Contests\"); --contest takes its folder name"
            );
        }
        let mut contest = Contest {
            dir,
            shown,
            records: HashMap::new(),
            taken: HashSet::new(),
            ids: Ids::default(),
            ids_changed: false,
            notes: Vec::new(),
        };
        contest.read_folders()?;
        contest.ids = read_toml(&contest.dir.join(IDS))
            .map_err(|e| anyhow::anyhow!("{}/{IDS}: {e}", contest.shown))?
            .unwrap_or_default();
        Ok(contest)
    }

    fn read_folders(&mut self) -> Result<()> {
        let listing =
            std::fs::read_dir(&self.dir).with_context(|| format!("cannot list {}", self.shown))?;
        for item in listing.flatten() {
            let name = item.file_name().to_string_lossy().into_owned();
            if !item.path().is_dir() {
                continue;
            }
            self.taken.insert(name.to_lowercase());
            match read_toml::<Record>(&item.path().join(RECORD)) {
                Ok(None) => {}
                Ok(Some(record)) => {
                    let slot = self.records.entry(record.id.clone()).or_insert_with(|| Err(Vec::new()));
                    *slot = match std::mem::replace(slot, Err(Vec::new())) {
                        Err(none) if none.is_empty() => Ok((name, record)),
                        Ok((first, _)) => Err(vec![first, name]),
                        Err(mut several) => {
                            several.push(name);
                            Err(several)
                        }
                    };
                }
                Err(e) => self.notes.push(Note::new(NoteKind::Warning, format!("{}/{name}/{RECORD} cannot be read ({e}); the folder is treated as written by hand", self.shown))),
            }
        }
        Ok(())
    }

    /// Writes (or, when `dry_run`, only decides) what to do with `planned`.
    pub fn put(
        &mut self,
        planned: Planned,
        export: &str,
        attachments: Option<&Attachments>,
        dry_run: bool,
    ) -> Result<Done> {
        match self.records.get(&planned.key).cloned() {
            Some(Err(folders)) => Ok(self.ambiguous(&planned, &folders)),
            Some(Ok((folder, record))) => {
                self.update(planned, &folder, &record, export, attachments, dry_run)
            }
            None if self.ids.imported.contains(&id_hash(&planned.key)) => {
                Ok(self.removed(&planned))
            }
            None => self.create(planned, export, attachments, dry_run),
        }
    }

    fn ambiguous(&self, planned: &Planned, folders: &[String]) -> Done {
        let message = format!(
            "the folders {} all carry the import record of this response; none is updated",
            folders.join(", ")
        );
        Done {
            action: Action::Conflict,
            entry: Some(format!("{}/{}", self.shown, folders[0])),
            text: std::fs::read_to_string(self.dir.join(&folders[0]).join("index.md")).ok(),
            notes: vec![
                Note::new(NoteKind::Conflict, message)
                    .at(planned.row, None)
                    .hint(format!(
                        "a copied folder keeps the hidden {RECORD}: delete it from the copies"
                    )),
            ],
        }
    }

    fn removed(&self, planned: &Planned) -> Done {
        let message = "this response was imported before and its folder has been removed; it is not written again";
        Done {
            action: Action::RemovedByHand,
            entry: None,
            text: None,
            notes: vec![
                Note::new(NoteKind::Conflict, message)
                    .at(planned.row, None)
                    .hint(format!(
                        "to import it again, delete the line \"{}\" from {}/{IDS}",
                        id_hash(&planned.key),
                        self.shown
                    )),
            ],
        }
    }

    fn create(
        &mut self,
        planned: Planned,
        export: &str,
        attachments: Option<&Attachments>,
        dry_run: bool,
    ) -> Result<Done> {
        let (folder, mut notes) = self.new_slug(&planned);
        let entry = format!("{}/{folder}", self.shown);
        let text = front::render(&planned.front, &planned.body, &format!("{entry}/index.md"));
        let text = match text {
            Ok(text) => text,
            Err(why) => return Ok(refused(&planned, entry, why)),
        };
        self.taken.insert(folder.to_lowercase());
        self.ids.imported.insert(id_hash(&planned.key));
        self.ids_changed = true;
        if !dry_run {
            let temp = self
                .dir
                .join(format!(".sesh-new-{}-{folder}", std::process::id()));
            let written = self.fill(&temp, &planned, &text, export, attachments);
            if let Err(e) = written.and_then(|_| rename_new(&temp, &self.dir.join(&folder))) {
                let _ = std::fs::remove_dir_all(&temp);
                return Err(e.context(format!("cannot write {entry}")));
            }
        }
        notes.extend(planned.notes);
        Ok(Done {
            action: Action::New,
            entry: Some(entry),
            text: Some(text),
            notes,
        })
    }

    /// Writes a new entry's files into `dir` (a hidden folder renamed into place afterwards).
    fn fill(
        &self,
        dir: &Path,
        planned: &Planned,
        text: &str,
        export: &str,
        attachments: Option<&Attachments>,
    ) -> Result<()> {
        std::fs::create_dir_all(dir)?;
        let mut files = BTreeMap::new();
        for (index, name) in &planned.files {
            if let Some(attachments) = attachments {
                files.insert(name.clone(), attachments.copy_new(*index, &dir.join(name))?);
            }
        }
        std::fs::write(dir.join("index.md"), text)?;
        std::fs::write(
            dir.join(RECORD),
            record_text(&record_of(planned, export, text, files))?,
        )?;
        Ok(())
    }

    /// A free folder name from the planned slug base, with `-2`, `-3`… on a collision.
    fn new_slug(&self, planned: &Planned) -> (String, Vec<Note>) {
        let base = slug(&planned.slug_base);
        let base = if base.is_empty() {
            "entry".to_string()
        } else {
            base
        };
        let mut candidate = base.clone();
        let mut n = 1;
        while self.taken.contains(&candidate.to_lowercase()) {
            n += 1;
            candidate = format!("{base}-{n}");
        }
        let mut notes = Vec::new();
        if n > 1 {
            let message = format!(
                "the folder name `{base}` is taken (another entry, or an earlier row with the same title); written as `{candidate}`"
            );
            notes.push(Note::new(NoteKind::Warning, message).at(planned.row, None));
        }
        (candidate, notes)
    }

    /// Writes the list of imported ids (after every entry was written).
    pub fn finish(&self, dry_run: bool) -> Result<()> {
        if dry_run || !self.ids_changed {
            return Ok(());
        }
        let text = format!(
            "# Every response `sesh import` has written into this contest, as a hash of its id. A response\n# whose folder was removed by hand is not written again; to import it again, delete the line\n# the import report names.\n{}",
            toml::to_string(&self.ids)?
        );
        atomically(&self.dir.join(IDS), |f| Ok(f.write_all(text.as_bytes())?))
    }
}

pub(super) fn refused(planned: &Planned, entry: String, why: String) -> Done {
    let note = Note::new(NoteKind::Refused, format!("{why}; the row is not imported"))
        .at(planned.row, None);
    Done {
        action: Action::Refused,
        entry: Some(entry),
        text: None,
        notes: vec![note],
    }
}

/// The record of what was written for `planned`.
pub(super) fn record_of(
    planned: &Planned,
    export: &str,
    text: &str,
    files: BTreeMap<String, String>,
) -> Record {
    Record {
        id: planned.key.clone(),
        export: export.to_string(),
        row: planned.row,
        index: blake3::hash(text.as_bytes()).to_hex().to_string(),
        answers: planned.answers.clone(),
        files,
    }
}

/// A folder name as the loader computes it for itself (so that it is used unchanged): the
/// project's slug, at most 60 characters.
pub fn slug(text: &str) -> String {
    let mut slug: String = crate::slug::slugify(text).chars().take(60).collect();
    for _ in 0..3 {
        slug = slug.trim_matches(['-', '_']).to_string();
        let again = crate::slug::slugify(&slug);
        if again == slug {
            return slug;
        }
        slug = again;
    }
    String::new()
}

fn rename_new(temp: &Path, to: &Path) -> Result<()> {
    if to.exists() {
        bail!("`{}` appeared while importing", to.display());
    }
    std::fs::rename(temp, to)?;
    Ok(())
}

/// Writes `path` through a hidden temporary file beside it, renamed into place: a reader never
/// sees half a file, and an interrupted import leaves the old one whole.
pub fn atomically<T>(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<T>) -> Result<T> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.sesh-tmp-{}", std::process::id()));
    let result: Result<T> = (|| {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&temp)?);
        let value = write(&mut file)?;
        file.flush()?;
        std::fs::rename(&temp, path)?;
        Ok(value)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.with_context(|| format!("cannot write `{}`", path.display()))
}

/// A TOML file, `None` when it does not exist.
fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text)
            .map(Some)
            .map_err(|e| e.message().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_what_the_loader_keeps() {
        assert_eq!(slug("Testing Together!"), "testing-together");
        assert_eq!(slug("检测故事：我们一起"), "检测故事-我们一起");
        assert_eq!(slug("!!!"), "");
        let long = slug(&"很长的标题".repeat(40));
        assert_eq!(long.chars().count(), 60);
        for text in ["İstanbul poster", "a -- b", &"x-".repeat(40)] {
            let s = slug(text);
            assert_eq!(crate::slug::slugify(&s), s, "{text}");
            assert!(!s.ends_with('-'), "{s}");
        }
    }

    #[test]
    fn atomic_writes_leave_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.md");
        atomically(&path, |f| Ok(f.write_all(b"one")?)).unwrap();
        let failed: Result<()> = atomically(&path, |f| {
            f.write_all(b"half")?;
            bail!("interrupted")
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
