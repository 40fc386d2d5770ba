//! Problems, exclusions and how logs show them: the leaf every stage reports through.
//!
//! Every stage reports what it dropped or doubted as a [`Problem`] (which file, which line, which
//! field, what happened, what to do) instead of failing the build: one bad entry must not stop an
//! archive from publishing; the gate reports what it kept out as an [`Exclusion`]. The build
//! collects them into its report (`crate::site::BuildReport`). [`Log`] and [`redact`] decide
//! what a log that others may read can show. This module uses nothing else of sesh.

use serde::Serialize;
use std::fmt;
use std::path::Path;

/// How bad a problem is. Errors are input the organiser must fix (an invalid consent value, an
/// unknown key); warnings are things sesh handled but that may surprise (a removed link).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One finding about the input, located as precisely as the stage that found it can.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    /// Path relative to the site root, with `/` separators.
    pub file: String,
    pub line: Option<usize>,
    /// The front matter field or setting concerned, e.g. `consent.publish`.
    pub field: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

impl Problem {
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, file.into(), message.into())
    }

    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, file.into(), message.into())
    }

    fn new(severity: Severity, file: String, message: String) -> Self {
        Problem {
            severity,
            file,
            line: None,
            field: None,
            message,
            hint: None,
        }
    }

    pub fn at_line(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl std::error::Error for Problem {}

/// Several problems of one file, reported together (an error of a command: every line but the
/// first labelled here, the first by whoever prints the error).
#[derive(Debug, Clone, PartialEq)]
pub struct Problems(pub Vec<Problem>);

impl std::error::Error for Problems {}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i == 0 {
                write!(f, "{p}")?;
            } else {
                write!(f, "\n{}", p.labelled())?;
            }
        }
        Ok(())
    }
}

impl Problem {
    /// `error: …` or `warning: …`, as printed to the terminal.
    pub fn labelled(&self) -> String {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        format!("{label}: {self}")
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": `{field}`")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// A path as shown to users: relative to the site root, `/`-separated.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// 1-based line number of a byte offset in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// An item the consent gate kept out of the site, and the rule that decided it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exclusion {
    /// `contest`, `entry` or `media`.
    pub kind: &'static str,
    /// The folder or file excluded, relative to the site root.
    pub path: String,
    /// A stable machine-readable rule id, e.g. `withdrawn`, `embargoed`, `invalid-value`.
    pub rule: &'static str,
    /// Human-readable reason.
    pub reason: String,
}

/// Rules that exclude an item because its source has an error (a typo, a value of the wrong
/// type, a missing alt text), not because of what consent says: these are what the organiser
/// must fix, and what `--strict` fails on.
pub const ERROR_RULES: &[&str] = &[
    "unreadable",
    "invalid-consent",
    "invalid-value",
    "invalid-kind",
    "no-alt-text",
];

impl Exclusion {
    /// Whether an error in the source (not consent) kept this item out.
    pub fn for_error(&self) -> bool {
        ERROR_RULES.contains(&self.rule)
    }
}

/// How much a log may say. On a terminal it is read by the organiser at their computer; a log
/// that is not (a CI service's, which may be readable by more people than the sources) says
/// nothing that identifies what the gate withheld.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Log {
    #[default]
    /// Every excluded item and every problem as it is.
    Full,
    /// Exclusions as counts by reason; restricted texts in problems replaced by `[withheld]`.
    Public,
}

impl Log {
    /// `Full` when both standard output and standard error are terminals, or when asked for.
    pub fn detect(full: bool) -> Log {
        use std::io::IsTerminal;
        match full || (std::io::stdout().is_terminal() && std::io::stderr().is_terminal()) {
            true => Log::Full,
            false => Log::Public,
        }
    }
}

/// `text` with every occurrence of the `withheld` texts (longest first) replaced.
pub fn redact(text: &str, withheld: &[String]) -> String {
    let mut out = text.to_string();
    for w in withheld {
        if out.contains(w.as_str()) {
            out = out.replace(w.as_str(), "[withheld]");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_are_one_based() {
        let text = "a\nb\nc";
        assert_eq!(line_of(text, 0), 1);
        assert_eq!(line_of(text, 2), 2);
        assert_eq!(line_of(text, 4), 3);
        assert_eq!(line_of(text, 99), 3);
    }

    #[test]
    fn problem_display_names_file_line_field_and_hint() {
        let p = Problem::error("content/x/index.md", "expected true or false")
            .at_line(Some(7))
            .field("consent.publish")
            .hint("write publish = true");
        assert_eq!(
            p.labelled(),
            "error: content/x/index.md:7: `consent.publish`: expected true or false\n  hint: write publish = true"
        );
    }
}
