//! `sesh new contest` and `sesh new entry`: ready folders in an archive, a new entry kept off the
//! website by the consent gate until its consent is recorded, and nothing overwritten.

use crate::common::*;
use std::process::Command;

#[test]
fn a_new_entry_is_published_only_once_its_consent_is_recorded() {
    let site = Site::fixture("consent-canaries");
    let root = site.root.to_str().unwrap();
    let run = sesh(&[
        "new",
        "contest",
        "hiv-self-testing",
        "--title",
        "HIV self-testing 2026",
        "--root",
        root,
    ])
    .success();
    let contest = site.path("content/contests/hiv-self-testing/_index.md");
    assert!(
        run.stdout().contains(&contest.display().to_string())
            && run.stdout().contains("sesh new entry hiv-self-testing"),
        "{}",
        run.stdout()
    );
    let run = sesh(&[
        "new",
        "entry",
        "hiv-self-testing",
        "kit-at-the-pharmacy",
        "--title",
        "A kit at the \"pharmacy\"",
        "--root",
        root,
    ])
    .success();
    let rel = "content/contests/hiv-self-testing/kit-at-the-pharmacy/index.md";
    let out = run.stdout();
    assert!(
        out.contains(&site.path(rel).display().to_string()) && out.contains("NOT published"),
        "{out}"
    );
    let text = std::fs::read_to_string(site.path(rel)).unwrap();
    assert!(
        text.contains("title = 'A kit at the \"pharmacy\"'")
            || text.contains("title = \"A kit at the \\\"pharmacy\\\"\""),
        "{text}"
    );
    // Every consent field is written out with a comment saying what it means.
    for field in [
        "publish = false",
        "images = false",
        "withdrawn = false",
        "minor = false",
        "guardian = false",
        "identified = false",
        "# embargo_until = ",
        "# expires = ",
    ] {
        let line = text
            .lines()
            .find(|l| l.starts_with(field))
            .unwrap_or_else(|| panic!("no `{field}` line in:\n{text}"));
        assert!(line.contains(" # "), "`{field}` has no comment: {line}");
    }

    let report = site.build_with_report(&[]).success();
    assert!(!site.exists("contests/hiv-self-testing/kit-at-the-pharmacy/index.html"));
    let excluded = site.report()["excluded"].to_string();
    assert!(
        excluded.contains("kit-at-the-pharmacy") && excluded.contains("publish-false"),
        "{excluded}\n{}",
        report.stdout()
    );
    assert!(leaks(&site.out, "kit-at-the-pharmacy").is_empty());

    site.edit(rel, "publish = false", "publish = true");
    site.build(&[]).success();
    let page = site.page("contests/hiv-self-testing/kit-at-the-pharmacy/index.html");
    assert!(
        page.contains("A kit at the &quot;pharmacy&quot;")
            || page.contains("A kit at the \"pharmacy\"")
    );
    assert!(
        site.page("contests/hiv-self-testing/index.html")
            .contains("HIV self-testing 2026")
    );
}

#[test]
fn new_refuses_to_overwrite_and_explains_bad_names() {
    let site = Site::fixture("consent-canaries");
    let root = site.root.to_str().unwrap();
    let entry = site.path("content/contests/open-contest/published-entry/index.md");
    let before = std::fs::read(&entry).unwrap();
    let err = sesh(&[
        "new",
        "entry",
        "open-contest",
        "published-entry",
        "--root",
        root,
    ])
    .failure()
    .stderr();
    assert!(err.contains("already exists; nothing was written"), "{err}");
    assert_eq!(std::fs::read(&entry).unwrap(), before);
    let err = sesh(&["new", "contest", "open-contest", "--root", root])
        .failure()
        .stderr();
    assert!(err.contains("already exists"), "{err}");

    let err = sesh(&["new", "entry", "no-such-contest", "x", "--root", root])
        .failure()
        .stderr();
    assert!(err.contains("sesh new contest no-such-contest"), "{err}");
    for bad in ["Testing Together", "../escape", ".hidden"] {
        let err = sesh(&["new", "entry", "open-contest", bad, "--root", root])
            .failure()
            .stderr();
        assert!(err.contains("cannot name an entry folder"), "{bad}: {err}");
    }
    assert!(!site.path("escape").exists() && !site.path("content/contests/escape").exists());
    let tmp = tempfile::tempdir().unwrap();
    let err = sesh(&[
        "new",
        "contest",
        "c",
        "--root",
        tmp.path().to_str().unwrap(),
    ])
    .failure()
    .stderr();
    assert!(err.contains("has no sesh.toml"), "{err}");
}

/// The words of a command line as a POSIX shell splits them (plain and double-quoted words,
/// enough for README's examples), without a trailing `# comment`.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut started = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            '#' if !quoted && !started => break,
            c if c.is_whitespace() && !quoted => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

/// README's "Start your own archive" commands, run as written in a new folder: init, new
/// contest, new entry, serve (the preview answers with the new contest), check (no error; the new
/// entry waits for consent). The entry file the text after the block names is the one made.
#[test]
fn the_readme_path_to_a_new_archive_works_as_written() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let section = readme
        .split("\n## Start your own archive\n")
        .nth(1)
        .expect("README has a 'Start your own archive' section");
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    assert!(
        section.lines().count() <= 40,
        "the quick path is kept to a screenful"
    );
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .expect("a sh block");
    let tmp = tempfile::tempdir().unwrap();
    let mut dir = tmp.path().to_path_buf();
    let mut ran = Vec::new();
    for line in block.lines() {
        let words = shell_words(line);
        match words
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            [] => {}
            ["cd", to] => dir = dir.join(to),
            ["sesh", "serve"] => {
                let site = Site::copy(&dir);
                let serve = Serve::start(&site, &[]);
                let (status, body) = serve.get("contests/selftest-2026/");
                assert_eq!(status, 200);
                assert!(body.contains("HIV self-testing ideas 2026"), "{body}");
                ran.push("serve".to_string());
            }
            ["sesh", args @ ..] => {
                let run = Command::new(env!("CARGO_BIN_EXE_sesh"))
                    .args(args)
                    .current_dir(&dir)
                    .env_remove("GITHUB_ACTIONS")
                    .env_remove("SESH_SOURCE_VISIBILITY")
                    .output()
                    .unwrap();
                let out = format!(
                    "{}{}",
                    String::from_utf8_lossy(&run.stdout),
                    String::from_utf8_lossy(&run.stderr)
                );
                assert!(run.status.success(), "{line}:\n{out}");
                if args[0] == "check" {
                    assert!(out.contains(" 0 error(s)"), "{out}");
                    assert!(out.contains("publish-false"), "{out}");
                }
                ran.push(args[0].to_string());
            }
            other => panic!("README's quick path runs something unexpected: {other:?}"),
        }
    }
    assert_eq!(ran, ["init", "new", "new", "serve", "check"]);
    let named = section
        .split('`')
        .find(|s| s.starts_with("content/contests/") && s.ends_with("index.md"))
        .expect("the text names the entry file");
    let entry = std::fs::read_to_string(dir.join(named)).unwrap();
    assert!(entry.contains("publish = false"), "{entry}");
}
