//! The output folder: atomic replacement, stale files gone, dangerous targets refused.

use crate::common::*;

#[test]
fn withdrawing_consent_removes_the_entry_on_the_next_build() {
    let site = Site::fixture("consent-canaries");
    site.build(&[]).success();
    let entry = "contests/open-contest/second-published/index.html";
    assert!(site.exists(entry));
    site.edit(
        "content/contests/open-contest/second-published/index.md",
        "publish = true",
        "publish = true\nwithdrawn = true",
    );
    site.build(&[]).success();
    assert!(!site.exists(entry), "stale page removed");
    assert!(
        !site.exists("contests/open-contest/second-published"),
        "its folder is gone"
    );
    assert!(
        !site
            .page("contests/open-contest/index.html")
            .contains("Second published entry")
    );
    assert!(
        !site
            .page("contests/open-contest/published-entry/index.html")
            .contains("second-published"),
        "no link left to it"
    );
}

#[test]
fn output_folders_sesh_did_not_create_are_refused() {
    let site = Site::fixture("consent-canaries");
    std::fs::create_dir_all(&site.out).unwrap();
    std::fs::write(site.out.join("thesis.docx"), b"precious").unwrap();
    let err = site.build(&[]).failure().stderr();
    assert!(err.contains("refusing"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert!(site.out.join("thesis.docx").exists());
    site.build(&["--force"]).success();
    assert!(!site.out.join("thesis.docx").exists());
    assert!(site.exists("index.html"));
}

#[test]
fn the_site_and_its_sources_are_never_used_as_output() {
    let site = Site::fixture("consent-canaries");
    for bad in [
        site.root.clone(),
        site.root.join("content"),
        site.root.parent().unwrap().to_path_buf(),
    ] {
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_sesh"))
            .args(["build", "--force", "--root"])
            .arg(&site.root)
            .arg("--output")
            .arg(&bad)
            .output()
            .unwrap();
        assert!(!run.status.success(), "{} accepted", bad.display());
        assert!(String::from_utf8_lossy(&run.stderr).contains("refusing"));
    }
    assert!(site.path("content/_index.md").exists(), "nothing deleted");
}

#[test]
fn the_report_is_never_written_into_the_output() {
    let site = Site::fixture("consent-canaries");
    let inside = site.out.join("report.json");
    let err = site
        .build(&["--report", inside.to_str().unwrap()])
        .failure()
        .stderr();
    assert!(err.contains("--report"), "{err}");
}

#[test]
fn builds_are_reproducible() {
    let site = Site::example();
    site.build(&[]).success();
    let first: Vec<(String, Vec<u8>)> = site
        .files()
        .into_iter()
        .map(|f| {
            let b = std::fs::read(site.out.join(&f)).unwrap();
            (f, b)
        })
        .collect();
    site.build(&[]).success();
    let second: Vec<(String, Vec<u8>)> = site
        .files()
        .into_iter()
        .map(|f| {
            let b = std::fs::read(site.out.join(&f)).unwrap();
            (f, b)
        })
        .collect();
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.0, b.0);
        assert!(a.1 == b.1, "{} differs between two builds", a.0);
    }
}

#[test]
fn rebuilds_reuse_the_previous_output_and_rewrite_only_what_changed() {
    use std::os::unix::fs::MetadataExt;
    let site = Site::example();
    let inode = |rel: &str| std::fs::metadata(site.out.join(rel)).unwrap().ino();
    let about = "about/index.html";
    let edited = "contests/amr-diagnostics-cases-2018/dipstick-doubts/index.html";
    site.build(&[]).success();
    let first = inode(about);
    site.build(&[]).success();
    let prev = site.out.with_file_name(".out.sesh-prev");
    assert!(
        prev.join(".sesh-output").is_file(),
        "the replaced output is kept for the next build"
    );
    site.edit(
        "content/contests/amr-diagnostics-cases-2018/dipstick-doubts/index.md",
        "title = \"Dipstick doubts\"",
        "title = \"Dipstick doubts, revised\"",
    );
    site.edit(
        "content/contests/hiv-testing-video/mirror/index.md",
        "publish = true",
        "publish = false",
    );
    site.build(&[]).success();
    assert_eq!(
        inode(about),
        first,
        "an unchanged page is not rewritten (the first build's file is back)"
    );
    assert!(
        site.page(edited).contains("Dipstick doubts, revised"),
        "a changed page is rewritten"
    );
    assert!(
        !site.exists("contests/hiv-testing-video/mirror"),
        "an unpublished entry is gone"
    );
    assert!(
        !site
            .page("contests/hiv-testing-video/index.html")
            .contains("Mirror")
    );
    // The reused folder is exactly what a build from scratch produces.
    let fresh = site.out.with_file_name("fresh");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_sesh"))
        .args(["build", "--as-of", AS_OF, "--root"])
        .arg(&site.root)
        .arg("--output")
        .arg(&fresh)
        .output()
        .unwrap();
    assert!(run.status.success());
    let mut expected = files(&fresh);
    let mut got = files(&site.out);
    expected.remove(".sesh-output");
    got.remove(".sesh-output");
    assert_eq!(got, expected, "same files as a fresh build");
    for f in &expected {
        assert!(
            std::fs::read(fresh.join(f)).unwrap() == std::fs::read(site.out.join(f)).unwrap(),
            "{f} differs from a fresh build"
        );
    }
}

/// The long stages show their progress: one line each in a log (a CI service's), a bar on a
/// terminal, nothing with `--quiet`.
#[test]
fn progress_is_a_line_per_stage_in_a_log_a_bar_on_a_terminal_and_nothing_when_quiet() {
    let site = Site::fixture("consent-canaries");
    let err = site.build_in_ci(&[]).success().stderr();
    for stage in ["images", "media", "search index"] {
        let line = err
            .lines()
            .find(|l| l.starts_with(&format!("{stage}: ")))
            .unwrap_or_else(|| panic!("no line for {stage}:\n{err}"));
        let words: Vec<&str> = line.split_whitespace().collect();
        let at = stage.split(' ').count();
        let (done, total) = (words[at], words[at + 2]);
        assert!(
            done == total && done.parse::<usize>().unwrap() > 0 && line.ends_with(" s"),
            "{line}"
        );
    }
    let quiet = site.build_in_ci(&["--quiet"]).success().stderr();
    assert!(
        !quiet.lines().any(|l| l.starts_with("images: ")),
        "--quiet prints no progress:\n{quiet}"
    );

    // `script` runs sesh on a pseudo-terminal: bars, cleared when their stage ends.
    let script = std::process::Command::new("script")
        .arg("--version")
        .output();
    if !tool_ready("script (Debian package bsdutils)", script.is_ok()) {
        return;
    }
    let out = site.out.with_file_name("terminal");
    let command = format!(
        "{} build --as-of {AS_OF} --root {} --output {}",
        env!("CARGO_BIN_EXE_sesh"),
        site.root.display(),
        out.display()
    );
    let run = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap();
    let screen = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{screen}");
    assert!(screen.contains("images ["), "no bar drawn:\n{screen:?}");
    assert!(
        !screen.lines().any(|l| l.starts_with("images: ")),
        "a terminal gets bars, not lines:\n{screen}"
    );
}
