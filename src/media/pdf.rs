//! PDF documents: a new document made of what the pages show.
//!
//! A PDF made on a participant's laptop names their account in its Info dictionary (Author,
//! Creator, Producer) and again in XMP metadata streams, which any object may carry; earlier
//! revisions, comments, attachments and form fields keep more. A damaged file makes it worse: the
//! reader (`lopdf`) recovers what it can, and objects whose references were lost (an old Info
//! dictionary, an XMP stream) are still there. So nothing is removed from the document:
//! [`clean`] builds a new one from its pages alone.
//!
//! - Each page keeps what displaying it needs: its boxes (media, crop, bleed, trim, art),
//!   rotation, unit, transparency group, contents and resources (inherited ones resolved), and
//!   links to web addresses, rebuilt as bare links. Nothing else of a page is read.
//! - What the contents and resources reach (fonts, images, forms, graphics states, patterns,
//!   shadings, functions, colour spaces) is copied object by object, each dictionary with only
//!   the keys drawing uses ([`DRAWING_KEYS`]; resource dictionaries with their categories, name
//!   maps with their names): `/Metadata`, `/PieceInfo`, actions, back-references to the page
//!   tree or any key pasted where it does not belong stay behind. JPEG images keep their picture
//!   but not their EXIF, XMP, ICC, IPTC or comment segments; JPEG 2000 images keep their
//!   picture boxes only.
//! - The catalog holds the pages and nothing else (no outline, names, forms, scripts, open
//!   action or XMP); the Info dictionary holds the public title and credit; the file has no `/ID`.
//!
//! An encrypted, unreadable or page-less document, or one nested deeper than any real document,
//! is refused. The written bytes are then checked by [`crate::audit::metadata`], which shares no
//! code with this module.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use std::collections::HashMap;

/// What a document's public Info dictionary says.
pub struct Public<'a> {
    pub title: &'a str,
    /// The public credit line ("" for anonymous authors: no Author is written).
    pub author: &'a str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cleaned {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

/// Page keys copied from the page (or, for the inheritable ones, from its ancestors).
const PAGE_KEYS: &[&[u8]] = &[
    b"MediaBox",
    b"CropBox",
    b"BleedBox",
    b"TrimBox",
    b"ArtBox",
    b"Rotate",
    b"UserUnit",
    b"Group",
    b"Resources",
    b"Contents",
];
const INHERITED: &[&[u8]] = &[b"MediaBox", b"CropBox", b"Rotate", b"Resources"];

/// Keys a dictionary that the pages reach may keep: what fonts, images, forms, graphics
/// states, patterns, shadings, functions, colour spaces and stream filters are drawn with. Any
/// other key (`/Metadata`, `/PieceInfo`, `/Author` pasted into an image, an action, a link back
/// into the page tree) is left behind.
const DRAWING_KEYS: &[&[u8]] = &[
    // Every dictionary and stream.
    b"Type",
    b"Subtype",
    b"Length",
    b"Filter",
    b"DecodeParms",
    b"Name",
    // Fonts, their descriptors, encodings and font programs.
    b"BaseFont",
    b"FirstChar",
    b"LastChar",
    b"Widths",
    b"FontDescriptor",
    b"Encoding",
    b"ToUnicode",
    b"DescendantFonts",
    b"CIDSystemInfo",
    b"CIDToGIDMap",
    b"DW",
    b"W",
    b"DW2",
    b"W2",
    b"FontMatrix",
    b"FontBBox",
    b"CharProcs",
    b"Resources",
    b"Registry",
    b"Ordering",
    b"Supplement",
    b"FontName",
    b"FontFamily",
    b"FontStretch",
    b"FontWeight",
    b"Flags",
    b"ItalicAngle",
    b"Ascent",
    b"Descent",
    b"Leading",
    b"CapHeight",
    b"XHeight",
    b"StemV",
    b"StemH",
    b"AvgWidth",
    b"MaxWidth",
    b"MissingWidth",
    b"FontFile",
    b"FontFile2",
    b"FontFile3",
    b"CharSet",
    b"Style",
    b"Lang",
    b"FD",
    b"CIDSet",
    b"Length1",
    b"Length2",
    b"Length3",
    b"BaseEncoding",
    b"Differences",
    // Images and forms.
    b"Width",
    b"Height",
    b"ColorSpace",
    b"BitsPerComponent",
    b"Intent",
    b"ImageMask",
    b"Mask",
    b"Decode",
    b"Interpolate",
    b"SMask",
    b"SMaskInData",
    b"Matte",
    b"FormType",
    b"BBox",
    b"Matrix",
    b"Group",
    b"OC",
    b"S",
    b"CS",
    b"I",
    b"K",
    // Graphics states, soft masks and halftones.
    b"LW",
    b"LC",
    b"LJ",
    b"ML",
    b"D",
    b"RI",
    b"OP",
    b"op",
    b"OPM",
    b"Font",
    b"BG",
    b"BG2",
    b"UCR",
    b"UCR2",
    b"TR",
    b"TR2",
    b"HT",
    b"FL",
    b"SM",
    b"SA",
    b"BM",
    b"CA",
    b"ca",
    b"AIS",
    b"TK",
    b"UseBlackPtComp",
    b"G",
    b"BC",
    b"HalftoneType",
    b"Frequency",
    b"Angle",
    b"SpotFunction",
    b"AccurateScreens",
    b"TransferFunction",
    b"Width2",
    b"Height2",
    // Patterns, shadings and functions.
    b"PatternType",
    b"PaintType",
    b"TilingType",
    b"XStep",
    b"YStep",
    b"Shading",
    b"ExtGState",
    b"ShadingType",
    b"Background",
    b"AntiAlias",
    b"Coords",
    b"Domain",
    b"Function",
    b"Extend",
    b"BitsPerCoordinate",
    b"BitsPerFlag",
    b"VerticesPerRow",
    b"FunctionType",
    b"Range",
    b"Size",
    b"BitsPerSample",
    b"Order",
    b"Encode",
    b"C0",
    b"C1",
    b"N",
    b"Functions",
    b"Bounds",
    b"Alternate",
    // Stream filter parameters.
    b"Predictor",
    b"Colors",
    b"Columns",
    b"EarlyChange",
    b"EndOfLine",
    b"EncodedByteAlign",
    b"Rows",
    b"EndOfBlock",
    b"BlackIs1",
    b"DamagedRowsBeforeError",
    b"ColorTransform",
    b"JBIG2Globals",
    // Optional content (layers), which decides what is visible.
    b"OCGs",
    b"P",
    b"VE",
];

/// The drawing keys whose value may be text.
const TEXT_KEYS: &[&[u8]] = &[
    b"FontFamily",
    b"Registry",
    b"Ordering",
    b"CharSet",
    b"Lang",
    b"Name",
];

/// The categories of a resource dictionary (their values map resource names to objects).
const RESOURCE_KEYS: &[&[u8]] = &[
    b"Font",
    b"XObject",
    b"ExtGState",
    b"ColorSpace",
    b"Pattern",
    b"Shading",
    b"Properties",
    b"ProcSet",
];

/// What a dictionary is, which decides which of its keys are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Role {
    /// A font, image, form, graphics state…: [`DRAWING_KEYS`] only.
    Drawing,
    /// A page's or form's `/Resources`: [`RESOURCE_KEYS`] only.
    Resources,
    /// A map from resource or glyph names (chosen by the writer) to objects: every key.
    Names,
}

/// Deeper nesting than this is refused (real documents nest a few levels).
const MAX_DEPTH: usize = 64;

pub fn clean(data: &[u8], public: &Public) -> Result<Cleaned, String> {
    if !data.starts_with(b"%PDF-") {
        return Err("not a PDF file (it does not start with %PDF-)".into());
    }
    let old = Document::load_mem(data).map_err(|e| format!("cannot read the PDF: {e}"))?;
    if old.is_encrypted() || old.trailer.has(b"Encrypt") {
        return Err("the PDF is encrypted or password-protected".into());
    }
    let pages: Vec<ObjectId> = old.get_pages().into_values().collect();
    if pages.is_empty() {
        return Err("the PDF has no pages".into());
    }
    let mut new = Document::with_version("1.7");
    let pages_id = new.new_object_id();
    let mut copy = Copy {
        old: &old,
        new: &mut new,
        map: HashMap::new(),
    };
    let mut kids = Vec::with_capacity(pages.len());
    for id in &pages {
        let page = copy.page(*id, pages_id)?;
        kids.push(Object::Reference(copy.new.add_object(page)));
    }
    let count = kids.len() as i64;
    new.objects.insert(
        pages_id,
        Object::Dictionary(Dictionary::from_iter([
            ("Type", Object::Name(b"Pages".to_vec())),
            ("Kids", Object::Array(kids)),
            ("Count", Object::Integer(count)),
        ])),
    );
    let catalog = new.add_object(Dictionary::from_iter([
        ("Type", Object::Name(b"Catalog".to_vec())),
        ("Pages", Object::Reference(pages_id)),
    ]));
    let mut info = Dictionary::new();
    info.set("Title", Object::string_literal(public.title));
    if !public.author.is_empty() {
        info.set("Author", Object::string_literal(public.author));
    }
    let info = new.add_object(info);
    new.trailer.set("Root", catalog);
    new.trailer.set("Info", info);
    let mut bytes = Vec::new();
    new.save_to(&mut bytes)
        .map_err(|e| format!("cannot write the cleaned PDF: {e}"))?;
    Ok(Cleaned {
        bytes,
        pages: pages.len(),
    })
}

/// Copies objects of `old` into `new`, each once (`map`: old id → new id).
struct Copy<'a> {
    old: &'a Document,
    new: &'a mut Document,
    /// (old id, the role it was copied in) → new id.
    map: HashMap<(ObjectId, Role), ObjectId>,
}

impl<'a> Copy<'a> {
    /// A new page dictionary from the page `id` of the old document.
    fn page(&mut self, id: ObjectId, parent: ObjectId) -> Result<Dictionary, String> {
        let mut page = Dictionary::new();
        page.set("Type", Object::Name(b"Page".to_vec()));
        page.set("Parent", Object::Reference(parent));
        for key in PAGE_KEYS {
            if let Some(value) = self.page_value(id, key).filter(|v| page_value_fits(key, v)) {
                let role = match *key {
                    b"Resources" => Role::Resources,
                    _ => Role::Drawing,
                };
                let value = self.object(value, role, 0)?;
                page.set(key.to_vec(), value);
            }
        }
        if !page.has(b"MediaBox") {
            return Err("a page has no size (`MediaBox`)".into());
        }
        let links = self.links(id);
        if !links.is_empty() {
            page.set("Annots", Object::Array(links));
        }
        Ok(page)
    }

    /// `key` of the page `id`, or of its nearest ancestor for inheritable keys.
    fn page_value(&self, id: ObjectId, key: &[u8]) -> Option<&'a Object> {
        let old: &'a Document = self.old;
        let mut node = old.get_dictionary(id).ok()?;
        for _ in 0..MAX_DEPTH {
            if let Ok(value) = node.get(key) {
                return Some(value);
            }
            if !INHERITED.contains(&key) {
                return None;
            }
            let parent = node.get(b"Parent").and_then(Object::as_reference).ok()?;
            node = old.get_dictionary(parent).ok()?;
        }
        None
    }

    /// The page's links to web addresses, rebuilt with their area and address only.
    fn links(&self, id: ObjectId) -> Vec<Object> {
        let resolve = |o: &Object| match o {
            Object::Reference(r) => self.old.get_object(*r).ok().cloned(),
            other => Some(other.clone()),
        };
        let Some(Object::Array(annots)) = self.page_value(id, b"Annots").and_then(resolve) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for annot in annots.iter().filter_map(resolve) {
            let Object::Dictionary(annot) = annot else {
                continue;
            };
            let link = annot.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Link");
            let action = annot.get(b"A").ok().and_then(resolve);
            let uri = action.as_ref().and_then(|a| {
                let a = a.as_dict().ok()?;
                (a.get(b"S").and_then(Object::as_name).ok()? == b"URI")
                    .then(|| a.get(b"URI").and_then(Object::as_str).ok())?
            });
            let rect = annot.get(b"Rect").ok().and_then(resolve);
            let numbers = |r: &Object| {
                r.as_array().is_ok_and(|a| {
                    a.len() == 4
                        && a.iter()
                            .all(|n| matches!(n, Object::Integer(_) | Object::Real(_)))
                })
            };
            let (true, Some(uri), Some(rect)) = (link, uri, rect) else {
                continue;
            };
            if !is_web_address(uri) || !numbers(&rect) {
                continue;
            }
            out.push(Object::Dictionary(Dictionary::from_iter([
                ("Type", Object::Name(b"Annot".to_vec())),
                ("Subtype", Object::Name(b"Link".to_vec())),
                ("Rect", rect),
                ("Border", Object::Array(vec![0.into(), 0.into(), 0.into()])),
                (
                    "A",
                    Object::Dictionary(Dictionary::from_iter([
                        ("S", Object::Name(b"URI".to_vec())),
                        ("URI", Object::String(uri.to_vec(), Default::default())),
                    ])),
                ),
            ])));
        }
        out
    }

    /// `value` as it goes into the new document in `role`, objects it refers to copied along.
    fn object(&mut self, value: &Object, role: Role, depth: usize) -> Result<Object, String> {
        if depth > MAX_DEPTH {
            return Err("the PDF nests objects deeper than sesh reads".into());
        }
        Ok(match value {
            Object::Reference(id) => Object::Reference(self.reference(*id, role, depth)?),
            Object::Array(items) => Object::Array(
                items
                    .iter()
                    .map(|i| self.object(i, role, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            Object::Dictionary(dict) => Object::Dictionary(self.dictionary(dict, role, depth)?),
            Object::Stream(stream) => {
                let dict = self.dictionary(&stream.dict, Role::Drawing, depth)?;
                let content = picture_only(&stream.dict, &stream.content)?;
                Object::Stream(Stream::new(dict, content).with_compression(false))
            }
            other => other.clone(),
        })
    }

    fn reference(&mut self, id: ObjectId, role: Role, depth: usize) -> Result<ObjectId, String> {
        if let Some(new) = self.map.get(&(id, role)) {
            return Ok(*new);
        }
        let new = self.new.new_object_id();
        self.map.insert((id, role), new);
        let copied = match self.old.get_object(id) {
            // Drawing never needs a string kept as an object of its own; a damaged reference
            // could point at one that was the author's name.
            Ok(Object::String(..)) => Object::Null,
            Ok(object) => self.object(object, role, depth + 1)?,
            // A reference to nothing is null in PDF.
            Err(_) => Object::Null,
        };
        self.new.objects.insert(new, copied);
        Ok(new)
    }

    fn dictionary(
        &mut self,
        dict: &Dictionary,
        role: Role,
        depth: usize,
    ) -> Result<Dictionary, String> {
        let mut out = Dictionary::new();
        for (key, value) in dict.iter() {
            let key = key.as_slice();
            let inner = match role {
                // A name map maps names to objects: a string or number there is not a resource.
                Role::Names if !is_object(value) => continue,
                // Text is a value of a few drawing keys only (a font's family, a layer's name).
                Role::Drawing
                    if matches!(value, Object::String(..)) && !TEXT_KEYS.contains(&key) =>
                {
                    continue;
                }
                Role::Drawing if !DRAWING_KEYS.contains(&key) => continue,
                Role::Drawing if key == b"Resources" => Role::Resources,
                Role::Drawing if key == b"CharProcs" => Role::Names,
                Role::Drawing => Role::Drawing,
                Role::Resources if !RESOURCE_KEYS.contains(&key) => continue,
                Role::Resources if key == b"ProcSet" => Role::Drawing,
                Role::Resources => Role::Names,
                Role::Names => Role::Drawing,
            };
            let value = self.object(value, inner, depth + 1)?;
            out.set(key.to_vec(), value);
        }
        Ok(out)
    }
}

/// Whether `value` has the type a page's `key` takes: boxes are four numbers, rotation and unit
/// numbers, resources and groups dictionaries, contents streams or arrays of them (never text).
fn page_value_fits(key: &[u8], value: &Object) -> bool {
    let number = |o: &Object| matches!(o, Object::Integer(_) | Object::Real(_));
    match (key, value) {
        (b"Rotate" | b"UserUnit", v) => number(v),
        (b"Resources" | b"Group", v) => matches!(v, Object::Dictionary(_) | Object::Reference(_)),
        (b"Contents", Object::Array(items)) => {
            items.iter().all(|i| matches!(i, Object::Reference(_)))
        }
        (b"Contents", v) => matches!(v, Object::Reference(_) | Object::Stream(_)),
        (_, Object::Array(items)) => items.len() == 4 && items.iter().all(number),
        (_, v) => matches!(v, Object::Reference(_)),
    }
}

/// Whether `uri` is a plain web address (printable ASCII, no spaces or markup, of a sane
/// length) that the `url` crate reads as http(s).
fn is_web_address(uri: &[u8]) -> bool {
    let printable = uri.len() <= 2048
        && uri
            .iter()
            .all(|&b| b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'"' | b'\\'));
    printable
        && std::str::from_utf8(uri)
            .ok()
            .and_then(|u| url::Url::parse(u).ok())
            .is_some_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// Whether `value` can be a resource: a reference, dictionary, stream, array or name (a colour
/// space such as `/DeviceRGB`).
fn is_object(value: &Object) -> bool {
    matches!(
        value,
        Object::Reference(_)
            | Object::Dictionary(_)
            | Object::Stream(_)
            | Object::Array(_)
            | Object::Name(_)
    )
}

/// A stream's bytes with what an image format carries besides the picture left out: for a
/// JPEG (`DCTDecode`), every segment but the ones decoding needs; for JPEG 2000 (`JPXDecode`),
/// every box but the signature, file type, header and codestream. Other streams as they are.
fn picture_only(dict: &Dictionary, content: &[u8]) -> Result<Vec<u8>, String> {
    let filter = match dict.get(b"Filter") {
        Ok(Object::Name(n)) => n.as_slice(),
        Ok(Object::Array(a)) if a.len() == 1 => a[0].as_name().unwrap_or(b""),
        _ => b"",
    };
    match filter {
        b"DCTDecode" => jpeg_picture(content),
        b"JPXDecode" if content.get(4..8) == Some(b"jP  ") => jp2_picture(content),
        _ => Ok(content.to_vec()),
    }
}

/// A JPEG without its APPn segments (but a plain JFIF header and Adobe's colour transform) and
/// comments: EXIF (with GPS), XMP, ICC, IPTC, thumbnails.
fn jpeg_picture(data: &[u8]) -> Result<Vec<u8>, String> {
    let damaged = || "an embedded JPEG image is damaged".to_string();
    if !data.starts_with(&[0xFF, 0xD8]) {
        return Err(damaged());
    }
    let mut out = vec![0xFF, 0xD8];
    let mut i = 2;
    loop {
        let marker = *data.get(i + 1).ok_or_else(damaged)?;
        if data[i] != 0xFF {
            return Err(damaged());
        }
        if marker == 0xFF {
            i += 1; // fill byte
            continue;
        }
        if matches!(marker, 0xD0..=0xD7 | 0x01) {
            out.extend_from_slice(&[0xFF, marker]);
            i += 2;
            continue;
        }
        if marker == 0xD9 {
            out.extend_from_slice(&[0xFF, 0xD9]);
            return Ok(out);
        }
        let length = u16::from_be_bytes([
            *data.get(i + 2).ok_or_else(damaged)?,
            *data.get(i + 3).ok_or_else(damaged)?,
        ]) as usize;
        if length < 2 {
            return Err(damaged());
        }
        let segment = data.get(i..i + 2 + length).ok_or_else(damaged)?;
        let body = &segment[4..];
        match marker {
            0xE0 if body.starts_with(b"JFIF\0") && body.len() >= 12 => {
                // Version, units and density; no thumbnail.
                out.extend_from_slice(&[0xFF, 0xE0, 0, 16]);
                out.extend_from_slice(&body[..12]);
                out.extend_from_slice(&[0, 0]);
            }
            0xEE if body.starts_with(b"Adobe") => out.extend_from_slice(segment),
            0xE0..=0xEF | 0xFE => {}
            0xDA => {
                // The image data follows, up to the end: copied as it is.
                out.extend_from_slice(&data[i..]);
                return Ok(out);
            }
            _ => out.extend_from_slice(segment),
        }
        i += 2 + length;
    }
}

/// A JP2 file with its signature, file type, header and codestream boxes only (no XML, UUID or
/// other boxes, which hold XMP and geographic data).
fn jp2_picture(data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(data.len());
    let mut at = 0;
    while at < data.len() {
        let head = data
            .get(at..at + 8)
            .ok_or("an embedded JPEG 2000 image is damaged")?;
        let size = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let size = if size == 0 { data.len() - at } else { size };
        let whole = data
            .get(at..at.saturating_add(size))
            .filter(|_| size >= 8)
            .ok_or("an embedded JPEG 2000 image is damaged")?;
        if matches!(&head[4..8], b"jP  " | b"ftyp" | b"jp2h" | b"jp2c") {
            out.extend_from_slice(whole);
        }
        at += size;
    }
    Ok(out)
}

/// What a published PDF still says about its origin (for the tests): Info keys with their
/// values, and the keys of metadata, thumbnails and comments wherever they are.
#[cfg(test)]
fn leftovers(data: &[u8]) -> Result<Vec<String>, String> {
    let doc = Document::load_mem(data).map_err(|e| e.to_string())?;
    let mut found = Vec::new();
    if let Ok(info) = doc.trailer.get(b"Info").and_then(|i| match i {
        Object::Reference(id) => doc.get_dictionary(*id),
        other => other.as_dict(),
    }) {
        for (key, value) in info.iter() {
            let text = match value {
                Object::String(bytes, _) => String::from_utf8_lossy(bytes).into_owned(),
                other => format!("{other:?}"),
            };
            found.push(format!("Info/{}={text}", String::from_utf8_lossy(key)));
        }
    }
    for object in doc.objects.values() {
        let dict = match object {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        for key in [&b"Metadata"[..], b"Thumb", b"PieceInfo"] {
            if dict.has(key) {
                found.push(String::from_utf8_lossy(key).into_owned());
            }
        }
        if dict.has_type(b"Metadata") {
            found.push("XMP stream".into());
        }
        let subtype = dict.get(b"Subtype").and_then(Object::as_name).ok();
        if dict.has_type(b"Annot") && subtype != Some(b"Link") {
            found.push("comment annotation".into());
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUBLIC: Public = Public {
        title: "Market day",
        author: "W. L.",
    };

    use crate::media::testdata::{assert_clean, has};

    #[test]
    fn the_new_document_holds_the_pages_the_public_information_and_nothing_else() {
        let original = crate::media::testdata::pdf("CANARY");
        let before = leftovers(&original).unwrap();
        assert!(
            before.iter().any(|l| l.starts_with("Info/Author=CANARY")),
            "{before:?}"
        );
        assert!(before.contains(&"XMP stream".to_string()), "{before:?}");
        let cleaned = clean(&original, &PUBLIC).unwrap();
        assert_eq!(cleaned.pages, 1);
        assert_clean(&cleaned.bytes, "generated PDF");
        let mut after = leftovers(&cleaned.bytes).unwrap();
        after.sort();
        assert_eq!(after, vec!["Info/Author=W. L.", "Info/Title=Market day"]);
        let doc = Document::load_mem(&cleaned.bytes).unwrap();
        let page = doc.get_pages()[&1];
        let text = doc.get_page_content(page);
        assert!(
            has(&text, b"A public case study"),
            "the page still shows its text"
        );
        let again = clean(
            &cleaned.bytes,
            &Public {
                title: "T",
                author: "",
            },
        )
        .unwrap();
        assert_eq!(leftovers(&again.bytes).unwrap(), vec!["Info/Title=T"]);
    }

    #[test]
    fn objects_nothing_refers_to_are_not_carried_over() {
        // Damaged keys: the old Info and XMP stream are still in the file, unreferenced.
        let mut damaged = crate::media::testdata::pdf("CANARY");
        for key in [&b"/Info"[..], b"/Metadata"] {
            let at = damaged.windows(key.len()).rposition(|w| w == key).unwrap();
            damaged[at + 3] ^= 0x01;
        }
        let cleaned = clean(&damaged, &PUBLIC).unwrap();
        assert_clean(&cleaned.bytes, "damaged keys");
    }

    #[test]
    fn jpeg_images_keep_their_picture_segments_only() {
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 18];
        jpeg.extend(b"JFIF\0\x01\x02\0\0\x01\0\x01\x01\x01");
        jpeg.extend([0xFF, 0xFF, 0xFF]); // a one-pixel thumbnail
        let exif = b"Exif\0\0CANARY GPS";
        jpeg.extend([0xFF, 0xE1, 0, (exif.len() + 2) as u8]);
        jpeg.extend(exif);
        jpeg.extend([0xFF, 0xFE, 0, 8]);
        jpeg.extend(b"CANARY");
        jpeg.extend([0xFF, 0xEE, 0, 7]);
        jpeg.extend(b"Adobe");
        jpeg.extend([0xFF, 0xDB, 0, 3, 7, 0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9]);
        let out = jpeg_picture(&jpeg).unwrap();
        assert!(!has(&out, b"CANARY") && !has(&out, b"Exif"));
        assert!(has(&out, b"JFIF") && has(&out, b"Adobe") && out.ends_with(&[1, 2, 3, 0xFF, 0xD9]));
        assert!(
            crate::audit::metadata::blocks(&out)
                .iter()
                .all(|b| *b == crate::audit::metadata::image::ADOBE)
        );
        assert!(jpeg_picture(&jpeg[..9]).is_err());
    }

    #[test]
    fn unreadable_documents_are_refused() {
        assert!(clean(b"hello", &PUBLIC).is_err());
        assert!(clean(b"%PDF-1.4\ngarbage", &PUBLIC).is_err());
    }
}
