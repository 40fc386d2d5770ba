//! Theme layers: a site overrides one template, one string or one static file, and nothing else.

use crate::common::*;

#[test]
fn site_templates_strings_and_static_files_override_the_theme() {
    let site = Site::example();
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<p class=\"site-override\">{{ page.title }}</p>{% endblock main %}",
    );
    site.write("i18n/en.toml", "[nav]\ncontests = \"All the contests\"\n");
    site.write("static/css/extra.css", "body { color: red; }\n");
    site.build(&[]).success();
    assert!(
        site.page("about/index.html")
            .contains("<p class=\"site-override\">About</p>")
    );
    let home = site.page("index.html");
    assert!(
        home.contains(">All the contests</a>"),
        "one string overridden"
    );
    assert!(
        home.contains("Skip to main content"),
        "the other strings still come from the theme"
    );
    assert!(site.exists("css/extra.css") && site.exists("css/sesh.css"));
    assert!(
        site.page("contests/sex-health-images-2014/index.html")
            .contains("id=\"gallery-heading\""),
        "other templates untouched"
    );
}

#[test]
fn a_site_without_themes_folder_uses_the_built_in_default() {
    let site = Site::fixture("consent-canaries");
    assert!(!site.path("themes").exists());
    site.build(&[]).success();
    assert!(site.page("index.html").contains("Skip to main content"));
    assert!(site.exists("css/sesh.css"));
}

#[test]
fn a_missing_string_names_the_key_and_language() {
    let site = Site::example();
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}{{ t(key=\"no.such.key\") }}{% endblock main %}",
    );
    let err = site.build(&[]).failure().stderr();
    assert!(
        err.contains("missing string `no.such.key` for language `en`"),
        "{err}"
    );
    assert!(err.contains("templates/page.html:1"), "{err}");
}
