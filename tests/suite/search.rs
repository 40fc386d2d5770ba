//! The search index: built from published pages only, and usable under a subpath.

use crate::common::*;
use std::io::Read;

/// Every data file of the search index (index chunks, fragments, filters, metadata; not
/// Pagefind's own code), gzip-compressed ones decompressed, as one text (lossy).
pub fn index_text(out: &std::path::Path) -> String {
    let mut text = String::new();
    let dir = out.join("pagefind");
    let code = |f: &String| f.ends_with(".js") || f.starts_with("wasm.");
    for rel in files(&dir).into_iter().filter(|f| !code(f)) {
        let bytes = std::fs::read(dir.join(&rel)).expect("read");
        let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut plain = Vec::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_end(&mut plain)
                .unwrap_or_else(|e| panic!("pagefind/{rel} is not valid gzip: {e}"));
            plain
        } else {
            bytes
        };
        text.push_str(&String::from_utf8_lossy(&bytes));
        text.push('\n');
    }
    text
}

#[test]
fn no_canary_reaches_any_search_index_file() {
    let site = Site::fixture("consent-canaries");
    site.build(&[]).success();
    assert!(site.exists("pagefind/pagefind.js"));
    assert!(
        site.files().iter().any(|f| f.ends_with(".pf_fragment")),
        "fragments written"
    );
    let text = index_text(&site.out);
    assert!(
        text.contains("public") && text.contains("poster"),
        "decompressed fragments hold page text"
    );
    for marker in ["CANARY", "canary"] {
        assert!(!text.contains(marker), "`{marker}` in the search index");
    }
    assert!(
        !site.exists("pagefind/pagefind-ui.js"),
        "unused UI not shipped"
    );
}

#[test]
fn the_index_records_urls_relative_to_the_base_path() {
    let site = Site::fixture("bilingual");
    site.build(&[]).success();
    let text = index_text(&site.out);
    assert!(
        text.contains("\"zh-Hans/contests/clinic-posters/umbrella/\""),
        "relative URL (Pagefind prefixes the folder the index is served from)"
    );
    assert!(!text.contains("/repo/"), "no base path inside the index");
    let page = site.page("search/index.html");
    assert!(page.contains("data-index=\"/repo/pagefind/\""), "{page}");
    assert!(page.contains("<script type=\"module\" src=\"/repo/js/search.js?v="));
    assert!(!page.contains("<script>"), "no inline script");
    assert!(!page.contains("style="), "no inline style");
}

#[test]
fn search_can_be_turned_off() {
    let site = Site::fixture("bilingual");
    site.edit(
        "sesh.toml",
        "theme = \"default\"",
        "theme = \"default\"\nsearch = false",
    );
    site.build(&[]).success();
    assert!(!site.exists("pagefind"));
    assert!(!site.exists("search/index.html"));
    assert!(!site.page("index.html").contains("/repo/search/"));
}
