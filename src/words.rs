//! Words of a text as a call for entries counts them, in English and Chinese alike: each Han,
//! kana or Hangul character is a word, other text counts its runs of letters and digits.
//! [`crate::markdown::render`] adds up the words of a document while it renders it (one parse
//! of each body, not two); the word limits of a contest are checked against that count.

/// Words of a piece of text as a call for entries counts them: each Han, kana or Hangul
/// character counts as one word (as Chinese word limits count characters), other text counts
/// its runs of letters and digits.
pub fn words(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    // 1 inside a word, else 0.
    let mut in_word = 0u8;
    let mut at = 0;
    while at < bytes.len() {
        // A run of ASCII (most text), by table and without branches: a letter or digit is a
        // word character, a joiner is one inside a word, and a word begins at a word character
        // that follows none.
        while let Some(&b) = bytes.get(at).filter(|b| b.is_ascii()) {
            let class = ASCII[usize::from(b)];
            let word = (class & LETTER) | (in_word & (class >> 1));
            count += usize::from(word & !in_word);
            in_word = word;
            at += 1;
        }
        let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        at += c.len_utf8();
        // `is_cjk` is a chain of range tests: only other characters get there.
        if is_cjk(c) {
            count += 1;
            in_word = 0;
            continue;
        }
        let word = u8::from(c.is_alphanumeric() || (in_word == 1 && c == '’'));
        count += usize::from(word & !in_word);
        in_word = word;
    }
    count
}

const LETTER: u8 = 1;
const JOINER: u8 = 2;
/// What each ASCII byte is to [`words`]: a letter or digit, a joiner inside a word (`it's`,
/// `well-known`), or neither (`JOINER >> 1 == LETTER`: see there).
const ASCII: [u8; 128] = {
    let mut table = [0; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = match c {
            b'\'' | b'-' => JOINER,
            _ if c.is_ascii_alphanumeric() => LETTER,
            _ => 0,
        };
        b += 1;
    }
    table
};

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F // Han
        | 0x3040..=0x30FF // kana
        | 0xAC00..=0xD7AF) // Hangul syllables
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_count_latin_runs_and_each_cjk_character() {
        assert_eq!(words("Hello, world! It's a well-known test."), 6);
        assert_eq!(words("检测模式 在市场日检测乙肝。"), 4 + 8);
        assert_eq!(words("HIV 检测 in 2016"), 5);
        assert_eq!(words("Ça coûte 5 €, l’été"), 4);
        assert_eq!(words("- -- ' ’"), 0);
    }

    /// The rule of [`words`], character by character.
    fn words_by_char(text: &str) -> usize {
        let (mut count, mut in_word) = (0, false);
        for c in text.chars() {
            if is_cjk(c) {
                (count, in_word) = (count + 1, false);
                continue;
            }
            let word_char = c.is_alphanumeric() || (in_word && matches!(c, '\'' | '-' | '’'));
            count += usize::from(word_char && !in_word);
            in_word = word_char;
        }
        count
    }

    #[test]
    fn words_by_table_count_as_the_rule_does_on_every_fixture_text() {
        let mut texts = vec![
            "a'b -x- 'q' 1-2 x’y ’z l’été naïve Ωmega ٣٤ हिन्दी é-é".to_string(),
            "检测-模式 A检B 한국어 カタカナ x\u{1F600}y \u{0}\t\r\n".to_string(),
        ];
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for dir in [root.join("tests/fixtures"), root.join("content")] {
            for file in walkdir::WalkDir::new(dir).into_iter().flatten() {
                if file.path().extension().is_some_and(|e| e == "md") {
                    texts.push(std::fs::read_to_string(file.path()).unwrap());
                }
            }
        }
        assert!(texts.len() > 30, "fixture texts found: {}", texts.len());
        for text in &texts {
            assert_eq!(words(text), words_by_char(text), "{text}");
        }
    }
}
