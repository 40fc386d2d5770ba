//! RASTER: the decoded pixels every stage passes along: 8 bits per channel, rows top to bottom.
//!
//! Produced by decoding, consumed by colour conversion, resizing, orientation and encoding.
//! Nothing but pixels lives here: metadata never travels with a raster.

/// Channel layout of a [`Raster`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pixels {
    Rgb,
    Rgba,
    /// Ink amounts (0 = no ink), before conversion to sRGB.
    Cmyk,
}

#[derive(Debug, Clone)]
pub struct Raster {
    pub width: u32,
    pub height: u32,
    pub pixels: Pixels,
    pub data: Vec<u8>,
}

impl Raster {
    pub fn channels(&self) -> usize {
        match self.pixels {
            Pixels::Rgb => 3,
            Pixels::Rgba | Pixels::Cmyk => 4,
        }
    }

    /// True when some pixel is not fully opaque.
    pub fn has_transparency(&self) -> bool {
        self.pixels == Pixels::Rgba && self.data.chunks_exact(4).any(|p| p[3] < 255)
    }

    /// RGBA → RGB: composited over `background`, or just dropping an all-opaque alpha channel.
    pub fn flatten(self, background: [u8; 3]) -> Raster {
        if self.pixels != Pixels::Rgba {
            return self;
        }
        let data = self
            .data
            .chunks_exact(4)
            .flat_map(|p| {
                let a = u32::from(p[3]);
                let mix = |c: u8, b: u8| {
                    ((u32::from(c) * a + u32::from(b) * (255 - a) + 127) / 255) as u8
                };
                [
                    mix(p[0], background[0]),
                    mix(p[1], background[1]),
                    mix(p[2], background[2]),
                ]
            })
            .collect();
        Raster {
            pixels: Pixels::Rgb,
            data,
            ..self
        }
    }
}
