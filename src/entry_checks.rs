//! ENTRY CHECKS: structured case studies and media accessibility, what `sesh build` and
//! `sesh check` report about published entries beyond consent.
//!
//! A contest may declare `sections = ["Testing model", "Innovation", …]`: each entry should use
//! them as level-2 headings, and one that misses any is reported. A published video of the entry
//! folder without captions or a transcript is reported too, and an external video without a
//! transcript (WCAG 2.2 success criterion 1.2.2).
//! Pure functions of the public model.

use crate::media::MediaFiles;
use crate::public::{MediaKind, PublicSite};
use crate::report::Problem;
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

/// Problems of published entries: missing sections, videos without captions or transcript.
pub fn check(site: &PublicSite, media: &MediaFiles) -> Vec<Problem> {
    let mut problems = Vec::new();
    for contest in &site.contests {
        for entry in &contest.entries {
            if !contest.sections.is_empty() {
                let have: Vec<String> = headings(&entry.body.markdown)
                    .iter()
                    .map(|h| fold(h))
                    .collect();
                let missing: Vec<&str> = contest
                    .sections
                    .iter()
                    .filter(|s| !have.contains(&fold(s)))
                    .map(String::as_str)
                    .collect();
                if !missing.is_empty() {
                    problems.push(
                        Problem::warning(
                            entry.body.file.clone(),
                            format!("case study without the section(s): {}", missing.join(", ")),
                        )
                        .hint(format!(
                            "the contest asks for these level-2 headings, in order: {}",
                            contest
                                .sections
                                .iter()
                                .map(|s| format!("## {s}"))
                                .collect::<Vec<_>>()
                                .join(" · ")
                        )),
                    );
                }
            }
            for m in &entry.media {
                if m.kind != MediaKind::Video || !m.captions.is_empty() || m.transcript.is_some() {
                    continue;
                }
                let problem = match &m.url {
                    // An external video's captions, if any, are on its host, which sesh cannot
                    // see: a transcript here is what every reader can rely on.
                    Some(url) => Problem::warning(
                        entry.body.file.clone(),
                        format!(
                            "external video `{url}` has no transcript here: readers who cannot hear it depend on captions sesh cannot check (WCAG 1.2.2)"
                        ),
                    )
                    .field("media.transcript")
                    .hint("add transcript = \"transcript.md\" (a file of the entry folder)"),
                    None if media.get(&m.path).is_some() => Problem::warning(
                        entry.body.file.clone(),
                        format!(
                            "video `{}` has no captions and no transcript: readers who cannot hear it miss its content (WCAG 1.2.2)",
                            m.file
                        ),
                    )
                    .field("media.captions")
                    .hint("add captions = { en = \"video.en.vtt\" } (WebVTT) or transcript = \"transcript.md\""),
                    None => continue,
                };
                problems.push(problem);
            }
        }
    }
    problems
}

/// Case-insensitive, whitespace-insensitive form of a heading.
fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The text of the level-2 headings of a Markdown document, in order.
pub fn headings(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for event in Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_HEADING_ATTRIBUTES) {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                ..
            }) => current = Some(String::new()),
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => out.extend(current.take()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = current.as_mut() {
                    c.push_str(&t);
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_two_headings_are_listed() {
        let md = "# Title\n\n## Testing model\n\ntext\n\n### Sub\n\n## *Innovation* {#inn}\n";
        assert_eq!(headings(md), vec!["Testing model", "Innovation"]);
    }
}
