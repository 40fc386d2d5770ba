//! Tiny generated media files for tests and fixtures: an MP4 whose metadata names its owner and
//! recording place, and a PDF whose Info dictionary, XMP stream and annotations do. Public so
//! that the end-to-end tests (`tests/suite/`) build their fixtures with the same code.

use lopdf::{Document, Object, Stream, dictionary};

/// Whether `needle` occurs in `bytes`.
pub fn has(bytes: &[u8], needle: &[u8]) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle)
}

/// What a cleaned file must satisfy: no canary, and nothing the independent check finds.
#[track_caller]
pub fn assert_clean(bytes: &[u8], context: &str) {
    assert!(!has(bytes, b"CANARY"), "a canary survived ({context})");
    let left = crate::audit::metadata::leftovers(bytes);
    assert!(left.is_empty(), "{context}: {left:?}");
}

fn wrap(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

fn full(kind: &[u8; 4], version: u8, body: &[u8]) -> Vec<u8> {
    let mut b = vec![version, 0, 0, 0];
    b.extend_from_slice(body);
    wrap(kind, &b)
}

/// An MP4 of 192 seconds (declared) with a video track of two chunks holding `SAMPLE-A` and
/// `SAMPLE-B` and a timed-metadata track whose one chunk, between them in the media data, holds
/// `<owner>-PLACE`; unreferenced bytes naming `owner` end the media data. Its `udta` holds a
/// `©xyz` place and `owner`, its `meta` an Apple `ilst`, the track a `udta` name, and a `uuid`
/// (XMP) and a `free` box sit at the top; every date is set. `moov_first` puts `moov` before
/// `mdat` ("fast start"); `wide` uses `co64`.
pub fn mp4(moov_first: bool, wide: bool, owner: &str) -> Vec<u8> {
    let ftyp = wrap(b"ftyp", b"isom\0\0\x02\0isomiso2mp41");
    let uuid = wrap(
        b"uuid",
        format!("0123456789abcdef<x:xmpmeta>{owner}</x:xmpmeta>").as_bytes(),
    );
    let free = wrap(b"free", owner.as_bytes());
    let place = format!("{owner}-PLACE");
    let payload = format!("SAMPLE-A{place}SAMPLE-BJUNK-{owner}");
    let mdat = wrap(b"mdat", payload.as_bytes());
    let moov_with = |start: u64| {
        let video = [start, start + 8 + place.len() as u64];
        moov(wide, video, start + 8, place.len() as u32, owner)
    };
    let placeholder = moov_with(0);
    let mdat_start = if moov_first {
        ftyp.len() + uuid.len() + placeholder.len() + free.len()
    } else {
        ftyp.len() + uuid.len()
    } as u64;
    let moov = moov_with(mdat_start + 8);
    let mut out = ftyp;
    out.extend(uuid);
    if moov_first {
        out.extend(moov);
        out.extend(free);
        out.extend(mdat);
    } else {
        out.extend(mdat);
        out.extend(free);
        out.extend(moov);
    }
    out
}

fn moov(wide: bool, video: [u64; 2], place_at: u64, place_len: u32, owner: &str) -> Vec<u8> {
    let mut mvhd = Vec::new();
    mvhd.extend(0x5a5a_5a5au32.to_be_bytes()); // creation time
    mvhd.extend(0x5a5a_5a5au32.to_be_bytes()); // modification time
    mvhd.extend(1000u32.to_be_bytes());
    mvhd.extend(192_000u32.to_be_bytes());
    mvhd.extend([0u8; 80]);
    let mvhd = full(b"mvhd", 0, &mvhd);
    // A visual sample entry whose compressor name names the owner, with an avcC and a stray
    // uuid box.
    let mut avc1 = vec![0u8; 78];
    avc1[7] = 1;
    avc1[42..42 + owner.len().min(31)].copy_from_slice(&owner.as_bytes()[..owner.len().min(31)]);
    avc1.extend(wrap(
        b"avcC",
        b"\x01\x42\0\x1f\xff\xe1\0\x04\x67\x42\0\x1f\x01\0\x02\x68\xce",
    ));
    avc1.extend(wrap(b"uuid", format!("XMP {owner}").as_bytes()));
    let video_track = track(b"vide", &wrap(b"avc1", &avc1), &video, 8, wide, owner);
    let mut meta_entry = vec![0u8; 8];
    meta_entry[7] = 1;
    meta_entry.extend(wrap(b"keys", b"com.apple.quicktime.location.ISO6709"));
    let meta_track = track(
        b"meta",
        &wrap(b"mebx", &meta_entry),
        &[place_at],
        place_len,
        wide,
        owner,
    );
    let xyz = wrap(b"\xa9xyz", b"\0\x11\x15\xc7+22.3193+114.1694/");
    let own = wrap(b"\xa9own", owner.as_bytes());
    let ilst = wrap(b"ilst", &wrap(b"\xa9ART", owner.as_bytes()));
    let meta = full(b"meta", 0, &ilst);
    let udta = wrap(b"udta", &[xyz, own, meta].concat());
    wrap(b"moov", &[mvhd, video_track, meta_track, udta].concat())
}

/// A track of `handler` whose chunks (at `offsets`) hold one sample of `size` bytes each.
fn track(
    handler: &[u8; 4],
    entry: &[u8],
    offsets: &[u64],
    size: u32,
    wide: bool,
    owner: &str,
) -> Vec<u8> {
    let tkhd = full(b"tkhd", 0, &[0x5a; 80]);
    let mut mdhd = vec![0x5a; 8];
    mdhd.extend(1000u32.to_be_bytes());
    mdhd.extend(192_000u32.to_be_bytes());
    mdhd.extend([0u8; 4]);
    let mdhd = full(b"mdhd", 0, &mdhd);
    let mut hdlr = vec![0u8; 4];
    hdlr.extend_from_slice(handler);
    hdlr.extend([0u8; 12]);
    hdlr.extend(format!("Handler of {owner}\0").as_bytes());
    let hdlr = full(b"hdlr", 0, &hdlr);
    let n = offsets.len() as u32;
    let stsd = full(b"stsd", 0, &[&1u32.to_be_bytes()[..], entry].concat());
    let stts = full(b"stts", 0, &[1u32, n, 1000].map(u32::to_be_bytes).concat());
    let stsc = full(b"stsc", 0, &[1u32, 1, 1, 1].map(u32::to_be_bytes).concat());
    let stsz = full(b"stsz", 0, &[size, n].map(u32::to_be_bytes).concat());
    let mut table = n.to_be_bytes().to_vec();
    for &o in offsets {
        match wide {
            true => table.extend(o.to_be_bytes()),
            false => table.extend((o as u32).to_be_bytes()),
        }
    }
    let stco = full(if wide { b"co64" } else { b"stco" }, 0, &table);
    let stbl = wrap(b"stbl", &[stsd, stts, stsc, stsz, stco].concat());
    let dref = full(
        b"dref",
        0,
        &[&1u32.to_be_bytes()[..], &full(b"alis", 0, owner.as_bytes())].concat(),
    );
    let dinf = wrap(b"dinf", &dref);
    let header = match handler {
        b"vide" => full(b"vmhd", 0, &[0u8; 8]),
        _ => full(b"nmhd", 0, &[]),
    };
    let minf = wrap(b"minf", &[header, dinf, stbl].concat());
    let mdia = wrap(b"mdia", &[mdhd, hdlr, minf].concat());
    let track_udta = wrap(b"udta", &wrap(b"name", owner.as_bytes()));
    wrap(b"trak", &[tkhd, mdia, track_udta].concat())
}

/// A one-page PDF whose Info dictionary (Author, Creator, Producer, Title), XMP metadata stream,
/// page thumbnail and text annotation all contain `marker`.
pub fn pdf(marker: &str) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let content = Stream::new(
        dictionary! {},
        b"BT /F1 12 Tf 72 720 Td (A public case study) Tj ET".to_vec(),
    );
    let content_id = doc.add_object(content);
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let thumb = Stream::new(
        dictionary! { "Width" => 1, "Height" => 1, "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
        marker.as_bytes().to_vec(),
    );
    let thumb_id = doc.add_object(thumb);
    let note_id = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Text",
        "Rect" => vec![0.into(), 0.into(), 10.into(), 10.into()],
        "Contents" => Object::string_literal(format!("comment by {marker}")),
        "T" => Object::string_literal(marker),
    });
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        "Contents" => content_id,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
        "Thumb" => thumb_id,
        "Annots" => vec![note_id.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    let xmp = format!(
        "<?xpacket begin=''?><x:xmpmeta xmlns:x='adobe:ns:meta/'><dc:creator>{marker}</dc:creator></x:xmpmeta><?xpacket end='w'?>"
    );
    let xmp_id = doc.add_object(Stream::new(
        dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
        xmp.into_bytes(),
    ));
    let catalog_id = doc.add_object(dictionary! {
        "Type" => "Catalog", "Pages" => pages_id, "Metadata" => xmp_id,
    });
    doc.trailer.set("Root", catalog_id);
    let info_id = doc.add_object(dictionary! {
        "Author" => Object::string_literal(format!("{marker} Author")),
        "Creator" => Object::string_literal(format!("{marker} Laptop")),
        "Producer" => Object::string_literal(format!("{marker} Producer")),
        "Title" => Object::string_literal(format!("{marker} draft")),
    });
    doc.trailer.set("Info", info_id);
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    let _ = doc.save_to(&mut out);
    out
}
