//! When a restricted text found in the output is not a finding.

use super::*;

/// When a restricted text found in the output is not a finding: only when consent published
/// the same text in the same kind of field (a common name credited in another entry, two
/// entries with one title, one caption reused), never because a body or caption happens to
/// contain it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Exempt {
    /// Never: `[private]` values and addresses of unpublished items.
    Never,
    /// Names, pseudonyms and affiliations: when a published credit has them.
    Credits,
    /// Titles, summaries and contest descriptions: when a published one has them.
    Titles,
    /// Alt texts and captions: when a published one has them.
    Captions,
    /// Sentences of unpublished bodies: when any published text has them (calls and case
    /// studies repeat the same boilerplate).
    Anything,
}

/// Those of the restricted texts `candidates` (indexes) that consent published in the same
/// kind of field (see [`Exempt`]).
pub(super) fn published_among(
    restricted: &Restricted,
    candidates: &HashSet<usize>,
) -> HashSet<usize> {
    let mut out = HashSet::new();
    for class in [
        Exempt::Credits,
        Exempt::Titles,
        Exempt::Captions,
        Exempt::Anything,
    ] {
        let ids: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|i| restricted.exempt[*i] == class)
            .collect();
        let texts: Vec<&str> = ids
            .iter()
            .map(|i| restricted.needles[*i].as_str())
            .collect();
        out.extend(
            published_contains(restricted.site, &texts, class)
                .into_iter()
                .map(|k| ids[k]),
        );
    }
    out
}

/// Indexes of `texts` found in the public model's fields of the kind `class` exempts.
fn published_contains(site: &PublicSite, texts: &[&str], class: Exempt) -> HashSet<usize> {
    if texts.is_empty() || class == Exempt::Never {
        return HashSet::new();
    }
    // Unsearchable texts count as unpublished (every match a finding).
    let Ok(matcher) = Matcher::new(texts) else {
        return HashSet::new();
    };
    let any = class == Exempt::Anything;
    let (credits, titles, captions) = (
        any || class == Exempt::Credits,
        any || class == Exempt::Titles,
        any || class == Exempt::Captions,
    );
    let mut public: Vec<&str> = Vec::new();
    for page in site.home.iter().chain(&site.framework).chain(&site.pages) {
        if titles {
            public.push(&page.title);
            public.extend(page.description.as_deref());
        }
        if any {
            public.push(&page.body.markdown);
        }
    }
    for c in &site.contests {
        if titles {
            public.push(&c.title);
            public.extend(c.summary.as_deref());
            public.extend(c.facts.texts());
        }
        if credits {
            public.extend(c.facts.organisers.iter().map(String::as_str));
        }
        if any {
            public.push(&c.body.markdown);
            public.extend(c.facts.platforms.iter().map(String::as_str));
        }
        for e in &c.entries {
            if titles {
                public.push(&e.title);
                public.extend(e.summary.as_deref());
            }
            if credits {
                for credit in &e.credits {
                    public.extend(credit.text());
                    if let Credit::Name {
                        affiliation: Some(a),
                        ..
                    } = credit
                    {
                        public.push(a);
                    }
                }
            }
            if captions {
                for m in &e.media {
                    public.push(&m.alt);
                    public.extend(m.caption.as_deref());
                }
            }
            if any {
                public.push(&e.body.markdown);
                public.extend(e.country.as_deref());
                public.extend(e.tags.iter().map(String::as_str));
            }
        }
    }
    public
        .par_iter()
        .flat_map_iter(|text| {
            let mut found = Vec::new();
            matcher.find(text.as_bytes(), |i| {
                found.push(i);
                ControlFlow::Continue(())
            });
            found
        })
        .collect()
}
