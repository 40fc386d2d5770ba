//! Files sesh refuses: each is left out with a warning naming the entry and the image, and the
//! rest of the site builds.

use super::generate::*;
use super::*;

#[test]
fn broken_files_are_left_out_with_a_warning_and_the_site_builds() {
    let good = jpeg(40, 30, &[90; 3600], false);
    let truncated = good[..good.len() / 2].to_vec();
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    let site = site_with(&[
        ("good", "photo.jpg", good),
        ("truncated", "photo.jpg", truncated),
        ("bomb-png", "chart.png", png_bomb(100_000, 100_000)),
        ("bomb-jpeg", "photo.jpg", jpeg_bomb()),
        ("empty", "photo.jpg", Vec::new()),
        (
            "text",
            "photo.jpg",
            b"Hello, I am a text file named like a photo.\n".to_vec(),
        ),
        ("heic", "photo.jpg", heic.clone()),
        ("heic-named", "IMG_0001.HEIC", heic),
    ]);
    let run = site.build_with_report(&[]).success();
    let err = run.stderr();
    for (slug, words) in [
        ("truncated", "truncated"),
        ("bomb-png", "decompression bomb"),
        ("bomb-jpeg", "decompression bomb"),
        ("empty", "empty (0 bytes)"),
        ("text", "text file"),
        ("heic", "HEIC photo"),
    ] {
        let file = if slug == "bomb-png" {
            "chart.png"
        } else {
            "photo.jpg"
        };
        let line = err
            .lines()
            .find(|l| l.contains(&format!("{CONTEST}/{slug}/index.md")))
            .unwrap_or_else(|| panic!("no warning for {slug}:\n{err}"));
        assert!(line.starts_with("warning: "), "{line}");
        assert!(line.contains(&format!("image `{file}`")), "{line}");
        assert!(line.contains(words), "{slug}: {line}");
        assert!(
            outputs(&site, slug).is_empty(),
            "{slug} must not be published"
        );
        let page = site.page(&format!("contests/images/{slug}/index.html"));
        assert!(
            page.contains(&format!("Text of {slug}.")),
            "the entry itself is published"
        );
        assert!(!page.contains("<img"), "{slug}: no image on the page");
    }
    assert!(err.contains("hint: export it as JPEG"), "{err}");
    let gate = err
        .lines()
        .find(|l| l.contains("heic-named/index.md"))
        .unwrap_or_else(|| panic!("the consent gate names the HEIC file:\n{err}"));
    assert!(
        gate.contains("HEIC photo") && gate.contains("IMG_0001.HEIC"),
        "{gate}"
    );
    assert_eq!(
        outputs(&site, "good").len(),
        1,
        "the good image is published"
    );
    let report = site.report();
    assert_eq!(report["images"]["refused"], 6, "{}", report["images"]);
    // Refusals are cached too: a warm build repeats the warnings without decoding anything.
    let again = site.build_with_report(&[]).success();
    assert_eq!(site.report()["images"]["decoded"], 0);
    assert!(again.stderr().contains("decompression bomb"));
}

#[test]
fn files_over_max_file_mb_are_refused_before_reading() {
    let mut big = jpeg(40, 30, &[90; 3600], false);
    big.resize(1_200_000, 0); // trailing bytes after the end-of-image marker
    let site = site_with(&[
        ("big", "photo.jpg", big),
        ("small", "photo.jpg", jpeg(40, 30, &[90; 3600], false)),
    ]);
    site.write(
        "sesh.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\n[images]\nmax_file_mb = 1\n",
    );
    let err = site.build(&[]).success().stderr();
    assert!(err.contains("more than the 1 MB limit"), "{err}");
    assert!(
        err.contains("big/index.md") && err.contains("raise max_file_mb"),
        "{err}"
    );
    assert!(outputs(&site, "big").is_empty());
    assert_eq!(outputs(&site, "small").len(), 1);
}
