//! `sesh serve` from outside: the real binary on a temporary site, edited while it runs.

use crate::common::*;

const ENTRY: &str = "content/contests/open-contest/published-entry/index.md";
const ENTRY_URL: &str = "contests/open-contest/published-entry/";

#[test]
fn edits_new_and_deleted_entries_show_up() {
    let site = Site::fixture("consent-canaries");
    let serve = Serve::start(&site, &[]);
    assert!(
        serve
            .get(ENTRY_URL)
            .1
            .contains("<h1>A published entry</h1>")
    );

    site.edit(
        ENTRY,
        "title = \"A published entry\"",
        "title = \"An edited entry\"",
    );
    serve.wait_for(ENTRY_URL, "the edited title", |_, b| {
        b.contains("<h1>An edited entry</h1>")
    });
    let gallery = serve.get("contests/open-contest/").1;
    assert!(gallery.contains("An edited entry") && !gallery.contains("A published entry"));

    site.write(
        "content/contests/open-contest/brand-new/index.md",
        "+++\ntitle = \"Brand new entry\"\n[consent]\npublish = true\n+++\n\nNew text.\n",
    );
    serve.wait_for(
        "contests/open-contest/brand-new/",
        "the new entry",
        |s, b| s == 200 && b.contains("New text."),
    );
    serve.wait_for("contests/open-contest/", "the new card", |_, b| {
        b.contains("Brand new entry")
    });

    std::fs::remove_dir_all(site.path("content/contests/open-contest/brand-new")).unwrap();
    serve.wait_for(
        "contests/open-contest/brand-new/",
        "a 404 for the deleted entry",
        |s, _| s == 404,
    );
    serve.wait_for("contests/open-contest/", "the card to go", |_, b| {
        !b.contains("Brand new entry")
    });
    let log = serve.wait_for_log("the four rebuilds' summary lines", |log| {
        log.matches(" pages changed and rendered again").count() >= 4
    });
    assert!(
        log.contains("pages changed and rendered again"),
        "one line per rebuild:\n{log}"
    );
    // "N of M pages": pages are HTML files, M all of them in the preview folder, N those
    // rendered again (all of them at first, fewer after an edit).
    let counts: Vec<(usize, usize)> = log
        .lines()
        .filter_map(|l| {
            l.split_once(": ")?
                .1
                .split_once(" pages changed")?
                .0
                .split_once(" of ")
        })
        .map(|(n, m)| (n.parse().unwrap(), m.parse().unwrap()))
        .collect();
    assert!(counts.len() >= 4, "{log}");
    let html = files(&site.path(".sesh-cache/serve"))
        .iter()
        .filter(|f| f.ends_with(".html"))
        .count();
    assert_eq!(counts[0], (html, html), "the initial build:\n{log}");
    assert!(counts.iter().all(|(n, m)| n <= m), "{log}");
    assert!(counts[1..].iter().any(|(n, m)| n < m), "{log}");
}

#[test]
fn withdrawing_consent_removes_page_card_media_and_links_live() {
    let site = Site::fixture("consent-canaries");
    let serve = Serve::start(&site, &[]);
    let page = serve.get(ENTRY_URL).1;
    let image = page
        .split("src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the entry shows its poster")
        .to_string();
    let image_path = image
        .strip_prefix("/archive/")
        .expect("under the base path")
        .to_string();
    assert_eq!(serve.get(&image_path).0, 200);

    site.edit(ENTRY, "publish = true", "publish = true\nwithdrawn = true");
    serve.wait_for(ENTRY_URL, "the withdrawn entry to answer 404", |s, _| {
        s == 404
    });
    assert_eq!(serve.get(&image_path).0, 404, "its media is gone");
    for other in [
        "",
        "contests/open-contest/",
        "framework/",
        "contests/open-contest/second-published/",
    ] {
        let body = serve.get(other).1;
        assert!(
            !body.contains("published-entry"),
            "a link to the withdrawn entry remains on /{other}"
        );
        assert!(
            !body.contains("A published entry"),
            "its title remains on /{other}"
        );
    }
}

#[test]
fn template_edits_apply_and_broken_config_recovers_without_restart() {
    let site = Site::fixture("consent-canaries");
    let serve = Serve::start(&site, &[]);
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<p>custom page template</p>{% endblock main %}",
    );
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\n\nAbout text.\n",
    );
    serve.wait_for("about/", "the site template", |_, b| {
        b.contains("custom page template")
    });

    let good = std::fs::read_to_string(site.path("sesh.toml")).unwrap();
    site.write("sesh.toml", &format!("{good}\nthis is not toml\n"));
    // The fixture's invalid consent values keep a panel of errors on every page; a failed
    // rebuild replaces it.
    let body = serve.wait_for("", "the error panel", |_, b| {
        b.contains("the last change could not be built")
    });
    assert!(
        body.contains("sesh.toml:"),
        "the panel names the file and line:\n{body}"
    );
    assert!(
        body.contains("Consent canaries"),
        "the last good site is still served"
    );
    site.write("sesh.toml", &good);
    let body = serve.wait_for("", "recovery", |_, b| {
        !b.contains("the last change could not be built")
    });
    assert!(
        body.contains("error(s) in your files"),
        "the fixture's own errors are shown again"
    );

    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}{{ page.nope }}{% endblock main %}",
    );
    let body = serve.wait_for("about/", "the template error", |_, b| {
        b.contains("the last change could not be built")
    });
    assert!(body.contains("templates/page.html:1"), "{body}");
    std::fs::remove_file(site.path("templates/page.html")).unwrap();
    serve.wait_for("about/", "the theme template again", |_, b| {
        !b.contains("the last change could not be built") && b.contains("About text.")
    });
}

#[test]
fn the_served_site_equals_a_clean_build_after_edits() {
    let site = Site::fixture("consent-canaries");
    let serve = Serve::start(&site, &[]);
    site.edit(
        ENTRY,
        "This entry is public.",
        "This entry is public and edited.",
    );
    // A new title changes the entry's citation files too (they are reused only when unchanged).
    site.edit(
        ENTRY,
        "title = \"A published entry\"",
        "title = \"A retitled entry\"",
    );
    site.edit(
        "content/contests/open-contest/second-published/index.md",
        "publish = true",
        "publish = false",
    );
    site.write(
        "content/contests/open-contest/third/index.md",
        "+++\ntitle = \"Third\"\n[consent]\npublish = true\n+++\n\nThird.\n",
    );
    serve.wait_for("contests/open-contest/third/", "the last edit", |s, _| {
        s == 200
    });
    serve.wait_for(
        "contests/open-contest/second-published/",
        "the unpublished entry gone",
        |s, _| s == 404,
    );
    serve.wait_for(ENTRY_URL, "the edit", |_, b| {
        b.contains("public and edited")
    });
    site.build(&["--base-url", &serve.url]).success();
    settled_equal(&serve, &site.root.join(".sesh-cache/serve"), &site.out);
}

/// Pages of contests that did not change are reused from the last build; an edit elsewhere that
/// they depend on (the framework's sections, the navigation, an entry of another contest) must
/// still reach them. Checked against a clean build of the bundled example, in both languages.
#[test]
fn reused_contests_follow_edits_elsewhere_on_the_site() {
    let site = Site::example();
    let serve = Serve::start(&site, &[]);
    site.edit(
        "content/contests/heptestcontest-2016/market-day-screening/index.md",
        "title = \"Market-day hepatitis B screening\"",
        "title = \"Market-day screening, renamed\"",
    );
    serve.wait_for(
        "contests/heptestcontest-2016/market-day-screening/",
        "the renamed entry",
        |_, b| b.contains("Market-day screening, renamed"),
    );
    let untouched = "contests/amr-diagnostics-cases-2018/fever-without-malaria/";
    site.edit(
        "content/framework.md",
        "## Identifying unmet needs {#needs}",
        "## Finding unmet needs {#needs}",
    );
    serve.wait_for(untouched, "the new framework heading", |_, b| {
        b.contains("Finding unmet needs")
    });
    site.write(
        "content/faq.md",
        "+++\ntitle = \"Questions\"\n+++\n\nAnswers.\n",
    );
    serve.wait_for(untouched, "the new page in the navigation", |_, b| {
        b.contains("Questions")
    });
    // Contest pages are reused too: an unchanged contest's page follows the navigation, and
    // a link in its description to another contest's entry goes when that entry is withdrawn.
    let untouched_contest = "contests/amr-diagnostics-cases-2018/";
    serve.wait_for(
        untouched_contest,
        "the new page in the navigation",
        |_, b| b.contains("Questions"),
    );
    site.edit(
        "content/contests/amr-diagnostics-cases-2018/_index.md",
        "The cases below are fictional examples.",
        "The cases below are fictional examples. See also [a screening day](../heptestcontest-2016/market-day-screening/).",
    );
    serve.wait_for(untouched_contest, "the link in the description", |_, b| {
        b.contains("heptestcontest-2016/market-day-screening/\" rel=")
    });
    site.edit(
        "content/contests/heptestcontest-2016/market-day-screening/index.md",
        "publish = true",
        "publish = false",
    );
    serve.wait_for(
        untouched_contest,
        "the link to the withdrawn entry gone",
        |_, b| b.contains("a screening day") && !b.contains("market-day-screening/"),
    );
    site.build(&["--base-url", &serve.url]).success();
    settled_equal(&serve, &site.root.join(".sesh-cache/serve"), &site.out);
}

/// An edit to an entry's text shows the entry first; the framework and search pages, which list
/// every entry's card and are the largest to render, follow right after (the cards changed in
/// their word counts only), and an open one reloads. An edit that changes a card (a title)
/// renders them with the entry: nothing added, withdrawn or renamed waits.
#[test]
fn pages_listing_every_entry_follow_a_text_edit_and_come_with_a_new_title() {
    let site = Site::example();
    let serve = Serve::start(&site, &[]);
    let entry = "content/contests/heptestcontest-2016/market-day-screening/index.md";
    let url = "contests/heptestcontest-2016/market-day-screening/";
    let listed = "pages listing every entry updated";
    let events = live_reload_events(&serve);
    let wait_for_log = |what: &str, times: usize| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while serve.log().matches(what).count() < times {
            assert!(
                std::time::Instant::now() < deadline,
                "no `{what}` in the log:\n{}",
                serve.log()
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    };
    site.edit(
        entry,
        "for the following\nweek,",
        "for the following\nweek (a sentence with seven more words here),",
    );
    serve.wait_for(url, "the edit", |_, b| b.contains("seven more words"));
    wait_for_log(listed, 1);
    let log = serve.log();
    let line = log.lines().find(|l| l.contains(listed)).unwrap_or("");
    assert!(
        line.contains("framework/index.html") && line.contains("search/index.html"),
        "{log}"
    );
    let edit_line = log
        .find("market-day-screening/index.md: ")
        .expect("the edit's rebuild");
    assert!(
        edit_line < log.find(listed).unwrap_or(0),
        "the entry first:\n{log}"
    );
    // Open pages: all reload for the edit; then only those listing every entry, once more.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let seen = loop {
        let seen = events.lock().map(|e| e.clone()).unwrap_or_default();
        if seen.iter().any(|(e, _)| e == "pages") || std::time::Instant::now() > deadline {
            break seen;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let kinds: Vec<&str> = seen.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(kinds, ["hello", "reload", "pages"], "{seen:?}");
    let pages: Vec<&str> = seen[2].1.split(' ').skip(1).collect();
    assert!(
        pages.contains(&"/framework/") && pages.contains(&"/search/") && !pages.contains(&"/"),
        "{pages:?}"
    );
    // A new title is on the pages that list it as soon as on its own page.
    site.edit(
        entry,
        "title = \"Market-day hepatitis B screening\"",
        "title = \"Market-day screening, renamed\"",
    );
    serve.wait_for(url, "the new title", |_, b| {
        b.contains("Market-day screening, renamed")
    });
    wait_for_log("market-day-screening/index.md: ", 2);
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(serve.log().matches(listed).count(), 1, "{}", serve.log());
    for page in ["framework/", "search/"] {
        assert!(
            serve.get(page).1.contains("Market-day screening, renamed"),
            "{page}"
        );
    }
    site.build(&["--base-url", &serve.url]).success();
    settled_equal(&serve, &site.root.join(".sesh-cache/serve"), &site.out);
}

/// The live-reload events `sesh serve` sends an open page, as (event, data), read as they come.
fn live_reload_events(serve: &Serve) -> std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>> {
    use std::io::{BufRead, Write};
    let address = serve
        .url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or("")
        .to_string();
    let mut stream = std::net::TcpStream::connect(&address).expect("connect");
    write!(
        stream,
        "GET /__sesh/events HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .expect("request");
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let found = events.clone();
    std::thread::spawn(move || {
        let mut event = String::new();
        for line in std::io::BufReader::new(stream)
            .lines()
            .map_while(Result::ok)
        {
            if let Some(name) = line.strip_prefix("event: ") {
                event = name.to_string();
            } else if let Some(data) = line.strip_prefix("data: ")
                && let Ok(mut found) = found.lock()
            {
                found.push((std::mem::take(&mut event), data.to_string()));
            }
        }
    });
    // Connected once the first event (hello) has come.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while events.lock().map(|e| e.is_empty()).unwrap_or(true) {
        assert!(std::time::Instant::now() < deadline, "no hello event");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    events
}

/// `sesh serve` shows an edited page first and indexes it for search right after, so that a
/// large site's preview does not wait for the whole index.
#[test]
fn the_search_index_follows_an_edit_after_the_page_is_shown() {
    let site = Site::fixture("consent-canaries");
    let serve = Serve::start(&site, &[]);
    let served = site.root.join(".sesh-cache/serve");
    let before = crate::search::index_text(&served);
    assert!(before.contains("This entry is public.") && !before.contains("zebrafinches"));
    site.edit(
        ENTRY,
        "This entry is public.",
        "This entry is about zebrafinches.",
    );
    serve.wait_for(ENTRY_URL, "the edit", |_, b| b.contains("zebrafinches"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !serve.log().contains("search index updated") {
        assert!(
            std::time::Instant::now() < deadline,
            "no index update reported:\n{}",
            serve.log()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let index = crate::search::index_text(&served);
    assert!(index.contains("zebrafinches"), "the new text is searchable");
    assert!(
        !index.contains("This entry is public."),
        "the old text is gone"
    );
}

#[test]
fn a_subpath_base_url_is_served_under_its_path() {
    let site = Site::fixture("consent-canaries");
    let serve = Serve::start(&site, &[]);
    assert!(serve.url.ends_with("/archive/"), "{}", serve.url);
    let root = serve.url.trim_end_matches("archive/").to_string();
    let (status, headers, _) = http_get(&root).unwrap();
    assert_eq!(status, 301);
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "location" && v == "/archive/")
    );
    let (status, headers, body) = http_get(&format!("{}{ENTRY_URL}", serve.url)).unwrap();
    assert_eq!(status, 200);
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "content-type" && v.starts_with("text/html"))
    );
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "x-content-type-options" && v == "nosniff")
    );
    assert!(String::from_utf8_lossy(&body).contains("href=\"/archive/contests/open-contest/\""));
    let served = site.root.join(".sesh-cache/serve");
    let broken = broken_links(&served, "/archive/");
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn requests_never_escape_the_site_folder() {
    let site = Site::fixture("consent-canaries");
    std::fs::write(site.root.join("secret.txt"), "TOP-SECRET").unwrap();
    let serve = Serve::start(&site, &[]);
    let base = serve.url.trim_end_matches('/');
    for path in [
        "/../../secret.txt",
        "/%2e%2e/%2e%2e/secret.txt",
        "/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/..%5c..%5csecret.txt",
        "//etc/passwd",
        "/.sesh-output",
        "/../../../../../../etc/passwd",
    ] {
        let (status, _, body) = http_get(&format!("{base}{path}")).unwrap();
        let body = String::from_utf8_lossy(&body);
        assert!(matches!(status, 400 | 404), "{path}: {status}");
        assert!(
            !body.contains("TOP-SECRET") && !body.contains("root:x:"),
            "{path} leaked a file"
        );
    }
}

#[test]
fn the_404_page_is_the_themes_and_build_output_has_no_reload_script() {
    let site = Site::fixture("consent-canaries");
    let serve = Serve::start(&site, &[]);
    let (status, body) = serve.get("no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("Page not found") && body.contains("/__sesh/livereload.js"));
    site.build(&[]).success();
    assert!(
        leaks(&site.out, "__sesh").is_empty(),
        "sesh build output must not carry the reload script"
    );
}

#[test]
fn listening_on_all_interfaces_warns() {
    let site = Site::fixture("consent-canaries");
    let serve = Serve::start(&site, &["--interface", "0.0.0.0"]);
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(
        serve.log().contains("warning: serving on 0.0.0.0"),
        "{}",
        serve.log()
    );
}

/// Waits (bounded) until the served folder holds exactly the clean build's files and bytes: the
/// search index follows the pages, so the last rebuild may still be indexing.
fn settled_equal(serve: &Serve, served: &std::path::Path, out: &std::path::Path) {
    let mut clean = files(out);
    clean.remove(".sesh-output"); // the marker that lets `sesh build` replace its output folder
    let differences = || {
        let mut found = Vec::new();
        let now = files(served);
        if now != clean {
            found.push(format!(
                "files only served: {:?}; only built: {:?}",
                now.difference(&clean).collect::<Vec<_>>(),
                clean.difference(&now).collect::<Vec<_>>()
            ));
        }
        for f in clean.intersection(&now) {
            if std::fs::read(served.join(f)).ok() != std::fs::read(out.join(f)).ok() {
                found.push(format!("{f} differs"));
            }
        }
        found
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let found = differences();
        if found.is_empty() {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the served site and a clean build differ:\n{}\nlog:\n{}",
            found.join("\n"),
            serve.log()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// A first visit opens several connections at once (Chrome opens six). Each must be answered
/// at once: tiny_http's thread pool could count a thread it had just woken as idle, queue the
/// next connections behind keep-alive ones, and a page load then stalled for a minute (the
/// partner theme's accessibility test, now and then, on a busy machine).
#[test]
fn connections_opened_together_are_all_answered() {
    use std::io::{Read, Write};
    let site = Site::fixture("consent-canaries");
    let serve = Serve::start(&site, &[]);
    let rest = serve.url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    for round in 0..5 {
        // All connected before any asks, so that the server accepts them in one burst; more each
        // round than the threads the last round left idle.
        let count = 8 + 4 * round;
        let mut streams: Vec<std::net::TcpStream> = (0..count)
            .map(|_| std::net::TcpStream::connect(host).unwrap())
            .collect();
        for stream in &mut streams {
            stream
                .set_read_timeout(Some(std::time::Duration::from_secs(10)))
                .unwrap();
            write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
        }
        for (i, stream) in streams.iter_mut().enumerate() {
            let mut status = [0u8; 12];
            let answered = stream.read_exact(&mut status).is_ok();
            assert!(
                answered && status.starts_with(b"HTTP/1.1 200"),
                "round {round}: connection {i} of {count} got no answer within 10 s"
            );
        }
        drop(streams);
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// The published video of the fixture: its path under the base URL, and its bytes as served.
fn served_video(site: &Site) -> (String, Vec<u8>) {
    let served = site.root.join(".sesh-cache/serve");
    let rel = files(&served)
        .into_iter()
        .find(|f| f.ends_with(".mp4"))
        .expect("the published entry's video is in the preview folder");
    let bytes = std::fs::read(served.join(&rel)).unwrap();
    (rel, bytes)
}

/// Videos play and seek only from a server that answers `Range` with 206 (Safari plays none
/// otherwise); conditional requests let a reload reuse what the browser has.
#[test]
fn files_answer_ranges_head_and_conditional_requests() {
    let site = Site::fixture("consent-canaries");
    let serve = Serve::start(&site, &[]);
    let (rel, bytes) = served_video(&site);
    let url = format!("{}{rel}", serve.url);
    let len = bytes.len();
    assert!(len > 200, "{rel} is {len} bytes");

    let whole = http_with("GET", &url, &[]).unwrap();
    assert_eq!(whole.0, 200);
    assert_eq!(whole.2, bytes);
    assert_eq!(header(&whole, "content-type"), Some("video/mp4"));
    assert_eq!(header(&whole, "accept-ranges"), Some("bytes"));
    assert_eq!(header(&whole, "x-content-type-options"), Some("nosniff"));

    let first = http_with("GET", &url, &[("Range", "bytes=0-99")]).unwrap();
    assert_eq!(first.0, 206);
    assert_eq!(
        header(&first, "content-range"),
        Some(format!("bytes 0-99/{len}").as_str())
    );
    assert_eq!(first.2, bytes[..100]);
    let tail = http_with("GET", &url, &[("Range", "bytes=-50")]).unwrap();
    assert_eq!(tail.0, 206);
    assert_eq!(
        header(&tail, "content-range"),
        Some(format!("bytes {}-{}/{len}", len - 50, len - 1).as_str())
    );
    assert_eq!(tail.2, bytes[len - 50..]);
    let middle = http_with("GET", &url, &[("Range", "bytes=100-")]).unwrap();
    assert_eq!((middle.0, &middle.2[..]), (206, &bytes[100..]));
    let beyond = http_with("GET", &url, &[("Range", &format!("bytes={len}-"))]).unwrap();
    assert_eq!(beyond.0, 416);
    assert_eq!(
        header(&beyond, "content-range"),
        Some(format!("bytes */{len}").as_str())
    );

    let head = http_with("HEAD", &url, &[]).unwrap();
    assert_eq!(head.0, 200);
    assert_eq!(
        header(&head, "content-length"),
        Some(len.to_string().as_str())
    );
    let page = http_with("HEAD", &format!("{}{ENTRY_URL}", serve.url), &[]).unwrap();
    assert_eq!(page.0, 200);
    assert!(header(&page, "content-type").is_some_and(|t| t.starts_with("text/html")));
    assert!(page.2.is_empty());

    let etag = header(&whole, "etag").expect("an ETag").to_string();
    let again = http_with("GET", &url, &[("If-None-Match", &etag)]).unwrap();
    assert_eq!(again.0, 304, "unchanged: not sent again");
    assert_eq!(header(&again, "etag"), Some(etag.as_str()));
    let other = http_with("GET", &url, &[("If-None-Match", "\"something-else\"")]).unwrap();
    assert_eq!((other.0, other.2.len()), (200, len));

    let post = http_with("POST", &format!("{}{ENTRY_URL}", serve.url), &[]).unwrap();
    assert_eq!(post.0, 405);
    assert_eq!(header(&post, "allow"), Some("GET, HEAD"));
}

/// A symlink in the preview folder that leads out of it is never followed, not even to a file
/// of the site's own sources; one that stays inside is.
#[cfg(unix)]
#[test]
fn symlinks_out_of_the_preview_folder_are_not_followed() {
    let site = Site::fixture("consent-canaries");
    let serve = Serve::start(&site, &[]);
    let served = site.root.join(".sesh-cache/serve");
    let secret = site
        .root
        .join("content/contests/open-contest/published-entry/index.md");
    std::os::unix::fs::symlink(&secret, served.join("front-matter.txt")).unwrap();
    std::os::unix::fs::symlink(site.root.join("content"), served.join("sources")).unwrap();
    let (rel, bytes) = served_video(&site);
    std::os::unix::fs::symlink(served.join(&rel), served.join("same-video.mp4")).unwrap();
    for path in [
        "front-matter.txt",
        "sources/contests/open-contest/published-entry/index.md",
        "sources/",
    ] {
        let reply = http_with("GET", &format!("{}{path}", serve.url), &[]).unwrap();
        let body = String::from_utf8_lossy(&reply.2);
        assert_eq!(reply.0, 404, "{path}");
        assert!(!body.contains("CANARY"), "{path} served the sources");
    }
    let inside = http_with("GET", &format!("{}same-video.mp4", serve.url), &[]).unwrap();
    assert_eq!((inside.0, inside.2), (200, bytes));
}
