//! THE OUTPUT SCAN: proof, from the bytes of a built site, that nothing restricted got through.
//!
//! [`Restricted::collect`] lists what must never appear in the output, from the raw model and
//! the gate's public model: every `[private]` value; the title, summary, body text, credits
//! and media text of every unpublished contest and entry; the name and affiliation of every
//! author not credited by name, and the pseudonym of those credited as anonymous; the alt
//! text and caption of every unpublished media item; the address (`contests/<c>/<e>/`) of
//! every unpublished contest and entry; and the exact bytes of every unpublished media file.
//! [`Restricted::scan`] then reads every file of a folder (pages, feeds, images: all bytes,
//! what gzip files hold, such as the search index, and file names) and reports each
//! occurrence, plus any EXIF/XMP/IPTC/GPS block in images.
//! A build searches the files it writes as it writes them ([`Scan::file`]); the scan of the
//! folder ([`Scan::finish`]) then reads only the files it did not see, or that changed since.
//! The search ([`super::matcher`]) reports every restricted text in a file, including texts
//! that overlap one another.
//!
//! False positives matter, since a finding fails the build. A text is searched only when it is
//! distinctive enough ([`PRIVATE_MIN`], [`NAME_MIN`], [`TEXT_MIN`], [`BODY_MIN`] bytes; of a
//! body, its [`BODY_PIECES`] longest pieces; at most the first [`NEEDLE_MAX`] bytes), and a
//! match is dropped when a published item contains the same text (two entries with the same
//! title, an author credited by name in one entry and anonymous in another): that text is
//! public by consent. Addresses of unpublished entries are always findings.
//! Escaping changes `& < > " ' / \`, so a text containing them is also searched piece by piece
//! between those characters. Findings say which item and field leaked, never the text itself.

use super::matcher::{Matcher, SHORTEST};
use super::metadata;
use collect::{Collector, allow_problems};
use exempt::{Exempt, published_among};

mod collect;
mod exempt;

use crate::config::Allowed;
use crate::consent;
use crate::content::{EntryFront, Located, RawContest, RawSite};
use crate::public::{Credit, PublicSite};
use anyhow::{Context, Result};
pub use collect::withheld;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// Shortest `[private]` value searched, in bytes (`+86 138…`, an e-mail address, a note).
pub const PRIVATE_MIN: usize = 6;
/// Shortest name, pseudonym or affiliation searched, in bytes (`Wei Li`; two Chinese characters).
pub const NAME_MIN: usize = 6;
/// Shortest title, summary, alt text or caption searched, in bytes.
pub const TEXT_MIN: usize = 12;
/// Shortest piece of body text searched (one line of Markdown between markup), in bytes.
pub const BODY_MIN: usize = 24;

/// Pieces of body text searched per unpublished body (the longest).
pub const BODY_PIECES: usize = 3;
/// Longest text searched, in bytes: a longer text is searched by its first `NEEDLE_MAX` bytes,
/// which a leak of the whole text contains. It keeps preparing the search cheap (an unpublished
/// body's longest lines run to hundreds of bytes, and every window of a text is counted).
pub const NEEDLE_MAX: usize = 64;
const _: () = assert!(PRIVATE_MIN >= SHORTEST && NAME_MIN >= SHORTEST);

/// The first [`NEEDLE_MAX`] bytes of `text`, cut at a character boundary.
fn capped(text: &str) -> &str {
    let mut end = text.len().min(NEEDLE_MAX);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].trim_end()
}

/// Characters that HTML, XML or JSON escaping may change.
const ESCAPED: &[char] = &['&', '<', '>', '"', '\'', '/', '\\', '\n', '\r', '\t'];

/// One file's findings (metadata, copies) and the restricted texts matched in it (file, text
/// index), to be checked against published text.
type FileScan = (Vec<Finding>, Vec<(String, usize)>);

/// What must not appear in the output of the site `site` was published from.
#[derive(Debug)]
pub struct Restricted<'a> {
    site: &'a PublicSite,
    needles: Vec<String>,
    /// What each needle is (same index): never the text itself.
    what: Vec<String>,
    /// When a match of each needle is not a finding (same index).
    exempt: Vec<Exempt>,
    files: Vec<(PathBuf, String)>,
    /// Texts not searched because they are shorter than their minimum.
    pub too_short: usize,
    /// Problems with the allow-list (`[[scan.allow]]` items that match nothing, or that name a
    /// `[private]` value).
    pub problems: Vec<crate::report::Problem>,
}

/// One leak.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Output file, relative to the scanned folder.
    pub file: String,
    pub what: String,
}

/// What a scan looked at and found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ScanReport {
    pub files: usize,
    pub bytes: u64,
    /// Distinct texts searched.
    pub texts: usize,
    pub too_short: usize,
    /// Texts found in the output that a published item also contains (not findings).
    pub shared: usize,
    pub findings: Vec<Finding>,
    /// Files searched as they were written, not read back.
    pub streamed: usize,
    /// Wall time of the scan of the folder (files not seen as written, and the verdict).
    pub ms: f64,
    /// Time spent searching files as they were written, summed over threads.
    pub streamed_ms: f64,
}

impl ScanReport {
    pub fn summary(&self) -> String {
        format!(
            "Scanned {} files ({:.1} MB) for {} restricted texts and image metadata in {:.0} ms{}: {}.",
            self.files,
            self.bytes as f64 / 1e6,
            self.texts,
            self.ms,
            match self.streamed {
                0 => String::new(),
                n => format!(
                    " ({n} of them as they were written, in another {:.0} ms of CPU time)",
                    self.streamed_ms
                ),
            },
            match self.findings.len() {
                0 => "nothing found".to_string(),
                n => format!("{n} finding(s)"),
            }
        )
    }
}

impl<'a> Restricted<'a> {
    /// Everything restricted in `raw`, given what the gate published from it (`site`), but the
    /// texts `allow` lists (`[[scan.allow]]` in `sesh.toml`; never a `[private]` value).
    pub fn collect(raw: &RawSite, site: &'a PublicSite, allow: &[Allowed]) -> Restricted<'a> {
        let allowed: HashSet<&str> = allow.iter().map(|a| a.text.trim()).collect();
        // Contest by contest in parallel, merged in order (the first description of a text
        // wins, as in one pass).
        let parts: Vec<Collector> = raw
            .contests
            .par_iter()
            .map(|contest| {
                let mut c = Collector::allowing(&allowed);
                c.contest(contest, site);
                c
            })
            .collect();
        let mut all = Collector::default();
        for part in parts {
            all.merge(part);
        }
        let problems = allow_problems(allow, &all);
        let mut restricted = all.finish(site);
        restricted.problems = problems;
        restricted
    }

    /// The texts searched for (sorted).
    pub fn texts(&self) -> &[String] {
        &self.needles
    }

    /// Scans every file under `dir`.
    pub fn scan(self, dir: &Path) -> Result<ScanReport> {
        self.start()?.finish(dir)
    }

    /// A scan that can see files as they are written ([`Scan::file`]) before it looks at the
    /// folder ([`Scan::finish`]).
    pub fn start(self) -> Result<Scan<'a>> {
        let matcher = Matcher::new(&self.needles)?;
        let mut copies: HashMap<u64, Vec<Copy>> = HashMap::new();
        for (path, what) in &self.files {
            if let Ok(meta) = std::fs::metadata(path) {
                copies.entry(meta.len()).or_default().push(Copy {
                    path: path.clone(),
                    what: what.clone(),
                    hash: OnceLock::new(),
                });
            }
        }
        Ok(Scan {
            restricted: self,
            matcher,
            copies,
            seen: Mutex::new(foldhash::HashMap::default()),
            streamed_ns: AtomicU64::new(0),
        })
    }
}

/// An unpublished media file, hashed the first time an output file has its size.
struct Copy {
    path: PathBuf,
    what: String,
    hash: OnceLock<Option<blake3::Hash>>,
}

/// An output scan under way (see [`Restricted::start`]).
pub struct Scan<'a> {
    restricted: Restricted<'a>,
    matcher: Matcher,
    /// Unpublished media files by size.
    copies: HashMap<u64, Vec<Copy>>,
    /// Files seen as they were written: path → (size, what was found). Hashed with foldhash:
    /// the last pass looks up every file of the folder.
    seen: Mutex<foldhash::HashMap<String, (u64, FileScan)>>,
    /// Time spent on them, summed over threads.
    streamed_ns: AtomicU64,
}

impl Scan<'_> {
    /// Searches the bytes of the file written at `path` (relative to the folder to scan), so
    /// that [`Scan::finish`] need not read it back. A file that has another size by then (it
    /// was written again) is read and searched again.
    pub fn file(&self, path: &str, bytes: &[u8]) {
        let started = std::time::Instant::now();
        let found = self.bytes(path, bytes);
        if let Ok(mut seen) = self.seen.lock() {
            seen.insert(path.to_string(), (bytes.len() as u64, found));
        }
        let ns = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.streamed_ns.fetch_add(ns, Ordering::Relaxed);
    }

    /// Scans every file under `dir` (reading those [`Scan::file`] did not see) and reports.
    pub fn finish(self, dir: &Path) -> Result<ScanReport> {
        let started = std::time::Instant::now();
        let seen = match self.seen.lock() {
            Ok(mut seen) => std::mem::take(&mut *seen),
            Err(_) => foldhash::HashMap::default(),
        };
        let restricted = &self.restricted;
        let mut report = ScanReport {
            texts: restricted.needles.len(),
            too_short: restricted.too_short,
            ..ScanReport::default()
        };
        // Whether published items contain the texts found so far is looked up while the
        // folder is listed; texts found only in files read back are looked up after.
        let may_be_public = |i: &usize| restricted.exempt[*i] != Exempt::Never;
        let early: HashSet<usize> = seen
            .values()
            .flat_map(|(_, (_, texts))| texts.iter().map(|m| m.1))
            .filter(may_be_public)
            .collect();
        let (listed, mut public) = rayon::join(
            || files_under(dir, ""),
            || published_among(restricted, &early),
        );
        let listed = listed?;
        report.files = listed.len();
        report.bytes = listed.iter().map(|(_, size)| size).sum();
        // A file seen as written with the size it has now is not read back.
        let streamed: Vec<Option<&FileScan>> = listed
            .par_iter()
            .map(|(rel, size)| match seen.get(rel) {
                Some((n, found)) if n == size => Some(found),
                _ => None,
            })
            .collect();
        report.streamed = streamed.iter().flatten().count();
        let read: Vec<Result<FileScan>> = listed
            .par_iter()
            .zip(&streamed)
            .filter(|(_, streamed)| streamed.is_none())
            .map(|((rel, _), _)| {
                let path = dir.join(rel);
                let bytes = std::fs::read(&path)
                    .with_context(|| format!("cannot read `{}`", path.display()))?;
                Ok(self.bytes(rel, &bytes))
            })
            .collect();
        let mut results: Vec<FileScan> = streamed
            .into_iter()
            .flatten()
            .filter(|(findings, texts)| !findings.is_empty() || !texts.is_empty())
            .cloned()
            .collect();
        for r in read {
            results.push(r?);
        }
        crate::drop_in_background((seen, listed));
        let mut matches = Vec::new();
        for (findings, texts) in results {
            report.findings.extend(findings);
            matches.extend(texts);
        }
        let late: HashSet<usize> = matches
            .iter()
            .map(|m| m.1)
            .filter(|i| may_be_public(i) && !early.contains(i))
            .collect();
        public.extend(published_among(restricted, &late));
        // A text that a published item contains is public by consent: not a finding.
        let shared: HashSet<usize> = matches
            .iter()
            .map(|m| m.1)
            .filter(|i| public.contains(i))
            .collect();
        report.shared = shared.len();
        for (file, i) in matches {
            if !public.contains(&i) {
                report.findings.push(Finding {
                    file,
                    what: restricted.what[i].clone(),
                });
            }
        }
        report
            .findings
            .sort_by(|a, b| (&a.file, &a.what).cmp(&(&b.file, &b.what)));
        report.ms = (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0;
        let streamed = self.streamed_ns.load(Ordering::Relaxed) as f64 / 1e6;
        report.streamed_ms = (streamed * 10.0).round() / 10.0;
        Ok(report)
    }

    /// What the file at `rel` (relative to the scanned folder) with `bytes` holds: image
    /// metadata, copies of unpublished media, and the restricted texts in its name or bytes.
    fn bytes(&self, rel: &str, bytes: &[u8]) -> FileScan {
        let mut found = Vec::new();
        let mut texts = HashSet::new();
        // A gzip file (the search index's) is searched in what it holds, and in its own bytes
        // only when its header carries more than its fixed fields (a name, a comment): the
        // rest of them is compressed data, where any text stored as is is also in what it holds.
        let gzip = bytes.starts_with(GZIP_MAGIC);
        let inflated = match gzip {
            true => match gunzip(bytes) {
                Ok(content) => Some(content),
                Err(why) => {
                    found.push(Finding {
                        file: rel.to_string(),
                        what: format!("a gzip file whose content cannot be checked: {why}"),
                    });
                    None
                }
            },
            false => None,
        };
        let raw = match gzip && bytes.get(3) == Some(&0) && inflated.is_some() {
            true => None,
            false => Some(bytes),
        };
        let haystacks = [Some(rel.as_bytes()), raw, inflated.as_deref()];
        for haystack in haystacks.into_iter().flatten() {
            self.matcher.find(haystack, |i| {
                texts.insert(i);
                match texts.len() >= 100 {
                    true => ControlFlow::Break(()),
                    false => ControlFlow::Continue(()),
                }
            });
        }
        let kind = metadata::Kind::of(bytes);
        for left in metadata::leftovers(bytes) {
            let what = match kind {
                Some(metadata::Kind::Image) => format!("image metadata: {left}"),
                _ => format!("media metadata: {left}"),
            };
            found.push(Finding {
                file: rel.to_string(),
                what,
            });
        }
        for copy in self.copies.get(&(bytes.len() as u64)).into_iter().flatten() {
            let hash = copy
                .hash
                .get_or_init(|| std::fs::read(&copy.path).ok().map(|b| blake3::hash(&b)));
            if *hash == Some(blake3::hash(bytes)) {
                found.push(Finding {
                    file: rel.to_string(),
                    what: copy.what.clone(),
                });
            }
        }
        let texts = texts.into_iter().map(|i| (rel.to_string(), i)).collect();
        (found, texts)
    }
}

/// The first bytes of a gzip file.
const GZIP_MAGIC: &[u8] = &[0x1F, 0x8B];
/// Most bytes the scan inflates from one gzip file (the search index's largest files hold
/// well under 1 MB); a file that holds more is a finding, as its content cannot be checked.
const GZIP_MAX: u64 = 64 << 20;

/// What the gzip file `bytes` holds (every member of it, to the end), or why it cannot be read.
fn gunzip(bytes: &[u8]) -> std::result::Result<Vec<u8>, String> {
    use std::io::Read;
    // The last member's size, as its trailer gives it (modulo 4 GiB): all of a one-member file.
    // A trailer can lie; deflate never expands more than 1,032 times.
    let size = bytes
        .last_chunk::<4>()
        .map_or(0, |size| u32::from_le_bytes(*size) as usize)
        .min(bytes.len().saturating_mul(1032))
        .min(GZIP_MAX as usize);
    let mut content = Vec::with_capacity(size + 1);
    flate2::bufread::MultiGzDecoder::new(bytes)
        .take(GZIP_MAX + 1)
        .read_to_end(&mut content)
        .map_err(|e| format!("it is damaged ({e})"))?;
    match content.len() as u64 > GZIP_MAX {
        true => Err(format!("it holds more than {} MB", GZIP_MAX >> 20)),
        false => Ok(content),
    }
}

/// Every file under `dir` (symbolic links are not followed): its path relative to the scanned
/// folder (`/`-separated, `prefix` first) and its size; folders are listed in parallel.
fn files_under(dir: &Path, prefix: &str) -> Result<Vec<(String, u64)>> {
    let cannot = || format!("cannot scan `{}`", dir.display());
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(cannot)? {
        let entry = entry.with_context(cannot)?;
        let kind = entry.file_type().with_context(cannot)?;
        let rel = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if kind.is_dir() {
            dirs.push((entry.path(), rel + "/"));
        } else if kind.is_file() {
            let size = entry.metadata().with_context(cannot)?.len();
            files.push((rel, size));
        }
    }
    let nested: Vec<Result<Vec<(String, u64)>>> = dirs
        .par_iter()
        .map(|(d, rel)| files_under(d, rel))
        .collect();
    for n in nested {
        files.extend(n?);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(content: &[u8]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
        gz.write_all(content).unwrap();
        gz.finish().unwrap()
    }

    #[test]
    fn gunzip_reads_every_member_and_refuses_damaged_or_huge_files() {
        let mut two = gzip(b"pagefind_dcd{\"content\":\"first ");
        two.extend(gzip(b"and second member\"}"));
        assert_eq!(
            gunzip(&two).unwrap(),
            b"pagefind_dcd{\"content\":\"first and second member\"}"
        );
        let whole = gzip(b"a sentence long enough to be compressed, repeated, repeated");
        let cut = &whole[..whole.len() - 6];
        assert!(gunzip(cut).unwrap_err().contains("damaged"), "truncated");
        let mut flipped = whole.clone();
        let at = flipped.len() - 5; // the checksum in the trailer
        flipped[at] ^= 1;
        assert!(gunzip(&flipped).unwrap_err().contains("damaged"), "trailer");
        let huge = gzip(&vec![0; GZIP_MAX as usize + 1]);
        assert_eq!(
            gunzip(&huge).unwrap_err(),
            format!("it holds more than {} MB", GZIP_MAX >> 20)
        );
        assert_eq!(gunzip(&gzip(&vec![7; 1000])).unwrap().len(), 1000);
    }
}
