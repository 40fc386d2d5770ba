//! sesh turns contest folders into a consent-filtered, open-access archive website.
//!
//! The pipeline ([`site::build`]), one stage per module, in the order data flows:
//!
//! 1. [`config`]: `sesh.toml` + command-line overrides → [`config::Config`]
//! 2. [`content`]: `content/` → raw model (front matter parsed, media located; private data kept)
//! 3. [`consent`]: THE GATE, raw model → [`public`] model + exclusions with reasons
//! 4. [`images`]: consented images decoded, resized, re-encoded without metadata; [`media`]:
//!    videos, audio, documents and captions rewritten without metadata
//! 5. [`render`]: public model → HTML through the theme's templates, once per language
//!    ([`localize`] gives the model in that language, [`markdown`] sanitises bodies)
//! 6. [`search`]: the client-side search index, from the rendered public pages' text
//! 7. [`output`]: staged output swapped in place only when the whole build succeeded
//!
//! Before the pipeline, [`import`] turns a submission form's export into entry folders (it
//! writes `[consent]` as answered; the gate still decides). After it, [`share`] takes the archive
//! beyond the website: deposit metadata and `CITATION.cff` (from the public model, written by the
//! build), offline bundles and deposits (from the built site).
//!
//! [`report`] collects problems and exclusions, [`progress`] shows the long stages running;
//! [`audit`] explains every decision and scans the output for leaks; [`cli`] is the command line.

pub mod audit;
pub(crate) mod check;
pub mod cli;
pub mod config;
pub mod consent;
pub mod content;
pub(crate) mod csv_cell;
pub(crate) mod entry_checks;
pub mod images;
pub(crate) mod import;
pub(crate) mod init;
pub(crate) mod licenses;
pub(crate) mod localize;
pub mod markdown;
pub mod media;
pub(crate) mod output;
pub(crate) mod progress;
pub mod public;
pub(crate) mod publish;
pub mod render;
pub mod report;
pub(crate) mod search;
pub(crate) mod serve;
pub(crate) mod share;
pub(crate) mod site;
pub(crate) mod slug;
pub(crate) mod toml_all;
pub(crate) mod web;
pub(crate) mod words;

/// Frees `value` on a thread of its own: dropping a large site's structures takes milliseconds
/// that a build or rebuild need not wait for (a process that exits meanwhile simply ends it).
/// If no thread can be started, `value` is dropped here, with the closure that holds it.
pub(crate) fn drop_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}
