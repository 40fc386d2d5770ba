//! Publishing: `sesh init`, Pages extras (feed, sitemap, robots, CNAME, .nojekyll, social tags),
//! `sesh check`, and what a withdrawal changes.

use crate::common::*;

#[test]
fn init_then_build_then_check_is_all_green() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new-archive");
    let d = dir.to_str().unwrap();
    sesh(&[
        "init",
        d,
        "--title",
        "Hepatitis \"B\" archive",
        "--base-url",
        "https://org.github.io/archive/",
        "--deploy",
        "same-repo",
    ])
    .success();
    let out = tmp.path().join("out");
    let o = out.to_str().unwrap();
    sesh(&["build", "--root", d, "--output", o, "--strict"]).success();
    assert!(
        out.join("contests/example-contest/consented-entry/index.html")
            .exists()
    );
    assert!(
        !out.join("contests/example-contest/restricted-entry")
            .exists()
    );
    assert!(
        std::fs::read_to_string(out.join("index.html"))
            .unwrap()
            .contains("Hepatitis &quot;B&quot; archive")
    );
    let check = sesh(&["check", "--root", d, "--verbose"]).success();
    assert!(
        check.stdout().contains("0 error(s), 0 warning(s)"),
        "{}",
        check.stdout()
    );
    assert!(
        check
            .stdout()
            .contains("restricted-entry: consent.publish = false")
    );
    let gitignore = std::fs::read_to_string(dir.join(".gitignore")).unwrap();
    assert!(gitignore.contains("/public") && gitignore.contains("/.sesh-cache"));

    let yaml = std::fs::read_to_string(dir.join(".github/workflows/pages.yml")).unwrap();
    let docs = yaml_rust2::YamlLoader::load_from_str(&yaml).expect("the workflow is valid YAML");
    let wf = &docs[0];
    let on = &wf["on"];
    assert!(
        !on["push"].is_badvalue() && !on["schedule"].is_badvalue(),
        "runs on push and on a schedule"
    );
    assert!(on["schedule"][0]["cron"].as_str().is_some());
    let uses: Vec<String> = ["build", "deploy"]
        .iter()
        .flat_map(|job| {
            wf["jobs"][*job]["steps"]
                .as_vec()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|step| step["uses"].as_str().map(String::from))
        .collect();
    for action in [
        "actions/configure-pages@",
        "actions/upload-pages-artifact@",
        "actions/deploy-pages@",
    ] {
        assert!(
            uses.iter().any(|u| u.starts_with(action)),
            "{action} missing from {uses:?}"
        );
    }
    // sesh is installed from its release by the action, not compiled: no Rust toolchain.
    let pinned = format!("sesh-global/sesh@v{}", env!("CARGO_PKG_VERSION"));
    assert!(uses.contains(&pinned), "{pinned} missing from {uses:?}");
    assert!(!yaml.contains("cargo install"));
    assert!(
        yaml.contains("#   uses: sesh-global/sesh@<40-character commit of the release>"),
        "a comment shows how to pin the version to a commit"
    );
}

#[test]
fn init_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().to_str().unwrap();
    std::fs::write(tmp.path().join("sesh.toml"), "mine").unwrap();
    let err = sesh(&["init", d]).failure().stderr();
    assert!(
        err.contains("already has sesh.toml") && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("sesh.toml")).unwrap(),
        "mine"
    );
    assert!(!tmp.path().join("content").exists());
}

#[test]
fn pages_extras_feed_sitemap_and_social_tags() {
    let site = Site::example();
    site.edit(
        "sesh.toml",
        "license = \"CC-BY-4.0\"",
        "license = \"CC-BY-4.0\"\ncname = \"archive.example.org\"",
    );
    site.build(&["--base-url", "https://org.github.io/archive/"])
        .success();
    assert_eq!(site.page("CNAME"), "archive.example.org\n");
    assert!(site.exists(".nojekyll") && site.exists("404.html"));
    assert!(
        site.page("robots.txt")
            .contains("Sitemap: https://org.github.io/archive/sitemap.xml")
    );
    let sitemap = site.page("sitemap.xml");
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .filter_map(|s| s.split("</loc>").next())
        .collect();
    assert!(locs.len() > 25, "{locs:?}");
    for loc in &locs {
        let path = loc
            .strip_prefix("https://org.github.io/archive/")
            .unwrap_or_else(|| panic!("{loc} outside the base URL"));
        let file = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.to_string()
        };
        assert!(
            site.exists(&percent_decode(&file)),
            "sitemap URL {loc} has no page"
        );
    }
    assert!(
        !sitemap.contains("404")
            && !sitemap.contains("trial-arm-b")
            && !sitemap.contains("youth-hackathon")
    );
    // A page left out of the sitemaps (player and search pages) tells search engines not to
    // index it; every page in them may be indexed. Not-found pages answer 404 instead.
    let mut listed = std::collections::BTreeSet::new();
    for map in ["sitemap.xml", "zh-Hans/sitemap.xml"] {
        for loc in site.page(map).split("<loc>").skip(1) {
            let path = loc.split("</loc>").next().unwrap_or("");
            let path = path
                .strip_prefix("https://org.github.io/archive/")
                .unwrap_or(path);
            listed.insert(format!("{}index.html", percent_decode(path)));
        }
    }
    let mut unlisted = Vec::new();
    for page in site
        .files()
        .into_iter()
        .filter(|f| f.ends_with(".html") && !f.ends_with("404.html"))
    {
        let noindex = site
            .page(&page)
            .contains("<meta name=\"robots\" content=\"noindex\">");
        assert_eq!(
            noindex,
            !listed.contains(&page),
            "{page}: noindex {noindex}"
        );
        if noindex {
            unlisted.push(page);
        }
    }
    assert_eq!(
        unlisted,
        [
            "contests/condom-use-video-2015/pocket-sized/play-1/index.html",
            "search/index.html",
            "zh-Hans/contests/condom-use-video-2015/pocket-sized/play-1/index.html",
            "zh-Hans/search/index.html",
        ]
    );
    let feed = site.page("atom.xml");
    assert!(feed.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://org.github.io/archive/atom.xml\"/>"));
    let ids: Vec<&str> = feed
        .split("<id>")
        .skip(2)
        .filter_map(|s| s.split("</id>").next())
        .collect();
    assert!(ids.len() >= 20, "one item per published entry");
    for id in &ids {
        let path = id
            .strip_prefix("https://org.github.io/archive/")
            .expect("absolute entry URL");
        assert!(
            site.exists(&format!("{}index.html", percent_decode(path))),
            "{id}"
        );
    }
    assert!(
        !feed.contains("RESTRICTED") && !feed.contains("Zhang Wei"),
        "feed follows consent and credits"
    );
    for page in site.files().into_iter().filter(|f| f.ends_with(".html")) {
        let html = site.page(&page);
        for tag in [
            "<link rel=\"canonical\" href=\"https://org.github.io/archive/",
            "<meta property=\"og:title\"",
            "<meta property=\"og:url\" content=\"https://org.github.io/archive/",
            "<meta name=\"twitter:card\"",
        ] {
            assert!(html.contains(tag), "{page} lacks {tag}");
        }
    }
    let entry = site.page("contests/sex-health-images-2014/two-hearts-one-test/index.html");
    assert!(entry.contains("<meta property=\"og:image\" content=\"https://org.github.io/archive/contests/sex-health-images-2014/two-hearts-one-test/"));
}

#[test]
fn templates_never_hard_code_the_site_root() {
    for item in std::fs::read_dir(repo().join("themes/default/templates"))
        .unwrap()
        .flatten()
    {
        let text = std::fs::read_to_string(item.path()).unwrap();
        for bad in ["href=\"/", "src=\"/", "srcset=\"/", "action=\"/"] {
            assert!(
                !text.contains(bad),
                "{} hard-codes a root URL ({bad}); use url(path=…) or site.base_path",
                item.path().display()
            );
        }
    }
}

#[test]
fn withdrawal_changes_only_what_listed_the_entry() {
    let site = Site::example();
    site.build(&[]).success();
    let entry_url = "contests/amr-diagnostics-cases-2018/dipstick-doubts/";
    let before: std::collections::BTreeMap<String, Vec<u8>> = site
        .files()
        .into_iter()
        .map(|f| {
            let b = std::fs::read(site.out.join(&f)).unwrap();
            (f, b)
        })
        .collect();
    let mentions: std::collections::BTreeSet<String> = before
        .iter()
        .filter(|(_, b)| {
            String::from_utf8_lossy(b).contains("dipstick-doubts")
                || String::from_utf8_lossy(b).contains("Dipstick doubts")
        })
        .map(|(f, _)| f.clone())
        .collect();
    site.edit(
        "content/contests/amr-diagnostics-cases-2018/dipstick-doubts/index.md",
        "publish = true",
        "publish = true\nwithdrawn = true",
    );
    site.build(&[]).success();
    assert!(!site.exists(entry_url));
    assert!(
        !site.page("atom.xml").contains("dipstick-doubts"),
        "feed item gone"
    );
    assert!(
        !site.page("sitemap.xml").contains("dipstick-doubts"),
        "sitemap URL gone"
    );
    assert!(
        !site.page("zh-Hans/atom.xml").contains("dipstick-doubts"),
        "feed item gone in every language"
    );
    assert!(
        !crate::search::index_text(&site.out).contains("dipstick-doubts"),
        "gone from the search index"
    );
    let counts = [
        "index.html",
        "contests/index.html",
        "zh-Hans/index.html",
        "zh-Hans/contests/index.html",
    ];
    // The search index's data files list every entry (compressed, so not found by the text
    // scan above); Pagefind's own code must not change.
    let index_data = |f: &str| {
        f.starts_with("pagefind/") && !f.ends_with(".js") && !f.starts_with("pagefind/wasm.")
    };
    for (file, bytes) in &before {
        if mentions.contains(file) || counts.contains(&file.as_str()) || index_data(file) {
            continue;
        }
        let after =
            std::fs::read(site.out.join(file)).unwrap_or_else(|_| panic!("{file} disappeared"));
        assert!(
            &after == bytes,
            "{file} changed although it never listed the entry"
        );
    }
    let after = site.files();
    let gone: Vec<&String> = before.keys().filter(|f| !after.contains(*f)).collect();
    // Its pages (both languages), its media and the index data.
    let translated_url = format!("zh-Hans/{entry_url}");
    assert!(
        gone.iter()
            .all(|f| f.starts_with(entry_url) || f.starts_with(&translated_url) || index_data(f)),
        "only the entry's own files (and index data) are gone: {gone:?}"
    );
    // Its citation leaves the contest's BibTeX, RIS and CSL-JSON files, which stay.
    for ext in [".bib", ".ris", ".csl.json"] {
        let file = format!("cite/amr-diagnostics-cases-2018{ext}");
        assert!(before[&file].windows(15).any(|w| w == b"dipstick-doubts"));
        let text = site.page(&file);
        assert!(
            !text.contains("dipstick-doubts") && !text.contains("Dipstick doubts"),
            "{file}:\n{text}"
        );
    }
}

#[test]
fn check_fails_on_broken_links_and_missing_alt_text() {
    let site = Site::fixture("consent-rules");
    std::fs::create_dir_all(site.path("static")).unwrap();
    std::fs::write(site.path("static/logo.png"), b"not really a png").unwrap();
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\n\n![](/logo.png)\n\n[Rules](contests/rules/)\n",
    );
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}{{ page.body_html | safe }}<a href=\"{{ url(path='nowhere/') }}\">x</a><a href=\"{{ url(path='contests/rules/') }}#no-such-id\">y</a>{% endblock main %}",
    );
    let run = site
        .command(&["check", "--as-of", AS_OF, "--format", "json"])
        .failure();
    let report: serde_json::Value = serde_json::from_str(&run.stdout()).expect("JSON report");
    let findings = report["findings"].as_array().unwrap();
    let kinds: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f["kind"].as_str().unwrap(), f["page"].as_str().unwrap()))
        .collect();
    assert!(
        kinds.contains(&("broken-link", "about/index.html")),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("missing-fragment", "about/index.html")),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("missing-alt", "about/index.html")),
        "{kinds:?}"
    );
    assert!(
        report["errors"].as_u64().unwrap() >= 3,
        "content errors count too"
    );
    assert!(
        report["excluded"].as_array().unwrap().len() > 20,
        "exclusions are listed"
    );
    let table = site
        .command(&["check", "--as-of", AS_OF, "--verbose"])
        .failure()
        .stdout();
    assert!(
        table.contains("broken-link: about/index.html: `/nowhere/` does not exist"),
        "{table}"
    );
}
