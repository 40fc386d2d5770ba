//! Tests in a real browser: headless Chromium driven over WebDriver (chromedriver), against
//! `sesh serve`. Skipped loudly when Chromium is missing, unless SESH_REQUIRE_BROWSER=1 (set by
//! .ci/run), which turns the skip into a failure.

use crate::common::*;
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One browser at a time: Chromium is heavy, and the suite runs on two cores.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub struct Browser {
    _turn: std::sync::MutexGuard<'static, ()>,
    driver: Child,
    base: String,
    session: String,
    _profile: tempfile::TempDir,
}

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

impl Browser {
    /// Starts chromedriver and a headless Chromium session, or explains why not.
    pub fn start(test: &str) -> Option<Browser> {
        if !std::path::Path::new(CHROMIUM).exists() || !std::path::Path::new(CHROMEDRIVER).exists()
        {
            let message = format!(
                "BROWSER TEST SKIPPED ({test}): {CHROMIUM} or {CHROMEDRIVER} is missing; install the Debian packages `chromium chromium-driver` (bash .ci/run does)"
            );
            if std::env::var("SESH_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
                panic!("{message}, and SESH_REQUIRE_BROWSER=1 forbids skipping");
            }
            eprintln!("\n*** {message} ***\n");
            return None;
        }
        let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while http_get(&format!("{base}/status")).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().expect("profile dir");
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "pageLoadStrategy": "eager",
            // A navigation that stalls fails with WebDriver's timeout error (naming the request)
            // instead of blocking the test's socket.
            "timeouts": {"pageLoad": 60000, "script": 60000},
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-quic", "--no-proxy-server", format!("--user-data-dir={}", profile.path().display())]
            }
        }}});
        let mut browser = Browser {
            _turn: turn,
            driver,
            base,
            session: String::new(),
            _profile: profile,
        };
        let reply = browser.call("POST", "/session", Some(caps));
        browser.session = reply["sessionId"]
            .as_str()
            .expect("a WebDriver session")
            .to_string();
        Some(browser)
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string());
        let url = format!("{}{path}", self.base);
        let (status, _, bytes) =
            http_request(method, &url, body.as_deref()).expect("WebDriver request");
        let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        assert!(status < 300, "WebDriver {method} {path}: {status} {value}");
        value["value"].clone()
    }

    pub fn goto(&self, url: &str) {
        self.call(
            "POST",
            &format!("/session/{}/url", self.session),
            Some(json!({"url": url})),
        );
    }

    /// Runs `script` (a function body; `return` gives the value) in the page.
    pub fn eval(&self, script: &str) -> Value {
        self.call(
            "POST",
            &format!("/session/{}/execute/sync", self.session),
            Some(json!({"script": script, "args": []})),
        )
    }

    /// Polls `script` until `accept` holds (bounded wait).
    #[track_caller]
    pub fn wait_for(&self, what: &str, script: &str, accept: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let value = self.eval(script);
            if accept(&value) {
                return value;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; last value {value}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Browser {
    /// Waits until the page's live-reload script has connected to `sesh serve`.
    #[track_caller]
    pub fn wait_for_live_reload(&self) {
        self.wait_for(
            "the live-reload connection",
            "return window.seshLiveReload === true",
            |v| v == true,
        );
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http_request(
                "DELETE",
                &format!("{}/session/{}", self.base, self.session),
                None,
            );
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[test]
fn an_open_page_reloads_itself_after_an_edit() {
    let Some(browser) = Browser::start("live reload") else {
        return;
    };
    let site = Site::fixture("consent-canaries");
    let serve = Serve::start(&site, &[]);
    browser.goto(&format!(
        "{}contests/open-contest/published-entry/",
        serve.url
    ));
    browser.wait_for_live_reload();
    browser.eval("window.seshMarker = 'before'; return null");
    site.edit(
        "content/contests/open-contest/published-entry/index.md",
        "title = \"A published entry\"",
        "title = \"Reloaded by itself\"",
    );
    browser.wait_for(
        "the new title",
        "return document.querySelector('h1').textContent",
        |v| v == "Reloaded by itself",
    );
    assert_eq!(
        browser.eval("return window.seshMarker || null"),
        Value::Null,
        "the page reloaded (no manual navigation)"
    );
}

/// Pages left for the back/forward cache must not keep their live-reload stream open: a browser
/// opens six connections per host, so the sixth click used to wait about a minute for one.
#[test]
fn clicking_through_pages_never_waits_and_a_page_restored_by_back_still_reloads() {
    let Some(browser) = Browser::start("live reload and the back/forward cache") else {
        return;
    };
    let site = Site::fixture("consent-canaries");
    let serve = Serve::start(&site, &[]);
    let pages = ["", "contests/", "contests/open-contest/", "framework/"];
    for click in 0..10 {
        let path = pages[click % pages.len()];
        let started = Instant::now();
        browser.goto(&format!("{}{path}", serve.url));
        browser.wait_for_live_reload();
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "click {click} (/{path}) took {:?}: connections held by cached pages?",
            started.elapsed()
        );
    }
    let entry = format!("{}contests/open-contest/published-entry/", serve.url);
    browser.goto(&entry);
    browser.wait_for_live_reload();
    browser.eval("window.seshMarker = 'cached'; return null");
    browser.goto(&serve.url);
    browser.call(
        "POST",
        &format!("/session/{}/back", browser.session),
        Some(json!({})),
    );
    browser.wait_for("the entry again", "return location.href", |v| {
        v == entry.as_str()
    });
    assert_eq!(
        browser.eval("return window.seshMarker || null"),
        "cached",
        "the entry page came back from the back/forward cache"
    );
    site.edit(
        "content/contests/open-contest/published-entry/index.md",
        "title = \"A published entry\"",
        "title = \"Reloaded after coming back\"",
    );
    browser.wait_for(
        "the new title",
        "return document.querySelector('h1').textContent",
        |v| v == "Reloaded after coming back",
    );
}

/// The text of the preview's error panel, or null when there is none.
const PANEL: &str =
    "const p = document.querySelector('.sesh-build-error'); return p ? p.innerText : null";

/// Every kind of file the preview watches gets the error panel in the open page, naming the file
/// (and line and field where there is one), and loses it once the file is fixed: an entry, a
/// contest, a page (a broken framework.md used to give a bare 404), a translation, a template, a
/// string table and sesh.toml.
#[test]
fn the_preview_shows_an_error_panel_for_every_kind_of_file() {
    let Some(browser) = Browser::start("the preview's error panel") else {
        return;
    };
    let site = Site::fixture("bilingual");
    let serve = Serve::start(&site, &[]);

    // The fixture starts with an error: a translation that sets consent.
    browser.goto(&serve.url);
    browser.wait_for_live_reload();
    let panel = browser.wait_for("the translation's error", PANEL, |v| !v.is_null());
    let text = panel.as_str().unwrap_or_default();
    assert!(
        text.contains("2 error(s) in your files")
            && text.contains("sneaky-translation/index.zh-Hans.md:3: `consent`")
            && text.contains("sneaky-translation/index.zh-Hans.md:3: `media.consent`"),
        "{text}"
    );
    std::fs::remove_file(
        site.path("content/contests/clinic-posters/sneaky-translation/index.zh-Hans.md"),
    )
    .unwrap();
    browser.wait_for("no panel once it is fixed", PANEL, Value::is_null);

    let entry = "content/contests/clinic-posters/umbrella/index.md";
    let contest = "content/contests/clinic-posters/_index.md";
    let translation = "content/contests/clinic-posters/umbrella/index.zh-Hans.md";
    let cases: [(&str, &str, &str, &str, &[&str]); 7] = [
        (
            entry,
            "+++\n",
            "+++\nsumary = \"typo\"\n",
            "contests/clinic-posters/umbrella/",
            &["umbrella/index.md:", "`sumary`"],
        ),
        (
            contest,
            "+++\n",
            "+++\npurpos = \"typo\"\n",
            "contests/clinic-posters/",
            &["clinic-posters/_index.md:", "`purpos`"],
        ),
        (
            "content/framework.md",
            "+++\n",
            "+++\ntitle = \n",
            "framework/",
            &["content/framework.md:"],
        ),
        (
            translation,
            "+++\n",
            "+++\ntitel = \"x\"\n",
            "zh-Hans/contests/clinic-posters/umbrella/",
            &["umbrella/index.zh-Hans.md:", "`titel`"],
        ),
        (
            "templates/page.html",
            "",
            "{% if %}",
            "about/",
            &["could not be built", "templates/page.html"],
        ),
        (
            "i18n/zh-Hans.toml",
            "",
            "nav_home = \n",
            "zh-Hans/",
            &["could not be built", "zh-Hans.toml"],
        ),
        (
            "sesh.toml",
            "",
            "this is not toml\n",
            "",
            &["could not be built", "sesh.toml:"],
        ),
    ];
    for (file, from, to, page, expected) in cases {
        let path = site.path(file);
        let good = std::fs::read_to_string(&path).ok();
        match good.as_deref() {
            Some(text) if !from.is_empty() => site.write(file, &text.replacen(from, to, 1)),
            Some(text) => site.write(file, &format!("{text}\n{to}")),
            None => site.write(file, to),
        }
        browser.goto(&format!("{}{page}", serve.url));
        browser.wait_for_live_reload();
        let panel = browser.wait_for(&format!("the panel for {file}"), PANEL, |v| {
            v.as_str()
                .is_some_and(|t| expected.iter().all(|e| t.contains(e)))
        });
        assert!(!panel.is_null());
        match &good {
            Some(text) => site.write(file, text),
            None => std::fs::remove_file(&path).unwrap(),
        }
        browser.wait_for(
            &format!("no panel once {file} is fixed"),
            PANEL,
            Value::is_null,
        );
    }
}

#[test]
fn a_stylesheet_edit_restyles_without_reloading() {
    let Some(browser) = Browser::start("css reload") else {
        return;
    };
    let site = Site::fixture("consent-canaries");
    site.write(
        "static/css/sesh.css",
        "body { background-color: rgb(250, 250, 250); }\n",
    );
    let serve = Serve::start(&site, &[]);
    browser.goto(&serve.url);
    browser.wait_for_live_reload();
    browser.eval("window.seshMarker = 'kept'; return null");
    site.write(
        "static/css/sesh.css",
        "body { background-color: rgb(1, 2, 3); }\n",
    );
    browser.wait_for(
        "the new background",
        "return getComputedStyle(document.body).backgroundColor",
        |v| v == "rgb(1, 2, 3)",
    );
    assert_eq!(
        browser.eval("return window.seshMarker || null"),
        "kept",
        "restyled in place, not reloaded"
    );
}

impl Browser {
    /// Runs `script` asynchronously: it must call `arguments[arguments.length - 1](value)`.
    pub fn eval_async(&self, script: &str) -> Value {
        self.call(
            "POST",
            &format!("/session/{}/execute/async", self.session),
            Some(json!({"script": script, "args": []})),
        )
    }
}

/// The axe-core script installed by `npm ci --prefix tests/browser` (bash .ci/run does it).
fn axe_source(test: &str) -> Option<String> {
    let path = repo().join("tests/browser/node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(_) => {
            let message = format!(
                "ACCESSIBILITY TEST SKIPPED ({test}): {} is missing; run `npm ci --prefix tests/browser` (bash .ci/run does)",
                path.display()
            );
            if std::env::var("SESH_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
                panic!("{message}, and SESH_REQUIRE_BROWSER=1 forbids skipping");
            }
            eprintln!("\n*** {message} ***\n");
            None
        }
    }
}

/// WCAG 2.2 A/AA violations axe-core finds on the current page, as "rule: target" lines.
fn axe_violations(browser: &Browser, axe: &str) -> Vec<String> {
    browser.eval(&format!("{axe}\nreturn true;"));
    let result = browser.eval_async(
        "var done = arguments[arguments.length - 1];
         axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
           .then(function (r) { done(JSON.stringify(r.violations.map(function (v) {
               return v.id + ': ' + v.nodes.map(function (n) { return n.target.join(' '); }).join(', ');
           }))); })
           .catch(function (e) { done(JSON.stringify(['axe failed: ' + e])); });",
    );
    serde_json::from_str(result.as_str().unwrap_or("[\"no result\"]")).unwrap_or_default()
}

fn check_accessibility(theme: &str) {
    let Some(axe) = axe_source(theme) else { return };
    let Some(browser) = Browser::start(theme) else {
        return;
    };
    let site = Site::example();
    site.edit(
        "sesh.toml",
        "theme = \"default\"",
        &format!("theme = \"{theme}\""),
    );
    let serve = Serve::start(&site, &[]);
    let mut failures = Vec::new();
    for (path, width) in [
        ("", 1280),
        ("contests/", 1280),
        ("contests/sex-health-images-2014/", 1280),
        ("contests/sex-health-images-2014/two-hearts-one-test/", 1280),
        ("contests/heptestcontest-2016/market-day-screening/", 390),
        ("contests/hiv-testing-video/testing-together/", 1280),
        ("contests/condom-use-video-2015/pocket-sized/", 390),
        ("contests/heptestcontest-2016/", 1280),
        ("framework/", 1280),
        ("about/", 390),
        ("search/", 1280),
        ("zh-Hans/", 1280),
        ("zh-Hans/contests/sex-health-images-2014/", 390),
        (
            "zh-Hans/contests/sex-health-images-2014/two-hearts-one-test/",
            1280,
        ),
        ("zh-Hans/contests/hiv-testing-video/testing-together/", 1280),
        ("zh-Hans/framework/", 1280),
        ("zh-Hans/search/", 390),
        ("no-such-page/", 1280),
    ] {
        browser.call(
            "POST",
            &format!("/session/{}/window/rect", browser.session),
            Some(json!({"width": width, "height": 900})),
        );
        browser.goto(&format!("{}{path}", serve.url));
        for violation in axe_violations(&browser, &axe) {
            failures.push(format!("/{path} ({width}px): {violation}"));
        }
    }
    assert!(
        failures.is_empty(),
        "axe-core found WCAG 2.2 AA violations with theme {theme}:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_default_theme_has_no_accessibility_violations() {
    check_accessibility("default");
}

#[test]
fn the_partner_theme_has_no_accessibility_violations() {
    check_accessibility("sihi-partner");
}

#[test]
fn an_external_video_loads_nothing_from_its_host_before_play_is_pressed() {
    let Some(browser) = Browser::start("click-to-load player") else {
        return;
    };
    let site = Site::fixture("media-kinds");
    let serve = Serve::start(&site, &[]);
    let origin = serve
        .url
        .split("/archive/")
        .next()
        .unwrap_or("")
        .to_string();
    browser.goto(&format!("{}contests/kinds/external-video/", serve.url));
    browser.wait_for(
        "the page and its poster",
        "return document.readyState === 'complete'",
        |v| v == true,
    );
    let requests = browser.eval(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })",
    );
    let requests: Vec<String> = serde_json::from_value(requests).unwrap_or_default();
    assert!(
        requests.iter().any(|u| u.contains("css/sesh.css")),
        "the page's own requests are counted: {requests:?}"
    );
    let external: Vec<&String> = requests
        .iter()
        .filter(|u| !u.starts_with(&origin))
        .collect();
    assert!(
        external.is_empty(),
        "requests to other sites before the click: {external:?}"
    );
    assert_eq!(
        browser.eval(
            "return document.querySelectorAll('iframe, script:not([src*=\"reload\"]):not([type=\"application/ld+json\"])').length"
        ),
        0,
        "no player and no script before the click"
    );
    let found = browser.call(
        "POST",
        &format!("/session/{}/element", browser.session),
        Some(json!({"using": "css selector", "value": "a.embed-play"})),
    );
    let element = found
        .as_object()
        .and_then(|o| o.values().next())
        .and_then(Value::as_str)
        .expect("the play link")
        .to_string();
    browser.call(
        "POST",
        &format!("/session/{}/element/{element}/click", browser.session),
        Some(json!({})),
    );
    let src = browser.wait_for(
        "the player after the click",
        "var f = document.querySelector('iframe'); return f ? f.src : null",
        |v| v.is_string(),
    );
    assert_eq!(
        src, "https://www.youtube-nocookie.com/embed/abcDEF12345?autoplay=1",
        "the click opens the archive's player page, which alone loads the host's player"
    );
    assert_eq!(
        browser.eval("return location.pathname"),
        "/archive/contests/kinds/external-video/play-1/"
    );
}

impl Browser {
    /// Types `text` into the element matching `selector`, as key presses (any script).
    pub fn type_into(&self, selector: &str, text: &str) {
        let element = self.call(
            "POST",
            &format!("/session/{}/element", self.session),
            Some(json!({"using": "css selector", "value": selector})),
        );
        let id = element
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {selector}"))
            .to_string();
        let path = format!("/session/{}/element/{id}", self.session);
        self.call("POST", &format!("{path}/clear"), Some(json!({})));
        self.call(
            "POST",
            &format!("{path}/value"),
            Some(json!({"text": text})),
        );
    }
}

const RESULTS: &str = "return Array.from(document.querySelectorAll('.search-list a')).map(function (a) { return a.textContent; }).join(' | ')";

#[test]
fn search_finds_chinese_and_english_queries_on_both_language_pages() {
    let Some(browser) = Browser::start("search") else {
        return;
    };
    let site = Site::fixture("bilingual");
    let serve = Serve::start(&site, &[]);
    assert!(serve.url.ends_with("/repo/"), "served under the subpath");
    // Cold and warm query times, straight through Pagefind's API.
    browser.goto(&format!("{}search/", serve.url));
    let timing = browser.eval_async(
        "var done = arguments[arguments.length - 1];
         (async function () {
           var index = document.querySelector('.search-form').dataset.index;
           var t0 = performance.now();
           var pf = await import(index + 'pagefind.js');
           await pf.init();
           var t1 = performance.now();
           var first = await pf.search('龙舟');
           await Promise.all(first.results.map(function (r) { return r.data(); }));
           var t2 = performance.now();
           var second = await pf.search('pharmacy');
           await Promise.all(second.results.map(function (r) { return r.data(); }));
           var t3 = performance.now();
           done(JSON.stringify({load_ms: t1 - t0, first_query_ms: t2 - t1, second_query_ms: t3 - t2}));
         })().catch(function (e) { done('error: ' + e); });",
    );
    eprintln!("search timing (bilingual fixture): {timing}");
    assert!(
        timing.as_str().is_some_and(|t| t.starts_with('{')),
        "{timing}"
    );
    for (page, query, expect, absent) in [
        ("search/", "pharmacy", "Umbrella of care", "Night bus"),
        ("search/", "龙舟", "龙舟检测日", "Umbrella"),
        ("zh-Hans/search/", "雨天", "关爱之伞", "龙舟"),
        (
            "zh-Hans/search/",
            "riders",
            "Night bus outreach",
            "关爱之伞",
        ),
        (
            "zh-Hans/search/",
            "umbrella",
            "关爱之伞",
            "Umbrella of care",
        ),
    ] {
        browser.goto(&format!("{}{page}", serve.url));
        browser.wait_for(
            "the search form (shown by the script)",
            "return !document.querySelector('.search-form').hidden",
            |v| v == true,
        );
        browser.type_into("#search-input", query);
        let found = browser.wait_for(&format!("results for {query} on /{page}"), RESULTS, |v| {
            v.as_str().is_some_and(|s| s.contains(expect))
        });
        let found = found.as_str().unwrap_or_default();
        assert!(!found.contains(absent), "{query} on /{page}: {found}");
        assert!(
            browser.eval("return document.querySelector('.search-all').hidden") == true,
            "the full list gives way to results"
        );
    }
    if let Some(axe) = axe_source("search results") {
        let violations = axe_violations(&browser, &axe);
        assert!(
            violations.is_empty(),
            "search results page: {violations:#?}"
        );
    }
}

impl Browser {
    /// Console messages logged since the last call (chromedriver's browser log).
    pub fn console(&self) -> Vec<String> {
        let log = self.call(
            "POST",
            &format!("/session/{}/se/log", self.session),
            Some(json!({"type": "browser"})),
        );
        log.as_array()
            .map(|entries| {
                entries
                    .iter()
                    .filter_map(|e| e["message"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Content-Security-Policy violations (and failed loads) on the main pages of `theme`, under
/// `sesh serve` with its live-reload script: none allowed. A probe page with an inline script
/// and an inline style proves that violations are seen.
fn check_csp(theme: &str) {
    let Some(browser) = Browser::start(theme) else {
        return;
    };
    let site = Site::example();
    site.edit(
        "sesh.toml",
        "theme = \"default\"",
        &format!("theme = \"{theme}\""),
    );
    let csp = std::fs::read_to_string(repo().join("themes/default/templates/base.html"))
        .unwrap()
        .lines()
        .find(|l| l.contains("Content-Security-Policy"))
        .expect("base.html has a CSP meta tag")
        .to_string();
    site.write(
        "static/csp-probe.html",
        &format!("<!doctype html><html><head>{csp}<title>probe</title></head><body><p style=\"color:red\">x</p><script>window.inlineRan = true;</script></body></html>"),
    );
    let serve = Serve::start(&site, &[]);
    // Live reload works under the policy: its script runs and its event stream connects.
    browser.goto(&serve.url);
    browser.wait_for_live_reload();
    browser.goto(&format!("{}csp-probe.html", serve.url));
    browser.wait_for("the probe page", "return document.readyState", |v| {
        v == "complete"
    });
    let probe = browser.console();
    assert!(
        probe.iter().any(|m| m.contains("Content Security Policy")),
        "the inline script of the probe page must be reported: {probe:?}"
    );
    assert_eq!(browser.eval("return window.inlineRan || null"), Value::Null);
    let mut failures = Vec::new();
    for path in [
        "",
        "contests/",
        "contests/sex-health-images-2014/",
        "contests/sex-health-images-2014/two-hearts-one-test/",
        "framework/",
        "about/",
        "no-such-page/",
    ] {
        browser.goto(&format!("{}{path}", serve.url));
        // Every image decoded, every stylesheet applied.
        let state = browser.wait_for(
            &format!("/{path} to load"),
            "var imgs = Array.from(document.images); \
             imgs.forEach(function (i) { i.loading = 'eager'; }); \
             return {ready: document.readyState === 'complete', \
                  broken: imgs.filter(function (i) { return i.complete && i.naturalWidth === 0; }).map(function (i) { return i.currentSrc || i.src; }), \
                  sheets: document.styleSheets.length, \
                  links: document.querySelectorAll('link[rel=stylesheet]').length, \
                  csp: !!document.querySelector('meta[http-equiv=Content-Security-Policy]')};",
            |v| v["ready"] == true,
        );
        if state["broken"].as_array().is_some_and(|b| !b.is_empty()) {
            failures.push(format!("/{path}: images not loaded: {}", state["broken"]));
        }
        if state["sheets"] != state["links"] {
            failures.push(format!("/{path}: stylesheets not all applied: {state}"));
        }
        if state["csp"] != true {
            failures.push(format!("/{path}: no CSP meta tag"));
        }
        let page = format!("{}{path} ", serve.url);
        for message in browser.console() {
            // The 404 page's own status is expected; any other failed load is not.
            let own_404 = path == "no-such-page/" && message.starts_with(&page);
            if message.contains("Content Security Policy")
                || message.contains("Refused")
                || (message.contains("Failed to load") && !own_404)
            {
                failures.push(format!("/{path}: {message}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "theme {theme} breaks its Content-Security-Policy:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_default_theme_satisfies_its_content_security_policy() {
    check_csp("default");
}

#[test]
fn the_partner_theme_satisfies_its_content_security_policy() {
    check_csp("sihi-partner");
}

/// A video in the preview plays and seeks: Chromium seeks by asking for byte ranges, and plays
/// (Safari at all) only from a server that answers them with 206.
#[test]
fn a_video_in_the_preview_plays_and_seeks() {
    let Some(browser) = Browser::start("video plays and seeks") else {
        return;
    };
    let site = Site::fixture("consent-canaries");
    let serve = Serve::start(&site, &[]);
    browser.goto(&format!(
        "{}contests/open-contest/published-entry/",
        serve.url
    ));
    // The page settled: connected for live reload, its video element parsed (on a loaded
    // machine the full suite once found none right after navigating).
    browser.wait_for_live_reload();
    browser.wait_for(
        "the video element",
        "return document.querySelector('video') !== null",
        |v| v == true,
    );
    // Play, as a reader pressing the play button (the theme loads nothing before that).
    let played = browser.eval_async(
        "var done = arguments[arguments.length - 1];
         var v = document.querySelector('video');
         if (!v) { done({error: 'no video on the page'}); return; }
         v.muted = true;
         v.play().then(function () {
           setTimeout(function () {
             v.pause();
             done({time: v.currentTime, duration: v.duration});
           }, 700);
         }, function (e) { done({error: String(e), code: v.error && v.error.code}); });",
    );
    let duration = played["duration"].as_f64().unwrap_or(0.0);
    assert!(
        played["time"].as_f64().unwrap_or(0.0) > 0.2 && duration > 1.0,
        "the video did not play: {played}"
    );

    // Seek past the middle: the browser asks for the bytes it needs.
    let target = duration * 0.75;
    let seeked = browser.eval_async(&format!(
        "var done = arguments[arguments.length - 1];
         var v = document.querySelector('video');
         v.addEventListener('seeked', function () {{ done({{time: v.currentTime,
             seekable: v.seekable.length ? v.seekable.end(0) : 0}}); }}, {{once: true}});
         v.addEventListener('error', function () {{ done({{error: v.error.code}}); }}, {{once: true}});
         v.currentTime = {target};"
    ));
    let time = seeked["time"].as_f64().unwrap_or(-1.0);
    assert!(
        (time - target).abs() < 0.5,
        "seeked to {seeked}, not {target}"
    );
    assert!(
        seeked["seekable"].as_f64().unwrap_or(0.0) >= duration - 0.1,
        "the whole video is seekable: {seeked}"
    );
    // The browser fetched the video in ranges: a 206 among its requests.
    let statuses = browser.eval(
        "return performance.getEntriesByType('resource')
           .filter(function (e) { return e.name.indexOf('.mp4') >= 0; })
           .map(function (e) { return e.responseStatus; })",
    );
    assert!(
        statuses
            .as_array()
            .is_some_and(|s| s.iter().any(|code| code == 206)),
        "no range request answered with 206: {statuses}"
    );
}
