//! Messages that tell the truth (issue 32): every problem of a file in one run, hints that name
//! the fix, a CI-visible count of what errors kept out, and counts that agree between commands.

use crate::common::*;

const ENTRY: &str = "content/contests/open-contest/second-published/index.md";

#[test]
fn every_problem_of_a_front_matter_in_one_run_with_the_date_hint() {
    let site = Site::fixture("consent-canaries");
    site.edit(
        ENTRY,
        "award = \"finalist\"",
        "award = \"finalist\"\nsumary = \"typo\"\ndate = 2025/06/12",
    );
    site.edit(ENTRY, "publish = true", "publish = true\nwithdrawm = false");
    let run = site.build(&[]).success();
    let err = run.stderr();
    for expected in [
        "second-published/index.md:4: `sumary`: front matter: unknown field `sumary`",
        "second-published/index.md:5: `date`:",
        "second-published/index.md:11: `consent.withdrawm`: unknown consent key `withdrawm`",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    assert!(
        err.contains("write dates bare, without quotes, as year-month-day: date = 2025-06-12"),
        "the first hint names the fix for a date:\n{err}"
    );
    assert!(
        !err.contains("string values must be quoted\n  hint: check the TOML"),
        "{err}"
    );
    assert!(!site.exists("contests/open-contest/second-published/index.html"));

    // Quoted, the date gets the same hint (not a second round of guessing).
    site.edit(ENTRY, "date = 2025/06/12", "date = \"2025/06/12\"");
    let err = site.build(&[]).success().stderr();
    assert!(
        err.contains("second-published/index.md:5: `date`: front matter: invalid type"),
        "{err}"
    );
    assert!(err.contains("date = 2025-06-12"), "{err}");
}

#[test]
fn a_ci_log_counts_entries_dropped_for_errors_and_strict_fails() {
    let site = Site::fixture("consent-canaries");
    // The fixture's two invalid-consent canaries are errors already; consent decisions (withdrawn,
    // embargoed, expired…) are not counted.
    let clean = site.build_in_ci(&[]).success().stdout();
    assert!(
        clean.contains("\n2 entries not published because of errors"),
        "{clean}"
    );

    site.edit(
        ENTRY,
        "award = \"finalist\"",
        "award = \"finalist\"\nsumary = \"typo\"",
    );
    let out = site.build_in_ci(&[]).success().stdout();
    assert!(
        out.contains("\n3 entries not published because of errors"),
        "a winner must not disappear silently from a CI build:\n{out}"
    );
    let strict = site.build_in_ci(&["--strict"]).failure();
    assert!(strict.stderr().contains("sumary"), "{}", strict.stderr());
}

#[test]
fn every_problem_of_sesh_toml_in_one_run() {
    let site = Site::fixture("consent-canaries");
    let config = std::fs::read_to_string(site.path("sesh.toml")).unwrap();
    site.write(
        "sesh.toml",
        &format!("them = \"default\"\n{config}\nserch = false\n"),
    );
    let err = site.build(&[]).failure().stderr();
    let last = config.lines().count() + 3;
    assert!(
        err.contains("sesh.toml:1: `them`: unknown field `them`"),
        "{err}"
    );
    assert!(
        err.contains(&format!("sesh.toml:{last}: `serch`: unknown field `serch`")),
        "{err}"
    );
}

#[test]
fn build_check_and_audit_count_pages_and_media_alike() {
    let site = Site::example();
    let build = site.build(&[]).success().stdout();
    let check = site.command(&["check", "--as-of", AS_OF]).stdout();
    let number = |text: &str, before: &str| -> usize {
        let at = text
            .find(before)
            .unwrap_or_else(|| panic!("{before:?} in {text}"));
        let digits: String = text[..at]
            .trim_end()
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.chars().rev().collect::<String>().parse().unwrap()
    };
    let html = files(&site.out)
        .iter()
        .filter(|f| f.ends_with(".html"))
        .count();
    assert_eq!(number(&build, " pages ("), html, "{build}");
    assert_eq!(number(&check, " pages,"), html, "{check}");

    let json = site
        .command(&["audit", "--as-of", AS_OF, "--format", "json"])
        .success()
        .stdout();
    let audit: serde_json::Value = serde_json::from_str(&json).unwrap();
    let media = audit["summary"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "media")
        .unwrap_or_else(|| panic!("{json}"));
    assert_eq!(
        number(&build, " media items"),
        media["published"].as_u64().unwrap() as usize,
        "{build}"
    );
    assert!(build.contains("dates checked as of 2026-11-22"), "{build}");
}

#[test]
fn the_audit_says_what_happened_to_each_kind_of_media() {
    let site = Site::fixture("media-kinds");
    let csv = site
        .command(&["audit", "--as-of", AS_OF, "--format", "csv"])
        .success()
        .stdout();
    let line = |needle: &str| {
        csv.lines()
            .find(|l| l.starts_with("media,") && l.contains(needle))
            .unwrap_or_else(|| panic!("{needle} in {csv}"))
            .to_string()
    };
    assert!(line("case.pdf").contains("rebuilt from its pages"), "{csv}");
    assert!(
        line("youtube.com/watch?v=abc").contains("an address only"),
        "{csv}"
    );
    assert!(
        line("clip.mp4").contains("rebuilt from the audio and video"),
        "{csv}"
    );
    assert!(
        !csv.lines()
            .any(|l| (l.contains(".pdf") || l.contains("youtube")) && l.contains("re-encoded")),
        "{csv}"
    );
}

#[test]
fn an_external_video_without_a_transcript_gets_the_captions_warning() {
    let site = Site::fixture("media-kinds");
    let entry = "content/contests/kinds/external-video/index.md";
    site.edit(entry, "transcript = \"../local-video/transcript.md\"\n", "");
    let err = site.build(&[]).success().stderr();
    assert!(
        err.contains("external-video/index.md: `media.transcript`: external video `https://www.youtube.com/watch?v=abcDEF12345` has no transcript"),
        "{err}"
    );
}
