//! MP4/MOV/M4A cleaning, with an oracle: any bytes (seeded with real files whose metadata holds
//! `CANARY` and a recording place) go through what a build does, the cleaner and then the
//! independent check (`sesh::audit::metadata`); either refuses the file, or what is published
//! holds no canary in its structure. The samples, the codec configuration and the numeric
//! header and table fields are the video's own content: a mutation may copy the word there, and
//! the cleaner rightly keeps it. The canary is the ground truth that neither the cleaner nor the
//! check decides.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Boxes whose body is content or numbers (skipped by the canary search).
const CONTENT: &[&[u8; 4]] = &[
    b"mdat", b"stsd", b"mvhd", b"tkhd", b"mdhd", b"elst", b"stts", b"ctts", b"stss", b"stps",
    b"sdtp", b"stsc", b"stsz", b"stco", b"co64", b"vmhd", b"smhd",
];
const CONTAINERS: &[&[u8; 4]] = &[b"moov", b"trak", b"edts", b"mdia", b"minf", b"dinf", b"stbl"];

fuzz_target!(|data: &[u8]| {
    let Ok(cleaned) = sesh::media::mp4::clean(data) else {
        return;
    };
    let bytes = &cleaned.bytes;
    if !sesh::audit::metadata::leftovers(bytes).is_empty() {
        return; // refused by the check, as a build refuses it
    }
    let mut structure = Vec::new();
    walk(bytes, &mut structure);
    assert!(
        !structure.windows(6).any(|w| w == b"CANARY"),
        "a canary survived in the file's structure"
    );
});

/// Every byte of `data` but the bodies of content boxes.
fn walk(data: &[u8], out: &mut Vec<u8>) {
    let mut at = 0;
    while at + 8 <= data.len() {
        let size = u32::from_be_bytes(data[at..at + 4].try_into().unwrap()) as usize;
        let kind: [u8; 4] = data[at + 4..at + 8].try_into().unwrap();
        let end = match size {
            0 => data.len(),
            s if s >= 8 && at + s <= data.len() => at + s,
            _ => {
                out.extend_from_slice(&data[at..]);
                return;
            }
        };
        out.extend_from_slice(&data[at..at + 8]);
        if CONTAINERS.contains(&&kind) {
            walk(&data[at + 8..end], out);
        } else if !CONTENT.contains(&&kind) {
            out.extend_from_slice(&data[at + 8..end]);
        }
        at = end;
    }
    out.extend_from_slice(&data[at..]);
}
