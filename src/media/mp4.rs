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

use std::ops::Range;

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

const VIDEO_FORMATS: &[&[u8; 4]] = &[
    b"avc1", b"avc3", b"hvc1", b"hev1", b"av01", b"vp08", b"vp09", b"mp4v", b"s263", b"apch",
    b"apcn", b"apcs", b"apco", b"ap4h", b"ap4x", b"jpeg", b"mjpa", b"mjpb",
];
const AUDIO_FORMATS: &[&[u8; 4]] = &[
    b"mp4a", b"ac-3", b"ec-3", b"Opus", b"fLaC", b"alac", b"lpcm", b"sowt", b"twos", b"ipcm",
    b"fpcm", b"ulaw", b"alaw", b".mp3", b"samr", b"sawb",
];
/// Codec configuration a video decoder reads (`colr` only with numeric colour information: an
/// embedded ICC profile names its maker and device). Each is cut to its own length
/// ([`config_length`]).
const VIDEO_CONFIG: &[&[u8; 4]] = &[
    b"avcC", b"hvcC", b"av1C", b"vpcC", b"dvcC", b"dvvC", b"esds", b"d263", b"colr", b"pasp",
    b"btrt", b"fiel", b"clap", b"mdcv", b"clli", b"gama",
];
const AUDIO_CONFIG: &[&[u8; 4]] = &[
    b"esds", b"dOps", b"dac3", b"dec3", b"dfLa", b"alac", b"chan", b"wave", b"btrt",
];
/// Inside QuickTime's `wave` (the terminator box has type zero).
const WAVE_CONFIG: &[&[u8; 4]] = &[b"frma", b"esds", b"enda", b"chan", b"mp4a", b"\0\0\0\0"];

#[derive(Debug, Clone)]
struct Box_ {
    kind: [u8; 4],
    body: Range<usize>,
}

/// The boxes directly inside `data`, or why they cannot be read.
fn boxes(data: &[u8]) -> Result<Vec<Box_>, String> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at < data.len() {
        let rest = &data[at..];
        let Some(head) = rest.get(..8) else {
            return Err(format!("{} stray bytes at the end of a box", rest.len()));
        };
        let kind = [head[4], head[5], head[6], head[7]];
        let (size, header) = match u32::from_be_bytes([head[0], head[1], head[2], head[3]]) {
            0 => (rest.len() as u64, 8),
            1 => (
                read_u64(rest, 8).ok_or("a box with a 64-bit size is truncated")?,
                16,
            ),
            n => (n as u64, 8),
        };
        if size < header as u64 || size > rest.len() as u64 {
            return Err(format!(
                "the `{}` box declares {size} bytes but {} remain",
                name(&kind),
                rest.len()
            ));
        }
        let end = at + size as usize;
        out.push(Box_ {
            kind,
            body: at + header..end,
        });
        at = end;
    }
    Ok(out)
}

fn name(kind: &[u8; 4]) -> String {
    kind.iter()
        .map(|&b| match b {
            // Apple's metadata atoms start with ©.
            0xA9 => '©',
            b if b.is_ascii_graphic() || b == b' ' => b as char,
            _ => '?',
        })
        .collect()
}

fn read_u32(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

fn read_u64(data: &[u8], at: usize) -> Option<u64> {
    let b = data.get(at..at.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(b);
    Some(u64::from_be_bytes(a))
}

/// A box with a 32-bit size header around `body`.
fn wrap(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(&((body.len() + 8) as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

/// The one child of kind `kind` in `list`, when there is exactly one.
fn only<'b>(list: &'b [Box_], kind: &[u8; 4]) -> Result<Option<&'b Box_>, String> {
    let mut found = list.iter().filter(|b| b.kind == *kind);
    match (found.next(), found.next()) {
        (first, None) => Ok(first),
        _ => Err(format!("more than one `{}` box", name(kind))),
    }
}

fn required<'b>(list: &'b [Box_], kind: &[u8; 4], parent: &str) -> Result<&'b Box_, String> {
    only(list, kind)?.ok_or_else(|| format!("`{parent}` has no `{}` box", name(kind)))
}

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

/// (offset, size) of a chunk of samples in the original file.
type Chunk = (u64, u64);

/// The sample tables of `stbl` rebuilt (all but the chunk offsets), and every chunk.
fn sample_tables(stbl: &[u8], handler: &[u8; 4]) -> Result<(Vec<u8>, Vec<Chunk>), String> {
    let list = boxes(stbl)?;
    let body = |kind: &[u8; 4]| -> Result<Option<&[u8]>, String> {
        Ok(only(&list, kind)?.map(|b| &stbl[b.body.clone()]))
    };
    let need = |kind: &[u8; 4]| -> Result<&[u8], String> {
        body(kind)?.ok_or_else(|| format!("the sample tables have no `{}` box", name(kind)))
    };
    let stsd = descriptions(need(b"stsd")?, handler)?;
    let stts = table(b"stts", need(b"stts")?, 8)?;
    let stsc = table(b"stsc", need(b"stsc")?, 12)?;
    let stsz = need(b"stsz")?;
    let sizes = SampleSizes::read(stsz)?;
    let (offsets, wide) = match (body(b"stco")?, body(b"co64")?) {
        (Some(b), None) => (b, false),
        (None, Some(b)) => (b, true),
        _ => return Err("the sample tables need exactly one chunk offset table".into()),
    };
    let offsets = chunk_table(offsets, wide)?;
    let chunks = chunk_sizes(&offsets, &stsc, &sizes)?;
    let mut out = wrap(b"stsd", &stsd);
    out.extend(wrap(b"stts", &stts));
    if let Some(ctts) = body(b"ctts")? {
        out.extend(wrap(b"ctts", &table(b"ctts", ctts, 8)?));
    }
    for kind in [b"stss", b"stps"] {
        if let Some(b) = body(kind)? {
            out.extend(wrap(kind, &table(kind, b, 4)?));
        }
    }
    if let Some(sdtp) = body(b"sdtp")? {
        // One byte per sample after the version and flags.
        let length = 4 + sizes.count as usize;
        let sdtp = sdtp.get(..length).ok_or("the `sdtp` table is truncated")?;
        out.extend(wrap(b"sdtp", sdtp));
    }
    out.extend(wrap(b"stsc", &stsc));
    out.extend(wrap(b"stsz", &stsz[..sizes.length]));
    Ok((out, chunks))
}

/// A full box holding a count and `count` entries of `width` bytes, cut to that length.
fn table(kind: &[u8; 4], body: &[u8], width: usize) -> Result<Vec<u8>, String> {
    let count =
        read_u32(body, 4).ok_or_else(|| format!("the `{}` table is truncated", name(kind)))?;
    let length = (count as usize)
        .checked_mul(width)
        .and_then(|n| n.checked_add(8))
        .filter(|&n| n <= body.len())
        .ok_or_else(|| format!("the `{}` table is shorter than its count", name(kind)))?;
    Ok(body[..length].to_vec())
}

struct SampleSizes<'a> {
    /// Every sample's size when they are all equal, else 0.
    uniform: u32,
    count: u32,
    table: &'a [u8],
    /// Bytes of `stsz` that hold this (the rest is left behind).
    length: usize,
}

impl SampleSizes<'_> {
    fn read(stsz: &[u8]) -> Result<SampleSizes<'_>, String> {
        let (Some(uniform), Some(count)) = (read_u32(stsz, 4), read_u32(stsz, 8)) else {
            return Err("the `stsz` table is truncated".into());
        };
        let entries = if uniform == 0 { count as usize } else { 0 };
        let length = entries
            .checked_mul(4)
            .and_then(|n| n.checked_add(12))
            .filter(|&n| n <= stsz.len())
            .ok_or("the `stsz` table is shorter than its count")?;
        Ok(SampleSizes {
            uniform,
            count,
            table: &stsz[12..length],
            length,
        })
    }

    fn size(&self, sample: usize) -> u64 {
        match self.uniform {
            0 => read_u32(self.table, sample * 4).unwrap_or(0) as u64,
            n => n as u64,
        }
    }
}

/// The offsets of a `stco` (or, `wide`, `co64`) table.
fn chunk_table(body: &[u8], wide: bool) -> Result<Vec<u64>, String> {
    let width = if wide { 8 } else { 4 };
    let body = table(if wide { b"co64" } else { b"stco" }, body, width)?;
    Ok(body[8..]
        .chunks_exact(width)
        .map(|e| match wide {
            true => read_u64(e, 0).unwrap_or(0),
            false => read_u32(e, 0).unwrap_or(0) as u64,
        })
        .collect())
}

/// Each chunk's (offset, size): `stsc` says how many samples each chunk holds, `stsz` their
/// sizes. Every sample must belong to exactly one chunk.
fn chunk_sizes(
    offsets: &[u64],
    stsc: &[u8],
    sizes: &SampleSizes,
) -> Result<Vec<(u64, u64)>, String> {
    let runs: Vec<(u64, u64)> = stsc[8..]
        .chunks_exact(12)
        .map(|e| {
            (
                read_u32(e, 0).unwrap_or(0) as u64,
                read_u32(e, 4).unwrap_or(0) as u64,
            )
        })
        .collect();
    if runs.first().map(|r| r.0) != Some(1) || runs.windows(2).any(|w| w[1].0 <= w[0].0) {
        return Err("the sample-to-chunk table (`stsc`) is damaged".into());
    }
    let mut chunks = Vec::with_capacity(offsets.len());
    let mut sample = 0u64;
    let mut run = 0;
    for (i, &offset) in offsets.iter().enumerate() {
        let number = i as u64 + 1;
        while runs.get(run + 1).is_some_and(|r| r.0 <= number) {
            run += 1;
        }
        let per_chunk = runs[run].1;
        let end = sample
            .checked_add(per_chunk)
            .filter(|&e| e <= sizes.count as u64)
            .ok_or("the chunks hold more samples than the sample size table (`stsz`) lists")?;
        let size = match sizes.uniform {
            0 => (sample..end).map(|s| sizes.size(s as usize)).sum(),
            n => n as u64 * per_chunk,
        };
        chunks.push((offset, size));
        sample = end;
    }
    if sample != sizes.count as u64 {
        return Err(
            "the chunks hold fewer samples than the sample size table (`stsz`) lists".into(),
        );
    }
    Ok(chunks)
}

/// `stsd` rebuilt: each sample description of a known format, its fixed fields copied with the
/// data reference set to "this file" and the text fields (compressor name, vendor) blanked,
/// followed by the codec configuration boxes decoders need.
fn descriptions(stsd: &[u8], handler: &[u8; 4]) -> Result<Vec<u8>, String> {
    let entries = stsd.get(8..).ok_or("the `stsd` box is truncated")?;
    let list = boxes(entries)?;
    if list.is_empty() {
        return Err("a track has no sample description".into());
    }
    let mut out = vec![0, 0, 0, 0];
    out.extend_from_slice(&(list.len() as u32).to_be_bytes());
    for b in list {
        let entry = &entries[b.body.clone()];
        let video = *handler == *b"vide";
        let (fixed, config) = match video {
            true if VIDEO_FORMATS.contains(&&b.kind) => (78, VIDEO_CONFIG),
            false if AUDIO_FORMATS.contains(&&b.kind) => {
                let extra = match entry.get(8..10) {
                    Some([0, 1]) => 16,
                    Some([0, 2]) => 36,
                    _ => 0,
                };
                (28 + extra, AUDIO_CONFIG)
            }
            _ => {
                return Err(format!(
                    "unknown {} format `{}`",
                    if video { "video" } else { "audio" },
                    name(&b.kind)
                ));
            }
        };
        let mut body = entry
            .get(..fixed)
            .ok_or_else(|| format!("the `{}` description is truncated", name(&b.kind)))?
            .to_vec();
        body[6..8].copy_from_slice(&[0, 1]);
        match video {
            true => body[42..74].fill(0),
            false => body[12..16].fill(0),
        }
        body.extend(configuration(&entry[fixed..], config)?);
        out.extend(wrap(&b.kind, &body));
    }
    Ok(out)
}

/// The configuration boxes of a sample description that are on `allowed`, each cut to the
/// length its own structure gives (bytes after it, which a damaged size may have swallowed, are
/// left behind). One a decoder needs and that cannot be read refuses the file; an optional one
/// is dropped.
fn configuration(data: &[u8], allowed: &[&[u8; 4]]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    for b in boxes(data)? {
        let body = &data[b.body.clone()];
        if !allowed.contains(&&b.kind) {
            continue;
        }
        if b.kind == *b"wave" {
            out.extend(wrap(b"wave", &configuration(body, WAVE_CONFIG)?));
            continue;
        }
        match (
            config_length(&b.kind, body),
            NEEDED_CONFIG.contains(&&b.kind),
        ) {
            (Some(length), _) => out.extend(wrap(&b.kind, &body[..length])),
            (None, true) => {
                return Err(format!(
                    "the decoder configuration `{}` is damaged",
                    name(&b.kind)
                ));
            }
            (None, false) => {}
        }
    }
    Ok(out)
}

/// Configuration a decoder cannot do without.
const NEEDED_CONFIG: &[&[u8; 4]] = &[
    b"avcC", b"hvcC", b"av1C", b"vpcC", b"esds", b"dOps", b"dac3", b"dec3", b"dfLa", b"alac",
    b"d263", b"frma",
];

/// The length of a configuration box's body as its own fields give it (`None` if it is shorter
/// than that, or not of a readable form).
fn config_length(kind: &[u8; 4], body: &[u8]) -> Option<usize> {
    let fixed = |n: usize| (body.len() >= n).then_some(n);
    let byte = |i: usize| body.get(i).copied().map(usize::from);
    let u16_at = |i: usize| Some(u16::from_be_bytes([*body.get(i)?, *body.get(i + 1)?]) as usize);
    match kind {
        b"pasp" => fixed(8),
        b"btrt" => fixed(12),
        b"fiel" => fixed(2),
        b"clap" => fixed(32),
        b"mdcv" => fixed(24),
        b"clli" | b"gama" | b"frma" | b"mp4a" => fixed(4),
        b"enda" => fixed(2),
        b"dac3" => fixed(3),
        b"d263" => fixed(7),
        b"dvcC" | b"dvvC" => fixed(24),
        b"alac" => fixed(28),
        b"\0\0\0\0" => Some(0),
        b"colr" => match body.get(..4)? {
            b"nclx" => fixed(11),
            b"nclc" => fixed(10),
            _ => None,
        },
        b"vpcC" => fixed(12 + u16_at(10)?),
        b"chan" => fixed(16 + read_u32(body, 12)? as usize * 20),
        b"dOps" => match byte(10)? {
            0 => fixed(11),
            _ => fixed(13 + byte(1)?),
        },
        b"dec3" | b"av1C" => (body.len() <= 256).then_some(body.len()),
        b"avcC" => avc_length(body),
        b"hvcC" => hevc_length(body),
        b"esds" => descriptor_length(body, 4),
        b"dfLa" => flac_length(body),
        _ => None,
    }
}

/// `avcC`: a header, the sequence and picture parameter sets, and (for High profiles) the
/// chroma and bit-depth extension.
fn avc_length(body: &[u8]) -> Option<usize> {
    let mut at = 6;
    let sets = |at: &mut usize, count: usize| -> Option<()> {
        for _ in 0..count {
            let length = u16::from_be_bytes([*body.get(*at)?, *body.get(*at + 1)?]) as usize;
            *at += 2 + length;
        }
        (*at <= body.len()).then_some(())
    };
    if body.first() != Some(&1) {
        return None;
    }
    sets(&mut at, (*body.get(5)? & 0x1F) as usize)?;
    let pictures = *body.get(at)? as usize;
    at += 1;
    sets(&mut at, pictures)?;
    if matches!(body[1], 100 | 110 | 122 | 144) && body.len() >= at + 4 {
        let extensions = body[at + 3] as usize;
        at += 4;
        sets(&mut at, extensions)?;
    }
    Some(at)
}

/// `hvcC`: a 23-byte header, then arrays of parameter sets.
fn hevc_length(body: &[u8]) -> Option<usize> {
    let arrays = *body.get(22)? as usize;
    let mut at = 23;
    for _ in 0..arrays {
        let count = u16::from_be_bytes([*body.get(at + 1)?, *body.get(at + 2)?]) as usize;
        at += 3;
        for _ in 0..count {
            at += 2 + u16::from_be_bytes([*body.get(at)?, *body.get(at + 1)?]) as usize;
        }
    }
    (at <= body.len()).then_some(at)
}

/// `esds`: after `skip` bytes, one descriptor (tag, length in up to four 7-bit bytes, body).
fn descriptor_length(body: &[u8], skip: usize) -> Option<usize> {
    let mut at = skip + 1;
    let mut length = 0usize;
    for _ in 0..4 {
        let b = *body.get(at)?;
        at += 1;
        length = (length << 7) | (b & 0x7F) as usize;
        if b & 0x80 == 0 {
            break;
        }
    }
    (at + length <= body.len()).then_some(at + length)
}

/// `dfLa`: FLAC metadata blocks up to the one marked last.
fn flac_length(body: &[u8]) -> Option<usize> {
    let mut at = 4;
    loop {
        let head = body.get(at..at + 4)?;
        at += 4 + u32::from_be_bytes([0, head[1], head[2], head[3]]) as usize;
        if head[0] & 0x80 != 0 {
            return (at <= body.len()).then_some(at);
        }
    }
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

/// Every box type in a file, depth first (for tests and audits): containers known to hold
/// boxes are walked, including `udta` and `meta` (whose body starts after 4 bytes of flags).
pub fn box_types(data: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    walk(data, &mut out);
    out
}

fn walk(data: &[u8], out: &mut Vec<String>) {
    let Ok(list) = boxes(data) else {
        out.push("<unreadable>".into());
        return;
    };
    for b in list {
        out.push(name(&b.kind));
        let inner = &data[b.body.clone()];
        if b.kind == *b"meta" {
            if let Some(rest) = inner.get(4..) {
                walk(rest, out);
            }
        } else if CONTAINERS.contains(&&b.kind) || matches!(&b.kind, b"udta" | b"ilst") {
            walk(inner, out);
        }
    }
}

/// The chunk offsets of every track (`stco`/`co64`), in file order (for tests and audits).
pub fn chunk_offsets(data: &[u8]) -> Result<Vec<u64>, String> {
    let mut found = Vec::new();
    for b in boxes(data)?.iter().filter(|b| b.kind == *b"moov") {
        offsets_in(&data[b.body.clone()], &mut found)?;
    }
    Ok(found)
}

fn offsets_in(data: &[u8], found: &mut Vec<u64>) -> Result<(), String> {
    for b in boxes(data)? {
        let inner = &data[b.body.clone()];
        if CONTAINERS.contains(&&b.kind) {
            offsets_in(inner, found)?;
        } else if b.kind == *b"stco" || b.kind == *b"co64" {
            found.extend(chunk_table(inner, b.kind == *b"co64")?);
        }
    }
    Ok(())
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A small MP4 whose metadata (boxes, fields, a metadata track, unreferenced bytes) names
    /// `CANARY Owner`; see [`crate::media::testdata::mp4`].
    pub fn sample(moov_first: bool, wide: bool) -> Vec<u8> {
        crate::media::testdata::mp4(moov_first, wide, "CANARY Owner")
    }

    fn has(bytes: &[u8], needle: &[u8]) -> bool {
        bytes.windows(needle.len()).any(|w| w == needle)
    }

    /// What a published file must satisfy: no canary, and nothing the independent check finds.
    fn assert_clean(bytes: &[u8], context: &str) {
        assert!(!has(bytes, b"CANARY"), "a canary survived ({context})");
        let left = crate::audit::metadata::leftovers(bytes);
        assert!(left.is_empty(), "{context}: {left:?}");
    }

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
