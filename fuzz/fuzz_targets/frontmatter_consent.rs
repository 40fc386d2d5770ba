//! Front matter + consent: any bytes as an entry's `index.md`, through the loader's parser and
//! the consent gate. Never panics, and fails closed: an entry the gate publishes has, in its raw
//! TOML, `publish = true` (a real boolean), no `withdrawn = true`, and no invalid consent key;
//! and no media item whose file was not found.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sesh::config::AsOf;
use sesh::consent::{Settings, gate};
use sesh::content::{ContestFront, Located, RawContest, RawEntry, RawSite, SourceFile};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(source) = SourceFile::split("content/contests/c/e/index.md".into(), &text) else {
        return;
    };
    let front = source.parse::<sesh::content::EntryFront>();
    let media = front.as_ref().map(|f| f.media.len()).unwrap_or(0);
    let mut entry = RawEntry {
        slug: "e".into(),
        rel: "contests/c/e".into(),
        source: source.clone(),
        front,
        media_files: vec![Located::Missing; media],
        media_parts: vec![Default::default(); media],
        translations: Vec::new(),
        revision: 0,
    };
    entry.revision = entry.sources_hash();
    let contest = RawContest {
        slug: "c".into(),
        dir: "content/contests/c".into(),
        rel: "contests/c".into(),
        source: SourceFile::default(),
        front: Ok(ContestFront::default()),
        entries: vec![entry],
        translations: Vec::new(),
    };
    let site = RawSite {
        contests: vec![contest],
        ..RawSite::default()
    };
    let Ok(date) = "2026-11-22".parse() else {
        return;
    };
    let settings = Settings {
        as_of: AsOf::exact(date),
        license: None,
        languages: vec!["en".into()],
    };
    let gated = gate(&site, &settings);
    let published = gated.site.contests.iter().map(|c| c.entries.len()).sum::<usize>();
    if published == 0 {
        return;
    }
    // Published: the raw TOML must say so explicitly.
    let raw: toml::Table = toml::from_str(&source.front).expect("published but unparseable TOML");
    let consent = raw
        .get("consent")
        .and_then(|c| c.as_table())
        .expect("published without a [consent] table");
    assert_eq!(
        consent.get("publish"),
        Some(&toml::Value::Boolean(true)),
        "published without publish = true"
    );
    assert_ne!(
        consent.get("withdrawn"),
        Some(&toml::Value::Boolean(true)),
        "published although withdrawn"
    );
    for key in consent.keys() {
        assert!(
            sesh::consent::terms::KEYS.contains(&key.as_str()),
            "published with an unknown consent key {key}"
        );
    }
    // Every file is located nowhere here: only external addresses (links, external videos) may
    // be published, without a poster, captions or transcript (all files).
    for contest in &gated.site.contests {
        for entry in &contest.entries {
            for m in &entry.media {
                assert!(
                    m.url.is_some()
                        && m.path.as_os_str().is_empty()
                        && m.poster.is_none()
                        && m.captions.is_empty()
                        && m.transcript.is_none(),
                    "media published without its file: {m:?}"
                );
            }
        }
    }
});
