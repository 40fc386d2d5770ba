//! CACHE: processed images kept between builds, outside the source and output folders.
//!
//! Takes a source file's bytes and the settings that change output; produces a [`Key`] (BLAKE3 of
//! both and of the pipeline version, never a modification time). Each key owns a folder
//! `<cache_dir>/images/<key>/` holding the encoded sizes and `meta.json` (sizes, or the reason the
//! image was refused). Folders are written under a temporary name and renamed into place, so a
//! killed build never leaves a half-written entry. A warm build reads `meta.json` and hard-links
//! (else copies) the files into the output: nothing is decoded. Entries no published image used in
//! a build are pruned at its end, so a withdrawn entry's derivatives do not linger.

use super::PIPELINE_VERSION;
use crate::config::ImageSettings;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

/// BLAKE3 of the source bytes and every setting that changes output, as 32 hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key(String);

impl Key {
    pub fn new(bytes: &[u8], settings: &ImageSettings) -> Key {
        let mut hasher = blake3::Hasher::new();
        hasher.update(bytes);
        hasher.update(fingerprint(settings).as_bytes());
        Key(hasher.finalize().to_hex()[..32].to_string())
    }

    /// The short form used in output file names.
    pub fn short(&self) -> &str {
        &self.0[..10]
    }
}

/// Settings that change output bytes (not the cache folder nor the memory budget).
fn fingerprint(s: &ImageSettings) -> String {
    format!(
        "|pipeline={PIPELINE_VERSION}|widths={:?}|quality={}|webp={}|background={:?}|max_megapixels={}",
        s.widths, s.quality, s.webp, s.background, s.max_megapixels
    )
}

/// What the cache remembers about one source image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stored {
    Made {
        /// `jpg` or `png`.
        extension: String,
        /// Largest first.
        sizes: Vec<Size>,
        /// Non-fatal remarks (an unusable colour profile…), repeated as warnings on every build.
        notes: Vec<String>,
    },
    Refused {
        message: String,
        hint: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Size {
    pub width: u32,
    pub height: u32,
    /// A WebP file of this size exists (`webp = true` and it is smaller than the main file).
    pub webp: bool,
}

/// File name of one size inside an entry folder.
pub fn file_name(width: u32, extension: &str) -> String {
    format!("{width}.{extension}")
}

const META: &str = "meta.json";
const TEMP_PREFIX: &str = ".tmp-";

pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// Opens (creating) `<cache_dir>/images`.
    pub fn open(cache_dir: &Path) -> io::Result<Cache> {
        let dir = cache_dir.join("images");
        std::fs::create_dir_all(&dir)?;
        let tag = cache_dir.join("CACHEDIR.TAG");
        if !tag.exists() {
            std::fs::write(
                &tag,
                "Signature: 8a477f597d28d172789f06886806bc55\n# sesh's cache: safe to delete, rebuilt on the next build.\n",
            )?;
        }
        Ok(Cache { dir })
    }

    pub fn entry(&self, key: &Key) -> PathBuf {
        self.dir.join(&key.0)
    }

    /// The stored outcome for `key`, if complete (its metadata and every file present).
    pub fn load(&self, key: &Key) -> Option<Stored> {
        let dir = self.entry(key);
        let text = std::fs::read_to_string(dir.join(META)).ok()?;
        let stored: Stored = serde_json::from_str(&text).ok()?;
        if let Stored::Made {
            extension, sizes, ..
        } = &stored
        {
            let present = |name: String| dir.join(name).is_file();
            let complete = sizes.iter().all(|s| {
                present(file_name(s.width, extension))
                    && (!s.webp || present(file_name(s.width, "webp")))
            });
            if !complete {
                return None;
            }
        }
        Some(stored)
    }

    /// Stores `files` (name, bytes) and `stored` for `key`, atomically.
    pub fn store(&self, key: &Key, stored: &Stored, files: &[(String, Vec<u8>)]) -> io::Result<()> {
        let temp = self.dir.join(format!(
            "{TEMP_PREFIX}{}-{}-{}",
            key.0,
            std::process::id(),
            unique()
        ));
        std::fs::create_dir(&temp)?;
        let written = write_entry(&temp, stored, files);
        let moved = written.and_then(|()| self.move_into_place(key, &temp));
        if moved.is_err() || temp.exists() {
            let _ = std::fs::remove_dir_all(&temp);
        }
        moved
    }

    /// Renames `temp` to the key's folder. Another job (the same image in two entries) or another
    /// build may have stored it first: a complete entry is kept as is (it may be being linked
    /// from), an incomplete one is replaced.
    fn move_into_place(&self, key: &Key, temp: &Path) -> io::Result<()> {
        let target = self.entry(key);
        if std::fs::rename(temp, &target).is_ok() || self.load(key).is_some() {
            return Ok(());
        }
        std::fs::remove_dir_all(&target)?;
        std::fs::rename(temp, &target)
    }

    /// Removes every entry not in `keep` (and leftovers of killed builds); returns how many.
    pub fn prune(&self, keep: &HashSet<Key>) -> usize {
        let keep: HashSet<&str> = keep.iter().map(|k| k.0.as_str()).collect();
        let Ok(items) = std::fs::read_dir(&self.dir) else {
            return 0;
        };
        let mut removed = 0;
        for item in items.flatten() {
            let name = item.file_name().to_string_lossy().into_owned();
            let ours = is_key(&name) && !keep.contains(name.as_str());
            let stale_temp = name.starts_with(TEMP_PREFIX) && older_than_an_hour(&item.path());
            if (ours || stale_temp) && std::fs::remove_dir_all(item.path()).is_ok() {
                removed += usize::from(ours);
            }
        }
        removed
    }
}

fn write_entry(dir: &Path, stored: &Stored, files: &[(String, Vec<u8>)]) -> io::Result<()> {
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes)?;
    }
    let meta = serde_json::to_string_pretty(stored).map_err(io::Error::other)?;
    // Written last: an entry without it is incomplete and never read.
    std::fs::write(dir.join(META), meta)
}

/// Only folders named like a key are ever deleted, whatever the cache folder is set to.
fn is_key(name: &str) -> bool {
    name.len() == 32
        && name
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

fn older_than_an_hour(path: &Path) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age.as_secs() > 3600)
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Puts `from` (a cache file) at `to` (in the output folder): a hard link when possible.
///
/// `to` may already exist (`sesh serve` rebuilds into the same folder). It is then removed
/// first, never written through: it may be a hard link to this very cache file, and copying
/// onto it would truncate the cache entry.
pub fn link(from: &Path, to: &Path) -> io::Result<()> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)?;
    }
    if same_file(from, to) {
        return Ok(());
    }
    if to.symlink_metadata().is_ok() {
        std::fs::remove_file(to)?;
    }
    std::fs::hard_link(from, to).or_else(|_| std::fs::copy(from, to).map(|_| ()))
}

#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &Path, _: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linking_again_never_truncates_the_cache_file() {
        let dir = temp("relink");
        std::fs::create_dir_all(&dir).unwrap();
        let cached = dir.join("cached.jpg");
        let out = dir.join("out/x.jpg");
        std::fs::write(&cached, b"pixels").unwrap();
        link(&cached, &out).unwrap();
        link(&cached, &out).unwrap();
        std::fs::write(dir.join("other.jpg"), b"other").unwrap();
        link(&dir.join("other.jpg"), &out).unwrap();
        assert_eq!(std::fs::read(&cached).unwrap(), b"pixels");
        assert_eq!(std::fs::read(&out).unwrap(), b"other");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sesh-cache-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn keys_depend_on_bytes_and_output_settings_only() {
        let s = ImageSettings::default();
        let q = ImageSettings {
            quality: 90,
            ..ImageSettings::default()
        };
        let m = ImageSettings {
            memory_mb: 7,
            ..ImageSettings::default()
        };
        assert_ne!(Key::new(b"a", &s), Key::new(b"b", &s));
        assert_ne!(Key::new(b"a", &s), Key::new(b"a", &q));
        assert_eq!(Key::new(b"a", &s), Key::new(b"a", &m));
        assert_eq!(Key::new(b"a", &s).short().len(), 10);
    }

    #[test]
    fn entries_are_stored_loaded_and_pruned() {
        let dir = temp("roundtrip");
        let cache = Cache::open(&dir).unwrap();
        let key = Key::new(b"x", &ImageSettings::default());
        let stored = Stored::Made {
            extension: "jpg".into(),
            sizes: vec![Size {
                width: 8,
                height: 4,
                webp: false,
            }],
            notes: vec![],
        };
        assert_eq!(cache.load(&key), None);
        cache
            .store(&key, &stored, &[("8.jpg".into(), b"jpeg".to_vec())])
            .unwrap();
        assert_eq!(cache.load(&key), Some(stored.clone()));
        let other = Stored::Refused {
            message: "m".into(),
            hint: "h".into(),
        };
        cache.store(&key, &other, &[]).unwrap();
        assert_eq!(
            cache.load(&key),
            Some(stored.clone()),
            "a complete entry is kept"
        );
        assert_eq!(
            std::fs::read_dir(dir.join("images")).unwrap().count(),
            1,
            "no temporary left"
        );
        std::fs::remove_file(cache.entry(&key).join("8.jpg")).unwrap();
        assert_eq!(cache.load(&key), None, "an incomplete entry is a miss");
        std::fs::create_dir_all(dir.join("images/not-a-key")).unwrap();
        assert_eq!(cache.prune(&HashSet::new()), 1);
        assert!(!cache.entry(&key).exists());
        assert!(
            dir.join("images/not-a-key").exists(),
            "foreign folders are left alone"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
