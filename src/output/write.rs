//! Writing into an output folder: a file at a time (atomically where a folder is being served),
//! only when its bytes changed since the last build ([`Written::write`]), and removing what a
//! build no longer produced, with the folders it leaves empty.

use super::{MARKER, Written};
use anyhow::{Context, Result};
use std::path::Path;

impl Written {
    /// Writes `bytes` (of `fingerprint`) at `path` inside `dir` unless the last build left the
    /// same bytes there, and records the file as produced; returns 1 if it wrote.
    pub fn write(
        &mut self,
        dir: &Path,
        path: &str,
        bytes: &[u8],
        fingerprint: u64,
    ) -> Result<usize> {
        // The file was written from the same inputs by the last build (sesh owns the folder).
        let same = self.get(path) == Some(fingerprint);
        if !same {
            write_file(dir, path, bytes, true)?;
        }
        self.produce(path, fingerprint);
        Ok(usize::from(!same))
    }
}

/// Writes `bytes` at `path` inside `dir`, creating folders as needed. With `atomic`, an
/// existing file is replaced atomically (written beside it, then renamed over it), so that
/// `sesh serve` never serves half a file; a staging folder nobody reads is simply overwritten.
pub fn write_file(dir: &Path, path: &str, bytes: &[u8], atomic: bool) -> Result<()> {
    let file = dir.join(path);
    if !atomic {
        // Most folders exist already (27,000 citation files share 50): try first, and create
        // the folder only when it is missing, instead of checking it before every file.
        match std::fs::write(&file, bytes) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            other => {
                return other.with_context(|| format!("cannot write `{}`", file.display()));
            }
        }
    }
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create `{}`", parent.display()))?;
    }
    if atomic && file.exists() {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = file.with_file_name(format!(".{name}.sesh-tmp"));
        std::fs::write(&temp, bytes)
            .with_context(|| format!("cannot write `{}`", temp.display()))?;
        std::fs::rename(&temp, &file)
            .with_context(|| format!("cannot replace `{}`", file.display()))
    } else {
        std::fs::write(&file, bytes).with_context(|| format!("cannot write `{}`", file.display()))
    }
}

/// Removes the files at `paths` inside `dir` (the files a build no longer produced), and the
/// folders they leave empty; returns how many files it removed.
pub fn remove_files(dir: &Path, paths: &[String]) -> Result<usize> {
    let mut removed = 0;
    for path in paths {
        let file = dir.join(path);
        if file.is_file() {
            std::fs::remove_file(&file)
                .with_context(|| format!("cannot remove `{}`", file.display()))?;
            removed += 1;
        }
        // Remove folders left empty (an entry withdrawn), up to the output folder itself.
        let mut parent = file.parent();
        while let Some(p) = parent.filter(|p| *p != dir) {
            if std::fs::remove_dir(p).is_err() {
                break;
            }
            parent = p.parent();
        }
    }
    Ok(removed)
}

/// Removes every file of `dir` that `written` does not list, but the marker: the first build
/// into a folder that holds files of an earlier session.
pub fn remove_unknown(dir: &Path, written: &Written) -> Result<usize> {
    let unknown: Vec<String> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| crate::report::display_path(dir, e.path()))
        .filter(|p| p != MARKER && written.get(p).is_none())
        .collect();
    remove_files(dir, &unknown)
}

/// Files GitHub Pages (and other static hosts) look for, beside the site's pages: `.nojekyll`
/// (serve files as they are, without Jekyll) and `CNAME` for a custom domain.
pub fn pages_extras(cname: Option<&str>) -> Vec<(&'static str, Vec<u8>)> {
    let mut files = vec![(".nojekyll", Vec::new())];
    if let Some(name) = cname {
        files.push(("CNAME", format!("{name}\n").into_bytes()));
    }
    files
}
