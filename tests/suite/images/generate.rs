//! Image files for tests, generated in code (no ImageMagick or exiftool here): pixels through the
//! real encoders, metadata segments (EXIF with GPS and a thumbnail, XMP, IPTC, ICC, comments)
//! written byte by byte, and broken files. Every metadata block carries a `LEAK-` marker so a
//! test can scan the output for it.

use moxcms::{
    ColorProfile, DataColorSpace, LutDataType, LutStore, LutType, LutWarehouse, Matrix3d,
    ProfileClass,
};

/// `w`×`h` RGB pixels from `colour(x, y)`.
pub fn pixels(w: u32, h: u32, colour: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
    (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .flat_map(|(x, y)| colour(x, y))
        .collect()
}

pub fn jpeg(w: u32, h: u32, rgb: &[u8], progressive: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = jpeg_encoder::Encoder::new(&mut out, 95);
    e.set_progressive(progressive);
    e.encode(rgb, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
        .expect("encode");
    out
}

/// A JPEG of ink amounts (jpeg-encoder stores them inverted, with an Adobe marker, as Photoshop
/// does), optionally with an ICC profile.
pub fn cmyk_jpeg(w: u32, h: u32, ink: [u8; 4], icc: Option<&[u8]>) -> Vec<u8> {
    let data = ink.repeat((w * h) as usize);
    let mut out = Vec::new();
    let mut e = jpeg_encoder::Encoder::new(&mut out, 95);
    if let Some(icc) = icc {
        e.add_icc_profile(icc).expect("icc");
    }
    e.encode(&data, w as u16, h as u16, jpeg_encoder::ColorType::Cmyk)
        .expect("encode");
    out
}

/// `jpeg` with `segments` (marker, payload) inserted right after its SOI marker.
pub fn with_segments(jpeg: &[u8], segments: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    for (marker, payload) in segments {
        out.extend_from_slice(&[0xFF, *marker]);
        out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(payload);
    }
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// An APP1 EXIF payload (little-endian TIFF): orientation, and optionally a GPS block and an
/// embedded thumbnail (IFD1).
pub fn exif(orientation: u16, gps: bool, thumbnail: Option<&[u8]>) -> Vec<u8> {
    let entry = |tag: u16, kind: u16, count: u32, value: u32| {
        let mut e = Vec::new();
        e.extend_from_slice(&tag.to_le_bytes());
        e.extend_from_slice(&kind.to_le_bytes());
        e.extend_from_slice(&count.to_le_bytes());
        e.extend_from_slice(&value.to_le_bytes());
        e
    };
    let ifd = |entries: Vec<Vec<u8>>, next: u32| {
        let mut out = (entries.len() as u16).to_le_bytes().to_vec();
        entries.iter().for_each(|e| out.extend_from_slice(e));
        out.extend_from_slice(&next.to_le_bytes());
        out
    };
    // Layout: header (8), IFD0 at 8 (2 entries: 30 bytes), GPS IFD at 38 (30 bytes), its data
    // at 68 (16 bytes), IFD1 at 84 (30 bytes), thumbnail at 114.
    let gps_method = b"ASCII\0\0\0LEAK-GPS";
    let mut ifd0 = vec![entry(0x0112, 3, 1, u32::from(orientation))];
    ifd0.push(entry(0x8825, 4, 1, if gps { 38 } else { 0 }));
    let mut tiff = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    tiff.extend(ifd(ifd0, if thumbnail.is_some() { 84 } else { 0 }));
    let gps_ifd = vec![
        entry(0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0")),
        entry(0x001B, 7, gps_method.len() as u32, 68),
    ];
    tiff.extend(ifd(gps_ifd, 0));
    tiff.extend_from_slice(gps_method);
    if let Some(thumb) = thumbnail {
        let ifd1 = vec![
            entry(0x0201, 4, 1, 114),
            entry(0x0202, 4, 1, thumb.len() as u32),
        ];
        tiff.extend(ifd(ifd1, 0));
        tiff.extend_from_slice(thumb);
    }
    let mut out = b"Exif\0\0".to_vec();
    out.extend(tiff);
    out
}

pub fn xmp() -> Vec<u8> {
    let mut out = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    out.extend_from_slice(b"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:Description>LEAK-XMP creator: Jane Participant</rdf:Description></x:xmpmeta>");
    out
}

pub fn iptc() -> Vec<u8> {
    let caption = b"LEAK-IPTC caption naming a participant";
    let mut iim = vec![0x1C, 0x02, 0x78];
    iim.extend_from_slice(&(caption.len() as u16).to_be_bytes());
    iim.extend_from_slice(caption);
    let mut out = b"Photoshop 3.0\08BIM\x04\x04\0\0".to_vec();
    out.extend_from_slice(&(iim.len() as u32).to_be_bytes());
    out.extend(iim);
    if out.len() % 2 == 1 {
        out.push(0);
    }
    out
}

pub fn icc_segment(profile: &[u8]) -> Vec<u8> {
    let mut out = b"ICC_PROFILE\0\x01\x01".to_vec();
    out.extend_from_slice(profile);
    out
}

pub fn display_p3() -> Vec<u8> {
    ColorProfile::new_display_p3().encode().expect("P3 profile")
}

/// A CMYK output profile that maps every ink combination to one green (Lab 60, -60, 50): a
/// converter that ignores it shows the inks' naive colour instead.
pub fn green_cmyk_profile() -> Vec<u8> {
    let lab = [
        (60.0f64 / 100.0 * 65535.0) as u16,
        ((-60.0f64 + 128.0) / 255.0 * 65535.0) as u16,
        ((50.0f64 + 128.0) / 255.0 * 65535.0) as u16,
    ];
    let lut = LutDataType {
        num_input_channels: 4,
        num_output_channels: 3,
        num_clut_grid_points: 2,
        matrix: Matrix3d::IDENTITY,
        num_input_table_entries: 2,
        num_output_table_entries: 2,
        input_table: LutStore::Store16([0, 65535].repeat(4)),
        clut_table: LutStore::Store16(lab.repeat(16)),
        output_table: LutStore::Store16([0, 65535].repeat(3)),
        lut_type: LutType::Lut16,
    };
    let srgb = ColorProfile::new_srgb();
    let mut profile = ColorProfile::default();
    profile.color_space = DataColorSpace::Cmyk;
    profile.pcs = DataColorSpace::Lab;
    profile.profile_class = ProfileClass::OutputDevice;
    profile.white_point = srgb.white_point;
    profile.media_white_point = srgb.media_white_point;
    profile.lut_a_to_b_perceptual = Some(LutWarehouse::Lut(lut.clone()));
    profile.lut_a_to_b_colorimetric = Some(LutWarehouse::Lut(lut));
    profile.encode().expect("CMYK profile")
}

/// PNG through the `image` crate: 8 or 16 bits, RGB or RGBA.
pub fn png(w: u32, h: u32, image: image::DynamicImage) -> Vec<u8> {
    assert_eq!((image.width(), image.height()), (w, h));
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

/// A PNG whose header declares `w`×`h` pixels, with almost no data: a decompression bomb.
pub fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A JPEG whose frame header declares 60000×60000 pixels.
pub fn jpeg_bomb() -> Vec<u8> {
    let mut bytes = jpeg(8, 8, &[128; 192], false);
    let sof = bytes
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("SOF0");
    bytes[sof + 5..sof + 9].copy_from_slice(&[0xEA, 0x60, 0xEA, 0x60]);
    bytes
}

/// The colour at (x, y) of a decoded output file.
pub fn colour_at(bytes: &[u8], x: u32, y: u32) -> [u8; 4] {
    let image = image::load_from_memory(bytes).expect("output decodes");
    image.to_rgba8().get_pixel(x, y).0
}

pub fn close(a: [u8; 4], b: [u8; 3], tolerance: i32) -> bool {
    (0..3).all(|i| (i32::from(a[i]) - i32::from(b[i])).abs() <= tolerance)
}
