//! `sesh audit` (what is published and why) and the output scan (`sesh audit --scan-output`,
//! run by `sesh build` before it replaces the output).

use crate::common::*;

#[test]
fn the_audit_lists_every_item_with_the_rule_that_decided_it() {
    let site = Site::fixture("consent-canaries");
    let table = site
        .command(&["audit", "--as-of", AS_OF])
        .success()
        .stdout();
    for (path, rule) in [
        ("canary-draft-contest ", "draft-contest"),
        ("canary-entry-in-draft ", "contest-unpublished"),
        ("canary-embargoed ", "embargoed"),
        ("canary-expired ", "expired"),
        ("canary-no-consent ", "no-consent"),
        ("canary-publish-false ", "publish-false"),
        ("canary-publish-string ", "invalid-consent"),
        ("canary-typo-key ", "invalid-consent"),
        ("canary-withdrawn ", "withdrawn"),
        ("published-entry/face-CANARY.jpg ", "media-consent-false"),
        ("second-published/photo.jpg ", "no-image-consent"),
    ] {
        let line = table
            .lines()
            .find(|l| l.contains(path))
            .unwrap_or_else(|| panic!("{path} not in the audit:\n{table}"));
        assert!(
            line.contains("NOT published") && line.contains(rule),
            "{line}"
        );
    }
    let typo = table
        .lines()
        .find(|l| l.contains("canary-typo-key "))
        .unwrap();
    assert!(
        typo.contains("canary-typo-key/index.md:5: `consent.imgaes`"),
        "file:line: {typo}"
    );
    assert!(table.contains("embargoed until 2099-01-01"), "{table}");
    assert!(table.contains("consent expired on 2001-01-01"), "{table}");
    let author = table
        .lines()
        .find(|l| l.contains("published-entry#author-2"))
        .unwrap();
    assert!(
        author.contains("credit-initials") && author.contains("C. I. P."),
        "{author}"
    );
    assert!(
        !table.contains("CANARY Hidden Person"),
        "an anonymous author's name is printed"
    );
    assert!(!table.contains("CANARY-private-contact") && !table.contains("CANARY private note"));

    let json = site
        .command(&["audit", "--as-of", AS_OF, "--format", "json"])
        .success()
        .stdout();
    let audit: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let entries = &audit["summary"][1];
    assert_eq!(
        (
            entries["published"].as_u64(),
            entries["not_published"].as_u64()
        ),
        (Some(2), Some(8))
    );
    assert!(!json.contains("CANARY-private") && !json.contains("CANARY private"));

    let csv = site
        .command(&["audit", "--as-of", AS_OF, "--format", "csv"])
        .success()
        .stdout();
    assert!(csv.starts_with("kind,path,published,rule,detail,date\n"));
    assert!(csv.lines().any(|l| {
        l.starts_with("entry,content/contests/open-contest/canary-withdrawn,no,withdrawn,")
    }));
}

#[test]
fn the_audit_lists_embargoes_lifting_and_consents_expiring_within_90_days() {
    let site = Site::fixture("consent-canaries");
    site.write(
        "content/contests/open-contest/lifting/index.md",
        "+++\ntitle = \"Lifting\"\n[consent]\npublish = true\nembargo_until = 2027-01-15\n+++\n",
    );
    site.write(
        "content/contests/open-contest/lifting-late/index.md",
        "+++\ntitle = \"Late\"\n[consent]\npublish = true\nembargo_until = 2027-06-01\n+++\n",
    );
    site.write(
        "content/contests/open-contest/lifting-expired/index.md",
        "+++\ntitle = \"Lifts into expiry\"\n[consent]\npublish = true\nembargo_until = 2027-01-10\nexpires = 2027-01-05\n+++\n",
    );
    site.write(
        "content/contests/open-contest/expiring/index.md",
        "+++\ntitle = \"Expiring\"\n[consent]\npublish = true\nexpires = 2026-12-31\n+++\n",
    );
    let json = site
        .command(&["audit", "--as-of", AS_OF, "--format", "json"])
        .success()
        .stdout();
    let audit: serde_json::Value = serde_json::from_str(&json).unwrap();
    let upcoming: Vec<String> = audit["upcoming"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            format!(
                "{} {} {} {}",
                u["date"], u["change"], u["path"], u["detail"]
            )
            .replace('"', "")
        })
        .collect();
    assert_eq!(
        upcoming,
        [
            "2026-12-31 consent-expires content/contests/open-contest/expiring will be removed, with its media",
            "2027-01-10 embargo-lifts content/contests/open-contest/lifting-expired embargo lifts but still not published: consent expired on 2027-01-05",
            "2027-01-15 embargo-lifts content/contests/open-contest/lifting will be published",
        ]
    );
}

#[test]
fn a_leak_fails_the_build_and_keeps_the_previous_output() {
    let site = Site::fixture("consent-canaries");
    site.build(&[]).success();
    let before = site.files();
    // An organiser copies a spreadsheet export into static/: it holds a private value.
    site.write(
        "static/entrants.txt",
        "Contact: CANARY-private-contact@example.org\n",
    );
    let run = site.build(&[]).failure();
    let err = run.stderr();
    assert!(
        err.contains("entrants.txt") && err.contains("[private].contact"),
        "{err}"
    );
    assert!(
        !err.contains("CANARY-private-contact@"),
        "the finding must not print the value: {err}"
    );
    assert_eq!(site.files(), before, "the previous output is unchanged");
    // --no-scan publishes it anyway (and the standalone scan then finds it).
    site.build(&["--no-scan"]).success();
    let scan = site
        .command(&[
            "audit",
            "--as-of",
            AS_OF,
            "--scan-output",
            site.out.to_str().unwrap(),
        ])
        .failure();
    assert!(
        scan.stdout().contains("entrants.txt: [private].contact"),
        "{}",
        scan.stdout()
    );
}

#[test]
fn the_scan_finds_restricted_titles_names_addresses_copies_and_image_metadata() {
    let site = Site::fixture("consent-canaries");
    site.build(&[]).success();
    let out = site.out.to_str().unwrap().to_string();
    site.command(&["audit", "--as-of", AS_OF, "--scan-output", &out])
        .success();
    let plant = |name: &str, bytes: &[u8]| std::fs::write(site.out.join(name), bytes).unwrap();
    let withdrawn = std::fs::read_to_string(
        site.path("content/contests/open-contest/canary-withdrawn/index.md"),
    )
    .unwrap();
    let title = withdrawn
        .lines()
        .find_map(|l| l.strip_prefix("title = \""))
        .unwrap()
        .trim_end_matches('"');
    plant(
        "a.html",
        format!("<h1>{}</h1>", title.replace('&', "&amp;")).as_bytes(),
    );
    plant(
        "b.html",
        b"<a href=\"/archive/contests/open-contest/canary-withdrawn/\">x</a>",
    );
    plant("c.html", b"<p>by CANARY Hidden Person</p>");
    plant(
        "d.jpg",
        &std::fs::read(site.path("content/contests/open-contest/published-entry/face-CANARY.jpg"))
            .unwrap(),
    );
    plant(
        "e.jpg",
        b"\xFF\xD8\xFF\xE1\x00\x10Exif\x00\x00MM\x00\x2a\x88\x25\x00\x00\xFF\xDA\x00\x02\xFF\xD9",
    );
    // The search index's files are gzip: what they hold is searched, and one that cannot be
    // inflated cannot be vouched for.
    let gzip = |text: &[u8]| {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
        std::io::Write::write_all(&mut gz, text).unwrap();
        gz.finish().unwrap()
    };
    let fragment = format!("pagefind_dcd{{\"url\":\"x/\",\"content\":\"{title}\"}}");
    plant("f.pf_fragment", &gzip(fragment.as_bytes()));
    let damaged = gzip(b"pagefind_dcd{\"url\":\"y/\",\"content\":\"a word\"}");
    plant("g.pf_fragment", &damaged[..damaged.len() - 3]);
    let stdout = site
        .command(&["audit", "--as-of", AS_OF, "--scan-output", &out])
        .failure()
        .stdout();
    for expected in [
        "a.html: title of unpublished entry content/contests/open-contest/canary-withdrawn",
        "f.pf_fragment: title of unpublished entry content/contests/open-contest/canary-withdrawn",
        "g.pf_fragment: a gzip file whose content cannot be checked: it is damaged",
        "b.html: link to or page of unpublished content/contests/open-contest/canary-withdrawn",
        "c.html: name of author 3 of content/contests/open-contest/published-entry (credited as anonymous)",
        "d.jpg: a copy of unpublished media content/contests/open-contest/published-entry/face-CANARY.jpg",
        "e.jpg: image metadata: EXIF",
        "e.jpg: image metadata: GPS",
    ] {
        assert!(
            stdout.contains(expected),
            "missing `{expected}` in:\n{stdout}"
        );
    }
}

#[test]
fn short_or_published_text_is_not_a_finding() {
    let site = Site::fixture("consent-canaries");
    // An unpublished entry whose title is one common word, and one whose title is also the
    // title of a published entry.
    site.write(
        "content/contests/open-contest/short/index.md",
        "+++\ntitle = \"Hope\"\n[consent]\npublish = false\n+++\n",
    );
    site.write(
        "content/contests/open-contest/same-title/index.md",
        "+++\ntitle = \"A published entry\"\n[consent]\npublish = false\n+++\n",
    );
    site.write("static/words.txt", "Hope. A published entry.");
    let run = site.build(&[]).success();
    assert!(run.stdout().contains("nothing found"), "{}", run.stdout());
}

#[test]
fn a_public_text_does_not_hide_a_restricted_one_it_overlaps() {
    let site = Site::fixture("consent-canaries");
    // The title of an unpublished entry is also a published entry's title (public by consent);
    // its summary is not. A file holds both, overlapping: the public one must not hide the other.
    site.write(
        "content/contests/open-contest/same-title/index.md",
        "+++\ntitle = \"A published entry\"\nsummary = \"entry withheld by its author\"\n[consent]\npublish = false\n+++\n",
    );
    site.write(
        "static/overlap.txt",
        "Seen: A published entry withheld by its author.",
    );
    let run = site.build(&[]).failure();
    let err = run.stderr();
    assert!(
        err.contains(
            "overlap.txt: summary of unpublished entry content/contests/open-contest/same-title"
        ),
        "{err}"
    );
    assert!(
        !err.contains("overlap.txt: title of"),
        "the shared title is public: {err}"
    );
}
