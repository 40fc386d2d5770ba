//! Open-access metadata seen from outside: citations (BibTeX, RIS, CSL-JSON), schema.org
//! JSON-LD, scholarly meta tags, contest outcomes and the open data exports, all built from the
//! public model only.

use crate::common::*;
use serde_json::Value;

const ENTRY: &str = "contests/heptestcontest-2016/hostile/";
/// Its citation downloads, without extension.
/// The citation downloads of the hostile entry's contest (the contest's, then its entries').
const CITE: &str = "cite/heptestcontest-2016";

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
    assert_eq!(schema["version"], "2.0.0");
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
            let url = m["url"].as_str().unwrap();
            match url.strip_prefix("https://sesh-archive.example.org/") {
                Some(rel) => assert!(site.exists(rel), "media {rel} not in the output"),
                None => assert!(m["external"] == true && url.starts_with("https://"), "{m}"),
            }
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
    assert!(readme.contains("Creative Commons Attribution 4.0") && readme.contains("2.0.0"));
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
    // Every page's JSON-LD parses (json_ld panics otherwise), and every media object in it, in
    // both languages and in contests' `hasPart`, has what rich results require.
    let mut found = std::collections::BTreeMap::new();
    let mut gaps = Vec::new();
    for page in site.files().into_iter().filter(|f| f.ends_with(".html")) {
        for block in json_ld(&site.page(&page)) {
            gaps.extend(
                rich_result_gaps(&block, &site, &mut found)
                    .into_iter()
                    .map(|g| format!("{page}: {g}")),
            );
        }
    }
    assert!(gaps.is_empty(), "{gaps:#?}");
    for (ty, at_least) in [
        ("VideoObject", 8),
        ("ImageObject", 20),
        ("CreativeWorkSeries", 6),
    ] {
        let n = found.get(ty).copied().unwrap_or(0);
        assert!(n >= at_least, "{n} {ty} checked: {found:?}");
    }
    let video = json_ld(&site.page("contests/hiv-testing-video/testing-together/index.html"));
    assert_eq!(video[0]["@type"], "VideoObject");
    assert_eq!(video[0]["uploadDate"], "2014-09-12");
    assert!(video[0]["contentUrl"].as_str().unwrap().ends_with(".mp4"));
    // The check can fail: a video without a thumbnail, an image without a credit or license.
    let mut none = std::collections::BTreeMap::new();
    let bare = serde_json::json!({"hasPart": [
        {"@type": "VideoObject", "name": "v", "uploadDate": "2014-09-12"},
        {"@type": "ImageObject", "contentUrl": "https://sesh-archive.example.org/x.jpg"}
    ]});
    assert_eq!(rich_result_gaps(&bare, &site, &mut none).len(), 3);
}

/// What Google's rich results require of the media objects in `ld` (nested ones included), as
/// "type id: what is missing", counting the objects checked by type in `found`: a
/// `VideoObject` needs `name`, `thumbnailUrl` and `uploadDate`; an `ImageObject` `contentUrl`
/// and one of `creator`, `creditText`, `copyrightNotice`, `license`. Google has no rich result
/// for `AudioObject`; schema.org's `contentUrl` is asked of it. Each URL of the site must be a
/// file of the output.
fn rich_result_gaps(
    ld: &Value,
    site: &Site,
    found: &mut std::collections::BTreeMap<String, usize>,
) -> Vec<String> {
    let mut gaps = Vec::new();
    let mut stack = vec![ld];
    while let Some(node) = stack.pop() {
        match node {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => {
                stack.extend(map.values());
                let Some(ty) = map.get("@type").and_then(Value::as_str) else {
                    continue;
                };
                *found.entry(ty.to_string()).or_default() += 1;
                let required: &[&[&str]] = match ty {
                    "VideoObject" => &[&["name"], &["thumbnailUrl"], &["uploadDate"]],
                    "ImageObject" => &[
                        &["contentUrl"],
                        &["creator", "creditText", "copyrightNotice", "license"],
                    ],
                    "AudioObject" => &[&["name"], &["contentUrl"]],
                    _ => &[],
                };
                let id = map.get("@id").and_then(Value::as_str).unwrap_or("");
                for any_of in required {
                    if !any_of
                        .iter()
                        .any(|k| map.get(*k).is_some_and(|v| !v.is_null()))
                    {
                        gaps.push(format!("{ty} {id}: no {}", any_of.join(" or ")));
                    }
                }
                for key in ["thumbnailUrl", "contentUrl"] {
                    let url = map.get(key).and_then(Value::as_str).unwrap_or("");
                    if let Some(rel) = url.strip_prefix("https://sesh-archive.example.org/")
                        && !site.exists(rel)
                    {
                        gaps.push(format!("{ty} {id}: {key} {url} is not in the output"));
                    }
                }
                if let Some(date) = map.get("uploadDate").and_then(Value::as_str)
                    && date.parse::<jiff::civil::Date>().is_err()
                {
                    gaps.push(format!(
                        "{ty} {id}: uploadDate {date} is not an ISO 8601 date"
                    ));
                }
            }
            _ => {}
        }
    }
    gaps
}

/// The media-kinds fixture with an image and a link entry beside its videos, audio and PDF.
fn every_media_kind() -> Site {
    let site = Site::fixture("media-kinds");
    let dir = "content/contests/kinds/photo-and-link";
    std::fs::create_dir_all(site.path(dir)).unwrap();
    std::fs::copy(
        site.path("content/contests/kinds/external-video/poster.jpg"),
        site.path(&format!("{dir}/photo.jpg")),
    )
    .unwrap();
    site.write(
        &format!("{dir}/index.md"),
        "+++\ntitle = \"Photo and link\"\n[[authors]]\nname = \"Photo Taker\"\ncredit = \"name\"\n[consent]\npublish = true\nimages = true\n\n[[media]]\nfile = \"photo.jpg\"\nalt = \"A photo\"\n\n[[media]]\nurl = \"https://example.org/report\"\nalt = \"The report\"\n+++\n",
    );
    site
}

#[test]
fn exports_list_every_published_media_file_of_every_kind() {
    let site = every_media_kind();
    site.build(&[]).success();
    let schema = json(&site, "data/schema.json");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let entries = json(&site, "data/entries.json");
    let errors: Vec<String> = validator
        .iter_errors(&entries)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let base = "https://example.org/archive/";
    let mut kinds = std::collections::BTreeSet::new();
    let mut listed = std::collections::BTreeSet::new();
    let mut csv_expected = Vec::new();
    for e in entries["entries"].as_array().unwrap() {
        let mut urls = Vec::new();
        for m in e["media"].as_array().unwrap() {
            kinds.insert(m["kind"].as_str().unwrap().to_string());
            urls.push(m["url"].as_str().unwrap().to_string());
            urls.extend(m["poster"]["url"].as_str().map(String::from));
            for t in m["captions"].as_array().unwrap() {
                urls.push(t["url"].as_str().unwrap().to_string());
            }
        }
        for url in &urls {
            if let Some(rel) = url.strip_prefix(base) {
                assert!(site.exists(rel), "{url} is listed but not published");
                listed.insert(rel.to_string());
            }
        }
        csv_expected.push((e["id"].as_str().unwrap().to_string(), urls.join("; ")));
    }
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["audio", "document", "image", "link", "video"]
    );
    // Every published video, audio, caption and PDF file is listed, and an image of every
    // published picture (the largest; the smaller sizes are the same picture).
    // `<entry>-<width>-<hash>.<jpg, png or webp>`: the hash names the picture.
    let picture = |f: &str| {
        let (_, name) = f.rsplit_once('-')?;
        name.split('.').next().map(String::from)
    };
    let pictures: std::collections::BTreeSet<_> =
        listed.iter().filter_map(|f| picture(f)).collect();
    for file in site
        .files()
        .into_iter()
        .filter(|f| f.starts_with("contests/"))
    {
        let ext = file.rsplit('.').next().unwrap_or("");
        match ext {
            "mp4" | "mov" | "m4a" | "pdf" | "vtt" => {
                assert!(
                    listed.contains(&file),
                    "{file} is published but not in the export"
                )
            }
            "jpg" | "png" | "webp" => assert!(
                picture(&file).is_some_and(|p| pictures.contains(&p)),
                "{file} is published but its picture is not in the export"
            ),
            _ => {}
        }
    }
    assert!(
        !site.page("data/entries.json").contains("CANARY"),
        "unconsented media exported"
    );
    // The CSV's media_urls hold the same files.
    let text = site.page("data/entries.csv");
    let rows = parse_csv(text.strip_prefix('\u{feff}').unwrap());
    let col = rows[0].iter().position(|h| h == "media_urls").unwrap();
    for (id, urls) in csv_expected {
        let row = rows
            .iter()
            .find(|r| r[0] == id)
            .expect("a CSV row per entry");
        assert_eq!(row[col], urls, "{id}");
    }
    let video = &rows.iter().find(|r| r[0] == "kinds/local-video").unwrap()[col];
    assert!(
        video.contains(".mp4") && video.contains(".vtt") && video.contains(".jpg"),
        "{video}"
    );
    // JSON-LD of every page: videos with a poster and a date are `VideoObject`s, with what
    // rich results require; the one without a poster is a `CreativeWork`.
    let mut found = std::collections::BTreeMap::new();
    let mut gaps = Vec::new();
    for page in site.files().into_iter().filter(|f| f.ends_with(".html")) {
        for block in json_ld(&site.page(&page)) {
            let block = serde_json::to_string(&block)
                .unwrap()
                .replace(base, "https://sesh-archive.example.org/");
            let block: Value = serde_json::from_str(&block).unwrap();
            gaps.extend(
                rich_result_gaps(&block, &site, &mut found)
                    .into_iter()
                    .map(|g| format!("{page}: {g}")),
            );
        }
    }
    assert!(gaps.is_empty(), "{gaps:#?}");
    let ty = |entry: &str| {
        json_ld(&site.page(&format!("contests/kinds/{entry}/index.html")))[0]["@type"].clone()
    };
    assert_eq!(ty("local-video"), "VideoObject");
    assert_eq!(ty("external-video"), "VideoObject");
    assert_eq!(ty("song"), "AudioObject");
    assert_eq!(ty("photo-and-link"), "ImageObject");
    assert_eq!(
        ty("phone-mov"),
        "CreativeWork",
        "a video without poster or image"
    );
    let external = &json_ld(&site.page("contests/kinds/external-video/index.html"))[0];
    assert_eq!(external["uploadDate"], "2019-06-30");
    assert_eq!(external["duration"], "PT3M12S");
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
    // One record per citation: the contest's first, then each published entry's.
    let records: Vec<&str> = bib
        .split("\n@")
        .map(|r| r.trim_start_matches('@'))
        .collect();
    let published = site.page("contests/heptestcontest-2016/index.html");
    assert!(
        records[0].starts_with("misc{sesh:heptestcontest-2016,"),
        "{bib}"
    );
    assert!(records.len() > 2, "{bib}");
    for record in &records[1..] {
        let slug = record
            .split_once(',')
            .and_then(|(head, _)| head.rsplit(':').next())
            .unwrap();
        assert!(
            published.contains(&format!("/contests/heptestcontest-2016/{slug}/")),
            "{slug} is cited but not published"
        );
    }
    let bib = format!(
        "@{}",
        records
            .iter()
            .find(|r| r.contains("{sesh:heptestcontest-2016:hostile,"))
            .expect("the entry's record")
    );
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

    let all_ris = site.page(&format!("{CITE}.ris"));
    let ris = all_ris
        .split_inclusive("ER  - \r\n")
        .find(|r| r.contains("DO  - 10.5555/sesh.test-1"))
        .expect("the entry's RIS record");
    assert_eq!(
        all_ris.matches("TY  - ").count(),
        records.len(),
        "as many RIS records as BibTeX ones"
    );
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

    let all_csl = json(&site, &format!("{CITE}.csl.json"));
    assert_eq!(all_csl.as_array().unwrap().len(), records.len());
    let csl = all_csl
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["DOI"] == "10.5555/sesh.test-1")
        .expect("the entry's CSL-JSON item");
    assert_eq!(csl["title"], HOSTILE_TITLE);
    assert_eq!(csl["author"][2]["literal"], "Anonymous participant");

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
    // Contests are cited too, by their organisers: the first record of their file.
    let (_, key, fields) = parse_bibtex(&format!("@{}", records[0]));
    assert_eq!(key, "sesh:heptestcontest-2016");
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
    let media: Vec<(&str, &str)> = published["media"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["kind"].as_str().unwrap(), m["alt"].as_str().unwrap()))
        .collect();
    assert_eq!(
        media,
        [
            ("image", "A colourful poster"),
            (
                "video",
                "A consented video whose file names its owner and place"
            ),
            (
                "document",
                "A consented PDF whose metadata names its author"
            ),
        ],
        "only the consented poster, video and PDF"
    );
    assert_eq!(published["media"][1]["captions"][0]["lang"], "en");
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
    // The data files, and the contest's BibTeX, RIS and CSL-JSON (which cite its entries).
    assert!(outputs.len() >= 5 + 3, "{outputs:?}");
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
