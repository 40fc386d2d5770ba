//! Bilingual archives: the `bilingual` fixture (English default, Simplified Chinese under
//! `/zh-Hans/`), built by the real binary; assertions on what readers and crawlers get.

use crate::common::*;

const ENTRY: &str = "contests/clinic-posters/umbrella/index.html";
const BASE: &str = "https://example.org/repo/";

fn built() -> Site {
    let site = Site::fixture("bilingual");
    site.build(&[]).success();
    site
}

#[test]
fn every_page_exists_in_both_languages_with_html_lang_and_hreflang_pairs() {
    let site = built();
    for page in [
        "index.html",
        "contests/index.html",
        "contests/clinic-posters/index.html",
        ENTRY,
        "contests/clinic-posters/night-bus/index.html",
        "contests/clinic-posters/dragon-boat/index.html",
        "framework/index.html",
        "about/index.html",
        "search/index.html",
        "404.html",
    ] {
        let en = site.page(page);
        let zh = site.page(&format!("zh-Hans/{page}"));
        assert!(en.contains("<html lang=\"en\">"), "{page}");
        assert!(zh.contains("<html lang=\"zh-Hans\">"), "zh-Hans/{page}");
        let rel = page.trim_end_matches("index.html");
        let pair = [
            format!("<link rel=\"alternate\" hreflang=\"en\" href=\"{BASE}{rel}\">"),
            format!("<link rel=\"alternate\" hreflang=\"zh-Hans\" href=\"{BASE}zh-Hans/{rel}\">"),
            format!("<link rel=\"alternate\" hreflang=\"x-default\" href=\"{BASE}{rel}\">"),
        ];
        for link in &pair {
            assert!(en.contains(link.as_str()), "{page} lacks {link}");
            assert!(zh.contains(link.as_str()), "zh-Hans/{page} lacks {link}");
        }
    }
    let broken = broken_links(&site.out, "/repo/");
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn the_language_switcher_lands_on_the_same_page_in_the_other_language() {
    let site = built();
    let en = site.page(ENTRY);
    assert!(
        en.contains("<a href=\"/repo/zh-Hans/contests/clinic-posters/umbrella/\" hreflang=\"zh-Hans\" lang=\"zh-Hans\">简体中文</a>"),
        "{en}"
    );
    let zh = site.page(&format!("zh-Hans/{ENTRY}"));
    assert!(zh.contains(
        "<a href=\"/repo/contests/clinic-posters/umbrella/\" hreflang=\"en\" lang=\"en\">English</a>"
    ));
}

#[test]
fn translations_replace_text_and_untranslated_text_is_marked_with_its_language() {
    let site = built();
    let zh = site.page(&format!("zh-Hans/{ENTRY}"));
    assert!(
        zh.contains("<h1>关爱之伞</h1>"),
        "translated title, no lang: {zh}"
    );
    assert!(zh.contains("一把伞让每个人"), "translated body");
    assert!(
        zh.contains("alt=\"诊所门口的一把伞\""),
        "translated alt text"
    );
    assert!(!zh.contains("Umbrella of care"));
    assert!(
        zh.contains("<title>关爱之伞 · 诊所海报竞赛 · 双语档案</title>"),
        "{zh}"
    );
    // An English-only entry on a Chinese page: shown, in English, marked as English.
    let bus = site.page("zh-Hans/contests/clinic-posters/night-bus/index.html");
    assert!(
        bus.contains("<h1 lang=\"en\">Night bus outreach</h1>"),
        "{bus}"
    );
    assert!(bus.contains("<div class=\"prose entry-body\" lang=\"en\">"));
    assert!(bus.contains("此内容尚未翻译"), "the untranslated note");
    let contest = site.page("zh-Hans/contests/clinic-posters/index.html");
    assert!(contest.contains("<h1>诊所海报竞赛</h1>"));
    assert!(
        contest.contains("lang=\"en\">Night bus outreach</a>"),
        "listed, not hidden, marked: {contest}"
    );
    // An entry written in Chinese, on the English pages.
    let en_contest = site.page("contests/clinic-posters/index.html");
    assert!(
        en_contest.contains("lang=\"zh-Hans\">龙舟检测日</a>"),
        "{en_contest}"
    );
    let boat = site.page("contests/clinic-posters/dragon-boat/index.html");
    assert!(boat.contains("<h1 lang=\"zh-Hans\">龙舟检测日</h1>"));
    let boat_zh = site.page("zh-Hans/contests/clinic-posters/dragon-boat/index.html");
    assert!(
        boat_zh.contains("<h1>龙舟检测日</h1>"),
        "its own language: no mark"
    );
    // An untranslated standalone page, and the navigation link to it.
    let about = site.page("zh-Hans/about/index.html");
    assert!(about.contains("<h1 lang=\"en\">About</h1>"));
    assert!(
        about.contains("href=\"/repo/zh-Hans/about/\" lang=\"en\""),
        "{about}"
    );
}

/// Country names written in English show in Chinese on Chinese pages (from the default theme's
/// `[country]` table, whatever form of the name: short, ISO or everyday), a site's own table
/// wins, and a name the table lacks is shown as written, in both languages, and never reported
/// as a missing string.
#[test]
fn country_names_follow_the_language() {
    let site = Site::fixture("bilingual");
    let entries = "content/contests/clinic-posters";
    for (entry, country) in [
        ("umbrella", "Tanzania, United Republic of"),
        ("dragon-boat", "Vietnam"),
        ("night-bus", "Atlantis"),
    ] {
        site.edit(
            &format!("{entries}/{entry}/index.md"),
            "title = ",
            &format!("country = \"{country}\"\ntitle = "),
        );
    }
    site.write(
        "i18n/zh-Hans.toml",
        "[country]\nVietnam = \"越南社会主义共和国\"\n",
    );
    site.build(&[]).success();
    for (entry, en, zh) in [
        ("umbrella", "Tanzania, United Republic of", "坦桑尼亚"),
        ("dragon-boat", "Vietnam", "越南社会主义共和国"),
        ("night-bus", "Atlantis", "Atlantis"),
    ] {
        let path = format!("contests/clinic-posters/{entry}/index.html");
        assert!(
            site.page(&path).contains(&format!("<dd>{en}</dd>")),
            "{path}"
        );
        let zh_page = site.page(&format!("zh-Hans/{path}"));
        assert!(zh_page.contains(&format!("<dd>{zh}</dd>")), "{zh_page}");
    }
    let check = site.sesh(&["check", "--as-of", AS_OF, "--verbose"]);
    assert!(!check.stdout().contains("country."), "{}", check.stdout());
}

#[test]
fn dates_counts_and_credits_follow_the_language() {
    let site = built();
    let en = site.page(ENTRY);
    let zh = site.page(&format!("zh-Hans/{ENTRY}"));
    assert!(en.contains(">20 May 2014</time>"), "{en}");
    assert!(zh.contains(">2014年5月20日</time>"), "{zh}");
    assert!(en.contains("L. W. and Anonymous participant"), "{en}");
    assert!(zh.contains("L. W.和匿名参赛者"), "{zh}");
    assert!(site.page("index.html").contains("4 published entries"));
    assert!(site.page("zh-Hans/index.html").contains("4 件已发布作品"));
    assert!(
        site.page("zh-Hans/contests/clinic-posters/dragon-boat/index.html")
            .contains("王*"),
        "Chinese names keep the family name as initials"
    );
}

#[test]
fn feeds_and_sitemaps_exist_per_language_with_alternates() {
    let site = built();
    let en = site.page("atom.xml");
    let zh = site.page("zh-Hans/atom.xml");
    assert!(en.contains("xml:lang=\"en\"") && en.contains("<title>Umbrella of care</title>"));
    assert!(zh.contains("xml:lang=\"zh-Hans\"") && zh.contains("<title>关爱之伞</title>"));
    assert!(
        zh.contains("<title>Night bus outreach</title>"),
        "fallback entries too"
    );
    assert!(zh.contains(&format!(
        "href=\"{BASE}zh-Hans/contests/clinic-posters/umbrella/\""
    )));
    assert!(
        zh.contains(&format!("href=\"{BASE}zh-Hans/atom.xml\"")),
        "self link"
    );
    let html = site.page("zh-Hans/index.html");
    assert!(
        html.contains("href=\"/repo/zh-Hans/atom.xml\""),
        "feed link in the head"
    );
    for sitemap in ["sitemap.xml", "zh-Hans/sitemap.xml"] {
        let xml = site.page(sitemap);
        assert!(xml.contains(&format!(
            "<xhtml:link rel=\"alternate\" hreflang=\"zh-Hans\" href=\"{BASE}zh-Hans/contests/clinic-posters/umbrella/\"/>"
        )), "{xml}");
    }
    assert!(
        site.page("zh-Hans/sitemap.xml")
            .contains(&format!("<loc>{BASE}zh-Hans/about/</loc>"))
    );
    let robots = site.page("robots.txt");
    assert!(robots.contains(&format!("Sitemap: {BASE}sitemap.xml")));
    assert!(robots.contains(&format!("Sitemap: {BASE}zh-Hans/sitemap.xml")));
    assert!(!site.exists("zh-Hans/robots.txt"));
}

#[test]
fn chinese_headings_keep_their_characters_as_ids_and_explicit_ids_link_entries() {
    let site = built();
    let framework = site.page("zh-Hans/framework/index.html");
    assert!(
        framework.contains("<h2 id=\"unmet-needs\">识别未满足的需求</h2>"),
        "{framework}"
    );
    assert!(framework.contains("<h2 id=\"记录与分享过程\">记录与分享过程</h2>"));
    assert!(
        framework.contains("href=\"#记录与分享过程\""),
        "table of contents"
    );
    let entry = site.page(&format!("zh-Hans/{ENTRY}"));
    assert!(
        entry.contains("href=\"/repo/zh-Hans/framework/#unmet-needs\">识别未满足的需求</a>"),
        "{entry}"
    );
    // The entry is listed under the section in both languages.
    assert!(framework.contains("关爱之伞"));
    assert!(
        site.page("framework/index.html")
            .contains("Umbrella of care")
    );
}

#[test]
fn a_translation_cannot_change_consent_or_publish_a_withdrawn_entry() {
    let site = Site::fixture("bilingual");
    site.build_with_report(&[]).success();
    let report = site.report();
    let problems = report["problems"].as_array().expect("problems");
    let sneaky = problems
        .iter()
        .find(|p| {
            p["file"] == "content/contests/clinic-posters/sneaky-translation/index.zh-Hans.md"
        })
        .unwrap_or_else(|| panic!("no problem for the sneaky translation: {problems:#?}"));
    assert_eq!(sneaky["field"], "consent");
    assert_eq!(sneaky["severity"], "error");
    // The original is published in both languages, as the original consented: no image.
    for page in [
        "contests/clinic-posters/sneaky-translation/index.html",
        "zh-Hans/contests/clinic-posters/sneaky-translation/index.html",
    ] {
        let html = site.page(page);
        assert!(html.contains("Images withheld"), "{page}");
        assert!(!html.contains("<img"), "{page} shows an image");
    }
    for gone in [
        "contests/clinic-posters/withdrawn-canary",
        "zh-Hans/contests/clinic-posters/withdrawn-canary",
    ] {
        assert!(!site.exists(gone), "{gone} published");
    }
    let leaks = leaks(&site.out, "CANARY");
    assert!(leaks.is_empty(), "{leaks:#?}");
    let index = crate::search::index_text(&site.out);
    assert!(index.contains("龙舟"), "the index was read");
    assert!(
        !index.contains("CANARY"),
        "a canary reached the search index"
    );
}

#[test]
fn check_reports_untranslated_items_per_language() {
    let site = Site::fixture("bilingual");
    let run = site.command(&["check", "--verbose"]);
    let out = run.stdout();
    assert!(
        out.contains("Translation report for `zh-Hans`"),
        "{out}{}",
        run.stderr()
    );
    assert!(out.contains("untranslated: content/contests/clinic-posters/night-bus/index.md"));
    assert!(out.contains("untranslated: content/about.md"));
    let en = out
        .split("Translation report for `en`")
        .nth(1)
        .expect("en report");
    let en = en.split("Translation report for").next().unwrap_or(en);
    assert!(en.contains("untranslated: content/contests/clinic-posters/dragon-boat/index.md"));
    assert!(!en.contains("night-bus"), "{en}");
}

#[test]
fn a_missing_string_names_key_and_language_and_tags_are_checked() {
    let site = Site::fixture("bilingual");
    site.edit(
        "sesh.toml",
        "[\"en\", \"zh-Hans\"]",
        "[\"en\", \"zh-Hans\", \"fr\"]",
    );
    site.write("i18n/fr.toml", "[language]\nname = \"Français\"\n");
    let run = site.build(&[]).failure();
    let err = run.stderr();
    assert!(
        err.contains("missing string `") && err.contains("for language `fr`"),
        "{err}"
    );
    let site = Site::fixture("bilingual");
    site.edit("sesh.toml", "[\"en\", \"zh-Hans\"]", "[\"en\", \"zh-CN\"]");
    let err = site.build(&[]).failure().stderr();
    assert!(
        err.contains("`languages`") && err.contains("zh-Hans (Simplified)"),
        "{err}"
    );
}

#[test]
fn a_single_language_site_has_no_alternates_or_switcher() {
    let site = Site::fixture("consent-canaries");
    site.build(&[]).success();
    let home = site.page("index.html");
    assert!(!home.contains("hreflang"), "{home}");
    assert!(!home.contains("lang-switch"));
    assert!(!site.exists("en/index.html"));
}
