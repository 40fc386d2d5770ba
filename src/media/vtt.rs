//! WebVTT captions: checked and republished without comments.
//!
//! A caption file is text the browser shows over the video. [`clean`] requires UTF-8 and the
//! `WEBVTT` signature, normalises line ends, and drops `NOTE` blocks (comments, which subtitle
//! editors fill with the translator's name or working notes) and `STYLE` blocks (CSS, which could
//! load a remote font or image and so tell a third party who watches). Cue text is kept: the
//! browser renders it as text, never as HTML.

pub fn clean(data: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(data).map_err(|_| "captions are not UTF-8 text".to_string())?;
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let first = text.lines().next().unwrap_or("");
    if first != "WEBVTT" && !first.starts_with("WEBVTT ") && !first.starts_with("WEBVTT\t") {
        return Err("not a WebVTT file (the first line must be `WEBVTT`)".into());
    }
    let mut blocks: Vec<&str> = text.split("\n\n").map(|b| b.trim_matches('\n')).collect();
    blocks.retain(|b| !b.is_empty());
    let mut out = String::from("WEBVTT\n");
    let mut cues = 0;
    for block in blocks.iter().skip(1) {
        let head = block.lines().next().unwrap_or("");
        let comment = head == "NOTE" || head.starts_with("NOTE ") || head.starts_with("NOTE\t");
        let style = head == "STYLE" || head == "REGION";
        if comment || style {
            continue;
        }
        if block.contains("-->") {
            cues += 1;
        }
        out.push('\n');
        out.push_str(block);
        out.push('\n');
    }
    if cues == 0 {
        return Err("the captions hold no cue (`00:00.000 --> 00:02.000` lines)".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_styles_are_dropped_and_cues_kept() {
        let input = "\u{feff}WEBVTT - header text\r\n\r\nNOTE translated by CANARY\r\n\r\nSTYLE\r\n::cue { background: url(https://x.example/t.png) }\r\n\r\n1\r\n00:00.000 --> 00:02.000\r\nHello <b>world</b>\r\n";
        let out = clean(input.as_bytes()).unwrap();
        assert_eq!(
            out,
            "WEBVTT\n\n1\n00:00.000 --> 00:02.000\nHello <b>world</b>\n"
        );
    }

    #[test]
    fn files_that_are_not_captions_are_refused() {
        assert!(
            clean(b"1\n00:00.000 --> 00:01.000\nhi").is_err(),
            "SRT is not WebVTT"
        );
        assert!(clean(b"WEBVTT\n\nNOTE only a note").is_err());
        assert!(clean(&[0xff, 0xfe, 0x00]).is_err());
    }
}
