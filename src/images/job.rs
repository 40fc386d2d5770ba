//! JOB: one consented image from its source file to files in the staging folder.
//!
//! Takes a [`Job`] (source path, entry slug and folder); reads the file (refusing it above
//! `max_file_mb` before reading), hashes it into a cache [`Key`], and either reuses the cache
//! entry (a warm build: no decoding) or runs the [`pipeline`] inside [`isolate`] (a decoder panic
//! becomes a refusal for this image only), stores the result in the cache, and puts the files in
//! the staging folder under names built from the entry slug, width and key.

use super::budget::{Budget, isolate};
use super::cache::{self, Cache, Key, Size, Stored};
use super::pipeline::{self, Rendition};
use super::{Failure, Job, Outcome, Published, Variant};
use crate::config::ImageSettings;
use std::path::Path;

pub struct Run<'a> {
    pub settings: &'a ImageSettings,
    pub cache: Option<&'a Cache>,
    pub budget: Budget,
    pub out: &'a Path,
}

impl Run<'_> {
    pub fn job(&self, job: &Job) -> Outcome {
        let bytes = match read(job.source, self.settings.max_file_mb) {
            Ok(bytes) => bytes,
            Err(failure) => return Outcome::failed(None, failure),
        };
        let key = Key::new(&bytes, self.settings);
        if let Some(stored) = self.cache.and_then(|c| c.load(&key)) {
            let mut outcome = self.place_stored(job, key, &stored);
            outcome.reused = true;
            return outcome;
        }
        let made = isolate(|| pipeline::make(&bytes, self.settings, &self.budget))
            .unwrap_or_else(|panic| Err(crashed(&panic)));
        drop(bytes);
        let mut outcome = match made {
            Ok(rendition) => self.place_fresh(job, key, rendition),
            Err(failure) => self.refuse(key, failure),
        };
        outcome.decoded = true;
        outcome
    }

    /// A fresh rendition: stored in the cache and linked from there, else written directly.
    fn place_fresh(&self, job: &Job, key: Key, rendition: Rendition) -> Outcome {
        let (stored, files) = to_stored(rendition);
        if let Some(cache) = self.cache
            && cache.store(&key, &stored, &files).is_ok()
        {
            return self.place_stored(job, key, &stored);
        }
        let result = self.place(job, &key, &stored, |name, to| {
            let bytes = files.iter().find(|(n, _)| n == name).map(|(_, b)| b);
            let bytes = bytes.ok_or_else(|| std::io::Error::other("missing"))?;
            write(to, bytes)
        });
        Outcome::done(None, result, &stored)
    }

    fn place_stored(&self, job: &Job, key: Key, stored: &Stored) -> Outcome {
        let Some(cache) = self.cache else {
            return Outcome::failed(Some(key), Failure::passing("no cache".into()));
        };
        let entry = cache.entry(&key);
        let result = self.place(job, &key, stored, |name, to| {
            cache::link(&entry.join(name), to)
        });
        Outcome::done(Some(key), result, stored)
    }

    /// Puts every file of `stored` at its published path, with `put(cache name, destination)`.
    fn place(
        &self,
        job: &Job,
        key: &Key,
        stored: &Stored,
        put: impl Fn(&str, &Path) -> std::io::Result<()>,
    ) -> Result<Published, Failure> {
        let (extension, sizes) = match stored {
            Stored::Made {
                extension, sizes, ..
            } => (extension, sizes),
            Stored::Refused { message, hint } => return Err(Failure::new(message, hint)),
        };
        let mut variants = Vec::with_capacity(sizes.len());
        for size in sizes.iter().rev() {
            let name = |ext: &str| {
                format!(
                    "{}/{}-{}-{}.{ext}",
                    job.dir,
                    job.slug,
                    size.width,
                    key.short()
                )
            };
            let path = name(extension);
            let webp = size.webp.then(|| name("webp"));
            for (published, ext) in [(Some(&path), extension.as_str()), (webp.as_ref(), "webp")] {
                if let Some(published) = published {
                    put(
                        &cache::file_name(size.width, ext),
                        &self.out.join(published),
                    )
                    .map_err(|e| Failure::passing(format!("cannot write `{published}` ({e})")))?;
                }
            }
            variants.push(Variant {
                width: size.width,
                height: size.height,
                path,
                webp,
            });
        }
        Ok(Published { variants })
    }

    fn refuse(&self, key: Key, failure: Failure) -> Outcome {
        if failure.lasting
            && let Some(cache) = self.cache
        {
            let stored = Stored::Refused {
                message: failure.message.clone(),
                hint: failure.hint.clone(),
            };
            if cache.store(&key, &stored, &[]).is_ok() {
                return Outcome::failed(Some(key), failure);
            }
        }
        Outcome::failed(None, failure)
    }
}

impl Outcome {
    fn failed(key: Option<Key>, failure: Failure) -> Outcome {
        Outcome {
            key,
            decoded: false,
            reused: false,
            result: Err(failure),
            notes: Vec::new(),
        }
    }

    fn done(key: Option<Key>, result: Result<Published, Failure>, stored: &Stored) -> Outcome {
        let notes = match stored {
            Stored::Made { notes, .. } => notes.clone(),
            Stored::Refused { .. } => Vec::new(),
        };
        Outcome {
            key,
            decoded: false,
            reused: false,
            result,
            notes,
        }
    }
}

/// The cache's record of a rendition, and its files by cache name.
fn to_stored(rendition: Rendition) -> (Stored, Vec<(String, Vec<u8>)>) {
    let mut files = Vec::new();
    let mut sizes = Vec::new();
    for size in rendition.sizes {
        files.push((cache::file_name(size.width, rendition.extension), size.main));
        let webp = size.webp.is_some();
        if let Some(bytes) = size.webp {
            files.push((cache::file_name(size.width, "webp"), bytes));
        }
        sizes.push(Size {
            width: size.width,
            height: size.height,
            webp,
        });
    }
    let stored = Stored::Made {
        extension: rendition.extension.to_string(),
        sizes,
        notes: rendition.notes,
    };
    (stored, files)
}

/// The file's bytes, refusing files over the size limit before reading them.
fn read(path: &Path, max_file_mb: u64) -> Result<Vec<u8>, Failure> {
    let unreadable = |e: std::io::Error| Failure::passing(format!("cannot read the file ({e})"));
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > max_file_mb.saturating_mul(1 << 20) {
        return Err(Failure {
            lasting: false,
            ..Failure::new(
                format!(
                    "the file is {} MB, more than the {max_file_mb} MB limit",
                    size >> 20
                ),
                "export a smaller version (a JPEG of a few MB is plenty for the web), or raise max_file_mb under [images] in sesh.toml",
            )
        });
    }
    std::fs::read(path).map_err(unreadable)
}

fn write(to: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(to, bytes)
}

fn crashed(panic: &str) -> Failure {
    Failure::new(
        format!("the decoder crashed on this file ({panic}); it is probably damaged"),
        "open it in an image editor and export it again as JPEG or PNG",
    )
}
