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
    /// Files the last build left in the output folder: path → fingerprint of their bytes (the
    /// page's render fingerprint, a hash for static files, 0 for images, whose names already
    /// contain a content hash).
    pub(crate) written: Written,
    /// The search index the last build wrote: a fingerprint of its records, and its files
    /// (path → fingerprint). An edit that changes no entry text (a template, a stylesheet)
    /// keeps it instead of indexing again.
    pub(super) search: Option<(u64, Vec<(String, u64)>)>,
    /// `sesh serve` indexes after the pages are shown ([`Session::defer_search`]): the records
    /// of the last build, waiting for [`Session::finish_search`].
    pub(super) pending_search: Option<(u64, Vec<search::Record>)>,
    pub(super) defer_search: bool,
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
            written: Written::default(),
            search: None,
            pending_search: None,
            defer_search: false,
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
            written: std::mem::take(&mut self.written),
            search: None,
            pending_search: None,
            defer_search: self.defer_search,
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
        let count = records.len();
        let (files, _) = search::index(
            records,
            config.base_path(),
            &config.languages,
            self.progress,
        )?;
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
        Ok(Some(count))
    }
}
