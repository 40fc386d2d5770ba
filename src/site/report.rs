//! The build report: what a build published, what it excluded and why, every problem, the
//! output scan and the time each stage took. Printed as a short summary after every build
//! ([`BuildReport::summary`], as much as the [`Log`] may show) and written as JSON with
//! `--report FILE`.

use crate::audit::scan::ScanReport;
use crate::images::ImageStats;
use crate::report::{Exclusion, Log, Problem, Severity, redact};
use serde::Serialize;
use std::path::PathBuf;

/// Counts of what a build published.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Published {
    pub contests: usize,
    pub entries: usize,
    /// Media items published (`[[media]]` items: files and external addresses), as `sesh audit`
    /// counts them.
    pub media: usize,
    /// Files copied from entry folders (images, videos, audio, documents, posters, captions).
    pub media_files: usize,
    /// HTML pages (what `sesh check` crawls); feeds, data and citation files are not pages.
    pub pages: usize,
    pub files_written: usize,
}

/// What `sesh build --report FILE` writes.
#[derive(Clone, Debug, Default, Serialize)]
pub struct BuildReport {
    pub as_of: String,
    pub output: PathBuf,
    pub published: Published,
    pub images: ImageStats,
    pub excluded: Vec<Exclusion>,
    pub problems: Vec<Problem>,
    /// The output scan run before the output was replaced (none with `--no-scan`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scan: Option<ScanReport>,
    /// Milliseconds spent in each stage of the build.
    pub timings: Vec<(String, f64)>,
    /// In a build for a deposit, the published entries (`contest/entry`) left out because
    /// their consent has an end date.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_permanent: Vec<String>,
    /// Texts a log that others may read must not show (restricted texts, the paths and file
    /// names of what was withheld), longest first; see [`Log::Public`]. Never written out.
    #[serde(skip)]
    pub withheld: Vec<String>,
}

impl BuildReport {
    pub fn errors(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count()
    }

    /// The short summary printed after every build: what was published, and what was
    /// excluded, item by item (the first [`LISTED`]) or, in a public log, as counts by reason.
    pub fn summary(&self, log: Log) -> String {
        let p = &self.published;
        let mut out = format!(
            "Published {} contest{}, {} entr{}, {} media item{} ({} file{}) and {} page{} ({}).",
            p.contests,
            plural(p.contests),
            p.entries,
            if p.entries == 1 { "y" } else { "ies" },
            p.media,
            plural(p.media),
            p.media_files,
            plural(p.media_files),
            p.pages,
            plural(p.pages),
            as_of_words(&self.as_of),
        );
        if let Some(line) = self.not_published_for_errors() {
            out.push('\n');
            out.push_str(&line);
        }
        if self.excluded.is_empty() {
            return out;
        }
        out.push_str(&format!(
            "\nExcluded {} item{}",
            self.excluded.len(),
            plural(self.excluded.len())
        ));
        match log {
            Log::Full => {
                out.push(':');
                for e in self.excluded.iter().take(LISTED) {
                    out.push_str(&format!("\n  - {} {}: {}", e.kind, e.path, e.reason));
                }
                if self.excluded.len() > LISTED {
                    out.push_str(&format!(
                        "\n  … and {} more (all of them: sesh audit, or --report FILE)",
                        self.excluded.len() - LISTED
                    ));
                }
            }
            Log::Public => {
                out.push_str(
                    " (which ones is not printed in a log others may read: see sesh audit, sesh check or --report FILE on your computer, or --verbose):",
                );
                let mut counts: std::collections::BTreeMap<(&str, &str), usize> =
                    std::collections::BTreeMap::new();
                for e in &self.excluded {
                    *counts.entry((e.kind, e.rule)).or_default() += 1;
                }
                for ((kind, rule), n) in counts {
                    out.push_str(&format!("\n  - {kind}, {rule}: {n}"));
                }
            }
        }
        out
    }

    /// "N entries not published because of errors": what a CI log must show even when the
    /// build goes on (the errors themselves are printed above it).
    pub fn not_published_for_errors(&self) -> Option<String> {
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for kind in ["contest", "entry", "media"] {
            let n = self
                .excluded
                .iter()
                .filter(|e| e.kind == kind && e.for_error())
                .count();
            if n > 0 {
                let noun = match (kind, n) {
                    ("contest", 1) => "contest",
                    ("contest", _) => "contests",
                    ("entry", 1) => "entry",
                    ("entry", _) => "entries",
                    (_, 1) => "media item",
                    _ => "media items",
                };
                counts.push((noun, n));
            }
        }
        if counts.is_empty() {
            return None;
        }
        let list: Vec<String> = counts
            .iter()
            .map(|(noun, n)| format!("{n} {noun}"))
            .collect();
        Some(format!(
            "{} not published because of errors (listed above; fix them, or run with --strict to make them fail the build).",
            list.join(", ")
        ))
    }

    /// A problem as printed in `log`.
    pub fn shown(&self, problem: &Problem, log: Log) -> String {
        match log {
            Log::Full => problem.labelled(),
            Log::Public => redact(&problem.labelled(), &self.withheld),
        }
    }
}

/// Items listed one by one in a summary before "… and N more".
const LISTED: usize = 20;

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A scan that found something: the build fails and the previous output stays. With it, the
/// build's report: its problems (to be printed first) and the texts a public log must not show.
#[derive(Debug, thiserror::Error)]
#[error("{}", failure_message(&.0))]
pub struct LeakFound(pub ScanReport, pub Box<BuildReport>);

fn failure_message(report: &ScanReport) -> String {
    let mut s = format!(
        "the output scan found {} leak(s); nothing was published and the previous output is unchanged:",
        report.findings.len()
    );
    for f in report.findings.iter().take(50) {
        s.push_str(&format!("\n  {}: {}", f.file, f.what));
    }
    if report.findings.len() > 50 {
        s.push_str(&format!("\n  … and {} more", report.findings.len() - 50));
    }
    s.push_str("\n  hint: this is a bug in sesh or a theme; report it. `--no-scan` skips the scan (not recommended)");
    s
}

/// The day the consent rules were applied (`AsOf` as shown), in words: one date, or the two
/// calendar dates that "now" falls on across time zones (embargoes end when they have ended everywhere, consent
/// expires when it has expired anywhere).
pub(crate) fn as_of_words(as_of: &str) -> String {
    match as_of.split_once("..") {
        None => format!("dates checked as of {as_of}"),
        Some((earliest, latest)) => format!(
            "dates checked as of {earliest} to {latest}, today's dates across time zones: embargoes end once ended everywhere, consents expire once expired anywhere"
        ),
    }
}
