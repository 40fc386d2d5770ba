//! ASSETS (images): every published image is decoded, turned upright by its EXIF orientation,
//! resized to the configured widths (never upscaled) and re-encoded. Nothing of the original
//! file survives but its pixels: no EXIF, XMP, IPTC, GPS, comments or embedded thumbnails, and
//! output names are built from the entry slug, the width and a content hash, never from the
//! original file name (which may name a person).
//!
//! One broken image never stops the build: it is reported (entry and file) and left out.

use crate::config::ImageSettings;
use crate::public::PublicSite;
use crate::report::{Problem, display_path};
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// Bump when a change to this module changes output bytes.
pub const PIPELINE_VERSION: u32 = 1;

/// Largest image sesh decodes: refuses decompression bombs before allocating.
const MAX_SIDE: u32 = 20_000;
const MAX_PIXELS: u64 = 100_000_000;
const MAX_FILE_BYTES: u64 = 60 * 1024 * 1024;

/// One published size of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    /// Path inside the output folder, `/`-separated.
    pub path: String,
}

/// The published sizes of one source image, smallest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub variants: Vec<Variant>,
}

impl Published {
    pub fn largest(&self) -> &Variant {
        // Never empty: at least the original width (capped) is produced.
        &self.variants[self.variants.len() - 1]
    }

    /// The smallest variant at least `width` wide, else the largest.
    pub fn at_least(&self, width: u32) -> &Variant {
        self.variants
            .iter()
            .find(|v| v.width >= width)
            .unwrap_or_else(|| self.largest())
    }
}

/// Source file → its published sizes.
#[derive(Debug, Default)]
pub struct Images {
    pub by_source: HashMap<PathBuf, Published>,
}

impl Images {
    pub fn get(&self, source: &Path) -> Option<&Published> {
        self.by_source.get(source)
    }

    /// Number of image files written.
    pub fn files(&self) -> usize {
        self.by_source.values().map(|p| p.variants.len()).sum()
    }
}

struct Job<'a> {
    source: &'a Path,
    /// Output folder of the entry, e.g. `contests/c/e`.
    dir: String,
    slug: &'a str,
}

/// Produces every published image of `site` into `out` (the staging folder).
pub fn publish(
    site: &PublicSite,
    settings: &ImageSettings,
    root: &Path,
    out: &Path,
) -> (Images, Vec<Problem>) {
    let mut jobs = Vec::new();
    for contest in &site.contests {
        for entry in &contest.entries {
            for media in &entry.media {
                jobs.push(Job {
                    source: &media.path,
                    dir: format!("contests/{}/{}", contest.slug, entry.slug),
                    slug: &entry.slug,
                });
            }
        }
    }
    let results: Vec<_> = jobs
        .par_iter()
        .map(|job| (job.source, produce(job, settings, out)))
        .collect();
    let mut images = Images::default();
    let mut problems = Vec::new();
    for (source, result) in results {
        match result {
            Ok(published) => {
                images.by_source.insert(source.to_path_buf(), published);
            }
            Err(message) => problems.push(
                Problem::warning(
                    display_path(root, source),
                    format!("{message}; image not published"),
                )
                .hint("open the file in an image editor and save it again as JPEG or PNG"),
            ),
        }
    }
    (images, problems)
}

fn produce(job: &Job, settings: &ImageSettings, out: &Path) -> Result<Published, String> {
    let size = std::fs::metadata(job.source)
        .map_err(|e| format!("cannot read: {e}"))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(format!(
            "file is {} MB, more than the {} MB limit",
            size >> 20,
            MAX_FILE_BYTES >> 20
        ));
    }
    let bytes = std::fs::read(job.source).map_err(|e| format!("cannot read: {e}"))?;
    let image = decode(&bytes)?;
    let hash = content_hash(&bytes, settings);
    let (width, height) = (image.width(), image.height());
    let alpha = image.color().has_alpha();
    let extension = if alpha { "png" } else { "jpg" };
    let mut variants = Vec::new();
    for w in widths(width, settings) {
        let h = ((u64::from(height) * u64::from(w) + u64::from(width) / 2) / u64::from(width))
            .max(1) as u32;
        let resized = if w == width {
            image.clone()
        } else {
            image.resize_exact(w, h, image::imageops::FilterType::Lanczos3)
        };
        let path = format!("{}/{}-{w}-{hash}.{extension}", job.dir, job.slug);
        let encoded = if alpha {
            encode_png(&resized)?
        } else {
            encode_jpeg(&resized, settings.quality)?
        };
        let file = out.join(&path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot write output: {e}"))?;
        }
        std::fs::write(&file, encoded).map_err(|e| format!("cannot write output: {e}"))?;
        variants.push(Variant {
            width: w,
            height: h,
            path,
        });
    }
    Ok(Published { variants })
}

/// Decodes with size limits checked from the header, and turns the pixels upright.
fn decode(bytes: &[u8]) -> Result<DynamicImage, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot read: {e}"))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4);
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| format!("not a readable image ({e})"))?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS || w > MAX_SIDE || h > MAX_SIDE {
        return Err(format!("image is {w}×{h} pixels, larger than sesh decodes"));
    }
    if decoder.total_bytes() > MAX_PIXELS * 8 {
        return Err("image needs too much memory to decode".into());
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image =
        DynamicImage::from_decoder(decoder).map_err(|e| format!("cannot decode ({e})"))?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// Configured widths below the image's own, plus its own width capped at the largest.
fn widths(original: u32, settings: &ImageSettings) -> Vec<u32> {
    let max = settings.widths.iter().copied().max().unwrap_or(1600);
    let mut out: Vec<u32> = settings
        .widths
        .iter()
        .copied()
        .filter(|&w| w < original)
        .collect();
    out.push(original.min(max));
    out.sort_unstable();
    out.dedup();
    out
}

fn content_hash(bytes: &[u8], settings: &ImageSettings) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(bytes);
    hasher.update(
        format!(
            "{PIPELINE_VERSION}|{:?}|{}",
            settings.widths, settings.quality
        )
        .as_bytes(),
    );
    hasher.finalize().to_hex()[..10].to_string()
}

fn encode_jpeg(image: &DynamicImage, quality: u8) -> Result<Vec<u8>, String> {
    let rgb = image.to_rgb8();
    let (w, h) = (rgb.width(), rgb.height());
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    encoder.set_progressive(true);
    let (w, h) = (
        u16::try_from(w).map_err(|_| "too wide")?,
        u16::try_from(h).map_err(|_| "too tall")?,
    );
    encoder
        .encode(rgb.as_raw(), w, h, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| format!("cannot encode JPEG ({e})"))?;
    Ok(out)
}

fn encode_png(image: &DynamicImage) -> Result<Vec<u8>, String> {
    let rgba = image.to_rgba8();
    let mut out = Cursor::new(Vec::new());
    rgba.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| format!("cannot encode PNG ({e})"))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_upscale() {
        let s = ImageSettings::default();
        assert_eq!(widths(3000, &s), [320, 640, 1024, 1600]);
        assert_eq!(widths(800, &s), [320, 640, 800]);
        assert_eq!(widths(200, &s), [200]);
    }

    #[test]
    fn the_hash_depends_on_bytes_and_settings() {
        let s = ImageSettings::default();
        let q = ImageSettings {
            quality: 90,
            ..ImageSettings::default()
        };
        assert_ne!(content_hash(b"a", &s), content_hash(b"b", &s));
        assert_ne!(content_hash(b"a", &s), content_hash(b"a", &q));
        assert_eq!(content_hash(b"a", &s).len(), 10);
    }
}
