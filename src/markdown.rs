//! Markdown → sanitised HTML. Pure: text in, HTML out, no I/O.
//!
//! Entry Markdown comes from the public, so the rendered HTML goes through ammonia: no script,
//! no event handler, no `style`, no URL scheme but http(s), mailto and tel. Relative links and
//! images are resolved by the caller's [`Links`], which knows what is published: a reference to
//! an unconsented or missing file, or to a page that is not published, is removed (images with
//! their alt text, links keeping their text) and reported. Raw HTML `<img>` is not allowed at
//! all; Markdown images become markup the caller builds (with sizes and srcset).
//!
//! Headings get ids from their text (Chinese characters are kept; browsers percent-encode them
//! in links). Footnotes get `fn-`/`fnref-` ids so they cannot clash with heading ids.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Mutex;

/// What the caller knows about the site, for relative references.
pub trait Links: Sync {
    /// A relative link target as written (path, `?query`, `#fragment`). Returns the URL to use,
    /// or `None` to remove the link.
    fn link(&self, target: &str) -> Option<String>;
    /// A relative Markdown image. Returns the HTML that shows it, or `None` to remove it.
    /// `linked` is true when the image sits inside a link (so it must not add a link itself).
    fn image(&self, target: &str, alt: &str, linked: bool) -> Option<String>;
}

/// A reference that was removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    pub target: String,
    pub image: bool,
    /// Byte offset in the Markdown, when known.
    pub offset: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// Rendered, sanitised HTML.
#[derive(Debug, Clone, Default)]
pub struct Html {
    pub html: String,
    pub headings: Vec<Heading>,
    pub dropped: Vec<Dropped>,
    /// Words of the text a reader sees, image descriptions included ([`crate::words::words`]).
    pub words: usize,
}

/// A part of a document that starts at a level-2 heading.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub html: String,
}

/// Renders a whole document.
pub fn render(markdown: &str, links: &dyn Links) -> Html {
    let prepared = prepare(markdown, links);
    let html = finish(&prepared.events, prepared.raw_html, &prepared.images, links);
    let mut dropped = prepared.dropped;
    dropped.extend(html.1);
    Html {
        html: html.0,
        headings: prepared.headings,
        dropped,
        words: prepared.words,
    }
}

/// Renders a document split at its level-2 headings: the text before the first one, then one
/// section per heading (used by the framework page to list entries under each section).
pub fn render_sections(markdown: &str, links: &dyn Links) -> (Html, Vec<Section>) {
    let prepared = prepare(markdown, links);
    let mut chunks: Vec<(Option<usize>, Vec<Event>)> = vec![(None, Vec::new())];
    let mut h2 = prepared
        .headings
        .iter()
        .enumerate()
        .filter(|(_, h)| h.level == 2);
    for event in prepared.events {
        if matches!(&event, Event::Html(h) if h.starts_with("<h2 ")) {
            chunks.push((h2.next().map(|(i, _)| i), Vec::new()));
        }
        if let Some(last) = chunks.last_mut() {
            last.1.push(event);
        }
    }
    let mut dropped = prepared.dropped;
    let mut intro = Html::default();
    let mut sections = Vec::new();
    for (heading, events) in chunks {
        let (html, more) = finish(&events, prepared.raw_html, &prepared.images, links);
        dropped.extend(more);
        match heading.and_then(|i| prepared.headings.get(i)) {
            None => intro.html = html,
            Some(h) => sections.push(Section {
                id: h.id.clone(),
                title: h.text.clone(),
                html,
            }),
        }
    }
    intro.headings = prepared.headings;
    intro.dropped = dropped;
    intro.words = prepared.words;
    (intro, sections)
}

/// Markdown events after sesh's own handling of headings, images and footnotes.
struct Prepared<'a> {
    events: Vec<Event<'a>>,
    /// The source contains raw HTML: the output must go through the sanitiser. Without it,
    /// pulldown-cmark's output (text escaped, links and images written by sesh) is safe as is.
    raw_html: bool,
    headings: Vec<Heading>,
    /// HTML for each image placeholder, by index.
    images: Vec<String>,
    dropped: Vec<Dropped>,
    words: usize,
}

const PLACEHOLDER: &str = "sesh-img";
/// Stands for a task-list checkbox until the HTML has been sanitised.
const TASK: &str = "sesh-task";
/// Raw HTML tags an entry body may hold before the rest of its raw HTML is shown as text.
const MAX_RAW_TAGS: usize = 5_000;
const LINK_REL: &str = "noopener noreferrer";

/// Where a Markdown link may point: a relative target the caller resolves (published pages,
/// consented files), or an absolute http(s), mailto or tel URL. Anything else (`javascript:`,
/// `data:`, `vbscript:`…) is refused.
fn resolve_link(dest: &str, links: &dyn Links) -> Option<String> {
    let dest = dest.trim();
    if dest.starts_with('#') {
        return Some(dest.to_string());
    }
    if is_relative(dest) {
        return links.link(dest);
    }
    let scheme = dest.split(':').next().unwrap_or("").to_ascii_lowercase();
    let allowed =
        matches!(scheme.as_str(), "http" | "https" | "mailto" | "tel") || dest.starts_with("//");
    allowed.then(|| dest.to_string())
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

fn prepare<'a>(markdown: &'a str, links: &dyn Links) -> Prepared<'a> {
    let mut state = Preparing {
        out: Prepared {
            events: Vec::new(),
            raw_html: false,
            headings: Vec::new(),
            images: Vec::new(),
            dropped: Vec::new(),
            words: 0,
        },
        links,
        ids: Ids::default(),
        footnotes: Footnotes::default(),
        links_open: 0,
        raw_tags: 0,
    };
    state.feed(&mut Parser::new_ext(markdown, options()).into_offset_iter());
    state.out
}

/// The state of [`prepare`] while it walks the events.
struct Preparing<'a, 'l> {
    out: Prepared<'a>,
    links: &'l dyn Links,
    ids: Ids,
    footnotes: Footnotes,
    links_open: usize,
    raw_tags: usize,
}

impl<'a> Preparing<'a, '_> {
    /// Handles every event of `iter`. The events inside a heading or a dropped link go through
    /// here too, so raw HTML, links and images are treated the same wherever they appear (raw
    /// HTML inside a heading once skipped the sanitiser: found by fuzzing).
    fn feed<I>(&mut self, iter: &mut I)
    where
        I: Iterator<Item = (Event<'a>, Range<usize>)>,
    {
        while let Some((event, range)) = iter.next() {
            self.event(event, range, iter);
        }
    }

    fn event<I>(&mut self, event: Event<'a>, range: Range<usize>, iter: &mut I)
    where
        I: Iterator<Item = (Event<'a>, Range<usize>)>,
    {
        let out = &mut self.out;
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let inner = take_until(iter, |e| matches!(e, Event::End(TagEnd::Heading(_))));
                let text = plain_text(&inner);
                let id = self
                    .ids
                    .unique(id.as_deref().map(crate::slug::slugify), &text);
                let n = heading_number(level);
                self.out
                    .events
                    .push(Event::Html(format!("<h{n} id=\"{}\">", escape(&id)).into()));
                self.feed(&mut inner.into_iter());
                self.out.events.push(Event::Html(format!("</h{n}>").into()));
                self.out.headings.push(Heading { level: n, id, text });
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                let inner = take_until(iter, |e| matches!(e, Event::End(TagEnd::Image)));
                let alt = plain_text(&inner);
                out.words += crate::words::words(&alt);
                out.image(&dest_url, &alt, self.links_open > 0, range, self.links);
            }
            Event::Start(Tag::Link {
                dest_url, title, ..
            }) => match resolve_link(&dest_url, self.links) {
                Some(url) => {
                    // Written by sesh, so that the rel attribute and the resolved URL are the same
                    // whether or not the document goes through the sanitiser.
                    let title = match title.is_empty() {
                        true => String::new(),
                        false => format!(" title=\"{}\"", escape(&title)),
                    };
                    let tag = format!("<a href=\"{}\"{title} rel=\"{LINK_REL}\">", escape(&url));
                    out.events.push(Event::InlineHtml(tag.into()));
                    self.links_open += 1;
                }
                None => {
                    // Keep the text, drop the link.
                    let inner = take_until(iter, |e| matches!(e, Event::End(TagEnd::Link)));
                    out.dropped.push(Dropped {
                        target: dest_url.to_string(),
                        image: false,
                        offset: Some(range.start),
                    });
                    self.feed(&mut inner.into_iter());
                }
            },
            Event::Start(Tag::CodeBlock(kind)) => {
                // The language names a class; keep it only if the sanitiser would.
                let lang = match &kind {
                    pulldown_cmark::CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    pulldown_cmark::CodeBlockKind::Indented => String::new(),
                };
                let class = format!("language-{lang}");
                let tag = match keep_classes(&class) {
                    Some(_) => format!("<pre><code class=\"{class}\">"),
                    None => "<pre><code>".to_string(),
                };
                out.events.push(Event::Html(tag.into()));
            }
            Event::TaskListMarker(done) => {
                // A placeholder, turned into the checkbox after sanitising: the sanitiser allows
                // no `<input>` (raw `<input type="submit">` kept its tag; found by fuzzing).
                let tag = format!("<{TASK} data-done=\"{}\"></{TASK}>\n", u8::from(done));
                out.events.push(Event::InlineHtml(tag.into()));
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                // Deeply nested raw HTML costs the HTML parser quadratic time: past a budget of
                // tags, raw HTML is shown as text instead of parsed (a nesting bomb, not prose).
                self.raw_tags += h.matches('<').count();
                if self.raw_tags > MAX_RAW_TAGS {
                    out.events.push(Event::Text(h));
                } else {
                    out.raw_html = true;
                    out.events.push(Event::Html(h));
                }
            }
            Event::FootnoteReference(label) => {
                let (id, n) = self.footnotes.reference(&label);
                out.events.push(Event::Html(
                    format!("<sup class=\"footnote-ref\" id=\"fnref-{id}\"><a href=\"#fn-{id}\" rel=\"{LINK_REL}\">{n}</a></sup>").into(),
                ));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let (id, n) = self.footnotes.reference(&label);
                out.events.push(Event::Html(
                    format!("<div class=\"footnote\" id=\"fn-{id}\"><span class=\"footnote-label\"><a href=\"#fnref-{id}\" rel=\"{LINK_REL}\">{n}</a></span>").into(),
                ));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                out.events.push(Event::Html("</div>".into()));
            }
            Event::End(TagEnd::Link) => {
                self.links_open = self.links_open.saturating_sub(1);
                out.events.push(event);
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                out.words += crate::words::words(t);
                out.events.push(event);
            }
            other => out.events.push(other),
        }
    }
}

impl Prepared<'_> {
    fn image(
        &mut self,
        dest: &str,
        alt: &str,
        linked: bool,
        range: Range<usize>,
        links: &dyn Links,
    ) {
        let lower = dest.trim().to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            // A third-party image would tell its host who reads the archive: link to it instead.
            let text = if alt.is_empty() { dest } else { alt };
            let html = match linked {
                true => escape(text),
                false => format!(
                    "<a href=\"{}\" rel=\"{LINK_REL}\">{}</a>",
                    escape(dest),
                    escape(text)
                ),
            };
            self.events.push(Event::Html(html.into()));
            return;
        }
        let resolved = is_relative(dest)
            .then(|| links.image(dest, alt, linked))
            .flatten();
        match resolved {
            Some(html) => {
                let n = self.images.len();
                self.images.push(html);
                let tag = format!("<{PLACEHOLDER} data-n=\"{n}\"></{PLACEHOLDER}>");
                self.events.push(Event::InlineHtml(tag.into()));
            }
            None => self.dropped.push(Dropped {
                target: dest.to_string(),
                image: true,
                offset: Some(range.start),
            }),
        }
    }
}

/// Collects events up to and including the one `is_end` matches, returning those before it.
fn take_until<'a, I>(
    iter: &mut I,
    is_end: impl Fn(&Event) -> bool,
) -> Vec<(Event<'a>, Range<usize>)>
where
    I: Iterator<Item = (Event<'a>, Range<usize>)>,
{
    let mut depth = 0usize;
    let mut inner = Vec::new();
    for (event, range) in iter.by_ref() {
        if is_end(&event) && depth == 0 {
            break;
        }
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        inner.push((event, range));
    }
    inner
}

/// The text of `events` as a reader sees it: what raw `<script>` or `<style>` holds is removed
/// by the sanitiser, so it is not text (nor a heading's id or table-of-contents entry).
fn plain_text(events: &[(Event, Range<usize>)]) -> String {
    let mut text = String::new();
    let mut hidden = false;
    for (event, _) in events {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => {
                let tag = h.trim_start().to_ascii_lowercase();
                if tag.starts_with("<script") || tag.starts_with("<style") {
                    hidden = true;
                }
                if tag.starts_with("</script") || tag.starts_with("</style") {
                    hidden = false;
                }
            }
            Event::Text(_) | Event::Code(_) if hidden => {}
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Heading ids, unique within one document.
#[derive(Default)]
struct Ids(HashSet<String>);

impl Ids {
    fn unique(&mut self, explicit: Option<String>, text: &str) -> String {
        let base = explicit
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| crate::slug::slugify(text));
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        let mut id = base.clone();
        let mut n = 1;
        while self.0.contains(&id) || id.starts_with("fn-") || id.starts_with("fnref-") {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.0.insert(id.clone());
        id
    }
}

/// Footnote labels → safe ids and numbers in order of first appearance.
#[derive(Default)]
struct Footnotes(HashMap<String, (String, usize)>);

impl Footnotes {
    fn reference(&mut self, label: &CowStr) -> (String, usize) {
        let next = self.0.len() + 1;
        let (id, n) = self.0.entry(label.to_string()).or_insert_with(|| {
            let slug = crate::slug::slugify(label);
            (
                if slug.is_empty() {
                    next.to_string()
                } else {
                    slug
                },
                next,
            )
        });
        (id.clone(), *n)
    }
}

fn is_relative(url: &str) -> bool {
    let url = url.trim();
    !url.starts_with("//") && !url.contains(':') || url.starts_with('#')
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Events → HTML → sanitised HTML with image placeholders replaced. Returns links dropped by
/// the sanitiser (raw HTML links to unpublished targets).
fn finish(
    events: &[Event],
    raw_html: bool,
    images: &[String],
    links: &dyn Links,
) -> (String, Vec<Dropped>) {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.iter().cloned());
    let html = BEFORE_SANITISING.replace_all(&html);
    let dropped = Mutex::new(Vec::new());
    let clean = match raw_html {
        true => rel_only_with_href(&sanitiser(links, &dropped).clean(&html).to_string()),
        false => html,
    };
    let html = AFTER_SANITISING.replace_all(&replace_placeholders(&clean, images));
    (html, dropped.into_inner().unwrap_or_default())
}

/// Several literal replacements made in one pass over the text (bodies are long, and each
/// `str::replace` would scan and copy the whole body again).
struct Rewrites {
    patterns: aho_corasick::AhoCorasick,
    replacements: Vec<&'static str>,
}

impl Rewrites {
    fn new(pairs: &'static [(&'static str, &'static str)]) -> Rewrites {
        Rewrites {
            patterns: aho_corasick::AhoCorasick::new(pairs.iter().map(|(from, _)| *from))
                .expect("literal patterns"),
            replacements: pairs.iter().map(|(_, to)| *to).collect(),
        }
    }

    fn replace_all(&self, text: &str) -> String {
        self.patterns.replace_all(text, &self.replacements)
    }
}

static BEFORE_SANITISING: std::sync::LazyLock<Rewrites> = std::sync::LazyLock::new(|| {
    Rewrites::new(&[
        // Table alignment as classes: a strict Content-Security-Policy forbids style attributes.
        (" style=\"text-align: left\"", " class=\"align-left\""),
        (" style=\"text-align: center\"", " class=\"align-center\""),
        (" style=\"text-align: right\"", " class=\"align-right\""),
        // HTML5 void elements, written as the sanitiser writes them.
        ("<hr />", "<hr>"),
        ("<br />", "<br>"),
    ])
});

static AFTER_SANITISING: std::sync::LazyLock<Rewrites> = std::sync::LazyLock::new(|| {
    Rewrites::new(&[
        // A paragraph that held only a removed image would be left empty.
        ("<p></p>\n", ""),
        // Task-list checkboxes (the `TASK` placeholder).
        (
            "<sesh-task data-done=\"1\"></sesh-task>",
            "<input checked=\"\" disabled=\"\" type=\"checkbox\">",
        ),
        (
            "<sesh-task data-done=\"0\"></sesh-task>",
            "<input disabled=\"\" type=\"checkbox\">",
        ),
    ])
});

fn sanitiser<'a>(links: &'a dyn Links, dropped: &'a Mutex<Vec<Dropped>>) -> ammonia::Builder<'a> {
    let mut b = ammonia::Builder::default();
    b.rm_tags(["img", "map", "area", "center", "acronym", "strike", "tt"])
        .add_tags([PLACEHOLDER, TASK, "section"])
        .add_tag_attributes(PLACEHOLDER, ["data-n"])
        .add_tag_attributes(TASK, ["data-done"])
        .add_generic_attributes(["id", "class", "dir"])
        .url_schemes(["http", "https", "mailto", "tel"].into())
        .link_rel(Some(LINK_REL))
        .strip_comments(true)
        .attribute_filter(|element, attribute, value| match attribute {
            "class" => keep_classes(value),
            "id" => safe_id(value),
            "dir" => matches!(value, "ltr" | "rtl" | "auto").then_some(value.into()),
            "data-done" if element == TASK => matches!(value, "0" | "1").then_some(value.into()),
            _ => Some(value.into()),
        })
        .url_relative(ammonia::UrlRelative::Custom(Box::new(Relative {
            links,
            dropped,
        })));
    b
}

/// The sanitiser gives every `<a>` a `rel`, also one whose unsafe `href` it removed; HTML allows
/// `rel` only on a link with `href`, so it is taken off those placeholders.
fn rel_only_with_href(html: &str) -> String {
    let rel = format!(" rel=\"{LINK_REL}\"");
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<a ") {
        // Attribute values are escaped by the sanitiser: the tag ends at the first `>`.
        let end = rest[start..]
            .find('>')
            .map_or(rest.len(), |e| start + e + 1);
        let tag = &rest[start..end];
        out.push_str(&rest[..start]);
        match tag.contains(" href=") {
            true => out.push_str(tag),
            false => out.push_str(&tag.replacen(&rel, "", 1)),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Resolves relative URLs left in the HTML (raw HTML links) with the caller's [`Links`].
struct Relative<'a> {
    links: &'a dyn Links,
    dropped: &'a Mutex<Vec<Dropped>>,
}

impl<'a> ammonia::UrlRelativeEvaluate<'a> for Relative<'a> {
    fn evaluate<'url>(&self, url: &'url str) -> Option<Cow<'url, str>> {
        if url.starts_with('#') {
            return Some(url.into());
        }
        let resolved = self.links.link(url);
        if resolved.is_none()
            && let Ok(mut d) = self.dropped.lock()
        {
            d.push(Dropped {
                target: url.to_string(),
                image: false,
                offset: None,
            });
        }
        resolved.map(Cow::Owned)
    }
}

/// Classes sesh's theme styles; anything else a submitter writes is dropped.
fn keep_classes(value: &str) -> Option<Cow<'_, str>> {
    let kept: Vec<&str> = value
        .split_whitespace()
        .filter(|c| {
            matches!(
                *c,
                "footnote"
                    | "footnote-ref"
                    | "footnote-label"
                    | "align-left"
                    | "align-center"
                    | "align-right"
            ) || c.strip_prefix("language-").is_some_and(|l| {
                !l.is_empty()
                    && l.chars()
                        .all(|ch| ch.is_ascii_alphanumeric() || "+#-_".contains(ch))
            })
        })
        .collect();
    (!kept.is_empty()).then(|| kept.join(" ").into())
}

/// Ids from Markdown (ours) or raw HTML: letters, digits, `-` and `_` only, and never one the
/// theme relies on.
fn safe_id(value: &str) -> Option<Cow<'_, str>> {
    let ok = !value.is_empty()
        && value.len() <= 200
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        && !value.starts_with("sesh-");
    ok.then_some(value.into())
}

fn replace_placeholders(html: &str, images: &[String]) -> String {
    let open = format!("<{PLACEHOLDER} data-n=\"");
    let close = format!("</{PLACEHOLDER}>");
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    // Most bodies hold no placeholder: a vectorised search makes that cheap to learn.
    let finder = memchr::memmem::Finder::new(&open);
    while let Some(start) = finder.find(rest.as_bytes()) {
        out.push_str(&rest[..start]);
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(&close) else {
            rest = "";
            break;
        };
        let n = after[..end]
            .split('"')
            .next()
            .and_then(|n| n.parse::<usize>().ok());
        if let Some(img) = n.and_then(|n| images.get(n)) {
            out.push_str(img);
        }
        rest = &after[end + close.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Knows one page (`../other/`) and one image (`ok.jpg`).
    struct Site;

    impl Links for Site {
        fn link(&self, target: &str) -> Option<String> {
            // Idempotent, like the real resolver: URLs it produces resolve to themselves.
            if target.starts_with("/c/other/") || target == "/c/e/e-640-abc.jpg" {
                return Some(target.to_string());
            }
            match target.split('#').next() {
                Some("../other/") => Some(target.replace("../other/", "/c/other/")),
                Some("ok.jpg") => Some("/c/e/e-640-abc.jpg".into()),
                _ => None,
            }
        }
        fn image(&self, target: &str, alt: &str, _linked: bool) -> Option<String> {
            (target == "ok.jpg")
                .then(|| format!("<img src=\"/c/e/e-640-abc.jpg\" alt=\"{}\">", escape(alt)))
        }
    }

    fn html(md: &str) -> String {
        render(md, &Site).html
    }

    /// Found by the `markdown_html` fuzz target: raw `<input type="submit">` kept its tag.
    #[test]
    fn raw_html_and_links_inside_headings_and_dropped_links_are_sanitised() {
        // Found by fuzzing: a heading's events bypassed sesh's handling, so raw HTML in a
        // heading (with no raw HTML elsewhere) took the fast path unsanitised.
        for md in [
            "# expected `a<div id=d><iframe onload=alert(2/div>\n",
            "## Title <img src=x onerror=alert(1)>\n",
            "### <script>alert(1)</script>\n",
            "# [click](javascript:alert(1))\n",
            "# ![x](javascript:alert(1))\n",
            "[<img src=x onerror=alert(1)>](javascript:alert(1))\n",
            "[a <svg onload=alert(1)> b](vbscript:x)\n",
        ] {
            let out = html(md);
            let lower = out.to_ascii_lowercase();
            for bad in [
                "<iframe",
                "<script",
                "<svg",
                "onerror",
                "onload",
                "javascript:",
                "vbscript:",
            ] {
                assert!(!lower.contains(bad), "{md} → {out}");
            }
        }
        // What the heading says, its id and its links still work.
        let out = html("# See [the guide](https://example.org/) <b>now</b>\n");
        assert!(out.contains("<h1 id=\"see-the-guide-now\">"), "{out}");
        assert!(
            out.contains(
                "<a href=\"https://example.org/\" rel=\"noopener noreferrer\">the guide</a>"
            ),
            "{out}"
        );
        assert!(out.contains("<b>now</b>"), "{out}");
    }

    #[test]
    fn raw_form_controls_are_removed_and_task_lists_keep_their_checkboxes() {
        for md in [
            "<input type=\"submit\">\n",
            "<input type=\"checkbox\" disabled>\n",
            "x <input type=\"text\" value=\"hi\"> y\n",
        ] {
            assert!(!html(md).contains("<input"), "{md} → {}", html(md));
        }
        // With and without raw HTML (sanitised path and fast path): the same checkboxes.
        for extra in ["", "<b>raw</b>\n\n"] {
            let out = html(&format!("{extra}- [x] done\n- [ ] todo\n"));
            assert!(
                out.contains("<input checked=\"\" disabled=\"\" type=\"checkbox\">"),
                "{out}"
            );
            assert!(
                out.contains("<input disabled=\"\" type=\"checkbox\">"),
                "{out}"
            );
            assert!(!out.contains("sesh-task"), "{out}");
        }
    }

    #[test]
    fn renders_gfm_features() {
        let out = html("# Title\n\n|a|b|\n|-|-|\n|1|2|\n\n~~old~~\n\n- [x] done\n");
        assert!(out.contains("<h1 id=\"title\">Title</h1>"), "{out}");
        assert!(out.contains("<table>"), "{out}");
        assert!(out.contains("<del>old</del>"), "{out}");
        assert!(
            out.contains("<input type=\"checkbox\" disabled=\"\" checked=\"\">")
                || out.contains("checkbox"),
            "{out}"
        );
    }

    #[test]
    fn heading_ids_are_unique_keep_cjk_and_honour_explicit_ids() {
        let r = render(
            "## Reach {#reach}\n\n## Reach\n\n## Reach\n\n## 检测 模式\n",
            &Site,
        );
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["reach", "reach-1", "reach-2", "检测-模式"]);
    }

    #[test]
    fn words_are_counted_in_the_text_a_reader_sees() {
        let count = |md: &str| render(md, &Site).words;
        assert_eq!(count("Hello, world! It's a well-known test."), 6);
        assert_eq!(count("## 检测模式\n\n在市场日检测乙肝。"), 4 + 8);
        // Link targets and markup are not words; link text, code and image descriptions are.
        assert_eq!(
            count("**Bold** [link](https://example.org/a-b-c) `code`"),
            3
        );
        assert_eq!(count("![two words](https://example.org/x.png)"), 2);
        assert_eq!(
            count("| a | b |\n|---|---|\n| c d | e |\n\n> quoted text"),
            7
        );
    }

    #[test]
    fn footnotes_get_prefixed_ids_that_link_both_ways() {
        let out = html("Claim[^1].\n\n[^1]: Source.\n");
        assert!(out.contains("id=\"fnref-1\""), "{out}");
        assert!(out.contains("href=\"#fn-1\""), "{out}");
        assert!(out.contains("id=\"fn-1\""), "{out}");
    }

    #[test]
    fn unpublished_references_are_removed_and_reported() {
        let r = render(
            "![kept](ok.jpg)\n\n![SECRET alt](face.jpg)\n\n[SECRET link text](../hidden/) and [ok](../other/#x)\n",
            &Site,
        );
        assert!(
            r.html
                .contains("<img src=\"/c/e/e-640-abc.jpg\" alt=\"kept\">"),
            "{}",
            r.html
        );
        assert!(
            !r.html.contains("face.jpg") && !r.html.contains("SECRET alt"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("SECRET link text"),
            "link text stays: {}",
            r.html
        );
        assert!(!r.html.contains("hidden"), "{}", r.html);
        assert!(r.html.contains("href=\"/c/other/#x\""), "{}", r.html);
        let targets: Vec<&str> = r.dropped.iter().map(|d| d.target.as_str()).collect();
        assert_eq!(targets, ["face.jpg", "../hidden/"]);
        assert_eq!(r.dropped[0].offset, Some(17));
    }

    #[test]
    fn external_images_become_links() {
        let out = html("![a chart](https://tracker.example/pixel.png)");
        assert!(!out.contains("<img"), "{out}");
        assert!(
            out.contains("<a href=\"https://tracker.example/pixel.png\""),
            "{out}"
        );
    }

    #[test]
    fn raw_html_is_sanitised() {
        let out = html(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n<a href=\"javascript:alert(1)\" onclick=\"x()\">j</a>\n\n<div style=\"color:red\" class=\"evil footnote\">s</div>\n\n<!-- hidden -->\n\n<sesh-img data-n=\"7\"></sesh-img>\n",
        );
        for bad in [
            "<script",
            "alert(1)</",
            "onerror",
            "javascript:",
            "onclick",
            "style=",
            "evil",
            "hidden",
            "<img",
            "sesh-img",
        ] {
            assert!(!out.contains(bad), "{bad} in {out}");
        }
        assert!(out.contains("class=\"footnote\""), "{out}");
        assert!(
            out.contains("<a>j</a>"),
            "no rel on a link without href: {out}"
        );
    }

    #[test]
    fn raw_html_links_resolve_like_markdown_links() {
        let out = html("<a href=\"../other/\">ok</a> <a href=\"../hidden/\">gone</a>");
        assert!(out.contains("href=\"/c/other/\""), "{out}");
        assert!(!out.contains("hidden"), "{out}");
    }

    /// Without raw HTML the sanitiser is skipped: its output must then be exactly what the
    /// sanitiser would leave unchanged.
    #[test]
    fn the_fast_path_emits_only_what_the_sanitiser_keeps() {
        let docs = [
            "# Title {#custom .cls key=val}\n\n*em* **strong** ~~del~~ `code <b>` and a [link](../other/ \"A title\")",
            "| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n",
            "- [x] done\n- [ ] todo\n\n1. one\n2. two\n\n3. three",
            "Claim[^note].\n\n[^note]: Source with <https://example.org>.\n",
            "```rust\nfn main() { println!(\"<script>\"); }\n```\n\n```x\" onmouseover=\"y\nz\n```",
            "[js](javascript:alert(1)) [JS](JaVaScRiPt:alert(1)) [data](data:text/html,x) <javascript:alert(1)> [ok](https://a.org/?q=\"x\") [mail](mailto:a@b.org) [frag](#part)",
            "![kept](ok.jpg) and [![linked](ok.jpg)](https://a.org) and ![ext](https://t.example/p.png)",
            "> quote\n>\n> > nested\n\n---\n\nline  \nbreak &amp; &lt;entity&gt; &#106;",
        ];
        for doc in docs {
            let prepared = prepare(doc, &Site);
            assert!(!prepared.raw_html, "{doc}");
            let (fast, _) = finish(&prepared.events, false, &prepared.images, &Site);
            let (sanitised, _) = finish(&prepared.events, true, &prepared.images, &Site);
            assert_eq!(fast, sanitised, "for {doc}");
            let lower = fast.to_ascii_lowercase();
            assert!(
                !lower.contains("href=\"javascript") && !lower.contains("href=\"data:"),
                "{fast}"
            );
        }
        // The same over the public XSS corpora: every line without raw HTML.
        let corpora = [
            include_str!("../tests/fixtures/xss/markdown-payloads.txt"),
            include_str!("../tests/fixtures/xss/html-payloads.txt"),
        ];
        let mut checked = 0;
        for doc in corpora.iter().flat_map(|c| c.lines()) {
            let prepared = prepare(doc, &Site);
            if prepared.raw_html {
                continue;
            }
            let (fast, _) = finish(&prepared.events, false, &prepared.images, &Site);
            let (sanitised, _) = finish(&prepared.events, true, &prepared.images, &Site);
            assert_eq!(fast, sanitised, "for {doc}");
            checked += 1;
        }
        assert!(checked > 100, "only {checked} payloads took the fast path");
    }

    #[test]
    fn sections_split_at_level_two_headings() {
        let (intro, sections) = render_sections(
            "Intro\n\n## Reach {#reach}\n\nA\n\n### Sub\n\n## Effect\n\nB\n",
            &Site,
        );
        assert!(intro.html.contains("Intro"));
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[0].id, "reach");
        assert_eq!(sections[0].title, "Reach");
        assert!(sections[0].html.contains("<h3 id=\"sub\">"));
        assert!(sections[1].html.contains("B"));
    }
}

#[cfg(test)]
mod bombs {
    use super::*;

    struct Nothing;
    impl Links for Nothing {
        fn link(&self, _: &str) -> Option<String> {
            None
        }
        fn image(&self, _: &str, _: &str, _: bool) -> Option<String> {
            None
        }
    }

    /// Renders on a thread with the default 2 MiB stack of spawned threads (not the main
    /// thread's 8 MiB), as the build's worker threads do.
    fn render_on_small_stack(doc: String) -> String {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || render(&doc, &Nothing).html)
            .expect("thread")
            .join()
            .expect("rendering must not overflow the stack")
    }

    #[test]
    fn nesting_bombs_do_not_blow_the_stack() {
        let n = 100_000;
        for doc in [
            ">".repeat(n) + " deep quote",
            (0..n / 5)
                .map(|i| format!("{}- x\n", "  ".repeat(i.min(2000))))
                .collect(),
            "- ".repeat(n) + "x",
            "*".repeat(n) + "x" + &"*".repeat(n),
            "[".repeat(n) + "x" + &"](y)".repeat(n),
            // Past MAX_RAW_TAGS raw HTML is escaped text, so this costs no quadratic parse.
            "<div>".repeat(n) + "raw" + &"</div>".repeat(n),
            "<div>\n".repeat(n) + "raw",
            "<b><i>".repeat(n) + "raw",
        ] {
            let html = render_on_small_stack(doc);
            assert!(!html.contains("<script"));
        }
    }
}
