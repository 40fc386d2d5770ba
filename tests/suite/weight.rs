//! Pages stay light for slow connections: HTML, CSS and JavaScript of any page of the bundled
//! example (before images) weigh at most 60 KB, and no page needs a script to be read (the
//! search pages load one, and list every entry for readers without it).

use crate::common::*;

const BUDGET: usize = 60 * 1024;

/// (page, bytes of HTML + linked stylesheets + scripts) for every HTML page of `site`'s output.
pub fn page_weights(site: &Site) -> Vec<(String, usize)> {
    let links = scraper::Selector::parse("link[rel=stylesheet][href], script[src]").unwrap();
    let mut weights = Vec::new();
    for page in site.files().into_iter().filter(|f| f.ends_with(".html")) {
        let html = site.page(&page);
        let doc = scraper::Html::parse_document(&html);
        let mut total = html.len();
        for el in doc.select(&links) {
            let url = el
                .value()
                .attr("href")
                .or(el.value().attr("src"))
                .unwrap_or("");
            let path = url.split('?').next().unwrap_or("").trim_start_matches('/');
            total += std::fs::metadata(site.out.join(percent_decode(path)))
                .map(|m| m.len() as usize)
                .unwrap_or_else(|_| panic!("{page} links {url}, which is not in the output"));
        }
        weights.push((page, total));
    }
    weights
}

#[test]
fn every_page_weighs_at_most_60_kb_before_images_and_needs_no_script() {
    for theme in ["default", "sihi-partner"] {
        let site = Site::example();
        site.edit(
            "sesh.toml",
            "theme = \"default\"",
            &format!("theme = \"{theme}\""),
        );
        site.build(&[]).success();
        let weights = page_weights(&site);
        assert!(weights.len() > 25);
        let heavy: Vec<&(String, usize)> = weights.iter().filter(|(_, w)| *w > BUDGET).collect();
        assert!(
            heavy.is_empty(),
            "{theme}: pages over {BUDGET} bytes: {heavy:?}"
        );
        for (page, _) in &weights {
            let html = site.page(page);
            // Only the search pages load a script, and they work without it: every published
            // entry is listed in the page itself.
            if page.ends_with("search/index.html") {
                assert!(
                    html.contains("class=\"search-form\" role=\"search\" hidden"),
                    "{theme}: {page}: the form needs the script, so it starts hidden"
                );
                let listed = html.matches("<li><a href=").count();
                assert!(
                    listed >= 20,
                    "{theme}: {page} lists {listed} entries without script"
                );
            } else {
                // JSON-LD is data for search engines, not a script a reader's browser runs.
                let data = html
                    .matches("<script type=\"application/ld+json\">")
                    .count();
                assert_eq!(
                    html.matches("<script").count(),
                    data,
                    "{theme}: {page} has a script"
                );
            }
        }
        let max = weights.iter().map(|(_, w)| *w).max().unwrap_or(0);
        eprintln!("{theme}: {} pages, heaviest {max} bytes", weights.len());
    }
}
