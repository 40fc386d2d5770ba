//! The check of a published PDF, from its bytes: no document information but the public title
//! and credit, no XMP, no attachments, scripts, forms, comments or bookmarks, and no EXIF or
//! other metadata inside embedded JPEG images.
//!
//! It shares no code with the cleaner ([`crate::media::pdf`], built on `lopdf`): a small lexer
//! reads the file's tokens, compressed (`FlateDecode`) streams are inflated and read the same
//! way (object streams included), and JPEG (`DCTDecode`) streams are walked segment by segment.
//! A name that a cleaned document never holds is a finding wherever it appears.

use super::image;

/// Names that a cleaned document never holds: document information other than the title and
/// author, XMP, thumbnails, application data, attachments, scripts and actions, forms,
/// bookmarks, structure and comments' authors.
const FORBIDDEN: &[(&[u8], &str)] = &[
    (b"Creator", "document information (/Creator)"),
    (b"Producer", "document information (/Producer)"),
    (b"Subject", "document information (/Subject)"),
    (b"Keywords", "document information (/Keywords)"),
    (b"CreationDate", "document information (/CreationDate)"),
    (b"ModDate", "document information (/ModDate)"),
    (b"Trapped", "document information (/Trapped)"),
    (b"Metadata", "an XMP metadata stream (/Metadata)"),
    (b"PieceInfo", "application data (/PieceInfo)"),
    (b"LastModified", "a modification date (/LastModified)"),
    (b"Thumb", "a page thumbnail (/Thumb)"),
    (b"EmbeddedFile", "an attached file"),
    (b"EmbeddedFiles", "attached files"),
    (b"FileAttachment", "an attached file"),
    (b"JavaScript", "a script"),
    (b"JS", "a script"),
    (b"OpenAction", "an action on opening"),
    (b"AA", "automatic actions"),
    (b"Launch", "an action that starts a program"),
    (b"SubmitForm", "a form action"),
    (b"AcroForm", "a form"),
    (b"XFA", "a form"),
    (b"Outlines", "bookmarks"),
    (b"StructTreeRoot", "a structure tree"),
    (b"Encrypt", "encryption"),
    (b"T", "an annotation's author (/T)"),
    (b"RC", "a comment's text (/RC)"),
    (b"Popup", "a comment"),
];

/// Limits for inflating streams: a hostile file cannot exhaust memory through the check.
const MAX_STREAM: usize = 256 << 20;
const MAX_TOTAL: usize = 1 << 30;

/// Everything in the document that a cleaned PDF does not have (empty for a clean file).
pub fn leftovers(data: &[u8]) -> Vec<String> {
    let mut check = Check::default();
    if !data.starts_with(b"%PDF-") {
        check.push("not a PDF (no %PDF- header)".into());
        return check.found;
    }
    let infos = info_objects(data);
    if infos.len() > 1 {
        check.push("several document information dictionaries".into());
    }
    check.info = infos.first().copied();
    check.read(data, true);
    check.found
}

/// The object numbers that `/Info N G R` references point to.
fn info_objects(data: &[u8]) -> Vec<u64> {
    let mut found = Vec::new();
    let mut at = 0;
    let mut last: [Option<Token>; 4] = [None, None, None, None];
    while let Some((token, next)) = lex(data, at) {
        at = next;
        let stream = matches!(&token, Token::Word(w) if w == b"stream");
        last.rotate_left(1);
        last[3] = Some(token);
        if let [
            Some(Token::Name(info)),
            Some(Token::Word(n)),
            Some(Token::Word(_)),
            Some(Token::Word(r)),
        ] = &last
            && info == b"Info"
            && r == b"R"
            && let Some(n) = std::str::from_utf8(n).ok().and_then(|n| n.parse().ok())
            && !found.contains(&n)
        {
            found.push(n);
        }
        if stream {
            // Stream data holds no reference to the document information.
            at = find(&data[at..], b"endstream").map_or(data.len(), |i| at + i + 9);
        }
    }
    found
}

#[derive(Default)]
struct Check {
    found: Vec<String>,
    /// The object number of the document information dictionary.
    info: Option<u64>,
    /// The object being read (`None` inside streams' own bytes).
    object: Option<u64>,
    inflated: usize,
}

impl Check {
    fn push(&mut self, what: String) {
        if !self.found.contains(&what) {
            self.found.push(what);
        }
    }

    /// Reads the tokens of `data`; with `file`, `stream` keywords start stream data (in a
    /// content or object stream's own bytes they cannot).
    fn read(&mut self, data: &[u8], file: bool) {
        for marker in super::XMP_MARKERS {
            if contains(data, marker) {
                self.push("an XMP packet".into());
            }
        }
        if contains(data, b"Exif\0\0") {
            self.push("an EXIF block".into());
        }
        let mut object: Vec<Token> = Vec::new();
        let mut at = 0;
        let outer = self.object;
        if !file {
            self.object = None;
        }
        while let Some((token, next)) = lex(data, at) {
            at = next;
            match &token {
                Token::Name(name) => self.name(name),
                Token::Word(w) if file && w == b"obj" => {
                    let number = object.len().checked_sub(2).and_then(|i| match &object[i] {
                        Token::Word(n) => std::str::from_utf8(n).ok()?.parse().ok(),
                        _ => None,
                    });
                    self.object = number;
                    object.clear();
                }
                Token::Word(w) if file && matches!(w.as_slice(), b"endobj" | b"trailer") => {
                    self.object = None;
                }
                Token::Word(w) if file && w == b"stream" => {
                    at = self.stream(data, at, &object);
                    object.clear();
                    continue;
                }
                _ => {}
            }
            if file {
                object.push(token);
            }
        }
        self.object = outer;
    }

    fn name(&mut self, name: &[u8]) {
        let in_info = self.object.is_some() && self.object == self.info;
        match name {
            b"Title" | b"Author" if !in_info => self.push(format!(
                "/{} outside the document information",
                String::from_utf8_lossy(name)
            )),
            b"Title" | b"Author" => {}
            _ if in_info => self.push(format!(
                "document information other than the title and credit (/{})",
                String::from_utf8_lossy(name)
            )),
            _ => {
                if let Some((_, what)) = FORBIDDEN.iter().find(|(n, _)| *n == name) {
                    self.push((*what).to_string());
                }
            }
        }
    }

    /// Checks the stream whose data starts after the `stream` keyword at `at` (its dictionary's
    /// tokens in `dict`); returns where reading goes on.
    fn stream(&mut self, data: &[u8], mut at: usize, dict: &[Token]) -> usize {
        if data.get(at) == Some(&b'\r') {
            at += 1;
        }
        if data.get(at) == Some(&b'\n') {
            at += 1;
        }
        let declared = length(dict).filter(|&n| {
            let end = at.saturating_add(n);
            let after = data.get(end..).unwrap_or(&[]);
            let after = after.strip_prefix(b"\r").unwrap_or(after);
            let after = after.strip_prefix(b"\n").unwrap_or(after);
            after.starts_with(b"endstream")
        });
        let end = match declared {
            Some(n) => at + n,
            None => match find(&data[at..], b"endstream") {
                Some(i) => at + i,
                None => {
                    self.push("a stream without an end".into());
                    return data.len();
                }
            },
        };
        let bytes = &data[at..end];
        match filters(dict).as_slice() {
            [] => self.read(bytes, false),
            [f] if f == b"FlateDecode" => match self.inflate(bytes) {
                Some(plain) => self.read(&plain, false),
                None => self.push("a compressed stream that cannot be read".into()),
            },
            [f] if f == b"DCTDecode" => {
                for block in image::blocks(bytes) {
                    if block != image::ADOBE {
                        self.push(format!("{block} in an embedded JPEG image"));
                    }
                }
            }
            // Other image encodings (CCITT, JBIG2, JPEG 2000, run length) hold pixels; their
            // bytes were searched for XMP and EXIF markers above.
            _ => self.read_markers(bytes),
        }
        end + b"endstream".len()
    }

    fn read_markers(&mut self, bytes: &[u8]) {
        for marker in super::XMP_MARKERS {
            if contains(bytes, marker) {
                self.push("an XMP packet".into());
            }
        }
    }

    /// A compressed stream's bytes, or `None` if it does not inflate to its end (damaged or
    /// truncated data is not half read) or is larger than the limits.
    fn inflate(&mut self, bytes: &[u8]) -> Option<Vec<u8>> {
        use flate2::{Decompress, FlushDecompress, Status};
        let limit = MAX_STREAM.min(MAX_TOTAL.saturating_sub(self.inflated));
        let mut inflater = Decompress::new(true);
        let mut out = Vec::with_capacity((bytes.len() * 4).min(limit));
        loop {
            if out.len() == out.capacity() {
                if out.len() >= limit {
                    return None;
                }
                out.reserve((out.len() + 4096).min(limit - out.len()));
            }
            let read = inflater.total_in() as usize;
            let input = bytes.get(read..)?;
            let before = (inflater.total_in(), inflater.total_out());
            let status = inflater
                .decompress_vec(input, &mut out, FlushDecompress::None)
                .ok()?;
            match status {
                Status::StreamEnd => break,
                _ if (inflater.total_in(), inflater.total_out()) == before => return None,
                _ => {}
            }
        }
        self.inflated += out.len();
        Some(out)
    }
}

/// `/Length N` of a stream's dictionary, when given directly.
fn length(dict: &[Token]) -> Option<usize> {
    let i = dict
        .iter()
        .rposition(|t| *t == Token::Name(b"Length".to_vec()))?;
    let Some(Token::Word(n)) = dict.get(i + 1) else {
        return None;
    };
    if matches!(dict.get(i + 3), Some(Token::Word(r)) if r == b"R") {
        return None;
    }
    std::str::from_utf8(n).ok()?.parse().ok()
}

/// The names of `/Filter` (one, or an array).
fn filters(dict: &[Token]) -> Vec<Vec<u8>> {
    let Some(i) = dict
        .iter()
        .rposition(|t| *t == Token::Name(b"Filter".to_vec()))
    else {
        return Vec::new();
    };
    match dict.get(i + 1) {
        Some(Token::Name(n)) => vec![n.clone()],
        Some(Token::Open) => dict[i + 2..]
            .iter()
            .map_while(|t| match t {
                Token::Name(n) => Some(n.clone()),
                _ => None,
            })
            .collect(),
        _ => vec![b"unknown".to_vec()],
    }
}

#[derive(Debug, PartialEq)]
enum Token {
    Name(Vec<u8>),
    /// Numbers and keywords.
    Word(Vec<u8>),
    /// `[`: the start of an array.
    Open,
    /// Strings, dictionary and array ends and other punctuation.
    Other,
}

fn is_space(b: u8) -> bool {
    matches!(b, 0 | b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// The token starting at or after `at`, and where the next one may start.
fn lex(data: &[u8], mut at: usize) -> Option<(Token, usize)> {
    loop {
        let &b = data.get(at)?;
        if is_space(b) {
            at += 1;
        } else if b == b'%' {
            at = data[at..]
                .iter()
                .position(|&c| c == b'\n' || c == b'\r')
                .map_or(data.len(), |i| at + i);
        } else {
            break;
        }
    }
    let regular = |from: usize| {
        data[from..]
            .iter()
            .position(|&c| is_space(c) || is_delimiter(c))
            .map_or(data.len(), |i| from + i)
    };
    let token = match data[at] {
        b'/' => {
            let end = regular(at + 1);
            let name = unescape_name(&data[at + 1..end]);
            return Some((Token::Name(name), end));
        }
        b'(' => return Some((Token::Other, skip_string(data, at))),
        b'<' if data.get(at + 1) == Some(&b'<') => return Some((Token::Other, at + 2)),
        b'<' => {
            let end = data[at..].iter().position(|&c| c == b'>');
            return Some((Token::Other, end.map_or(data.len(), |i| at + i + 1)));
        }
        b'[' => return Some((Token::Open, at + 1)),
        b')' | b'>' | b']' | b'{' | b'}' => return Some((Token::Other, at + 1)),
        _ => {
            let end = regular(at);
            (Token::Word(data[at..end].to_vec()), end)
        }
    };
    Some(token)
}

/// A name with its `#xx` escapes decoded (`/Cre#61tor` is `/Creator`).
fn unescape_name(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let hex = raw
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (raw[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'#', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

/// The end of the literal string starting at `at` (balanced parentheses, `\` escapes).
fn skip_string(data: &[u8], at: usize) -> usize {
    let mut depth = 0usize;
    let mut i = at;
    while let Some(&b) = data.get(i) {
        match b {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    data.len()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pdf(objects: &str) -> Vec<u8> {
        format!("%PDF-1.7\n{objects}\ntrailer << /Root 1 0 R /Info 9 0 R >>\n%%EOF\n").into_bytes()
    }

    #[test]
    fn the_title_and_author_belong_to_the_document_information_only() {
        let clean = pdf("9 0 obj << /Title (A /Creator in a title) /Author (W. L.) >> endobj");
        assert_eq!(leftovers(&clean), Vec::<String>::new());
        let pasted = pdf(
            "4 0 obj << /Subtype /Image /Author (CANARY) >> endobj 9 0 obj << /Title (a) >> endobj",
        );
        assert_eq!(
            leftovers(&pasted),
            ["/Author outside the document information"]
        );
        let extra = pdf("9 0 obj << /Title (a) /Company (CANARY) >> endobj");
        assert_eq!(
            leftovers(&extra),
            ["document information other than the title and credit (/Company)"]
        );
    }

    #[test]
    fn information_xmp_and_scripts_are_found_even_escaped_or_compressed() {
        let info = pdf(
            "8 0 obj << /Producer (Word) /Cre#61tor (x) >> endobj 9 0 obj << /Title (a) >> endobj",
        );
        assert_eq!(
            leftovers(&info),
            [
                "document information (/Producer)",
                "document information (/Creator)"
            ]
        );
        let mut compressed = Vec::new();
        {
            use std::io::Write;
            let mut z =
                flate2::write::ZlibEncoder::new(&mut compressed, flate2::Compression::fast());
            z.write_all(b"<< /Type /Catalog /OpenAction 3 0 R >> <x:xmpmeta>CANARY</x:xmpmeta>")
                .unwrap();
            z.finish().unwrap();
        }
        let mut file = b"%PDF-1.5\n5 0 obj << /Type /ObjStm /Filter /FlateDecode /Length ".to_vec();
        file.extend(format!("{} >>\nstream\n", compressed.len()).as_bytes());
        file.extend(&compressed);
        file.extend(b"\nendstream endobj\n");
        assert_eq!(leftovers(&file), ["an XMP packet", "an action on opening"]);
    }

    #[test]
    fn exif_in_an_embedded_jpeg_is_found() {
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1, 0, 8];
        jpeg.extend(b"Exif\0\0");
        jpeg.extend([0xFF, 0xEE, 0, 7]);
        jpeg.extend(b"Adobe");
        jpeg.extend([0xFF, 0xDA, 0, 2, 0xFF, 0xD9]);
        let mut file = b"%PDF-1.7\n4 0 obj << /Subtype /Image /Filter /DCTDecode /Length ".to_vec();
        file.extend(format!("{} >>\nstream\n", jpeg.len()).as_bytes());
        file.extend(&jpeg);
        file.extend(b"\nendstream endobj\n");
        let found = leftovers(&file);
        assert!(
            found.contains(&"EXIF in an embedded JPEG image".to_string()),
            "{found:?}"
        );
        assert!(!found.iter().any(|f| f.contains("Adobe")), "{found:?}");
    }

    #[test]
    fn damaged_input_does_not_panic() {
        let file = pdf("9 0 obj << /Title (unbalanced ( /Author >> stream\n\\");
        for n in 0..file.len() {
            let _ = leftovers(&file[..n]);
        }
    }
}
