//! Sample descriptions: the formats kept and the codec configuration decoders need, cut to
//! its own structure's length.

use super::*;

pub(super) const VIDEO_FORMATS: &[&[u8; 4]] = &[
    b"avc1", b"avc3", b"hvc1", b"hev1", b"av01", b"vp08", b"vp09", b"mp4v", b"s263", b"apch",
    b"apcn", b"apcs", b"apco", b"ap4h", b"ap4x", b"jpeg", b"mjpa", b"mjpb",
];
pub(super) const AUDIO_FORMATS: &[&[u8; 4]] = &[
    b"mp4a", b"ac-3", b"ec-3", b"Opus", b"fLaC", b"alac", b"lpcm", b"sowt", b"twos", b"ipcm",
    b"fpcm", b"ulaw", b"alaw", b".mp3", b"samr", b"sawb",
];
/// Codec configuration a video decoder reads (`colr` only with numeric colour information: an
/// embedded ICC profile names its maker and device). Each is cut to its own length
/// ([`config_length`]).
pub(super) const VIDEO_CONFIG: &[&[u8; 4]] = &[
    b"avcC", b"hvcC", b"av1C", b"vpcC", b"dvcC", b"dvvC", b"esds", b"d263", b"colr", b"pasp",
    b"btrt", b"fiel", b"clap", b"mdcv", b"clli", b"gama",
];
pub(super) const AUDIO_CONFIG: &[&[u8; 4]] = &[
    b"esds", b"dOps", b"dac3", b"dec3", b"dfLa", b"alac", b"chan", b"wave", b"btrt",
];
/// Inside QuickTime's `wave` (the terminator box has type zero).
pub(super) const WAVE_CONFIG: &[&[u8; 4]] =
    &[b"frma", b"esds", b"enda", b"chan", b"mp4a", b"\0\0\0\0"];

/// `stsd` rebuilt: each sample description of a known format, its fixed fields copied with the
/// data reference set to "this file" and the text fields (compressor name, vendor) blanked,
/// followed by the codec configuration boxes decoders need.
pub(super) fn descriptions(stsd: &[u8], handler: &[u8; 4]) -> Result<Vec<u8>, String> {
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
pub(super) fn configuration(data: &[u8], allowed: &[&[u8; 4]]) -> Result<Vec<u8>, String> {
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
pub(super) const NEEDED_CONFIG: &[&[u8; 4]] = &[
    b"avcC", b"hvcC", b"av1C", b"vpcC", b"esds", b"dOps", b"dac3", b"dec3", b"dfLa", b"alac",
    b"d263", b"frma",
];

/// The length of a configuration box's body as its own fields give it (`None` if it is shorter
/// than that, or not of a readable form).
pub(super) fn config_length(kind: &[u8; 4], body: &[u8]) -> Option<usize> {
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
pub(super) fn avc_length(body: &[u8]) -> Option<usize> {
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
pub(super) fn hevc_length(body: &[u8]) -> Option<usize> {
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
pub(super) fn descriptor_length(body: &[u8], skip: usize) -> Option<usize> {
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
pub(super) fn flac_length(body: &[u8]) -> Option<usize> {
    let mut at = 4;
    loop {
        let head = body.get(at..at + 4)?;
        at += 4 + u32::from_be_bytes([0, head[1], head[2], head[3]]) as usize;
        if head[0] & 0x80 != 0 {
            return (at <= body.len()).then_some(at);
        }
    }
}
