//! Times sesh's media cleaners on real files, for `bench/media.sh` (run by hand, not by
//! `cargo test`): `media_bench ROUNDS FILE...` cleans each FILE (MP4/MOV/M4A or PDF, by its
//! first bytes) ROUNDS times on one thread, from memory to memory, and prints one line per file:
//! its size, the cleaned size and the median speed in MB/s of input.
//!
//! It uses only `sesh::media::mp4::clean` and `sesh::media::pdf::clean`, whose signatures have
//! not changed, so the same file measures an older commit too.

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((rounds, files)) = args.split_first() else {
        eprintln!("usage: media_bench ROUNDS FILE...");
        std::process::exit(2);
    };
    let rounds: usize = rounds.parse().unwrap_or(5);
    for file in files {
        let data = std::fs::read(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        let mut times = Vec::new();
        let mut out = 0;
        for _ in 0..rounds {
            let started = Instant::now();
            out = clean(&data).unwrap_or_else(|e| panic!("{file}: {e}"));
            times.push(started.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        println!(
            "{file}\t{:.1} MB\t-> {:.1} MB\t{:.1} ms\t{:.0} MB/s",
            data.len() as f64 / 1e6,
            out as f64 / 1e6,
            median * 1e3,
            data.len() as f64 / 1e6 / median
        );
    }
}

/// The cleaned size of `data`.
fn clean(data: &[u8]) -> Result<usize, String> {
    if data.starts_with(b"%PDF") {
        let public = sesh::media::pdf::Public {
            title: "A title",
            author: "A. B.",
        };
        sesh::media::pdf::clean(data, &public).map(|c| c.bytes.len())
    } else {
        sesh::media::mp4::clean(data).map(|c| c.bytes.len())
    }
}
