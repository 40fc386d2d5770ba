//! What the output scan searches for: the restricted texts, addresses and media files of a
//! site, each with the field it came from and when it is exempt ([`Exempt`]).

use super::*;

#[derive(Default)]
pub(super) struct Collector<'s> {
    /// Text → (when it is exempt, what it is); the first description of a text wins, the
    /// strictest exemption too.
    texts: HashMap<String, (Exempt, String)>,
    files: Vec<(PathBuf, String)>,
    too_short: usize,
    /// Texts the allow-list exempts, and those of them met (names, titles…).
    allowed: Option<&'s HashSet<&'s str>>,
    allowed_met: HashSet<String>,
    /// `[private]` values the allow-list names (never exempt).
    private_allowed: HashSet<String>,
    /// File names (as written) of media that is not published.
    media_names: Vec<String>,
    /// Keep whole texts, not their first [`NEEDLE_MAX`] bytes (for [`withheld`]).
    uncapped: bool,
}

impl<'s> Collector<'s> {
    /// A collector that lets the texts of `allowed` through (and notes those it meets).
    pub(super) fn allowing(allowed: &'s HashSet<&'s str>) -> Self {
        Collector {
            allowed: Some(allowed),
            ..Collector::default()
        }
    }

    /// What is restricted in one contest (its own text if unpublished, and its entries').
    pub(super) fn contest(&mut self, contest: &RawContest, site: &PublicSite) {
        let path = consent::folder_of(&contest.source, &contest.slug);
        let public = site.contests.iter().find(|p| p.slug == contest.slug);
        if public.is_none() {
            self.address(&format!("contests/{}/", contest.slug), &path);
            if let Ok(f) = &contest.front {
                let what = format!("unpublished contest {path}");
                let texts = [f.title.as_str()].into_iter().chain(f.summary.as_deref());
                for text in texts.chain(f.facts.texts()) {
                    let what =
                        format!("{what} (title, summary, purpose, audience, actions or outcome)");
                    self.add(Some(&text.to_string()), TEXT_MIN, Exempt::Titles, &what);
                }
            }
            self.body(
                &contest.source.body,
                &format!("body text of unpublished contest {path}"),
            );
        }
        for entry in &contest.entries {
            let epath = format!("{path}/{}", entry.slug);
            let published = public.and_then(|p| p.entries.iter().find(|e| e.slug == entry.slug));
            let Ok(front) = &entry.front else {
                // Unreadable front matter: only the body and the address can be told apart.
                self.address(
                    &format!("contests/{}/{}/", contest.slug, entry.slug),
                    &epath,
                );
                self.body(
                    &entry.source.body,
                    &format!("body text of unpublished entry {epath}"),
                );
                continue;
            };
            if let Some(private) = &front.private {
                for (key, value) in private {
                    let mut values = Vec::new();
                    crate::audit::strings(value, &mut values);
                    for v in values {
                        if self.is_allowed(v.trim()) {
                            self.private_allowed.insert(v.trim().to_string());
                        }
                        let what = format!("[private].{key} of {}", entry.source.display);
                        self.insert(Some(&v), PRIVATE_MIN, Exempt::Never, &what);
                    }
                }
            }
            match published {
                None => {
                    self.address(
                        &format!("contests/{}/{}/", contest.slug, entry.slug),
                        &epath,
                    );
                    self.unpublished_entry(front, &entry.source.body, &epath);
                }
                Some(e) => self.hidden_credits(front, &e.credits, &epath),
            }
            for (item, located) in front.media.iter().zip(&entry.media_files) {
                let file = item
                    .file
                    .as_ref()
                    .map(|f| f.get_ref().as_str())
                    .unwrap_or("");
                let normal = consent::normalise(file);
                if published.is_some_and(|e| e.media.iter().any(|m| m.file == normal)) {
                    continue;
                }
                if !file.is_empty() {
                    self.media_names.push(file.to_string());
                }
                let what = format!("unpublished media {epath}/{file}");
                let alt = format!("alt text of {what}");
                self.add(item.alt.as_ref(), TEXT_MIN, Exempt::Captions, &alt);
                let caption = format!("caption of {what}");
                self.add(item.caption.as_ref(), TEXT_MIN, Exempt::Captions, &caption);
                if let Located::Found(source) = located {
                    self.files
                        .push((source.clone(), format!("a copy of {what}")));
                }
            }
        }
    }

    /// Adds what `other` collected; a text already described keeps its description.
    pub(super) fn merge(&mut self, other: Collector) {
        for (text, (exempt, what)) in other.texts {
            self.keep(text, exempt, what);
        }
        self.files.extend(other.files);
        self.too_short += other.too_short;
        self.allowed_met.extend(other.allowed_met);
        self.private_allowed.extend(other.private_allowed);
    }

    fn is_allowed(&self, text: &str) -> bool {
        self.allowed.is_some_and(|a| a.contains(text))
    }

    /// Records `text`: a text already recorded keeps its description and the strictest
    /// exemption of the two.
    fn keep(&mut self, text: String, exempt: Exempt, what: String) {
        let text = match self.uncapped {
            true => text,
            false => capped(&text).to_string(),
        };
        let entry = self.texts.entry(text).or_insert((exempt, what));
        entry.0 = entry.0.min(exempt);
    }

    /// A name, title, summary, alt text or caption of something withheld: searched unless the
    /// allow-list names it, exempt only where consent published the same text (`exempt`).
    fn add(&mut self, text: Option<&String>, min: usize, exempt: Exempt, what: &str) {
        if let Some(t) = text.map(|t| t.trim())
            && self.is_allowed(t)
        {
            self.allowed_met.insert(t.to_string());
            return;
        }
        self.insert(text, min, exempt, what);
    }

    /// `text` and, when escaping could change it, its pieces between escapable characters.
    fn insert(&mut self, text: Option<&String>, min: usize, exempt: Exempt, what: &str) {
        let Some(text) = text.map(|t| t.trim()).filter(|t| !t.is_empty()) else {
            return;
        };
        let mut any = false;
        if text.len() >= min && !text.contains(ESCAPED) {
            self.keep(text.to_string(), exempt, what.to_string());
            any = true;
        }
        if text.contains(ESCAPED) {
            for piece in text
                .split(ESCAPED)
                .map(str::trim)
                .filter(|p| p.len() >= min)
            {
                self.keep(piece.to_string(), exempt, what.to_string());
                any = true;
            }
        }
        if !any {
            self.too_short += 1;
        }
    }

    /// `contests/<c>/<e>/`, as written and percent-encoded (non-ASCII slugs).
    fn address(&mut self, address: &str, path: &str) {
        let what = format!("link to or page of unpublished {path}");
        let encoded: String =
            percent_encoding::utf8_percent_encode(address, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
                .replace("%2F", "/")
                .replace("%2D", "-")
                .replace("%5F", "_");
        for a in [address.to_string(), encoded] {
            self.keep(a, Exempt::Never, what.clone());
        }
    }

    /// The longest pieces of Markdown text between markup characters (a body that leaks
    /// leaks whole, so its longest sentences are enough to see it; fewer texts, faster scan).
    fn body(&mut self, markdown: &str, what: &str) {
        let mut pieces: Vec<&str> = Vec::new();
        for line in markdown.lines() {
            let line = line.trim_start_matches(|c: char| {
                c.is_whitespace() || matches!(c, '#' | '>' | '-' | '+' | '*' | '|')
            });
            for piece in line.split(|c: char| "*_`[]()!|~<>&\"'\\/{}#=".contains(c)) {
                let piece = piece.trim();
                if piece.len() >= BODY_MIN {
                    pieces.push(piece);
                }
            }
        }
        pieces.sort_by_key(|p| std::cmp::Reverse(p.len()));
        for piece in pieces.into_iter().take(BODY_PIECES) {
            if self.is_allowed(piece) {
                self.allowed_met.insert(piece.to_string());
                continue;
            }
            self.keep(piece.to_string(), Exempt::Anything, what.to_string());
        }
    }

    fn unpublished_entry(&mut self, front: &EntryFront, body: &str, path: &str) {
        let what = format!("unpublished entry {path}");
        let title = format!("title of {what}");
        self.add(Some(&front.title), TEXT_MIN, Exempt::Titles, &title);
        let summary = format!("summary of {what}");
        self.add(front.summary.as_ref(), TEXT_MIN, Exempt::Titles, &summary);
        for (i, a) in front.authors.iter().enumerate() {
            let who = format!("author {} of {what}", i + 1);
            for (text, field) in [
                (&a.name, "name"),
                (&a.pseudonym, "pseudonym"),
                (&a.affiliation, "affiliation"),
            ] {
                let what = format!("{field} of {who}");
                self.add(text.as_ref(), NAME_MIN, Exempt::Credits, &what);
            }
        }
        self.body(body, &format!("body text of {what}"));
    }

    /// Names (and what narrows them down) that a published entry's credits do not show.
    fn hidden_credits(&mut self, front: &EntryFront, credits: &[Credit], path: &str) {
        for (i, (a, credit)) in front.authors.iter().zip(credits).enumerate() {
            let who = format!("author {} of {path} (credited as {})", i + 1, credit.kind());
            if !matches!(credit, Credit::Name { .. }) {
                let name = format!("name of {who}");
                self.add(a.name.as_ref(), NAME_MIN, Exempt::Credits, &name);
                let affiliation = format!("affiliation of {who}");
                self.add(
                    a.affiliation.as_ref(),
                    NAME_MIN,
                    Exempt::Credits,
                    &affiliation,
                );
            }
            if !matches!(credit, Credit::Pseudonym(_) | Credit::Name { .. }) {
                let pseudonym = format!("pseudonym of {who}");
                self.add(a.pseudonym.as_ref(), NAME_MIN, Exempt::Credits, &pseudonym);
            }
        }
    }

    /// The search lists, sorted (a deterministic order of findings).
    pub(super) fn finish(self, site: &PublicSite) -> Restricted<'_> {
        let mut all: Vec<(String, (Exempt, String))> = self.texts.into_iter().collect();
        all.sort();
        let mut out = Restricted {
            site,
            needles: Vec::with_capacity(all.len()),
            what: Vec::with_capacity(all.len()),
            exempt: Vec::with_capacity(all.len()),
            files: self.files,
            too_short: self.too_short,
            problems: Vec::new(),
        };
        for (text, (exempt, what)) in all {
            out.needles.push(text);
            out.what.push(what);
            out.exempt.push(exempt);
        }
        out
    }
}

/// What a log that others may read must not show ([`crate::report::Log::Public`]): every
/// restricted text (whole, not capped), the paths and folder names of what the gate excluded,
/// and the file names of unpublished media; longest first, so that a text is replaced before
/// a shorter one inside it.
pub fn withheld(
    raw: &RawSite,
    site: &PublicSite,
    excluded: &[crate::report::Exclusion],
) -> Vec<String> {
    let mut c = Collector {
        uncapped: true,
        ..Collector::default()
    };
    for contest in &raw.contests {
        c.contest(contest, site);
    }
    let mut out: Vec<String> = c.texts.into_keys().collect();
    out.extend(c.media_names);
    for e in excluded {
        out.push(e.path.clone());
        let last = e.path.rsplit('/').next().unwrap_or("");
        if last.chars().count() >= 3 {
            out.push(last.to_string());
        }
    }
    out.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    out.dedup();
    out
}

/// Warnings about the allow-list: items that name a `[private]` value (which stay findings)
/// and items that match nothing restricted (to be removed, so the list stays reviewable).
pub(super) fn allow_problems(allow: &[Allowed], all: &Collector) -> Vec<crate::report::Problem> {
    use crate::report::Problem;
    let mut problems = Vec::new();
    for item in allow {
        let text = item.text.trim();
        let problem = if all.private_allowed.contains(text) {
            Problem::warning(
                crate::config::CONFIG_FILE,
                "this text is a [private] value: the output scan still reports it",
            )
            .hint("[private] values can never be allowed; remove the text from the page that shows it")
        } else if !all.allowed_met.contains(text) {
            Problem::warning(
                crate::config::CONFIG_FILE,
                "this allowed text matches no restricted name, title or text",
            )
            .hint("remove the item: it no longer does anything")
        } else {
            continue;
        };
        problems.push(problem.at_line(item.line).field("scan.allow"));
    }
    problems
}
