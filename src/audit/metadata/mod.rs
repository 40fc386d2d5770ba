//! Metadata in published files, found from their bytes alone.
//!
//! [`blocks`] finds the metadata blocks of images (EXIF, GPS, XMP, IPTC, ICC, comments, text
//! chunks). [`leftovers`] checks any media file sesh publishes against what a cleaned file of its
//! kind holds: images ([`image`]), MP4/QuickTime ([`mp4`]), PDF ([`pdf`]) and WebVTT ([`vtt`]),
//! plus XMP packets and QuickTime metadata keys anywhere in their bytes. The media stage runs it
//! on every file it writes and refuses the file on a finding; the output scan runs it on every
//! published file. None of this shares code with the cleaners: it is the independent check that
//! what was written holds nothing it should not.

pub mod image;
mod mp4;
mod pdf;
mod vtt;

pub use image::blocks;

/// Byte sequences that start or wrap an XMP packet.
const XMP_MARKERS: &[&[u8]] = &[b"<?xpacket", b"x:xmpmeta", b"rdf:RDF", b"rdf:Description"];

/// The kinds of file that [`leftovers`] knows, recognised by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Image,
    Mp4,
    Pdf,
    Vtt,
}

impl Kind {
    pub fn of(bytes: &[u8]) -> Option<Kind> {
        let image = bytes.starts_with(&[0xFF, 0xD8, 0xFF])
            || bytes.starts_with(b"\x89PNG\r\n\x1a\n")
            || (bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP")
            || bytes.starts_with(b"GIF8");
        if image {
            Some(Kind::Image)
        } else if bytes.get(4..8) == Some(b"ftyp") {
            Some(Kind::Mp4)
        } else if bytes.starts_with(b"%PDF") {
            Some(Kind::Pdf)
        } else if bytes.starts_with(b"WEBVTT") || bytes.starts_with("\u{feff}WEBVTT".as_bytes()) {
            Some(Kind::Vtt)
        } else {
            None
        }
    }
}

/// What `bytes` hold beyond what showing or playing them needs, if they are a media file sesh
/// knows (empty for a clean file, and for any other file).
pub fn leftovers(bytes: &[u8]) -> Vec<String> {
    let Some(kind) = Kind::of(bytes) else {
        return Vec::new();
    };
    let mut found = match kind {
        Kind::Image => blocks(bytes).into_iter().map(String::from).collect(),
        Kind::Mp4 => mp4::leftovers(bytes),
        Kind::Pdf => pdf::leftovers(bytes),
        Kind::Vtt => vtt::leftovers(bytes),
    };
    let mut add = |what: &str| {
        if !found.iter().any(|f| f == what) {
            found.push(what.to_string());
        }
    };
    if XMP_MARKERS.iter().any(|m| contains(bytes, m)) {
        add("an XMP packet");
    }
    if contains(bytes, b"com.apple.quicktime") {
        add("QuickTime metadata keys (com.apple.quicktime…)");
    }
    found
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
