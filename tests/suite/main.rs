//! End-to-end tests: the real `sesh` binary on real folders, asserting on the output files.

mod common;

mod consent;
mod errors;
mod example;
mod images;
mod media;
mod output;
mod theme;
mod xss;
