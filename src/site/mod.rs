//! ORCHESTRATE: one build, stage by stage.
//!
//! [`build`] is what `sesh build` runs. A [`Session`] keeps what a build loaded (content, theme,
//! rendered pages) so that `sesh serve` can rebuild after an edit by redoing only what changed;
//! every rebuild still runs the whole pipeline, the consent gate included, on the whole site.

use crate::audit::contacts;
use crate::audit::exposure::{self, Exposed, Visibility};
use crate::audit::scan::Restricted;
use crate::config::Config;
use crate::consent::{self, Settings};
use crate::content::{self, RawSite};
use crate::entry_checks;
use crate::images;
use crate::media;
use crate::output::{self, MARKER, Staging, Written};
use crate::render::{self, Memo, theme::Theme};
use crate::report::Log;
use crate::search;
use anyhow::{Context, Result};

mod report;
pub use report::{BuildReport, LeakFound, Published};
use std::collections::HashSet;
use std::path::Path;

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
}

/// Builds the site into `config.output_dir`, replacing it only if everything succeeded.
pub fn build(config: &Config, options: &BuildOptions) -> Result<BuildReport> {
    let started = std::time::Instant::now();
    let mut session = Session::open(config.clone())?;
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
    let outcome = session.build_into(staging.dir(), options.strict, true, !options.no_scan)?;
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

/// What a build into a folder did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub report: BuildReport,
    /// Output files written because their bytes changed, and files removed.
    pub written: usize,
    pub removed: usize,
    /// Pages Tera rendered (the others were unchanged and reused).
    pub pages_rendered: usize,
}

/// Loaded content and theme, and what the last build produced.
pub struct Session {
    pub config: Config,
    raw: RawSite,
    theme: Theme,
    /// The consent gate, remembering what it made of each contest last time.
    gate: consent::Gate,
    memo: Memo,
    /// Files the last build left in the output folder: path → fingerprint of their bytes (the
    /// page's render fingerprint, a hash for static files, 0 for images, whose names already
    /// contain a content hash).
    pub(crate) written: Written,
    /// The search index the last build wrote: a fingerprint of its records, and its files
    /// (path → fingerprint). An edit that changes no entry text (a template, a stylesheet)
    /// keeps it instead of indexing again.
    search: Option<(u64, Vec<(String, u64)>)>,
    /// `sesh serve` indexes after the pages are shown ([`Session::defer_search`]): the records
    /// of the last build, waiting for [`Session::finish_search`].
    pending_search: Option<(u64, Vec<search::Record>)>,
    defer_search: bool,
}

impl Session {
    pub fn open(config: Config) -> Result<Session> {
        let raw = content::load(&config)?;
        let theme = Theme::load(&config)?;
        Ok(Session {
            config,
            raw,
            theme,
            gate: consent::Gate::default(),
            memo: Memo::default(),
            written: Written::default(),
            search: None,
            pending_search: None,
            defer_search: false,
        })
    }

    /// What pages are rendered with: the theme (templates, strings, static files) and sesh's
    /// own build. Pages of another generation all differ.
    pub fn generation(&self) -> u64 {
        render::generation(&self.theme)
    }

    /// Declares what the output folder already holds (a previous output reused as staging):
    /// pages with the same fingerprint are neither rendered nor written again.
    pub fn assume_written(&mut self, manifest: &output::Manifest) {
        self.written = Written::from(manifest);
        self.memo = Memo::default();
    }

    /// Re-reads `sesh.toml`, the content and the theme (after a configuration change).
    pub fn reload_all(&mut self, config: Config) -> Result<()> {
        let raw = content::load(&config)?;
        let theme = Theme::load(&config)?;
        *self = Session {
            config,
            raw,
            theme,
            gate: consent::Gate::default(),
            memo: Memo::default(),
            written: std::mem::take(&mut self.written),
            search: None,
            pending_search: None,
            defer_search: self.defer_search,
        };
        Ok(())
    }

    /// Re-reads all of `content/`.
    pub fn reload_content(&mut self) -> Result<()> {
        self.raw = content::load(&self.config)?;
        Ok(())
    }

    /// Re-reads one contest folder and its entries.
    pub fn reload_contest(&mut self, folder: &str) -> Result<()> {
        content::reload_contest(&self.config, &mut self.raw, folder)
    }

    /// Re-reads one entry folder (or its contest, if the folder appeared or disappeared).
    pub fn reload_entry(&mut self, contest: &str, entry: &str) -> Result<()> {
        content::reload_entry(&self.config, &mut self.raw, contest, entry)
    }

    /// The theme pages are rendered with.
    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    /// The public model, through the same gate as a build (remembered per contest).
    pub fn public_site(&mut self) -> crate::public::PublicSite {
        self.gate.run(&self.raw, &Settings::from(&self.config)).site
    }

    /// What the sources hold that the site withholds (see [`exposure`]).
    pub fn exposure(&mut self) -> Vec<Exposed> {
        let gated = self.gate.run(&self.raw, &Settings::from(&self.config));
        let config = &self.config;
        exposure::exposure(&config.root, &config.content_dir, &self.raw, &gated)
    }

    /// The texts a public log must not show ([`crate::audit::scan::withheld`]).
    pub fn withheld(&mut self, excluded: &[crate::report::Exclusion]) -> Vec<String> {
        let gated = self.gate.run(&self.raw, &Settings::from(&self.config));
        crate::audit::scan::withheld(&self.raw, &gated.site, excluded)
    }

    /// Refuses to build when people who did not consent can read the sources (`visibility`)
    /// and the sources hold anything the site withholds.
    pub fn guard_sources(&mut self, visibility: Visibility) -> Result<()> {
        let gated = self.gate.run(&self.raw, &Settings::from(&self.config));
        let config = &self.config;
        exposure::guard(
            visibility,
            &config.root,
            &config.content_dir,
            &self.raw,
            &gated,
        )?;
        Ok(())
    }

    /// Re-reads templates, static files and strings; every page is rendered again.
    pub fn reload_theme(&mut self) -> Result<()> {
        self.theme = Theme::load(&self.config)?;
        self.memo = Memo::default();
        Ok(())
    }

    /// Runs the pipeline and brings `dir` up to date: writes the files whose bytes changed and
    /// removes those no longer produced. With `strict`, stops before writing if errors exist.
    ///
    /// `stream` writes each page as soon as it is rendered (in parallel, without holding the
    /// site in memory): for an empty staging folder that is thrown away if the build fails.
    /// Without it, pages are written only once all rendered without error, so that a folder
    /// being served keeps its last good version.
    pub fn build_into(
        &mut self,
        dir: &Path,
        strict: bool,
        stream: bool,
        scan: bool,
    ) -> Result<Outcome> {
        let mut clock = Clock::start();
        let config = &self.config;
        let gated = self.gate.run(&self.raw, &Settings::from(config));
        clock.lap("consent gate");
        let mut report = BuildReport {
            as_of: config.as_of.to_string(),
            output: config.output_dir.clone(),
            excluded: gated.excluded,
            problems: gated.problems,
            ..BuildReport::default()
        };
        fail_if_strict(strict, &report)?;
        // Videos, audio and documents first: one that cannot be cleaned leaves the public model
        // (with its poster, captions and transcript) before anything else reads it.
        let mut site = gated.site;
        let (media, media_problems) = media::publish(&site, &config.root, dir);
        media::prune(&mut site, &media);
        report.problems.extend(media_problems);
        report.problems.extend(entry_checks::check(&site, &media));
        report
            .problems
            .extend(contacts::check(&site, &config.public_contacts, strict));
        clock.lap("media");
        // The output scan (see `crate::audit::scan`) searches pages as they are written, and
        // the whole folder once it is complete.
        let scan = match scan {
            true => {
                let restricted = Restricted::collect(&self.raw, &site, &config.scan_allow);
                report.problems.extend(restricted.problems.iter().cloned());
                let scan = restricted.start()?;
                clock.lap("prepare the output scan");
                Some(scan)
            }
            false => None,
        };
        let (images, image_problems) = images::publish(&site, &config.images, &config.root, dir);
        report.problems.extend(image_problems);
        report.images = images.stats.clone();
        clock.lap("images");
        let sink = |path: &str, bytes: &[u8]| {
            if let Some(scan) = &scan {
                scan.file(path, bytes);
            }
            write_file(dir, path, bytes, false)
        };
        let sink: Option<render::Sink> = if stream { Some(&sink) } else { None };
        let mut rendered = render::render(
            config,
            &site,
            &mut self.theme,
            &images,
            &media,
            render::Reuse {
                memo: &self.memo,
                on_disk: &self.written,
            },
            sink,
        )?;
        report.problems.extend(rendered.problems);
        clock.lap("render");
        let records_fp = search::fingerprint(&rendered.records, &config.languages);
        self.pending_search = None;
        let kept = match &self.search {
            Some((fp, files)) if config.search && *fp == records_fp => Some(files.clone()),
            // Indexed later by `finish_search`; the last index stays until then.
            Some((_, files)) if config.search && self.defer_search => {
                self.pending_search = Some((records_fp, std::mem::take(&mut rendered.records)));
                Some(files.clone())
            }
            _ => None,
        };
        let search_files = match (config.search, &kept) {
            (true, None) => {
                search::index(&rendered.records, config.base_path(), &config.languages)?.0
            }
            _ => Vec::new(),
        };
        clock.lap("search index");
        // The folder's manifest is updated in place: a file produced again keeps its entry,
        // and those no build produced are the stale ones.
        let known = !self.written.is_empty();
        self.written
            .begin(self.theme.statics.len() + rendered.files.len() + search_files.len());
        let mut written = 0;
        for (path, source) in &self.theme.statics {
            let bytes = source.read()?;
            let fingerprint = bytes_fingerprint(&bytes);
            written += write(&mut self.written, dir, path, &bytes, fingerprint)?;
        }
        let pages = rendered.files.len();
        for file in &rendered.files {
            if let Some(bytes) = &file.bytes {
                write_file(dir, &file.path, bytes, !stream)?;
            }
            self.written.produce(&file.path, file.fingerprint);
        }
        // Streamed pages were written as they were rendered; the others just above.
        written += rendered.pages_rendered;
        let (count, indexed) = write_index(&mut self.written, dir, &search_files)?;
        written += count;
        // Unchanged records: the index files already in the folder stay.
        let indexed = match kept {
            Some(files) => {
                for (path, fp) in &files {
                    self.written.produce(path, *fp);
                }
                files
            }
            None => indexed,
        };
        if self.pending_search.is_none() {
            self.search = config.search.then_some((records_fp, indexed));
        }
        for (path, bytes) in output::pages_extras(config.cname.as_deref()) {
            let fingerprint = bytes_fingerprint(&bytes);
            written += write(&mut self.written, dir, path, &bytes, fingerprint)?;
        }
        for variant in images.by_source.values().flat_map(|p| &p.variants) {
            self.written.produce(&variant.path, 0);
            if let Some(webp) = &variant.webp {
                self.written.produce(webp, 0);
            }
        }
        for file in media.by_source.values() {
            self.written.produce(&file.path, 0);
        }
        clock.lap("write");
        let stale = self.written.finish();
        // A folder this build created empty has nothing stale; before its first build, a
        // folder being served may hold files of an earlier session.
        let removed = match (known, stream) {
            (true, _) => remove_files(dir, &stale)?,
            (false, true) => 0,
            (false, false) => remove_unknown(dir, &self.written)?,
        };
        clock.lap("remove stale");
        if let Some(scan) = scan {
            report.scan = Some(scan.finish(dir)?);
            clock.lap("scan output");
        }
        report.timings = clock.laps;
        report.published = Published {
            contests: site.contests.len(),
            entries: site.contests.iter().map(|c| c.entries.len()).sum(),
            media: images.by_source.len() + media.by_source.len(),
            pages,
            files_written: self.written.len(),
        };
        // Freeing what this build replaces (the last memo and manifest, the public model) takes
        // 10-15 ms at 10,000 entries.
        crate::drop_in_background((
            std::mem::replace(&mut self.memo, rendered.memo),
            site,
            rendered.files,
        ));
        Ok(Outcome {
            report,
            written,
            removed,
            pages_rendered: rendered.pages_rendered,
        })
    }

    /// Lets a build whose entry text changed keep the previous search index and leave the
    /// new one to [`Session::finish_search`], so that `sesh serve` shows an edited page before
    /// the whole site is indexed again (seconds for thousands of entries). The first build of a
    /// session always indexes.
    pub fn defer_search(&mut self) {
        self.defer_search = true;
    }

    /// Indexes the records a deferred build left and replaces the index files in `dir`;
    /// returns how many records were indexed, or `None` if nothing was waiting.
    pub fn finish_search(&mut self, dir: &Path) -> Result<Option<usize>> {
        let Some((fp, records)) = self.pending_search.take() else {
            return Ok(None);
        };
        let config = &self.config;
        let (files, _) = search::index(&records, config.base_path(), &config.languages)?;
        let old = self
            .search
            .take()
            .map(|(_, files)| files)
            .unwrap_or_default();
        let (_, indexed) = write_index(&mut self.written, dir, &files)?;
        let now: HashSet<&str> = indexed.iter().map(|(path, _)| path.as_str()).collect();
        let stale: Vec<String> = old
            .into_iter()
            .map(|(path, _)| path)
            .filter(|path| !now.contains(path.as_str()))
            .collect();
        for path in &stale {
            self.written.remove(path);
        }
        remove_files(dir, &stale)?;
        self.search = Some((fp, indexed));
        Ok(Some(records.len()))
    }
}

/// Writes the search index files whose bytes changed; returns how many it wrote, and every
/// file with its fingerprint.
fn write_index(
    written: &mut Written,
    dir: &Path,
    files: &search::Files,
) -> Result<(usize, Vec<(String, u64)>)> {
    let mut count = 0;
    let mut indexed = Vec::new();
    for (path, bytes) in files {
        let fingerprint = bytes_fingerprint(bytes);
        count += write(written, dir, path, bytes, fingerprint)?;
        indexed.push((path.clone(), fingerprint));
    }
    Ok((count, indexed))
}

/// Writes `bytes` (of `fingerprint`) at `path` unless the last build left the same bytes there,
/// and records the file as produced; returns 1 if it wrote.
fn write(
    written: &mut Written,
    dir: &Path,
    path: &str,
    bytes: &[u8],
    fingerprint: u64,
) -> Result<usize> {
    // The file was written from the same inputs by the last build (sesh owns the folder).
    let same = written.get(path) == Some(fingerprint);
    if !same {
        write_file(dir, path, bytes, true)?;
    }
    written.produce(path, fingerprint);
    Ok(usize::from(!same))
}

/// Writes `bytes` at `path` inside `dir`, creating folders as needed. With `atomic`, an
/// existing file is replaced atomically (written beside it, then renamed over it), so that
/// `sesh serve` never serves half a file; a staging folder nobody reads is simply overwritten.
fn write_file(dir: &Path, path: &str, bytes: &[u8], atomic: bool) -> Result<()> {
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

/// Stage timings, in milliseconds, for the report (and `sesh serve`'s log).
struct Clock {
    last: std::time::Instant,
    laps: Vec<(String, f64)>,
}

impl Clock {
    fn start() -> Clock {
        Clock {
            last: std::time::Instant::now(),
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &str) {
        let now = std::time::Instant::now();
        let ms = (now - self.last).as_secs_f64() * 1000.0;
        self.laps
            .push((stage.to_string(), (ms * 10.0).round() / 10.0));
        self.last = now;
    }
}

/// Removes the files at `paths` inside `dir` (the files a build no longer produced), and the
/// folders they leave empty; returns how many files it removed.
fn remove_files(dir: &Path, paths: &[String]) -> Result<usize> {
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
fn remove_unknown(dir: &Path, written: &Written) -> Result<usize> {
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
