//! Sharing beyond the website, end to end on the example and on the consent canaries:
//! repository deposits (checked with DataCite's own schema and the XML its Python package
//! writes, and with cffconvert), offline bundles opened from disk (`file://`) in headless
//! Chromium with every link followed, and pages printed to PDF by Chromium and read back with
//! pdftotext. No canary may reach a deposit file (inside the zip too), a bundle or a PDF.

use crate::browser::Browser;
use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The consent canaries in English and Chinese, with the default or the partner theme.
fn canaries(theme: &str) -> Site {
    let site = Site::fixture("consent-canaries");
    site.edit(
        "sesh.toml",
        "language = \"en\"",
        "languages = [\"en\", \"zh-Hans\"]",
    );
    site.write(
        "content/contests/open-contest/published-entry/index.zh-Hans.md",
        "+++\ntitle = \"已发布的作品\"\n+++\n\n这是公开的作品。\n",
    );
    if theme != "default" {
        site.edit(
            "sesh.toml",
            "theme = \"default\"",
            &format!("theme = \"{theme}\""),
        );
        copy_dir(
            &repo().join("themes").join(theme),
            &site.path(&format!("themes/{theme}")),
        );
    }
    site
}

fn copy_dir(from: &Path, to: &Path) {
    for rel in files(from) {
        let target = to.join(&rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(from.join(&rel), target).unwrap();
    }
}

/// Runs `sesh <args> --as-of AS_OF --root <site>`.
fn share(site: &Site, args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.extend(["--as-of", AS_OF]);
    site.command(&all)
}

/// Every file of `dir` and of every zip in it: (name, bytes), zip members as `a.zip:path`.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for rel in files(dir) {
        let bytes = std::fs::read(dir.join(&rel)).unwrap();
        if rel.ends_with(".zip") {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
            for i in 0..zip.len() {
                let mut member = zip.by_index(i).unwrap();
                let mut data = Vec::new();
                std::io::Read::read_to_end(&mut member, &mut data).unwrap();
                out.push((format!("{rel}:{}", member.name().unwrap()), data));
            }
        }
        out.push((rel, bytes));
    }
    out
}

/// Names and files holding `needle` (names case-insensitively).
fn canaries_in(found: &[(String, Vec<u8>)], needle: &str) -> Vec<String> {
    let lower = needle.to_lowercase();
    let mut out = Vec::new();
    for (name, bytes) in found {
        if name.to_lowercase().contains(&lower) {
            out.push(format!("{name} (name)"));
        }
        if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
            out.push(name.clone());
        }
    }
    out
}

/// The Python tools .ci/run installs under tests/tools/ (a virtual environment each).
fn python_tool(tool: &str, program: &str) -> Option<PathBuf> {
    let path = repo()
        .join("tests/tools")
        .join(tool)
        .join("bin")
        .join(program);
    tool_ready(
        &format!("{tool} (PyPI, tests/tools/{tool})"),
        path.is_file(),
    )
    .then_some(path)
}

/// Validates a deposit's DataCite JSON against DataCite's schema 4.5 and compares the XML
/// the `datacite` package writes from it with the deposit's XML; runs cffconvert on its
/// CITATION.cff.
fn validate_with_tools(dir: &Path) {
    if let Some(python) = python_tool("datacite", "python") {
        let run = Command::new(python)
            .arg(repo().join("tests/tools/datacite_check.py"))
            .arg(dir.join("datacite.json"))
            .arg(dir.join("datacite.xml"))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&run.stdout).into_owned()
            + &String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "datacite check failed:\n{text}");
        assert!(text.contains("ok: valid DataCite 4.5 JSON"), "{text}");
    }
    if let Some(cffconvert) = python_tool("cffconvert", "cffconvert") {
        let run = Command::new(cffconvert)
            .args(["--validate", "-i"])
            .arg(dir.join("CITATION.cff"))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&run.stdout).into_owned()
            + &String::from_utf8_lossy(&run.stderr);
        assert!(
            run.status.success(),
            "cffconvert --validate failed:\n{text}"
        );
    }
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// (relation, identifier) of a DataCite JSON record.
fn related(record: &Value) -> Vec<(String, String)> {
    record["relatedIdentifiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["relationType"].as_str().unwrap().to_string(),
                r["relatedIdentifier"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_deposit_holds_only_what_is_published_and_its_records_validate() {
    let site = canaries("default");
    // Published on the site until its consent ends, so never deposited.
    site.edit(
        "content/contests/open-contest/second-published/index.md",
        "publish = true",
        "publish = true\nexpires = 2099-12-31",
    );
    site.build(&[]).success();
    let dir = site.out.with_file_name("deposit");
    let run = share(
        &site,
        &[
            "deposit",
            "--contest",
            "open-contest",
            "--out",
            dir.to_str().unwrap(),
        ],
    )
    .success();
    assert!(
        run.stdout().contains("open-contest/second-published") && run.stdout().contains("expires"),
        "{}",
        run.stdout()
    );
    let mut names: Vec<String> = files(&dir).into_iter().collect();
    names.retain(|n| !n.starts_with('.'));
    assert_eq!(
        names,
        [
            "CITATION.cff",
            "datacite.json",
            "datacite.xml",
            "metadata.json",
            "open-contest.zip"
        ]
    );
    let found = contents(&dir);
    assert_eq!(canaries_in(&found, "CANARY"), Vec::<String>::new());
    let members: Vec<&str> = found
        .iter()
        .filter_map(|(n, _)| n.strip_prefix("open-contest.zip:"))
        .collect();
    for page in [
        "open-contest/index.html",
        "open-contest/contests/open-contest/index.html",
        "open-contest/contests/open-contest/published-entry/index.html",
        "open-contest/zh-Hans/contests/open-contest/published-entry/index.html",
        "open-contest/cite/open-contest.bib",
        "open-contest/deposit/open-contest/datacite.xml",
    ] {
        assert!(
            members.contains(&page),
            "{page} not in the zip: {members:#?}"
        );
    }
    assert!(
        !members.iter().any(|m| m.contains("second-published")),
        "an entry whose consent ends is not deposited: {members:#?}"
    );
    assert!(
        members.iter().any(|m| m.ends_with(".mp4")) && members.iter().any(|m| m.ends_with(".jpg")),
        "the consented media travel with the pages"
    );

    let record = json(&dir.join("datacite.json"));
    assert_eq!(record["titles"][0]["title"], "Open contest");
    assert_eq!(record["creators"][0]["name"], "Example Hub");
    let contributors = record["contributors"].to_string();
    assert!(contributors.contains("Visible Author"), "{contributors}");
    let related = related(&record);
    let base = "https://example.org/archive/";
    assert!(
        related.contains(&("IsPartOf".into(), base.into())),
        "{related:?}"
    );
    assert!(related.contains(&(
        "HasPart".into(),
        format!("{base}contests/open-contest/published-entry/")
    )));
    assert!(!format!("{related:?}").contains("second-published"));
    let zenodo = json(&dir.join("metadata.json"));
    assert_eq!(zenodo["metadata"]["title"], record["titles"][0]["title"]);
    assert_eq!(zenodo["metadata"]["license"], "cc-by-4.0");
    assert_eq!(
        zenodo["metadata"]["related_identifiers"]
            .as_array()
            .unwrap()
            .len(),
        related.len()
    );
    // The site publishes the same records, and the Share block of the contest page links them.
    for (page, heading) in [
        ("contests/open-contest/index.html", "Share this contest"),
        (
            "zh-Hans/contests/open-contest/index.html",
            "分享本竞赛的成果",
        ),
    ] {
        let html = site.page(page);
        for expected in [
            heading,
            "href=\"/archive/deposit/open-contest/datacite.xml\"",
            "href=\"/archive/deposit/open-contest/metadata.json\"",
            "href=\"/archive/CITATION.cff\"",
            "sesh deposit --contest open-contest",
        ] {
            assert!(html.contains(expected), "{page}: no `{expected}`");
        }
    }
    assert_eq!(broken_links(&site.out, "/archive/"), Vec::<String>::new());
    for name in ["datacite.xml", "datacite.json", "metadata.json"] {
        assert_eq!(
            site.page(&format!("deposit/open-contest/{name}")),
            std::fs::read_to_string(dir.join(name)).unwrap(),
            "{name}"
        );
    }
    assert_eq!(
        site.page("CITATION.cff"),
        std::fs::read_to_string(dir.join("CITATION.cff")).unwrap()
    );
    validate_with_tools(&dir);

    // Only a published contest can be deposited, and the message says which are.
    for contest in ["canary-draft-contest", "nowhere"] {
        let err = share(
            &site,
            &[
                "deposit",
                "--contest",
                contest,
                "--out",
                dir.to_str().unwrap(),
            ],
        )
        .failure()
        .stderr();
        assert!(
            err.contains(&format!("no published contest `{contest}`"))
                && err.contains("published contests: open-contest"),
            "{err}"
        );
    }
    // The previous deposit is still whole.
    assert_eq!(contents(&dir).len(), found.len());

    // A folder holding someone else's files is never replaced.
    let mine = site.out.with_file_name("mine");
    std::fs::create_dir_all(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "mine").unwrap();
    let err = share(
        &site,
        &[
            "deposit",
            "--contest",
            "open-contest",
            "--out",
            mine.to_str().unwrap(),
        ],
    )
    .failure()
    .stderr();
    assert!(err.contains("--force"), "{err}");
    assert_eq!(
        std::fs::read_to_string(mine.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn the_example_deposit_validates_with_its_doi_outcomes_and_translations() {
    let site = Site::example();
    // A DOI for the contest as a whole, and one for a publication that came of it.
    let contest = "content/contests/sex-health-images-2014/_index.md";
    site.edit(
        contest,
        "+++\ntitle",
        "+++\ndoi = \"10.5281/zenodo.1234567\"\ntitle",
    );
    site.edit(
        contest,
        "year = 2015",
        "year = 2015\ndoi = \"10.1097/OLQ.0000000000000344\"",
    );
    let dir = site.out.with_file_name("deposit");
    let slug = "sex-health-images-2014";
    share(
        &site,
        &["deposit", "--contest", slug, "--out", dir.to_str().unwrap()],
    )
    .success();
    let xml = std::fs::read_to_string(dir.join("datacite.xml")).unwrap();
    for expected in [
        "<identifier identifierType=\"DOI\">10.5281/zenodo.1234567</identifier>",
        "<relatedIdentifier relationType=\"IsReferencedBy\" relatedIdentifierType=\"DOI\">10.1097/OLQ.0000000000000344</relatedIdentifier>",
        "<title xml:lang=\"zh-Hans\" titleType=\"TranslatedTitle\">",
        "<description xml:lang=\"zh-Hans\" descriptionType=\"Abstract\">",
        "<contributorName>Little Umbrella</contributorName>",
        "<contributorName nameType=\"Personal\">Zhou Min</contributorName>",
    ] {
        assert!(xml.contains(expected), "{expected} not in:\n{xml}");
    }
    let record = json(&dir.join("datacite.json"));
    assert_eq!(record["creators"][0]["name"], "SESH");
    let zip = contents(&dir);
    assert!(
        zip.iter()
            .any(|(n, _)| n == "sex-health-images-2014.zip:sex-health-images-2014/index.html"),
        "the bundle's front page"
    );
    validate_with_tools(&dir);
}

/// Every address in the bundle's pages that stays inside it: relative, and naming a file
/// that exists (and the element a `#fragment` names). Returns how many it checked.
fn check_offline_links(dir: &Path) -> usize {
    let selector =
        scraper::Selector::parse("[href], [src], [srcset], [poster], [data-index]").unwrap();
    let mut broken = Vec::new();
    let mut checked = 0;
    for page in files(dir).into_iter().filter(|f| f.ends_with(".html")) {
        let html = std::fs::read_to_string(dir.join(&page)).unwrap();
        let doc = scraper::Html::parse_document(&html);
        for el in doc.select(&selector) {
            let mut urls: Vec<String> = ["href", "src", "poster", "data-index"]
                .iter()
                .filter_map(|a| el.value().attr(a).map(String::from))
                .collect();
            if let Some(srcset) = el.value().attr("srcset") {
                urls.extend(
                    srcset
                        .split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .map(String::from),
                );
            }
            for url in urls {
                if url.contains("://") || url.starts_with("mailto:") || url.starts_with('#') {
                    continue;
                }
                if url.starts_with('/') {
                    broken.push(format!("{page}: {url}: root-relative"));
                    continue;
                }
                let (path, fragment) = url.split_once('#').unwrap_or((&url, ""));
                let base = Path::new(&page).parent().unwrap();
                let target = dir.join(base).join(percent_decode(path));
                checked += 1;
                if path.ends_with('/') || !target.is_file() {
                    broken.push(format!("{page}: {url}: no file"));
                } else if !fragment.is_empty() {
                    let text = std::fs::read_to_string(&target).unwrap();
                    if !text.contains(&format!("id=\"{}\"", percent_decode(fragment))) {
                        broken.push(format!("{page}: {url}: no such id"));
                    }
                }
            }
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
    checked
}

#[test]
fn a_bundle_of_the_whole_archive_links_only_to_itself() {
    let site = canaries("default");
    let dir = site.out.with_file_name("offline");
    let run = share(&site, &["bundle", "--out", dir.to_str().unwrap()]).success();
    assert!(run.stdout().contains("index.html"), "{}", run.stdout());
    assert!(check_offline_links(&dir) > 50);
    assert_eq!(leaks(&dir, "CANARY"), Vec::<String>::new());
    for page in [
        "index.html",
        "framework/index.html",
        "search/index.html",
        "zh-Hans/search/index.html",
        "contests/open-contest/published-entry/index.html",
        "data/entries.json",
        "CITATION.cff",
    ] {
        assert!(dir.join(page).is_file(), "{page}");
    }
    assert!(!dir.join("pagefind").exists() && !dir.join("robots.txt").exists());
    let search = std::fs::read_to_string(dir.join("search/index.html")).unwrap();
    assert!(
        search.contains("<p class=\"note search-offline\">Searching needs the archive online")
            && !search.contains("search.js"),
        "the search page says why it has no search box"
    );
    let zh = std::fs::read_to_string(dir.join("zh-Hans/search/index.html")).unwrap();
    assert!(zh.contains("搜索需要在线档案"));
    // The copy on the site keeps its search.
    site.build(&[]).success();
    assert!(site.page("search/index.html").contains("search.js"));
    assert!(
        site.page("search/index.html")
            .contains("search-offline\" hidden")
    );
}

/// Prints `url` to a PDF with headless Chromium and returns its text, page by page.
fn print_to_pdf(url: &str, pdf: &Path) -> Vec<String> {
    let profile = tempfile::tempdir().unwrap();
    let run = Command::new("/usr/bin/chromium")
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(url)
        .output()
        .unwrap();
    assert!(
        pdf.is_file(),
        "chromium printed nothing: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = Command::new("pdftotext")
        // -layout keeps a hyphen at a line break (the default joins `images-⏎2014` into one word).
        .args(["-layout", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(text.status.success());
    String::from_utf8_lossy(&text.stdout)
        .split('\u{c}')
        .map(|page| page.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|page| !page.is_empty())
        .collect()
}

/// The pages on which `pdfimages` finds an image.
fn pages_with_images(pdf: &Path) -> Vec<usize> {
    let list = Command::new("pdfimages")
        .arg("-list")
        .arg(pdf)
        .output()
        .unwrap();
    String::from_utf8_lossy(&list.stdout)
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect()
}

/// The visible text of the first element `selector` finds in `html` (what paper shows: no
/// `.visually-hidden` text), if there is one.
fn text_of(html: &str, selector: &str) -> Option<String> {
    fn visible(el: scraper::ElementRef, out: &mut String) {
        for child in el.children() {
            if let Some(text) = child.value().as_text() {
                out.push_str(text);
            } else if let Some(e) = scraper::ElementRef::wrap(child)
                && !e.value().classes().any(|c| c == "visually-hidden")
            {
                visible(e, out);
            }
        }
    }
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).unwrap();
    let el = doc.select(&sel).next()?;
    let mut text = String::new();
    visible(el, &mut text);
    Some(text)
}

/// `text` without whitespace: how pdftotext's line breaks (which may fall inside an address)
/// and the page's compare.
fn squash(text: &str) -> String {
    text.split_whitespace().collect()
}

/// Follows every link of the bundle at `dir` from its `index.html` in the browser: each page
/// loads from disk, with its stylesheet and every image; links to files are checked on disk.
/// Returns the pages visited.
fn crawl(browser: &Browser, dir: &Path) -> Vec<String> {
    let root = std::fs::canonicalize(dir).unwrap();
    let start = format!("file://{}/index.html", root.display());
    let mut queue = vec![start];
    let mut seen = std::collections::BTreeSet::new();
    let mut visited = Vec::new();
    while let Some(url) = queue.pop() {
        let page = url.split('#').next().unwrap().to_string();
        if !seen.insert(page.clone()) {
            continue;
        }
        let path = PathBuf::from(percent_decode(page.strip_prefix("file://").unwrap()));
        assert!(path.starts_with(&root), "{page} leaves the bundle");
        assert!(path.is_file(), "{page}: no such file");
        if !page.ends_with(".html") {
            continue;
        }
        browser.goto(&page);
        // Lazy images load only when scrolled to: load them all.
        browser.eval(
            "document.querySelectorAll('img').forEach(i => i.loading = 'eager'); return null",
        );
        let state = browser.wait_for(
            &format!("{page} with its images"),
            "return [...document.images].every(i => i.complete) ? {
                broken: [...document.images].filter(i => i.naturalWidth === 0).map(i => i.currentSrc || i.src),
                styled: getComputedStyle(document.body).fontFamily.includes('system-ui'),
                main: !!document.querySelector('main'),
                links: [...document.querySelectorAll('a[href], link[rel=stylesheet], video source, track')]
                    .map(a => a.href || a.src).filter(h => h.startsWith('file:')),
            } : null",
            |v| !v.is_null(),
        );
        assert_eq!(state["main"], true, "{page} did not open");
        assert_eq!(state["styled"], true, "{page}: the stylesheet did not load");
        assert_eq!(
            state["broken"],
            serde_json::json!([]),
            "{page}: images missing"
        );
        for link in state["links"].as_array().unwrap() {
            queue.push(link.as_str().unwrap().to_string());
        }
        visited.push(page);
    }
    let pages = files(dir)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .count();
    assert_eq!(
        visited.len(),
        pages,
        "every page of the bundle is reached by a link"
    );
    visited
}

/// Prints the bundle's contest page and one entry page to PDF; checks what paper shows.
fn check_print(dir: &Path, entry: &str, credit: &str, external: &str) {
    let root = std::fs::canonicalize(dir).unwrap();
    for (page, heading) in [
        ("index.html", "Cite this contest"),
        (entry, "Cite this entry"),
    ] {
        let html = std::fs::read_to_string(root.join(page)).unwrap();
        if page == "index.html" {
            assert!(
                html.contains("share-heading"),
                "the Share block is on the screen"
            );
        }
        let pdf = root.with_file_name(format!("{}.pdf", page.replace('/', "_")));
        let pages = print_to_pdf(&format!("file://{}/{page}", root.display()), &pdf);
        let all = pages.join(" ");
        let printed = squash(&all);
        assert_eq!(
            canaries_in(&[(page.into(), all.clone().into_bytes())], "CANARY"),
            Vec::<String>::new()
        );
        let mut expected = vec![
            heading.to_string(),
            "Creative Commons Attribution".to_string(),
            "This page online: https://".to_string(),
        ];
        expected.extend(text_of(&html, ".citation"));
        expected.extend(text_of(&html, "h1"));
        assert!(expected.len() == 5, "{page}: no citation or title");
        for text in expected {
            assert!(
                printed.contains(&squash(&text)),
                "{page}: `{text}` not printed:\n{all}"
            );
        }
        for absent in [
            "Skip to main content",
            "Share this contest",
            "简体中文",
            "BibTeX · RIS",
            "sesh bundle",
        ] {
            assert!(!all.contains(absent), "{page}: `{absent}` printed:\n{all}");
        }
        if page != entry {
            assert!(
                printed.contains(&squash(&format!("({external})"))),
                "{page}: no address after the external link `{external}`:\n{all}"
            );
            continue;
        }
        assert!(
            all.contains(credit),
            "{page}: credit `{credit}` not printed:\n{all}"
        );
        // A figure is never split: its caption is on the page of its image.
        if let Some(caption) = text_of(&html, ".figure figcaption") {
            let caption = squash(&caption);
            let at = pages
                .iter()
                .position(|p| squash(p).contains(&caption))
                .unwrap_or_else(|| panic!("{page}: caption `{caption}` not printed:\n{all}"));
            assert!(
                pages_with_images(&pdf).contains(&(at + 1)),
                "{page}: the figure of `{caption}` is split across pages"
            );
        }
    }
}

#[test]
fn offline_bundles_open_from_disk_and_print_as_briefs_in_both_themes() {
    let Some(browser) = Browser::start("offline bundles and print") else {
        return;
    };
    let pdf_tools = tool_ready(
        "pdftotext and pdfimages (Debian package poppler-utils)",
        Command::new("pdftotext").arg("-v").output().is_ok(),
    );
    // The example, default theme: a bilingual contest with images and translated entries.
    let site = Site::example();
    let dir = site.out.with_file_name("offline");
    let slug = "sex-health-images-2014";
    share(&site, &["bundle", slug, "--out", dir.to_str().unwrap()]).success();
    check_offline_links(&dir);
    let visited = crawl(&browser, &dir);
    assert!(visited.iter().any(|p| p.contains("/zh-Hans/contests/")));
    assert_eq!(
        visited.len(),
        13,
        "the contest, its 5 entries in 2 languages: {visited:#?}"
    );
    let contest = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(
        contest.contains("href=\"https://sesh-archive.example.org/contests/\""),
        "a page outside the bundle is linked online"
    );
    if pdf_tools {
        check_print(
            &dir,
            "contests/sex-health-images-2014/clinic-map/index.html",
            "By Zhou Min",
            "https://creativecommons.org/licenses/by-nc/4.0/",
        );
    }

    // The consent canaries, partner theme: nothing withheld in the bundle or on paper.
    let site = canaries("sihi-partner");
    let dir = site.out.with_file_name("offline");
    share(
        &site,
        &["bundle", "open-contest", "--out", dir.to_str().unwrap()],
    )
    .success();
    assert_eq!(leaks(&dir, "CANARY"), Vec::<String>::new());
    check_offline_links(&dir);
    let visited = crawl(&browser, &dir);
    assert!(
        visited
            .iter()
            .any(|p| p.ends_with("published-entry/index.html")),
        "{visited:#?}"
    );
    assert!(
        std::fs::read_to_string(dir.join("css/overrides.css")).is_ok(),
        "the partner theme's stylesheet travels with the bundle"
    );
    if pdf_tools {
        check_print(
            &dir,
            "contests/open-contest/published-entry/index.html",
            "By Visible Author",
            "https://creativecommons.org/licenses/by/4.0/",
        );
    }
}
