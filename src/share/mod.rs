//! SHARE: the archive's outputs beyond the website, from the public model and the built site
//! only (nothing the consent gate withheld can reach them).
//!
//! - [`deposit`]: per contest, a DataCite record (XML and JSON) and Zenodo deposit metadata,
//!   published on the site under `deposit/<contest>/` and written by `sesh deposit` beside a
//!   zip of the contest's offline bundle; [`cff`]: `CITATION.cff` for the archive.
//! - [`bundle`]: offline copies (`sesh bundle`) whose addresses are relative, so they open from
//!   a folder with no server; [`zipfile`]: their zip files.
//!
//! A deposit is permanent (a DOI is never withdrawn): entries whose consent has an end date
//! are left out of deposits, records and their bundles ([`keep_permanent`]).

pub mod bundle;
pub mod cff;
pub mod deposit;
pub mod zipfile;

use crate::config::Config;
use crate::output::{Staging, Written, remove_files, write_file};
use crate::public::{Contest, PublicSite};
use anyhow::{Context, Result, bail};
use bundle::{Scope, Source};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// The archive's citation file, at the site's root.
pub const CITATION_FILE: &str = "CITATION.cff";
/// A contest's deposit metadata, in `deposit/<contest>/`: DataCite XML, DataCite JSON, Zenodo.
pub const DEPOSIT_FILES: [&str; 3] = ["datacite.xml", "datacite.json", "metadata.json"];

/// The folder of a contest's deposit metadata in the site (`deposit/<contest>/`).
pub fn deposit_dir(slug: &str) -> String {
    format!("deposit/{slug}/")
}

/// The files the site publishes for sharing: `CITATION.cff` and each contest's deposit
/// metadata (path, bytes).
pub fn site_files(config: &Config, site: &PublicSite, memo: &mut Memo) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![(
        CITATION_FILE.to_string(),
        cff::citation_cff(config, site).into_bytes(),
    )];
    let mut kept = HashMap::new();
    for contest in &site.contests {
        let made = match memo.0.remove(&contest.slug) {
            Some((was, made)) if Arc::ptr_eq(&was, contest) => made,
            _ => deposit_files(config, contest),
        };
        files.extend(made.iter().cloned());
        kept.insert(contest.slug.clone(), (Arc::clone(contest), made));
    }
    memo.0 = kept;
    files
}

/// Each contest's deposit files from the last build, kept while the gate hands out the same
/// contest (nothing it was made from changed): `sesh serve` makes only an edited contest's.
#[derive(Debug, Default)]
pub struct Memo(HashMap<String, (Arc<Contest>, Files)>);

/// Files to write: (path in the output folder, bytes).
type Files = Vec<(String, Vec<u8>)>;

/// A contest's deposit metadata: DataCite XML and JSON, and Zenodo's JSON.
fn deposit_files(config: &Config, contest: &Contest) -> Vec<(String, Vec<u8>)> {
    let record = deposit::Record::of(config, contest);
    let dir = deposit_dir(&contest.slug);
    let json = |v: serde_json::Value| {
        let mut text = serde_json::to_string_pretty(&v).unwrap_or_default();
        text.push('\n');
        text.into_bytes()
    };
    vec![
        (
            format!("{dir}{}", DEPOSIT_FILES[0]),
            record.datacite_xml().into_bytes(),
        ),
        (
            format!("{dir}{}", DEPOSIT_FILES[1]),
            json(record.datacite_json()),
        ),
        (
            format!("{dir}{}", DEPOSIT_FILES[2]),
            json(record.zenodo_json()),
        ),
    ]
}

/// Leaves out of `site` the entries whose consent has an end date: what is deposited stays
/// deposited, beyond any date. Returns the `contest/entry` slugs left out.
pub fn keep_permanent(site: &mut PublicSite) -> Vec<String> {
    let mut left_out = Vec::new();
    for contest in &mut site.contests {
        if contest.entries.iter().all(|e| e.consent_ends.is_none()) {
            continue;
        }
        let c = std::sync::Arc::make_mut(contest);
        for e in c.entries.iter().filter(|e| e.consent_ends.is_some()) {
            left_out.push(format!("{}/{}", c.slug, e.slug));
        }
        c.entries.retain(|e| e.consent_ends.is_none());
    }
    left_out
}

/// What a bundle or deposit wrote.
#[derive(Debug)]
pub struct Made {
    pub files: usize,
    pub bytes: u64,
}

/// Writes the offline bundle of `scope`, made from the site built into `built`, as the folder
/// `out` (replaced as a whole, like an output folder: see [`Staging`]).
pub fn write_bundle(
    config: &Config,
    built: &Path,
    scope: Scope,
    out: &Path,
    force: bool,
) -> Result<Made> {
    check_scope(built, scope)?;
    let files = bundle::plan(built, config, scope)?;
    replace_folder(config, out, force, |dir, written| {
        let mut bytes = 0;
        for f in &files {
            bytes += match &f.source {
                Source::Bytes(data) => {
                    write_file(dir, &f.path, data, false)?;
                    data.len() as u64
                }
                Source::Copy(from) => {
                    let to = dir.join(&f.path);
                    if let Some(parent) = to.parent() {
                        std::fs::create_dir_all(parent)
                            .with_context(|| format!("cannot create `{}`", parent.display()))?;
                    }
                    std::fs::copy(from, &to).with_context(|| {
                        format!("cannot copy `{}` to `{}`", from.display(), to.display())
                    })?
                }
            };
            written.produce(&f.path, 0);
        }
        Ok(bytes)
    })
}

/// Writes the deposit of contest `slug` into the folder `out` (replaced as a whole): its
/// DataCite XML and JSON records, Zenodo metadata and the archive's `CITATION.cff`, as the
/// site built into `built` publishes them, and `<slug>.zip`, the contest's offline bundle.
pub fn write_deposit(
    config: &Config,
    built: &Path,
    slug: &str,
    out: &Path,
    force: bool,
) -> Result<Made> {
    check_scope(built, Scope::Contest(slug))?;
    let files = bundle::plan(built, config, Scope::Contest(slug))?;
    let dir = deposit_dir(slug);
    let mut metadata: Vec<(String, &str)> = DEPOSIT_FILES
        .iter()
        .map(|name| (format!("{dir}{name}"), *name))
        .collect();
    metadata.push((CITATION_FILE.to_string(), CITATION_FILE));
    replace_folder(config, out, force, |dir, written| {
        let mut bytes = 0;
        for (from, to) in &metadata {
            let data = std::fs::read(built.join(from))
                .with_context(|| format!("the built site has no `{from}`"))?;
            write_file(dir, to, &data, false)?;
            written.produce(to, 0);
            bytes += data.len() as u64;
        }
        let zip = format!("{slug}.zip");
        zipfile::write(&dir.join(&zip), slug, &files, config.as_of.earliest)?;
        written.produce(&zip, 0);
        Ok(bytes + std::fs::metadata(dir.join(&zip)).map_or(0, |m| m.len()))
    })
}

/// Fills a staging folder for `out` with `fill` (which records each file it writes and
/// returns their bytes), removes what an earlier run left there, and swaps it in place of
/// `out`, keeping no copy of the replaced folder.
fn replace_folder(
    config: &Config,
    out: &Path,
    force: bool,
    fill: impl FnOnce(&Path, &mut Written) -> Result<u64>,
) -> Result<Made> {
    let mut staging = Staging::new(&config.root, out, &config.images.cache_dir, force)?;
    staging.keep_no_previous();
    let mut written = Written::from(staging.previous());
    written.begin(0);
    let bytes = fill(staging.dir(), &mut written)?;
    let stale = written.finish();
    remove_files(staging.dir(), &stale)?;
    let files = written.len();
    staging.commit(&written)?;
    Ok(Made { files, bytes })
}

/// A contest that the built site does not publish cannot be bundled: say which ones it does.
fn check_scope(built: &Path, scope: Scope) -> Result<()> {
    let Scope::Contest(slug) = scope else {
        return Ok(());
    };
    let plain = !slug.is_empty() && !slug.starts_with('.') && !slug.contains(['/', '\\']);
    if plain
        && built
            .join("contests")
            .join(slug)
            .join("index.html")
            .is_file()
    {
        return Ok(());
    }
    let mut published: Vec<String> = std::fs::read_dir(built.join("contests"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join("index.html").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    published.sort();
    bail!(
        "no published contest `{slug}`\n  hint: published contests: {}",
        if published.is_empty() {
            "none".to_string()
        } else {
            published.join(", ")
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A contest the gate hands out again keeps its deposit files without making them again;
    /// an edited one (a new `Arc`) gets new ones.
    #[test]
    fn deposit_files_are_made_again_only_for_a_changed_contest() {
        let config = deposit::tests::config();
        let contest = |title: &str| {
            Arc::new(Contest {
                slug: "c".into(),
                title: title.into(),
                ..Contest::default()
            })
        };
        let mut site = PublicSite {
            contests: vec![contest("First")],
            ..PublicSite::default()
        };
        let mut memo = Memo::default();
        let first = site_files(&config, &site, &mut memo);
        assert_eq!(first.len(), 4, "CITATION.cff and three deposit files");
        memo.0.get_mut("c").unwrap().1[0].1 = b"from the memo".to_vec();
        let again = site_files(&config, &site, &mut memo);
        assert_eq!(again[1].1, b"from the memo");
        site.contests[0] = contest("Second");
        let edited = site_files(&config, &site, &mut memo);
        assert!(String::from_utf8_lossy(&edited[1].1).contains("Second"));
    }
}
