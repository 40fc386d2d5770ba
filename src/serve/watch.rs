//! Watches the site's source folders and yields debounced bursts of changed paths.
//!
//! Editors save by writing a temporary file and renaming it, often followed by a chmod: one
//! save is several events. The first event opens a short window; events arriving within it join
//! the same burst, so one save is one rebuild. Directories are watched (not files), removals are
//! kept, and the output and cache folders are never watched.

use anyhow::{Context, Result};
use notify::{RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// Quiet time that ends a burst.
pub const QUIET: Duration = Duration::from_millis(25);
/// Longest a burst may grow before it is handled anyway.
pub const MAX_WINDOW: Duration = Duration::from_millis(50);

pub struct Watch {
    watcher: notify::RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    watched: Vec<PathBuf>,
}

/// Source folders of a site, watched recursively when they exist.
const FOLDERS: &[&str] = &["content", "templates", "static", "i18n", "themes"];

/// Why [`Watch::next`] returned.
pub enum Wake {
    Changed(Burst),
    Idle,
}

/// What a burst contained.
pub struct Burst {
    pub paths: Vec<PathBuf>,
    /// The watcher lost events (queue overflow): everything must be reloaded.
    pub rescan: bool,
    /// When the first event of the burst arrived.
    pub first: Instant,
}

impl Watch {
    /// Watches `sesh.toml` (through the site folder, not recursively) and, recursively, each of
    /// `content/`, `templates/`, `static/`, `i18n/` and `themes/` that exists.
    pub fn start(root: &Path) -> Result<Watch> {
        let (tx, events) = channel();
        let mut watcher = notify::recommended_watcher(move |event| {
            let _ = tx.send(event);
        })
        .context("cannot start watching files")?;
        watch(&mut watcher, root, RecursiveMode::NonRecursive)?;
        let mut w = Watch {
            watcher,
            events,
            watched: Vec::new(),
        };
        w.add_new_folders(root);
        Ok(w)
    }

    /// Starts watching source folders created since (e.g. a new `templates/`).
    pub fn add_new_folders(&mut self, root: &Path) {
        for dir in FOLDERS {
            let path = root.join(dir);
            if path.is_dir() && !self.watched.contains(&path) {
                match watch(&mut self.watcher, &path, RecursiveMode::Recursive) {
                    Ok(()) => self.watched.push(path),
                    Err(e) => eprintln!("warning: {e:#}"),
                }
            }
        }
    }

    /// Blocks until something changes, then collects the burst; or until `idle` has passed
    /// with no change ([`Wake::Idle`]). `None` once the watcher has stopped.
    pub fn next(&self, idle: Duration) -> Option<Wake> {
        let first_event = match self.events.recv_timeout(idle) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => return Some(Wake::Idle),
            Err(RecvTimeoutError::Disconnected) => return None,
        };
        let first = Instant::now();
        let mut burst = Burst {
            paths: Vec::new(),
            rescan: false,
            first,
        };
        burst.add(first_event);
        while first.elapsed() < MAX_WINDOW {
            match self.events.recv_timeout(QUIET) {
                Ok(event) => burst.add(event),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        Some(Wake::Changed(burst))
    }
}

impl Burst {
    fn add(&mut self, event: notify::Result<notify::Event>) {
        match event {
            Ok(event) => {
                if event.need_rescan() {
                    self.rescan = true;
                }
                if matches!(event.kind, notify::EventKind::Access(_)) {
                    return;
                }
                self.paths.extend(event.paths);
            }
            Err(e) => {
                eprintln!("warning: file watching: {e}; reloading everything");
                self.rescan = true;
            }
        }
    }
}

fn watch(watcher: &mut notify::RecommendedWatcher, path: &Path, mode: RecursiveMode) -> Result<()> {
    watcher.watch(path, mode).with_context(|| {
        format!(
            "cannot watch `{}` for changes; on Linux the limit of watched folders may be reached: raise it with `sudo sysctl fs.inotify.max_user_watches=524288`",
            path.display()
        )
    })
}
