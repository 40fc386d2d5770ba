//! COLOUR: pixels in the source's colour space → sRGB, the colour space browsers assume.
//!
//! Takes a [`Raster`] (RGB, RGBA or CMYK ink amounts) and the ICC profile embedded in the source
//! file, if any; produces an sRGB raster. Profiles are applied with `moxcms` (pure Rust), CMYK
//! profiles of print posters included. Without a profile RGB is taken as sRGB, and CMYK is
//! converted naively (`r = (1 - c)(1 - k)`). A profile that cannot be used is ignored, with a note
//! for the build report. The profile itself never reaches the output.

use super::raster::{Pixels, Raster};
use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions};

/// `raster` converted to sRGB; `notes` receives what went wrong with the profile, if anything.
pub fn to_srgb(raster: Raster, icc: Option<&[u8]>, notes: &mut Vec<String>) -> Raster {
    let Some(icc) = icc else {
        return naive(raster);
    };
    match with_profile(&raster, icc) {
        Ok(Some(converted)) => converted,
        Ok(None) => naive(raster),
        Err(why) => {
            notes.push(format!(
                "its embedded colour profile cannot be used ({why}); colours may be slightly off"
            ));
            naive(raster)
        }
    }
}

/// `Ok(None)` when the profile does not apply to these pixels (e.g. a grey profile on RGB data).
fn with_profile(raster: &Raster, icc: &[u8]) -> Result<Option<Raster>, String> {
    let source = ColorProfile::new_from_slice(icc).map_err(|e| e.to_string())?;
    let (from, to, pixels) = match (raster.pixels, source.color_space) {
        (Pixels::Rgb, DataColorSpace::Rgb) => (Layout::Rgb, Layout::Rgb, Pixels::Rgb),
        (Pixels::Rgba, DataColorSpace::Rgb) => (Layout::Rgba, Layout::Rgba, Pixels::Rgba),
        // moxcms reads 8-bit CMYK with the RGBA layout.
        (Pixels::Cmyk, DataColorSpace::Cmyk) => (Layout::Rgba, Layout::Rgb, Pixels::Rgb),
        _ => return Ok(None),
    };
    let srgb = ColorProfile::new_srgb();
    let transform = source
        .create_transform_8bit(from, &srgb, to, TransformOptions::default())
        .map_err(|e| e.to_string())?;
    let pixel_count = raster.width as usize * raster.height as usize;
    let mut data = vec![0u8; pixel_count * if to == Layout::Rgb { 3 } else { 4 }];
    transform
        .transform(&raster.data, &mut data)
        .map_err(|e| e.to_string())?;
    Ok(Some(Raster {
        width: raster.width,
        height: raster.height,
        pixels,
        data,
    }))
}

/// RGB as is; CMYK ink amounts without a profile.
fn naive(raster: Raster) -> Raster {
    if raster.pixels != Pixels::Cmyk {
        return raster;
    }
    let data = raster
        .data
        .chunks_exact(4)
        .flat_map(|p| {
            let white = 255 - u32::from(p[3]);
            let channel = |ink: u8| (((255 - u32::from(ink)) * white + 127) / 255) as u8;
            [channel(p[0]), channel(p[1]), channel(p[2])]
        })
        .collect();
    Raster {
        pixels: Pixels::Rgb,
        data,
        ..raster
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(pixels: Pixels, data: &[u8]) -> Raster {
        Raster {
            width: 1,
            height: 1,
            pixels,
            data: data.to_vec(),
        }
    }

    #[test]
    fn cmyk_without_profile_is_converted_naively() {
        let cyan = to_srgb(one(Pixels::Cmyk, &[255, 0, 0, 0]), None, &mut Vec::new());
        assert_eq!(cyan.data, [0, 255, 255]);
        let black = to_srgb(one(Pixels::Cmyk, &[0, 0, 0, 255]), None, &mut Vec::new());
        assert_eq!(black.data, [0, 0, 0]);
    }

    #[test]
    fn a_display_p3_profile_changes_saturated_colours() {
        let p3 = ColorProfile::new_display_p3().encode().unwrap();
        let mut notes = Vec::new();
        let red = to_srgb(one(Pixels::Rgb, &[255, 0, 0]), Some(&p3), &mut notes);
        assert!(notes.is_empty(), "{notes:?}");
        // P3 red lies outside sRGB: it clips to full red.
        assert!(red.data[0] >= 250 && red.data[1] < 10, "{:?}", red.data);
        // An in-gamut P3 orange is more saturated than the same numbers in sRGB.
        let orange = to_srgb(one(Pixels::Rgb, &[200, 100, 50]), Some(&p3), &mut notes);
        assert!(
            orange.data[0] > 205 && orange.data[2] < 45,
            "{:?}",
            orange.data
        );
    }

    #[test]
    fn a_broken_profile_is_noted_and_ignored() {
        let mut notes = Vec::new();
        let out = to_srgb(
            one(Pixels::Rgb, &[10, 20, 30]),
            Some(b"not a profile"),
            &mut notes,
        );
        assert_eq!(out.data, [10, 20, 30]);
        assert_eq!(notes.len(), 1);
    }
}
