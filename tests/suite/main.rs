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
mod import;
mod kinds;
mod languages;
mod media;
mod messages;
mod open_data;
mod output;
mod publish;
mod release;
mod restricted;
mod scaffold;
mod search;
mod serve;
mod share;
mod theme;
mod themes;
mod validators;
mod weight;
mod xss;
