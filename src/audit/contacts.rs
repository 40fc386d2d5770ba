//! Contact details in published text: e-mail addresses, phone numbers (international numbers,
//! Chinese mobile numbers, numbers after a label such as "Tel" or "电话") and WeChat ids written
//! as such ("WeChat: …", "微信：…").
//!
//! An entrant's phone number belongs in `[private]`, where the gate keeps it; pasted into a
//! body or a caption it is published. [`check`] reads every published text of the public model
//! (bodies, summaries, captions, alt texts, transcripts, translations) and reports each contact
//! detail with its file and line, as a warning (an error with `--strict`), unless `sesh.toml`
//! lists it in `public_contacts` (the organisers' own address). Numbers that merely look like
//! phone numbers (years, DOIs, page ranges) are not reported: a number needs a `+`, the shape
//! of a Chinese mobile number, or a label.

use crate::public::{Contest, PublicSite};
use crate::report::Problem;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// Labels after which a run of digits is a phone number.
const PHONE_LABELS: &[&str] = &[
    "tel",
    "tel.",
    "phone",
    "mobile",
    "cell",
    "whatsapp",
    "电话",
    "手机",
    "联系电话",
    "手机号",
];
/// Labels after which a word is a WeChat id.
const WECHAT_LABELS: &[&str] = &["wechat", "wechat id", "weixin", "微信", "微信号"];

/// A contact detail found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// `e-mail address`, `phone number` or `WeChat id`.
    pub kind: &'static str,
    /// 0-based line within the text.
    pub line: usize,
    pub text: String,
}

/// Each contest's problems from the last check, kept while the gate hands out the same
/// contest (an `Arc` it reused because nothing it was made from changed): `sesh serve` then
/// reads only the texts an edit changed, not every entry's.
#[derive(Debug, Default)]
pub struct Memo(HashMap<String, Checked>);

/// A contest as checked, whether strictly, and the problems found.
type Checked = (Arc<Contest>, bool, Vec<Problem>);

/// Every contact detail of the published texts of `site` that `public` does not list.
pub fn check(site: &PublicSite, public: &[String], strict: bool, memo: &mut Memo) -> Vec<Problem> {
    let allowed: Vec<String> = public.iter().map(|p| normal(p)).collect();
    let mut problems = Vec::new();
    for page in site.home.iter().chain(&site.framework).chain(&site.pages) {
        let bodies =
            std::iter::once(&page.body).chain(page.translations.values().flat_map(|t| &t.body));
        for b in bodies {
            report(
                &mut problems,
                &allowed,
                strict,
                &b.file,
                Some(b.line),
                "body",
                &b.markdown,
            );
        }
    }
    // Contests are read in parallel (a build reads every entry's texts); the problems keep the
    // site's order.
    let previous = std::mem::take(&mut memo.0);
    let checked: Vec<(String, Checked)> = site
        .contests
        .par_iter()
        .map(|c| {
            let found = match previous.get(&c.slug) {
                Some((was, s, found)) if Arc::ptr_eq(was, c) && *s == strict => found.clone(),
                _ => contest(c, &allowed, strict),
            };
            (c.slug.clone(), (Arc::clone(c), strict, found))
        })
        .collect();
    for (_, (_, _, found)) in &checked {
        problems.extend(found.iter().cloned());
    }
    memo.0 = checked.into_iter().collect();
    problems
}

/// The problems of one contest's texts and its entries'.
fn contest(c: &Contest, allowed: &[String], strict: bool) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut report = |file: &str, line: Option<usize>, field: &str, text: &str| {
        report(&mut problems, allowed, strict, file, line, field, text)
    };
    let bodies = std::iter::once(&c.body).chain(c.translations.values().flat_map(|t| &t.body));
    for b in bodies {
        report(&b.file, Some(b.line), "body", &b.markdown);
    }
    for e in &c.entries {
        let bodies = std::iter::once(&e.body).chain(e.translations.values().flat_map(|t| &t.body));
        for b in bodies {
            report(&b.file, Some(b.line), "body", &b.markdown);
        }
    }
    for e in &c.entries {
        let file = &e.body.file;
        if let Some(summary) = &e.summary {
            report(file, None, "summary", summary);
        }
        for m in &e.media {
            report(file, None, "media.alt", &m.alt);
            if let Some(caption) = &m.caption {
                report(file, None, "media.caption", caption);
            }
            if let Some(transcript) = &m.transcript {
                report(file, None, "media.transcript", transcript);
            }
        }
        for (lang, t) in &e.translations {
            let file = t.body.as_ref().map_or(file.clone(), |b| b.file.clone());
            let texts = t
                .summary
                .iter()
                .chain(t.media.values().flat_map(|(a, c)| a.iter().chain(c)));
            for text in texts {
                report(&file, None, &format!("translation ({lang})"), text);
            }
        }
    }
    problems
}

/// Adds a problem for each contact detail in `text` that `allowed` does not list.
fn report(
    problems: &mut Vec<Problem>,
    allowed: &[String],
    strict: bool,
    file: &str,
    line: Option<usize>,
    field: &str,
    text: &str,
) {
    for found in find(text) {
        if allowed.contains(&normal(&found.text)) {
            continue;
        }
        let article = if found.kind.starts_with('e') {
            "an"
        } else {
            "a"
        };
        let message = format!("{article} {} is published in this text", found.kind);
        let problem = match strict {
            true => Problem::error(file, message),
            false => Problem::warning(file, message),
        };
        problems.push(
            problem
                .at_line(line.map(|l| l + found.line))
                .field(field)
                .hint("move it into the entry's [private] table, or, if it is an organiser's public contact, list it in public_contacts in sesh.toml"),
        );
    }
}

/// How a contact is compared with `public_contacts`: an address in lower case, a number by
/// its digits.
fn normal(text: &str) -> String {
    if text.contains('@') {
        text.trim().to_lowercase()
    } else {
        text.chars().filter(char::is_ascii_digit).collect()
    }
}

/// Words after which a WeChat id may follow, in any case (the labels start with them).
static WECHAT_WORDS: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["wechat", "weixin", "微"])
            .expect("literal patterns")
    });

/// The contact details in `text`.
pub fn find(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    // Most texts hold none: nothing is looked for line by line in a text without an `@`, a
    // digit or a WeChat label.
    let labelled = WECHAT_WORDS.is_match(text);
    if !(labelled || text.contains('@') || text.bytes().any(|b| b.is_ascii_digit())) {
        return out;
    }
    for (line, content) in text.lines().enumerate() {
        let mut push = |kind, text: &str| {
            out.push(Found {
                kind,
                line,
                text: text.to_string(),
            })
        };
        // Most lines hold none: each kind is looked for only in a line with what it needs.
        if content.contains('@') {
            for email in emails(content) {
                push("e-mail address", email);
            }
        }
        if content.bytes().any(|b| b.is_ascii_digit()) {
            for phone in phones(content) {
                push("phone number", phone);
            }
        }
        if labelled && WECHAT_WORDS.is_match(content) {
            for id in wechat(content) {
                push("WeChat id", id);
            }
        }
    }
    out
}

fn emails(line: &str) -> Vec<&str> {
    let local = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    let domain = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-';
    let mut out = Vec::new();
    for (at, _) in line.match_indices('@') {
        let start = line[..at]
            .char_indices()
            .rev()
            .take_while(|(_, c)| local(*c))
            .last()
            .map_or(at, |(i, _)| i);
        let end = line[at + 1..]
            .char_indices()
            .take_while(|(_, c)| domain(*c))
            .last()
            .map_or(at + 1, |(i, c)| at + 1 + i + c.len_utf8());
        let host = line[at + 1..end].trim_end_matches('.');
        let tld = host.rsplit('.').next().unwrap_or("");
        let valid = start < at
            && host.contains('.')
            && tld.len() >= 2
            && tld.chars().all(|c| c.is_ascii_alphabetic());
        if valid {
            out.push(&line[start..at + 1 + host.len()]);
        }
    }
    out
}

/// Runs of digits and the separators phone numbers are written with, each with its start.
fn number_runs(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut last_digit = 0;
    for (i, c) in line.char_indices() {
        let digit = c.is_ascii_digit();
        let separator = " -.()".contains(c) || c == '\u{a0}';
        match (start, digit, separator || (c == '+' && start.is_none())) {
            (None, true, _) => {
                start = Some(i);
                last_digit = i + 1;
            }
            (None, false, true) if c == '+' || c == '(' => start = Some(i),
            (Some(_), true, _) => last_digit = i + 1,
            (Some(_), false, true) => {}
            (Some(s), _, _) => {
                if last_digit > s {
                    out.push((s, &line[s..last_digit]));
                }
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start
        && last_digit > s
    {
        out.push((s, &line[s..last_digit]));
    }
    out
}

fn phones(line: &str) -> Vec<&str> {
    // ASCII lower case keeps every byte where it was (labels are English or Chinese).
    let lower = line.to_ascii_lowercase();
    let mut out = Vec::new();
    for (start, run) in number_runs(line) {
        let digits: String = run.chars().filter(char::is_ascii_digit).collect();
        let before = lower[..start].trim_end_matches([' ', ':', '：', '.', '-']);
        let labelled = PHONE_LABELS.iter().any(|l| before.ends_with(l));
        let international = run.starts_with('+') && (8..=15).contains(&digits.len());
        let chinese_mobile = digits.len() == 11
            && digits.starts_with('1')
            && matches!(digits.as_bytes()[1], b'3'..=b'9')
            && !run.contains('.');
        let after_label = labelled && (7..=15).contains(&digits.len());
        if international || chinese_mobile || after_label {
            out.push(run);
        }
    }
    out
}

fn wechat(line: &str) -> Vec<&str> {
    let lower = line.to_ascii_lowercase();
    let mut out = Vec::new();
    for label in WECHAT_LABELS {
        for (at, _) in lower.match_indices(label) {
            let rest = &line[at + label.len()..];
            let rest = rest.trim_start_matches([' ', ':', '：', '-']);
            let id: &str = rest
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                .next()
                .unwrap_or("");
            let valid = (6..=20).contains(&id.len())
                && id.starts_with(|c: char| c.is_ascii_alphabetic())
                && id.len() < rest.len() + 1;
            if valid && !out.contains(&id) {
                out.push(id);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(&'static str, String)> {
        find(text).into_iter().map(|f| (f.kind, f.text)).collect()
    }

    /// A contest the gate hands out again (the same `Arc`) keeps its problems without being
    /// read again; a new one (an edit) is read; one no longer published leaves the memo.
    #[test]
    fn a_contest_handed_out_again_is_not_read_again() {
        use crate::public::{Body, Entry};
        let contest = |slug: &str, text: &str| {
            Arc::new(Contest {
                slug: slug.into(),
                entries: vec![Entry {
                    body: Body {
                        markdown: text.into(),
                        file: format!("content/contests/{slug}/e/index.md"),
                        line: 5,
                        ..Body::default()
                    },
                    ..Entry::default()
                }],
                ..Contest::default()
            })
        };
        let (a, b) = (
            contest("a", "Mail me: x@example.org"),
            contest("b", "Nothing."),
        );
        let mut site = PublicSite {
            contests: vec![a.clone(), b],
            ..PublicSite::default()
        };
        let mut memo = Memo::default();
        let first = check(&site, &[], false, &mut memo);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].line, Some(5));
        // The memo answers for `a` while it is the same contest: swap its problems to see it.
        memo.0.get_mut("a").unwrap().2[0].message = "from the memo".into();
        let again = check(&site, &[], false, &mut memo);
        assert_eq!(again[0].message, "from the memo");
        // An edited contest is a new `Arc`: read again.
        site.contests[0] = contest("a", "Mail me: y@example.org, z@example.org");
        assert_eq!(check(&site, &[], false, &mut memo).len(), 2);
        // Strict turns the same findings into errors: not taken from the memo.
        let strict = check(&site, &[], true, &mut memo);
        assert!(
            strict
                .iter()
                .all(|p| p.severity == crate::report::Severity::Error)
        );
        site.contests.truncate(0);
        assert!(check(&site, &[], false, &mut memo).is_empty());
        assert!(memo.0.is_empty());
    }

    #[test]
    fn contact_details_are_found() {
        let found = |text: &str, kind: &'static str, value: &str| {
            assert_eq!(kinds(text), vec![(kind, value.to_string())], "{text}");
        };
        found(
            "Write to wei.li+hiv@example.org.",
            "e-mail address",
            "wei.li+hiv@example.org",
        );
        found(
            "Call +86 138 0013 8000 today",
            "phone number",
            "+86 138 0013 8000",
        );
        found("手机 13800138000", "phone number", "13800138000");
        found("我的电话：020-8888 1234。", "phone number", "020-8888 1234");
        found("Tel: (020) 8888-1234", "phone number", "(020) 8888-1234");
        found("mobile 138-0013-8000", "phone number", "138-0013-8000");
        found("WeChat: wei_li_2024", "WeChat id", "wei_li_2024");
        found("加我微信：LiWei888", "WeChat id", "LiWei888");
        found("WEIXIN liwei888", "WeChat id", "liwei888");
    }

    /// Letters whose lower case is longer or shorter than they are (İ, ẞ, Ⱥ) before a label
    /// leave the label where it was: found, and never a panic on a published text.
    #[test]
    fn letters_that_change_length_in_lower_case_move_nothing() {
        for text in [
            "İİİİ Tel: 020-8888 1234",
            "ẞẞ phone 020 8888 1234",
            "ȺȺȺȺ WeChat: wei_li_2024",
            "İstanbul İİ wechat wei_li_2024 tel 13800138000",
        ] {
            let kinds: Vec<&str> = find(text).iter().map(|f| f.kind).collect();
            assert!(!kinds.is_empty(), "{text}: {kinds:?}");
        }
    }

    #[test]
    fn numbers_that_are_not_phones_are_left_alone() {
        for text in [
            "Published 2019-2021, 64 cases from 27 countries.",
            "doi:10.1371/journal.pmed.1003788",
            "PLoS Med 2021;18(9):e1003788",
            "Pages 1234-5678; ISBN 978-3-16-148410-0",
            "An @mention and user@localhost are not addresses",
            "We use WeChat every day",
            "Over 10,000,000 people",
        ] {
            assert_eq!(kinds(text), vec![], "{text}");
        }
    }
}
