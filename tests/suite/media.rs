//! Media consent, credits and Markdown references, on the media-and-credits fixture.

use crate::common::*;

fn built() -> Site {
    let site = Site::fixture("media-and-credits");
    site.build(&[]).success();
    site
}

#[test]
fn nothing_hidden_is_published() {
    let site = built();
    let leaks = leaks(&site.out, "HIDDEN-");
    assert!(leaks.is_empty(), "{leaks:#?}");
    let leaks = crate::common::leaks(&site.out, "CANARY-EXIF");
    assert!(leaks.is_empty(), "image metadata survived: {leaks:#?}");
}

#[test]
fn only_consented_listed_media_is_published_and_renamed() {
    let site = built();
    let media: Vec<String> = site
        .files()
        .into_iter()
        .filter(|f| f.starts_with("contests/media/media-rules/") && !f.ends_with(".html"))
        .collect();
    assert!(!media.is_empty(), "ok.jpg is published");
    for file in &media {
        let name = file.rsplit('/').next().unwrap();
        assert!(
            name.starts_with("media-rules-"),
            "output names use the entry slug: {name}"
        );
        for original in [
            "ok",
            "item-false",
            "unlisted",
            "no-alt",
            "outside",
            "hidden",
            "doc",
            "item-bad",
        ] {
            assert!(
                !name.contains(original),
                "{name} reveals the original name {original}"
            );
        }
        let bytes = std::fs::read(site.out.join(file)).unwrap();
        assert_eq!(image_metadata(&bytes), Vec::<String>::new(), "{file}");
    }
    assert!(
        !site.files().iter().any(|f| f.ends_with(".pdf")),
        "unsupported media is never copied"
    );
    let page = site.page("contests/media/media-rules/index.html");
    assert!(
        page.contains("alt=\"A consented poster\""),
        "consented inline image kept"
    );
    assert_eq!(
        page.matches("<img").count(),
        1,
        "only the consented image is shown:\n{page}"
    );
    assert!(
        page.contains("a link to the unlisted file"),
        "link text stays when its target is removed"
    );
    assert!(
        !page.contains("unlisted.jpg"),
        "but the link to an unlisted file is removed"
    );
    assert!(
        page.contains("href=\"/sub/path/contests/sensitive/identified/\""),
        "links to published pages resolve under the base path"
    );
    assert!(
        !page.contains("bad-draft"),
        "links to unpublished pages are removed"
    );
}

#[test]
fn item_consent_and_conflicts() {
    let site = built();
    let item = site.page("contests/media/item-consent/index.html");
    assert!(
        item.contains("alt=\"Item consent given\""),
        "per-item consent publishes without entry-level images"
    );
    let conflict = site.page("contests/media/conflict/index.html");
    assert!(
        !conflict.contains("<img"),
        "images = false wins over an item's consent = true"
    );
}

#[test]
fn credits_follow_the_level_each_author_chose() {
    let site = built();
    let page = site.page("contests/media/credit-levels/index.html");
    assert!(
        page.contains("By Named Person (Visible affiliation), 李*, Red Kite, I. I. and 4 anonymous participants"),
        "{page}"
    );
    let gallery = site.page("contests/media/index.html");
    assert!(
        gallery.contains("Named Person, 李*, Red Kite, I. I. and 4 anonymous participants"),
        "cards show credits without affiliations"
    );
}

#[test]
fn sensitive_contests_cap_names_at_initials_unless_identified() {
    let site = built();
    let capped = site.page("contests/sensitive/capped/index.html");
    assert!(capped.contains("By A. E."), "{capped}");
    assert!(!capped.contains("Alice Example"));
    let identified = site.page("contests/sensitive/identified/index.html");
    assert!(identified.contains("By Bob Example (Clinic volunteer)"));
}

#[test]
fn removed_references_and_media_problems_are_reported_with_lines() {
    let site = Site::fixture("media-and-credits");
    let err = site.build(&[]).success().stderr();
    for expected in [
        "media-rules/index.md:18: `media.alt`: image `no-alt.jpg` has no alt text",
        "media-rules/index.md:21: `media.file`: media file `../outside.jpg` is outside the entry folder",
        "media-rules/index.md:25: `media.file`: media file `missing.jpg` not found",
        "media-rules/index.md:39: `media.consent`: expected true or false",
        "media-rules/index.md:46: image `unlisted.jpg` removed from the page",
        "bad-draft/_index.md:3: `draft`: expected true or false",
        "credit-levels/index.md:22: `authors.credit`: unknown credit level",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
}
