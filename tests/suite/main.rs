//! End-to-end tests: the real `sesh` binary on real folders, asserting on the output files.

mod common;

mod audit;
mod browser;

mod consent;
mod docs;
mod errors;
mod example;
mod hostile;
mod images;
mod media;
mod output;
mod publish;
mod serve;
mod theme;
mod themes;
mod weight;
mod xss;
