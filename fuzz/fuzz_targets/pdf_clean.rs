//! PDF cleaning, with an oracle: any bytes (seeded with real documents whose information, XMP,
//! comments and embedded JPEG hold `CANARY` and a place) go through what a build does, the
//! cleaner and then the independent check (`sesh::audit::metadata`); either refuses the
//! document, or what is published holds no canary outside stream data (a mutation may copy the
//! word into a page's text, which is the document's own content).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let public = sesh::media::pdf::Public {
        title: "Public title",
        author: "A. B.",
    };
    let Ok(cleaned) = sesh::media::pdf::clean(data, &public) else {
        return;
    };
    let bytes = &cleaned.bytes;
    if !sesh::audit::metadata::leftovers(bytes).is_empty() {
        return; // refused by the check, as a build refuses it
    }
    assert!(
        !outside_streams(bytes).windows(6).any(|w| w == b"CANARY"),
        "a canary survived outside stream data"
    );
});

/// The file without the data of its streams (each `/Length` bytes after `stream`, as the
/// writer gives it; a stream's data may itself hold the word `endstream`).
fn outside_streams(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some(start) = find_stream(rest) {
        let head = &rest[..start];
        out.extend_from_slice(head);
        let length = head
            .windows(7)
            .rposition(|w| w == b"/Length")
            .and_then(|at| {
                let digits: Vec<u8> = head[at + 7..]
                    .iter()
                    .skip_while(|b| b.is_ascii_whitespace())
                    .take_while(|b| b.is_ascii_digit())
                    .copied()
                    .collect();
                std::str::from_utf8(&digits).ok()?.parse::<usize>().ok()
            });
        rest = &rest[start + 7..];
        let skip = match length {
            Some(n) if n <= rest.len() => n,
            _ => find(rest, b"endstream").unwrap_or(rest.len()),
        };
        rest = &rest[skip..];
    }
    out.extend_from_slice(rest);
    out
}

/// Where the next `stream` keyword (not the end of `endstream`) followed by a line end is.
fn find_stream(bytes: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = find(&bytes[from..], b"stream\n") {
        let at = from + at;
        if !bytes[..at].ends_with(b"end") {
            return Some(at);
        }
        from = at + 7;
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
