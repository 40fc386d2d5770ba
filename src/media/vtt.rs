//! WebVTT captions: new captions made of the cues alone.
//!
//! A caption file is text the browser shows over the video. Subtitle editors also write `NOTE`
//! blocks (comments: the translator's name, working notes), `STYLE` blocks (CSS, which could load
//! a remote font or image and so tell a third party who watches), `REGION` blocks, cue
//! identifiers and header text. [`clean`] keeps none of them: it writes the signature line and,
//! for each block whose timing line reads, that timing (with WebVTT's own layout settings) and
//! the cue text, in which any markup WebVTT does not define is escaped into visible text.
//! Captions that are not UTF-8 WebVTT, or hold no cue, are refused.

/// WebVTT's character references (anything else starting with `&` is escaped).
const REFERENCES: &[&str] = &["amp;", "lt;", "gt;", "lrm;", "rlm;", "nbsp;"];

pub fn clean(data: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(data).map_err(|_| "captions are not UTF-8 text".to_string())?;
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .replace("\r\n", "\n")
        .replace(['\r', '\0'], "\n");
    let first = text.lines().next().unwrap_or("");
    if first != "WEBVTT" && !first.starts_with("WEBVTT ") && !first.starts_with("WEBVTT\t") {
        return Err("not a WebVTT file (the first line must be `WEBVTT`)".into());
    }
    let mut out = String::from("WEBVTT\n");
    let mut cues = 0;
    for block in text.split("\n\n").skip(1) {
        let lines: Vec<&str> = block.trim_matches('\n').lines().collect();
        // A cue is an optional identifier line, then the timing line; anything else (NOTE,
        // STYLE, REGION, stray text) is not a cue.
        let Some(at) = lines.iter().take(2).position(|l| l.contains("-->")) else {
            continue;
        };
        let Some(timing) = timing(lines[at]) else {
            continue;
        };
        out.push('\n');
        out.push_str(&timing);
        out.push('\n');
        for line in &lines[at + 1..] {
            out.push_str(&cue_text(line));
            out.push('\n');
        }
        cues += 1;
    }
    if cues == 0 {
        return Err("the captions hold no cue (`00:00.000 --> 00:02.000` lines)".into());
    }
    Ok(out)
}

/// `start --> end` with WebVTT's layout settings (vertical, line, position, size, align);
/// `None` when the times do not read.
fn timing(line: &str) -> Option<String> {
    let (start, rest) = line.split_once("-->")?;
    let mut rest = rest.split_whitespace();
    let (start, end) = (start.trim(), rest.next()?);
    if !is_timestamp(start) || !is_timestamp(end) {
        return None;
    }
    let mut out = format!("{start} --> {end}");
    for setting in rest {
        let (key, value) = setting.split_once(':').unwrap_or(("", ""));
        let known = matches!(key, "vertical" | "line" | "position" | "size" | "align");
        let plain = !value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '%' | '.' | ',' | '-'));
        if known && plain {
            out.push(' ');
            out.push_str(setting);
        }
    }
    Some(out)
}

/// `mm:ss.ttt` or `hh:mm:ss.ttt`.
fn is_timestamp(text: &str) -> bool {
    let Some((clock, millis)) = text.split_once('.') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let two = |s: &str| s.len() == 2 && digits(s);
    let fields: Vec<&str> = clock.split(':').collect();
    let clock = match fields.as_slice() {
        [m, s] => two(m) && two(s),
        [h, m, s] => h.len() >= 2 && digits(h) && two(m) && two(s),
        _ => false,
    };
    clock && millis.len() == 3 && digits(millis)
}

/// A line of cue text with WebVTT's tags kept and anything else shown as text: other tags and
/// stray `<` become `&lt;`, a `&` that starts no WebVTT reference `&amp;`, and `-->` (which
/// would end the cue) `--&gt;`.
fn cue_text(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(i) = rest.find(['<', '&', '-']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if let Some(after) = rest.strip_prefix('<') {
            match after.find('>').map(|end| &after[..end]) {
                Some(tag) if is_cue_tag(tag) => {
                    out.push('<');
                    out.push_str(tag);
                    out.push('>');
                    rest = &after[tag.len() + 1..];
                }
                _ => {
                    out.push_str("&lt;");
                    rest = after;
                }
            }
        } else if let Some(after) = rest.strip_prefix('&') {
            let numeric = after
                .strip_prefix('#')
                .and_then(|n| n.split_once(';'))
                .is_some_and(|(n, _)| {
                    let n = n.strip_prefix(['x', 'X']).unwrap_or(n);
                    !n.is_empty() && n.len() <= 6 && n.chars().all(|c| c.is_ascii_hexdigit())
                });
            if numeric || REFERENCES.iter().any(|r| after.starts_with(r)) {
                out.push('&');
            } else {
                out.push_str("&amp;");
            }
            rest = after;
        } else if let Some(after) = rest.strip_prefix("-->") {
            out.push_str("--&gt;");
            rest = after;
        } else {
            out.push('-');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The inside of a WebVTT cue tag: a start tag with classes (and, for `v` and `lang`, an
/// annotation), an end tag, or a timestamp.
fn is_cue_tag(tag: &str) -> bool {
    const NAMES: &[&str] = &["c", "i", "b", "u", "ruby", "rt", "v", "lang"];
    if let Some(name) = tag.strip_prefix('/') {
        return NAMES.contains(&name);
    }
    if is_timestamp(tag) {
        return true;
    }
    let (head, annotation) = tag.split_once([' ', '\t']).unwrap_or((tag, ""));
    let mut parts = head.split('.');
    let name = parts.next().unwrap_or("");
    let classes = parts.all(|c| {
        !c.is_empty()
            && c.chars()
                .all(|ch| ch.is_alphanumeric() || ch == '-' || ch == '_')
    });
    classes
        && NAMES.contains(&name)
        && (matches!(name, "v" | "lang") || annotation.is_empty())
        && !annotation.contains(['<', '&'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_cues_are_kept_with_webvtt_markup() {
        let input = "\u{feff}WEBVTT - made by CANARY\r\n\r\nNOTE translated by CANARY\r\n\r\nSTYLE\r\n::cue { background: url(https://x.example/t.png) }\r\n\r\nREGION\r\nid:CANARY\r\n\r\nintro-CANARY\r\n00:00.000 --> 00:02.000 align:start region:CANARY\r\nHello <b>world</b> <v Wei>hi</v> <img src=x onerror=alert(1)> & --> &amp;\r\n";
        let out = clean(input.as_bytes()).unwrap();
        assert_eq!(
            out,
            "WEBVTT\n\n00:00.000 --> 00:02.000 align:start\nHello <b>world</b> <v Wei>hi</v> &lt;img src=x onerror=alert(1)> &amp; --&gt; &amp;\n"
        );
        assert!(crate::audit::metadata::leftovers(out.as_bytes()).is_empty());
        assert_eq!(clean(out.as_bytes()).unwrap(), out, "idempotent");
    }

    #[test]
    fn files_that_are_not_captions_are_refused() {
        assert!(
            clean(b"1\n00:00.000 --> 00:01.000\nhi").is_err(),
            "SRT is not WebVTT"
        );
        assert!(clean(b"WEBVTT\n\nNOTE only a note").is_err());
        assert!(clean(b"WEBVTT\n\n00:00,000 --> 00:01,000\nSRT times").is_err());
        assert!(clean(&[0xff, 0xfe, 0x00]).is_err());
    }

    #[test]
    fn any_damaged_copy_is_refused_or_clean() {
        let input = b"WEBVTT\n\nNOTE CANARY\n\n00:00.000 --> 00:01.000\n<i>hi</i> &lt;\n";
        for at in 0..input.len() {
            for bit in [0x01u8, 0x20, 0x40] {
                let mut damaged = input.to_vec();
                damaged[at] ^= bit;
                if let Ok(out) = clean(&damaged) {
                    let left = crate::audit::metadata::leftovers(out.as_bytes());
                    assert!(left.is_empty(), "byte {at}: {left:?}\n{out}");
                    assert!(!out.contains("CANARY"), "byte {at}:\n{out}");
                }
            }
        }
    }
}
