//! Bytes of a CSV export → text, in the encoding the file was saved in, never guessed silently
//! wrong.
//!
//! Real exports come as UTF-8 (with or without a byte order mark), UTF-16 (Excel's "Unicode
//! text", usually little-endian with a BOM) or GB18030/GBK (Excel's CSV on Chinese Windows).
//! With [`Encoding::Auto`] the order is: a BOM decides; else a NUL-byte pattern means UTF-16;
//! else valid UTF-8 is UTF-8; else GB18030, only if the bytes decode cleanly as GB18030 and do not
//! look like damaged UTF-8. Whatever was chosen, text holding a replacement character, a NUL or
//! the typical traces of a wrong decoding (`Ã©`, `â€™`, `锟斤拷`) stops the import: a title in
//! mojibake is an error, not an entry.

use anyhow::{Result, bail};

/// The encoding asked for with `--encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Encoding {
    /// Detect: BOM, NUL pattern (UTF-16), valid UTF-8, else GB18030
    Auto,
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// UTF-16; the BOM or the NUL pattern tells little- from big-endian (default: little)
    #[value(name = "utf-16", alias = "utf16")]
    Utf16,
    /// GB18030, which includes GBK and GB2312
    #[value(name = "gb18030", alias = "gbk", alias = "gb2312")]
    Gb18030,
}

/// Decodes `bytes` of the file shown as `file`; returns the text and the encoding's name.
pub fn decode(bytes: &[u8], asked: Encoding, file: &str) -> Result<(String, &'static str)> {
    let (text, name) = match asked {
        Encoding::Auto => detect(bytes, file)?,
        Encoding::Utf8 => (utf8(bytes, file)?, "UTF-8"),
        Encoding::Utf16 => utf16(bytes, file)?,
        Encoding::Gb18030 => {
            // Chinese text in GB18030 is almost never valid UTF-8; read as GB18030, UTF-8
            // Chinese would become other Chinese characters, which no check could see.
            if std::str::from_utf8(bytes)
                .is_ok_and(|t| t.chars().filter(|c| c.len_utf8() >= 3).count() >= 2)
            {
                bail!(
                    "{file}: this file is UTF-8 text, not GB18030; nothing was imported\n  hint: leave --encoding out (or give --encoding utf-8)"
                );
            }
            (gb18030(bytes, file)?, "GB18030")
        }
    };
    Ok((text, name))
}

fn detect(bytes: &[u8], file: &str) -> Result<(String, &'static str)> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Ok((utf8(bytes, file)?, "UTF-8"));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return utf16(bytes, file);
    }
    if nul_pattern(bytes).is_some() {
        return utf16(bytes, file);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text.to_string(), "UTF-8")),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            // GBK pairs rarely form three-byte UTF-8 sequences; a file that does so before
            // its first invalid byte is UTF-8 that was damaged (cut, or edited in two encodings).
            let wide = String::from_utf8_lossy(valid)
                .chars()
                .filter(|c| c.len_utf8() >= 3)
                .count();
            if wide >= 2 {
                bail!(
                    "{file}: this file is UTF-8 up to byte {} (row {}), then holds bytes that are not UTF-8; nothing was imported\n  hint: export it again, or, if it really is in another encoding, say which with --encoding gb18030|utf-16|utf-8",
                    e.valid_up_to(),
                    line_at(bytes, e.valid_up_to())
                );
            }
            Ok((gb18030(bytes, file)?, "GB18030"))
        }
    }
}

/// Whether the first bytes look like UTF-16 without a BOM: ASCII text in UTF-16 has a NUL in
/// every other byte. `Some(true)` for little-endian.
fn nul_pattern(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|b| **b == 0)
        .count();
    if odd * 10 >= pairs * 4 && even * 10 < pairs {
        Some(true)
    } else if even * 10 >= pairs * 4 && odd * 10 < pairs {
        Some(false)
    } else {
        None
    }
}

fn utf8(bytes: &[u8], file: &str) -> Result<String> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => bail!(
            "{file}: not UTF-8 text (byte {}, row {}); nothing was imported\n  hint: Excel on Chinese Windows saves CSV as GB18030/GBK: try --encoding gb18030 (or --encoding utf-16 for \"Unicode text\")",
            e.valid_up_to(),
            line_at(bytes, e.valid_up_to())
        ),
    }
}

fn utf16(bytes: &[u8], file: &str) -> Result<(String, &'static str)> {
    let (little, body) = if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        (true, rest)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        (false, rest)
    } else {
        (nul_pattern(bytes).unwrap_or(true), bytes)
    };
    let (encoding, name) = if little {
        (encoding_rs::UTF_16LE, "UTF-16LE")
    } else {
        (encoding_rs::UTF_16BE, "UTF-16BE")
    };
    match encoding.decode_without_bom_handling_and_without_replacement(body) {
        Some(text) => Ok((text.into_owned(), name)),
        None => bail!(
            "{file}: not {name} text (an odd number of bytes, or a broken character); nothing was imported\n  hint: try --encoding utf-8 or --encoding gb18030"
        ),
    }
}

fn gb18030(bytes: &[u8], file: &str) -> Result<String> {
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok(text.into_owned()),
        None => bail!(
            "{file}: neither UTF-8 nor GB18030/GBK text; nothing was imported\n  hint: save the export again as \"CSV UTF-8\" (Excel: File → Save As), or say its encoding with --encoding utf-8|utf-16|gb18030"
        ),
    }
}

/// 1-based line of a byte offset (for messages: which row to look at).
fn line_at(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The first trace of a wrong decoding in `text`, if any: a replacement character, a NUL, the
/// GBK reading of a UTF-8 replacement character, or UTF-8 read as Latin-1/Windows-1252 (a lead
/// byte followed by as many continuation bytes as it announces, all shown as Latin letters).
pub fn mojibake(text: &str) -> Option<String> {
    if let Some(i) = text.find(['\u{FFFD}', '\0']) {
        return Some(around(text, i));
    }
    if let Some(i) = text.find("锟斤拷") {
        return Some(around(text, i));
    }
    if text.is_ascii() {
        return None;
    }
    for (i, c) in text.char_indices() {
        let follow = match c as u32 {
            0xC2..=0xDF => 1,
            0xE0..=0xEF => 2,
            0xF0..=0xF4 => 3,
            _ => continue,
        };
        let mut rest = text[i + c.len_utf8()..].chars().take(follow);
        if rest.clone().count() == follow && rest.all(continuation) {
            return Some(around(text, i));
        }
    }
    None
}

/// A character that a UTF-8 continuation byte (0x80–0xBF) becomes when read as Latin-1 or
/// Windows-1252.
fn continuation(c: char) -> bool {
    matches!(c as u32, 0x80..=0xBF)
        || matches!(
            c,
            '€' | '‚'
                | 'ƒ'
                | '„'
                | '…'
                | '†'
                | '‡'
                | 'ˆ'
                | '‰'
                | 'Š'
                | '‹'
                | 'Œ'
                | 'Ž'
                | '\u{2018}'
                | '\u{2019}'
                | '\u{201C}'
                | '\u{201D}'
                | '•'
                | '–'
                | '—'
                | '˜'
                | '™'
                | 'š'
                | '›'
                | 'œ'
                | 'ž'
                | 'Ÿ'
        )
}

/// A few characters around byte `i` of `text`, for a message.
fn around(text: &str, i: usize) -> String {
    let start = text[..i]
        .char_indices()
        .rev()
        .nth(9)
        .map_or(0, |(at, _)| at);
    let shown: String = text[start..].chars().take(24).collect();
    shown.replace('\0', "\\0")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auto(bytes: &[u8]) -> (String, &'static str) {
        decode(bytes, Encoding::Auto, "x.csv").unwrap()
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(auto("a,标题\n".as_bytes()), ("a,标题\n".into(), "UTF-8"));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("a,标题\n".as_bytes());
        assert_eq!(auto(&bom), ("a,标题\n".into(), "UTF-8"));
    }

    #[test]
    fn utf16_by_bom_and_by_nul_pattern() {
        let text = "标题\tconsent\r\nYes\t同意\r\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let with_bom = |bom: [u8; 2], body: &[u8]| [&bom[..], body].concat();
        assert_eq!(
            auto(&with_bom([0xFF, 0xFE], &le)),
            (text.into(), "UTF-16LE")
        );
        assert_eq!(
            auto(&with_bom([0xFE, 0xFF], &be)),
            (text.into(), "UTF-16BE")
        );
        let ascii = "title,consent\nA poster,Yes\n";
        let le: Vec<u8> = ascii.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = ascii.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(auto(&le), (ascii.into(), "UTF-16LE"));
        assert_eq!(auto(&be), (ascii.into(), "UTF-16BE"));
    }

    #[test]
    fn gbk_is_read_as_gb18030_only_when_not_utf8() {
        let text = "作品标题,是否同意公开\n检测故事,同意\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(auto(&gbk), (text.into(), "GB18030"));
        assert!(decode(&gbk, Encoding::Utf8, "x.csv").is_err());
        assert_eq!(
            decode(&gbk, Encoding::Gb18030, "x.csv").unwrap().0,
            text.to_string()
        );
        let utf8 = decode(text.as_bytes(), Encoding::Gb18030, "x.csv").unwrap_err();
        assert!(utf8.to_string().contains("this file is UTF-8"), "{utf8}");
    }

    #[test]
    fn damaged_utf8_is_not_read_as_gb18030() {
        let mut bytes = "标题,同意\n检测故事,".as_bytes().to_vec();
        bytes.push(0xFF);
        let error = decode(&bytes, Encoding::Auto, "x.csv").unwrap_err();
        assert!(error.to_string().contains("UTF-8 up to byte"), "{error}");
    }

    #[test]
    fn mojibake_is_found_and_real_text_is_not() {
        for bad in [
            "CafÃ© testing",
            "It doesnâ€™t",
            "ä¸\u{AD}æ–‡",
            "a\u{FFFD}b",
            "锟斤拷",
        ] {
            assert!(mojibake(bad).is_some(), "{bad}");
        }
        for good in [
            "Café testing",
            "SÃO PAULO",
            "« café »",
            "检测故事",
            "Nº 1, 1ª edição",
            "¿Por qué?",
        ] {
            assert_eq!(mojibake(good), None, "{good}");
        }
    }

    #[test]
    fn utf8_read_as_gb18030_is_caught_by_the_check() {
        // The UTF-8 bytes of a Chinese title decoded as GB18030 by mistake.
        let text = encoding_rs::GB18030
            .decode_without_bom_handling("\u{FFFD}".as_bytes())
            .0;
        assert!(mojibake(&text).is_some(), "{text}");
    }
}
