//! Bad input gets a clear message naming file, line and field, and never a half-built site.

use crate::common::*;

#[test]
fn bad_sesh_toml_names_file_line_and_hint() {
    let site = Site::fixture("consent-canaries");
    site.write(
        "sesh.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\nthem = \"default\"\n",
    );
    let err = site.build(&[]).failure().stderr();
    assert!(
        err.contains("sesh.toml:3: `them`: unknown field `them`"),
        "{err}"
    );
    assert!(err.contains("hint:"), "{err}");

    site.write(
        "sesh.toml",
        "title = \"T\nbase_url = \"https://example.org/\"\n",
    );
    let err = site.build(&[]).failure().stderr();
    assert!(err.contains("sesh.toml:1:"), "{err}");

    site.write("sesh.toml", "title = \"T\"\nbase_url = \"not a url\"\n");
    let err = site.build(&[]).failure().stderr();
    assert!(err.contains("sesh.toml:2: `base_url`"), "{err}");
}

#[test]
fn a_missing_theme_lists_the_available_ones() {
    let site = Site::example();
    site.edit(
        "sesh.toml",
        "theme = \"default\"",
        "theme = \"partner-blue\"",
    );
    let err = site.build(&[]).failure().stderr();
    assert!(err.contains("theme `partner-blue` not found"), "{err}");
    assert!(err.contains("available themes: default"), "{err}");
}

#[test]
fn bad_front_matter_excludes_the_entry_and_names_the_line() {
    let site = Site::fixture("consent-canaries");
    site.edit(
        "content/contests/open-contest/second-published/index.md",
        "award = \"finalist\"",
        "award = \"finalist\"\nsumary = \"typo\"",
    );
    let run = site.build(&[]).success();
    let err = run.stderr();
    assert!(
        err.contains("second-published/index.md:4: `sumary`: front matter: unknown field `sumary`"),
        "{err}"
    );
    assert!(!site.exists("contests/open-contest/second-published/index.html"));
    assert!(
        site.exists("contests/open-contest/published-entry/index.html"),
        "the rest still builds"
    );
}

#[test]
fn a_template_error_names_the_template_and_keeps_the_previous_output() {
    let site = Site::example();
    site.build(&[]).success();
    let before = files(&site.out);
    let home = std::fs::read(site.out.join("index.html")).unwrap();
    site.write("templates/entry.html", "{% extends \"base.html\" %}\n{% block main %}\n{{ entry.no_such_field }}\n{% endblock main %}\n");
    let err = site.build(&[]).failure().stderr();
    assert!(err.contains("templates/entry.html:3"), "{err}");
    assert!(err.contains("no_such_field"), "{err}");
    assert_eq!(files(&site.out), before, "no file added or removed");
    assert_eq!(
        std::fs::read(site.out.join("index.html")).unwrap(),
        home,
        "byte-identical"
    );
}

#[test]
fn a_missing_content_folder_is_explained() {
    let site = Site::fixture("consent-canaries");
    std::fs::remove_dir_all(site.path("content")).unwrap();
    let err = site.build(&[]).failure().stderr();
    assert!(err.contains("no `content/` folder"), "{err}");
}

#[test]
fn a_missing_site_is_explained() {
    let site = Site::fixture("consent-canaries");
    std::fs::remove_file(site.path("sesh.toml")).unwrap();
    let err = site.build(&[]).failure().stderr();
    assert!(err.contains("sesh.toml"), "{err}");
    assert!(err.contains("is `"), "{err}");
}
