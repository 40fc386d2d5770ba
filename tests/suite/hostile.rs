//! Hostile input (tests/fixtures/hostile/) through the whole build, then the output scan: raw
//! HTML and scripts, paths that leave the entry, symlinks, hidden files and backups, very long
//! titles, unusual Unicode, slug and case-only collisions.

use crate::common::*;

/// Invisible or reordering characters that must never reach a file name or URL.
const INVISIBLE: &[char] = &['\u{200B}', '\u{200F}', '\u{202C}', '\u{202E}', '\u{FEFF}'];

fn hostile_site() -> (Site, tempfile::TempDir) {
    let site = Site::fixture("hostile");
    let e = "content/contests/hostile";
    // Case-only collision: distinct folders on Linux, one folder on macOS and Windows.
    for name in ["CaseOnly", "caseonly"] {
        site.write(
            &format!("{e}/{name}/index.md"),
            &format!("+++\ntitle = \"EVIL-case-{name}\"\n[consent]\npublish = true\n+++\n"),
        );
    }
    // Unicode folder names: a right-to-left override and a zero-width space.
    site.write(
        &format!("{e}/rtl\u{202E}gpj.exe/index.md"),
        "+++\ntitle = \"Right-to-left folder\"\n[consent]\npublish = true\n+++\n",
    );
    site.write(
        &format!("{e}/zero\u{200B}width-检测-🎉/index.md"),
        "+++\ntitle = \"Zero-width folder\"\n[consent]\npublish = true\n+++\n",
    );
    // Symlinks: media pointing outside the entry and outside the site, an entry folder that is
    // a link to a folder outside the site.
    let outside = tempfile::tempdir().expect("outside dir");
    std::fs::write(outside.path().join("secret.jpg"), "EVIL-outside-site").unwrap();
    std::fs::create_dir_all(outside.path().join("entry")).unwrap();
    std::fs::write(
        outside.path().join("entry/index.md"),
        "+++\ntitle = \"EVIL-linked-entry\"\n[consent]\npublish = true\n+++\nEVIL-linked-body\n",
    )
    .unwrap();
    site.write(
        &format!("{e}/symlinks/index.md"),
        "+++\ntitle = \"Symlinks\"\n[consent]\npublish = true\nimages = true\n[[media]]\nfile = \"sibling.jpg\"\nalt = \"EVIL-sibling\"\n[[media]]\nfile = \"outside.jpg\"\nalt = \"EVIL-outside\"\n+++\n![a](sibling.jpg) ![b](outside.jpg)\n",
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        let entry = site.path(&format!("{e}/symlinks"));
        symlink(
            site.path(&format!("{e}/raw-html/index.md")),
            entry.join("sibling.jpg"),
        )
        .unwrap();
        symlink(outside.path().join("secret.jpg"), entry.join("outside.jpg")).unwrap();
        symlink(
            outside.path().join("entry"),
            site.path(&format!("{e}/linked-entry")),
        )
        .unwrap();
    }
    (site, outside)
}

#[test]
fn hostile_input_builds_and_the_output_scan_finds_nothing() {
    let (site, _outside) = hostile_site();
    let run = site.build_with_report(&[]).success();
    assert!(
        run.stdout().contains("Scanned") && run.stdout().contains("nothing found"),
        "the build scans its output: {}",
        run.stdout()
    );
    site.command(&[
        "audit",
        "--as-of",
        AS_OF,
        "--scan-output",
        site.out.to_str().unwrap(),
    ])
    .success();
    let leaks = leaks(&site.out, "EVIL-");
    assert!(leaks.is_empty(), "EVIL- found in output: {leaks:#?}");

    // Raw HTML: nothing executable survives, the visible text does; also where the only raw
    // HTML is inside headings and dropped links (found by fuzzing).
    for (entry, visible) in [
        ("raw-html", "Visible paragraph."),
        ("heading-html", "A link in a heading"),
    ] {
        let page = site.page(&format!("contests/hostile/{entry}/index.html"));
        assert!(page.contains(visible), "{entry}: {visible}");
        no_active_content(&page);
    }
    // Nor does what the sanitiser removed live on in a heading's id or the table of contents.
    let page = site.page("contests/hostile/heading-html/index.html");
    assert!(!page.to_lowercase().contains("evil"), "{page}");

    // Paths that leave the entry, hidden files, backups: excluded and reported, never copied.
    let report = site.report();
    let excluded: Vec<(String, String)> = report["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_string(),
                e["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let rule_of = |path: &str| {
        excluded
            .iter()
            .find(|(p, _)| p.ends_with(path))
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| panic!("{path} not excluded: {excluded:#?}"))
    };
    for file in [
        "media-paths/../raw-html/index.md",
        "media-paths//etc/passwd",
        "media-paths/C:/Windows/win.ini",
        "media-paths/%2e%2e/raw-html/index.md",
        "hidden-files/.hidden.jpg",
        "hidden-files/poster.jpg~",
        "hidden-files/#poster.jpg#",
    ] {
        assert_eq!(rule_of(file), "media-unavailable", "{file}");
    }
    assert!(
        excluded.iter().any(|(p, _)| p.contains("sub\\..\\..")),
        "windows path"
    );
    if cfg!(unix) {
        assert_eq!(rule_of("symlinks/sibling.jpg"), "media-unavailable");
        assert_eq!(rule_of("symlinks/outside.jpg"), "media-unavailable");
    }
    let files = site.files();
    assert!(
        !files.iter().any(|f| f.contains(".hidden")
            || f.ends_with('~')
            || f.contains(".swp")
            || f.contains('#')),
        "hidden or backup file copied: {files:#?}"
    );

    // Slug collisions, including case-only ones: neither folder is published.
    for slug in ["same-slug", "caseonly"] {
        assert!(
            !site.exists(&format!("contests/hostile/{slug}/index.html")),
            "{slug} published"
        );
        assert_eq!(rule_of(&format!("hostile/{slug}")), "unreadable", "{slug}");
    }

    // A very long title: the page is written (its file name comes from the folder).
    assert!(
        site.page("contests/hostile/long-title/index.html")
            .contains("A very long title word word")
    );

    // Unusual Unicode: kept in text, dropped from file names and URLs.
    let unicode = site.page("contests/hostile/unicode-text/index.html");
    assert!(unicode.contains("检测故事 🎉"), "CJK and emoji kept");
    for f in &files {
        assert!(
            !f.contains(INVISIBLE),
            "invisible character in output path {f:?}"
        );
    }
    assert!(
        site.exists("contests/hostile/rtlgpj-exe/index.html"),
        "{files:#?}"
    );
    assert!(
        site.exists("contests/hostile/zerowidth-检测/index.html"),
        "{files:#?}"
    );
}

/// The `<main>` of `page` holds no script, frame, style, SVG, form or plug-in, no event handler
/// or style attribute, and no `javascript:`/`data:`/`vbscript:` URL.
fn no_active_content(page: &str) {
    let doc = scraper::Html::parse_document(page);
    let main = doc
        .select(&scraper::Selector::parse("main").unwrap())
        .next()
        .expect("main");
    for el in main.descendants().filter_map(scraper::ElementRef::wrap) {
        let name = el.value().name();
        assert!(
            !matches!(
                name,
                "script" | "iframe" | "style" | "svg" | "form" | "object" | "embed" | "math"
            ),
            "<{name}> survived"
        );
        for (attr, value) in el.value().attrs() {
            assert!(
                !attr.starts_with("on") && attr != "style",
                "{attr} survived"
            );
            let v = value.to_ascii_lowercase();
            assert!(
                !v.starts_with("javascript:")
                    && !v.starts_with("data:")
                    && !v.starts_with("vbscript:"),
                "{attr}={value}"
            );
        }
    }
}
