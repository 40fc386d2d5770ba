//! Themes partners can fork: `sesh theme fork`, `extends` chains, the built-in default, and the
//! example partner theme.

use crate::common::*;

#[test]
fn a_small_fork_extends_the_default_and_overrides_only_what_it_has() {
    let site = Site::example();
    let run = site
        .command(&["theme", "fork", "partner-blue", "--set"])
        .success();
    assert!(
        run.stdout().contains("Created themes/partner-blue/"),
        "{}",
        run.stdout()
    );
    let dir = site.path("themes/partner-blue");
    let manifest = std::fs::read_to_string(dir.join("theme.toml")).unwrap();
    assert!(manifest.contains("extends = \"default\""));
    assert!(dir.join("static/css/overrides.css").is_file() && dir.join("README.md").is_file());
    assert!(
        !dir.join("templates").exists(),
        "a small fork copies no template"
    );
    let toml = std::fs::read_to_string(site.path("sesh.toml")).unwrap();
    assert!(
        toml.contains("theme = \"partner-blue\"") && toml.contains("# The bundled example archive"),
        "only the theme line changed"
    );

    std::fs::write(
        dir.join("static/css/overrides.css"),
        ":root { --accent: #123456; }\n",
    )
    .unwrap();
    site.write("themes/partner-blue/templates/page.html", "{% extends \"base.html\" %}{% block main %}<p class=\"fork-page\">{{ page.title }}</p>{% endblock main %}");
    site.build(&[]).success();
    let home = site.page("index.html");
    assert!(
        home.contains("css/overrides.css?v="),
        "the fork's stylesheet is linked"
    );
    assert!(site.page("css/overrides.css").contains("#123456"));
    assert!(
        site.page("about/index.html")
            .contains("<p class=\"fork-page\">About</p>"),
        "the fork's template wins"
    );
    assert!(
        site.page("contests/hiv-testing-video/index.html")
            .contains("gallery-heading"),
        "other templates come from the default"
    );
    let list = site.command(&["theme", "list"]).success().stdout();
    assert!(
        list.contains("* partner-blue") && list.contains("partner-blue → default"),
        "{list}"
    );
}

#[test]
fn a_full_fork_copies_every_file_and_stands_alone() {
    let site = Site::fixture("consent-canaries");
    site.command(&["theme", "fork", "standalone", "--full"])
        .success();
    let dir = site.path("themes/standalone");
    let manifest = std::fs::read_to_string(dir.join("theme.toml")).unwrap();
    assert!(
        !manifest.lines().any(|l| l.starts_with("extends")),
        "{manifest}"
    );
    for file in [
        "templates/base.html",
        "templates/entry.html",
        "templates/components.html",
        "static/css/sesh.css",
        "i18n/en.toml",
    ] {
        assert!(dir.join(file).is_file(), "{file} not copied");
    }
    let toml = std::fs::read_to_string(site.path("sesh.toml")).unwrap();
    assert!(
        !toml.contains("standalone"),
        "without --set (and no terminal) sesh.toml is left alone"
    );
    site.command(&["theme", "fork", "standalone"]).failure();
    std::fs::write(
        dir.join("templates/404.html"),
        "{% extends \"base.html\" %}{% block main %}standalone 404{% endblock main %}",
    )
    .unwrap();
    site.edit("sesh.toml", "theme = \"default\"", "theme = \"standalone\"");
    site.build(&[]).success();
    assert!(site.page("404.html").contains("standalone 404"));
}

#[test]
fn chains_of_themes_work_across_layers() {
    let site = Site::fixture("consent-canaries");
    site.write(
        "themes/regional/theme.toml",
        "extends = \"default\"\n[extra]\nfooter_text = \"Regional footer\"\n",
    );
    site.write(
        "themes/regional/templates/partials/note.html",
        "<p class=\"note-from-regional\">{{ page.title }}</p>",
    );
    site.write(
        "themes/regional/i18n/en.toml",
        "[nav]\ncontests = \"Regional contests\"\n",
    );
    site.write(
        "themes/local/theme.toml",
        "extends = \"regional\"\n[extra]\nfooter_text = \"Local footer\"\n",
    );
    site.write(
        "themes/local/templates/page.html",
        "{% extends \"base.html\" %}{% block main %}{% include \"partials/note.html\" %}{{ <date_range start={\"2016-03-01\"} end={none} /> }}{% endblock main %}",
    );
    site.write("content/about.md", "+++\ntitle = \"About\"\n+++\n\nText.\n");
    site.edit("sesh.toml", "theme = \"default\"", "theme = \"local\"");
    site.build(&[]).success();
    let about = site.page("about/index.html");
    assert!(
        about.contains("<p class=\"note-from-regional\">About</p>"),
        "include reaches a lower layer"
    );
    assert!(
        about.contains("1 March 2016"),
        "a component of the default theme works in a fork"
    );
    assert!(
        about.contains("Regional contests"),
        "strings come from the nearest layer"
    );
    assert!(
        about.contains("Local footer") && !about.contains("Regional footer"),
        "[extra] of the higher theme wins"
    );
    let toml = std::fs::read_to_string(site.path("sesh.toml")).unwrap();
    site.write(
        "sesh.toml",
        &format!("{toml}\n[extra]\nfooter_text = \"Site footer\"\n"),
    );
    site.build(&[]).success();
    assert!(
        site.page("about/index.html").contains("Site footer"),
        "sesh.toml [extra] overrides themes"
    );

    site.write("themes/regional/theme.toml", "extends = \"local\"\n");
    let err = site.build(&[]).failure().stderr();
    assert!(err.contains("loop: local → regional → local"), "{err}");
    site.write("themes/regional/theme.toml", "extends = \"nowhere\"\n");
    let err = site.build(&[]).failure().stderr();
    assert!(
        err.contains("theme `regional` extends `nowhere`")
            && err.contains("available themes: default (built in), local, regional"),
        "{err}"
    );
}

#[test]
fn the_example_partner_theme_looks_different() {
    let site = Site::example();
    site.edit(
        "sesh.toml",
        "theme = \"default\"",
        "theme = \"sihi-partner\"",
    );
    site.build(&[]).success();
    let home = site.page("index.html");
    assert!(
        home.contains("class=\"contest-list\""),
        "its own home layout"
    );
    assert!(home.contains("class=\"site-logo\""), "its logo");
    assert!(
        home.contains("css/theme.css") && site.page("css/theme.css").contains("--accent: #3b1f6e;"),
        "its palette"
    );
    assert!(
        home.contains("https://tdr.who.int/"),
        "its partners in the footer"
    );
    let entry = site.page("contests/hiv-testing-video/testing-together/index.html");
    assert!(
        entry.contains("class=\"entry-meta\""),
        "entry pages come from the default theme"
    );
    assert!(broken_links(&site.out, "/").is_empty());
}

#[test]
fn the_built_in_default_theme_is_the_repository_copy() {
    let dir = repo().join("themes/default");
    let mut on_disk: Vec<(String, Vec<u8>)> = files(&dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap();
            (f, bytes)
        })
        .collect();
    on_disk.sort();
    let mut embedded: Vec<(String, Vec<u8>)> = sesh::render::theme::embedded_files()
        .iter()
        .map(|(p, b)| (p.to_string(), b.to_vec()))
        .collect();
    embedded.sort();
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&embedded), names(&on_disk), "same files");
    for ((name, a), (_, b)) in embedded.iter().zip(&on_disk) {
        assert!(
            a == b,
            "{name} differs between the binary and themes/default/"
        );
    }
}
