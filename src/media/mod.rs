//! MEDIA: consented videos, audio, documents and caption files, rebuilt from what playing or
//! showing them needs and written under names that reveal nothing.
//!
//! Takes the consented media of the public model (like [`crate::images`], this stage never looks
//! for files itself) and produces files in the staging folder plus a [`MediaFiles`] index that
//! pages use for addresses, sizes, durations and page counts. No file is ever copied as it is:
//! MP4/MOV/M4A files are rebuilt from the boxes and samples playback needs ([`mp4`]), PDFs from
//! what their pages show ([`pdf`]), WebVTT captions from their cues ([`vtt`]). Every rebuilt file
//! is then checked again, from its bytes, by [`crate::audit::metadata`] (code that shares nothing
//! with the cleaners) and refused on any finding.
//!
//! A file that cannot be cleaned is refused, reported with the entry file, the field and a hint,
//! and left out; the rest of the site builds. A refused video, audio or document takes its
//! poster, captions and transcript with it: [`prune`] removes the item from the public model, so
//! no page, card, preview, structured data or export mentions it. Cleaning runs behind the same
//! panic isolation as images, after size limits are checked. Output names are the entry slug and
//! a hash of the cleaned bytes (`testing-together-1a2b3c4d5e.mp4`).

pub mod mp4;
pub mod pdf;
#[doc(hidden)]
pub mod testdata;
pub mod vtt;

use crate::progress::Progress;
use crate::public::{Contest, Entry, Media, MediaKind, PublicSite};
use crate::report::{Problem, display_path};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// GitHub Pages refuses files larger than this.
pub const PAGES_FILE_LIMIT: u64 = 100 * 1000 * 1000;
/// Larger files are refused before being read: a file is held in memory twice while it is
/// rewritten (source and cleaned copy), on each core; Pages refuses it anyway.
pub const MAX_FILE: u64 = 512 * 1000 * 1000;
/// Documents larger than this are refused before being read: the PDF reader holds several
/// times a document's size while it parses it.
pub const MAX_DOCUMENT: u64 = 100 * 1000 * 1000;
/// Caption files larger than this are refused (captions are text).
pub const MAX_CAPTIONS: u64 = 10 * 1000 * 1000;

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

/// Source file → its published, cleaned copy (media files and caption files alike), and the
/// files that were refused.
#[derive(Debug, Default)]
pub struct MediaFiles {
    pub by_source: HashMap<PathBuf, PublishedFile>,
    pub refused: HashSet<PathBuf>,
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
    /// The media item (for caption jobs, the item the captions belong to).
    item: &'a Media,
    contest: &'a Contest,
    entry: &'a Entry,
}

#[derive(Clone, Copy)]
enum Kind {
    Media(MediaKind),
    Captions,
}

/// What cleaning one file gave: its published copy (and a warning), or why it was refused.
type Outcome = Result<(PublishedFile, Option<Problem>), Problem>;

/// Cleans and writes every consented video, audio, document and caption file of `site`. An
/// item's captions are cleaned only once its own file was: the captions of a refused video are
/// never written.
pub fn publish(
    site: &PublicSite,
    root: &Path,
    out: &Path,
    progress: Progress,
) -> (MediaFiles, Vec<Problem>) {
    let items = jobs(site);
    let meter = progress.stage("media", items.len());
    let results: Vec<Vec<(&Path, Outcome)>> = items
        .par_iter()
        .map(|jobs| {
            let mut done = Vec::with_capacity(jobs.len());
            for job in jobs {
                let outcome = run(job, root, out);
                let refused = outcome.is_err();
                done.push((job.source, outcome));
                if refused && matches!(job.what, Kind::Media(_)) {
                    break;
                }
            }
            meter.tick();
            done
        })
        .collect();
    meter.finish();
    let mut files = MediaFiles::default();
    let mut problems = Vec::new();
    for (source, result) in results.into_iter().flatten() {
        match result {
            Ok((file, warning)) => {
                problems.extend(warning);
                files.by_source.insert(source.to_path_buf(), file);
            }
            Err(problem) => {
                problems.push(problem);
                files.refused.insert(source.to_path_buf());
            }
        }
    }
    (files, problems)
}

/// Removes from `site` every media item whose file was refused (its poster, captions and
/// transcript go with it) and every refused caption track. Contests without a refusal stay
/// shared as they are.
pub fn prune(site: &mut PublicSite, files: &MediaFiles) {
    if files.refused.is_empty() {
        return;
    }
    let refused = |m: &Media| is_cleaned_here(m) && files.refused.contains(&m.path);
    for contest in &mut site.contests {
        let touched = contest
            .entries
            .iter()
            .flat_map(|e| &e.media)
            .any(|m| refused(m) || m.captions.iter().any(|c| files.refused.contains(&c.path)));
        if !touched {
            continue;
        }
        for entry in &mut Arc::make_mut(contest).entries {
            entry.media.retain(|m| !refused(m));
            for m in &mut entry.media {
                m.captions.retain(|c| !files.refused.contains(&c.path));
            }
        }
    }
}

/// The jobs of each media item: its own file first, then its caption tracks.
fn jobs(site: &PublicSite) -> Vec<Vec<Job<'_>>> {
    let mut items = Vec::new();
    for contest in &site.contests {
        for entry in &contest.entries {
            for media in entry.media.iter().filter(|m| is_cleaned_here(m)) {
                let mut jobs = vec![Job {
                    source: &media.path,
                    file: &media.file,
                    what: Kind::Media(media.kind),
                    item: media,
                    contest,
                    entry,
                }];
                for track in &media.captions {
                    jobs.push(Job {
                        source: &track.path,
                        file: &track.file,
                        what: Kind::Captions,
                        item: media,
                        contest,
                        entry,
                    });
                }
                items.push(jobs);
            }
        }
    }
    items
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

fn run(job: &Job, root: &Path, out: &Path) -> Outcome {
    let (label, field) = match job.what {
        Kind::Media(kind) => (kind.id(), "media.file"),
        Kind::Captions => ("captions", "media.captions"),
    };
    // A refused item takes the files that belong to it along (see `prune`).
    let parts = [
        job.item.poster.as_ref().map(|_| "poster"),
        (!job.item.captions.is_empty()).then_some("captions"),
        job.item.transcript.as_ref().map(|_| "transcript"),
    ];
    let parts: Vec<&str> = parts.into_iter().flatten().collect();
    let along = match (job.what, parts.as_slice()) {
        (Kind::Captions, _) | (_, []) => String::new(),
        (_, parts) => format!("; so are its {}", parts.join(", ")),
    };
    let refuse = |message: String, hint: &str| {
        Problem::warning(
            job.entry.body.file.clone(),
            format!(
                "{label} `{}` ({}) not published: {message}{along}",
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
    let limit = match job.what {
        Kind::Media(MediaKind::Document) => MAX_DOCUMENT,
        Kind::Media(_) => MAX_FILE,
        Kind::Captions => MAX_CAPTIONS,
    };
    if size > limit {
        return Err(refuse(
            format!(
                "{} MB is more than sesh reads for this kind of file",
                size / 1_000_000
            ),
            "publish a shorter or more compressed version, or link to it with url = \"…\"",
        ));
    }
    let data = std::fs::read(job.source).map_err(|e| {
        refuse(
            format!("cannot read it: {e}"),
            "check the file's permissions",
        )
    })?;
    let cleaned = crate::images::isolate(|| clean(job, &data)).unwrap_or_else(|panic| {
        Err((
            format!("sesh's cleaner failed on it ({panic})"),
            "this is a bug in sesh: please report it with the file if you can share it; export the file again to work around it",
        ))
    });
    let Cleaned {
        bytes,
        extension,
        pages,
        seconds,
    } = cleaned.map_err(|(message, hint)| refuse(message, hint))?;
    // The independent check of what is about to be written.
    let left = crate::audit::metadata::leftovers(&bytes);
    if !left.is_empty() {
        return Err(refuse(
            format!("metadata survived cleaning: {}", left.join("; ")),
            "this is a bug in sesh: please report it; export the file again to work around it",
        ));
    }
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

/// A cleaned file, before the check.
struct Cleaned {
    bytes: Vec<u8>,
    extension: String,
    pages: Option<usize>,
    seconds: Option<f64>,
}

/// Runs the cleaner of the job's kind on `data`; an error says what happened and how to fix it.
fn clean(job: &Job, data: &[u8]) -> Result<Cleaned, (String, &'static str)> {
    Ok(match job.what {
        Kind::Media(MediaKind::Document) => {
            let public = pdf::Public {
                title: &job.entry.title,
                author: &credit(job.entry),
            };
            let cleaned = pdf::clean(data, &public).map_err(|m| {
                (m, "export the document again as a PDF without a password (File › Export › PDF); sesh publishes only documents it can rebuild")
            })?;
            Cleaned {
                bytes: cleaned.bytes,
                extension: "pdf".into(),
                pages: Some(cleaned.pages),
                seconds: None,
            }
        }
        Kind::Media(_) => {
            let cleaned = mp4::clean(data).map_err(|m| {
                (m, "export it again as MP4 (video) or M4A (audio) from a video or audio editor; sesh publishes only files it can rebuild")
            })?;
            let extension = job
                .source
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_else(|| "mp4".into());
            Cleaned {
                bytes: cleaned.bytes,
                extension,
                pages: None,
                seconds: cleaned.seconds,
            }
        }
        Kind::Captions => {
            let text = vtt::clean(data).map_err(|m| {
                (m, "save the captions as WebVTT (.vtt, UTF-8, first line WEBVTT); most subtitle editors can export it")
            })?;
            Cleaned {
                bytes: text.into_bytes(),
                extension: "vtt".into(),
                pages: None,
                seconds: None,
            }
        }
    })
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
