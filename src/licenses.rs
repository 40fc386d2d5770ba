//! SPDX license identifiers sesh knows: their names and the deed a reader can follow.

/// A license as shown to readers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct License {
    pub id: String,
    pub name: String,
    /// Link to the human-readable deed, when there is one.
    pub url: Option<String>,
}

const KNOWN: &[(&str, &str, &str)] = &[
    (
        "CC-BY-4.0",
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    (
        "CC-BY-SA-4.0",
        "Creative Commons Attribution-ShareAlike 4.0 International",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    (
        "CC-BY-NC-4.0",
        "Creative Commons Attribution-NonCommercial 4.0 International",
        "https://creativecommons.org/licenses/by-nc/4.0/",
    ),
    (
        "CC-BY-NC-SA-4.0",
        "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International",
        "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    ),
    (
        "CC-BY-ND-4.0",
        "Creative Commons Attribution-NoDerivatives 4.0 International",
        "https://creativecommons.org/licenses/by-nd/4.0/",
    ),
    (
        "CC-BY-NC-ND-4.0",
        "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International",
        "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    ),
    (
        "CC-BY-3.0",
        "Creative Commons Attribution 3.0 Unported",
        "https://creativecommons.org/licenses/by/3.0/",
    ),
    (
        "CC-BY-3.0-IGO",
        "Creative Commons Attribution 3.0 IGO",
        "https://creativecommons.org/licenses/by/3.0/igo/",
    ),
    (
        "CC-BY-NC-SA-3.0-IGO",
        "Creative Commons Attribution-NonCommercial-ShareAlike 3.0 IGO",
        "https://creativecommons.org/licenses/by-nc-sa/3.0/igo/",
    ),
    (
        "CC0-1.0",
        "Creative Commons Zero 1.0 Universal (public domain dedication)",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
    ("MIT", "MIT License", "https://opensource.org/license/mit"),
    (
        "Apache-2.0",
        "Apache License 2.0",
        "https://www.apache.org/licenses/LICENSE-2.0",
    ),
];

/// Looks up an SPDX id (case-insensitively); `None` when sesh does not know it.
pub fn lookup(id: &str) -> Option<License> {
    KNOWN
        .iter()
        .find(|(known, _, _)| known.eq_ignore_ascii_case(id.trim()))
        .map(|(id, name, url)| License {
            id: (*id).to_string(),
            name: (*name).to_string(),
            url: Some((*url).to_string()),
        })
}

/// Every id sesh knows, for messages.
pub fn ids() -> Vec<&'static str> {
    KNOWN.iter().map(|(id, _, _)| *id).collect()
}

/// The license to show for `id`: known ones with name and deed, others by their id alone.
pub fn describe(id: &str) -> License {
    lookup(id).unwrap_or_else(|| License {
        id: id.trim().to_string(),
        name: id.trim().to_string(),
        url: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_ids_have_a_deed() {
        let l = lookup("cc-by-4.0").unwrap();
        assert_eq!(l.id, "CC-BY-4.0");
        assert_eq!(
            l.url.as_deref(),
            Some("https://creativecommons.org/licenses/by/4.0/")
        );
        assert!(lookup("CC-BY-5.0").is_none());
        assert_eq!(describe("Custom").url, None);
    }
}
