//! ORIENT: pixels turned upright by the EXIF orientation (1–8), so no tag is needed afterwards.
//!
//! Takes a [`Raster`] as stored and the EXIF orientation; produces the raster as it should be
//! displayed. Applied to each resized output, where it is cheap, rather than to the full image.

use super::raster::Raster;
use image::metadata::Orientation;
use std::borrow::Cow;

/// True when the orientation swaps width and height.
pub fn swaps_sides(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

/// `raster` turned upright: borrowed when it already is, else a turned copy.
pub fn apply(raster: &Raster, orientation: Orientation) -> Cow<'_, Raster> {
    if orientation == Orientation::NoTransforms {
        return Cow::Borrowed(raster);
    }
    let (w, h) = (raster.width as usize, raster.height as usize);
    let (dw, dh) = if swaps_sides(orientation) {
        (h, w)
    } else {
        (w, h)
    };
    let n = raster.channels();
    let mut data = vec![0u8; raster.data.len()];
    for y in 0..dh {
        for x in 0..dw {
            let (sx, sy) = source_of(orientation, x, y, w, h);
            let from = (sy * w + sx) * n;
            let to = (y * dw + x) * n;
            data[to..to + n].copy_from_slice(&raster.data[from..from + n]);
        }
    }
    Cow::Owned(Raster {
        width: dw as u32,
        height: dh as u32,
        pixels: raster.pixels,
        data,
    })
}

/// The stored pixel shown at display position (x, y); `w`×`h` are the stored sides.
fn source_of(o: Orientation, x: usize, y: usize, w: usize, h: usize) -> (usize, usize) {
    match o {
        Orientation::NoTransforms => (x, y),
        Orientation::FlipHorizontal => (w - 1 - x, y),
        Orientation::Rotate180 => (w - 1 - x, h - 1 - y),
        Orientation::FlipVertical => (x, h - 1 - y),
        Orientation::Rotate90FlipH => (y, x),
        Orientation::Rotate90 => (y, h - 1 - x),
        Orientation::Rotate270FlipH => (w - 1 - y, h - 1 - x),
        Orientation::Rotate270 => (w - 1 - y, x),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::images::raster::Pixels;

    /// 3×2 grey image, one channel per pixel value 0..6 (row-major).
    fn numbered() -> Raster {
        Raster {
            width: 3,
            height: 2,
            pixels: Pixels::Rgb,
            data: (0..6u8).flat_map(|v| [v, v, v]).collect(),
        }
    }

    fn values(r: &Raster) -> Vec<u8> {
        r.data.chunks(3).map(|p| p[0]).collect()
    }

    #[test]
    fn every_exif_orientation_maps_pixels() {
        // Stored:  0 1 2 / 3 4 5
        let cases = [
            (1, 3, vec![0, 1, 2, 3, 4, 5]),
            (2, 3, vec![2, 1, 0, 5, 4, 3]),
            (3, 3, vec![5, 4, 3, 2, 1, 0]),
            (4, 3, vec![3, 4, 5, 0, 1, 2]),
            (5, 2, vec![0, 3, 1, 4, 2, 5]),
            (6, 2, vec![3, 0, 4, 1, 5, 2]),
            (7, 2, vec![5, 2, 4, 1, 3, 0]),
            (8, 2, vec![2, 5, 1, 4, 0, 3]),
        ];
        let stored = numbered();
        for (exif, width, expected) in cases {
            let o = Orientation::from_exif(exif).unwrap();
            let out = apply(&stored, o);
            assert_eq!(out.width, width, "orientation {exif}");
            assert_eq!(values(&out), expected, "orientation {exif}");
        }
    }

    #[test]
    fn an_upright_raster_is_not_copied() {
        let stored = numbered();
        assert!(matches!(
            apply(&stored, Orientation::NoTransforms),
            Cow::Borrowed(_)
        ));
    }
}
