//! Open-access metadata seen from outside: citations (BibTeX, RIS, CSL-JSON), schema.org
//! JSON-LD, scholarly meta tags, contest outcomes and the open data exports, all built from the
//! public model only.

use crate::common::*;
use serde_json::Value;

const ENTRY: &str = "contests/heptestcontest-2016/hostile/";
/// Its citation downloads, without extension.
const CITE: &str = "cite/heptestcontest-2016/hostile";

/// The example plus an entry whose title and summary attack every format at once.
fn hostile_example() -> Site {
    let site = Site::example();
    site.write(
        &format!("content/{ENTRY}index.md"),
        r#"+++
title = "</script><script>alert(1)</script> Comma, \"quotes\" {50%} & a\nnewline: 检测，快乐"
summary = "=HYPERLINK(\"http://evil.example\") <!-- & -->"
date = 2016-03-02
country = "中国"
tags = ["case study", "a, b"]
doi = "10.5555/sesh.test-1"

[[authors]]
name = "Hidden Person Name"
credit = "anonymous"

[[authors]]
name = "Initialled Person"
credit = "initials"

[[authors]]
name = "Named Person"
credit = "name"
affiliation = "Clinic, \"North\""

[consent]
publish = true
+++

A hostile but consented entry.
"#,
    );
    site
}

const HOSTILE_TITLE: &str =
    "</script><script>alert(1)</script> Comma, \"quotes\" {50%} & a\nnewline: 检测，快乐";

fn json(site: &Site, rel: &str) -> Value {
    serde_json::from_str(&site.page(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The JSON-LD blocks of a page, parsed.
fn json_ld(html: &str) -> Vec<Value> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(r#"script[type="application/ld+json"]"#).unwrap();
    doc.select(&sel)
        .map(|s| serde_json::from_str(&s.inner_html()).expect("JSON-LD parses"))
        .collect()
}

/// `<meta name=… content=…>` pairs of a page.
fn meta_tags(html: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("meta[name][content]").unwrap();
    doc.select(&sel)
        .map(|m| {
            let a = |n| m.value().attr(n).unwrap_or("").to_string();
            (a("name"), a("content"))
        })
        .collect()
}

#[test]
fn exports_validate_against_their_schema_and_list_every_published_entry() {
    let site = Site::example();
    site.build(&[]).success();
    let schema = json(&site, "data/schema.json");
    assert_eq!(schema["version"], "1.0.0");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let entries = json(&site, "data/entries.json");
    let contests = json(&site, "data/contests.json");
    for (name, doc) in [("entries", &entries), ("contests", &contests)] {
        let errors: Vec<String> = validator.iter_errors(doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}.json: {errors:#?}");
    }
    // The schema can fail: a record without a title, or with a private field, is refused.
    let mut broken = entries.clone();
    broken["entries"][0]
        .as_object_mut()
        .unwrap()
        .remove("title");
    assert!(!validator.is_valid(&broken));
    let mut extra = entries.clone();
    extra["entries"][0]["private"] = "x".into();
    assert!(!validator.is_valid(&extra));

    let pages: Vec<String> = site
        .files()
        .into_iter()
        // Entry pages of the default language: contests/<contest>/<entry>/index.html.
        .filter(|f| {
            f.starts_with("contests/") && f.matches('/').count() == 3 && f.ends_with("/index.html")
        })
        .collect();
    let listed = entries["entries"].as_array().unwrap();
    assert_eq!(listed.len(), pages.len(), "one record per published entry");
    assert_eq!(listed.len(), 21);
    for e in listed {
        let url = e["url"].as_str().unwrap();
        let rel = url
            .strip_prefix("https://sesh-archive.example.org/")
            .unwrap();
        assert!(
            site.exists(&format!("{rel}index.html")),
            "{url} not published"
        );
        for m in e["media"].as_array().unwrap() {
            let rel = m["url"]
                .as_str()
                .unwrap()
                .replace("https://sesh-archive.example.org/", "");
            assert!(site.exists(&rel), "media {rel} not in the output");
        }
    }
    let withdrawn = site.page("data/entries.json").contains("consent-is-sexy");
    assert!(!withdrawn, "a withdrawn entry is exported");
    let hep = contests["contests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "heptestcontest-2016")
        .unwrap();
    assert_eq!(hep["outputs"][0]["kind"], "guideline");
    assert_eq!(hep["outputs"][0]["year"], 2017);
    let readme = site.page("data/README.txt");
    assert!(readme.contains("Creative Commons Attribution 4.0") && readme.contains("1.0.0"));
}

/// RFC 4180 records (a small reader for the test: quotes, doubled quotes, CRLF).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![];
    let mut row = vec![];
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    assert!(
        !quoted && cell.is_empty() && row.is_empty(),
        "CSV ends mid-record"
    );
    rows
}

#[test]
fn csv_has_a_header_and_escapes_commas_quotes_newlines_and_chinese() {
    let site = hostile_example();
    site.build(&[]).success();
    let text = site.page("data/entries.csv");
    let body = text
        .strip_prefix('\u{feff}')
        .expect("UTF-8 byte order mark for Excel");
    let rows = parse_csv(body);
    assert_eq!(rows[0][..4], ["id", "url", "title", "summary"]);
    let entries = json(&site, "data/entries.json");
    assert_eq!(rows.len() - 1, entries["entries"].as_array().unwrap().len());
    assert!(rows.iter().all(|r| r.len() == rows[0].len()), "ragged rows");
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let row = rows
        .iter()
        .find(|r| r[0] == "heptestcontest-2016/hostile")
        .expect("hostile row");
    assert_eq!(row[col("title")], HOSTILE_TITLE);
    assert_eq!(
        row[col("summary")],
        "'=HYPERLINK(\"http://evil.example\") <!-- & -->"
    );
    assert_eq!(row[col("country")], "中国");
    assert_eq!(row[col("tags")], "case study; a, b");
    assert_eq!(row[col("doi")], "10.5555/sesh.test-1");
    let credits = &row[col("credits")];
    assert!(
        credits.contains("Named Person (Clinic, \"North\")"),
        "{credits}"
    );
    assert!(credits.contains("I. P.") && credits.contains("Anonymous participant"));
    assert!(!text.contains("Hidden Person Name") && !text.contains("Initialled Person"));
}

#[test]
fn json_ld_parses_has_required_properties_and_survives_a_script_title() {
    let site = hostile_example();
    site.build(&[]).success();
    let html = site.page(&format!("{ENTRY}index.html"));
    assert!(
        !html.contains("</script><script>alert"),
        "title closed the script element"
    );
    let ld = json_ld(&html);
    assert_eq!(ld.len(), 1);
    let e = &ld[0];
    assert_eq!(e["@context"], "https://schema.org");
    assert_eq!(e["@type"], "ScholarlyArticle", "a case study");
    assert_eq!(e["name"], HOSTILE_TITLE);
    assert_eq!(
        e["url"],
        format!("https://sesh-archive.example.org/{ENTRY}")
    );
    assert_eq!(e["isPartOf"]["@type"], "CreativeWorkSeries");
    assert_eq!(e["license"], "https://creativecommons.org/licenses/by/4.0/");
    assert_eq!(e["identifier"]["value"], "10.5555/sesh.test-1");
    let authors: Vec<&str> = e["author"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(authors, ["I. P.", "Named Person", "Anonymous participant"]);

    let image = json_ld(&site.page("contests/sex-health-images-2014/umbrella/index.html"));
    assert_eq!(image[0]["@type"], "ImageObject");
    assert!(image[0]["contentUrl"].as_str().unwrap().ends_with(".jpg"));
    assert_eq!(image[0]["author"][0]["name"], "Little Umbrella");

    let contest = json_ld(&site.page("contests/si-evaluation-2019/index.html"));
    let c = &contest[0];
    assert_eq!(c["@type"], "CreativeWorkSeries");
    let published = json(&site, "data/contests.json")["contests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "si-evaluation-2019")
        .unwrap()["entry_count"]
        .clone();
    assert_eq!(
        c["hasPart"].as_array().unwrap().len() as u64,
        published.as_u64().unwrap()
    );
    assert_eq!(
        c["subjectOf"][0]["identifier"]["value"],
        "10.1371/journal.pmed.1003788"
    );

    let home = json_ld(&site.page("index.html"));
    let types: Vec<&str> = home[0]["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["@type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["WebSite", "Organization"]);
    // Every page's JSON-LD parses (json_ld panics otherwise).
    for page in site.files().into_iter().filter(|f| f.ends_with(".html")) {
        json_ld(&site.page(&page));
    }
}

/// `@type{key, name = {value}, …}` → (type, key, fields); panics on unbalanced braces.
fn parse_bibtex(text: &str) -> (String, String, Vec<(String, String)>) {
    let text = text.trim();
    let (ty, rest) = text.strip_prefix('@').unwrap().split_once('{').unwrap();
    let (key, mut rest) = rest.split_once(',').unwrap();
    let mut fields = vec![];
    loop {
        rest = rest.trim_start_matches([',', ' ', '\n']);
        if rest == "}" {
            break;
        }
        let (name, value) = rest.split_once('=').unwrap();
        let value = value.trim_start();
        assert!(value.starts_with('{'), "{name}: value not braced");
        let mut depth = 0;
        let mut end = 0;
        let mut escaped = false;
        for (i, c) in value.char_indices() {
            match c {
                '\\' if !escaped => {
                    escaped = true;
                    continue;
                }
                '{' if !escaped => depth += 1,
                '}' if !escaped => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
            escaped = false;
        }
        assert!(end > 0, "unbalanced value for {name}");
        fields.push((name.trim().to_string(), value[1..end].to_string()));
        rest = &value[end + 1..];
    }
    (ty.to_string(), key.to_string(), fields)
}

#[test]
fn bibtex_ris_and_csl_parse_and_cite_credits_as_consented() {
    let site = hostile_example();
    site.build(&[]).success();
    let bib = site.page(&format!("{CITE}.bib"));
    let (ty, key, fields) = parse_bibtex(&bib);
    assert_eq!(
        (ty.as_str(), key.as_str()),
        ("misc", "sesh:heptestcontest-2016:hostile")
    );
    let field = |n: &str| {
        fields
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {n}"))
    };
    assert_eq!(
        field("author"),
        "{I. P.} and {Named Person} and {Anonymous participant}"
    );
    assert!(
        field("title").contains("\\{50\\%\\} \\& a newline"),
        "{}",
        field("title")
    );
    assert_eq!(field("doi"), "10.5555/sesh.test-1");
    assert_eq!(field("year"), "2016");

    let ris = site.page(&format!("{CITE}.ris"));
    let lines: Vec<&str> = ris.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "TY  - GEN");
    assert_eq!(*lines.last().unwrap(), "ER  - ");
    for l in &lines {
        let tag = &l[..2];
        assert!(
            tag.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                && &l[2..6] == "  - ",
            "bad RIS line {l:?}"
        );
    }
    let values = |t: &str| {
        lines
            .iter()
            .filter(|l| l.starts_with(t))
            .map(|l| &l[6..])
            .collect::<Vec<_>>()
    };
    assert_eq!(
        values("AU"),
        ["I. P.", "Named Person", "Anonymous participant"]
    );
    assert_eq!(values("TI"), [HOSTILE_TITLE.replace('\n', " ")]);
    assert_eq!(values("DO"), ["10.5555/sesh.test-1"]);

    let csl = json(&site, &format!("{CITE}.csl.json"));
    assert_eq!(csl[0]["title"], HOSTILE_TITLE);
    assert_eq!(csl[0]["author"][2]["literal"], "Anonymous participant");
    assert_eq!(csl[0]["DOI"], "10.5555/sesh.test-1");

    let html = site.page(&format!("{ENTRY}index.html"));
    let tags = meta_tags(&html);
    let authors: Vec<&str> = tags
        .iter()
        .filter(|(n, _)| n == "citation_author")
        .map(|(_, c)| c.as_str())
        .collect();
    assert_eq!(authors, ["I. P.", "Named Person", "Anonymous participant"]);
    assert!(tags.contains(&("citation_doi".into(), "10.5555/sesh.test-1".into())));
    assert!(tags.iter().any(|(n, _)| n == "DC.title"));
    assert!(
        html.contains("Cite this entry")
            && html.contains("href=\"https://doi.org/10.5555/sesh.test-1\"")
    );
    for file in [
        format!("{CITE}.bib"),
        format!("{CITE}.ris"),
        format!("{CITE}.csl.json"),
        format!("{ENTRY}index.html"),
    ] {
        let text = site.page(&file);
        assert!(
            !text.contains("Hidden Person Name") && !text.contains("Initialled Person"),
            "{file} names a private author"
        );
    }
    // Contests are cited too, by their organisers.
    let (_, _, fields) = parse_bibtex(&site.page("cite/heptestcontest-2016.bib"));
    let author = fields.iter().find(|(k, _)| k == "author").unwrap();
    assert_eq!(author.1, "{WHO Global Hepatitis Programme} and {SESH}");
}

#[test]
fn licenses_outcomes_and_the_cite_page_are_shown() {
    let site = Site::example();
    site.build(&[]).success();
    let entry = site.page("contests/sex-health-images-2014/umbrella/index.html");
    assert!(entry.contains(r#"<a rel="license" href="https://creativecommons.org/licenses/by-nc/4.0/">Creative Commons Attribution-NonCommercial 4.0 International</a>"#));
    let contest = site.page("contests/si-evaluation-2019/index.html");
    assert!(contest.contains("Outcomes") && contest.contains("Cite this contest"));
    assert!(contest.contains(
        r#"<a href="https://doi.org/10.1371/journal.pmed.1003788">10.1371/journal.pmed.1003788</a>"#
    ));
    let cite = site.page("cite/index.html");
    assert!(cite.contains("How to cite and reuse") && cite.contains("/data/entries.csv"));
    assert!(cite.contains(r#"rel="license" href="https://creativecommons.org/licenses/by/4.0/""#));
    let home = site.page("index.html");
    assert!(
        home.contains(r#"<a href="/cite/">How to cite and reuse</a>"#),
        "footer links the cite page"
    );
    assert!(home.contains("Unless stated otherwise, content is shared under"));
    assert!(
        site.page("sitemap.xml")
            .contains("https://sesh-archive.example.org/cite/")
    );
    assert!(
        broken_links(&site.out, "/").is_empty(),
        "{:?}",
        broken_links(&site.out, "/")
    );
}

#[test]
fn bad_dois_licenses_and_outputs_are_reported_and_exclude_nothing() {
    let site = Site::example();
    site.edit(
        "content/contests/heptestcontest-2016/mobile-van/index.md",
        "framework = [\"process\"]",
        "framework = [\"process\"]\nlicense = \"CC-BY-5.0\"\ndoi = \"10.12/not a doi\"",
    );
    site.edit(
        "content/contests/heptestcontest-2016/_index.md",
        "kind = \"publication\"",
        "kind = \"blog\"",
    );
    site.build_with_report(&[]).success();
    let report = site.report();
    let problems = report["problems"].as_array().unwrap();
    let find = |field: &str| {
        problems
            .iter()
            .find(|p| p["field"] == field)
            .unwrap_or_else(|| panic!("no problem on {field}: {problems:#?}"))
    };
    let doi = find("doi");
    assert_eq!(
        doi["file"],
        "content/contests/heptestcontest-2016/mobile-van/index.md"
    );
    assert_eq!(doi["severity"], "error");
    assert!(doi["line"].is_number());
    assert!(
        find("license")["message"]
            .as_str()
            .unwrap()
            .contains("CC-BY-5.0")
    );
    assert!(
        find("outputs.kind")["message"]
            .as_str()
            .unwrap()
            .contains("blog")
    );
    let page = site.page("contests/heptestcontest-2016/mobile-van/index.html");
    assert!(page.contains("CC-BY-5.0") && !page.contains("not a doi"));
    let contest = site.page("contests/heptestcontest-2016/index.html");
    assert!(contest.contains("WHO guidelines on hepatitis B and C testing"));
    assert!(
        !contest.contains("BMC Infectious Diseases 17"),
        "the output with an unknown kind is dropped"
    );
    assert!(
        site.page("data/entries.json")
            .contains("heptestcontest-2016/mobile-van")
    );
}

#[test]
fn canaries_stay_out_of_exports_citations_and_metadata() {
    let site = Site::fixture("consent-canaries");
    site.build(&[]).success();
    let entries = json(&site, "data/entries.json");
    let ids: Vec<&str> = entries["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "open-contest/published-entry",
            "open-contest/second-published"
        ]
    );
    let contests = json(&site, "data/contests.json");
    assert_eq!(contests["contests"].as_array().unwrap().len(), 1);
    let published = &entries["entries"][0];
    assert_eq!(
        published["media"].as_array().unwrap().len(),
        1,
        "only the consented poster"
    );
    let kinds: Vec<&str> = published["credits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"anonymous"));
    let outputs: Vec<String> = site
        .files()
        .into_iter()
        .filter(|f| f.starts_with("data/") || f.contains("cite"))
        .collect();
    assert!(outputs.len() >= 5 + 3 * 3, "{outputs:?}");
    for file in outputs
        .iter()
        .chain(["contests/open-contest/published-entry/index.html".to_string()].iter())
    {
        let text = site.page(file);
        for needle in [
            "CANARY",
            "canary",
            "private-contact",
            "Hidden Person",
            "Initials Person",
        ] {
            assert!(!text.contains(needle), "{needle} in {file}");
        }
    }
    let page = site.page("contests/open-contest/published-entry/index.html");
    for block in json_ld(&page) {
        assert!(!block.to_string().contains("CANARY"));
    }
}
