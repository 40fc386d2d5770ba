//! IMAGES: every published image decoded, turned upright, converted to sRGB, resized and
//! re-encoded, with a cache so that a rebuild decodes nothing.
//!
//! Takes the consented images and posters of the public model (`entry.media`: this stage never
//! looks for files itself) and the `[images]` settings; produces the files in the staging folder and an [`Images`]
//! index that pages use for `src`, `srcset` and the "full size" link. Nothing of an original file
//! but its pixels reaches the output: no EXIF, XMP, IPTC, GPS, ICC profile, comment or thumbnail,
//! and output names are built from the entry slug, the width and a content hash, never from the
//! original file name (which may name a person).
//!
//! One image ([`job`] reads, looks up the cache, stores; [`pipeline`] turns bytes into files),
//! in the order its data flows, one file per stage: [`sniff`] format by content → [`decode`] header checked against the limits, then pixels
//! ([`jpeg`] for JPEG) → [`resize`] to the largest width → [`color`] to sRGB → smaller widths
//! cascaded from it → [`orient`] upright → [`encode`] → [`cache`] → hard-linked into the output.
//! Images run in parallel within a memory budget ([`budget`]); a broken image, even one that
//! makes a decoder panic, is reported (entry and file) and left out, and the rest of the site
//! builds.

mod budget;

pub(crate) use budget::isolate;
mod cache;
mod color;
mod decode;
mod encode;
mod job;
mod jpeg;
mod orient;
mod pipeline;
mod raster;
mod resize;
mod sniff;

use crate::config::ImageSettings;
use crate::progress::Progress;
use crate::public::{MediaKind, PublicSite};
use crate::report::{Problem, display_path};
use budget::Budget;
use cache::{Cache, Key};
use job::Run;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Bump when a change to this module changes output bytes: every cache entry is then remade.
pub const PIPELINE_VERSION: u32 = 4;

/// One published size of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    /// Path inside the output folder, `/`-separated.
    pub path: String,
    /// The same size as WebP, when `webp = true` and it is smaller.
    pub webp: Option<String>,
}

/// What the image stage did in a build (the cache's effect is visible here: a warm build has
/// `decoded = 0`).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImageStats {
    /// Consented images the stage was given.
    pub images: usize,
    /// Images decoded in this build (cache misses).
    pub decoded: usize,
    /// Images whose outputs came from the cache.
    pub reused: usize,
    /// Images left out (unreadable, unsupported, over a limit).
    pub refused: usize,
    /// Cache entries removed because no published image uses them any more.
    pub pruned: usize,
}

/// The published sizes of one source image, smallest first (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub variants: Vec<Variant>,
}

impl Published {
    pub fn largest(&self) -> &Variant {
        &self.variants[self.variants.len() - 1]
    }

    /// The smallest variant at least `width` wide, else the largest.
    pub fn at_least(&self, width: u32) -> &Variant {
        self.variants
            .iter()
            .find(|v| v.width >= width)
            .unwrap_or_else(|| self.largest())
    }
}

/// Source file → its published sizes.
#[derive(Debug, Default)]
pub struct Images {
    pub by_source: HashMap<PathBuf, Published>,
    pub stats: ImageStats,
}

impl Images {
    pub fn get(&self, source: &Path) -> Option<&Published> {
        self.by_source.get(source)
    }
}

/// Why an image is not published, and what to do about it.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub message: String,
    pub hint: String,
    /// The same bytes and settings always fail this way: remembered by the cache.
    pub lasting: bool,
}

impl Failure {
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            hint: hint.into(),
            lasting: true,
        }
    }

    /// A failure of this machine (a read or write error), not of the file: never cached.
    fn passing(message: String) -> Failure {
        Failure {
            lasting: false,
            ..Failure::new(
                message,
                "check the file's permissions and the free disk space",
            )
        }
    }
}

/// One consented image of one entry.
struct Job<'a> {
    source: &'a Path,
    /// The file as listed in `[[media]]`.
    file: &'a str,
    /// The entry's `index.md`, for messages.
    entry_file: &'a str,
    /// Output folder of the entry, e.g. `contests/c/e`.
    dir: String,
    slug: &'a str,
}

/// What happened to one job.
struct Outcome {
    key: Option<Key>,
    decoded: bool,
    reused: bool,
    result: Result<Published, Failure>,
    notes: Vec<String>,
}

/// Produces every published image of `site` into `out` (the staging folder).
pub fn publish(
    site: &PublicSite,
    settings: &ImageSettings,
    root: &Path,
    out: &Path,
    progress: Progress,
) -> (Images, Vec<Problem>) {
    let mut problems = Vec::new();
    let cache = match Cache::open(&settings.cache_dir) {
        Ok(cache) => Some(cache),
        Err(e) => {
            problems.push(
                Problem::warning(
                    display_path(root, &settings.cache_dir),
                    format!("cannot use the image cache ({e}); every image is processed again"),
                )
                .hint("check that the folder is writable, or set cache_dir in sesh.toml"),
            );
            None
        }
    };
    let run = Run {
        settings,
        cache: cache.as_ref(),
        budget: Budget::new(settings.memory_mb.saturating_mul(1 << 20)),
        out,
    };
    let jobs = jobs(site);
    let meter = progress.stage("images", jobs.len());
    let outcomes: Vec<Outcome> = jobs
        .par_iter()
        .map(|job| {
            let outcome = run.job(job);
            meter.tick();
            outcome
        })
        .collect();
    meter.finish();
    let mut images = Images::default();
    let mut keep = HashSet::new();
    for (job, outcome) in jobs.iter().zip(outcomes) {
        images.stats.decoded += usize::from(outcome.decoded);
        images.stats.reused += usize::from(outcome.reused);
        keep.extend(outcome.key);
        problems.extend(outcome.notes.iter().map(|note| {
            Problem::warning(job.entry_file, format!("image `{}`: {note}", job.file))
                .field("media.file")
                .hint("export the image again in sRGB to be sure of its colours")
        }));
        match outcome.result {
            Ok(published) => {
                images.by_source.insert(job.source.to_path_buf(), published);
            }
            Err(failure) => {
                images.stats.refused += 1;
                problems.push(refusal(job, root, failure));
            }
        }
    }
    images.stats.images = jobs.len();
    if let Some(cache) = &cache {
        images.stats.pruned = cache.prune(&keep);
    }
    (images, problems)
}

/// Runs the whole pipeline on one file's bytes, without cache or output folder: the encoded
/// sizes, largest first. For benchmarks and fuzzing (`examples/image_bench.rs`).
pub fn render_bytes(bytes: &[u8], settings: &ImageSettings) -> Result<Vec<Vec<u8>>, String> {
    let budget = Budget::new(settings.memory_mb.saturating_mul(1 << 20));
    let rendition = budget::isolate(|| pipeline::make(bytes, settings, &budget))
        .map_err(|panic| format!("panic: {panic}"))?
        .map_err(|failure| failure.message)?;
    Ok(rendition.sizes.into_iter().map(|s| s.main).collect())
}

fn refusal(job: &Job, root: &Path, failure: Failure) -> Problem {
    Problem::warning(
        job.entry_file,
        format!(
            "image `{}` ({}) not published: {}",
            job.file,
            display_path(root, job.source),
            failure.message
        ),
    )
    .field("media.file")
    .hint(failure.hint)
}

fn jobs(site: &PublicSite) -> Vec<Job<'_>> {
    let mut jobs = Vec::new();
    for contest in &site.contests {
        for entry in &contest.entries {
            for media in &entry.media {
                // Images, and the posters of the other kinds.
                let source = match (media.kind, &media.poster) {
                    (MediaKind::Image, _) => &media.path,
                    (_, Some(poster)) => poster,
                    (_, None) => continue,
                };
                jobs.push(Job {
                    source,
                    file: source
                        .file_name()
                        .and_then(|n| n.to_str())
                        .unwrap_or(&media.file),
                    entry_file: &entry.body.file,
                    dir: format!("contests/{}/{}", contest.slug, entry.slug),
                    slug: &entry.slug,
                });
            }
        }
    }
    jobs
}
