//! Metadata blocks in image bytes: EXIF (which holds GPS positions), XMP, IPTC, ICC profiles,
//! comments and text chunks, in JPEG, PNG, WebP and GIF files recognised by content. Published
//! images are re-encoded from pixels, so they should carry none of these.

/// The metadata blocks found in `bytes` (empty for a clean image or a file that is not one).
pub fn blocks(bytes: &[u8]) -> Vec<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        jpeg(bytes)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png(bytes)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        webp(bytes)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        gif(bytes)
    } else {
        Vec::new()
    }
}

/// The Adobe APP14 segment: how to read the colours of a CMYK or YCCK JPEG, no metadata (PDF
/// writers keep it in embedded JPEGs).
pub const ADOBE: &str = "Adobe APP14 (colour transform)";

fn jpeg(bytes: &[u8]) -> Vec<&'static str> {
    let mut found = Vec::new();
    let mut i = 2;
    while i + 4 <= bytes.len() && bytes[i] == 0xFF {
        let marker = bytes[i + 1];
        if marker == 0xDA || marker == 0xD9 {
            break; // image data follows: no more header segments
        }
        let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
        let body = bytes
            .get(i + 4..(i + 2 + len).min(bytes.len()))
            .unwrap_or(&[]);
        match marker {
            0xE1 if body.starts_with(b"Exif\0") => {
                found.push("EXIF");
                if contains(body, &[0x25, 0x88]) || contains(body, &[0x88, 0x25]) {
                    found.push("GPS");
                }
            }
            0xE1 if body.starts_with(b"http://ns.adobe.com/") => found.push("XMP"),
            0xE1 => found.push("APP1 segment"),
            0xE2 if body.starts_with(b"ICC_PROFILE") => found.push("ICC profile"),
            0xEE if body.starts_with(b"Adobe") => found.push(ADOBE),
            0xED => found.push("IPTC (Photoshop APP13)"),
            0xFE => found.push("JPEG comment"),
            0xE2..=0xEF => found.push("APPn segment"),
            _ => {}
        }
        i += 2 + len;
    }
    found
}

fn png(bytes: &[u8]) -> Vec<&'static str> {
    let mut found = Vec::new();
    let mut i = 8;
    while i + 8 <= bytes.len() {
        let len = u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]) as usize;
        match &bytes[i + 4..i + 8] {
            b"eXIf" => found.push("EXIF"),
            b"iTXt" | b"tEXt" | b"zTXt" => {
                let body = bytes
                    .get(i + 8..(i + 8 + len).min(bytes.len()))
                    .unwrap_or(&[]);
                found.push(if body.starts_with(b"XML:com.adobe.xmp") {
                    "XMP"
                } else {
                    "PNG text chunk"
                });
            }
            b"iCCP" => found.push("ICC profile"),
            b"tIME" => found.push("PNG timestamp"),
            b"IEND" => break,
            _ => {}
        }
        i = i.saturating_add(12).saturating_add(len);
    }
    found
}

fn webp(bytes: &[u8]) -> Vec<&'static str> {
    let mut found = Vec::new();
    let mut i = 12;
    while i + 8 <= bytes.len() {
        let len =
            u32::from_le_bytes([bytes[i + 4], bytes[i + 5], bytes[i + 6], bytes[i + 7]]) as usize;
        match &bytes[i..i + 4] {
            b"EXIF" => found.push("EXIF"),
            b"XMP " => found.push("XMP"),
            b"ICCP" => found.push("ICC profile"),
            _ => {}
        }
        i = i.saturating_add(8).saturating_add(len + (len & 1));
    }
    found
}

/// GIF: comment extensions and application extensions carrying XMP, found by walking blocks.
fn gif(bytes: &[u8]) -> Vec<&'static str> {
    let mut found = Vec::new();
    let table = |flags: u8| {
        if flags & 0x80 != 0 {
            3usize << ((flags & 7) + 1)
        } else {
            0
        }
    };
    let Some(&flags) = bytes.get(10) else {
        return found;
    };
    let mut i = 13 + table(flags);
    // Skips sub-blocks (size byte, then data) up to the zero terminator.
    let skip = |mut i: usize| {
        while let Some(&n) = bytes.get(i) {
            i += 1 + n as usize;
            if n == 0 {
                break;
            }
        }
        i
    };
    while let Some(&kind) = bytes.get(i) {
        match kind {
            0x21 => {
                let label = bytes.get(i + 1).copied().unwrap_or(0);
                if label == 0xFE {
                    found.push("GIF comment");
                } else if label == 0xFF && bytes.get(i + 3..i + 14) == Some(b"XMP DataXMP") {
                    found.push("XMP");
                }
                i = skip(i + 2);
            }
            0x2C => {
                let local = bytes.get(i + 9).copied().unwrap_or(0);
                i = skip(i + 10 + table(local) + 1);
            }
            _ => break,
        }
    }
    found
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg_with(segment: &[u8]) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8];
        b.extend_from_slice(segment);
        b.extend_from_slice(&[0xFF, 0xDA, 0, 2, 0xFF, 0xD9]);
        b
    }

    fn seg(marker: u8, body: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(body);
        s
    }

    #[test]
    fn jpeg_blocks_are_named() {
        assert!(blocks(&jpeg_with(&seg(0xE0, b"JFIF\0"))).is_empty());
        let exif = blocks(&jpeg_with(&seg(0xE1, b"Exif\0\0MM\0\x2a\x88\x25")));
        assert_eq!(exif, ["EXIF", "GPS"]);
        let xmp = blocks(&jpeg_with(&seg(
            0xE1,
            b"http://ns.adobe.com/xap/1.0/\0<x/>",
        )));
        assert_eq!(xmp, ["XMP"]);
        assert_eq!(
            blocks(&jpeg_with(&seg(0xED, b"Photoshop 3.0"))),
            ["IPTC (Photoshop APP13)"]
        );
        assert_eq!(blocks(&jpeg_with(&seg(0xFE, b"hi"))), ["JPEG comment"]);
    }

    #[test]
    fn png_and_webp_chunks_are_named() {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        for (kind, body) in [
            (&b"IHDR"[..], &b"0123456789abc"[..]),
            (b"tEXt", b"Author\0x"),
            (b"eXIf", b"MM"),
        ] {
            png.extend_from_slice(&(body.len() as u32).to_be_bytes());
            png.extend_from_slice(kind);
            png.extend_from_slice(body);
            png.extend_from_slice(&[0; 4]);
        }
        assert_eq!(blocks(&png), ["PNG text chunk", "EXIF"]);
        let mut webp = b"RIFF\0\0\0\0WEBP".to_vec();
        webp.extend_from_slice(b"EXIF\x03\0\0\0abc\0");
        webp.extend_from_slice(b"XMP \x02\0\0\0ab");
        assert_eq!(blocks(&webp), ["EXIF", "XMP"]);
        assert!(blocks(b"<html>").is_empty());
        let mut gif = b"GIF89a\x01\0\x01\0\0\0\0".to_vec();
        gif.extend_from_slice(b"\x21\xFE\x02hi\0");
        gif.extend_from_slice(b"\x2C\0\0\0\0\x01\0\x01\0\0\x02\x02\x44\x01\0\x3B");
        assert_eq!(blocks(&gif), ["GIF comment"]);
    }

    #[test]
    fn truncated_inputs_do_not_panic() {
        for n in 0..40 {
            let mut b = jpeg_with(&seg(0xE1, b"Exif\0\0MM\0\x2a"));
            b.truncate(n);
            let _ = blocks(&b);
            let mut p = b"\x89PNG\r\n\x1a\n\xff\xff\xff\xfftEXt".to_vec();
            p.truncate(n);
            let _ = blocks(&p);
        }
    }
}
