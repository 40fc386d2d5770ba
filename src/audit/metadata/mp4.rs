//! The check of a published MP4/QuickTime file, from its bytes: every box is one that playback
//! needs, where playback needs it, and the fields that could carry a name or a date are empty.
//!
//! This walker shares no code with the cleaner ([`crate::media::mp4`]): it reads the written
//! bytes against its own list of what may appear, so that a mistake in the cleaner (a box kept by
//! an oversight, a field copied as it was) is caught here rather than published. Its lists match
//! what the cleaner writes; a test of the cleaner checks that every file it writes passes.

/// Where a box may appear, and which boxes may appear there.
fn allowed(parent: &[u8; 4]) -> &'static [&'static [u8; 4]] {
    match parent {
        b"file" => &[b"ftyp", b"moov", b"mdat"],
        b"moov" => &[b"mvhd", b"trak"],
        b"trak" => &[b"tkhd", b"edts", b"mdia"],
        b"edts" => &[b"elst"],
        b"mdia" => &[b"mdhd", b"hdlr", b"minf"],
        b"minf" => &[b"vmhd", b"smhd", b"dinf", b"stbl"],
        b"dinf" => &[b"dref"],
        b"stbl" => &[
            b"stsd", b"stts", b"ctts", b"cslg", b"stss", b"stps", b"sdtp", b"stsc", b"stsz",
            b"stco", b"co64", b"sgpd", b"sbgp",
        ],
        _ => &[],
    }
}

/// Containers whose body is a list of boxes.
const CONTAINERS: &[&[u8; 4]] = &[
    b"moov", b"trak", b"edts", b"mdia", b"minf", b"dinf", b"stbl",
];

const VIDEO_FORMATS: &[&[u8; 4]] = &[
    b"avc1", b"avc3", b"hvc1", b"hev1", b"av01", b"vp08", b"vp09", b"mp4v", b"s263", b"apch",
    b"apcn", b"apcs", b"apco", b"ap4h", b"ap4x", b"jpeg", b"mjpa", b"mjpb",
];
const AUDIO_FORMATS: &[&[u8; 4]] = &[
    b"mp4a", b"ac-3", b"ec-3", b"Opus", b"fLaC", b"alac", b"lpcm", b"sowt", b"twos", b"ipcm",
    b"fpcm", b"ulaw", b"alaw", b".mp3", b"samr", b"sawb",
];
const VIDEO_CONFIG: &[&[u8; 4]] = &[
    b"avcC", b"hvcC", b"av1C", b"vpcC", b"dvcC", b"dvvC", b"esds", b"d263", b"colr", b"pasp",
    b"btrt", b"fiel", b"clap", b"mdcv", b"clli", b"gama",
];
const AUDIO_CONFIG: &[&[u8; 4]] = &[
    b"esds", b"dOps", b"dac3", b"dec3", b"dfLa", b"alac", b"chan", b"wave", b"btrt",
];
const WAVE_CONFIG: &[&[u8; 4]] = &[b"frma", b"esds", b"enda", b"chan", b"mp4a", b"\0\0\0\0"];

/// What the box types that carry metadata are, for messages.
fn metadata_box(kind: &[u8; 4]) -> Option<&'static str> {
    Some(match kind {
        b"udta" => "a udta box (user data: place, device, owner)",
        b"meta" => "a meta box (QuickTime metadata)",
        b"uuid" => "a uuid box (XMP or vendor data)",
        b"ilst" | b"keys" => "an iTunes/QuickTime metadata list",
        b"loci" => "a loci box (recording place)",
        b"XMP_" => "an XMP box",
        b"free" | b"skip" | b"wide" => "a padding box (may hold earlier bytes)",
        [0xA9, ..] => "an Apple metadata box (\u{a9}…: place, device, names)",
        _ => return None,
    })
}

/// Everything in the file that a cleaned file does not have (empty for a clean file).
pub fn leftovers(data: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut walk = Walk { found: &mut found };
    walk.children(data, b"file");
    let tops: Vec<[u8; 4]> = match boxes(data) {
        Ok(list) => list.iter().map(|b| b.kind).collect(),
        Err(_) => Vec::new(),
    };
    for once in [b"ftyp", b"moov", b"mdat"] {
        let n = tops.iter().filter(|k| *k == once).count();
        if n != 1 && !found.iter().any(|f| f.starts_with("unreadable")) {
            found.push(format!(
                "{n} `{}` boxes (a cleaned file has one)",
                name(once)
            ));
        }
    }
    found
}

struct Walk<'a> {
    found: &'a mut Vec<String>,
}

impl Walk<'_> {
    fn push(&mut self, what: String) {
        if !self.found.contains(&what) {
            self.found.push(what);
        }
    }

    fn children(&mut self, data: &[u8], parent: &[u8; 4]) {
        let list = match boxes(data) {
            Ok(list) => list,
            Err(e) => return self.push(format!("unreadable boxes in `{}`: {e}", name(parent))),
        };
        for b in list {
            let body = &data[b.body.clone()];
            if !allowed(parent).contains(&&b.kind) {
                let what = match metadata_box(&b.kind) {
                    Some(what) => format!("{what} in `{}`", name(parent)),
                    None => format!("unexpected box `{}` in `{}`", name(&b.kind), name(parent)),
                };
                self.push(what);
                continue;
            }
            match &b.kind {
                kind if CONTAINERS.contains(&kind) => self.children(body, kind),
                b"mvhd" | b"tkhd" | b"mdhd" => self.times(body, &b.kind),
                b"hdlr" => self.handler(body),
                b"dref" => self.references(body),
                b"stsd" => self.descriptions(body),
                _ => {}
            }
        }
    }

    /// Creation and modification times are zero ("unknown"): a date says when and, with the
    /// time zone, roughly where.
    fn times(&mut self, body: &[u8], kind: &[u8; 4]) {
        let width = match body.first() {
            Some(0) => 4,
            Some(1) => 8,
            _ => return self.push(format!("`{}` of an unknown version", name(kind))),
        };
        match body.get(4..4 + 2 * width) {
            Some(times) if times.iter().all(|&b| b == 0) => {}
            Some(_) => self.push(format!("creation or modification time in `{}`", name(kind))),
            None => self.push(format!("`{}` truncated", name(kind))),
        }
    }

    /// A handler names its track's kind, audio or video (a metadata, text or timecode track
    /// plays nothing), and nothing else (its name field is empty).
    fn handler(&mut self, body: &[u8]) {
        match body.get(8..12) {
            Some(b"vide" | b"soun") => {}
            Some(kind) => self.push(format!(
                "a track that is neither audio nor video (`{}`)",
                String::from_utf8_lossy(kind)
            )),
            None => {}
        }
        match body.get(24..) {
            Some([] | [0]) => {}
            Some(_) => self.push("a handler name (`hdlr`)".into()),
            None => self.push("`hdlr` truncated".into()),
        }
    }

    /// One data reference: "in this file" (no path, no address).
    fn references(&mut self, body: &[u8]) {
        let expected: &[u8] = b"\0\0\0\0\0\0\0\x01\0\0\0\x0curl \0\0\0\x01";
        if body != expected {
            self.push("a data reference other than \"this file\" (`dref`)".into());
        }
    }

    /// Sample descriptions: known formats, their fixed fields blank where text could hide, and
    /// only the configuration boxes decoders need.
    fn descriptions(&mut self, body: &[u8]) {
        let Some(entries) = body.get(8..) else {
            return self.push("`stsd` truncated".into());
        };
        let list = match boxes(entries) {
            Ok(list) => list,
            Err(e) => return self.push(format!("unreadable sample descriptions: {e}")),
        };
        for b in list {
            let entry = &entries[b.body.clone()];
            let (fixed, config) = if VIDEO_FORMATS.contains(&&b.kind) {
                // The 32-byte compressor name, at 42..74, is blank.
                if entry.get(42..74).is_none_or(|n| n.iter().any(|&c| c != 0)) {
                    self.push("a compressor name in a video description".into());
                }
                (78, VIDEO_CONFIG)
            } else if AUDIO_FORMATS.contains(&&b.kind) {
                if entry.get(12..16).is_none_or(|v| v != [0, 0, 0, 0]) {
                    self.push("a vendor code in an audio description".into());
                }
                let extra = match entry.get(8..10) {
                    Some([0, 1]) => 16,
                    Some([0, 2]) => 36,
                    _ => 0,
                };
                (28 + extra, AUDIO_CONFIG)
            } else {
                self.push(format!("unknown sample format `{}`", name(&b.kind)));
                continue;
            };
            let Some(children) = entry.get(fixed..) else {
                self.push(format!("`{}` description truncated", name(&b.kind)));
                continue;
            };
            self.configuration(children, config);
        }
    }

    fn configuration(&mut self, data: &[u8], allowed: &[&[u8; 4]]) {
        let list = match boxes(data) {
            Ok(list) => list,
            Err(e) => return self.push(format!("unreadable codec configuration: {e}")),
        };
        for b in list {
            if !allowed.contains(&&b.kind) {
                let what = metadata_box(&b.kind).unwrap_or("an unexpected box");
                self.push(format!(
                    "{what} (`{}`) in a sample description",
                    name(&b.kind)
                ));
            } else if b.kind == *b"wave" {
                self.configuration(&data[b.body.clone()], WAVE_CONFIG);
            }
        }
    }
}

struct Box_ {
    kind: [u8; 4],
    body: std::ops::Range<usize>,
}

/// The boxes directly inside `data`, every size checked.
fn boxes(data: &[u8]) -> Result<Vec<Box_>, String> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at < data.len() {
        let rest = &data[at..];
        let Some(head) = rest.get(..8) else {
            return Err(format!("{} stray bytes", rest.len()));
        };
        let size = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as u64;
        let kind = [head[4], head[5], head[6], head[7]];
        let (size, header) = match size {
            0 => (rest.len() as u64, 8),
            1 => {
                let big = rest.get(8..16).ok_or("a truncated 64-bit size")?;
                let mut b = [0u8; 8];
                b.copy_from_slice(big);
                (u64::from_be_bytes(b), 16)
            }
            n => (n, 8),
        };
        if size < header || size > rest.len() as u64 {
            return Err(format!("`{}` declares {size} bytes", name(&kind)));
        }
        out.push(Box_ {
            kind,
            body: at + header as usize..at + size as usize,
        });
        at += size as usize;
    }
    Ok(out)
}

fn name(kind: &[u8; 4]) -> String {
    kind.iter()
        .map(|&b| match b {
            0xA9 => '\u{a9}',
            b if b.is_ascii_graphic() || b == b' ' => b as char,
            _ => '?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrap(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        out
    }

    fn file(moov_children: &[u8]) -> Vec<u8> {
        let mut out = wrap(b"ftyp", b"isom\0\0\0\0isom");
        out.extend(wrap(b"moov", moov_children));
        out.extend(wrap(b"mdat", b"data"));
        out
    }

    #[test]
    fn metadata_boxes_and_fields_are_named() {
        let mvhd = wrap(b"mvhd", &[0u8; 100]);
        assert_eq!(leftovers(&file(&mvhd)), Vec::<String>::new());
        let mut with_udta = mvhd.clone();
        with_udta.extend(wrap(b"udta", &wrap(b"\xA9xyz", b"+12.3-045.6/")));
        assert_eq!(
            leftovers(&file(&with_udta)),
            ["a udta box (user data: place, device, owner) in `moov`"]
        );
        let mut damaged = mvhd.clone();
        damaged.extend(wrap(b"udtx", b"CANARY"));
        assert_eq!(
            leftovers(&file(&damaged)),
            ["unexpected box `udtx` in `moov`"]
        );
        let mut dated = vec![0u8; 100];
        dated[4] = 1;
        assert_eq!(
            leftovers(&file(&wrap(b"mvhd", &dated))),
            ["creation or modification time in `mvhd`"]
        );
        let mut top = file(&mvhd);
        top.extend(wrap(b"uuid", b"<x:xmpmeta/>"));
        assert_eq!(
            leftovers(&top),
            ["a uuid box (XMP or vendor data) in `file`"]
        );
        let truncated = &file(&mvhd)[..30];
        assert!(leftovers(truncated)[0].starts_with("unreadable"));
    }
}
