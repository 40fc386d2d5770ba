//! DECODE: a sniffed file → its [`Header`] (checked against the limits before any pixel is
//! allocated), then its pixels.
//!
//! JPEG goes through [`super::jpeg`] (zune-jpeg); PNG (8 or 16 bits), GIF (first frame) and WebP
//! through the `image` crate with its limits set. Takes the file's bytes and the configured limits;
//! produces a [`Raster`] (RGB, RGBA, or CMYK ink) and the embedded ICC profile, for the colour stage.

use super::raster::{Pixels, Raster};
use super::sniff::Format;
use super::{Failure, jpeg};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use std::io::Cursor;

/// Longest side sesh decodes, whatever the pixel limit.
pub const MAX_SIDE: u32 = 32_768;

const BOMB_HINT: &str = "export it at a smaller size (a few thousand pixels wide is plenty for the web), or raise max_megapixels under [images] in sesh.toml";

/// What the header tells before decoding.
#[derive(Debug, Clone)]
pub struct Header {
    pub width: u32,
    pub height: u32,
    pub orientation: Orientation,
    /// Bytes the decoder will hold at once, estimated (for the memory budget).
    pub memory: u64,
    jpeg: Option<jpeg::Header>,
}

/// Reads the header of `bytes` and refuses images over the limits.
pub fn probe(format: Format, bytes: &[u8], max_pixels: u64) -> Result<Header, Failure> {
    let header = match format {
        Format::Jpeg => {
            let j = jpeg::probe(bytes)?;
            let (w, h) = (u64::from(j.width), u64::from(j.height));
            // Progressive files keep every coefficient (2 bytes per sample) until the end.
            let per_pixel = if j.progressive {
                2 * j.components as u64 + 4
            } else {
                8
            };
            Header {
                width: j.width,
                height: j.height,
                orientation: j.orientation,
                memory: w * h * per_pixel,
                jpeg: Some(j),
            }
        }
        _ => {
            let mut decoder = other_decoder(format, bytes)?;
            let (width, height) = decoder.dimensions();
            check(width, height, max_pixels)?;
            let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
            Header {
                width,
                height,
                orientation,
                // The decoded image, then its 8-bit RGBA copy.
                memory: decoder.total_bytes() + u64::from(width) * u64::from(height) * 4,
                jpeg: None,
            }
        }
    };
    check(header.width, header.height, max_pixels)?;
    Ok(header)
}

fn check(width: u32, height: u32, max_pixels: u64) -> Result<(), Failure> {
    let pixels = u64::from(width) * u64::from(height);
    if width > MAX_SIDE || height > MAX_SIDE || pixels > max_pixels {
        return Err(Failure::new(
            format!(
                "the image declares {width}×{height} pixels ({} megapixels), more than sesh decodes (at most {} megapixels and {MAX_SIDE} pixels a side); it may be a decompression bomb",
                pixels / 1_000_000,
                max_pixels / 1_000_000
            ),
            BOMB_HINT,
        ));
    }
    Ok(())
}

/// Decodes `bytes` to pixels as stored (not yet oriented nor converted to sRGB), with the
/// embedded ICC profile if any.
pub fn decode(
    format: Format,
    bytes: &[u8],
    header: &Header,
) -> Result<(Raster, Option<Vec<u8>>), Failure> {
    match &header.jpeg {
        Some(j) => jpeg::decode(bytes, j),
        None => decode_other(format, bytes),
    }
}

fn other_decoder(format: Format, bytes: &[u8]) -> Result<Box<dyn ImageDecoder + '_>, Failure> {
    let image_format = match format {
        Format::Png => image::ImageFormat::Png,
        Format::Gif => image::ImageFormat::Gif,
        Format::WebP => image::ImageFormat::WebP,
        Format::Jpeg => image::ImageFormat::Jpeg,
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    reader.limits(limits);
    let decoder = reader.into_decoder().map_err(|e| unreadable(format, &e))?;
    Ok(Box::new(decoder))
}

fn decode_other(format: Format, bytes: &[u8]) -> Result<(Raster, Option<Vec<u8>>), Failure> {
    let mut decoder = other_decoder(format, bytes)?;
    let icc = decoder.icc_profile().ok().flatten();
    let image = DynamicImage::from_decoder(decoder).map_err(|e| unreadable(format, &e))?;
    let (width, height) = (image.width(), image.height());
    let raster = if image.color().has_alpha() {
        Raster {
            width,
            height,
            pixels: Pixels::Rgba,
            data: image.into_rgba8().into_raw(),
        }
    } else {
        Raster {
            width,
            height,
            pixels: Pixels::Rgb,
            data: image.into_rgb8().into_raw(),
        }
    };
    Ok((raster, icc))
}

fn unreadable(format: Format, e: &image::ImageError) -> Failure {
    if let image::ImageError::Limits(_) = e {
        return Failure::new(
            format!(
                "the image declares more than {MAX_SIDE} pixels a side, more than sesh decodes; it may be a decompression bomb"
            ),
            BOMB_HINT,
        );
    }
    Failure::new(
        format!("the {format:?} file is damaged or not fully supported ({e})"),
        "open it in an image editor and export it again as PNG or JPEG",
    )
}
