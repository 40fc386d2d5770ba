//! Times the output scan's search on a built site, against a plain Aho-Corasick search of the
//! same texts, and checks that both find the same texts in every file (run by hand, not by
//! `cargo test`; see docs/performance.md).
//!
//! ```text
//! scan_bench SITE OUTPUT [RUNS]    SITE: folder with sesh.toml; OUTPUT: its built site
//! ```

use aho_corasick::{AhoCorasick, MatchKind};
use sesh::audit::matcher::Matcher;
use sesh::audit::scan::Restricted;
use sesh::config::{Config, Overrides};
use std::collections::BTreeSet;
use std::ops::ControlFlow;
use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: scan_bench SITE OUTPUT [RUNS]");
        std::process::exit(2);
    }
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(3);
    let config = Config::load(Path::new(&args[0]), &Overrides::default()).expect("sesh.toml");
    let raw = sesh::content::load(&config).expect("content");
    let gated = sesh::consent::gate(&raw, &sesh::consent::Settings::from(&config));
    let restricted = Restricted::collect(&raw, &gated.site, &config.scan_allow);
    let texts = restricted.texts().to_vec();
    let files: Vec<Vec<u8>> = walkdir::WalkDir::new(&args[1])
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| std::fs::read(e.path()).expect("read"))
        .collect();
    let bytes: usize = files.iter().map(Vec::len).sum();
    println!(
        "{} texts, {} files, {:.1} MB",
        texts.len(),
        files.len(),
        bytes as f64 / 1e6
    );

    let started = Instant::now();
    let matcher = Matcher::new(&texts).expect("matcher");
    println!("windows: prepared in {:.1} ms", ms(started));
    let started = Instant::now();
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(&texts)
        .expect("automaton");
    println!("aho-corasick: prepared in {:.1} ms", ms(started));

    let mut found = Vec::new();
    let mut expected = Vec::new();
    for run in 0..runs {
        let started = Instant::now();
        found = files.iter().map(|f| windows(&matcher, f)).collect();
        let w = ms(started);
        let started = Instant::now();
        expected = files.iter().map(|f| overlapping(&automaton, f)).collect();
        let a = ms(started);
        println!(
            "run {run}: windows {w:.0} ms, aho-corasick {a:.0} ms, ratio {:.2}",
            w / a
        );
    }
    let differ = found.iter().zip(&expected).filter(|(f, e)| f != e).count();
    let matched: usize = expected.iter().map(BTreeSet::len).sum();
    println!("{matched} (file, text) matches; files where the two differ: {differ}");
    if differ > 0 {
        std::process::exit(1);
    }
}

fn windows(matcher: &Matcher, bytes: &[u8]) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    matcher.find(bytes, |i| {
        out.insert(i);
        ControlFlow::Continue(())
    });
    out
}

fn overlapping(automaton: &AhoCorasick, bytes: &[u8]) -> BTreeSet<usize> {
    automaton
        .find_overlapping_iter(bytes)
        .map(|m| m.pattern().as_usize())
        .collect()
}

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}
