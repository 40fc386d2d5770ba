//! A [`Session`]: the content and theme a build loaded, and what its last build produced, so
//! that `sesh serve` can rebuild after an edit by redoing only what changed. Every rebuild
//! still runs the whole pipeline ([`super::pipeline`]), the consent gate included, on the
//! whole site.

use super::Settings;
use super::pipeline::write_index;
use crate::audit::exposure::{self, Exposed, Visibility};
use crate::config::Config;
use crate::consent;
use crate::content::{self, RawSite};
use crate::output::{self, Written, remove_files};
use crate::progress::Progress;
use crate::render::{self, Memo, theme::Theme};
use crate::search;
use anyhow::Result;
use std::collections::HashSet;
use std::path::Path;

/// Loaded content and theme, and what the last build produced.
pub struct Session {
    pub config: Config,
    pub(super) raw: RawSite,
    pub(super) theme: Theme,
    /// The consent gate, remembering what it made of each contest last time.
    pub(super) gate: consent::Gate,
    pub(super) memo: Memo,
    /// The contact details found in each contest's texts last time.
    pub(super) contacts: crate::audit::contacts::Memo,
    /// Each contest's deposit metadata from last time.
    pub(super) deposits: crate::share::Memo,
    /// Files the last build left in the output folder: path → fingerprint of their bytes (the
    /// page's render fingerprint, a hash for static files, 0 for images, whose names already
    /// contain a content hash).
    pub(crate) written: Written,
    /// The search index the last build wrote: a fingerprint of its records, and its files
    /// (path → fingerprint). An edit that changes no entry text (a template, a stylesheet)
    /// keeps it instead of indexing again.
    pub(super) search: Option<(u64, Vec<(String, u64)>)>,
    /// `sesh serve` indexes after the pages are shown ([`Session::defer_search`]): the records
    /// of the last build, waiting for [`Session::search_job`].
    pub(super) pending_search: Option<(u64, Vec<search::Part>)>,
    /// The fingerprint of the records whose index is waiting or being made: a finished
    /// [`SearchJob`] is written only if it is still this one.
    pub(super) search_wanted: Option<u64>,
    pub(super) defer_search: bool,
    /// See [`Session::defer_listings`].
    pub(super) defer_listings: bool,
    /// How the long stages (images, media, search index) show their progress.
    pub progress: Progress,
    /// A build for a repository deposit: entries whose consent has an end date are left out
    /// ([`crate::share::keep_permanent`]).
    pub(super) permanent: bool,
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
            contacts: Default::default(),
            deposits: Default::default(),
            written: Written::default(),
            search: None,
            pending_search: None,
            search_wanted: None,
            defer_search: false,
            defer_listings: false,
            progress: Progress::Silent,
            permanent: false,
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
            contacts: Default::default(),
            deposits: Default::default(),
            written: std::mem::take(&mut self.written),
            search: None,
            pending_search: None,
            search_wanted: None,
            defer_search: self.defer_search,
            defer_listings: self.defer_listings,
            progress: self.progress,
            permanent: self.permanent,
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

    /// Builds for a repository deposit from now on: what is deposited stays deposited, so the
    /// entries whose consent has an end date are left out.
    pub fn permanent_only(&mut self) {
        self.permanent = true;
    }

    /// Re-reads templates, static files and strings; every page is rendered again.
    pub fn reload_theme(&mut self) -> Result<()> {
        self.theme = Theme::load(&self.config)?;
        self.memo = Memo::default();
        Ok(())
    }

    /// Lets a build whose entry text changed keep the previous search index and leave the
    /// new one to [`Session::search_job`], so that `sesh serve` shows an edited page before
    /// the whole site is indexed again (seconds for thousands of entries). The first build of a
    /// session always indexes.
    pub fn defer_search(&mut self) {
        self.defer_search = true;
    }

    /// In `sesh serve`: an edit whose only change to the entry cards is in their word counts
    /// (an edit to a text) leaves the pages that list every entry (the framework and search
    /// pages, the largest to render) in their last version, so that the edited page is shown
    /// first; an edit that adds, withdraws, retitles or re-credits anything renders them at
    /// once. [`Session::finish_listings`] brings them up to date right after.
    pub fn defer_listings(&mut self) {
        self.defer_listings = true;
    }

    /// Builds again without deferring the pages that list every entry (after a build whose
    /// [`Outcome::deferred`] said it kept some): those are rendered, the rest is reused.
    pub fn finish_listings(&mut self, dir: &Path) -> Result<super::Outcome> {
        let defer = std::mem::replace(&mut self.defer_listings, false);
        let outcome = self.build_into(dir, super::Mode::Preview);
        self.defer_listings = defer;
        outcome
    }

    /// The index a deferred build left to make, to run on any thread ([`SearchJob::run`]):
    /// `sesh serve` makes it in the background, so that the next edit's rebuild never waits
    /// for it. `None` if nothing is waiting.
    pub fn search_job(&mut self) -> Option<SearchJob> {
        let (fingerprint, records) = self.pending_search.take()?;
        Some(SearchJob {
            fingerprint,
            records,
            base_path: self.config.base_path().to_string(),
            languages: self.config.languages.clone(),
            progress: self.progress,
            started: std::time::Instant::now(),
        })
    }

    /// Replaces the index files in `dir` with those of a finished [`SearchJob`], if they are
    /// still wanted: an index of records that a later build changed again is dropped (that
    /// build left its own job). Returns how many records the written index holds.
    pub fn finish_search(&mut self, dir: &Path, done: SearchDone) -> Result<Option<usize>> {
        if self.search_wanted != Some(done.fingerprint) {
            return Ok(None);
        }
        let files = done.files?;
        let old = self
            .search
            .take()
            .map(|(_, files)| files)
            .unwrap_or_default();
        let write = |path: &str, bytes: &[u8]| crate::output::write_file(dir, path, bytes, true);
        let (_, indexed) = write_index(&mut self.written, &files, &write)?;
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
        self.search = Some((done.fingerprint, indexed));
        self.search_wanted = None;
        if self
            .pending_search
            .as_ref()
            .is_some_and(|(fp, _)| *fp == done.fingerprint)
        {
            self.pending_search = None; // the same records again: already indexed
        }
        Ok(Some(done.records))
    }
}

/// An index to make away from the session (see [`Session::search_job`]).
pub struct SearchJob {
    fingerprint: u64,
    records: Vec<search::Part>,
    base_path: String,
    languages: Vec<String>,
    progress: crate::progress::Progress,
    started: std::time::Instant,
}

/// What a [`SearchJob`] made, for [`Session::finish_search`].
pub struct SearchDone {
    fingerprint: u64,
    files: Result<search::Files>,
    /// How many records it indexed.
    pub records: usize,
    /// When the job was taken from the session.
    pub started: std::time::Instant,
}

impl SearchJob {
    /// Makes the index on one thread of its own, so that a rebuild started meanwhile keeps
    /// the cores its own pool uses (the index takes longer; the edit is shown sooner).
    pub fn run(self) -> SearchDone {
        let records = search::flatten(self.records);
        let count = records.len();
        let index = || {
            search::index(records, &self.base_path, &self.languages, self.progress)
                .map(|(files, _)| files)
        };
        let files = match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
            Ok(pool) => pool.install(index),
            Err(e) => Err(anyhow::anyhow!("cannot start the search indexer: {e}")),
        };
        SearchDone {
            fingerprint: self.fingerprint,
            files,
            records: count,
            started: self.started,
        }
    }
}
