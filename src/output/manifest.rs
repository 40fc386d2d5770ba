//! The output folder's manifest: what each file was written from, so that a build into a folder
//! that already holds a site rewrites only what changed and removes only what is gone. It is
//! kept in the folder's marker file (see [`super::MARKER`]).

use super::{MARKER, MARKER_TEXT};
use anyhow::{Context, Result};
use rayon::slice::ParallelSliceMut;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

const MANIFEST_HEADER: &str = "# sesh manifest 2: fingerprint, path; generation ";

/// Output file path → fingerprint of what it was written from.
pub type Manifest = HashMap<String, u64>;

/// What an output folder holds, kept up to date in place by each build into it: path →
/// fingerprint of what the file was written from. A build [`begin`](Written::begin)s, says
/// which files it [`produce`](Written::produce)s, and [`finish`](Written::finish)es by taking
/// out the files it did not produce (to be removed). Entries stay where a build produced them
/// again, so a rebuild that changes a few of 40,000 files costs lookups, not a new table.
#[derive(Debug, Default)]
pub struct Written {
    /// Path → (fingerprint, the last build that produced the file). Hashed with foldhash:
    /// a rebuild looks up every file, and SipHash made that most of its bookkeeping.
    files: foldhash::HashMap<String, (u64, u32)>,
    build: u32,
    /// Distinct files produced by the current build.
    produced: usize,
}

impl Written {
    /// The fingerprint of the file at `path`, if the folder holds one sesh wrote.
    pub fn get(&self, path: &str) -> Option<u64> {
        self.files.get(path).map(|(fp, _)| *fp)
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Every file with its fingerprint, in no order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u64)> {
        self.files
            .iter()
            .map(|(path, (fp, _))| (path.as_str(), *fp))
    }

    /// Starts a build of about `files` files: from now on, every file counts as not
    /// produced until it is. (The table grows once, not by doubling as a fresh build fills it.)
    pub fn begin(&mut self, files: usize) {
        self.build = self.build.wrapping_add(1);
        self.produced = 0;
        self.files.reserve(files.saturating_sub(self.files.len()));
    }

    /// Records that the current build produced `path` from `fingerprint` (the file at `path`
    /// now holds those bytes: call it after writing them).
    pub fn produce(&mut self, path: &str, fingerprint: u64) {
        match self.files.get_mut(path) {
            Some(entry) => {
                if entry.1 != self.build {
                    self.produced += 1;
                }
                *entry = (fingerprint, self.build);
            }
            None => {
                self.files
                    .insert(path.to_string(), (fingerprint, self.build));
                self.produced += 1;
            }
        }
    }

    pub fn remove(&mut self, path: &str) {
        self.files.remove(path);
    }

    /// Ends the build: removes and returns the files it did not produce.
    pub fn finish(&mut self) -> Vec<String> {
        if self.produced == self.files.len() {
            return Vec::new();
        }
        let build = self.build;
        let stale: Vec<String> = self
            .files
            .iter()
            .filter(|(_, (_, b))| *b != build)
            .map(|(path, _)| path.clone())
            .collect();
        for path in &stale {
            self.files.remove(path);
        }
        self.produced = self.files.len();
        stale
    }
}

impl From<&Manifest> for Written {
    fn from(manifest: &Manifest) -> Written {
        Written {
            files: manifest
                .iter()
                .map(|(path, fp)| (path.clone(), (*fp, 0)))
                .collect(),
            build: 0,
            produced: 0,
        }
    }
}

pub(super) fn parse_manifest(marker: &str) -> Option<(Manifest, u64)> {
    let body = marker.split_once(MANIFEST_HEADER)?.1;
    let (generation, lines) = body.split_once('\n')?;
    let generation = u64::from_str_radix(generation.trim(), 16).ok()?;
    let manifest = lines
        .lines()
        .map(|line| {
            let (fp, path) = line.split_once(' ')?;
            Some((path.to_string(), u64::from_str_radix(fp, 16).ok()?))
        })
        .collect::<Option<Manifest>>()?;
    Some((manifest, generation))
}

pub(super) fn write_manifest(dir: &Path, written: &Written, generation: u64) -> Result<()> {
    let mut lines: Vec<(&str, u64)> = written.iter().collect();
    lines.par_sort_unstable();
    let mut text = format!("{MARKER_TEXT}{MANIFEST_HEADER}{generation:016x}\n");
    text.reserve(lines.iter().map(|(path, _)| path.len() + 18).sum());
    for (path, fp) in lines {
        let _ = writeln!(text, "{fp:016x} {path}");
    }
    std::fs::write(dir.join(MARKER), text).context("cannot write the output manifest")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stale_after(written: &mut Written, produced: &[(&str, u64)]) -> Vec<String> {
        written.begin(0);
        for (path, fp) in produced {
            written.produce(path, *fp);
        }
        let mut stale = written.finish();
        stale.sort();
        stale
    }

    #[test]
    fn a_build_finds_stale_exactly_the_files_it_did_not_produce_again() {
        let mut written = Written::default();
        let first = [
            ("a/index.html", 1),
            ("b/index.html", 2),
            ("c/index.html", 3),
        ];
        assert!(stale_after(&mut written, &first).is_empty());
        assert_eq!(written.len(), 3);
        // Same files, one changed: nothing stale, the new fingerprint recorded.
        let same = [
            ("a/index.html", 1),
            ("b/index.html", 9),
            ("c/index.html", 3),
        ];
        assert!(stale_after(&mut written, &same).is_empty());
        assert_eq!(written.get("b/index.html"), Some(9));
        // An entry withdrawn, another added.
        let next = [
            ("a/index.html", 1),
            ("c/index.html", 3),
            ("d/index.html", 4),
        ];
        assert_eq!(stale_after(&mut written, &next), ["b/index.html"]);
        assert_eq!(written.get("b/index.html"), None);
        assert_eq!(written.len(), 3);
        // A path produced twice counts once: it cannot hide a file that is gone.
        let twice = [
            ("a/index.html", 1),
            ("a/index.html", 1),
            ("c/index.html", 3),
        ];
        assert_eq!(stale_after(&mut written, &twice), ["d/index.html"]);
        // A build that produced nothing leaves nothing behind.
        assert_eq!(
            stale_after(&mut written, &[]),
            ["a/index.html", "c/index.html"]
        );
        assert!(written.is_empty());
    }

    #[test]
    fn the_manifest_a_build_starts_from_reads_back_as_written() {
        let manifest: Manifest = [("a/index.html".to_string(), 7u64), ("x.css".into(), 8)].into();
        let mut written = Written::from(&manifest);
        assert_eq!(written.get("a/index.html"), Some(7));
        // Files of the previous output that the first build does not produce are stale.
        assert_eq!(stale_after(&mut written, &[("x.css", 8)]), ["a/index.html"]);
        let mut listed: Vec<(&str, u64)> = written.iter().collect();
        listed.sort();
        assert_eq!(listed, [("x.css", 8)]);
    }
}
