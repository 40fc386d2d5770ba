//! MP4/MOV/M4A cleaning, with an oracle: any bytes (seeded with real files whose metadata holds
//! `CANARY` and a recording place). The cleaner refuses the file, or what it writes passes the
//! independent check (`sesh::audit::metadata`) and holds no canary outside the media samples
//! (a mutation may copy the word into a sample, which is the video's own content).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(cleaned) = sesh::media::mp4::clean(data) else {
        return;
    };
    let bytes = &cleaned.bytes;
    let left = sesh::audit::metadata::leftovers(bytes);
    assert!(left.is_empty(), "metadata survived: {left:?}");
    // Everything but the payload of `mdat` (the cleaner writes it last).
    let payload = bytes
        .windows(4)
        .position(|w| w == b"mdat")
        .map_or(bytes.len(), |at| at + 4);
    assert!(
        !bytes[..payload].windows(6).any(|w| w == b"CANARY"),
        "a canary survived outside the samples"
    );
});
