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
        "favicon.svg",
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
        .filter(|f| f.ends_with(".jpg") || f.ends_with(".png") || f.ends_with(".webp"))
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

#[test]
fn the_example_is_bilingual_with_one_contest_fully_in_chinese() {
    let site = Site::example();
    site.build(&[]).success();
    let home = site.page("zh-Hans/index.html");
    assert!(home.contains("<html lang=\"zh-Hans\">"));
    assert!(home.contains("来自公众的创意"), "translated home page");
    assert!(
        home.contains("虚构"),
        "the Chinese home page says entries are fictional"
    );
    assert!(
        home.contains("<title>SESH 众包档案</title>"),
        "translated site title"
    );
    let contest = site.page("zh-Hans/contests/sex-health-images-2014/index.html");
    assert!(contest.contains("<h1>性与健康：性健康图像竞赛</h1>"));
    let main = contest
        .split("<main")
        .nth(1)
        .and_then(|m| m.split("</main>").next())
        .expect("main");
    assert!(
        !main.contains(" lang=\"en\""),
        "the contest and its entries are fully translated: {main}"
    );
    for (entry, title) in [
        ("two-hearts-one-test", "两颗心，一起检测"),
        ("clinic-map", "找到诊所"),
        ("open-door", "门是开着的"),
        ("umbrella", "防护好"),
        ("night-bus", "末班车回家"),
    ] {
        let page = site.page(&format!(
            "zh-Hans/contests/sex-health-images-2014/{entry}/index.html"
        ));
        assert!(page.contains(&format!("<h1>{title}</h1>")), "{entry}");
        assert!(!page.contains("此内容尚未翻译"), "{entry}: body translated");
    }
    let framework = site.page("zh-Hans/framework/index.html");
    assert!(framework.contains("<h2 id=\"needs\">识别未被满足的需求</h2>"));
    let winner =
        site.page("zh-Hans/contests/sex-health-images-2014/two-hearts-one-test/index.html");
    assert!(winner.contains("2014年8月12日"));
    assert!(winner.contains("href=\"/zh-Hans/framework/#institutionalisation\">融入现有体系</a>"));
    // Untranslated contests are listed in Chinese pages, marked as English.
    let contests = site.page("zh-Hans/contests/index.html");
    assert!(
        contests.contains("lang=\"en\">HepTestContest"),
        "{contests}"
    );
    let broken = broken_links(&site.out, "/");
    assert!(broken.is_empty(), "{broken:#?}");
}
