//! ENCODE: an upright sRGB [`Raster`] → the bytes of a published file.
//!
//! JPEG with `jpeg-encoder` (progressive, 4:2:0 chroma, optimised Huffman tables), PNG for images that keep
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

/// Progressive. jpeg-encoder 0.7.1 writes corrupt baseline files when Huffman tables are
/// optimised (colours wrong from the second block row on); see docs/images.md and the test below.
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

/// Lossy WebP of an RGB or RGBA raster, as good as the JPEG of `quality` (see [`webp_quality`]).
pub fn webp(raster: &Raster, quality: u8) -> Result<Vec<u8>, String> {
    let encoder = match raster.pixels {
        Pixels::Rgb => webp::Encoder::from_rgb(&raster.data, raster.width, raster.height),
        Pixels::Rgba => webp::Encoder::from_rgba(&raster.data, raster.width, raster.height),
        Pixels::Cmyk => return Err("internal error: CMYK reached the encoder".into()),
    };
    let mut config =
        webp::WebPConfig::new().map_err(|_| "cannot configure the WebP encoder".to_string())?;
    config.quality = f32::from(webp_quality(quality));
    config.method = WEBP_METHOD;
    let encoded = encoder
        .encode_advanced(&config)
        .map_err(|e| format!("cannot encode WebP ({e:?})"))?;
    Ok(encoded.to_vec())
}

/// libwebp's effort (0–6). Measured on a 4000 × 2250 photograph resized to 1600, 1080, 720 and
/// 360 px: method 2 writes files 1–2 % larger than the default 4 in about 40 % of its CPU time
/// (2.8 times the JPEG encoder's, against 6.5 times); docs/images.md has the table.
const WEBP_METHOD: i32 = 2;

/// The WebP quality whose files measured the same SSIM as JPEG files of `jpeg_quality` (the
/// two scales differ: at the same number WebP is about half the size and visibly softer). On
/// the photograph above, JPEG 80 ≈ WebP 87–88, JPEG 60 ≈ WebP 79, JPEG 90 ≈ WebP 93–94:
/// `100 − (100 − q) × 3/5` follows that curve within two points from 60 up.
pub fn webp_quality(jpeg_quality: u8) -> u8 {
    let q = u32::from(jpeg_quality.min(100));
    (100 - (100 - q) * 3 / 5) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webp_quality_follows_the_measured_curve() {
        assert_eq!(webp_quality(80), 88);
        assert_eq!(webp_quality(60), 76);
        assert_eq!(webp_quality(90), 94);
        assert_eq!(webp_quality(100), 100);
        assert_eq!(webp_quality(1), 41);
    }

    #[test]
    fn encoded_jpegs_decode_to_the_same_colours_everywhere() {
        for (w, h) in [(40, 30), (64, 32), (333, 257)] {
            let raster = Raster {
                width: w,
                height: h,
                pixels: Pixels::Rgb,
                data: [255u8, 0, 255].repeat((w * h) as usize),
            };
            let bytes = main(&raster, 80).unwrap();
            let decoded = image::load_from_memory(&bytes).unwrap().to_rgb8();
            for (x, y) in [(2, 2), (w - 3, h - 3), (w / 2, h - 1)] {
                let p = decoded.get_pixel(x, y).0;
                assert!(
                    p[0] > 245 && p[1] < 10 && p[2] > 245,
                    "{w}×{h} at ({x}, {y}): {p:?}"
                );
            }
        }
    }
}
