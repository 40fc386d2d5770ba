//! Finds which of many texts occur in a file: the search behind the output scan.
//!
//! A built site is large (175 MB for 10,000 entries) and restricted texts are many (6,000),
//! so texts are not searched byte by byte. Each text is looked up by a few of its slices
//! ("windows") of a fixed width, and a file is looked at only at every `stride`-th position:
//! an occurrence of a text at least `width + stride - 1` bytes long covers one such position
//! with one of its windows, whatever its alignment. Of the windows a text could be looked up
//! by at one alignment, the one fewest other texts share is used (`contests/contest` begins
//! every address, `003/entry-00123/` only one). A window found in a file (through a bit
//! filter, then a table of hashes) is confirmed by comparing the whole text where it must
//! start. [`TIERS`] sorts texts by length: the longer, the fewer positions looked at.
//! `examples/scan_bench.rs` times it against Aho-Corasick and checks both find the same.
//!
//! Every text that occurs is reported, overlapping others or not: a text that is public (and
//! so not a finding) can never hide a restricted one that overlaps it.

use anyhow::{Context, Result};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::ControlFlow;

/// (window width, stride) by text length: texts of at least `width + stride - 1` bytes go to
/// the first tier that takes them. Nearly all restricted texts (body sentences, addresses)
/// are long; names, private values and short titles are few. (A middle tier of 8-byte windows
/// every 5 bytes cost more than it saved: `examples/scan_bench.rs`.)
pub const TIERS: [(usize, usize); 2] = [(16, 9), (4, 3)];
/// Shortest text that can be searched (the last tier's).
pub const SHORTEST: usize = 6;
const _: () = assert!(TIERS[0].0 == 16 && TIERS[1].0 == 4 && SHORTEST == 4 + TIERS[1].1 - 1);

/// The texts to find, ready to search.
pub struct Matcher {
    texts: Vec<Box<[u8]>>,
    tiers: Vec<Windows>,
}

/// The windows of one tier: where a file is looked at, and which texts a window may begin.
struct Windows {
    width: usize,
    stride: usize,
    /// One bit per filter slot; each window sets two (see [`slots`]).
    filter: Vec<u64>,
    /// Right shift that turns a hash into a filter slot.
    shift: u32,
    /// Windows sorted by hash, so by bucket (the hash's high bits).
    table: Vec<Window>,
    /// Where each bucket starts in `table`, and where the last one ends.
    buckets: Vec<u32>,
    /// Right shift that turns a hash into its bucket.
    bucket_shift: u32,
}

/// One window of a text.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Window {
    hash: u64,
    /// The text's last 8 bytes: texts that share a window seldom share them (addresses).
    tail: u64,
    text: u32,
    len: u32,
    /// Where the window is in the text.
    offset: u32,
}

impl Matcher {
    /// Texts shorter than [`SHORTEST`] bytes are an error: the scan never searches them.
    pub fn new<T: AsRef<[u8]>>(texts: &[T]) -> Result<Matcher> {
        let texts: Vec<Box<[u8]>> = texts.iter().map(|t| Box::from(t.as_ref())).collect();
        if let Some(short) = texts.iter().find(|t| t.len() < SHORTEST) {
            anyhow::bail!("cannot search for a text of {} bytes", short.len());
        }
        u32::try_from(texts.len()).context("too many restricted texts to scan for")?;
        let mut left: Vec<usize> = (0..texts.len()).collect();
        let mut tiers = Vec::new();
        for (width, stride) in TIERS {
            let (taken, rest) = left
                .into_iter()
                .partition(|i| texts[*i].len() >= width + stride - 1);
            left = rest;
            tiers.push(Windows::new(&texts, &taken, width, stride));
        }
        Ok(Matcher { texts, tiers })
    }

    /// Calls `found` with the index (in the list given to [`Matcher::new`]) of each text that
    /// occurs in `haystack`, once or more per text, until `found` says to stop.
    pub fn find(&self, haystack: &[u8], mut found: impl FnMut(usize) -> ControlFlow<()>) {
        for tier in &self.tiers {
            let flow = match tier.width {
                16 => tier.find::<16>(&self.texts, haystack, &mut found),
                _ => tier.find::<4>(&self.texts, haystack, &mut found),
            };
            if flow.is_break() {
                return;
            }
        }
    }
}

impl Windows {
    /// For each of the `taken` texts and each alignment (offset modulo `stride`), the window
    /// fewest texts share.
    fn new(texts: &[Box<[u8]>], taken: &[usize], width: usize, stride: usize) -> Windows {
        let mut shared: HashMap<u64, u32, BuildHasherDefault<Spread>> = HashMap::default();
        for &i in taken {
            let text = &texts[i];
            for at in 0..=text.len() - width {
                *shared.entry(hash(text, at, width)).or_default() += 1;
            }
        }
        let mut table = Vec::with_capacity(taken.len() * stride);
        for &i in taken {
            let text = &texts[i];
            for alignment in 0..stride {
                let rarest = (alignment..=text.len() - width)
                    .step_by(stride)
                    .map(|at| {
                        let hash = hash(text, at, width);
                        (shared[&hash], at, hash)
                    })
                    .min();
                if let Some((_, at, hash)) = rarest {
                    table.push(Window {
                        hash,
                        tail: tail(text),
                        text: i as u32,
                        len: text.len() as u32,
                        offset: at as u32,
                    });
                }
            }
        }
        table.sort_unstable();
        // Two slots per window, one slot in 32 set: one position of a file in 1,000 passes
        // the filter by chance, and a position passes the first slot's test in one case in 32
        // (from 16 slots per window to 64, the scan of a 10,000-entry site took 0.78× the
        // time: fewer branches mispredicted; `examples/scan_bench.rs`). 8 bytes per window.
        let slots = (table.len() * 64).next_power_of_two().max(1 << 12);
        let shift = 64 - slots.trailing_zeros();
        let mut filter = vec![0u64; slots / 64];
        for window in &table {
            for slot in self::slots(window.hash, shift) {
                filter[slot / 64] |= 1 << (slot % 64);
            }
        }
        // About two buckets per window.
        let count = (table.len() * 2).next_power_of_two();
        let bucket_shift = 64 - count.trailing_zeros();
        let buckets = (0..=count as u64)
            .map(|b| table.partition_point(|w| w.hash >> bucket_shift < b) as u32)
            .collect();
        Windows {
            width,
            stride,
            filter,
            shift,
            table,
            buckets,
            bucket_shift,
        }
    }

    /// [`Matcher::find`] for this tier's texts; `W` is its width.
    fn find<const W: usize>(
        &self,
        texts: &[Box<[u8]>],
        haystack: &[u8],
        found: &mut impl FnMut(usize) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        if self.table.is_empty() {
            return ControlFlow::Continue(());
        }
        let mut at = 0;
        while at + W <= haystack.len() {
            let hash = hash_of::<W>(haystack, at);
            // The second slot is computed only when the first is set (one position in 32).
            let set = |slot: usize| self.filter[slot / 64] & (1 << (slot % 64)) != 0;
            if set(first_slot(hash, self.shift)) && set(second_slot(hash, self.shift)) {
                let bucket = (hash >> self.bucket_shift) as usize;
                let range = self.buckets[bucket] as usize..self.buckets[bucket + 1] as usize;
                for window in self.table[range].iter().filter(|w| w.hash == hash) {
                    let Some(start) = at.checked_sub(window.offset as usize) else {
                        continue;
                    };
                    let Some(there) = haystack.get(start..start + window.len as usize) else {
                        continue;
                    };
                    if tail(there) == window.tail && there == &texts[window.text as usize][..] {
                        found(window.text as usize)?;
                    }
                }
            }
            at += self.stride;
        }
        ControlFlow::Continue(())
    }
}

/// Hashes window hashes for a `HashMap` (SipHash would hash them again, at several times the
/// cost, and the map holds a few million): their good high bits are folded into the low bits
/// the table indexes by.
#[derive(Default)]
struct Spread(u64);

impl Hasher for Spread {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, hash: u64) {
        self.0 = hash ^ (hash >> 32);
    }
}

/// The two filter slots of a window's hash: its high bits, and the high bits of a second hash
/// of it.
fn slots(hash: u64, shift: u32) -> [usize; 2] {
    [first_slot(hash, shift), second_slot(hash, shift)]
}

fn first_slot(hash: u64, shift: u32) -> usize {
    (hash >> shift) as usize
}

fn second_slot(hash: u64, shift: u32) -> usize {
    let again = (hash ^ (hash >> 29)).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    (again >> shift) as usize
}

/// A hash of the `width` bytes of `bytes` at `at` (which must hold them).
fn hash(bytes: &[u8], at: usize, width: usize) -> u64 {
    match width {
        16 => hash_of::<16>(bytes, at),
        _ => hash_of::<4>(bytes, at),
    }
}

/// A hash of the `W` (4 or 16) bytes of `bytes` at `at`; its high bits are the best.
fn hash_of<const W: usize>(bytes: &[u8], at: usize) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    match W {
        4 => u64::from(u32::from_le_bytes(array(&bytes[at..at + 4]))).wrapping_mul(K),
        _ => {
            let a = u64::from_le_bytes(array(&bytes[at..at + 8])).wrapping_mul(K);
            (a ^ u64::from_le_bytes(array(&bytes[at + 8..at + 16]))).wrapping_mul(K)
        }
    }
}

/// The last 8 bytes of `text` (all of a shorter one), as a number.
fn tail(text: &[u8]) -> u64 {
    match text.len().checked_sub(8) {
        Some(start) => u64::from_le_bytes(array(&text[start..])),
        None => text.iter().rev().fold(0, |n, b| n << 8 | u64::from(*b)),
    }
}

/// The `N` bytes of `bytes` (exactly `N` long) as an array.
fn array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(bytes);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::AhoCorasick;
    use std::collections::BTreeSet;

    fn found(matcher: &Matcher, haystack: &[u8]) -> BTreeSet<usize> {
        let mut out = BTreeSet::new();
        matcher.find(haystack, |i| {
            out.insert(i);
            ControlFlow::Continue(())
        });
        out
    }

    /// Every text that occurs, overlapping or not, as a plain overlapping Aho-Corasick search
    /// finds them.
    fn expected(texts: &[String], haystack: &[u8]) -> BTreeSet<usize> {
        AhoCorasick::new(texts)
            .unwrap()
            .find_overlapping_iter(haystack)
            .map(|m| m.pattern().as_usize())
            .collect()
    }

    /// A small deterministic generator (xorshift), so that failures can be replayed.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        /// Text over a small alphabet, so that texts share windows and overlap often.
        fn text(&mut self, len: usize) -> String {
            (0..len).map(|_| b"ab c"[self.below(4)] as char).collect()
        }
    }

    #[test]
    fn finds_what_aho_corasick_finds_on_random_texts() {
        let mut rng = Rng(0x5E5C_0FFE_E123_4567);
        for round in 0..300 {
            let count = 1 + rng.below(40);
            let mut texts: Vec<String> = (0..count)
                .map(|_| {
                    let len = 6 + rng.below(70);
                    rng.text(len)
                })
                .collect();
            texts.sort();
            texts.dedup();
            let matcher = Matcher::new(&texts).unwrap();
            // Haystacks of random text with texts planted whole, cut short, and at both ends.
            let mut haystack = Vec::new();
            for _ in 0..rng.below(12) {
                let len = rng.below(90);
                haystack.extend(rng.text(len).bytes());
                let text = &texts[rng.below(texts.len())];
                let keep = match rng.below(3) {
                    0 => text.len() - 1 - rng.below(text.len() - 1),
                    _ => text.len(),
                };
                haystack.extend(&text.as_bytes()[..keep]);
            }
            for cut in [0, haystack.len() / 3, haystack.len() / 2] {
                let part = &haystack[cut..];
                assert_eq!(
                    found(&matcher, part),
                    expected(&texts, part),
                    "round {round}, cut {cut}: {:?} in {:?}",
                    texts,
                    String::from_utf8_lossy(part)
                );
            }
        }
    }

    #[test]
    fn overlapping_texts_are_all_found_at_the_edges_of_the_file() {
        let long = "a long restricted sentence from an unpublished body".to_string();
        let tail = "unpublished body, and more".to_string();
        let name = "Wei Li".to_string();
        let texts = vec![long.clone(), tail, name];
        let matcher = Matcher::new(&texts).unwrap();
        let hay = format!("{long}, and more Wei Li");
        assert_eq!(found(&matcher, hay.as_bytes()), BTreeSet::from([0, 1, 2]));
        // Exactly one text, nothing around it; texts of exactly the long tier's shortest
        // length (24 bytes) and one byte less.
        assert_eq!(found(&matcher, long.as_bytes()), BTreeSet::from([0]));
        let edge = vec!["x".repeat(24), "y".repeat(23)];
        let matcher = Matcher::new(&edge).unwrap();
        assert_eq!(found(&matcher, edge[0].as_bytes()), BTreeSet::from([0]));
        assert_eq!(found(&matcher, edge[1].as_bytes()), BTreeSet::from([1]));
        assert!(found(&matcher, &edge[0].as_bytes()[1..]).is_empty());
        assert!(found(&matcher, b"").is_empty());
    }

    #[test]
    fn stops_when_asked() {
        let texts = vec!["first restricted text, long enough".to_string()];
        let matcher = Matcher::new(&texts).unwrap();
        let hay = texts[0].repeat(5);
        let mut calls = 0;
        matcher.find(hay.as_bytes(), |_| {
            calls += 1;
            ControlFlow::Break(())
        });
        assert_eq!(calls, 1);
    }
}
