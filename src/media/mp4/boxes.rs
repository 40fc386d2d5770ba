//! Reading and writing MP4 boxes: sizes, types, children.

use super::*;

#[derive(Debug, Clone)]
pub(super) struct Box_ {
    pub(super) kind: [u8; 4],
    pub(super) body: Range<usize>,
}

/// The boxes directly inside `data`, or why they cannot be read.
pub(super) fn boxes(data: &[u8]) -> Result<Vec<Box_>, String> {
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

pub(super) fn name(kind: &[u8; 4]) -> String {
    kind.iter()
        .map(|&b| match b {
            // Apple's metadata atoms start with ©.
            0xA9 => '©',
            b if b.is_ascii_graphic() || b == b' ' => b as char,
            _ => '?',
        })
        .collect()
}

pub(super) fn read_u32(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

pub(super) fn read_u64(data: &[u8], at: usize) -> Option<u64> {
    let b = data.get(at..at.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(b);
    Some(u64::from_be_bytes(a))
}

/// A box with a 32-bit size header around `body`.
pub(super) fn wrap(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(&((body.len() + 8) as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

/// The one child of kind `kind` in `list`, when there is exactly one.
pub(super) fn only<'b>(list: &'b [Box_], kind: &[u8; 4]) -> Result<Option<&'b Box_>, String> {
    let mut found = list.iter().filter(|b| b.kind == *kind);
    match (found.next(), found.next()) {
        (first, None) => Ok(first),
        _ => Err(format!("more than one `{}` box", name(kind))),
    }
}

pub(super) fn required<'b>(
    list: &'b [Box_],
    kind: &[u8; 4],
    parent: &str,
) -> Result<&'b Box_, String> {
    only(list, kind)?.ok_or_else(|| format!("`{parent}` has no `{}` box", name(kind)))
}

/// Every box type in a file, depth first (for tests and audits): containers known to hold
/// boxes are walked, including `udta` and `meta` (whose body starts after 4 bytes of flags).
pub fn box_types(data: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    walk(data, &mut out);
    out
}

pub(super) fn walk(data: &[u8], out: &mut Vec<String>) {
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

pub(super) fn offsets_in(data: &[u8], found: &mut Vec<u64>) -> Result<(), String> {
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
