//! Progress of the long stages (images, media, the search index), on standard error: a bar per
//! stage on a terminal (indicatif), one plain line per stage otherwise (a CI log), nothing with
//! `--quiet`. Stages tick a [`Meter`] from any thread; this module uses nothing else of sesh.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// How a build shows its progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Progress {
    /// Nothing (`--quiet`, tests, the library).
    #[default]
    Silent,
    /// One line per stage when it ends: `images: 312 of 312 in 4.2 s`.
    Lines,
    /// A bar per stage while it runs, cleared when it ends.
    Bars,
}

impl Progress {
    /// Bars when standard error is a terminal, lines otherwise, nothing when `quiet`.
    pub fn detect(quiet: bool) -> Progress {
        match (quiet, std::io::stderr().is_terminal()) {
            (true, _) => Progress::Silent,
            (false, true) => Progress::Bars,
            (false, false) => Progress::Lines,
        }
    }

    /// Bars on a terminal, else nothing (`sesh serve` prints a line per rebuild already).
    pub fn bars_only() -> Progress {
        match Progress::detect(false) {
            Progress::Bars => Progress::Bars,
            _ => Progress::Silent,
        }
    }

    /// Starts the meter of a stage with `total` items to do.
    pub fn stage(self, name: &'static str, total: usize) -> Meter {
        let bar = (self == Progress::Bars && total > 0).then(|| {
            let style =
                ProgressStyle::with_template("{prefix:>12} [{bar:30}] {pos}/{len} ({elapsed})")
                    .map(|s| s.progress_chars("=> "))
                    .unwrap_or_else(|_| ProgressStyle::default_bar());
            ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr())
                .with_style(style)
                .with_prefix(name)
        });
        Meter {
            name,
            total,
            done: AtomicUsize::new(0),
            started: Instant::now(),
            bar,
            line: self == Progress::Lines,
        }
    }
}

/// The progress of one stage.
pub struct Meter {
    name: &'static str,
    total: usize,
    done: AtomicUsize,
    started: Instant,
    bar: Option<ProgressBar>,
    line: bool,
}

impl Meter {
    /// One more item done.
    pub fn tick(&self) {
        self.add(1);
    }

    /// `n` more items done.
    pub fn add(&self, n: usize) {
        self.done.fetch_add(n, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.inc(n as u64);
        }
    }

    /// Ends the stage: clears its bar, or prints its line.
    pub fn finish(self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if self.line && self.total > 0 {
            eprintln!("{}", self.summary());
        }
    }

    fn summary(&self) -> String {
        format!(
            "{}: {} of {} in {:.1} s",
            self.name,
            self.done.load(Ordering::Relaxed),
            self.total,
            self.started.elapsed().as_secs_f64()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_meter_counts_what_its_stage_did() {
        let meter = Progress::Lines.stage("images", 3);
        std::thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| meter.tick());
            }
        });
        assert!(meter.summary().starts_with("images: 3 of 3 in "));
        assert!(Progress::Silent.stage("media", 2).bar.is_none());
        assert_eq!(Progress::detect(true), Progress::Silent);
    }
}
