//! Restricted text is caught wherever it appears: a `[private]` value or a withdrawn entrant's
//! name pasted into a published body, a caption, the home page, the framework page or a
//! translation fails the build and names the place; a reviewed allow-list lets a true
//! coincidence through; contact details in published text are flagged; and a log that is not
//! a terminal's (CI) names nothing the gate withheld.

use crate::common::*;

const PRIVATE: &str = "CANARY-private-contact@example.org";
const NAME: &str = "Withdrawn Wei Zhang";
const PRIVATE_SOURCE: &str =
    "[private].contact of content/contests/open-contest/published-entry/index.md";
const NAME_SOURCE: &str =
    "name of author 1 of unpublished entry content/contests/open-contest/canary-withdrawn";

/// The consent canaries, bilingual, with a named author on the withdrawn entry.
fn canaries() -> Site {
    let site = Site::fixture("consent-canaries");
    site.edit(
        "sesh.toml",
        "language = \"en\"",
        "languages = [\"en\", \"zh-Hans\"]",
    );
    site.edit(
        "content/contests/open-contest/canary-withdrawn/index.md",
        "[consent]",
        &format!("[[authors]]\nname = \"{NAME}\"\ncredit = \"name\"\n[consent]"),
    );
    site.write(
        "content/contests/open-contest/published-entry/index.zh-Hans.md",
        "+++\ntitle = \"已发布的作品\"\n+++\n\n这是公开的作品。\n",
    );
    site
}

/// (where, source file to change, what to find there, the output page it reaches).
const PLACES: &[(&str, &str, &str, &str)] = &[
    (
        "a published entry's body",
        "content/contests/open-contest/second-published/index.md",
        "+++\n",
        "contests/open-contest/second-published/index.html",
    ),
    (
        "an image caption",
        "content/contests/open-contest/published-entry/index.md",
        "caption = \"The winning poster",
        "contests/open-contest/published-entry/index.html",
    ),
    (
        "the home page",
        "content/_index.md",
        "An archive",
        "index.html",
    ),
    (
        "the framework page",
        "content/framework.md",
        "Who the contest",
        "framework/index.html",
    ),
    (
        "a translation",
        "content/contests/open-contest/published-entry/index.zh-Hans.md",
        "这是公开的作品。",
        "zh-Hans/contests/open-contest/published-entry/index.html",
    ),
];

/// Puts `text` at `place` (the body's last `+++` line starts the body; elsewhere after `at`).
fn paste(site: &Site, file: &str, at: &str, text: &str) {
    let source = std::fs::read_to_string(site.path(file)).unwrap();
    let changed = match at {
        "+++\n" => {
            let end = source.rfind("+++\n").unwrap() + 4;
            format!(
                "{}\nContact {text} for details.\n{}",
                &source[..end],
                &source[end..]
            )
        }
        _ => source.replacen(at, &format!("{at} {text} "), 1),
    };
    assert_ne!(source, changed, "{file}");
    site.write(file, &changed);
}

#[test]
fn a_private_value_or_a_withdrawn_name_pasted_anywhere_fails_the_build() {
    for (value, source) in [(PRIVATE, PRIVATE_SOURCE), (NAME, NAME_SOURCE)] {
        for (place, file, at, page) in PLACES {
            let site = canaries();
            site.build(&[]).success();
            let before = site.page("index.html");
            paste(&site, file, at, value);
            let run = site.build(&[]).failure();
            let err = run.stderr();
            assert!(
                err.contains(&format!("{page}: {source}")),
                "{value} in {place}: expected `{page}: {source}` in:\n{err}"
            );
            assert!(err.contains("the output scan found"), "{err}");
            assert_eq!(site.page("index.html"), before, "the previous output stays");
        }
    }
}

#[test]
fn an_allow_list_lets_a_reviewed_coincidence_through_but_never_a_private_value() {
    let site = canaries();
    paste(&site, PLACES[0].1, PLACES[0].2, NAME);
    site.build(&[]).failure();
    let allow = format!(
        "\n[[scan.allow]]\ntext = \"{NAME}\"\nreason = \"Another Wei Zhang, who consented, wrote this sentence\"\n"
    );
    let config = std::fs::read_to_string(site.path("sesh.toml")).unwrap();
    site.write("sesh.toml", &(config.clone() + &allow));
    site.build(&[]).success();
    assert!(site.page(PLACES[0].3).contains(NAME));

    // A [private] value stays a finding, and the allow-list says so.
    paste(&site, PLACES[0].1, PLACES[0].2, PRIVATE);
    let private_allow = format!("\n[[scan.allow]]\ntext = \"{PRIVATE}\"\nreason = \"mine\"\n");
    site.write("sesh.toml", &(config.clone() + &allow + &private_allow));
    let err = site.build(&[]).failure().stderr();
    assert!(err.contains("this text is a [private] value"), "{err}");
    assert!(err.contains(PRIVATE_SOURCE), "{err}");

    // An item that matches nothing is reported, so the list stays short and reviewable.
    let site = canaries();
    site.write(
        "sesh.toml",
        &(std::fs::read_to_string(site.path("sesh.toml")).unwrap()
            + "\n[[scan.allow]]\ntext = \"Nobody At All\"\nreason = \"stale\"\n"),
    );
    let err = site.build(&[]).success().stderr();
    assert!(
        err.contains(
            "sesh.toml:7: `scan.allow`: this allowed text matches no restricted name, title or text"
        ),
        "{err}"
    );
    site.write(
        "sesh.toml",
        &(std::fs::read_to_string(site.path("sesh.toml")).unwrap()
            + "\n[[scan.allow]]\ntext = \"x\"\nreason = \"\"\n"),
    );
    let err = site.build(&[]).failure().stderr();
    assert!(err.contains("empty `reason`"), "{err}");
}

#[test]
fn contact_details_in_published_text_are_flagged() {
    let site = Site::example();
    let entry = "content/contests/hiv-testing-video/testing-together/index.md";
    paste(
        &site,
        entry,
        "+++\n",
        "li.wei@example.net or +86 138 0013 8000",
    );
    let err = site.build(&[]).success().stderr();
    for kind in ["an e-mail address", "a phone number"] {
        assert!(
            err.contains(&format!(
                "{entry}:34: `body`: {kind} is published in this text"
            )),
            "{kind}:\n{err}"
        );
    }
    site.build(&["--strict"]).failure();
    let config = std::fs::read_to_string(site.path("sesh.toml")).unwrap();
    site.write(
        "sesh.toml",
        &format!("public_contacts = [\"Li.Wei@example.net\", \"+86 138-0013-8000\"]\n{config}"),
    );
    let err = site.build(&["--strict"]).success().stderr();
    assert!(!err.contains("is published in this text"), "{err}");
}

/// Every restricted text of the consent canaries: folder and file names, titles, names.
fn canary_texts(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.to_lowercase().contains("canary"))
        // A reference, in a published body, to a file that exists nowhere: published text.
        .filter(|l| {
            !l.contains("nowhere-CANARY.jpg") || l.to_lowercase().matches("canary").count() > 1
        })
        .collect()
}

#[test]
fn a_log_that_is_not_a_terminal_names_nothing_withheld() {
    let site = canaries();
    let run = site.build_in_ci(&[]).success();
    let log = format!("{}{}", run.stdout(), run.stderr());
    assert_eq!(canary_texts(&log), Vec::<&str>::new(), "{log}");
    assert!(
        log.contains("Excluded 12 items") && log.contains("entry, withdrawn: 1"),
        "{log}"
    );
    assert!(
        log.contains("[withheld]/index.md:4: `consent.publish`"),
        "{log}"
    );
    // --verbose (and a terminal) list them: the test above can fail.
    let run = site.build(&[]).success();
    let log = format!("{}{}", run.stdout(), run.stderr());
    assert!(
        log.contains("entry content/contests/open-contest/canary-withdrawn: consent withdrawn"),
        "{log}"
    );
    // The report file has everything.
    let report = site.root.join("../report.json");
    site.build(&["--report", report.to_str().unwrap()])
        .success();
    assert!(
        std::fs::read_to_string(&report)
            .unwrap()
            .contains("canary-withdrawn")
    );

    // A leak, in a log others may read, says where, not what.
    paste(&site, PLACES[0].1, PLACES[0].2, NAME);
    let err = site.build_in_ci(&[]).failure().stderr();
    assert!(
        err.contains("contests/open-contest/second-published/index.html"),
        "{err}"
    );
    assert!(
        !err.contains("canary-withdrawn") && !err.contains(NAME),
        "{err}"
    );

    // So does the refusal of public sources.
    let site = canaries();
    let err = site
        .build_in_ci(&["--source-visibility", "public"])
        .failure()
        .stderr();
    assert!(
        err.contains("entry: 8") && err.contains("sesh check --source-visibility public"),
        "{err}"
    );
    assert_eq!(canary_texts(&err), Vec::<&str>::new(), "{err}");
}
