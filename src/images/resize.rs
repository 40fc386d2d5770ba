//! RESIZE: which widths to publish, and Lanczos3 resizing with `fast_image_resize`.
//!
//! Takes the decoded [`Raster`] and the configured widths; produces one raster per width,
//! largest first, each resized from the previous one (a cascade: one decode serves every size).
//! Never upscales: widths larger than the image are dropped and the image's own width (capped at
//! the largest configured width) is the "full size".

use super::raster::{Pixels, Raster};
use crate::config::ImageSettings;
use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};

/// Widths to publish for an image `original` pixels wide (as displayed), smallest first.
pub fn widths(original: u32, settings: &ImageSettings) -> Vec<u32> {
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

/// Height of an image `width` wide with the proportions of `w`×`h` (at least 1).
pub fn height_for(width: u32, w: u32, h: u32) -> u32 {
    let scaled = (u64::from(h) * u64::from(width) + u64::from(w) / 2) / u64::from(w.max(1));
    u32::try_from(scaled.max(1)).unwrap_or(u32::MAX)
}

/// `raster` resized to exactly `width`×`height` (returned as is when already that size).
pub fn resize(raster: Raster, width: u32, height: u32) -> Result<Raster, String> {
    if raster.width == width && raster.height == height {
        return Ok(raster);
    }
    let kind = match raster.pixels {
        Pixels::Rgb => PixelType::U8x3,
        Pixels::Rgba | Pixels::Cmyk => PixelType::U8x4,
    };
    let src = ImageRef::new(raster.width, raster.height, &raster.data, kind)
        .map_err(|e| format!("cannot resize ({e})"))?;
    let mut dst = Image::new(width, height, kind);
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
        // Only real alpha is premultiplied; the fourth channel of CMYK is black ink.
        .use_alpha(raster.pixels == Pixels::Rgba);
    Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| format!("cannot resize ({e})"))?;
    Ok(Raster {
        width,
        height,
        pixels: raster.pixels,
        data: dst.into_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_upscale() {
        let s = ImageSettings::default();
        assert_eq!(widths(3000, &s), [360, 720, 1080, 1600]);
        assert_eq!(widths(800, &s), [360, 720, 800]);
        assert_eq!(widths(200, &s), [200]);
    }

    #[test]
    fn resizing_keeps_colour_and_size() {
        let red = Raster {
            width: 40,
            height: 20,
            pixels: Pixels::Rgb,
            data: [200u8, 10, 10].repeat(800),
        };
        let small = resize(red, 10, height_for(10, 40, 20)).unwrap();
        assert_eq!((small.width, small.height), (10, 5));
        assert!(small.data.chunks(3).all(|p| p == [200, 10, 10]));
    }
}
