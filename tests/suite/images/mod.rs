//! The image pipeline end to end: generated images (`generate.rs`) through the real binary,
//! checked by decoding the output pixels and parsing the output bytes. Each test writes its own
//! entries into the `images` fixture.

mod cache;
pub mod generate;
mod pixels;
mod refusals;

use crate::common::*;

pub const CONTEST: &str = "content/contests/images";

/// The images fixture with one entry per (slug, file name, bytes).
pub fn site_with(entries: &[(&str, &str, Vec<u8>)]) -> Site {
    let site = Site::fixture("images");
    for (slug, file, bytes) in entries {
        add_entry(&site, slug, file, bytes);
    }
    site
}

pub fn add_entry(site: &Site, slug: &str, file: &str, bytes: &[u8]) {
    site.write(
        &format!("{CONTEST}/{slug}/index.md"),
        &format!(
            "+++\ntitle = \"Entry {slug}\"\n[consent]\npublish = true\nimages = true\n[[media]]\nfile = \"{file}\"\nalt = \"Image of {slug}\"\n+++\nText of {slug}.\n"
        ),
    );
    std::fs::write(site.path(&format!("{CONTEST}/{slug}/{file}")), bytes).expect("write image");
}

/// Output image files of an entry (JPEG or PNG; the WebP beside them: [`webp_outputs`]),
/// largest width last.
pub fn outputs(site: &Site, slug: &str) -> Vec<String> {
    let prefix = format!("contests/images/{slug}/");
    let mut files: Vec<String> = site
        .files()
        .into_iter()
        .filter(|f| f.starts_with(&prefix) && !f.ends_with(".html") && !f.ends_with(".webp"))
        .collect();
    let width = |f: &String| -> u32 {
        let name = f.rsplit('/').next().unwrap_or("");
        name.rsplit('-')
            .nth(1)
            .and_then(|w| w.parse().ok())
            .unwrap_or(0)
    };
    files.sort_by_key(width);
    files
}

/// The WebP files of an entry (`webp = true`, the default, where WebP is smaller).
pub fn webp_outputs(site: &Site, slug: &str) -> Vec<String> {
    let prefix = format!("contests/images/{slug}/");
    site.files()
        .into_iter()
        .filter(|f| f.starts_with(&prefix) && f.ends_with(".webp"))
        .collect()
}

pub fn largest(site: &Site, slug: &str) -> Vec<u8> {
    let files = outputs(site, slug);
    let file = files
        .last()
        .unwrap_or_else(|| panic!("{slug}: no image published"));
    std::fs::read(site.out.join(file)).expect("read output")
}
