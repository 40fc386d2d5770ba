//! `sesh serve`: build, serve over HTTP, watch the sources, rebuild what changed, reload pages.
//!
//! The site is built into `.sesh-cache/serve/` by the same pipeline as `sesh build` (consent gate
//! included) and served from there under the base URL's path. A rebuild that fails keeps the
//! last good site on screen with an error panel; fixing the file recovers without a restart.

pub mod classify;
pub(crate) mod files;
mod server;
pub mod watch;

use crate::config::{AsOf, Config, Overrides};
use crate::site::{SearchDone, Session};
use anyhow::{Context, Result, anyhow};
use classify::Plan;
use files::Notice;
use server::Shared;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use watch::Wake;

/// Options of `sesh serve` besides the site's.
#[derive(Debug, Clone)]
pub struct Options {
    pub interface: String,
    pub port: u16,
    pub open: bool,
}

/// Runs the preview server until the process is stopped.
pub fn run(root: &Path, overrides: Overrides, options: &Options) -> Result<()> {
    let listener = std::net::TcpListener::bind((options.interface.as_str(), options.port))
        .map_err(|e| {
            anyhow!(
                "cannot listen on {}:{}: {e}\n  hint: another program (perhaps another `sesh serve`) uses this port; choose another with --port",
                options.interface,
                options.port
            )
        })?;
    let address = listener
        .local_addr()
        .context("the server has no IP address")?;
    if !address.ip().is_loopback() {
        eprintln!(
            "warning: serving on {} makes the preview reachable from other computers on the network, including unpublished drafts' neighbours; use the default 127.0.0.1 unless you need this",
            address.ip()
        );
    }
    let mut preview = Preview::new(root, overrides, address)?;
    let url = format!("http://{address}{}", preview.shared.base_path);
    // Watch before the first build, so that no change made meanwhile is missed.
    let mut watch = watch::Watch::start(&preview.root)?;
    preview.rebuild(&Plan::default(), true, Instant::now());
    let shared = preview.shared.clone();
    std::thread::spawn(move || {
        if let Err(e) = server::serve(listener, shared) {
            eprintln!("error: the preview server stopped: {e}");
        }
    });
    println!("Serving {url} (Ctrl-C to stop). Watching for changes…");
    if options.open {
        open_browser(&url);
    }
    // The search index is made on another thread, one at a time, after the pages are shown:
    // an edit made meanwhile is rebuilt at once, and an index its records outdate is dropped.
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let mut indexing = false;
    loop {
        if !indexing
            && !preview.listings_due
            && let Some(job) = preview.session.as_mut().and_then(Session::search_job)
        {
            indexing = true;
            let tx = done_tx.clone();
            std::thread::spawn(move || {
                let _ = tx.send(job.run());
            });
        }
        let wait = match (preview.listings_due, indexing) {
            (true, _) => Duration::ZERO,
            (false, true) => SEARCH_POLL,
            (false, false) => DATE_CHECK,
        };
        let Some(wake) = watch.next(wait) else {
            break;
        };
        if let Ok(done) = done_rx.try_recv() {
            indexing = false;
            preview.finish_search(done);
        }
        // Consent that expires and embargoes that lift at midnight take effect in the preview
        // then, as they would in a build run at that time.
        preview.new_day(AsOf::now());
        let Wake::Changed(burst) = wake else {
            // No edit waiting: the pages the last rebuild deferred, then the search index.
            if preview.listings_due {
                preview.finish_listings();
            }
            continue;
        };
        let plan = Plan::from_paths(&preview.root, burst.paths.iter().map(PathBuf::as_path));
        if plan.is_empty() && !burst.rescan {
            continue;
        }
        watch.add_new_folders(&preview.root);
        preview.rebuild(&plan, burst.rescan, burst.first);
    }
    Ok(())
}

/// How often the server looks for a finished search index while one is being made.
const SEARCH_POLL: Duration = Duration::from_millis(50);

/// How often a server with no changes to rebuild checks whether the date has changed.
const DATE_CHECK: Duration = Duration::from_secs(30);

/// The rebuild side of the server.
struct Preview {
    root: PathBuf,
    overrides: Overrides,
    shared: Arc<Shared>,
    session: Option<Session>,
    /// Parts whose reload failed: retried with every later change until they succeed.
    pending: Plan,
    pending_all: bool,
    /// The last rebuild left pages listing every entry to render ([`Session::defer_listings`]).
    listings_due: bool,
}

impl Preview {
    fn new(
        root: &Path,
        mut overrides: Overrides,
        address: std::net::SocketAddr,
    ) -> Result<Preview> {
        let config = Config::load(root, &overrides)?;
        let base_path = config.base_path().to_string();
        overrides.base_url = Some(format!("http://{address}{base_path}"));
        let dir = config.root.join(".sesh-cache").join("serve");
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create `{}`", dir.display()))?;
        let dir = std::fs::canonicalize(&dir)?;
        Ok(Preview {
            root: config.root.clone(),
            overrides,
            shared: Shared::new(dir, base_path),
            session: None,
            pending: Plan::default(),
            pending_all: true,
            listings_due: false,
        })
    }

    /// Rebuilds with the date `today` if the site was built with another one (not when the
    /// date is fixed with `--as-of`): the consent gate decides again what is published.
    fn new_day(&mut self, today: AsOf) {
        if self.overrides.as_of.is_some() {
            return;
        }
        let Some(session) = &mut self.session else {
            return;
        };
        if session.config.as_of == today {
            return;
        }
        let plan = Plan {
            paths: vec![format!("the date changed (now {})", today.earliest)],
            ..Plan::default()
        };
        session.config.as_of = today;
        self.rebuild(&plan, false, Instant::now());
    }

    fn config(&self) -> Result<Config> {
        let mut config = Config::load(&self.root, &self.overrides)?;
        config.output_dir = self.shared.dir.clone();
        Ok(config)
    }

    /// Applies `plan` and rebuilds; reports one line, and tells open pages to reload.
    fn rebuild(&mut self, plan: &Plan, everything: bool, since: Instant) {
        let started = Instant::now();
        let css_only = plan.css_only && self.pending == Plan::default() && !self.pending_all;
        let result = self
            .apply(plan, everything)
            .and_then(|()| match &mut self.session {
                Some(session) => session.build_into(&self.shared.dir, crate::site::Mode::Preview),
                None => Err(anyhow!("the site could not be loaded")),
            });
        let what = if plan.paths.is_empty() {
            "initial build".to_string()
        } else {
            plan.paths.join(", ")
        };
        self.listings_due = false;
        match result {
            Ok(outcome) => {
                self.listings_due = outcome.deferred;
                let errors: Vec<String> = outcome
                    .report
                    .problems
                    .iter()
                    .filter(|p| p.severity == crate::report::Severity::Error)
                    .map(|p| p.labelled())
                    .collect();
                self.shared
                    .set_notice((!errors.is_empty()).then_some(Notice::Errors(errors)));
                self.shared.build_id.fetch_add(1, Ordering::SeqCst);
                self.shared.notify(if css_only { "css" } else { "reload" });
                let problems = outcome.report.problems.len();
                println!(
                    "{what}: {} of {} pages changed and rendered again, {} images decoded, {} files written, {} removed{} in {} ms (build {} ms)",
                    outcome.pages_rendered,
                    outcome.report.published.pages,
                    outcome.report.images.decoded,
                    outcome.written,
                    outcome.removed,
                    if problems > 0 {
                        format!(", {problems} problem(s) reported")
                    } else {
                        String::new()
                    },
                    since.elapsed().as_millis(),
                    started.elapsed().as_millis(),
                );
                if std::env::var_os("SESH_TIMINGS").is_some() {
                    let laps: Vec<String> = outcome
                        .report
                        .timings
                        .iter()
                        .map(|(s, ms)| format!("{s} {ms} ms"))
                        .collect();
                    println!("  timings: {}", laps.join(", "));
                }
                for problem in &outcome.report.problems {
                    eprintln!("  {}", problem.labelled());
                }
            }
            Err(e) => {
                let message = format!("{e:#}");
                eprintln!(
                    "{what}: build failed, still serving the last good site:\nerror: {message}"
                );
                self.shared.set_notice(Some(Notice::Failed(message)));
                // Pages served from now on show the panel: a page that connects later reloads.
                self.shared.build_id.fetch_add(1, Ordering::SeqCst);
                self.shared.notify("reload");
            }
        }
    }

    /// Renders the pages listing every entry that the last rebuild deferred, and reloads the
    /// open ones.
    fn finish_listings(&mut self) {
        self.listings_due = false;
        let Some(session) = &mut self.session else {
            return;
        };
        let started = Instant::now();
        match session.finish_listings(&self.shared.dir) {
            Ok(outcome) => {
                let base = &self.shared.base_path;
                let urls: Vec<String> = (outcome.pages.iter())
                    .map(|p| format!("{base}{}", p.strip_suffix("index.html").unwrap_or(p)))
                    .collect();
                self.shared.build_id.fetch_add(1, Ordering::SeqCst);
                self.shared.notify_pages(&urls);
                println!(
                    "pages listing every entry updated: {} in {} ms",
                    outcome.pages.join(", "),
                    started.elapsed().as_millis()
                );
            }
            Err(e) => eprintln!("pages listing every entry not updated: {e:#}"),
        }
    }

    /// Writes an index made in the background (see [`Session::defer_search`]), unless an
    /// edit made since has outdated it; until then, search finds the previous text.
    fn finish_search(&mut self, done: SearchDone) {
        let Some(session) = &mut self.session else {
            return;
        };
        let started = done.started;
        match session.finish_search(&self.shared.dir, done) {
            Ok(Some(records)) => println!(
                "search index updated: {records} pages in {} ms",
                started.elapsed().as_millis()
            ),
            Ok(None) => {}
            Err(e) => eprintln!("search index not updated: {e:#}"),
        }
    }

    /// Reloads what `plan` (plus anything still pending) says changed.
    fn apply(&mut self, plan: &Plan, everything: bool) -> Result<()> {
        let mut plan = merge(&self.pending, plan);
        let all = everything || self.pending_all || plan.config || self.session.is_none();
        self.pending_all = all;
        self.pending = plan.clone();
        if all {
            let config = self.config()?;
            match &mut self.session {
                Some(session) => session.reload_all(config)?,
                None => {
                    let mut session = Session::open(config)?;
                    session.defer_search();
                    session.defer_listings();
                    session.progress = crate::progress::Progress::bars_only();
                    self.session = Some(session);
                }
            }
        } else if let Some(session) = &mut self.session {
            if plan.theme {
                session.reload_theme()?;
                plan.theme = false;
                self.pending = plan.clone();
            }
            if plan.content {
                session.reload_content()?;
            } else {
                for folder in &plan.contests {
                    session.reload_contest(folder)?;
                }
                for (contest, entry) in &plan.entries {
                    if !plan.contests.contains(contest) {
                        session.reload_entry(contest, entry)?;
                    }
                }
            }
        }
        self.pending = Plan::default();
        self.pending_all = false;
        Ok(())
    }
}

fn merge(a: &Plan, b: &Plan) -> Plan {
    let mut out = a.clone();
    out.config |= b.config;
    out.content |= b.content;
    out.theme |= b.theme;
    out.contests.extend(b.contests.iter().cloned());
    out.entries.extend(b.entries.iter().cloned());
    out.paths.extend(b.paths.iter().cloned());
    out.css_only = b.css_only;
    out
}

fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(command).arg(url).spawn() {
        eprintln!("warning: cannot open a browser ({e}); open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A copy of the test fixture `name` in a fresh temporary folder.
    fn fixture(name: &str) -> PathBuf {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        let to = std::env::temp_dir().join(format!("sesh-serve-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&to);
        for item in walkdir::WalkDir::new(&from).into_iter().flatten() {
            let target = to.join(item.path().strip_prefix(&from).unwrap());
            match item.file_type().is_dir() {
                true => std::fs::create_dir_all(&target).unwrap(),
                false => drop(std::fs::copy(item.path(), &target).unwrap()),
            }
        }
        to
    }

    #[test]
    fn a_new_day_withdraws_what_expired_and_publishes_what_was_embargoed() {
        let root = fixture("consent-rules");
        let address = "127.0.0.1:1".parse().unwrap();
        let mut preview = Preview::new(&root, Overrides::default(), address).unwrap();
        preview.rebuild(&Plan::default(), true, Instant::now());
        let dir = preview.shared.dir.join("contests/rules");
        let page = |slug: &str| dir.join(slug).join("index.html").is_file();
        let day = |date: &str| AsOf::exact(date.parse().unwrap());
        preview.new_day(day("2026-11-22"));
        assert!(page("published-expires-tomorrow") && !page("excluded-embargoed"));
        preview.new_day(day("2026-11-23"));
        let (expired, lifted) = (
            !page("published-expires-tomorrow"),
            page("excluded-embargoed"),
        );
        assert!(
            expired && lifted,
            "expired: {expired}, embargo lifted: {lifted}"
        );
        // A date fixed with --as-of stays.
        let fixed = Overrides {
            as_of: Some(day("2026-11-22")),
            ..Overrides::default()
        };
        let mut preview = Preview::new(&root, fixed, address).unwrap();
        preview.rebuild(&Plan::default(), true, Instant::now());
        preview.new_day(day("2026-11-23"));
        let dir = preview.shared.dir.join("contests/rules");
        assert!(dir.join("published-expires-tomorrow/index.html").is_file());
        assert!(!dir.join("excluded-embargoed").exists());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
