//! The files a form tool exported beside the responses (`--attachments`: a folder or a `.zip`),
//! found by the names the export's cells give, and copied (never moved) into entry folders.
//!
//! A cell is matched case-insensitively after trimming, by its whole path and then by its last
//! path component (KoboToolbox and ODK put `…/attachments/<id>/photo.jpg` in cells or in the
//! zip). A name that several files share is not guessed: it is reported as ambiguous. Zip
//! entries whose names hold `..` or an absolute path are refused and listed, never extracted.

use anyhow::{Context, Result, bail};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The attachments found, by name.
pub struct Attachments {
    /// The folder or zip, as given.
    pub shown: String,
    files: Vec<Item>,
    by_path: HashMap<String, usize>,
    by_name: HashMap<String, Vec<usize>>,
    zip: Option<std::sync::Mutex<zip::ZipArchive<std::fs::File>>>,
    /// Zip entries refused for their names.
    pub refused: Vec<String>,
}

struct Item {
    /// Relative path, `/`-separated.
    rel: String,
    at: Where,
}

enum Where {
    File(PathBuf),
    ZipEntry(usize),
}

/// What a cell's file name found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Found(usize),
    Missing,
    /// Several files have this name (how many).
    Ambiguous(usize),
}

/// Zip entries larger than this are not extracted (what a form tool exports is far smaller;
/// a larger one is a zip bomb or a mistake).
const MAX_ENTRY: u64 = 4 << 30;

impl Attachments {
    /// Lists the files of the folder or zip at `path`.
    pub fn open(path: &Path) -> Result<Attachments> {
        let shown = path.display().to_string();
        let mut found = Attachments {
            shown: shown.clone(),
            files: Vec::new(),
            by_path: HashMap::new(),
            by_name: HashMap::new(),
            zip: None,
            refused: Vec::new(),
        };
        if path.is_dir() {
            found.list_folder(path)?;
        } else if path.is_file() {
            found.list_zip(path)?;
        } else {
            bail!(
                "--attachments `{shown}`: no such folder or file\n  hint: give the folder or the .zip of files the form tool exported"
            );
        }
        for (i, item) in found.files.iter().enumerate() {
            let key = item.rel.to_lowercase();
            let name = key.rsplit('/').next().unwrap_or(&key).to_string();
            found.by_path.insert(key, i);
            found.by_name.entry(name).or_default().push(i);
        }
        Ok(found)
    }

    fn list_folder(&mut self, dir: &Path) -> Result<()> {
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.with_context(|| format!("cannot list `{}`", self.shown))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = crate::report::display_path(dir, entry.path());
            self.files.push(Item {
                rel,
                at: Where::File(entry.into_path()),
            });
        }
        Ok(())
    }

    fn list_zip(&mut self, path: &Path) -> Result<()> {
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot open `{}`", self.shown))?;
        let mut archive = zip::ZipArchive::new(file).with_context(|| {
            format!(
                "--attachments `{}` is neither a folder nor a readable .zip",
                self.shown
            )
        })?;
        for i in 0..archive.len() {
            let entry = archive
                .by_index(i)
                .with_context(|| format!("{}: cannot read entry {}", self.shown, i + 1))?;
            if entry.is_dir() {
                continue;
            }
            let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
            match entry.enclosed_name() {
                Some(path) if !name.is_empty() && !escapes(&name) => self.files.push(Item {
                    rel: crate::report::display_path(Path::new(""), &path),
                    at: Where::ZipEntry(i),
                }),
                _ => self.refused.push(name),
            }
        }
        self.zip = Some(std::sync::Mutex::new(archive));
        Ok(())
    }

    /// The file a cell names.
    pub fn find(&self, cell: &str) -> Lookup {
        let key = cell.trim().replace('\\', "/").to_lowercase();
        let key = key.trim_start_matches("./");
        if key.is_empty() {
            return Lookup::Missing;
        }
        if let Some(i) = self.by_path.get(key) {
            return Lookup::Found(*i);
        }
        // A path in the cell, or a zip that put the files in folders: the last component.
        let name = key.rsplit('/').next().unwrap_or(key);
        match self.by_name.get(name).map(Vec::as_slice) {
            Some([one]) => Lookup::Found(*one),
            Some(several) if !several.is_empty() => Lookup::Ambiguous(several.len()),
            _ => Lookup::Missing,
        }
    }

    /// The found file's path inside the folder or zip.
    pub fn name(&self, index: usize) -> &str {
        &self.files[index].rel
    }

    /// Hashes the found file (BLAKE3, hex), reading it once.
    pub fn hash(&self, index: usize) -> Result<String> {
        self.stream(index, &mut std::io::sink())
    }

    /// Copies the found file to `to` (through a temporary file beside it, renamed into place);
    /// returns the copy's hash.
    pub fn copy(&self, index: usize, to: &Path) -> Result<String> {
        super::write::atomically(to, |file| self.stream(index, file))
    }

    /// Copies the found file to `to` directly: for a new entry's folder, which no one reads
    /// before it is renamed into place whole.
    pub fn copy_new(&self, index: usize, to: &Path) -> Result<String> {
        let mut file = std::fs::File::create(to)
            .with_context(|| format!("cannot create `{}`", to.display()))?;
        self.stream(index, &mut file)
    }

    /// Reads the found file into `out`, hashing it.
    fn stream(&self, index: usize, out: &mut dyn Write) -> Result<String> {
        let item = &self.files[index];
        match &item.at {
            Where::File(path) => {
                let mut file = std::fs::File::open(path)
                    .with_context(|| format!("cannot read `{}`", path.display()))?;
                pump(&mut file, out).with_context(|| format!("cannot copy `{}`", path.display()))
            }
            Where::ZipEntry(i) => {
                let zip = self.zip.as_ref().context("zip archive closed")?;
                let mut archive = zip
                    .lock()
                    .map_err(|_| anyhow::anyhow!("zip archive unusable"))?;
                let entry = archive.by_index(*i)?;
                let mut limited = LimitedRead(entry.take(MAX_ENTRY + 1), 0);
                let hash = pump(&mut limited, out)
                    .with_context(|| format!("{}: cannot extract `{}`", self.shown, item.rel))?;
                if limited.1 > MAX_ENTRY {
                    bail!(
                        "{}: `{}` is larger than 4 GB once extracted; not copied",
                        self.shown,
                        item.rel
                    );
                }
                Ok(hash)
            }
        }
    }
}

/// Copies `from` into `out` in large blocks (a phone video is hundreds of megabytes), hashing
/// what passes; returns the BLAKE3 hash, hex.
fn pump(from: &mut dyn Read, out: &mut dyn Write) -> std::io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    let mut buf = vec![0; 256 << 10];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n])?;
    }
    Ok(hasher.finalize().to_hex().to_string())
}

/// A reader that counts what it gave.
struct LimitedRead<R>(R, u64);

impl<R: Read> Read for LimitedRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(buf)?;
        self.1 += n as u64;
        Ok(n)
    }
}

/// Whether a zip entry's name leaves the folder it is extracted to: absolute, a drive letter,
/// or a `..` component (checked here as well as by the zip reader, to fail closed).
fn escapes(name: &str) -> bool {
    name.starts_with(['/', '\\'])
        || name.contains(':')
        || name.split(['/', '\\']).any(|part| part == "..")
}

/// The BLAKE3 hash (hex) of a file already in an entry folder; `None` when it cannot be read.
pub fn hash_file(path: &Path) -> Option<String> {
    let mut file = std::fs::File::open(path).ok()?;
    pump(&mut file, &mut std::io::sink()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_found_by_path_then_by_name_case_insensitively() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("user/attachments/a1")).unwrap();
        std::fs::create_dir_all(root.join("user/attachments/a2")).unwrap();
        std::fs::write(root.join("user/attachments/a1/Poster.JPG"), b"1").unwrap();
        std::fs::write(root.join("user/attachments/a1/same.png"), b"2").unwrap();
        std::fs::write(root.join("user/attachments/a2/same.png"), b"3").unwrap();
        let found = Attachments::open(root).unwrap();
        assert!(matches!(found.find(" poster.jpg "), Lookup::Found(_)));
        assert!(matches!(
            found.find("C:\\phone\\DCIM\\poster.jpg"),
            Lookup::Found(_)
        ));
        assert!(matches!(
            found.find("user/attachments/a2/same.png"),
            Lookup::Found(_)
        ));
        assert_eq!(found.find("same.png"), Lookup::Ambiguous(2));
        assert_eq!(found.find("other.jpg"), Lookup::Missing);
        assert_eq!(found.find(""), Lookup::Missing);
    }

    #[test]
    fn zip_entries_leaving_the_archive_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("files.zip");
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let options = zip::write::SimpleFileOptions::default();
        for name in [
            "media/ok.jpg",
            "../evil.jpg",
            "/etc/evil.jpg",
            "a/../../b.jpg",
        ] {
            zip.start_file(name, options).unwrap();
            zip.write_all(b"data").unwrap();
        }
        zip.finish().unwrap();
        let found = Attachments::open(&path).unwrap();
        assert_eq!(found.refused.len(), 3, "{:?}", found.refused);
        let Lookup::Found(i) = found.find("ok.jpg") else {
            panic!("ok.jpg not found")
        };
        let copy = dir.path().join("copy.jpg");
        let hash = found.copy(i, &copy).unwrap();
        assert_eq!(std::fs::read(&copy).unwrap(), b"data");
        assert_eq!(Some(hash), hash_file(&copy));
        assert_eq!(found.find("evil.jpg"), Lookup::Missing);
    }
}
