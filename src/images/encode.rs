//! ENCODE: an upright sRGB [`Raster`] → the bytes of a published file.
//!
//! JPEG with `jpeg-encoder` (4:2:0 chroma, optimised Huffman tables), PNG for images that keep
//! their transparency, and optionally WebP (libwebp, lossy). The encoders are given pixels only:
//! they write no EXIF, XMP, IPTC, ICC profile, comment or thumbnail.

use super::raster::{Pixels, Raster};

/// File extension of the main encoding of `raster`.
pub fn extension(raster: &Raster) -> &'static str {
    match raster.pixels {
        Pixels::Rgba => "png",
        _ => "jpg",
    }
}

/// Encodes `raster` as JPEG (RGB) or PNG (RGBA).
pub fn main(raster: &Raster, quality: u8) -> Result<Vec<u8>, String> {
    match raster.pixels {
        Pixels::Rgb => jpeg(raster, quality),
        Pixels::Rgba => png(raster),
        Pixels::Cmyk => Err("internal error: CMYK reached the encoder".into()),
    }
}

fn jpeg(raster: &Raster, quality: u8) -> Result<Vec<u8>, String> {
    let side = |v: u32| u16::try_from(v).map_err(|_| format!("{v} pixels is too large for JPEG"));
    let (w, h) = (side(raster.width)?, side(raster.height)?);
    let mut out = Vec::with_capacity(raster.data.len() / 8);
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    encoder.set_progressive(PROGRESSIVE);
    encoder.set_optimized_huffman_tables(true);
    encoder
        .encode(&raster.data, w, h, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| format!("cannot encode JPEG ({e})"))?;
    Ok(out)
}

/// Progressive JPEG: a few percent smaller and shows early on slow links; measured in
/// docs/images.md.
const PROGRESSIVE: bool = true;

fn png(raster: &Raster) -> Result<Vec<u8>, String> {
    use image::ImageEncoder;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Default, FilterType::Adaptive)
        .write_image(
            &raster.data,
            raster.width,
            raster.height,
            image::ExtendedColorType::Rgba8,
        )
        .map_err(|e| format!("cannot encode PNG ({e})"))?;
    Ok(out)
}

/// Lossy WebP of an RGB or RGBA raster.
pub fn webp(raster: &Raster, quality: u8) -> Result<Vec<u8>, String> {
    let encoder = match raster.pixels {
        Pixels::Rgb => webp::Encoder::from_rgb(&raster.data, raster.width, raster.height),
        Pixels::Rgba => webp::Encoder::from_rgba(&raster.data, raster.width, raster.height),
        Pixels::Cmyk => return Err("internal error: CMYK reached the encoder".into()),
    };
    let encoded = encoder
        .encode_simple(false, f32::from(quality))
        .map_err(|e| format!("cannot encode WebP ({e:?})"))?;
    Ok(encoded.to_vec())
}
