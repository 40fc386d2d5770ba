//! Measures `sesh serve`: from saving an entry file to the rebuilt page being served.
//!
//! ```text
//! cargo run --release --example serve_latency -- --sesh target/release/sesh --site DIR --runs 30
//! ```
//! Starts `sesh serve` on the site, then repeatedly writes a new sentence into one entry's file
//! and polls that entry's page until the sentence is served. Prints the median and 90th
//! percentile of those times, and of the server's own rebuild time (its log line).

use std::io::{BufRead, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let mut sesh = PathBuf::from("target/release/sesh");
    let mut site = PathBuf::from("corpus");
    let mut runs = 30usize;
    let mut args = std::env::args().skip(1);
    while let (Some(flag), Some(value)) = (args.next(), args.next()) {
        match flag.as_str() {
            "--sesh" => sesh = value.into(),
            "--site" => site = value.into(),
            "--runs" => runs = value.parse().unwrap_or(30),
            _ => panic!("unknown option {flag}"),
        }
    }
    let mut child = Command::new(&sesh)
        .args(["serve", "--port", "0", "--as-of", "2026-11-22", "--root"])
        .arg(&site)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sesh serve");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let url = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(600))
            .expect("serve started");
        if let Some(rest) = line.strip_prefix("Serving ") {
            break rest.split_whitespace().next().unwrap_or("").to_string();
        }
    };
    let host = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or("")
        .to_string();
    let base_path = format!(
        "/{}",
        url.trim_start_matches("http://")
            .split_once('/')
            .map(|(_, p)| p)
            .unwrap_or("")
    );
    let entries: Vec<PathBuf> = (0..runs)
        .map(|i| {
            let e = (i * 37) % 1000 + 1; // published entries (consent is invalid for e % 10 == 3)
            let e = if e % 10 == 3 { e + 1 } else { e };
            find_entry(&site, e)
        })
        .collect();
    let mut served = Vec::new();
    let mut builds = Vec::new();
    for (i, file) in entries.iter().enumerate() {
        let text = std::fs::read_to_string(file).expect("entry");
        let token = format!("Latency token {i} {}", Instant::now().elapsed().as_nanos());
        let rel = file
            .parent()
            .and_then(|p| p.strip_prefix(site.join("content")).ok())
            .expect("entry folder");
        let page = format!("{base_path}{}/", rel.display());
        while rx.try_recv().is_ok() {}
        let started = Instant::now();
        std::fs::write(file, format!("{text}\n{token}\n")).expect("write entry");
        loop {
            if get(&host, &page).contains(&token) {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "edit never served"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        served.push(started.elapsed().as_secs_f64() * 1000.0);
        if let Ok(line) = rx.recv_timeout(Duration::from_secs(5))
            && let Some(ms) = line
                .split("(build ")
                .nth(1)
                .and_then(|s| s.split(' ').next())
                .and_then(|s| s.parse::<f64>().ok())
        {
            builds.push(ms);
        }
        std::fs::write(file, &text).expect("restore entry");
        std::thread::sleep(Duration::from_millis(300));
        while rx.try_recv().is_ok() {}
    }
    let _ = child.kill();
    let _ = child.wait();
    println!("runs: {}", served.len());
    println!(
        "save -> served: median {:.1} ms, p90 {:.1} ms (includes the {} ms debounce quiet time)",
        pct(&mut served, 0.5),
        pct(&mut served, 0.9),
        25
    );
    println!(
        "server rebuild: median {:.1} ms, p90 {:.1} ms",
        pct(&mut builds, 0.5),
        pct(&mut builds, 0.9)
    );
}

fn find_entry(site: &std::path::Path, n: usize) -> PathBuf {
    let name = format!("entry-{n:05}");
    for contest in std::fs::read_dir(site.join("content/contests"))
        .expect("contests")
        .flatten()
    {
        let candidate = contest.path().join(&name).join("index.md");
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!("no {name} in the corpus");
}

fn get(host: &str, path: &str) -> String {
    let Ok(mut s) = std::net::TcpStream::connect(host) else {
        return String::new();
    };
    let _ = write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    );
    let mut body = String::new();
    let _ = s.read_to_string(&mut body);
    body
}

fn pct(values: &mut [f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    values[((values.len() - 1) as f64 * p).round() as usize]
}
