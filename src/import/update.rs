//! Importing a row whose entry was imported before: while its `index.md` is exactly as import
//! wrote it, the entry is rewritten from the newer export (media copied again only when the
//! file changed, and never over a copy replaced by hand); once edited by hand, it is left alone
//! ([`super::withdraw`] applies a withdrawal all the same).

use super::attachments::{Attachments, hash_file};
use super::entry::Planned;
use super::front;
use super::report::{Action, Note, NoteKind};
use super::withdraw;
use super::write::{Contest, Done, RECORD, Record, atomically, record_of, record_text, refused};
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::Path;

impl Contest {
    /// An entry imported before: rewritten while untouched; edited by hand, left alone except
    /// for a withdrawal.
    pub(super) fn update(
        &mut self,
        planned: Planned,
        folder: &str,
        record: &Record,
        export: &str,
        attachments: Option<&Attachments>,
        dry_run: bool,
    ) -> Result<Done> {
        let dir = self.dir.join(folder);
        let entry = format!("{}/{folder}", self.shown);
        let index = dir.join("index.md");
        let current = std::fs::read(&index).ok();
        let untouched = current
            .as_ref()
            .is_some_and(|bytes| blake3::hash(bytes).to_hex().as_str() == record.index);
        if !untouched {
            let current = current.map(|b| String::from_utf8_lossy(&b).into_owned());
            return withdraw::conflict(&planned, record, &entry, &index, current, dry_run);
        }
        let text = match front::render(&planned.front, &planned.body, &format!("{entry}/index.md"))
        {
            Ok(text) => text,
            Err(why) => return Ok(refused(&planned, entry, why)),
        };
        let mut notes = planned.notes.clone();
        let (files, changed_files) =
            self.media(&planned, &dir, record, attachments, dry_run, &mut notes)?;
        let new_record = record_of(&planned, export, &text, files);
        let same_text = current.as_deref() == Some(text.as_bytes());
        let action = if same_text && !changed_files {
            Action::Unchanged
        } else {
            Action::Updated
        };
        if !dry_run {
            if !same_text {
                atomically(&index, |f| Ok(f.write_all(text.as_bytes())?))?;
            }
            if new_record != *record {
                let record_text = record_text(&new_record)?;
                atomically(&dir.join(RECORD), |f| {
                    Ok(f.write_all(record_text.as_bytes())?)
                })?;
            }
        }
        Ok(Done {
            action,
            entry: Some(entry),
            text: Some(text),
            notes,
        })
    }

    /// Copies an updated entry's media: new files and files whose source changed, unless the
    /// copy in the folder was replaced by hand. Returns the hashes to record and whether any
    /// file was (or would be) written.
    fn media(
        &self,
        planned: &Planned,
        dir: &Path,
        record: &Record,
        attachments: Option<&Attachments>,
        dry_run: bool,
        notes: &mut Vec<Note>,
    ) -> Result<(BTreeMap<String, String>, bool)> {
        let mut files = BTreeMap::new();
        let mut changed = false;
        let Some(attachments) = attachments else {
            return Ok((record.files.clone(), false));
        };
        for (index, name) in &planned.files {
            let path = dir.join(name);
            let present = hash_file(&path);
            let recorded = record.files.get(name);
            if present.is_some() && present.as_ref() != recorded {
                let message = format!("{name} was replaced by hand; it is left as it is");
                notes.push(Note::new(NoteKind::Conflict, message).at(planned.row, None));
                files.insert(name.clone(), recorded.cloned().unwrap_or_default());
                continue;
            }
            let source = attachments.hash(*index)?;
            if present.as_ref() == Some(&source) {
                files.insert(name.clone(), source);
                continue;
            }
            changed = true;
            let hash = if dry_run {
                source
            } else {
                attachments.copy(*index, &path)?
            };
            files.insert(name.clone(), hash);
        }
        Ok((files, changed))
    }
}
