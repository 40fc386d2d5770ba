//! PIPELINE: one image's bytes → its encoded sizes, largest first. No file system here.
//!
//! Sniff the format, read the header and check the limits (before allocating pixels), wait for
//! the memory budget, decode, resize to the largest width in the source's colour space, convert
//! that to sRGB (cheaper than converting the full image), decide about transparency, cascade the
//! smaller widths from it, turn each upright and encode it.

use super::budget::Budget;
use super::raster::{Pixels, Raster};
use super::{Failure, color, decode, encode, orient, resize, sniff};
use crate::config::ImageSettings;
use image::metadata::Orientation;

/// The encoded sizes of one image.
pub struct Rendition {
    /// `jpg` or `png`.
    pub extension: &'static str,
    /// Largest first.
    pub sizes: Vec<Encoded>,
    /// Non-fatal remarks for the build report.
    pub notes: Vec<String>,
}

pub struct Encoded {
    pub width: u32,
    pub height: u32,
    pub main: Vec<u8>,
    /// The same size as WebP, when asked for and smaller than `main`.
    pub webp: Option<Vec<u8>>,
}

/// Decodes `bytes` and produces every published size.
pub fn make(bytes: &[u8], settings: &ImageSettings, budget: &Budget) -> Result<Rendition, Failure> {
    let format = sniff::sniff(bytes)?;
    let header = decode::probe(
        format,
        bytes,
        settings.max_megapixels.saturating_mul(1_000_000),
    )?;
    let _permit = budget.acquire(header.memory + bytes.len() as u64);
    let (raster, icc) = decode::decode(format, bytes, &header)?;
    let mut notes = Vec::new();
    let plan = Plan::new(&header, settings);
    let mut sizes = Vec::with_capacity(plan.widths.len());
    let mut current = raster;
    for (i, &width) in plan.widths.iter().rev().enumerate() {
        let (w, h) = plan.stored_size(width);
        current = resize::resize(current, w, h).map_err(internal)?;
        if i == 0 {
            current = color::to_srgb(current, icc.as_deref(), &mut notes);
            current = transparency(current, settings);
        }
        sizes.push(encode_one(&current, plan.orientation, settings)?);
    }
    let extension = encode::extension(&current);
    Ok(Rendition {
        extension,
        sizes,
        notes,
    })
}

/// The widths to publish and how sizes map between stored and displayed orientation.
struct Plan {
    /// Smallest first, as displayed.
    widths: Vec<u32>,
    orientation: Orientation,
    /// Displayed size of the original.
    shown: (u32, u32),
}

impl Plan {
    fn new(header: &decode::Header, settings: &ImageSettings) -> Plan {
        let shown = if orient::swaps_sides(header.orientation) {
            (header.height, header.width)
        } else {
            (header.width, header.height)
        };
        Plan {
            widths: resize::widths(shown.0, settings),
            orientation: header.orientation,
            shown,
        }
    }

    /// Size to resize the stored pixels to, for a displayed `width`.
    fn stored_size(&self, width: u32) -> (u32, u32) {
        let height = resize::height_for(width, self.shown.0, self.shown.1);
        if orient::swaps_sides(self.orientation) {
            (height, width)
        } else {
            (width, height)
        }
    }
}

/// Transparency is kept (PNG) unless `background` is set; an alpha channel that is fully opaque
/// is dropped (JPEG).
fn transparency(raster: Raster, settings: &ImageSettings) -> Raster {
    match settings.background {
        Some(background) => raster.flatten(background),
        None if !raster.has_transparency() => raster.flatten([255, 255, 255]),
        None => raster,
    }
}

fn encode_one(
    raster: &Raster,
    orientation: Orientation,
    settings: &ImageSettings,
) -> Result<Encoded, Failure> {
    let upright = orient::apply(raster, orientation);
    let main = encode::main(&upright, settings.quality).map_err(internal)?;
    // WebP only where it saves bytes: a size whose WebP is not smaller is offered as JPEG (or
    // PNG) alone.
    let webp = match settings.webp && upright.pixels != Pixels::Cmyk {
        true => Some(encode::webp(&upright, settings.quality).map_err(internal)?)
            .filter(|webp| webp.len() < main.len()),
        false => None,
    };
    Ok(Encoded {
        width: upright.width,
        height: upright.height,
        main,
        webp,
    })
}

fn internal(message: String) -> Failure {
    Failure::new(
        message,
        "this is likely a bug in sesh: please report it with the file",
    )
}
