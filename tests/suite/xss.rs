//! Public XSS payload corpora through the whole build: every payload must come out inert.

use crate::common::*;

/// Builds a site whose entries hold the payloads, one per paragraph, `per_entry` per entry.
fn payload_site(file: &str, per_entry: usize) -> Site {
    let site = Site::fixture("consent-canaries");
    let text = std::fs::read_to_string(repo().join("tests/fixtures/xss").join(file)).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    for (n, chunk) in lines.chunks(per_entry).enumerate() {
        let body = chunk.join("\n\n");
        site.write(
            &format!("content/contests/open-contest/xss-{n}/index.md"),
            &format!("+++\ntitle = \"Payloads {n}\"\n[consent]\npublish = true\n+++\n\n{body}\n"),
        );
    }
    site
}

/// Script elements, event handlers and dangerous URLs in the entry bodies of the output.
fn dangerous(site: &Site) -> Vec<String> {
    let body = scraper::Selector::parse(".entry-body").unwrap();
    let mut found = Vec::new();
    for rel in site
        .files()
        .into_iter()
        .filter(|f| f.contains("/xss-") && f.ends_with(".html"))
    {
        let html = site.page(&rel);
        let doc = scraper::Html::parse_document(&html);
        for part in doc.select(&body) {
            for el in part.descendants().filter_map(scraper::ElementRef::wrap) {
                let name = el.value().name();
                if matches!(
                    name,
                    "script"
                        | "iframe"
                        | "object"
                        | "embed"
                        | "form"
                        | "style"
                        | "svg"
                        | "math"
                        | "base"
                        | "meta"
                        | "link"
                        | "img"
                ) {
                    found.push(format!("{rel}: <{name}>"));
                }
                for (attr, value) in el.value().attrs() {
                    let v = value.trim().to_ascii_lowercase();
                    if attr.starts_with("on")
                        || attr == "style"
                        || attr == "srcdoc"
                        || attr == "formaction"
                    {
                        found.push(format!("{rel}: {attr}= on <{name}>"));
                    }
                    if matches!(attr, "href" | "src" | "action" | "data" | "xlink:href")
                        && !(v.starts_with("http://")
                            || v.starts_with("https://")
                            || v.starts_with("mailto:")
                            || v.starts_with('/')
                            || v.starts_with('#'))
                    {
                        found.push(format!("{rel}: {attr}=\"{value}\" on <{name}>"));
                    }
                }
            }
        }
    }
    found
}

#[test]
fn markdown_payloads_come_out_inert() {
    let site = payload_site("markdown-payloads.txt", 1);
    site.build(&[]).success();
    let found = dangerous(&site);
    assert!(found.is_empty(), "{found:#?}");
    // Payloads inside code stay visible as text.
    let all: String = site
        .files()
        .into_iter()
        .filter(|f| f.contains("/xss-"))
        .map(|f| site.page(&f))
        .collect();
    assert!(
        all.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "code spans keep their text"
    );
}

#[test]
fn html_payloads_come_out_inert() {
    let site = payload_site("html-payloads.txt", 400);
    site.build(&[]).success();
    let found = dangerous(&site);
    assert!(
        found.is_empty(),
        "{} dangerous constructs, e.g. {:#?}",
        found.len(),
        &found[..found.len().min(20)]
    );
}
