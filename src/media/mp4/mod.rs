//! MP4 / QuickTime (MP4, MOV, M4V, M4A): a new file built from what playback needs.
//!
//! Phones write the recording place (`©xyz`, `com.apple.quicktime.location.ISO6709`), the device
//! and the owner's name into `udta` and `meta` boxes, XMP into `uuid` boxes, and timed location
//! into metadata *tracks* whose samples sit in the media data. One damaged byte turns `udta` into
//! an unknown box, so nothing is removed by name: [`clean`] reads the allow-listed structure
//! (`ftyp`; `moov` with `mvhd` and the audio and video `trak`s, each with `tkhd`, `edts`/`elst`,
//! `mdia` with `mdhd`, `hdlr` and `minf` with its media header and sample tables) and writes a new
//! file from it alone:
//!
//! - every other box, at every level, is left behind, as are tracks other than audio and video
//!   (metadata, text, timecode, chapters);
//! - the new media data holds only the chunks the kept tracks point to, copied byte for byte in
//!   their original order, so bytes nothing plays (a metadata track's samples, padding, leftovers
//!   of earlier edits) are not carried over; chunk offsets are rewritten, and `moov` is written
//!   before `mdat` (playback can start before the whole file has loaded);
//! - dates are zeroed, handler names, compressor names and vendor codes blanked, data references
//!   replaced by "this file", and codec configuration kept only for the boxes decoders need.
//!
//! What playback needs and cannot be read (a damaged sample table, a chunk outside the media
//! data, overlapping chunks, an unknown sample format, a fragmented file) refuses the file: it is
//! never copied as it is. The written bytes are then checked by [`crate::audit::metadata`], which
//! shares no code with this module.
//!
//! No crate was used: `mp4` (0.14) and `re_mp4` read but do not write arbitrary files, and
//! `mp4-atom` rewrites only the boxes it models.

use boxes::*;
use codec::*;
use samples::*;
use std::ops::Range;

mod boxes;
mod codec;
mod samples;

pub use boxes::{box_types, chunk_offsets};

/// A cleaned file and what was learnt while reading it.
#[derive(Debug, Clone, PartialEq)]
pub struct Cleaned {
    pub bytes: Vec<u8>,
    /// From `mvhd` (duration / timescale), when it declares one.
    pub seconds: Option<f64>,
    /// Whether a video track was kept (else the file is audio only).
    pub has_video: bool,
}

/// Boxes whose body is a list of boxes.
const CONTAINERS: &[&[u8; 4]] = &[
    b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf",
];
/// Rebuilds `data` (an MP4/MOV/M4A file) from what playback needs.
pub fn clean(data: &[u8]) -> Result<Cleaned, String> {
    if data.get(4..8) != Some(b"ftyp") {
        return Err("not an MP4/QuickTime file (it does not start with an `ftyp` box)".into());
    }
    let top = boxes(data)?;
    if let Some(b) = top
        .iter()
        .find(|b| matches!(&b.kind, b"moof" | b"mfra" | b"sidx" | b"styp"))
    {
        return Err(format!(
            "fragmented MP4 (streaming segments, `{}`) is not supported",
            name(&b.kind)
        ));
    }
    let ftyp = brands(&data[required(&top, b"ftyp", "file")?.body.clone()])?;
    let moov = required(&top, b"moov", "file")?;
    let media: Vec<Range<usize>> = top
        .iter()
        .filter(|b| b.kind == *b"mdat")
        .map(|b| b.body.clone())
        .collect();
    let movie = Movie::read(&data[moov.body.clone()])?;
    // The kept tracks' chunks, in file order, each moved to the new media data.
    let mut chunks: Vec<(Range<usize>, usize, usize)> = Vec::new();
    for (t, track) in movie.tracks.iter().enumerate() {
        for (c, &(offset, size)) in track.chunks.iter().enumerate() {
            let start = usize::try_from(offset).map_err(|_| "a chunk offset is too large")?;
            let end = usize::try_from(size)
                .ok()
                .and_then(|s| start.checked_add(s))
                .ok_or("a chunk is too large")?;
            if !media.iter().any(|m| m.start <= start && end <= m.end) {
                return Err(format!(
                    "a chunk ({size} bytes at {offset}) lies outside the media data"
                ));
            }
            chunks.push((start..end, t, c));
        }
    }
    chunks.sort_by_key(|(range, _, _)| (range.start, range.end));
    if chunks.windows(2).any(|w| w[1].0.start < w[0].0.end) {
        return Err("two chunks overlap".into());
    }
    let payload: usize = chunks.iter().map(|(r, _, _)| r.len()).sum();
    // The size of `moov` does not depend on the offsets' values, only on their width: 32 bits
    // if everything fits below 4 GiB, else 64.
    let mut offsets: Vec<Vec<u64>> = movie
        .tracks
        .iter()
        .map(|t| vec![0; t.chunks.len()])
        .collect();
    let wide_size = movie.write(&offsets, true).len();
    let wide = ftyp.len() + wide_size + 16 + payload > u32::MAX as usize;
    let moov_size = movie.write(&offsets, wide).len();
    let header = if payload + 8 > u32::MAX as usize {
        16
    } else {
        8
    };
    let mut position = ftyp.len() + moov_size + header;
    for (range, t, c) in &chunks {
        offsets[*t][*c] = position as u64;
        position += range.len();
    }
    let new_moov = movie.write(&offsets, wide);
    debug_assert_eq!(new_moov.len(), moov_size);
    let mut out = Vec::with_capacity(position);
    out.extend_from_slice(&ftyp);
    out.extend_from_slice(&new_moov);
    if header == 16 {
        out.extend_from_slice(&1u32.to_be_bytes());
        out.extend_from_slice(b"mdat");
        out.extend_from_slice(&((payload + 16) as u64).to_be_bytes());
    } else {
        out.extend_from_slice(&((payload + 8) as u32).to_be_bytes());
        out.extend_from_slice(b"mdat");
    }
    for (range, _, _) in &chunks {
        out.extend_from_slice(&data[range.clone()]);
    }
    Ok(Cleaned {
        seconds: movie.seconds,
        has_video: movie.tracks.iter().any(|t| t.handler == *b"vide"),
        bytes: out,
    })
}

/// Brands of MP4, QuickTime, 3GPP and their profiles that players know.
const BRANDS: &[&[u8; 4]] = &[
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso7", b"iso8", b"iso9", b"mp41",
    b"mp42", b"mp71", b"avc1", b"avc2", b"avc3", b"hvc1", b"hev1", b"av01", b"dash", b"msdh",
    b"qt  ", b"M4A ", b"M4B ", b"M4P ", b"M4V ", b"M4VH", b"M4VP", b"3gp4", b"3gp5", b"3gp6",
    b"3gp7", b"3gg6", b"3g2a", b"3g2b", b"3g2c", b"mmp4", b"F4V ", b"f4v ", b"MSNV", b"XAVC",
    b"cmfc", b"cmf2", b"caqv", b"NDAS", b"kddi",
];

/// `ftyp` rebuilt from the brands players know (an unknown major brand becomes `isom`; the
/// minor version, a free number, is zeroed).
fn brands(body: &[u8]) -> Result<Vec<u8>, String> {
    let major = body.get(..4).ok_or("the `ftyp` box is damaged")?;
    let known = |b: &[u8]| BRANDS.iter().any(|k| k[..] == *b);
    let mut out = match known(major) {
        true => major.to_vec(),
        false => b"isom".to_vec(),
    };
    out.extend_from_slice(&[0, 0, 0, 0]);
    for brand in body.get(8..).unwrap_or(&[]).chunks_exact(4) {
        if known(brand) {
            out.extend_from_slice(brand);
        }
    }
    Ok(wrap(b"ftyp", &out))
}

/// What a rebuilt `moov` is made from.
struct Movie {
    mvhd: Vec<u8>,
    tracks: Vec<Track>,
    seconds: Option<f64>,
}

struct Track {
    handler: [u8; 4],
    tkhd: Vec<u8>,
    /// `edts` rebuilt around its `elst`, if it had a readable one.
    edts: Option<Vec<u8>>,
    mdhd: Vec<u8>,
    /// `vmhd` or `smhd`.
    header: Vec<u8>,
    /// The sample tables, rebuilt, but the chunk offsets (written last, once known).
    tables: Vec<u8>,
    /// Every chunk, in chunk order.
    chunks: Vec<Chunk>,
}

impl Movie {
    fn read(moov: &[u8]) -> Result<Movie, String> {
        let children = boxes(moov)?;
        if children.iter().any(|b| b.kind == *b"mvex") {
            return Err("fragmented MP4 (`mvex`) is not supported".into());
        }
        let mvhd = &moov[required(&children, b"mvhd", "moov")?.body.clone()];
        let seconds = duration(mvhd);
        let mvhd = header(b"mvhd", mvhd)?;
        let mut tracks = Vec::new();
        for trak in children.iter().filter(|b| b.kind == *b"trak") {
            if let Some(track) = Track::read(&moov[trak.body.clone()])? {
                tracks.push(track);
            }
        }
        if tracks.is_empty() {
            return Err("no audio or video track".into());
        }
        Ok(Movie {
            mvhd,
            tracks,
            seconds,
        })
    }

    /// The `moov` box, with `offsets[track][chunk]` as chunk offsets (of 64 bits if `wide`).
    fn write(&self, offsets: &[Vec<u64>], wide: bool) -> Vec<u8> {
        let mut body = self.mvhd.clone();
        for (track, offsets) in self.tracks.iter().zip(offsets) {
            body.extend(track.write(offsets, wide));
        }
        wrap(b"moov", &body)
    }
}

impl Track {
    /// A `trak`: `None` for a track playback does not need (metadata, text, timecode…).
    fn read(trak: &[u8]) -> Result<Option<Track>, String> {
        let children = boxes(trak)?;
        let mdia_box = required(&children, b"mdia", "trak")?;
        let mdia = &trak[mdia_box.body.clone()];
        let mdia_children = boxes(mdia)?;
        let hdlr = &mdia[required(&mdia_children, b"hdlr", "mdia")?.body.clone()];
        let handler: [u8; 4] = hdlr
            .get(8..12)
            .and_then(|h| h.try_into().ok())
            .ok_or("a track's handler (`hdlr`) is truncated")?;
        if handler != *b"vide" && handler != *b"soun" {
            return Ok(None);
        }
        let tkhd = header(
            b"tkhd",
            &trak[required(&children, b"tkhd", "trak")?.body.clone()],
        )?;
        let edts = only(&children, b"edts")?.and_then(|e| edit_list(&trak[e.body.clone()]));
        let mdhd = header(
            b"mdhd",
            &mdia[required(&mdia_children, b"mdhd", "mdia")?.body.clone()],
        )?;
        let minf = &mdia[required(&mdia_children, b"minf", "mdia")?.body.clone()];
        let minf_children = boxes(minf)?;
        let header = media_header(&handler, minf, &minf_children)?;
        let stbl = &minf[required(&minf_children, b"stbl", "minf")?.body.clone()];
        let (tables, chunks) = sample_tables(stbl, &handler)?;
        Ok(Some(Track {
            handler,
            tkhd,
            edts,
            mdhd,
            header,
            tables,
            chunks,
        }))
    }

    fn write(&self, offsets: &[u64], wide: bool) -> Vec<u8> {
        let mut stbl = self.tables.clone();
        let mut table = Vec::with_capacity(8 + offsets.len() * 8);
        table.extend_from_slice(&[0, 0, 0, 0]);
        table.extend_from_slice(&(offsets.len() as u32).to_be_bytes());
        for &o in offsets {
            match wide {
                true => table.extend_from_slice(&o.to_be_bytes()),
                false => table.extend_from_slice(&(o as u32).to_be_bytes()),
            }
        }
        stbl.extend(wrap(if wide { b"co64" } else { b"stco" }, &table));
        let mut hdlr = vec![0u8; 8];
        hdlr.extend_from_slice(&self.handler);
        hdlr.extend_from_slice(&[0u8; 13]);
        // One data reference: the samples are in this file (flag 1), no path or address.
        let dref = wrap(b"dref", b"\0\0\0\0\0\0\0\x01\0\0\0\x0curl \0\0\0\x01");
        let mut minf = self.header.clone();
        minf.extend(wrap(b"dinf", &dref));
        minf.extend(wrap(b"stbl", &stbl));
        let mut mdia = self.mdhd.clone();
        mdia.extend(wrap(b"hdlr", &hdlr));
        mdia.extend(wrap(b"minf", &minf));
        let mut trak = self.tkhd.clone();
        if let Some(edts) = &self.edts {
            trak.extend_from_slice(edts);
        }
        trak.extend(wrap(b"mdia", &mdia));
        wrap(b"trak", &trak)
    }
}

/// A movie, track or media header (`mvhd`, `tkhd`, `mdhd`) rebuilt at its standard length
/// with its dates ("unknown") and its reserved fields zeroed: only the values playback reads
/// (time scale, duration, rate, volume, matrix, track id, size, language) are copied.
fn header(kind: &[u8; 4], body: &[u8]) -> Result<Vec<u8>, String> {
    let (length, zero): (usize, &[Range<usize>]) = match (kind, body.first()) {
        (b"mvhd", Some(0)) => (100, &[4..12, 26..36, 72..96]),
        (b"mvhd", Some(1)) => (112, &[4..20, 38..48, 84..108]),
        (b"tkhd", Some(0)) => (84, &[4..12, 16..20, 24..32, 38..40]),
        (b"tkhd", Some(1)) => (96, &[4..20, 24..28, 36..44, 50..52]),
        (b"mdhd", Some(0)) => (24, &[4..12, 22..24]),
        (b"mdhd", Some(1)) => (36, &[4..20, 34..36]),
        _ => return Err(format!("unknown `{}` version", name(kind))),
    };
    let mut out = body
        .get(..length)
        .ok_or_else(|| format!("the `{}` box is truncated", name(kind)))?
        .to_vec();
    for range in zero {
        out[range.clone()].fill(0);
    }
    Ok(wrap(kind, &out))
}

/// `edts` with its edit list, if readable (without it playback only loses an offset).
fn edit_list(edts: &[u8]) -> Option<Vec<u8>> {
    let list = boxes(edts).ok()?;
    let elst = &edts[only(&list, b"elst").ok()??.body.clone()];
    let width = match elst.first()? {
        0 => 12,
        1 => 20,
        _ => return None,
    };
    let count = read_u32(elst, 4)? as usize;
    let length = count.checked_mul(width)?.checked_add(8)?;
    Some(wrap(b"edts", &wrap(b"elst", elst.get(..length)?)))
}

/// `vmhd` for video, `smhd` for sound: the original's fixed fields, or the defaults.
fn media_header(handler: &[u8; 4], minf: &[u8], children: &[Box_]) -> Result<Vec<u8>, String> {
    let (kind, default): (&[u8; 4], &[u8]) = match handler {
        b"vide" => (b"vmhd", &[0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]),
        _ => (b"smhd", &[0u8; 8]),
    };
    let body = only(children, kind)?
        .and_then(|b| minf[b.body.clone()].get(..default.len()))
        .unwrap_or(default);
    Ok(wrap(kind, body))
}

/// Seconds declared by `mvhd`'s body.
fn duration(body: &[u8]) -> Option<f64> {
    let (scale, length) = match body.first()? {
        0 => (read_u32(body, 12)? as u64, read_u32(body, 16)? as u64),
        1 => (read_u32(body, 20)? as u64, read_u64(body, 24)?),
        _ => return None,
    };
    (scale > 0 && length > 0 && length != u64::MAX && length != u32::MAX as u64)
        .then(|| length as f64 / scale as f64)
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A small MP4 whose metadata (boxes, fields, a metadata track, unreferenced bytes) names
    /// `CANARY Owner`; see [`crate::media::testdata::mp4`].
    pub fn sample(moov_first: bool, wide: bool) -> Vec<u8> {
        crate::media::testdata::mp4(moov_first, wide, "CANARY Owner")
    }

    use crate::media::testdata::assert_clean;

    #[test]
    fn only_what_playback_needs_is_written_and_chunks_keep_their_samples() {
        for moov_first in [true, false] {
            for wide in [false, true] {
                let original = sample(moov_first, wide);
                assert!(box_types(&original).contains(&"©xyz".to_string()));
                let cleaned = clean(&original).unwrap();
                assert_clean(
                    &cleaned.bytes,
                    &format!("moov_first={moov_first} wide={wide}"),
                );
                let types: Vec<String> = box_types(&cleaned.bytes);
                assert_eq!(
                    types,
                    [
                        "ftyp", "moov", "mvhd", "trak", "tkhd", "mdia", "mdhd", "hdlr", "minf",
                        "vmhd", "dinf", "dref", "stbl", "stsd", "stts", "stsc", "stsz", "stco",
                        "mdat"
                    ],
                    "one track (the metadata track is gone), moov before mdat"
                );
                let offsets = chunk_offsets(&cleaned.bytes).unwrap();
                let chunk = |o: u64| cleaned.bytes[o as usize..o as usize + 8].to_vec();
                assert_eq!(
                    offsets.iter().map(|&o| chunk(o)).collect::<Vec<_>>(),
                    [b"SAMPLE-A".to_vec(), b"SAMPLE-B".to_vec()]
                );
                assert!(
                    cleaned.bytes.ends_with(b"mdatSAMPLE-ASAMPLE-B"),
                    "only played bytes"
                );
                assert_eq!(cleaned.seconds, Some(192.0));
                assert!(cleaned.has_video);
                assert_eq!(
                    clean(&cleaned.bytes).unwrap().bytes,
                    cleaned.bytes,
                    "idempotent"
                );
            }
        }
    }

    #[test]
    fn a_renamed_metadata_box_is_left_behind_like_any_unknown_box() {
        let mut original = sample(true, false);
        for from in [&b"udta"[..], b"meta", b"uuid", b"ilst", b"\xa9xyz"] {
            let at = original.windows(4).position(|w| w == from).unwrap();
            original[at + 1] ^= 0x20;
        }
        assert_clean(&clean(&original).unwrap().bytes, "renamed boxes");
    }

    #[test]
    fn every_damaged_copy_is_refused_or_clean() {
        let original = sample(true, false);
        let (mut refused, mut cleaned) = (0, 0);
        for at in 0..original.len() {
            for bit in [0x01u8, 0x20, 0x80] {
                let mut damaged = original.clone();
                damaged[at] ^= bit;
                match clean(&damaged) {
                    Ok(c) => {
                        assert_clean(&c.bytes, &format!("byte {at} ^ {bit:#x}"));
                        cleaned += 1;
                    }
                    Err(_) => refused += 1,
                }
            }
        }
        for n in 0..original.len() {
            if let Ok(c) = clean(&original[..n]) {
                assert_clean(&c.bytes, &format!("truncated to {n}"));
            }
        }
        assert!(
            refused > 0 && cleaned > 0,
            "{refused} refused, {cleaned} cleaned"
        );
    }

    #[test]
    fn what_playback_needs_and_cannot_be_read_refuses_the_file() {
        let good = sample(true, false);
        let refuse = |bytes: &[u8], why: &str| {
            let err = clean(bytes).unwrap_err();
            assert!(err.contains(why), "{err}");
        };
        refuse(b"not a video at all", "not an MP4");
        refuse(&good[..good.len() - 3], "declares");
        let mut fragmented = good.clone();
        fragmented.extend_from_slice(&[0, 0, 0, 8, b'm', b'o', b'o', b'f']);
        refuse(&fragmented, "fragmented");
        let mut no_moov = good.clone();
        let at = no_moov.windows(4).position(|w| w == b"moov").unwrap();
        no_moov[at] = b'x';
        refuse(&no_moov, "no `moov`");
        let mut unknown_format = good.clone();
        let at = unknown_format
            .windows(4)
            .position(|w| w == b"avc1")
            .unwrap();
        unknown_format[at] = b'x';
        refuse(&unknown_format, "unknown video format");
        // A chunk offset pointing at the metadata in `moov` is not media data.
        let mut outside = good.clone();
        let at = outside.windows(4).position(|w| w == b"stco").unwrap() + 12;
        outside[at..at + 4].copy_from_slice(&40u32.to_be_bytes());
        refuse(&outside, "outside the media data");
    }
}
