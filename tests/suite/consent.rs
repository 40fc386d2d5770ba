//! The consent gate seen from outside: restricted items never reach any output byte.

use crate::common::*;

#[test]
fn consent_canaries_never_reach_the_output() {
    let site = Site::fixture("consent-canaries");
    site.build(&[]).success();
    let leaks = leaks(&site.out, "CANARY");
    assert!(leaks.is_empty(), "CANARY found in output: {leaks:#?}");
    for page in [
        "index.html",
        "framework/index.html",
        "contests/open-contest/index.html",
        "contests/open-contest/published-entry/index.html",
        "contests/open-contest/second-published/index.html",
    ] {
        assert!(site.exists(page), "{page} missing");
    }
    let entry = site.page("contests/open-contest/published-entry/index.html");
    assert!(entry.contains("Visible Author"), "named author shown");
    assert!(
        entry.contains("A colourful poster"),
        "consented image shown"
    );
    let second = site.page("contests/open-contest/second-published/index.html");
    assert!(second.contains("only this text is public"));
    assert!(
        !second.contains("<img"),
        "media without image consent must not show"
    );
    let framework = site.page("framework/index.html");
    assert!(
        framework.contains("A published entry"),
        "framework lists the published entry"
    );
    // The consented video, document and captions are published, cleaned (no CANARY above).
    let published = |ext: &str| {
        site.files()
            .into_iter()
            .filter(|f| f.starts_with("contests/open-contest/published-entry/") && f.ends_with(ext))
            .count()
    };
    assert_eq!(published(".mp4"), 1, "only the consented video");
    assert_eq!(published(".pdf"), 1, "the consented document");
    assert_eq!(published(".vtt"), 1, "its captions");
    assert!(entry.contains("<track kind=\"captions\""));
    let images: Vec<String> = site
        .files()
        .into_iter()
        .filter(|f| f.ends_with(".jpg"))
        .collect();
    assert!(!images.is_empty(), "the consented poster is published");
    for image in images {
        let bytes = std::fs::read(site.out.join(&image)).unwrap();
        assert_eq!(
            image_metadata(&bytes),
            Vec::<String>::new(),
            "{image} keeps metadata"
        );
    }
}

#[test]
fn every_consent_rule_excludes_its_entry() {
    let site = Site::fixture("consent-rules");
    site.build_with_report(&[]).success();
    let report = site.report();
    let excluded = report["excluded"].as_array().expect("excluded list");
    let rules = std::fs::read_dir(site.path("content/contests/rules")).unwrap();
    let mut checked = 0;
    for item in rules.flatten() {
        let slug = item.file_name().to_string_lossy().into_owned();
        if !item.path().is_dir() {
            continue;
        }
        let source = std::fs::read_to_string(item.path().join("index.md")).unwrap();
        let page = format!("contests/rules/{slug}/index.html");
        if let Some(rule) = source
            .lines()
            .find_map(|l| l.strip_prefix("# expected: excluded by rule `"))
            .map(|r| r.trim_end_matches('`'))
        {
            assert!(!site.exists(&page), "{slug} must not be published");
            let leaks = leaks(&site.out, &format!("RULE-{slug}"));
            assert!(leaks.is_empty(), "{slug} leaks into {leaks:?}");
            let path = format!("content/contests/rules/{slug}");
            let found = excluded
                .iter()
                .find(|e| e["path"] == path.as_str())
                .unwrap_or_else(|| panic!("{slug} not in the report's exclusions"));
            assert_eq!(found["rule"], rule, "{slug}");
        } else {
            assert!(site.exists(&page), "{slug} must be published");
            assert!(site.page(&page).contains(&format!("{slug} body.")));
        }
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} rule fixtures found");
    let listing = site.page("contests/rules/index.html");
    assert!(
        !listing.contains("RULE-"),
        "gallery lists no excluded entry"
    );
    assert!(listing.contains("published-minimal"));
}

#[test]
fn invalid_values_are_reported_with_file_line_and_field() {
    let site = Site::fixture("consent-rules");
    let run = site.build(&[]).success();
    let err = run.stderr();
    assert!(
        err.contains("error: content/contests/rules/excluded-publish-string-yes/index.md:6: `consent.publish`: expected true or false, found the text \"yes\""),
        "{err}"
    );
    assert!(
        err.contains("excluded-unknown-key/index.md:7: `consent.imgaes`: unknown consent key"),
        "{err}"
    );
    assert!(err.contains("excluded-broken-toml/index.md:"), "{err}");
}

#[test]
fn strict_fails_and_keeps_the_previous_output() {
    let site = Site::fixture("consent-canaries");
    site.build(&[]).success();
    let before = std::fs::read(site.out.join("index.html")).unwrap();
    site.edit("content/_index.md", "An archive", "CHANGED archive");
    let run = site.build(&["--strict"]).failure();
    assert!(run.stderr().contains("--strict"), "{}", run.stderr());
    assert!(
        run.stderr().contains("unknown consent key `imgaes`"),
        "{}",
        run.stderr()
    );
    assert_eq!(std::fs::read(site.out.join("index.html")).unwrap(), before);
}

#[test]
fn embargoes_lift_and_consents_expire_with_the_date() {
    let site = Site::fixture("consent-rules");
    let embargoed = "contests/rules/excluded-embargoed/index.html";
    site.sesh(&["build", "--as-of", "2026-11-22"]).success();
    assert!(!site.exists(embargoed));
    site.sesh(&["build", "--as-of", "2026-11-23"]).success();
    assert!(site.exists(embargoed), "embargo lifted on its date");
    assert!(
        !site.exists("contests/rules/published-expires-tomorrow/index.html"),
        "expired on its date"
    );
}

#[test]
fn source_date_epoch_sets_today_when_as_of_is_absent() {
    let site = Site::fixture("consent-rules");
    let run = |epoch: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_sesh"))
            .args(["build", "--root"])
            .arg(&site.root)
            .arg("--output")
            .arg(&site.out)
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    // 2026-11-23 20:00 UTC: the 23rd has begun everywhere, so the embargo has lifted.
    run("1795464000");
    assert!(site.exists("contests/rules/excluded-embargoed/index.html"));
    // 2026-11-23 06:00 UTC: still the 22nd west of UTC-6, so the embargo holds (fail closed).
    run("1795413600");
    assert!(!site.exists("contests/rules/excluded-embargoed/index.html"));
}

#[test]
fn a_draft_contest_and_its_entries_stay_out_of_every_page() {
    let site = Site::example();
    site.build(&[]).success();
    assert!(!site.exists("contests/youth-hackathon-2027/index.html"));
    let home = site.page("index.html");
    assert!(!home.contains("RESTRICTED-DRAFT"));
    assert!(
        !site
            .page("framework/index.html")
            .contains("RESTRICTED-DRAFT")
    );
}
