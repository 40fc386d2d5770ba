//! Validators we did not write, over everything sesh generates: the Nu HTML Checker (`vnu.jar`
//! from the npm package `vnu-jar`, run with Java) on every page of the bundled example in both
//! themes, of every fixture site and of a `sesh init` site, in one run of the checker (a JVM
//! starts slowly: one start for all the folders). Without Java or vnu.jar the test is skipped
//! loudly, and fails under SESH_REQUIRE_TOOLS=1 (set by .ci/run, which installs both).

use crate::common::*;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn vnu_jar() -> PathBuf {
    repo().join("tests/browser/node_modules/vnu-jar/build/dist/vnu.jar")
}

fn vnu_ready() -> bool {
    let java = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    tool_ready(
        "java (Debian default-jre-headless) or tests/browser/node_modules/vnu-jar (npm ci --prefix tests/browser)",
        java && vnu_jar().is_file(),
    )
}

/// The errors and warnings of the Nu HTML Checker on the HTML files under `dirs`, as (file
/// path, "line N: error: message"). Two kinds of warning are left out: Content-Security-Policy
/// ones (it checks files by `file:` URL, where `'self'` matches no stylesheet, image or script,
/// and counts JSON-LD as an inline script, which browsers never run; the browser tests check
/// the policy over HTTP) and its guesses at the language of the text, which is the
/// submitters' (a hostile fixture's "word word word…" reads as Afrikaans to it).
fn vnu(dirs: &[PathBuf]) -> Vec<(String, String)> {
    let run = Command::new("java")
        .arg("-jar")
        .arg(vnu_jar())
        .args(["--format", "json", "--stdout", "--skip-non-html"])
        .args(dirs)
        .output()
        .expect("run java -jar vnu.jar");
    let report: Value = serde_json::from_slice(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "vnu wrote no JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        )
    });
    let messages = report["messages"].as_array().cloned().unwrap_or_default();
    messages
        .iter()
        .filter(|m| {
            let text = m["message"].as_str().unwrap_or("");
            m["type"] == "error"
                || !(text.contains("violates Content Security Policy")
                    || text.contains("This document appears to be written in"))
        })
        .map(|m| {
            let file = m["url"]
                .as_str()
                .unwrap_or("")
                .trim_start_matches("file:")
                .to_string();
            let kind = m["subType"].as_str().or(m["type"].as_str()).unwrap_or("");
            let text = format!(
                "line {}: {kind}: {}",
                m["lastLine"],
                m["message"].as_str().unwrap_or("")
            );
            (percent_decode(&file), text)
        })
        .collect()
}

/// The sites to check: (label, output folder, what keeps the folder alive).
fn built_sites() -> Vec<(String, PathBuf, Box<dyn std::any::Any>)> {
    let mut sites: Vec<(String, Site)> = Vec::new();
    for theme in ["default", "sihi-partner"] {
        let site = Site::example();
        site.edit(
            "sesh.toml",
            "theme = \"default\"",
            &format!("theme = \"{theme}\""),
        );
        sites.push((format!("example ({theme})"), site));
    }
    let fixtures = repo().join("tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)
        .expect("tests/fixtures")
        .flatten()
        .filter(|d| d.path().join("sesh.toml").is_file())
        .map(|d| d.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 7, "fixture sites: {names:?}");
    for name in names {
        sites.push((format!("fixture {name}"), Site::fixture(&name)));
    }
    // Two builds at a time (the suite runs on two cores).
    let mut built: Vec<(String, PathBuf, Box<dyn std::any::Any>)> = Vec::new();
    for pair in sites.chunks(2) {
        std::thread::scope(|s| {
            for (label, site) in pair {
                s.spawn(move || {
                    let run = site.build(&[]);
                    assert!(
                        site.out.join("index.html").is_file(),
                        "{label} built no home page:\n{}\n{}",
                        run.stdout(),
                        run.stderr()
                    );
                });
            }
        });
    }
    for (label, site) in sites {
        built.push((label, site.out.clone(), Box::new(site)));
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("new-archive");
    let out = tmp.path().join("out");
    let sesh = |args: &[&std::ffi::OsStr]| {
        let run = Command::new(env!("CARGO_BIN_EXE_sesh"))
            .args(args)
            .env_remove("GITHUB_ACTIONS")
            .env_remove("SESH_SOURCE_VISIBILITY")
            .output()
            .expect("run sesh");
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    };
    sesh(&["init".as_ref(), root.as_os_str()]);
    sesh(&[
        "build".as_ref(),
        "--root".as_ref(),
        root.as_os_str(),
        "--output".as_ref(),
        out.as_os_str(),
    ]);
    built.push(("sesh init".into(), out, Box::new(tmp)));
    built
}

#[test]
fn every_generated_page_passes_the_nu_html_checker() {
    if !vnu_ready() {
        return;
    }
    let sites = built_sites();
    // A page the checker must fault, beside the real ones: a caption in the middle of its figure
    // and a heading that skips a level.
    let probe_dir = tempfile::tempdir().expect("temp dir");
    let probe = probe_dir.path().join("probe.html");
    std::fs::write(
        &probe,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>probe</title></head><body><h1>probe</h1><h3>skip</h3><figure><img src=\"a.jpg\" alt=\"a\"><figcaption>caption</figcaption><p>after</p></figure></body></html>",
    )
    .expect("write probe");
    let mut dirs: Vec<PathBuf> = sites.iter().map(|(_, out, _)| out.clone()).collect();
    dirs.push(probe_dir.path().to_path_buf());
    let started = std::time::Instant::now();
    let messages = vnu(&dirs);
    eprintln!(
        "vnu checked {} folders in {:?}",
        dirs.len(),
        started.elapsed()
    );
    let probe_path = probe.to_string_lossy().into_owned();
    let probed: Vec<&String> = messages
        .iter()
        .filter(|(file, _)| *file == probe_path)
        .map(|(_, m)| m)
        .collect();
    assert!(
        probed
            .iter()
            .any(|m| m.contains("“p” not allowed as child of element “figure”"))
            && probed
                .iter()
                .any(|m| m.contains("skipping 1 heading level")),
        "vnu must fault the probe page: {probed:#?}"
    );
    let mut failures: Vec<String> = Vec::new();
    let mut pages = 0;
    for (label, out, _) in &sites {
        let prefix = format!("{}/", out.display());
        for (file, message) in &messages {
            if let Some(rel) = file.strip_prefix(&prefix) {
                failures.push(format!("{label}: {rel}: {message}"));
            }
        }
        pages += files(out).iter().filter(|f| f.ends_with(".html")).count();
    }
    assert!(pages > 200, "only {pages} pages checked");
    assert!(
        failures.is_empty(),
        "the Nu HTML Checker found {} problem(s) in {pages} pages:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
