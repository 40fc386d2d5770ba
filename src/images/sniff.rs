//! SNIFF: a file's first bytes → the format it really is, whatever its extension says.
//!
//! Takes the bytes of a source file; produces the [`Format`] sesh decodes, or a [`Failure`] that
//! says what the file is (a HEIC photo, a PDF, a text file renamed `.jpg`, an empty file…) and
//! what to do about it. The consent gate already refused unsupported extensions; this catches
//! files whose content does not match their name.

use super::Failure;

/// Formats sesh decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Gif,
    WebP,
}

const EXPORT: &str = "open it in an image editor and export it as JPEG (photos) or PNG (drawings)";

/// Identifies `bytes` by their content.
pub fn sniff(bytes: &[u8]) -> Result<Format, Failure> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if bytes.is_empty() {
        return Err(Failure::new(
            "the file is empty (0 bytes)",
            "replace it with the original image file",
        ));
    }
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Format::Jpeg);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Ok(Format::Png);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Ok(Format::Gif);
    }
    if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Ok(Format::WebP);
    }
    Err(unsupported(bytes))
}

/// What an unsupported file is, in words a contest organiser understands.
fn unsupported(bytes: &[u8]) -> Failure {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if let Some(brand) = bytes.get(4..12).filter(|b| b.starts_with(b"ftyp")) {
        return match &brand[4..8] {
            b"avif" | b"avis" => {
                Failure::new("this is an AVIF image, which sesh does not publish", EXPORT)
            }
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" => {
                Failure::new(
                    "this is a HEIC photo (the iPhone's default format), which sesh does not publish",
                    "export it as JPEG (on the phone: share or save it as JPEG, or set Settings › Camera › Formats › Most Compatible) and list the .jpg file",
                )
            }
            _ => Failure::new(
                "this is a video or other ISO media file, not an image",
                EXPORT,
            ),
        };
    }
    if starts(b"%PDF") {
        return Failure::new(
            "this is a PDF document, not an image",
            "export the page as PNG (or JPEG for a photo) and list that file",
        );
    }
    if starts(b"II*\0") || starts(b"MM\0*") {
        return Failure::new("this is a TIFF image, which sesh does not publish", EXPORT);
    }
    if starts(b"8BPS") {
        return Failure::new(
            "this is a Photoshop document, not a published image format",
            EXPORT,
        );
    }
    if starts(b"BM") {
        return Failure::new("this is a BMP image, which sesh does not publish", EXPORT);
    }
    if starts(b"PK\x03\x04") {
        return Failure::new(
            "this is a ZIP archive (or an Office document), not an image",
            "extract or export the image itself and list that file",
        );
    }
    if let Some(text) = text_start(bytes) {
        if text.contains("<svg") {
            return Failure::new(
                "this is an SVG drawing; sesh does not publish SVG (it can carry scripts and links)",
                "export it as PNG and list the .png file",
            );
        }
        return Failure::new(
            format!("this is a text file (it starts with \"{text}\"), not an image"),
            "replace it with the image file itself",
        );
    }
    Failure::new(
        "this is not a JPEG, PNG, GIF or WebP image (its content is not a format sesh recognises)",
        EXPORT,
    )
}

/// The first characters of `bytes` if they look like text (UTF-8, no control characters).
fn text_start(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(512)];
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        // A multi-byte character cut at the end of the window is still text.
        Err(e) if e.valid_up_to() + 4 > head.len() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).ok()?
        }
        Err(_) => return None,
    };
    let text = text.trim_start_matches('\u{feff}');
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return None;
    }
    let first: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(first.chars().take(40).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(bytes: &[u8]) -> String {
        sniff(bytes).unwrap_err().message
    }

    #[test]
    fn formats_are_known_by_content() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest").unwrap(), Format::Jpeg);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest").unwrap(), Format::Png);
        assert_eq!(sniff(b"GIF89a...").unwrap(), Format::Gif);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ").unwrap(), Format::WebP);
    }

    #[test]
    fn unsupported_files_say_what_they_are() {
        assert!(message(b"").contains("empty"));
        assert!(message(b"\0\0\0\x18ftypheic\0\0\0\0").contains("HEIC"));
        assert!(message(b"%PDF-1.7\n").contains("PDF"));
        assert!(message(b"<?xml version=\"1.0\"?>\n<svg xmlns=").contains("SVG"));
        assert!(message(b"II*\0\x08\0\0\0").contains("TIFF"));
        let text = message(b"Hello, this is not a picture\n");
        assert!(
            text.contains("text file") && text.contains("Hello, this"),
            "{text}"
        );
        assert!(message(&[0x00, 0x01, 0x02, 0xFE]).contains("not a JPEG"));
    }
}
