//! The image cache: warm builds decode nothing, settings changes re-encode, unused entries go.

use super::generate::*;
use super::*;
use crate::common::*;
use image::DynamicImage;

fn cache_entries(site: &Site) -> usize {
    std::fs::read_dir(site.path(".sesh-cache/images"))
        .map(|d| d.flatten().count())
        .unwrap_or(0)
}

#[test]
fn the_cache_makes_warm_builds_decode_nothing_and_is_pruned() {
    let site = site_with(&[
        (
            "one",
            "a.jpg",
            jpeg(700, 400, &[50, 100, 150].repeat(280_000), false),
        ),
        (
            "two",
            "b.jpg",
            jpeg(300, 200, &[150, 100, 50].repeat(60_000), false),
        ),
        (
            "three",
            "c.png",
            png(
                30,
                20,
                DynamicImage::ImageRgb8(image::RgbImage::new(30, 20)),
            ),
        ),
    ]);
    site.build_with_report(&[]).success();
    let first = site.report()["images"].clone();
    assert_eq!(
        (first["decoded"].as_u64(), first["reused"].as_u64()),
        (Some(3), Some(0)),
        "{first}"
    );
    let before = snapshot(&site);
    site.build_with_report(&[]).success();
    let warm = site.report()["images"].clone();
    assert_eq!(
        (warm["decoded"].as_u64(), warm["reused"].as_u64()),
        (Some(0), Some(3)),
        "{warm}"
    );
    assert_eq!(
        snapshot(&site),
        before,
        "a warm build publishes the same bytes"
    );
    assert_eq!(cache_entries(&site), 3);
    site.write(
        "sesh.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\n[images]\nquality = 60\n",
    );
    site.build_with_report(&[]).success();
    let requality = site.report()["images"].clone();
    assert_eq!(
        requality["decoded"], 3,
        "a new quality re-encodes: {requality}"
    );
    assert_eq!(
        requality["pruned"], 3,
        "the old quality's entries are pruned: {requality}"
    );
    assert_ne!(snapshot(&site), before);
    std::fs::remove_dir_all(site.path(&format!("{CONTEST}/two"))).unwrap();
    site.build_with_report(&[]).success();
    let after = site.report()["images"].clone();
    assert_eq!(
        (after["decoded"].as_u64(), after["pruned"].as_u64()),
        (Some(0), Some(1)),
        "{after}"
    );
    assert_eq!(
        cache_entries(&site),
        2,
        "the deleted entry's derivatives left the cache"
    );
}

/// Every published image file and its bytes.
fn snapshot(site: &Site) -> Vec<(String, Vec<u8>)> {
    site.files()
        .into_iter()
        .filter(|f| !f.ends_with(".html") && f.starts_with("contests/"))
        .map(|f| {
            let bytes = std::fs::read(site.out.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

#[test]
fn the_same_image_in_several_entries_is_published_for_each() {
    let poster = jpeg(500, 300, &[70, 140, 210].repeat(150_000), false);
    let entries: Vec<(String, Vec<u8>)> = (0..6)
        .map(|i| (format!("copy-{i}"), poster.clone()))
        .collect();
    let site = site_with(
        &entries
            .iter()
            .map(|(slug, bytes)| (slug.as_str(), "poster.jpg", bytes.clone()))
            .collect::<Vec<_>>(),
    );
    site.build(&[]).success();
    for (slug, _) in &entries {
        let files = outputs(&site, slug);
        assert_eq!(files.len(), 2, "{slug}: 360 and 500: {files:?}");
        assert!(
            files.iter().all(|f| f.contains(&format!("/{slug}-"))),
            "named after its own entry"
        );
    }
    assert_eq!(cache_entries(&site), 1, "one cache entry serves every copy");
}
