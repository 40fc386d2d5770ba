//! MEDIA: consented videos, audio, documents and caption files, cleaned of their metadata and
//! written under names that reveal nothing.
//!
//! Takes the consented media of the public model (like [`crate::images`], this stage never looks
//! for files itself) and produces files in the staging folder plus a [`MediaFiles`] index that
//! pages use for addresses, sizes, durations and page counts. No file is ever copied as it is:
//! MP4/MOV/M4A containers are rewritten without `udta`/`meta`/`uuid` boxes ([`mp4`]), PDFs are
//! rewritten without Info/XMP metadata, thumbnails and comments ([`pdf`]), WebVTT captions without
//! comments and styles ([`vtt`]). A file that cannot be cleaned is refused, reported with the
//! entry file, the field and a hint, and left out; the rest of the site builds. Output names are
//! the entry slug and a hash of the cleaned bytes (`testing-together-1a2b3c4d5e.mp4`).

pub mod mp4;
pub mod pdf;
#[doc(hidden)]
pub mod testdata;
pub mod vtt;

use crate::public::{Contest, Entry, Media, MediaKind, PublicSite};
use crate::report::{Problem, display_path};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// GitHub Pages refuses files larger than this.
pub const PAGES_FILE_LIMIT: u64 = 100 * 1000 * 1000;
/// Larger files are refused before being read: a file is held in memory twice while it is
/// rewritten (source and cleaned copy), on each core; Pages refuses it anyway.
pub const MAX_FILE: u64 = 512 * 1000 * 1000;

/// One published (cleaned) file.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedFile {
    /// Path inside the output folder, `/`-separated.
    pub path: String,
    pub bytes: u64,
    /// Pages of a document.
    pub pages: Option<usize>,
    /// Seconds declared by a video or audio container.
    pub seconds: Option<f64>,
}

/// Source file → its published, cleaned copy (media files and caption files alike).
#[derive(Debug, Default)]
pub struct MediaFiles {
    pub by_source: HashMap<PathBuf, PublishedFile>,
}

impl MediaFiles {
    pub fn get(&self, source: &Path) -> Option<&PublishedFile> {
        self.by_source.get(source)
    }
}

/// What to clean: a media item's own file, or one of its caption tracks.
struct Job<'a> {
    source: &'a Path,
    /// As listed in front matter.
    file: &'a str,
    what: Kind,
    contest: &'a Contest,
    entry: &'a Entry,
}

#[derive(Clone, Copy)]
enum Kind {
    Media(MediaKind),
    Captions,
}

/// Cleans and writes every consented video, audio, document and caption file of `site`.
pub fn publish(site: &PublicSite, root: &Path, out: &Path) -> (MediaFiles, Vec<Problem>) {
    let jobs = jobs(site);
    let results: Vec<Result<(PublishedFile, Option<Problem>), Problem>> =
        jobs.par_iter().map(|job| run(job, root, out)).collect();
    let mut files = MediaFiles::default();
    let mut problems = Vec::new();
    for (job, result) in jobs.iter().zip(results) {
        match result {
            Ok((file, warning)) => {
                problems.extend(warning);
                files.by_source.insert(job.source.to_path_buf(), file);
            }
            Err(problem) => problems.push(problem),
        }
    }
    (files, problems)
}

fn jobs(site: &PublicSite) -> Vec<Job<'_>> {
    let mut jobs = Vec::new();
    for contest in &site.contests {
        for entry in &contest.entries {
            for media in entry.media.iter().filter(|m| is_cleaned_here(m)) {
                jobs.push(Job {
                    source: &media.path,
                    file: &media.file,
                    what: Kind::Media(media.kind),
                    contest,
                    entry,
                });
                for track in &media.captions {
                    jobs.push(Job {
                        source: &track.path,
                        file: &track.file,
                        what: Kind::Captions,
                        contest,
                        entry,
                    });
                }
            }
        }
    }
    jobs
}

/// Local videos, audio and documents (images go through [`crate::images`]).
pub fn is_cleaned_here(media: &Media) -> bool {
    media.url.is_none()
        && !media.path.as_os_str().is_empty()
        && matches!(
            media.kind,
            MediaKind::Video | MediaKind::Audio | MediaKind::Document
        )
}

fn run(job: &Job, root: &Path, out: &Path) -> Result<(PublishedFile, Option<Problem>), Problem> {
    let (label, field) = match job.what {
        Kind::Media(kind) => (kind.id(), "media.file"),
        Kind::Captions => ("captions", "media.captions"),
    };
    let refuse = |message: String, hint: &str| {
        Problem::warning(
            job.entry.body.file.clone(),
            format!(
                "{label} `{}` ({}) not published: {message}",
                job.file,
                display_path(root, job.source)
            ),
        )
        .field(field)
        .hint(hint)
    };
    let size = std::fs::metadata(job.source)
        .map_err(|e| {
            refuse(
                format!("cannot read it: {e}"),
                "check the file's permissions",
            )
        })?
        .len();
    if size > MAX_FILE {
        return Err(refuse(
            format!("{} MB is more than sesh reads", size / 1_000_000),
            "publish a shorter or more compressed version, or link to it with url = \"…\"",
        ));
    }
    let data = std::fs::read(job.source).map_err(|e| {
        refuse(
            format!("cannot read it: {e}"),
            "check the file's permissions",
        )
    })?;
    let (bytes, extension, pages, seconds) = match job.what {
        Kind::Media(MediaKind::Document) => {
            let public = pdf::Public {
                title: &job.entry.title,
                author: &credit(job.entry),
            };
            let cleaned = pdf::clean(&data, &public).map_err(|m| {
                refuse(m, "export the document again as a PDF without a password (File › Export › PDF); sesh publishes only documents it can clean of their author data")
            })?;
            (cleaned.bytes, "pdf".to_string(), Some(cleaned.pages), None)
        }
        Kind::Media(_) => {
            let cleaned = mp4::clean(&data).map_err(|m| {
                refuse(m, "export it again as MP4 (video) or M4A (audio) from a video or audio editor; sesh publishes only files whose metadata it can remove")
            })?;
            let extension = job
                .source
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_else(|| "mp4".into());
            (cleaned.bytes, extension, None, cleaned.seconds)
        }
        Kind::Captions => {
            let text = vtt::clean(&data).map_err(|m| {
                refuse(m, "save the captions as WebVTT (.vtt, UTF-8, first line WEBVTT); most subtitle editors can export it")
            })?;
            (text.into_bytes(), "vtt".to_string(), None, None)
        }
    };
    drop(data);
    let hash = blake3::hash(&bytes).to_hex();
    let path = format!(
        "contests/{}/{}/{}-{}.{extension}",
        job.contest.slug,
        job.entry.slug,
        job.entry.slug,
        &hash.as_str()[..10]
    );
    write(&out.join(&path), &bytes)
        .map_err(|e| refuse(format!("cannot write it: {e}"), "check the free disk space"))?;
    let warning = (bytes.len() as u64 > PAGES_FILE_LIMIT).then(|| {
        Problem::warning(
            job.entry.body.file.clone(),
            format!(
                "{label} `{}` is {:.1} MB: GitHub Pages refuses files over 100 MB",
                job.file,
                bytes.len() as f64 / 1e6
            ),
        )
        .field(field)
        .hint("publish a shorter or more compressed version, or host it elsewhere and list it with url = \"…\"")
    });
    Ok((
        PublishedFile {
            path,
            bytes: bytes.len() as u64,
            pages,
            seconds,
        },
        warning,
    ))
}

/// The public credit written into a document's Info dictionary (names as consented).
fn credit(entry: &Entry) -> String {
    entry
        .credits
        .iter()
        .filter_map(|c| c.text())
        .collect::<Vec<_>>()
        .join(", ")
}

fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    // The name holds a hash of the bytes: a file of the same length there is this file.
    if std::fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64) {
        return Ok(());
    }
    let temp = path.with_extension("sesh-tmp");
    std::fs::write(&temp, bytes)?;
    std::fs::rename(&temp, path)
}
