//! ORCHESTRATE: one build, stage by stage.
//!
//! [`build`] is what `sesh build` runs: open a [`Session`] (load `sesh.toml`'s content and
//! theme), refuse public sources that hold what the site withholds, build into a staging folder
//! ([`Session::build_into`], the pipeline in [`pipeline`]: gate → media → scan → images →
//! render → search → write → scan the folder), stop on errors with `--strict` or on anything
//! the scan found, then swap the staging folder in. `sesh check` builds into a temporary folder
//! and `sesh serve` into the folder it serves, with the same pipeline ([`Mode`]).

use crate::audit::exposure::Visibility;
use crate::config::Config;
use crate::consent::Settings;
use crate::output::Staging;
use crate::render;
use crate::report::Log;
use anyhow::{Context, Result};

mod pipeline;
mod report;
mod session;

pub(crate) use report::as_of_words;
pub use report::{BuildReport, LeakFound, Published};
pub use session::{SearchDone, Session};

/// What a build is for, which decides how it writes and what it checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `sesh build`: into an empty staging folder, each page written as it is rendered (the
    /// site is never held in memory); errors fail the build with `strict`; the output is
    /// scanned unless `scan` is off.
    Publish { strict: bool, scan: bool },
    /// `sesh check`: like a build into a temporary folder, never strict, not scanned (check
    /// crawls the pages instead).
    Check,
    /// `sesh serve`: into the folder being served, pages written only once all rendered, so a
    /// failed rebuild leaves the last good version in place.
    Preview,
}

impl Mode {
    fn strict(self) -> bool {
        matches!(self, Mode::Publish { strict: true, .. })
    }

    fn scans(self) -> bool {
        matches!(self, Mode::Publish { scan: true, .. })
    }

    fn streams(self) -> bool {
        !matches!(self, Mode::Preview)
    }
}

/// How to build, beyond the configuration.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Replace an output folder that holds files sesh did not write.
    pub force: bool,
    /// Fail (and keep the previous output) if any error was reported.
    pub strict: bool,
    /// Skip the output scan (restricted text, private values, image metadata) before commit.
    pub no_scan: bool,
    /// Who can read the sources, when known or asked (GitHub Actions): unless private, the build
    /// is refused if they hold anything the site withholds ([`exposure::guard`]).
    pub source_visibility: Option<Visibility>,
    /// Where the report will be printed: for a public log, the build also lists the texts the
    /// log must not show ([`BuildReport::withheld`]).
    pub log: Log,
    /// How the long stages show their progress.
    pub progress: crate::progress::Progress,
}

/// Builds the site into `config.output_dir`, replacing it only if everything succeeded.
pub fn build(config: &Config, options: &BuildOptions) -> Result<BuildReport> {
    let started = std::time::Instant::now();
    let mut session = Session::open(config.clone())?;
    session.progress = options.progress;
    if let Some(visibility) = options.source_visibility {
        session.guard_sources(visibility)?;
    }
    let loaded = started.elapsed();
    let mut staging = Staging::new(
        &config.root,
        &config.output_dir,
        &config.images.cache_dir,
        options.force,
    )?;
    staging.generation(session.generation())?;
    session.assume_written(staging.previous());
    let mode = Mode::Publish {
        strict: options.strict,
        scan: !options.no_scan,
    };
    let outcome = session.build_into(staging.dir(), mode)?;
    let mut report = outcome.report;
    if options.log == Log::Public {
        report.withheld = session.withheld(&report.excluded);
    }
    fail_if_strict(options.strict, &report)?;
    // The staging folder is complete: nothing restricted may be in it when it goes live.
    if let Some(scan) = report.scan.clone()
        && !scan.findings.is_empty()
    {
        return Err(LeakFound(scan, Box::new(report)).into());
    }
    let committing = std::time::Instant::now();
    staging.commit(&session.written)?;
    let ms = |d: std::time::Duration| (d.as_secs_f64() * 10_000.0).round() / 10.0;
    report
        .timings
        .insert(0, ("load content and theme".into(), ms(loaded)));
    report
        .timings
        .push(("replace the output folder".into(), ms(committing.elapsed())));
    // Freeing the loaded site takes 30-50 ms at 10,000 entries, and `sesh build` exits right
    // after: it is freed while the report is printed.
    crate::drop_in_background(session);
    Ok(report)
}

/// A site built into a folder of the cache for what is made from it (an offline bundle, a
/// deposit), removed when dropped. It went through the whole pipeline, the output scan
/// included.
pub struct Scratch {
    dir: std::path::PathBuf,
    pub report: BuildReport,
}

impl Scratch {
    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// What a scratch build is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScratchFor {
    /// An offline copy: the site as published.
    Bundle,
    /// A repository deposit, which outlives any date: entries whose consent has an end date
    /// are left out.
    Deposit,
}

/// Builds the site into a new folder of the cache (never the output folder), scanned as a
/// publish build is; fails on anything the scan finds.
pub fn build_scratch(config: &Config, purpose: ScratchFor) -> Result<Scratch> {
    let unique = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = config
        .images
        .cache_dir
        .join(format!("share-{}-{unique}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let mut scratch = Scratch {
        dir,
        report: BuildReport::default(),
    };
    let mut session = Session::open(config.clone())?;
    if purpose == ScratchFor::Deposit {
        session.permanent_only();
    }
    let mode = Mode::Publish {
        strict: false,
        scan: true,
    };
    let outcome = session.build_into(&scratch.dir, mode)?;
    let report = outcome.report;
    if let Some(scan) = report.scan.clone()
        && !scan.findings.is_empty()
    {
        return Err(LeakFound(scan, Box::new(report)).into());
    }
    scratch.report = report;
    Ok(scratch)
}

/// What a build into a folder did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub report: BuildReport,
    /// Output files written because their bytes changed, and files removed.
    pub written: usize,
    pub removed: usize,
    /// Pages Tera rendered (the others were unchanged and reused).
    pub pages_rendered: usize,
    /// In `sesh serve`, the pages written by this build (paths in the folder).
    pub pages: Vec<String>,
    /// Pages listing every entry kept their last version ([`Session::defer_listings`]):
    /// [`Session::finish_listings`] brings them up to date.
    pub deferred: bool,
}

/// Stage timings, in milliseconds, for the report (and `sesh serve`'s log).
pub(crate) struct Clock {
    last: std::time::Instant,
    laps: Vec<(String, f64)>,
}

impl Clock {
    pub(crate) fn start() -> Clock {
        Clock {
            last: std::time::Instant::now(),
            laps: Vec::new(),
        }
    }

    pub(crate) fn lap(&mut self, stage: &str) {
        let now = std::time::Instant::now();
        let ms = (now - self.last).as_secs_f64() * 1000.0;
        self.laps
            .push((stage.to_string(), (ms * 10.0).round() / 10.0));
        self.last = now;
    }
}

impl From<&Config> for Settings {
    fn from(config: &Config) -> Settings {
        Settings {
            as_of: config.as_of.clone(),
            license: config.license.clone(),
            languages: config.languages.clone(),
        }
    }
}

/// A `--strict` build that found errors. Carries the report so the caller can show them.
#[derive(Debug, thiserror::Error)]
#[error("{} error(s) reported and --strict is set; the previous output was left unchanged", .report.errors())]
pub struct StrictFailure {
    pub report: BuildReport,
}

fn fail_if_strict(strict: bool, report: &BuildReport) -> Result<()> {
    if strict && report.errors() > 0 {
        return Err(StrictFailure {
            report: report.clone(),
        }
        .into());
    }
    Ok(())
}

/// A fingerprint of a file's bytes (what `Session::written` records for files not rendered).
fn bytes_fingerprint(bytes: &[u8]) -> u64 {
    render::hash_bytes(&[bytes])
}
