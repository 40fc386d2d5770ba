//! The bundled example archive: what a newcomer sees after one command.

use crate::common::*;

#[test]
fn the_example_builds_into_a_complete_archive() {
    let site = Site::example();
    let run = site.build(&[]).success();
    assert!(
        run.stdout().contains("Published 6 contests"),
        "{}",
        run.stdout()
    );
    for page in [
        "index.html",
        "404.html",
        "contests/index.html",
        "framework/index.html",
        "about/index.html",
        "contests/sex-health-images-2014/index.html",
        "contests/sex-health-images-2014/two-hearts-one-test/index.html",
        "contests/hiv-testing-video/testing-together/index.html",
        "contests/heptestcontest-2016/market-day-screening/index.html",
        "contests/si-evaluation-2019/community-scorecard/index.html",
        "css/sesh.css",
    ] {
        assert!(site.exists(page), "{page} missing");
    }
    let home = site.page("index.html");
    assert!(
        home.contains("fictional"),
        "the home page says entries are fictional"
    );
    assert!(home.contains("HepTestContest"));
}

#[test]
fn no_restricted_marker_or_private_value_reaches_the_output() {
    let site = Site::example();
    site.build(&[]).success();
    for marker in ["RESTRICTED-", "PRIVATE-"] {
        let leaks = leaks(&site.out, marker);
        assert!(leaks.is_empty(), "{marker} found in {leaks:#?}");
    }
    for gone in [
        "contests/sex-health-images-2014/consent-is-sexy",
        "contests/hiv-testing-video/trial-arm-b",
        "contests/hiv-testing-video/youth-voices",
        "contests/condom-use-video-2015/unsigned-form",
        "contests/heptestcontest-2016/lapsed-consent",
        "contests/youth-hackathon-2027",
    ] {
        assert!(!site.exists(gone), "{gone} must not be published");
    }
    let night_bus = site.page("contests/sex-health-images-2014/night-bus/index.html");
    assert!(!night_bus.contains("<img"), "no image consent, no image");
    for file in site
        .files()
        .into_iter()
        .filter(|f| f.ends_with(".jpg") || f.ends_with(".png"))
    {
        let bytes = std::fs::read(site.out.join(&file)).unwrap();
        assert_eq!(image_metadata(&bytes), Vec::<String>::new(), "{file}");
    }
}

#[test]
fn every_internal_link_resolves_under_any_base_url() {
    for (base_url, base_path) in [
        ("https://org.github.io/archive/", "/archive/"),
        ("https://archive.example.org/", "/"),
        ("http://localhost:1111/", "/"),
    ] {
        let site = Site::example();
        site.build(&["--base-url", base_url]).success();
        let broken = broken_links(&site.out, base_path);
        assert!(broken.is_empty(), "{base_url}: {broken:#?}");
        let entry = site.page("contests/sex-health-images-2014/two-hearts-one-test/index.html");
        let canonical = format!(
            "<link rel=\"canonical\" href=\"{base_url}contests/sex-health-images-2014/two-hearts-one-test/\">"
        );
        assert!(entry.contains(&canonical), "{base_url}: canonical link");
    }
}

#[test]
fn the_sensitive_contest_shows_initials_only() {
    let site = Site::example();
    site.build(&[]).success();
    let page = site.page("contests/hiv-testing-video/testing-together/index.html");
    assert!(
        page.contains("By Z. W. and L. Y."),
        "sensitive contest caps names"
    );
    assert!(!page.contains("Zhang Wei") && !page.contains("Jinan"));
    let identified = site.page("contests/hiv-testing-video/the-quiet-hour/index.html");
    assert!(
        identified.contains("Gao Feng"),
        "identified = true shows the name"
    );
}

#[test]
fn the_framework_page_lists_entries_under_their_sections() {
    let site = Site::example();
    site.build(&[]).success();
    let page = site.page("framework/index.html");
    let needs = page.find("id=\"needs\"").expect("needs section");
    let process = page.find("id=\"process\"").expect("process section");
    let section = &page[needs..process];
    assert!(
        section.contains("Testing Together"),
        "an entry tagged needs is listed under it"
    );
    assert!(section.contains("Community scorecards"));
    assert!(
        !section.contains("Pocket Sized"),
        "an entry tagged process is not listed under needs"
    );
    assert!(page[process..].contains("Pocket Sized"));
}
