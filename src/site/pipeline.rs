//! THE PIPELINE: one build into a folder, a named call per stage, each taking what the last one
//! gave and adding to the report.
//!
//! load (done by [`Session::open`]) → [`gate`](Session::gate) → [`media`](Session::media)
//! (videos, audio, documents, captions; what cannot be cleaned leaves the public model) →
//! [`scan`](Session::start_scan) (prepared, then fed every page as it is written) →
//! [`images`](Session::images) → [`render`](Session::render) → [`search`](Session::search) →
//! [`share`](Session::share) (`CITATION.cff`, deposit metadata) → [`write`](Session::write)
//! (statics, pages, index, shared files, extras; stale files removed) → the scan of the
//! finished folder. Committing the folder is [`super::build`]'s job.

use super::fail_if_strict;
use super::{BuildReport, Clock, Mode, Outcome, Published, Session, Settings, bytes_fingerprint};
use crate::audit::contacts;
use crate::audit::scan::{Restricted, Scan};
use crate::entry_checks;
use crate::images::{self, Images};
use crate::media::{self, MediaFiles};
use crate::output::{self, Written, remove_files, remove_unknown, write_file};
use crate::public::PublicSite;
use crate::render::{self, Rendered};
use crate::search;
use crate::share;
use anyhow::Result;
use rayon::prelude::*;
use std::path::Path;

/// What the stages made, for [`Session::write`].
struct Outputs<'a> {
    rendered: &'a Rendered,
    index: Index,
    /// `CITATION.cff` and deposit metadata (path, bytes).
    shared: Vec<(String, Vec<u8>)>,
    images: &'a Images,
    media: &'a MediaFiles,
    scan: Option<&'a Scan<'a>>,
}

/// The search index a build leaves: the files to write, and those of the last index kept.
struct Index {
    fingerprint: u64,
    files: search::Files,
    kept: Option<Vec<(String, u64)>>,
}

impl Session {
    /// Runs the pipeline and brings `dir` up to date: writes the files whose bytes changed and
    /// removes those no longer produced (see [`Mode`] for what each mode does differently).
    pub fn build_into(&mut self, dir: &Path, mode: Mode) -> Result<Outcome> {
        let mut clock = Clock::start();
        let (mut site, mut report) = self.gate(&mut clock);
        fail_if_strict(mode.strict(), &report)?;
        let media = self.media(&mut site, dir, mode, &mut report, &mut clock);
        let scan = self.start_scan(&site, mode, &mut report, &mut clock)?;
        let images = self.images(&site, dir, &mut report, &mut clock);
        let mut rendered =
            self.render(&site, &images, &media, dir, mode, scan.as_ref(), &mut clock)?;
        report.problems.append(&mut rendered.problems);
        let index = self.search(&mut rendered, &mut clock)?;
        let shared = self.share(&site, &mut clock);
        let outputs = Outputs {
            rendered: &rendered,
            index,
            shared,
            images: &images,
            media: &media,
            scan: scan.as_ref(),
        };
        let (written, removed) = self.write(dir, outputs, mode, &mut clock)?;
        if let Some(scan) = scan {
            report.scan = Some(scan.finish(dir)?);
            clock.lap("scan output");
        }
        report.timings = clock.laps;
        report.published = Published {
            contests: site.contests.len(),
            entries: site.contests.iter().map(|c| c.entries.len()).sum(),
            media: site
                .contests
                .iter()
                .flat_map(|c| &c.entries)
                .map(|e| e.media.len())
                .sum(),
            media_files: images.by_source.len() + media.by_source.len(),
            // Every HTML file in the folder now, streamed or not, changed or not.
            pages: self
                .written
                .iter()
                .filter(|(path, _)| path.ends_with(".html"))
                .count(),
            files_written: self.written.len(),
        };
        let pages_rendered = rendered.pages_rendered;
        let deferred = rendered.deferred;
        // Pages not streamed were written just now (`sesh serve` tells the open ones).
        let pages = (rendered.files.iter())
            .filter(|f| f.bytes.is_some() && f.path.ends_with(".html"))
            .map(|f| f.path.clone())
            .collect();
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
            pages_rendered,
            pages,
            deferred,
        })
    }

    /// THE GATE: the public model, and a report that starts with what it kept out. A build
    /// for a deposit then leaves out the entries whose consent has an end date.
    fn gate(&mut self, clock: &mut Clock) -> (PublicSite, BuildReport) {
        let config = &self.config;
        let gated = self.gate.run(&self.raw, &Settings::from(config));
        let mut site = gated.site;
        let left_out = match self.permanent {
            true => share::keep_permanent(&mut site),
            false => Vec::new(),
        };
        clock.lap("consent gate");
        let report = BuildReport {
            as_of: config.as_of.to_string(),
            output: config.output_dir.clone(),
            excluded: gated.excluded,
            problems: gated.problems,
            not_permanent: left_out,
            ..BuildReport::default()
        };
        (site, report)
    }

    /// Videos, audio and documents first: one that cannot be cleaned leaves the public model
    /// (with its poster, captions and transcript) before anything else reads it. Then the checks
    /// of what is published: case-study sections and captions, contact details in texts.
    fn media(
        &mut self,
        site: &mut PublicSite,
        dir: &Path,
        mode: Mode,
        report: &mut BuildReport,
        clock: &mut Clock,
    ) -> MediaFiles {
        let config = &self.config;
        let (media, problems) = media::publish(site, &config.root, dir, self.progress);
        media::prune(site, &media);
        report.problems.extend(problems);
        report.problems.extend(entry_checks::check(site, &media));
        let contacts = contacts::check(
            site,
            &config.public_contacts,
            mode.strict(),
            &mut self.contacts,
        );
        report.problems.extend(contacts);
        clock.lap("media");
        media
    }

    /// The output scan (see [`crate::audit::scan`]), when the mode scans: it searches pages as
    /// they are written, and the whole folder once it is complete.
    fn start_scan<'s>(
        &self,
        site: &'s PublicSite,
        mode: Mode,
        report: &mut BuildReport,
        clock: &mut Clock,
    ) -> Result<Option<Scan<'s>>> {
        if !mode.scans() {
            return Ok(None);
        }
        let restricted = Restricted::collect(&self.raw, site, &self.config.scan_allow);
        report.problems.extend(restricted.problems.iter().cloned());
        let scan = restricted.start()?;
        clock.lap("prepare the output scan");
        Ok(Some(scan))
    }

    fn images(
        &self,
        site: &PublicSite,
        dir: &Path,
        report: &mut BuildReport,
        clock: &mut Clock,
    ) -> Images {
        let config = &self.config;
        let (images, problems) =
            images::publish(site, &config.images, &config.root, dir, self.progress);
        report.problems.extend(problems);
        report.images = images.stats.clone();
        clock.lap("images");
        images
    }

    /// Every page of every language. In a mode that streams, each page is written (and
    /// scanned) as soon as it is rendered; otherwise pages are written by [`Session::write`]
    /// once all rendered without error, so that a folder being served keeps its last good
    /// version.
    #[allow(clippy::too_many_arguments)] // the stages' outputs, named, rather than a bag
    fn render(
        &mut self,
        site: &PublicSite,
        images: &Images,
        media: &MediaFiles,
        dir: &Path,
        mode: Mode,
        scan: Option<&Scan>,
        clock: &mut Clock,
    ) -> Result<Rendered> {
        let sink = streamed(dir, mode, scan);
        let sink: Option<render::Sink> = mode.streams().then_some(&sink);
        let reuse = render::Reuse {
            memo: &self.memo,
            on_disk: &self.written,
            defer_listings: self.defer_listings && mode == Mode::Preview,
        };
        let rendered = render::render(
            &self.config,
            site,
            &mut self.theme,
            images,
            media,
            reuse,
            sink,
        )?;
        clock.lap("render");
        Ok(rendered)
    }

    /// The search index: the last one kept when no record changed (or, in `sesh serve`, until
    /// a [`Session::search_job`] indexes the new records after the pages are shown).
    fn search(&mut self, rendered: &mut Rendered, clock: &mut Clock) -> Result<Index> {
        let config = &self.config;
        let fingerprint = search::fingerprint(&rendered.records, &config.languages);
        self.pending_search = None;
        self.search_wanted = None;
        let kept = match &self.search {
            Some((fp, files)) if config.search && *fp == fingerprint => Some(files.clone()),
            // Indexed later, by a `search_job`; the last index stays until then.
            Some((_, files)) if config.search && self.defer_search => {
                self.pending_search = Some((fingerprint, std::mem::take(&mut rendered.records)));
                self.search_wanted = Some(fingerprint);
                Some(files.clone())
            }
            _ => None,
        };
        let files = match (config.search, &kept) {
            (true, None) => {
                search::index(
                    search::flatten(std::mem::take(&mut rendered.records)),
                    config.base_path(),
                    &config.languages,
                    self.progress,
                )?
                .0
            }
            _ => Vec::new(),
        };
        clock.lap("search index");
        Ok(Index {
            fingerprint,
            files,
            kept,
        })
    }

    /// `CITATION.cff` and each contest's deposit metadata, from the public model.
    fn share(&mut self, site: &PublicSite, clock: &mut Clock) -> Vec<(String, Vec<u8>)> {
        let files = share::site_files(&self.config, site, &mut self.deposits);
        clock.lap("share");
        files
    }

    /// Writes what changed (static files, pages not streamed, the index, the shared files, the
    /// host's extras), records every file the build produced in the folder's manifest, and
    /// removes the stale ones; returns the files written and removed.
    fn write(
        &mut self,
        dir: &Path,
        outputs: Outputs,
        mode: Mode,
        clock: &mut Clock,
    ) -> Result<(usize, usize)> {
        let Outputs {
            rendered,
            index,
            shared,
            images,
            media,
            scan,
        } = outputs;
        let config = &self.config;
        // The folder's manifest is updated in place: a file produced again keeps its entry,
        // and those no build produced are the stale ones.
        let known = !self.written.is_empty();
        let statics = &self.theme.statics;
        self.written
            .begin(statics.len() + rendered.files.len() + index.files.len());
        let mut written = 0;
        for (path, source) in statics {
            let bytes = source.read()?;
            written += self
                .written
                .write(dir, path, &bytes, bytes_fingerprint(&bytes))?;
        }
        for file in &rendered.files {
            if let Some(bytes) = &file.bytes {
                write_file(dir, &file.path, bytes, !mode.streams())?;
            }
            self.written.produce(&file.path, file.fingerprint);
        }
        // Streamed pages were written as they were rendered; the others just above.
        written += rendered.files_rendered;
        let (count, indexed) =
            write_index(&mut self.written, &index.files, &streamed(dir, mode, scan))?;
        written += count;
        // Unchanged records: the index files already in the folder stay.
        let indexed = match index.kept {
            Some(files) => {
                for (path, fp) in &files {
                    self.written.produce(path, *fp);
                }
                files
            }
            None => indexed,
        };
        if self.search_wanted.is_none() {
            self.search = config.search.then_some((index.fingerprint, indexed));
        }
        for (path, bytes) in &shared {
            written += self
                .written
                .write(dir, path, bytes, bytes_fingerprint(bytes))?;
        }
        for (path, bytes) in output::pages_extras(config.cname.as_deref()) {
            written += self
                .written
                .write(dir, path, &bytes, bytes_fingerprint(&bytes))?;
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
        let removed = match (known, mode.streams()) {
            (true, _) => remove_files(dir, &stale)?,
            (false, true) => 0,
            (false, false) => remove_unknown(dir, &self.written)?,
        };
        clock.lap("remove stale");
        Ok((written, removed))
    }
}

/// How a build writes a file into `dir` as soon as it is made (each page as it is rendered,
/// each index file): searched by the output `scan` if there is one, and written atomically
/// unless `mode` streams into a staging folder that nobody reads yet.
fn streamed<'s>(
    dir: &'s Path,
    mode: Mode,
    scan: Option<&'s Scan>,
) -> impl Fn(&str, &[u8]) -> Result<()> + Sync + 's {
    move |path: &str, bytes: &[u8]| {
        if let Some(scan) = scan {
            scan.file(path, bytes);
        }
        write_file(dir, path, bytes, !mode.streams())
    }
}

/// Writes the search index files whose bytes changed, each with `write` (see [`streamed`]);
/// returns how many it wrote, and every file with its fingerprint. Written in parallel: at
/// 10,000 entries they are over 9,000 files, whose creation is the kernel's work (as each is
/// written atomically into a folder being served, `sesh serve` never serves one half written,
/// whatever the order).
pub(super) fn write_index(
    written: &mut Written,
    files: &search::Files,
    write: &(dyn Fn(&str, &[u8]) -> Result<()> + Sync),
) -> Result<(usize, Vec<(String, u64)>)> {
    let indexed: Vec<(String, u64)> = files
        .par_iter()
        .map(|(path, bytes)| (path.clone(), bytes_fingerprint(bytes)))
        .collect();
    let changed: Vec<usize> = (0..files.len())
        .filter(|&i| written.get(&indexed[i].0) != Some(indexed[i].1))
        .collect();
    let results: Vec<Result<()>> = changed
        .par_iter()
        .map(|&i| write(&files[i].0, &files[i].1))
        .collect();
    // Every file in the folder is recorded once, also when another could not be written, so
    // that a later build knows it is there (and removes it if no longer produced).
    let mut failed = vec![false; files.len()];
    let mut error = None;
    for (&i, result) in changed.iter().zip(results) {
        if let Err(e) = result {
            failed[i] = true;
            error = error.or(Some(e));
        }
    }
    for ((path, fingerprint), _) in indexed.iter().zip(&failed).filter(|(_, f)| !**f) {
        written.produce(path, *fingerprint);
    }
    match error {
        Some(error) => Err(error),
        None => Ok((changed.len(), indexed)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> search::Files {
        (list.iter())
            .map(|(path, text)| (path.to_string(), text.as_bytes().to_vec()))
            .collect()
    }

    /// The index files are written in parallel: each changed one written and recorded, the
    /// unchanged ones recorded without writing, and those written before a failure recorded
    /// too, so that a later build can remove them.
    #[test]
    fn write_index_writes_changed_files_and_records_what_it_wrote() {
        let dir = std::env::temp_dir().join(format!("sesh-write-index-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut written = Written::default();
        written.begin(0);
        let write = |path: &str, bytes: &[u8]| write_file(&dir, path, bytes, true);
        let first = files(&[
            ("pagefind/a.pf_fragment", "one"),
            ("pagefind/index/b.pf_index", "two"),
        ]);
        let (count, indexed) = write_index(&mut written, &first, &write).unwrap();
        assert_eq!(count, 2);
        assert_eq!(indexed.len(), 2);
        let read = |path: &str| std::fs::read_to_string(dir.join(path)).unwrap();
        assert_eq!(read("pagefind/index/b.pf_index"), "two");

        // One file changed: only it is written again.
        std::fs::write(dir.join("pagefind/a.pf_fragment"), "touched").unwrap();
        let second = files(&[
            ("pagefind/a.pf_fragment", "one"),
            ("pagefind/index/b.pf_index", "three"),
        ]);
        let (count, _) = write_index(&mut written, &second, &write).unwrap();
        assert_eq!(count, 1);
        assert_eq!(read("pagefind/a.pf_fragment"), "touched");
        assert_eq!(read("pagefind/index/b.pf_index"), "three");

        // A file that cannot be written (its folder is a file): an error, and the others
        // written and recorded.
        std::fs::write(dir.join("blocked"), "a file").unwrap();
        let third = files(&[
            ("blocked/c.pf_fragment", "four"),
            ("pagefind/d.pf_fragment", "five"),
        ]);
        let error = write_index(&mut written, &third, &write).unwrap_err();
        assert!(format!("{error:#}").contains("blocked"), "{error:#}");
        assert_eq!(read("pagefind/d.pf_fragment"), "five");
        assert!(written.get("pagefind/d.pf_fragment").is_some());
        assert_eq!(written.get("blocked/c.pf_fragment"), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
