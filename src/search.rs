//! SEARCH: the client-side search index, built with Pagefind (used as a library).
//!
//! Input: one [`Record`] per entry page and language, made by the renderer from the views it
//! rendered, so from the public model only: no excluded entry, no private field, no
//! unconsented media's text can reach the index. Output: the files of `pagefind/` (index
//! chunks, fragments, filters, Pagefind's JavaScript and WebAssembly), written like pages.
//!
//! One combined index, forced to Chinese processing when a site language is Chinese (a site
//! without one gets its default language's processing: stemming, no segmenter): Pagefind picks an index by the search
//! page's `<html lang>`, so per-language indexes would leave a Chinese query on the English
//! page (or an English one on the Chinese page) with nothing to search; and only Chinese
//! processing runs the word segmenter, which leaves English words whole. Each page is a
//! record of its language (filter `lang`), whose text also holds the entry's text in the
//! other languages, so each search page lists every entry once, in its own language, whatever
//! the script of the query. The cost: no English stemming (Pagefind's prefix matching of the
//! last word covers `test` → `testing`).

use crate::progress::Progress;
use anyhow::{Context, Result};
use pagefind::api::{CustomRecord, PagefindIndex};
use pagefind::options::PagefindServiceConfig;
use std::collections::{BTreeMap, HashMap};

/// Pagefind's files a sesh search page does not load (its ready-made UIs: sesh has its own
/// small script, which keeps pages light and works with a strict CSP).
const UNUSED: &[&str] = &[
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
];

/// The text of one entry page in one language.
#[derive(Debug, Clone, Hash)]
pub struct Record {
    /// `<contest>/<entry>`: the same for the entry's pages in every language.
    pub entry: String,
    /// The page's language.
    pub lang: String,
    /// Root-relative URL of the page (base path included).
    pub url: String,
    pub title: String,
    /// The title's language (differs from `lang` when untranslated).
    pub title_lang: String,
    pub contest: String,
    /// Visible text: title, summary, credits, body.
    pub text: String,
}

/// What [`index`] produced.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Stats {
    pub records: usize,
    pub files: usize,
    pub bytes: usize,
}

/// The language the combined index is processed as: Chinese when a site language needs word
/// segmentation (Chinese, Japanese, Thai), else the default language (stemmed, and faster).
fn index_language(languages: &[String]) -> String {
    let primary = |l: &String| l.split('-').next().unwrap_or("").to_string();
    match languages
        .iter()
        .map(primary)
        .find(|p| matches!(p.as_str(), "zh" | "ja" | "th"))
    {
        Some(_) => "zh".to_string(),
        None => languages
            .first()
            .map(primary)
            .unwrap_or_else(|| "en".into()),
    }
}

/// The records of one contest's entry pages in one language, fingerprinted once when made:
/// `sesh serve` keeps them while the contest is unchanged, so that a rebuild neither copies nor
/// hashes every entry's text again.
#[derive(Debug, Clone)]
pub struct Part {
    pub fingerprint: u64,
    pub records: std::sync::Arc<Vec<Record>>,
}

impl Part {
    pub fn new(records: Vec<Record>) -> Part {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        records.hash(&mut h);
        Part {
            fingerprint: h.finish(),
            records: std::sync::Arc::new(records),
        }
    }
}

/// Changes whenever the index of the records in `parts` would.
pub fn fingerprint(parts: &[Part], languages: &[String]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    for part in parts {
        part.fingerprint.hash(&mut h);
    }
    (languages, env!("CARGO_PKG_VERSION")).hash(&mut h);
    h.finish()
}

/// Every record of `parts`, in order: moved out of a part nothing else holds (`sesh build`),
/// copied from one a memo keeps (`sesh serve`, on the indexing thread).
pub fn flatten(parts: Vec<Part>) -> Vec<Record> {
    let mut all = Vec::with_capacity(parts.iter().map(|p| p.records.len()).sum());
    for part in parts {
        match std::sync::Arc::try_unwrap(part.records) {
            Ok(records) => all.extend(records),
            Err(shared) => all.extend(shared.iter().cloned()),
        }
    }
    all
}

/// Files to write: (path in the output folder, bytes).
pub type Files = Vec<(String, Vec<u8>)>;

/// Builds the index of `records` (taken, so that their text moves into Pagefind's records
/// and is freed as they are parsed, instead of copied: at 10,000 entries it is over 40 MB).
pub fn index(
    records: Vec<Record>,
    base_path: &str,
    languages: &[String],
    progress: Progress,
) -> Result<(Files, Stats)> {
    let language = index_language(languages);
    // The entry's text in the other languages, when it differs (untranslated text is the
    // same in every language), added to each page's text; the records are then moved into
    // Pagefind's, not copied (at 10,000 entries their text is over 40 MB).
    let others: Vec<String> = {
        let mut versions: HashMap<&str, Vec<&Record>> = HashMap::new();
        for r in &records {
            versions.entry(&r.entry).or_default().push(r);
        }
        records
            .iter()
            .map(|r| {
                let mut others = String::new();
                for other in &versions[r.entry.as_str()] {
                    if other.lang != r.lang && other.text != r.text {
                        others.push('\n');
                        others.push_str(&other.text);
                    }
                }
                others
            })
            .collect()
    };
    let meter = progress.stage("search index", records.len());
    let count = records.len();
    let custom: Vec<CustomRecord> = records
        .into_iter()
        .zip(others)
        .map(|(r, others)| {
            let mut text = r.text;
            text.push_str(&others);
            CustomRecord {
                url: match r.url.strip_prefix(base_path) {
                    Some(relative) => relative.to_string(),
                    None => r.url,
                },
                content: text,
                language: language.clone(),
                meta: BTreeMap::from([
                    ("title".to_string(), r.title),
                    ("title_lang".to_string(), r.title_lang),
                    ("contest".to_string(), r.contest),
                ]),
                filters: BTreeMap::from([("lang".to_string(), vec![r.lang])]),
                sort: BTreeMap::new(),
            }
        })
        .collect();
    // Parsed and packed in parallel (in the rayon pool this runs in), in batches, so that only
    // one batch's words are held at once (the patches of vendor/pagefind/SESH-PATCHES.md).
    let options = PagefindServiceConfig::builder()
        .force_language(language.clone())
        .build();
    let files = PagefindIndex::new(Some(options))
        .and_then(|index| index.custom_records_to_files(custom))
        .context("the search index could not be built")?;
    meter.add(count);
    meter.finish();
    let mut out = Vec::new();
    let mut stats = Stats {
        records: count,
        ..Stats::default()
    };
    for file in files {
        let name = file.filename.to_string_lossy().replace('\\', "/");
        if UNUSED.contains(&name.as_str()) {
            continue;
        }
        stats.files += 1;
        stats.bytes += file.contents.len();
        out.push((format!("pagefind/{name}"), file.contents));
    }
    Ok((out, stats))
}

/// The text of sanitised HTML: tags dropped, entities decoded, whitespace collapsed. One
/// pass that copies the text between tags word by word (it runs on every entry's body).
pub fn html_text(html: &str) -> String {
    let mut text = Text {
        out: String::with_capacity(html.len()),
        gap: false,
    };
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_decoded(&rest[..open]);
        // A tag separates words.
        text.gap = true;
        match rest[open..].find('>') {
            Some(close) => rest = &rest[open + close + 1..],
            None => return text.out,
        }
    }
    text.push_decoded(rest);
    text.out
}

/// The entities sanitised HTML holds, and what they stand for.
const ENTITIES: [(&str, char); 6] = [
    ("&amp;", '&'),
    ("&lt;", '<'),
    ("&gt;", '>'),
    ("&quot;", '"'),
    ("&#39;", '\''),
    ("&nbsp;", ' '),
];

/// Text being collected: words joined by one space, `gap` when whitespace or a tag came since
/// the last word.
struct Text {
    out: String,
    gap: bool,
}

impl Text {
    /// Text with entities, which are decoded.
    fn push_decoded(&mut self, mut text: &str) {
        while let Some(amp) = text.find('&') {
            self.push_words(&text[..amp]);
            let entity = &text[amp..];
            let (name, decoded) = ENTITIES
                .into_iter()
                .find(|(name, _)| entity.starts_with(name))
                .unwrap_or(("&", '&'));
            let mut buf = [0; 4];
            self.push_words(decoded.encode_utf8(&mut buf));
            text = &entity[name.len()..];
        }
        self.push_words(text);
    }

    fn push_words(&mut self, text: &str) {
        for (i, word) in text.split(char::is_whitespace).enumerate() {
            if i > 0 {
                self.gap = true;
            }
            if word.is_empty() {
                continue;
            }
            if self.gap && !self.out.is_empty() {
                self.out.push(' ');
            }
            self.gap = false;
            self.out.push_str(word);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    /// The patched batch entry point (vendor/pagefind/SESH-PATCHES.md) writes the same files,
    /// byte for byte, as Pagefind's own one-record-at-a-time API, over more than one batch,
    /// in English and with Chinese segmentation.
    #[test]
    fn batched_indexing_writes_what_pagefind_writes_one_record_at_a_time() {
        let words = [
            "testing",
            "clinic",
            "poster",
            "检测",
            "艾滋病",
            "社区",
            "video",
            "安全套",
        ];
        let records: Vec<CustomRecord> = (0..1300)
            .map(|i| CustomRecord {
                url: format!("/contests/c{}/e{i}/", i % 7),
                content: (0..24)
                    .map(|w| words[(i * 7 + w * 3) % words.len()])
                    .collect::<Vec<_>>()
                    .join(if i % 2 == 0 { " " } else { "" }),
                language: "en".into(),
                meta: BTreeMap::from([
                    ("title".to_string(), format!("Entry {i} 作品")),
                    ("contest".to_string(), format!("c{}", i % 7)),
                ]),
                filters: BTreeMap::from([(
                    "lang".to_string(),
                    vec![if i % 3 == 0 { "zh-Hans" } else { "en" }.to_string()],
                )]),
                sort: BTreeMap::new(),
            })
            .collect();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap();
        for language in ["zh", "en"] {
            let options = || {
                PagefindServiceConfig::builder()
                    .force_language(language.to_string())
                    .build()
            };
            let files = |mut files: Vec<pagefind::api::SyntheticFile>| {
                files.sort_by(|a, b| a.filename.cmp(&b.filename));
                files
                    .into_iter()
                    .map(|f| (f.filename, f.contents))
                    .collect::<Vec<_>>()
            };
            let one_by_one = runtime.block_on(async {
                let mut index = PagefindIndex::new(Some(options())).unwrap();
                for r in records.clone() {
                    index
                        .add_custom_record(
                            r.url,
                            r.content,
                            r.language,
                            Some(r.meta),
                            Some(r.filters),
                            None,
                        )
                        .await
                        .unwrap();
                }
                files(index.get_files().await.unwrap())
            });
            let batched = files(
                PagefindIndex::new(Some(options()))
                    .unwrap()
                    .custom_records_to_files(records.clone())
                    .unwrap(),
            );
            let fragments = batched
                .iter()
                .filter(|(name, _)| name.starts_with("fragment"))
                .count();
            assert_eq!(fragments, 1300, "{language}");
            assert_eq!(one_by_one.len(), batched.len(), "{language}");
            for (a, b) in one_by_one.iter().zip(&batched) {
                assert!(a == b, "{language}: {:?} differs", a.0);
            }
            // The fork compresses fragments and word chunks as it makes them, with a
            // compressor of its own: each is a whole gzip file (CRC and length checked by
            // flate2's decoder), and a fragment is the bytes flate2's GzEncoder writes at the
            // fork's level, 6, for the same text (as upstream's writer does at its level, 9).
            let mut compressed = 0;
            for (name, bytes) in &batched {
                let name = name.to_string_lossy();
                if !(name.ends_with(".pf_fragment") || name.ends_with(".pf_index")) {
                    continue;
                }
                let mut text = Vec::new();
                flate2::read::GzDecoder::new(bytes.as_slice())
                    .read_to_end(&mut text)
                    .unwrap();
                let json = text.strip_prefix(b"pagefind_dcd".as_slice()).unwrap();
                if name.ends_with(".pf_fragment") {
                    assert!(json.starts_with(b"{\"url\":"), "{name}");
                    let mut gz =
                        flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
                    gz.write_all(b"pagefind_dcd").unwrap();
                    gz.write_all(json).unwrap();
                    assert!(gz.finish().unwrap() == *bytes, "{language}: {name}");
                }
                compressed += 1;
            }
            assert!(compressed > 1300, "{language}: {compressed}");
        }
    }

    /// The first `html_text`, character by character, which the one-pass version must match.
    fn html_text_reference(html: &str) -> String {
        let mut out = String::with_capacity(html.len());
        let mut in_tag = false;
        let mut chars = html.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '<' => {
                    in_tag = true;
                    out.push(' ');
                }
                '>' if in_tag => in_tag = false,
                _ if in_tag => {}
                '&' => {
                    let rest = &html[i..];
                    let entity = ENTITIES.into_iter().find(|(e, _)| rest.starts_with(e));
                    match entity {
                        Some((e, decoded)) => {
                            out.push(decoded);
                            for _ in 1..e.len() {
                                chars.next();
                            }
                        }
                        None => out.push('&'),
                    }
                }
                c => out.push(c),
            }
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn html_text_matches_the_character_by_character_reference() {
        let cases = [
            "",
            "   ",
            "plain",
            "  lead and trail  ",
            "<p>a</p><p>b</p>",
            "a<br>b",
            "x &amp;&amp; y &unknown; &amp z & ",
            "&nbsp;&nbsp;a&nbsp;b&nbsp;",
            "<a href=\"x>y\">link</a> after",
            "unclosed <tag and text",
            "<b<i>>nested<</b>",
            "no\u{a0}break\u{3000}ideographic\u{2028}line",
            "检测<em>艾滋病</em> 社区&lt;安全套&gt;",
            "\t\ttabs\n\nnewlines\r\n",
            "&#39;quoted&quot; &lt;",
            ">stray close< &",
        ];
        for html in cases {
            assert_eq!(html_text(html), html_text_reference(html), "{html:?}");
        }
        // Every Markdown file of the bundled example and the test fixtures (hostile ones
        // included), rendered and sanitised as entry bodies are.
        struct Kept;
        impl crate::markdown::Links for Kept {
            fn link(&self, target: &str) -> Option<String> {
                Some(target.to_string())
            }
            fn image(&self, target: &str, alt: &str, _: bool) -> Option<String> {
                Some(format!("<img src=\"{target}\" alt=\"{alt}\">"))
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut checked = 0;
        for dir in ["content", "tests/fixtures"] {
            for entry in walkdir::WalkDir::new(root.join(dir)).into_iter().flatten() {
                if entry.path().extension().is_some_and(|e| e == "md") {
                    let md = std::fs::read_to_string(entry.path()).unwrap();
                    let html = crate::markdown::render(&md, &Kept).html;
                    let (text, reference) = (html_text(&html), html_text_reference(&html));
                    assert_eq!(text, reference, "{}", entry.path().display());
                    checked += 1;
                }
            }
        }
        assert!(checked > 50, "{checked}");
    }

    #[test]
    fn html_text_keeps_only_visible_text() {
        assert_eq!(
            html_text("<h2 id=\"a\">检测 &amp; care</h2>\n<p>A <em>b</em>&lt;c&gt;</p>"),
            "检测 & care A b <c>"
        );
    }
}
