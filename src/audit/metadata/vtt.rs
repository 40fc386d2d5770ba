//! The check of a published WebVTT file, from its text: the signature line, then cues and
//! nothing else (no `NOTE`, `STYLE` or `REGION` blocks, no cue identifiers), each a timing line
//! and text whose only markup is WebVTT's own (`<c>`, `<i>`, `<b>`, `<u>`, `<ruby>`, `<rt>`,
//! `<v>`, `<lang>` and timestamps). Written apart from the cleaner ([`crate::media::vtt`]).

/// Everything in the captions that cleaned captions do not have (empty for a clean file).
pub fn leftovers(data: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(text) = std::str::from_utf8(data) else {
        return vec!["captions that are not UTF-8 text".into()];
    };
    let Some(rest) = text.strip_prefix("WEBVTT\n") else {
        return vec!["a WebVTT header other than the bare `WEBVTT` line".into()];
    };
    if text.contains('\r') || text.contains('\0') {
        found.push("carriage returns or NUL characters".into());
    }
    for block in rest.split("\n\n").filter(|b| !b.trim().is_empty()) {
        let mut lines = block.trim_matches('\n').lines();
        let timing = lines.next().unwrap_or("");
        if !is_timing(timing) {
            let head = timing.split_whitespace().next().unwrap_or("");
            let what = match head {
                "NOTE" | "STYLE" | "REGION" => format!("a {head} block"),
                _ => "a block that is not a cue (or a cue identifier)".into(),
            };
            push(&mut found, what);
            continue;
        }
        for line in lines {
            if let Some(tag) = foreign_markup(line) {
                push(
                    &mut found,
                    format!("markup that WebVTT does not define (`{tag}`)"),
                );
            }
        }
    }
    found
}

fn push(found: &mut Vec<String>, what: String) {
    if !found.contains(&what) {
        found.push(what);
    }
}

/// `00:01.000 --> 00:02.500` with only the layout settings WebVTT defines.
fn is_timing(line: &str) -> bool {
    let mut parts = line.split(' ').filter(|p| !p.is_empty());
    let (Some(start), Some("-->"), Some(end)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    is_timestamp(start)
        && is_timestamp(end)
        && parts.all(|setting| {
            let (key, value) = setting.split_once(':').unwrap_or(("", ""));
            matches!(key, "vertical" | "line" | "position" | "size" | "align")
                && !value.is_empty()
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '%' | '.' | ',' | '-'))
        })
}

/// `mm:ss.ttt` or `hh:mm:ss.ttt`.
pub(super) fn is_timestamp(text: &str) -> bool {
    let Some((clock, millis)) = text.split_once('.') else {
        return false;
    };
    let fields: Vec<&str> = clock.split(':').collect();
    let digits = |s: &str, n: usize| s.len() >= n && s.bytes().all(|b| b.is_ascii_digit());
    let clock_ok = match fields.as_slice() {
        [m, s] => digits(m, 2) && m.len() == 2 && digits(s, 2) && s.len() == 2,
        [h, m, s] => digits(h, 2) && digits(m, 2) && m.len() == 2 && digits(s, 2) && s.len() == 2,
        _ => false,
    };
    clock_ok && millis.len() == 3 && digits(millis, 3)
}

/// The first tag of `line` that is not WebVTT markup.
fn foreign_markup(line: &str) -> Option<String> {
    let mut rest = line;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            return Some(rest[open..].chars().take(20).collect());
        };
        let tag = &after[..close];
        if !is_cue_tag(tag) {
            return Some(format!("<{tag}>"));
        }
        rest = &after[close + 1..];
    }
    None
}

/// The inside of a WebVTT cue tag: a start tag with classes and, for `v` and `lang`, an
/// annotation; an end tag; or a timestamp.
pub(super) fn is_cue_tag(tag: &str) -> bool {
    if let Some(name) = tag.strip_prefix('/') {
        return matches!(name, "c" | "i" | "b" | "u" | "ruby" | "rt" | "v" | "lang");
    }
    if is_timestamp(tag) {
        return true;
    }
    let (head, annotation) = tag.split_once([' ', '\t']).unwrap_or((tag, ""));
    let mut parts = head.split('.');
    let name = parts.next().unwrap_or("");
    let classes_ok = parts.all(|c| {
        !c.is_empty()
            && c.chars()
                .all(|ch| ch.is_alphanumeric() || ch == '-' || ch == '_')
    });
    let annotated = matches!(name, "v" | "lang");
    classes_ok
        && matches!(name, "c" | "i" | "b" | "u" | "ruby" | "rt" | "v" | "lang")
        && (annotated || annotation.is_empty())
        && !annotation.contains('<')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_with_webvtt_markup_are_clean() {
        let clean = "WEBVTT\n\n00:00.000 --> 00:02.000 align:start line:0\n<v.loud Speaker>Hello</v> <i>world</i> <00:01.000>now\n";
        assert_eq!(leftovers(clean.as_bytes()), Vec::<String>::new());
    }

    #[test]
    fn notes_styles_identifiers_and_html_are_named() {
        let cases = [
            (
                "WEBVTT - by CANARY\n",
                "a WebVTT header other than the bare `WEBVTT` line",
            ),
            ("WEBVTT\n\nNOTE by CANARY\n", "a NOTE block"),
            ("WEBVTT\n\nSTYLE\n::cue {}\n", "a STYLE block"),
            (
                "WEBVTT\n\nintro\n00:00.000 --> 00:01.000\nhi\n",
                "a block that is not a cue (or a cue identifier)",
            ),
            (
                "WEBVTT\n\n00:00.000 --> 00:01.000\n<img src=x>\n",
                "markup that WebVTT does not define (`<img src=x>`)",
            ),
            (
                "WEBVTT\n\n00:00.000 --> 00:01.000 region:r1\nhi\n",
                "a block that is not a cue (or a cue identifier)",
            ),
        ];
        for (text, what) in cases {
            assert_eq!(leftovers(text.as_bytes()), [what], "{text}");
        }
    }
}
