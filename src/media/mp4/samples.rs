//! Sample tables: sizes, times and chunks, rebuilt; every chunk a kept track plays.

use super::*;

/// (offset, size) of a chunk of samples in the original file.
pub(super) type Chunk = (u64, u64);

/// The sample tables of `stbl` rebuilt (all but the chunk offsets), and every chunk.
pub(super) fn sample_tables(
    stbl: &[u8],
    handler: &[u8; 4],
) -> Result<(Vec<u8>, Vec<Chunk>), String> {
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
pub(super) fn table(kind: &[u8; 4], body: &[u8], width: usize) -> Result<Vec<u8>, String> {
    let count =
        read_u32(body, 4).ok_or_else(|| format!("the `{}` table is truncated", name(kind)))?;
    let length = (count as usize)
        .checked_mul(width)
        .and_then(|n| n.checked_add(8))
        .filter(|&n| n <= body.len())
        .ok_or_else(|| format!("the `{}` table is shorter than its count", name(kind)))?;
    Ok(body[..length].to_vec())
}

pub(super) struct SampleSizes<'a> {
    /// Every sample's size when they are all equal, else 0.
    uniform: u32,
    count: u32,
    table: &'a [u8],
    /// Bytes of `stsz` that hold this (the rest is left behind).
    length: usize,
}

impl SampleSizes<'_> {
    pub(super) fn read(stsz: &[u8]) -> Result<SampleSizes<'_>, String> {
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

    pub(super) fn size(&self, sample: usize) -> u64 {
        match self.uniform {
            0 => read_u32(self.table, sample * 4).unwrap_or(0) as u64,
            n => n as u64,
        }
    }
}

/// The offsets of a `stco` (or, `wide`, `co64`) table.
pub(super) fn chunk_table(body: &[u8], wide: bool) -> Result<Vec<u64>, String> {
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
pub(super) fn chunk_sizes(
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
