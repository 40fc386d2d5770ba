//! JPEG: the bytes of a JPEG file → its header facts, then its pixels (RGB or CMYK ink).
//!
//! Takes the whole file; produces a [`Header`] (size, progressive or not, EXIF orientation, how
//! CMYK is stored) read from the markers before any pixel is allocated, and a [`Raster`] decoded
//! with `zune-jpeg` in strict mode. A file that ends before its end-of-image marker (a truncated
//! upload, which decoders would fill with grey) or whose data is damaged is refused, not published
//! with grey areas. CMYK comes out as ink amounts: Adobe files store it inverted, YCCK files as
//! colour-transformed ink, and both are undone here so the colour stage sees one convention.

use super::Failure;
use super::raster::{Pixels, Raster};
use image::metadata::Orientation;
use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;

#[derive(Debug, Clone)]
pub struct Header {
    pub width: u32,
    pub height: u32,
    pub progressive: bool,
    pub components: usize,
    pub orientation: Orientation,
    /// The transform byte of an Adobe APP14 segment (0: CMYK or RGB, 1: YCbCr, 2: YCCK).
    adobe: Option<u8>,
    /// Offset of the first start-of-scan marker.
    scan: usize,
}

const DAMAGED_HINT: &str = "open the original in an image editor, check that the picture is whole, and export it again as JPEG";

/// Reads the markers before the first scan.
pub fn probe(bytes: &[u8]) -> Result<Header, Failure> {
    let mut header = Header {
        width: 0,
        height: 0,
        progressive: false,
        components: 0,
        orientation: Orientation::NoTransforms,
        adobe: None,
        scan: 0,
    };
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return Err(damaged("a header segment is malformed"));
        }
        let marker = bytes[i + 1];
        if marker == 0xFF || marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            i += if marker == 0xFF { 1 } else { 2 };
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        let segment = bytes
            .get(i + 4..i + 2 + len.max(2))
            .ok_or_else(|| damaged("the file ends inside its header"))?;
        if marker == 0xDA {
            header.scan = i;
            break;
        }
        read_segment(&mut header, marker, segment)?;
        i += 2 + len;
    }
    if header.scan == 0 || header.width == 0 || header.height == 0 {
        return Err(damaged("the file ends before its image data"));
    }
    Ok(header)
}

fn read_segment(header: &mut Header, marker: u8, segment: &[u8]) -> Result<(), Failure> {
    match marker {
        0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
            if !(0xC0..=0xC2).contains(&marker) {
                return Err(Failure::new(
                    "this JPEG uses a lossless or arithmetic-coded variant that sesh cannot decode",
                    "export it again as a standard JPEG",
                ));
            }
            let [_, h0, h1, w0, w1, n, ..] = *segment else {
                return Err(damaged("its frame header is too short"));
            };
            header.height = u32::from(u16::from_be_bytes([h0, h1]));
            header.width = u32::from(u16::from_be_bytes([w0, w1]));
            header.components = usize::from(n);
            header.progressive = marker == 0xC2;
        }
        0xE1 if segment.starts_with(b"Exif\0\0") => {
            header.orientation =
                Orientation::from_exif_chunk(&segment[6..]).unwrap_or(Orientation::NoTransforms);
        }
        0xEE if segment.starts_with(b"Adobe") && segment.len() >= 12 => {
            header.adobe = Some(segment[11]);
        }
        _ => {}
    }
    Ok(())
}

fn damaged(what: &str) -> Failure {
    Failure::new(format!("the JPEG is damaged: {what}"), DAMAGED_HINT)
}

/// Decodes the pixels: RGB, or CMYK ink amounts for four-component files.
pub fn decode(bytes: &[u8], header: &Header) -> Result<(Raster, Option<Vec<u8>>), Failure> {
    let after_scan = &bytes[header.scan..];
    if !after_scan.windows(2).rev().any(|w| w == [0xFF, 0xD9]) {
        return Err(Failure::new(
            "the JPEG is truncated: it ends before its end-of-image marker, so part of the picture would be grey",
            DAMAGED_HINT,
        ));
    }
    let four = header.components == 4;
    let options = DecoderOptions::default()
        .set_strict_mode(true)
        .set_max_width(usize::from(u16::MAX))
        .set_max_height(usize::from(u16::MAX));
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(zune_error)?;
    let input = decoder.input_colorspace().unwrap_or(ColorSpace::YCbCr);
    let output = match input {
        ColorSpace::CMYK | ColorSpace::YCCK if four => input,
        _ => ColorSpace::RGB,
    };
    decoder.set_options(options.jpeg_set_out_colorspace(output));
    let icc = decoder.icc_profile();
    let data = decoder.decode().map_err(zune_error)?;
    let (width, height) = decoder
        .info()
        .map(|i| (u32::from(i.width), u32::from(i.height)))
        .unwrap_or((header.width, header.height));
    let (pixels, data) = match output {
        ColorSpace::CMYK => (Pixels::Cmyk, cmyk_ink(data, header.adobe.is_some())),
        ColorSpace::YCCK => (Pixels::Cmyk, ycck_ink(data)),
        _ => (Pixels::Rgb, data),
    };
    let raster = Raster {
        width,
        height,
        pixels,
        data,
    };
    if raster.data.len() != width as usize * height as usize * raster.channels() {
        return Err(damaged("the decoder returned the wrong amount of pixels"));
    }
    Ok((raster, icc))
}

fn zune_error(e: zune_jpeg::errors::DecodeErrors) -> Failure {
    damaged(&format!("{e}"))
}

/// Adobe (Photoshop) files store CMYK inverted: 255 means no ink.
fn cmyk_ink(mut data: Vec<u8>, inverted: bool) -> Vec<u8> {
    if inverted {
        data.iter_mut().for_each(|v| *v = 255 - *v);
    }
    data
}

/// YCCK: the first three channels are YCbCr-encoded ink amounts, K is stored inverted.
fn ycck_ink(mut data: Vec<u8>) -> Vec<u8> {
    for p in data.chunks_exact_mut(4) {
        let (y, cb, cr) = (
            f32::from(p[0]),
            f32::from(p[1]) - 128.0,
            f32::from(p[2]) - 128.0,
        );
        let clamp = |v: f32| v.round().clamp(0.0, 255.0) as u8;
        p[0] = clamp(y + 1.402 * cr);
        p[1] = clamp(y - 0.344_136 * cb - 0.714_136 * cr);
        p[2] = clamp(y + 1.772 * cb);
        p[3] = 255 - p[3];
    }
    data
}
