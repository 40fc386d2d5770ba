//! Tests in a real browser: headless Chromium driven over WebDriver (chromedriver), against
//! `sesh serve`. Skipped loudly when Chromium is missing, unless SESH_REQUIRE_BROWSER=1 (set by
//! .ci/run), which turns the skip into a failure.

use crate::common::*;
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Browser {
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
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-quic", format!("--user-data-dir={}", profile.path().display())]
            }
        }}});
        let mut browser = Browser {
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
    browser.wait_for(
        "the live-reload connection",
        "return window.seshLiveReload === true",
        |v| v == true,
    );
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
    browser.wait_for(
        "the live-reload connection",
        "return window.seshLiveReload === true",
        |v| v == true,
    );
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
