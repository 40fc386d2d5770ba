//! Markdown → sanitised HTML: any text as an entry body. Never panics, and the HTML parsed back
//! has no script, style, frame, object, form or SVG element, no event handler or style attribute,
//! and no link or source whose scheme is not http(s), mailto or tel.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sesh::markdown::{Links, render};

/// Publishes every relative link and image, as a site with everything consented would.
struct Everything;

impl Links for Everything {
    fn link(&self, target: &str) -> Option<String> {
        Some(format!("/c/e/{target}"))
    }
    fn image(&self, target: &str, alt: &str, _linked: bool) -> Option<String> {
        let _ = (target, alt);
        Some("<img src=\"/c/e/e-640-abc.jpg\" alt=\"\">".into())
    }
}

const FORBIDDEN: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "form", "svg",
    "math", "base", "meta", "link", "textarea", "button", "template", "noscript",
];

fuzz_target!(|data: &[u8]| {
    let Ok(markdown) = std::str::from_utf8(data) else {
        return;
    };
    let html = render(markdown, &Everything).html;
    let doc = scraper::Html::parse_fragment(&html);
    for node in doc.tree.nodes() {
        let Some(el) = node.value().as_element() else {
            continue;
        };
        let name = el.name().to_ascii_lowercase();
        assert!(!FORBIDDEN.contains(&name.as_str()), "<{name}> in {html}");
        // Task list items are sesh's own disabled checkboxes; no other input may appear.
        if name == "input" {
            assert!(
                el.attr("type") == Some("checkbox") && el.attr("disabled").is_some(),
                "<input> in {html}"
            );
        }
        for (attr, value) in el.attrs() {
            let attr = attr.to_ascii_lowercase();
            assert!(!attr.starts_with("on"), "{attr} in {html}");
            assert!(attr != "style" && attr != "srcdoc", "{attr} in {html}");
            if matches!(attr.as_str(), "href" | "src" | "action" | "formaction" | "xlink:href") {
                let v: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if let Some((scheme, _)) = v.split_once(':')
                    && !scheme.contains('/')
                    && !scheme.contains('?')
                    && !scheme.contains('#')
                {
                    assert!(
                        matches!(scheme, "http" | "https" | "mailto" | "tel"),
                        "{attr}={value} in {html}"
                    );
                }
            }
        }
    }
});
