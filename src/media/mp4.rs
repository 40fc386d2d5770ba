//! MP4 / QuickTime (MP4, MOV, M4V, M4A): the container rewritten without its metadata boxes.
//!
//! Phones write the recording place (`©xyz`, `com.apple.quicktime.location.ISO6709`), the device
//! and the owner's name into `udta` and `meta` boxes, and XMP into `uuid` boxes. [`clean`] walks
//! the box tree and writes a new file that keeps only what playback needs: `ftyp`, `mdat` (bytes
//! unchanged) and `moov` with its track structure, from which every `udta`, `meta`, `uuid`,
//! `free`/`skip`/`wide` box is dropped and the creation/modification times of `mvhd`, `tkhd` and
//! `mdhd` are zeroed. No sample is re-encoded.
//!
//! Removing boxes moves the media data when `moov` comes before `mdat` ("fast start" files): the
//! chunk offsets of every `stco`/`co64` table are then rewritten to the data's new position. An
//! offset that does not point into an `mdat`, a fragmented file (`moof`), an unknown top-level box
//! or any malformed size makes the file refused (fail closed), never copied as it is.
//!
//! No crate was used: `mp4` (0.14) and `re_mp4` read but do not write back arbitrary files, and
//! `mp4-atom` rewrites only the boxes it models (dropping or failing on the others); this walker
//! copies the boxes it does not touch byte for byte.

use std::ops::Range;

/// Top-level boxes kept as they are (`moov` is rewritten, `mdat` moved).
const KEEP_TOP: &[&[u8; 4]] = &[b"ftyp", b"moov", b"mdat"];
/// Boxes dropped wherever they appear: metadata, vendor extensions and padding.
const DROP: &[&[u8; 4]] = &[
    b"udta", b"meta", b"uuid", b"free", b"skip", b"wide", b"pnot", b"PICT",
];
/// Containers inside `moov` whose children are walked (the others are copied whole).
const CONTAINERS: &[&[u8; 4]] = &[b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf"];
/// Full boxes whose creation and modification times are zeroed.
const TIMED: &[&[u8; 4]] = &[b"mvhd", b"tkhd", b"mdhd"];

/// A cleaned file and what was learnt while reading it.
#[derive(Debug, Clone, PartialEq)]
pub struct Cleaned {
    pub bytes: Vec<u8>,
    /// From `mvhd` (duration / timescale), when it declares one.
    pub seconds: Option<f64>,
    /// Whether a `vide` track exists (else the file is audio only).
    pub has_video: bool,
}

#[derive(Debug, Clone, Copy)]
struct Box_ {
    kind: [u8; 4],
    /// The whole box, header included, within the parent's bytes.
    start: usize,
    end: usize,
    header: usize,
}

/// The boxes directly inside `data`, or why they cannot be read.
fn boxes(data: &[u8]) -> Result<Vec<Box_>, String> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at < data.len() {
        let rest = &data[at..];
        if rest.len() < 8 {
            return Err(format!("{} stray bytes at the end of a box", rest.len()));
        }
        let size32 = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as u64;
        let kind = [rest[4], rest[5], rest[6], rest[7]];
        let (size, header) = match size32 {
            0 => ((rest.len()) as u64, 8),
            1 => {
                let big = rest
                    .get(8..16)
                    .ok_or("a box with a 64-bit size is truncated")?;
                (u64::from_be_bytes(big.try_into().unwrap_or_default()), 16)
            }
            n => (n, 8),
        };
        if size < header as u64 || size > rest.len() as u64 {
            return Err(format!(
                "the `{}` box declares {size} bytes but {} remain",
                name(&kind),
                rest.len()
            ));
        }
        out.push(Box_ {
            kind,
            start: at,
            end: at + size as usize,
            header,
        });
        at += size as usize;
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

fn is(kind: &[u8; 4], set: &[&[u8; 4]]) -> bool {
    set.contains(&kind)
}

/// Rewrites `data` (an MP4/MOV/M4A file) without metadata boxes.
pub fn clean(data: &[u8]) -> Result<Cleaned, String> {
    if data.get(4..8) != Some(b"ftyp") {
        return Err("not an MP4/QuickTime file (it does not start with an `ftyp` box)".into());
    }
    let top = boxes(data)?;
    for b in &top {
        if b.kind == *b"moof" || b.kind == *b"mfra" || b.kind == *b"sidx" {
            return Err("fragmented MP4 (streaming segments) is not supported".into());
        }
        if !is(&b.kind, KEEP_TOP) && !is(&b.kind, DROP) {
            return Err(format!("unknown top-level box `{}`", name(&b.kind)));
        }
    }
    let moovs: Vec<&Box_> = top.iter().filter(|b| b.kind == *b"moov").collect();
    let [moov] = moovs.as_slice() else {
        return Err(format!("{} `moov` boxes (expected one)", moovs.len()));
    };
    let moov_data = &data[moov.start + moov.header..moov.end];
    // First pass: the new moov's size (independent of the offsets' values).
    let size = rewrite_moov(moov_data, &|o| Ok(o))?.len();
    // Layout of the new file, and where each mdat moves.
    let mut position = 0usize;
    let mut moved: Vec<(Range<usize>, usize)> = Vec::new();
    for b in top.iter().filter(|b| is(&b.kind, KEEP_TOP)) {
        if b.kind == *b"mdat" {
            moved.push((b.start..b.end, position));
        }
        position += match &b.kind {
            b"moov" => size,
            _ => b.end - b.start,
        };
    }
    let map = |offset: u64| -> Result<u64, String> {
        let o = usize::try_from(offset).map_err(|_| "chunk offset too large".to_string())?;
        moved
            .iter()
            .find(|(range, _)| range.start + 8 <= o && o <= range.end)
            .map(|(range, new)| (o - range.start + new) as u64)
            .ok_or_else(|| format!("a chunk offset ({offset}) points outside the media data"))
    };
    let new_moov = rewrite_moov(moov_data, &map)?;
    debug_assert_eq!(new_moov.len(), size);
    let mut out = Vec::with_capacity(position);
    for b in top.iter().filter(|b| is(&b.kind, KEEP_TOP)) {
        match &b.kind {
            b"moov" => out.extend_from_slice(&new_moov),
            _ => out.extend_from_slice(&data[b.start..b.end]),
        }
    }
    Ok(Cleaned {
        seconds: duration(moov_data),
        has_video: has_handler(moov_data, b"vide"),
        bytes: out,
    })
}

type OffsetMap<'a> = dyn Fn(u64) -> Result<u64, String> + 'a;

/// The `moov` box rebuilt from its children.
fn rewrite_moov(children: &[u8], map: &OffsetMap) -> Result<Vec<u8>, String> {
    let body = rewrite_children(children, map)?;
    Ok(wrap(b"moov", &body))
}

fn rewrite_children(data: &[u8], map: &OffsetMap) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(data.len());
    for b in boxes(data)? {
        let whole = &data[b.start..b.end];
        let inner = &data[b.start + b.header..b.end];
        if is(&b.kind, DROP) {
            continue;
        } else if is(&b.kind, CONTAINERS) {
            out.extend(wrap(&b.kind, &rewrite_children(inner, map)?));
        } else if is(&b.kind, TIMED) {
            out.extend(wrap(&b.kind, &zero_times(inner, &b.kind)?));
        } else if b.kind == *b"stco" || b.kind == *b"co64" {
            out.extend(wrap(&b.kind, &offsets(inner, b.kind == *b"co64", map)?));
        } else {
            out.extend_from_slice(whole);
        }
    }
    Ok(out)
}

/// A box with a (32-bit) size header around `body`.
fn wrap(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(&((body.len() + 8) as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

/// `mvhd`/`tkhd`/`mdhd` with creation and modification times set to zero ("unknown").
fn zero_times(body: &[u8], kind: &[u8; 4]) -> Result<Vec<u8>, String> {
    let mut out = body.to_vec();
    let width = match body.first() {
        Some(0) => 4,
        Some(1) => 8,
        _ => return Err(format!("unknown `{}` version", name(kind))),
    };
    let times = out
        .get_mut(4..4 + 2 * width)
        .ok_or_else(|| format!("`{}` box truncated", name(kind)))?;
    times.fill(0);
    Ok(out)
}

/// A chunk offset table with every offset moved by `map`.
fn offsets(body: &[u8], wide: bool, map: &OffsetMap) -> Result<Vec<u8>, String> {
    let count = body
        .get(4..8)
        .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]) as usize)
        .ok_or("chunk offset table truncated")?;
    let width = if wide { 8 } else { 4 };
    if body.len() != 8 + count.saturating_mul(width) {
        return Err("chunk offset table size does not match its entry count".into());
    }
    let mut out = body[..8].to_vec();
    for entry in body[8..].chunks_exact(width) {
        let old = match wide {
            true => u64::from_be_bytes(entry.try_into().unwrap_or_default()),
            false => u32::from_be_bytes(entry.try_into().unwrap_or_default()) as u64,
        };
        let new = map(old)?;
        if wide {
            out.extend_from_slice(&new.to_be_bytes());
        } else {
            let new = u32::try_from(new).map_err(|_| "a chunk offset overflows 32 bits")?;
            out.extend_from_slice(&new.to_be_bytes());
        }
    }
    Ok(out)
}

/// Seconds declared by `mvhd`.
fn duration(moov: &[u8]) -> Option<f64> {
    let mvhd = boxes(moov).ok()?.into_iter().find(|b| b.kind == *b"mvhd")?;
    let body = &moov[mvhd.start + mvhd.header..mvhd.end];
    let (scale, length) = match body.first()? {
        0 => (
            u32::from_be_bytes(body.get(12..16)?.try_into().ok()?) as u64,
            u32::from_be_bytes(body.get(16..20)?.try_into().ok()?) as u64,
        ),
        1 => (
            u32::from_be_bytes(body.get(20..24)?.try_into().ok()?) as u64,
            u64::from_be_bytes(body.get(24..32)?.try_into().ok()?),
        ),
        _ => return None,
    };
    (scale > 0 && length > 0 && length != u64::MAX && length != u32::MAX as u64)
        .then(|| length as f64 / scale as f64)
}

/// Whether a track of `moov` has the handler type `kind` (`vide`, `soun`).
fn has_handler(moov: &[u8], kind: &[u8; 4]) -> bool {
    let Ok(children) = boxes(moov) else {
        return false;
    };
    children.iter().any(|b| {
        let inner = &moov[b.start + b.header..b.end];
        match &b.kind {
            b"trak" | b"mdia" => has_handler(inner, kind),
            b"hdlr" => inner.get(8..12) == Some(&kind[..]),
            _ => false,
        }
    })
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
        let inner = &data[b.start + b.header..b.end];
        if b.kind == *b"meta" {
            if let Some(rest) = inner.get(4..) {
                walk(rest, out);
            }
        } else if is(&b.kind, CONTAINERS) || matches!(&b.kind, b"moov" | b"udta" | b"ilst") {
            walk(inner, out);
        }
    }
}

/// The chunk offsets of every track (`stco`/`co64`), in file order (for tests and audits).
pub fn chunk_offsets(data: &[u8]) -> Result<Vec<u64>, String> {
    let mut found = Vec::new();
    for b in boxes(data)?.iter().filter(|b| b.kind == *b"moov") {
        offsets_in(&data[b.start + b.header..b.end], &mut found)?;
    }
    Ok(found)
}

fn offsets_in(data: &[u8], found: &mut Vec<u64>) -> Result<(), String> {
    for b in boxes(data)? {
        let inner = &data[b.start + b.header..b.end];
        if is(&b.kind, CONTAINERS) {
            offsets_in(inner, found)?;
        } else if b.kind == *b"stco" || b.kind == *b"co64" {
            let seen = std::cell::RefCell::new(Vec::new());
            let collect = |o: u64| {
                seen.borrow_mut().push(o);
                Ok(o)
            };
            offsets(inner, b.kind == *b"co64", &collect)?;
            found.extend(seen.into_inner());
        }
    }
    Ok(())
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A minimal MP4: one video track whose two chunks hold `SAMPLE-A` and `SAMPLE-B`, a `udta`
    /// with a `©xyz` place and an owner name, a `meta` box, and `moov` before or after `mdat`.
    pub fn sample(moov_first: bool, wide: bool) -> Vec<u8> {
        crate::media::testdata::mp4(moov_first, wide, "CANARY Owner")
    }

    fn chunk_bytes(file: &[u8]) -> Vec<Vec<u8>> {
        let top = boxes(file).unwrap();
        let moov = top.iter().find(|b| b.kind == *b"moov").unwrap();
        let mut found = Vec::new();
        find_offsets(&file[moov.start + 8..moov.end], &mut found);
        found
            .into_iter()
            .map(|o| file[o as usize..o as usize + 8].to_vec())
            .collect()
    }

    fn find_offsets(data: &[u8], found: &mut Vec<u64>) {
        for b in boxes(data).unwrap() {
            let inner = &data[b.start + b.header..b.end];
            if is(&b.kind, CONTAINERS) {
                find_offsets(inner, found);
            } else if b.kind == *b"stco" {
                found.extend(
                    inner[8..]
                        .chunks(4)
                        .map(|c| u32::from_be_bytes(c.try_into().unwrap()) as u64),
                );
            } else if b.kind == *b"co64" {
                found.extend(
                    inner[8..]
                        .chunks(8)
                        .map(|c| u64::from_be_bytes(c.try_into().unwrap())),
                );
            }
        }
    }

    #[test]
    fn metadata_boxes_are_removed_and_chunks_still_point_at_their_samples() {
        for moov_first in [true, false] {
            for wide in [false, true] {
                let original = sample(moov_first, wide);
                assert!(box_types(&original).contains(&"©xyz".to_string()));
                assert_eq!(
                    chunk_bytes(&original),
                    vec![b"SAMPLE-A".to_vec(), b"SAMPLE-B".to_vec()]
                );
                let cleaned = clean(&original).unwrap();
                let types = box_types(&cleaned.bytes);
                for gone in ["udta", "meta", "©xyz", "free", "uuid"] {
                    assert!(!types.contains(&gone.to_string()), "{gone} in {types:?}");
                }
                assert!(
                    !cleaned.bytes.windows(6).any(|w| w == b"CANARY"),
                    "owner name left"
                );
                assert!(cleaned.bytes.len() < original.len());
                assert_eq!(
                    chunk_bytes(&cleaned.bytes),
                    vec![b"SAMPLE-A".to_vec(), b"SAMPLE-B".to_vec()],
                    "moov_first={moov_first} wide={wide}"
                );
                assert_eq!(cleaned.seconds, Some(192.0));
                assert!(cleaned.has_video);
                // Cleaning is idempotent.
                assert_eq!(clean(&cleaned.bytes).unwrap().bytes, cleaned.bytes);
            }
        }
    }

    #[test]
    fn malformed_files_are_refused() {
        let good = sample(true, false);
        assert!(clean(b"not a video at all").is_err());
        assert!(clean(&good[..good.len() - 3]).is_err(), "truncated");
        let mut unknown = good.clone();
        unknown.extend_from_slice(&[0, 0, 0, 8, b'z', b'z', b'z', b'z']);
        assert!(
            clean(&unknown)
                .unwrap_err()
                .contains("unknown top-level box")
        );
        let mut fragmented = good.clone();
        fragmented.extend_from_slice(&[0, 0, 0, 8, b'm', b'o', b'o', b'f']);
        assert!(clean(&fragmented).unwrap_err().contains("fragmented"));
        let mut huge = good.clone();
        huge[3] = 0xFF; // ftyp claims more bytes than the file has
        huge[2] = 0xFF;
        assert!(clean(&huge).is_err());
    }
}
