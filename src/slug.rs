//! Folder names become URL slugs.
//!
//! A clean folder name (lowercase letters or digits of any script, `-`, `_`) is used as it is, so
//! Chinese folder names give Chinese URLs. Anything else is slugified and reported: spaces and
//! punctuation become `-`, and invisible characters (zero-width, bidirectional overrides), which
//! could make two different-looking URLs equal or one URL look like another, are dropped.

/// Hidden files, editor backups and OS litter: never read, never published.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swo")
        || name.ends_with(".bak")
        || name.ends_with(".tmp")
        || name.eq_ignore_ascii_case("Thumbs.db")
        || name.eq_ignore_ascii_case("desktop.ini")
}

/// The URL slug for a file or folder name.
pub fn slugify(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    let mut dash = false;
    for c in name.chars() {
        if is_invisible(c) {
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    slug
}

/// Format characters that render as nothing or reorder text.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{E0000}'..='\u{E0FFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_names_are_kept() {
        assert_eq!(slugify("testing-together"), "testing-together");
        assert_eq!(slugify("entry_2016"), "entry_2016");
        assert_eq!(slugify("检测故事"), "检测故事");
    }

    #[test]
    fn other_names_are_slugified() {
        assert_eq!(slugify("Testing Together!"), "testing-together");
        assert_eq!(slugify("  a -- b  "), "a-b");
        assert_eq!(slugify("Ünïcode Façade"), "ünïcode-façade");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn invisible_and_bidi_characters_are_dropped() {
        assert_eq!(slugify("pay\u{202E}gpj.exe"), "paygpj-exe");
        assert_eq!(slugify("a\u{200B}b"), "ab");
    }

    #[test]
    fn hidden_and_backup_files_are_ignored() {
        for name in [
            ".DS_Store",
            ".git",
            "index.md~",
            "#index.md#",
            ".index.md.swp",
            "x.bak",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
        assert!(!is_ignored_name("index.md"));
    }
}
