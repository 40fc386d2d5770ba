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

/// The file without the bytes between `stream` and `endstream`.
fn outside_streams(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some(start) = find(rest, b"stream") {
        out.extend_from_slice(&rest[..start]);
        rest = &rest[start + 6..];
        match find(rest, b"endstream") {
            Some(end) => rest = &rest[end + 9..],
            None => return out,
        }
    }
    out.extend_from_slice(rest);
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
