//! Zip files of bundles (a deposit's `<contest>.zip`): deterministic (files in path order, one
//! fixed date, the same permissions), text deflated, images and media stored as they are
//! (they are compressed already). Written under a temporary name and renamed into place.

use super::bundle::{BundleFile, Source};
use anyhow::{Context, Result};
use jiff::civil::Date;
use std::path::Path;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// Extensions worth deflating.
const TEXT: &[&str] = &[
    "html", "css", "js", "json", "xml", "txt", "cff", "bib", "ris", "vtt", "svg", "csv", "md",
];

/// Writes `files` into the zip file `to`, each under `folder/` (so that unzipping gives one
/// folder), dated `date`.
pub fn write(to: &Path, folder: &str, files: &[BundleFile], date: Date) -> Result<()> {
    let name = to
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = to.with_file_name(format!(".{name}.sesh-tmp"));
    let result = write_into(&temp, folder, files, date);
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    std::fs::rename(&temp, to).with_context(|| format!("cannot write `{}`", to.display()))
}

fn write_into(path: &Path, folder: &str, files: &[BundleFile], date: Date) -> Result<()> {
    let file = std::fs::File::create(path)
        .with_context(|| format!("cannot create `{}`", path.display()))?;
    let mut zip = ZipWriter::new(std::io::BufWriter::new(file));
    let year = u16::try_from(date.year()).unwrap_or(1980).clamp(1980, 2107);
    let time = DateTime::from_date_and_time(year, date.month() as u8, date.day() as u8, 0, 0, 0)
        .unwrap_or_default();
    let mut sorted: Vec<&BundleFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    for f in sorted {
        let ext = f.path.rsplit('.').next().unwrap_or("").to_lowercase();
        let method = match TEXT.contains(&ext.as_str()) {
            true => CompressionMethod::Deflated,
            false => CompressionMethod::Stored,
        };
        let size = match &f.source {
            Source::Bytes(b) => b.len() as u64,
            Source::Copy(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
        };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(time)
            .unix_permissions(0o644)
            .large_file(size >= u32::MAX as u64);
        zip.start_file(format!("{folder}/{}", f.path), options)
            .with_context(|| format!("cannot add `{}` to `{}`", f.path, path.display()))?;
        match &f.source {
            Source::Bytes(bytes) => std::io::Write::write_all(&mut zip, bytes)?,
            Source::Copy(from) => {
                let mut input = std::fs::File::open(from)
                    .with_context(|| format!("cannot read `{}`", from.display()))?;
                std::io::copy(&mut input, &mut zip)
                    .with_context(|| format!("cannot add `{}` to `{}`", f.path, path.display()))?;
            }
        }
    }
    let mut out = zip
        .finish()
        .with_context(|| format!("cannot finish `{}`", path.display()))?;
    std::io::Write::flush(&mut out)?;
    Ok(())
}
