//! End-to-end tests: the real `sesh` binary on real folders, asserting on the output files.

mod common;

mod architecture;
mod audit;
mod browser;

mod consent;
mod damage;
mod deploy;
mod docs;
mod errors;
mod example;
mod hostile;
mod images;
mod kinds;
mod languages;
mod media;
mod open_data;
mod output;
mod publish;
mod restricted;
mod search;
mod serve;
mod share;
mod theme;
mod themes;
mod weight;
mod xss;
