//! PDF documents, rewritten by `lopdf` without what names or describes their author.
//!
//! A PDF made on a participant's laptop carries their account name in its Info dictionary
//! (Author, Creator, Producer, Title) and again in XMP metadata streams, which any object may
//! have. [`clean`] loads the document, removes every `/Metadata` stream, page thumbnails
//! (`/Thumb`), application data (`/PieceInfo`), comments (markup annotations: notes, highlights,
//! ink…, whose `/T` names their author), embedded files and document scripts, replaces the Info
//! dictionary by one holding only the public title and credit, drops the file `/ID`, prunes the
//! objects nothing refers to any more and writes a new file (earlier incremental revisions,
//! which keep old text and metadata, are not carried over). An encrypted or unreadable document
//! is refused.

use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashSet;

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

/// Keys removed from every dictionary (and stream dictionary) of the document.
const DROPPED_KEYS: &[&[u8]] = &[b"Metadata", b"PieceInfo", b"Thumb", b"LastModified"];

/// Annotation types that are comments rather than links or form fields.
const MARKUP: &[&[u8]] = &[
    b"Text",
    b"FreeText",
    b"Popup",
    b"Highlight",
    b"Underline",
    b"Squiggly",
    b"StrikeOut",
    b"Caret",
    b"Ink",
    b"Stamp",
    b"FileAttachment",
    b"Sound",
    b"Line",
    b"Square",
    b"Circle",
    b"Polygon",
    b"PolyLine",
    b"Redact",
];

pub fn clean(data: &[u8], public: &Public) -> Result<Cleaned, String> {
    if !data.starts_with(b"%PDF-") {
        return Err("not a PDF file (it does not start with %PDF-)".into());
    }
    let mut doc = Document::load_mem(data).map_err(|e| format!("cannot read the PDF: {e}"))?;
    if doc.is_encrypted() || doc.trailer.has(b"Encrypt") {
        return Err("the PDF is encrypted or password-protected".into());
    }
    let pages = doc.get_pages().len();
    if pages == 0 {
        return Err("the PDF has no pages".into());
    }
    let comments: HashSet<ObjectId> = doc
        .objects
        .iter()
        .filter(|(_, o)| is_markup(o))
        .map(|(id, _)| *id)
        .collect();
    for object in doc.objects.values_mut() {
        let dict = match object {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &mut s.dict,
            _ => continue,
        };
        for key in DROPPED_KEYS {
            dict.remove(key);
        }
        if let Ok(Object::Array(annots)) = dict.get_mut(b"Annots") {
            annots.retain(|a| match a {
                Object::Reference(id) => !comments.contains(id),
                other => !is_markup(other),
            });
        }
        // Remaining annotations (links) keep no author or modification date.
        if dict.has_type(b"Annot") {
            for key in [&b"T"[..], b"M", b"Contents", b"RC", b"Popup"] {
                dict.remove(key);
            }
        }
    }
    for id in &comments {
        doc.objects.remove(id);
    }
    strip_catalog(&mut doc)?;
    doc.trailer.remove(b"ID");
    doc.trailer.remove(b"Info");
    let mut info = Dictionary::new();
    info.set("Title", Object::string_literal(public.title));
    if !public.author.is_empty() {
        info.set("Author", Object::string_literal(public.author));
    }
    let info_id = doc.add_object(info);
    doc.trailer.set("Info", info_id);
    doc.prune_objects();
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes)
        .map_err(|e| format!("cannot write the cleaned PDF: {e}"))?;
    Ok(Cleaned { bytes, pages })
}

fn is_markup(object: &Object) -> bool {
    let Object::Dictionary(d) = object else {
        return false;
    };
    let subtype = d.get(b"Subtype").and_then(Object::as_name).ok();
    subtype.is_some_and(|s| MARKUP.contains(&s)) && (d.has_type(b"Annot") || d.has(b"Rect"))
}

/// No document script, open action or attached file survives.
fn strip_catalog(doc: &mut Document) -> Result<(), String> {
    let names = {
        let catalog = doc
            .catalog_mut()
            .map_err(|e| format!("the PDF has no readable catalog: {e}"))?;
        for key in [&b"OpenAction"[..], b"AA", b"Metadata", b"PieceInfo"] {
            catalog.remove(key);
        }
        catalog.get(b"Names").ok().cloned()
    };
    let names = match names {
        Some(Object::Reference(id)) => doc.get_dictionary_mut(id).ok(),
        Some(Object::Dictionary(_)) => doc
            .catalog_mut()
            .ok()
            .and_then(|c| c.get_mut(b"Names").ok())
            .and_then(|n| n.as_dict_mut().ok()),
        _ => None,
    };
    if let Some(names) = names {
        names.remove(b"EmbeddedFiles");
        names.remove(b"JavaScript");
    }
    Ok(())
}

/// What a published PDF still says about its origin (for tests and audits): Info keys with their
/// values, and whether any object has XMP metadata, a thumbnail or a comment.
pub fn leftovers(data: &[u8]) -> Result<Vec<String>, String> {
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
        for key in DROPPED_KEYS {
            if dict.has(key) {
                found.push(String::from_utf8_lossy(key).into_owned());
            }
        }
        if dict.has_type(b"Metadata") {
            found.push("XMP stream".into());
        }
        if is_markup(object) {
            found.push("comment annotation".into());
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn author_creator_xmp_thumbnails_and_comments_are_removed() {
        let original = crate::media::testdata::pdf("CANARY");
        let before = leftovers(&original).unwrap();
        assert!(
            before.iter().any(|l| l.starts_with("Info/Author=CANARY")),
            "{before:?}"
        );
        assert!(before.contains(&"XMP stream".to_string()), "{before:?}");
        let cleaned = clean(
            &original,
            &Public {
                title: "Market day",
                author: "W. L.",
            },
        )
        .unwrap();
        assert_eq!(cleaned.pages, 1);
        let mut after = leftovers(&cleaned.bytes).unwrap();
        after.sort();
        assert_eq!(after, vec!["Info/Author=W. L.", "Info/Title=Market day"]);
        assert!(
            !cleaned.bytes.windows(6).any(|w| w == b"CANARY"),
            "the marker survived somewhere in the file"
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
    fn unreadable_documents_are_refused() {
        let public = Public {
            title: "T",
            author: "",
        };
        assert!(clean(b"hello", &public).is_err());
        assert!(clean(b"%PDF-1.4\ngarbage", &public).is_err());
    }
}
