use hashbrown::HashMap;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::{
    fossick::{FossickedData, FossickedWord, MetaFossickedWord},
    index::index_metadata::MetaFilter,
    utils::full_hash,
    SearchOptions,
};
use anyhow::{bail, Result};
use index_filter::{FilterIndex, PackedValue};
use index_metadata::{MetaChunk, MetaIndex, MetaPage};
use index_words::{PackedPage, PackedVariant, PackedWord, WordIndex};

use self::index_metadata::MetaSort;

mod index_filter;
mod index_metadata;
mod index_words;

pub struct PagefindIndexes {
    pub filter_indexes: HashMap<String, Vec<u8>>,
    pub meta_index: (String, Vec<u8>),
    /// Each fragment's hash and file, compressed (sesh patch: upstream kept the JSON).
    pub fragments: Vec<(String, Vec<u8>)>,
    /// Each word index chunk's hash and file, compressed (sesh patch: as the fragments).
    pub word_indexes: HashMap<String, Vec<u8>>,
    pub sorts: Vec<String>,
    pub language: String,
    pub word_count: usize,
    pub page_count: usize,
}

#[derive(Clone)]
struct IntermediaryPageData {
    full_hash: String,
    encoded_data: FragmentData,
    word_count: usize,
    page_number: usize,
}

/// A page's fragment (sesh patch): compressed as soon as it is made, unless fragments may
/// be bundled, so that an index holds every page's fragment in a third of the memory.
#[derive(Clone)]
enum FragmentData {
    Json(String),
    Gzipped(Vec<u8>),
}

impl FragmentData {
    fn new(json: String, bundling: bool) -> Self {
        if bundling {
            FragmentData::Json(json)
        } else {
            FragmentData::Gzipped(crate::output::gzip(json.as_bytes()))
        }
    }

    fn json(&self) -> &str {
        match self {
            FragmentData::Json(json) => json,
            FragmentData::Gzipped(_) => unreachable!("fragments are kept as JSON when bundled"),
        }
    }

    fn into_gzipped(self) -> Vec<u8> {
        match self {
            FragmentData::Json(json) => crate::output::gzip(json.as_bytes()),
            FragmentData::Gzipped(bytes) => bytes,
        }
    }
}

#[derive(Debug)]
enum SortType {
    String,
    Number,
}

/// Results from processing a single page in parallel.
/// Contains the words (by shard), filter entries, and encoded page data for one page.
pub struct PageProcessingResult {
    /// The page's words, by shard (sesh patch: upstream's map of the page's words).
    sharded_words: Vec<Vec<PageWord>>,
    filter_entries: Vec<(String, String, usize)>, // (filter, value, page_number)
    encoded_page: IntermediaryPageData,
}

pub async fn build_indexes(
    mut pages: Vec<FossickedData>,
    language: String,
    options: &SearchOptions,
) -> Result<PagefindIndexes> {
    let mut meta = MetaIndex {
        version: options.version.into(),
        pages: Vec::new(),
        index_chunks: Vec::new(),
        filters: Vec::new(),
        sorts: Vec::new(),
        meta_fields: Vec::new(),
    };

    /*
        - Collect all sort keys
        - Sort `pages` by one of them and set `default_sort`
        - Do the main enumerate loop as an iter_mut and set page numbers
        - Later on, for each other sort key:
            - Sort the `pages` array and output the page numbers to `alternate_sorts`
    */


    for (page_number, page) in pages.iter_mut().enumerate() {
        page.fragment.page_number = page_number;
    }

    // Get all possible sort keys
    let mut sorts: Vec<_> = pages
        .iter()
        .flat_map(|page| page.sort.keys().cloned())
        .collect();
    sorts.sort_unstable();
    sorts.dedup();

    // Determine the best sorting parser that fits all available values for each given key
    let mut sort_types: BTreeMap<String, SortType> = BTreeMap::new();
    for sort in sorts.iter() {
        let mut sort_values = pages.iter().flat_map(|page| page.sort.get(sort));
        sort_types.insert(
            sort.clone(),
            if sort_values.all(|v| parse_int_sort(v).is_some() || parse_float_sort(v).is_some()) {
                SortType::Number
            } else {
                SortType::String
            },
        );
    }

    for (sort_key, sort_type) in sort_types {
        let mut page_values: Vec<_> = pages
            .iter()
            .flat_map(|page| {
                page.sort
                    .get(&sort_key)
                    .map(|v| (v, page.fragment.page_number))
            })
            .collect();
        options.logger.v_info(format!(
            "Prebuilding sort order for {sort_key}, processed as type: {sort_type:#?}"
        ));
        match sort_type {
            SortType::String => page_values.sort_by_key(|p| p.0),
            SortType::Number => page_values.sort_by(|p1, p2| {
                let p1 = parse_int_sort(p1.0)
                    .map(|i| i as f32)
                    .unwrap_or_else(|| parse_float_sort(p1.0).unwrap_or_default());
                let p2 = parse_int_sort(p2.0)
                    .map(|i| i as f32)
                    .unwrap_or_else(|| parse_float_sort(p2.0).unwrap_or_default());

                p1.total_cmp(&p2)
            }),
        }
        meta.sorts.push(MetaSort {
            sort: sort_key,
            pages: page_values.into_iter().map(|p| p.1).collect(),
        });
    }

    let mut meta_fields_set: BTreeSet<String> = BTreeSet::new();
    for page in pages.iter() {
        meta_fields_set.extend(page.fragment.data.meta.keys().cloned());
    }
    meta.meta_fields = meta_fields_set.into_iter().collect();

    let mut builder = IndexBuilder::new(meta, sorts, language, options);
    builder.add(pages);
    builder.finish()
}

/// An index built from pages given in batches, in order (sesh patch): each batch is packed
/// (in parallel) and merged as [`build_indexes`] does with all pages at once, and then
/// dropped, so the words of every page are never all held at once. The same pages in the same
/// order give the same files.
pub struct IndexBuilder<'a> {
    meta: MetaIndex,
    sorts: Vec<String>,
    language: String,
    options: &'a SearchOptions,
    /// The words of the pages added, in shards by [`word_shard`], each keyed by its word
    /// (taken out of its `PackedWord` until `finish`).
    word_shards: Vec<HashMap<String, PackedWord>>,
    filter_map: HashMap<String, HashMap<String, Vec<usize>>>,
    fragment_hashes: HashMap<String, IntermediaryPageData>,
    fragments: Vec<(usize, (String, IntermediaryPageData))>,
    next_page: usize,
}

impl<'a> IndexBuilder<'a> {
    fn new(meta: MetaIndex, sorts: Vec<String>, language: String, options: &'a SearchOptions) -> Self {
        IndexBuilder {
            meta,
            sorts,
            language,
            options,
            word_shards: (0..shard_count()).map(|_| HashMap::new()).collect(),
            filter_map: HashMap::new(),
            fragment_hashes: HashMap::new(),
            fragments: Vec::new(),
            next_page: 0,
        }
    }

    /// A builder for pages without sort keys whose meta keys are among `meta_fields`.
    pub fn for_pages(meta_fields: BTreeSet<String>, language: String, options: &'a SearchOptions) -> Self {
        let meta = MetaIndex {
            version: options.version.into(),
            pages: Vec::new(),
            index_chunks: Vec::new(),
            filters: Vec::new(),
            sorts: Vec::new(),
            meta_fields: meta_fields.into_iter().collect(),
        };
        IndexBuilder::new(meta, Vec::new(), language, options)
    }

    /// Adds the next pages.
    pub fn add(&mut self, pages: Vec<FossickedData>) {
        let packer = Packer::new(&self.meta.meta_fields, &self.language, self.options);
        let first = self.next_page;
        let packed: Vec<PageProcessingResult> = pages
            .into_par_iter()
            .enumerate()
            .map(|(i, page)| {
                let packed = packer.pack(page, first + i);
                packed.expect("the meta fields are those of every page")
            })
            .collect();
        self.merge(packed);
    }

    /// Adds the next pages, packed (sesh patch: [`Packer::pack`], so that a caller can parse
    /// and pack each page in one go), numbered in the order given.
    pub fn merge(&mut self, mut page_results: Vec<PageProcessingResult>) {
        for result in page_results.iter_mut() {
            result.renumber(self.next_page);
            self.next_page += 1;
        }
        let word_shards = &mut self.word_shards;
        let shard_count = word_shards.len();
        let filter_map = &mut self.filter_map;
        let fragment_hashes = &mut self.fragment_hashes;
        let fragments = &mut self.fragments;
        let language = &self.language;

    // sesh patch: each shard of words merges the pages' words in page order, in parallel
    // with each other and with the merge of the filters and fragments (upstream merged every
    // page's words into one map on one thread, half of the index's time at 10,000 pages)
    let mut by_shard: Vec<Vec<Vec<PageWord>>> = (0..shard_count)
        .map(|_| Vec::with_capacity(page_results.len()))
        .collect();
    for result in page_results.iter_mut() {
        // Packed and merged in the same thread pool, so sharded alike.
        assert_eq!(result.sharded_words.len(), shard_count, "a page packed in another pool");
        for (shard, words) in std::mem::take(&mut result.sharded_words).into_iter().enumerate() {
            by_shard[shard].push(words);
        }
    }
    rayon::join(
        || {
            word_shards
                .par_iter_mut()
                .zip(by_shard)
                .for_each(|(word_map, pages)| {
                    for word in pages.into_iter().flatten() {
                        match word {
                            PageWord::Plain(word, page) => merge_page(word_map, word, page),
                            PageWord::Packed(packed) => merge_word(word_map, packed),
                        }
                    }
                })
        },
        || {
    for result in page_results {
        // Merge filter entries using or_default for cleaner code
        for (filter, value, page_number) in result.filter_entries {
            filter_map
                .entry(filter)
                .or_default()
                .entry(value)
                .or_default()
                .push(page_number);
        }

        // Handle fragment hashing (must be sequential due to collision handling)
        let encoded_page = result.encoded_page;
        let mut short_hash = &encoded_page.full_hash[0..=(language.len() + 7)];

        // If we hit a collision, extend one until we stop colliding
        // TODO: There are some collision issues here.
        // If two builds match a collision in different orders the hashes will swap,
        // which could return incorrect data due to files being cached.
        while let Some(collision) = fragment_hashes.get(short_hash) {
            if collision.full_hash == encoded_page.full_hash {
                // These pages are identical. Add both under the same hash.
                fragments.push((
                    collision.word_count,
                    (collision.full_hash.clone(), collision.clone()),
                ));
            } else {
                let new_length = short_hash.len();
                short_hash = &encoded_page.full_hash[0..=new_length];
            }
        }
        fragment_hashes.insert(short_hash.to_string(), encoded_page);
    }
        },
    );
    }

    /// Builds the index files.
    pub fn finish(self) -> Result<PagefindIndexes> {
        let IndexBuilder {
            mut meta,
            sorts,
            language,
            options,
            word_shards,
            filter_map,
            fragment_hashes,
            mut fragments,
            ..
        } = self;

    // Sort pages within each word by page_number to maintain correct order after parallel processing
    // sesh patch: each word given back its word, shard by shard in parallel
    let words: Vec<PackedWord> = word_shards
        .into_par_iter()
        .flat_map_iter(|word_map| {
            word_map.into_iter().map(|(word, mut packed_word)| {
                packed_word.word = word;
                packed_word.pages.sort_by_key(|p| p.page_number);
                for variant in &mut packed_word.additional_variants {
                    variant.pages.sort_by_key(|p| p.page_number);
                }
                packed_word
            })
        })
        .collect();

    fragments.extend(
        fragment_hashes
            .into_iter()
            .map(|(hash, frag)| (frag.word_count, (hash, frag))),
    );
    fragments.sort_by_cached_key(|(_, (_, fragment))| fragment.page_number);

    let page_count = fragments.len();
    let mut final_fragments = Vec::new();

    if let Some(max_fragments) =
        options.max_fragments.filter(|&m| m > 0 && (m as usize) < fragments.len())
    {
        let group_size = (fragments.len() as f32 / max_fragments as f32).ceil() as usize;
        options.logger.info(format!(
            "Bundling {} fragments into groups of {}, resulting in {} files",
            fragments.len(),
            group_size,
            fragments.chunks(group_size).len()
        ));
        let mut group_hashes: BTreeSet<String> = BTreeSet::new();
        for chunk in fragments.chunks(group_size) {
            let mut group_map = BTreeMap::new();
            for (_, (hash, frag)) in chunk {
                let val: serde_json::Value = serde_json::from_str(frag.encoded_data.json()).unwrap();
                group_map.insert(hash.clone(), val);
            }
            let group_json = serde_json::to_string(&group_map).unwrap();
            let prefix = format!("{language}_group_");
            let group_hash = format!("{prefix}{}", full_hash(group_json.as_bytes()));

            // If we hit a collision, extend one hash until we stop colliding
            let mut hash_length = 7;
            let mut short_group_hash = &group_hash[..prefix.len() + hash_length];
            while group_hashes.contains(short_group_hash) && hash_length < 40 {
                hash_length += 1;
                short_group_hash = &group_hash[..prefix.len() + hash_length];
            }
            group_hashes.insert(short_group_hash.to_string());

            final_fragments.push((
                short_group_hash.to_string(),
                crate::output::gzip(group_json.as_bytes()),
            ));

            for (word_count, (hash, _)) in chunk {
                meta.pages.push(MetaPage {
                    hash: hash.clone(),
                    word_count: *word_count as u32,
                    group_hash: short_group_hash.to_string(),
                });
            }
        }
    } else {
        for (word_count, (hash, frag)) in fragments {
            final_fragments.push((hash.clone(), frag.encoded_data.into_gzipped()));
            meta.pages.push(MetaPage {
                hash: hash.clone(),
                word_count: word_count as u32,
                group_hash: "".into(),
            });
        }
    }

    // Encode filter indexes in parallel
    // Accumulate into HashMap for O(1) inserts, then sort once before encoding
    // to produce a stable hash without paying BTreeMap's per-insert overhead.
    let mut filter_map_vec: Vec<_> = filter_map.into_iter().collect();
    filter_map_vec.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
    let encoded_filters: Vec<(String, Vec<u8>, String)> = filter_map_vec
        .into_par_iter()
        .map(|(filter, values)| {
            let mut sorted_values: Vec<_> = values.into_iter().collect();
            sorted_values.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
            let mut filter_index: Vec<u8> = Vec::new();
            let _ = minicbor::encode::<FilterIndex, &mut Vec<u8>>(
                FilterIndex {
                    filter: filter.clone(),
                    values: sorted_values
                        .into_iter()
                        .map(|(value, pages)| PackedValue { value, pages })
                        .collect(),
                },
                filter_index.as_mut(),
            );
            let hash = format!("{}_{}", language, full_hash(&filter_index));
            (filter, filter_index, hash)
        })
        .collect();

    // Handle hash collisions sequentially (required for correctness)
    let mut filter_indexes = HashMap::new();
    for (filter, filter_index, hash) in encoded_filters {
        let mut short_hash = &hash[0..=(language.len() + 7)];

        // If we hit a collision, extend one hash until we stop colliding
        // TODO: DRY
        while filter_indexes.contains_key(short_hash) {
            let new_length = short_hash.len() + 1;
            short_hash = &hash[0..=new_length];

            if short_hash.len() == hash.len() {
                break;
            }
        }
        filter_indexes.insert(short_hash.to_string(), filter_index);
        meta.filters.push(MetaFilter {
            filter,
            hash: short_hash.to_string(),
        })
    }

    if TryInto::<u32>::try_into(meta.pages.len()).is_err() {
        options.logger.error(format!(
            "Language {} has too many documents to index, must be < {}",
            language,
            u32::MAX
        ));
        bail!(
            "Language {language} has too many documents to index, must be < {}",
            u32::MAX
        );
    }

    // TODO: Parameterize these chunk sizes via byte size rather than word count
    let word_count = words.len();
    let chunks = chunk_index(words, options.index_chunk_size);
    meta.index_chunks = chunk_meta(&chunks);

    // Encode word index chunks in parallel (delta encoding + CBOR serialization)
    // sesh patch: each chunk is encoded by reference and given back, and the words are then
    // freed on a thread of their own (at 10,000 pages, a million and a half allocations that
    // took the index's threads 0.3 s of CPU to free, while the build goes on to write)
    let encoded_chunks: Vec<(usize, Vec<u8>, String, Vec<PackedWord>)> = chunks
        .into_par_iter()
        .enumerate()
        .map(|(i, chunk)| {
            // Delta-encode page numbers within each word's page list
            let delta_chunk: Vec<PackedWord> = chunk
                .into_iter()
                .map(|mut word| {
                    let mut last_page: usize = 0;
                    for page in &mut word.pages {
                        let delta = page.page_number - last_page;
                        last_page = page.page_number;
                        page.page_number = delta;
                    }
                    // Also handle additional_variants
                    for variant in &mut word.additional_variants {
                        let mut last_page: usize = 0;
                        for page in &mut variant.pages {
                            let delta = page.page_number - last_page;
                            last_page = page.page_number;
                            page.page_number = delta;
                        }
                    }
                    word
                })
                .collect();

            let mut word_index: Vec<u8> = Vec::new();
            let chunk = WordIndex { words: delta_chunk };
            let _ = minicbor::encode::<&WordIndex, &mut Vec<u8>>(&chunk, word_index.as_mut());

            let hash = format!("{}_{}", language, full_hash(&word_index));
            (i, crate::output::gzip(&word_index), hash, chunk.words)
        })
        .collect();
    let (encoded_chunks, spent): (Vec<_>, Vec<_>) = encoded_chunks
        .into_iter()
        .map(|(i, word_index, hash, words)| ((i, word_index, hash), words))
        .unzip();
    let _ = std::thread::Builder::new().spawn(move || drop(spent));

    // Handle hash collisions sequentially (required for correctness)
    let mut word_indexes: HashMap<String, Vec<u8>> = HashMap::new();
    for (i, word_index, hash) in encoded_chunks {
        let mut short_hash = &hash[0..=(language.len() + 7)];

        // If we hit a collision, extend one hash until we stop colliding
        while word_indexes.contains_key(short_hash) {
            let new_length = short_hash.len() + 1;
            short_hash = &hash[0..=new_length];

            if short_hash.len() == hash.len() {
                break;
            }
        }
        word_indexes.insert(short_hash.to_string(), word_index);
        meta.index_chunks[i].hash = short_hash.into();
    }

    let mut meta_index: Vec<u8> = Vec::new();
    let _ = minicbor::encode::<MetaIndex, &mut Vec<u8>>(meta, meta_index.as_mut());

    let meta_hash = format!(
        "{}_{}",
        language,
        &full_hash(&meta_index)[0..=(language.len() + 7)]
    );

    Ok(PagefindIndexes {
        word_indexes,
        filter_indexes,
        sorts,
        meta_index: (meta_hash, meta_index),
        fragments: final_fragments,
        language,
        word_count,
        page_count,
    })
}
}

/// What packing a page for an index needs (sesh patch: upstream packed pages inside
/// `build_indexes`; apart, a page can be packed as soon as it is parsed, on any thread).
pub struct Packer<'a> {
    meta_fields: &'a [String],
    language: &'a str,
    shards: usize,
    bundling: bool,
}

impl<'a> Packer<'a> {
    /// A packer for pages of `language` whose meta keys are among `meta_fields` (sorted).
    pub fn new(meta_fields: &'a [String], language: &'a str, options: &SearchOptions) -> Self {
        Packer {
            meta_fields,
            language,
            shards: shard_count(),
            bundling: options.max_fragments.is_some_and(|m| m > 0),
        }
    }

    /// `page`'s words, filters and fragment, as page `page_number` (renumbered by
    /// [`IndexBuilder::merge`]); `Err` holds a meta key not among the packer's.
    pub fn pack(&self, page: FossickedData, page_number: usize) -> Result<PageProcessingResult, String> {
        let FossickedData {
            mut word_data,
            meta_word_data,
            fragment,
            ..
        } = page;

        // Meta field IDs were assigned per-page,
        // but need to be remapped to the global meta_fields order.
        let page_field_order: Vec<&String> = fragment.data.meta.keys().collect();
        // sesh patch: a key not among them is an error for the caller, not a panic
        let mut field_id_map: Vec<u16> = Vec::with_capacity(page_field_order.len());
        for name in page_field_order {
            match self.meta_fields.iter().position(|f| f == name) {
                Some(id) => field_id_map.push(id as u16),
                None => return Err(name.clone()),
            }
        }

        // sesh patch: a page has each word once, so its words are packed into a list
        // rather than a map (upstream copied each word into a map of the page's words); a
        // word also in the page's meta is packed with its meta positions.
        let mut words: Vec<PageWord> =
            Vec::with_capacity(word_data.len() + meta_word_data.len());
        for (word, meta_positions) in meta_word_data {
            let mut packed_word = PackedWord {
                word: String::new(),
                pages: Vec::new(),
                additional_variants: Vec::new(),
            };
            if let Some(positions) = word_data.remove(word.as_str()) {
                pack_positions(&mut packed_word, positions, page_number);
            }
            packed_word.word = word;
            pack_meta_positions(&mut packed_word, meta_positions, &field_id_map, page_number);
            words.push(PageWord::Packed(packed_word));
        }
        for (word, positions) in word_data {
            // sesh patch: a word without variants on this page, as most are, is one page
            // of positions, without a list of pages of its own
            if positions.iter().all(|p| p.original_word.is_none()) {
                let page = positions_to_packed_page(positions, page_number);
                words.push(PageWord::Plain(word, page));
                continue;
            }
            let mut packed_word = PackedWord {
                word: word.to_string(),
                pages: Vec::new(),
                additional_variants: Vec::new(),
            };
            pack_positions(&mut packed_word, positions, page_number);
            words.push(PageWord::Packed(packed_word));
        }

        // sesh patch: the words go to their shard, to be merged in parallel
        let shards: Vec<usize> = words
            .iter()
            .map(|word| word_shard(word.word(), self.shards))
            .collect();
        let mut counts = vec![0; self.shards];
        for &shard in &shards {
            counts[shard] += 1;
        }
        let mut sharded_words: Vec<Vec<PageWord>> =
            counts.into_iter().map(Vec::with_capacity).collect();
        for (word, shard) in words.into_iter().zip(shards) {
            sharded_words[shard].push(word);
        }

        // Collect filter entries for this page
        let filter_entries: Vec<(String, String, usize)> = fragment
            .data
            .filters
            .iter()
            .flat_map(|(filter, values)| {
                values
                    .iter()
                    .map(move |value| (filter.clone(), value.clone(), page_number))
            })
            .collect();

        // Compute encoded page data
        let encoded_data = serde_json::to_string(&fragment.data).unwrap();
        let encoded_page = IntermediaryPageData {
            full_hash: format!("{}_{}", self.language, full_hash(encoded_data.as_bytes())),
            word_count: fragment.data.word_count,
            page_number,
            encoded_data: FragmentData::new(encoded_data, self.bundling),
        };

        Ok(PageProcessingResult {
            sharded_words,
            filter_entries,
            encoded_page,
        })
    }
}

impl PageProcessingResult {
    /// Gives the page another number (sesh patch: pages are packed before they are numbered).
    fn renumber(&mut self, page_number: usize) {
        let old = self.encoded_page.page_number;
        if old == page_number {
            return;
        }
        self.encoded_page.page_number = page_number;
        for entry in &mut self.filter_entries {
            entry.2 = page_number;
        }
        for word in self.sharded_words.iter_mut().flatten() {
            match word {
                PageWord::Plain(_, page) => page.page_number = page_number,
                PageWord::Packed(packed) => {
                    let variants = packed.additional_variants.iter_mut().flat_map(|v| &mut v.pages);
                    for page in packed.pages.iter_mut().chain(variants) {
                        page.page_number = page_number;
                    }
                }
            }
        }
    }
}

/// How many shards an index's words are held in (sesh patch): a few per thread, so that each
/// thread has work to the end.
fn shard_count() -> usize {
    (rayon::current_num_threads() * 4).clamp(1, 64)
}

/// A page's positions of a word, added to the word (sesh patch: moved out of `build_indexes`,
/// unchanged but for the list of positions kept when none has a variant).
fn pack_positions(packed_word: &mut PackedWord, positions: Vec<FossickedWord>, page_number: usize) {
    // Group positions by original_word for this page
    let mut normalized_positions: Vec<FossickedWord> = Vec::new();
    let mut variant_positions: BTreeMap<String, Vec<FossickedWord>> = BTreeMap::new();

    // sesh patch: a word without variants on this page, as most are, keeps its
    // list of positions (upstream copied it into a new one)
    let positions = if positions.iter().all(|p| p.original_word.is_none()) {
        normalized_positions = positions;
        Vec::new()
    } else {
        positions
    };
    for fossicked in positions {
        if fossicked.original_word.is_none() {
            // No diacritics - original matches normalized form
            normalized_positions.push(fossicked);
        } else {
            // Original form differs (has diacritics) - stored instead in additional_variants
            variant_positions
                .entry(fossicked.original_word.clone().unwrap())
                .or_default()
                .push(fossicked);
        }
    }

    if !normalized_positions.is_empty() {
        packed_word
            .pages
            .push(positions_to_packed_page(normalized_positions, page_number));
    }

    for (variant_form, variant_pos) in variant_positions {
        let variant_page = positions_to_packed_page(variant_pos, page_number);

        if let Some(existing_variant) = packed_word
            .additional_variants
            .iter_mut()
            .find(|v| v.form == variant_form)
        {
            existing_variant.pages.push(variant_page);
        } else {
            packed_word.additional_variants.push(PackedVariant {
                form: variant_form,
                pages: vec![variant_page],
            });
        }
    }
}

/// A page's meta positions of a word, added to the word (sesh patch: moved out of
/// `build_indexes`, unchanged).
fn pack_meta_positions(
    packed_word: &mut PackedWord,
    meta_positions: Vec<MetaFossickedWord>,
    field_id_map: &[u16],
    page_number: usize,
) {
    let mut normalized_meta_positions: Vec<MetaFossickedWord> = Vec::new();
    let mut variant_meta_positions: BTreeMap<String, Vec<MetaFossickedWord>> = BTreeMap::new();

    for mut meta_fossicked in meta_positions {
        meta_fossicked.field_id = field_id_map[meta_fossicked.field_id as usize];
        if let Some(original) = meta_fossicked.original_word.clone() {
            variant_meta_positions
                .entry(original)
                .or_default()
                .push(meta_fossicked);
        } else {
            normalized_meta_positions.push(meta_fossicked);
        }
    }

    if !normalized_meta_positions.is_empty() {
        let meta_locs = meta_positions_to_packed(normalized_meta_positions);

        if let Some(existing_page) = packed_word
            .pages
            .iter_mut()
            .find(|p| p.page_number == page_number)
        {
            existing_page.meta_locs = meta_locs.into_boxed_slice();
        } else {
            packed_word.pages.push(PackedPage {
                page_number,
                locs: Box::default(),
                meta_locs: meta_locs.into_boxed_slice(),
            });
        }
    }

    // Handle diacritic variants in meta
    for (variant_form, variant_pos) in variant_meta_positions {
        let meta_locs = meta_positions_to_packed(variant_pos);

        if let Some(existing_variant) = packed_word
            .additional_variants
            .iter_mut()
            .find(|v| v.form == variant_form)
        {
            if let Some(existing_page) = existing_variant
                .pages
                .iter_mut()
                .find(|p| p.page_number == page_number)
            {
                existing_page.meta_locs = meta_locs.into_boxed_slice();
            } else {
                existing_variant.pages.push(PackedPage {
                    page_number,
                    locs: Box::default(),
                    meta_locs: meta_locs.into_boxed_slice(),
                });
            }
        } else {
            packed_word.additional_variants.push(PackedVariant {
                form: variant_form,
                pages: vec![PackedPage {
                    page_number,
                    locs: Box::default(),
                    meta_locs: meta_locs.into_boxed_slice(),
                }],
            });
        }
    }
}

/// A word of a page, packed (sesh patch).
enum PageWord {
    /// A word with neither variants nor meta positions on the page: its page of positions.
    Plain(Arc<str>, PackedPage),
    /// Any other word, as upstream packed every word.
    Packed(PackedWord),
}

impl PageWord {
    fn word(&self) -> &str {
        match self {
            PageWord::Plain(word, _) => word,
            PageWord::Packed(packed) => &packed.word,
        }
    }
}

/// A word's page of positions, merged into the index's words as [`merge_word`] merges a
/// word with that one page (sesh patch).
fn merge_page(word_map: &mut HashMap<String, PackedWord>, word: Arc<str>, page: PackedPage) {
    let Some(existing) = word_map.get_mut(&*word) else {
        let packed = PackedWord {
            word: String::new(),
            pages: vec![page],
            additional_variants: Vec::new(),
        };
        word_map.insert(word.to_string(), packed);
        return;
    };
    make_room(&mut existing.pages, 1);
    existing.pages.push(page);
}

/// Room for `more` pages in a word's list (sesh patch): grown by half rather than doubled, as
/// a word's list gains a page or two at a time and is kept to the end (an eighth, tried
/// first, copied the lists of common words too often: 3 % of the index's time).
fn make_room(pages: &mut Vec<PackedPage>, more: usize) {
    if pages.capacity() - pages.len() < more {
        pages.reserve_exact((pages.len() / 2).max(more));
    }
}

/// A page's packed word, merged into the index's words (sesh patch: moved out of
/// `build_indexes`). The map's key holds the word, taken out of the `PackedWord` it keys
/// (given back by `IndexBuilder::finish`), so that a new word is not copied.
fn merge_word(word_map: &mut HashMap<String, PackedWord>, mut packed: PackedWord) {
    let Some(existing) = word_map.get_mut(packed.word.as_str()) else {
        word_map.insert(std::mem::take(&mut packed.word), packed);
        return;
    };
    make_room(&mut existing.pages, packed.pages.len());
    existing.pages.extend(packed.pages); // Move, not clone
    // Merge additional_variants
    for variant in packed.additional_variants {
        if let Some(existing_variant) = existing
            .additional_variants
            .iter_mut()
            .find(|v| v.form == variant.form)
        {
            existing_variant.pages.extend(variant.pages);
        } else {
            existing.additional_variants.push(variant);
        }
    }
}

/// The shard of the index's words that holds `word` (sesh patch): FNV-1a of its bytes, so
/// that a word is in the same shard whichever thread packed it.
fn word_shard(word: &str, shards: usize) -> usize {
    let hash = word.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    (hash % shards as u64) as usize
}

/// Convert fossicked word positions to a packed page representation.
/// Sorts by weight (with common weight 25 first) then by position for delta encoding.
fn positions_to_packed_page(mut positions: Vec<FossickedWord>, page_number: usize) -> PackedPage {
    // A page weight of 1 is encoded as 25. Since most words should be this weight,
    // we want to sort them to be first in the locations array to reduce filesize
    // when we inline weight changes.
    // We then sort by position within each weight group,
    // which helps us delta encode the index.
    // sesh patch: an unstable sort without a cached key (upstream's `sort_by_cached_key`
    // allocated its keys for each word of each page), skipped when the list is in order, as
    // most are; positions with the same key are alike in all that is written (weight and
    // position), so their order does not change the index.
    let key = |p: &FossickedWord| (if p.weight == 25 { 0 } else { p.weight }, p.position);
    if !positions.is_sorted_by_key(key) {
        positions.sort_unstable_by_key(key);
    }

    let mut current_weight = 25;
    // sesh patch: room for the weight markers too (upstream's Vec grew to twice the size
    // on the first marker, which almost every page's list starts with)
    let markers = positions
        .iter()
        .scan(25, |weight, p| {
            let changed = p.weight != *weight;
            *weight = p.weight;
            Some(usize::from(changed))
        })
        .sum::<usize>();
    let mut weighted_positions = Vec::with_capacity(positions.len() + markers);
    let mut last_position = 0;

    // Calculate our output list of positions with weights.
    // This is a vec of page positions, with a change in weight for subsequent positions
    // denoted by a negative integer.
    for FossickedWord {
        position, weight, ..
    } in positions
    {
        if weight != current_weight {
            // Weight change: emit marker + absolute position, new delta base
            weighted_positions.push(-(weight as i32) - 1);
            weighted_positions.push(position as i32);
            last_position = position;
            current_weight = weight;
        } else {
            // emit delta from previous position
            weighted_positions.push((position - last_position) as i32);
            last_position = position;
        }
    }

    PackedPage {
        page_number,
        locs: weighted_positions.into_boxed_slice(),
        meta_locs: Box::default(),
    }
}

/// sesh patch: takes the words as a list, from the index's shards, and sorts them in parallel
/// (each word is in the list once, so an unstable sort gives the same order).
fn chunk_index(mut words: Vec<PackedWord>, chunk_size: usize) -> Vec<Vec<PackedWord>> {
    // Accumulate into HashMap for O(1) inserts, then sort once before encoding
    // to produce a stable hash without paying BTreeMap's per-insert overhead.
    words.par_sort_unstable_by(|a, b| a.word.cmp(&b.word));

    let mut index_chunks = Vec::new();

    let mut index_chunk = Vec::new();
    let mut index_chunk_size = 0;
    for word in words.into_iter() {
        index_chunk_size += word
            .pages
            .iter()
            .chain(word.additional_variants.iter().flat_map(|v| &v.pages))
            .map(|p| p.locs.len() + p.meta_locs.len() + 1)
            .sum::<usize>()
            + word.additional_variants.len();
        index_chunk.push(word);
        if index_chunk_size >= chunk_size {
            index_chunks.push(std::mem::take(&mut index_chunk));
            index_chunk_size = 0;
        }
    }
    if !index_chunk.is_empty() {
        index_chunks.push(index_chunk);
    }

    index_chunks
}

fn chunk_meta(indexes: &[Vec<PackedWord>]) -> Vec<MetaChunk> {
    let mut named_chunks: Vec<MetaChunk> = Vec::new();

    for chunk in indexes.iter() {
        named_chunks.push(MetaChunk {
            from: chunk.first().map_or("".into(), |w| w.word.clone()),
            to: chunk.last().map_or("".into(), |w| w.word.clone()),
            hash: "".into(),
        });
    }
    if named_chunks.len() > 1 {
        for i in 0..named_chunks.len() - 1 {
            let chunks = &mut named_chunks[i..=i + 1];
            let prefixes = get_prefixes((&chunks[0].to, &chunks[1].from));
            // Only trim 'to' if it won't create an invalid range (to < from)
            if prefixes.0 >= chunks[0].from {
                chunks[0].to = prefixes.0;
            }
            // Always trim the next chunk's 'from'
            chunks[1].from = prefixes.1;
        }
    }

    named_chunks
}

fn get_prefixes((a, b): (&str, &str)) -> (String, String) {
    let common_prefix_length: usize = b
        .chars()
        .zip(a.chars())
        .take_while(|&(a, b)| a == b)
        .count();

    let a_prefix = a.chars().take(common_prefix_length + 1).collect::<String>();
    let b_prefix = b.chars().take(common_prefix_length + 1).collect::<String>();

    (a_prefix, b_prefix)
}

fn parse_int_sort(value: &str) -> Option<i32> {
    lexical_core::parse::<i32>(value.as_bytes()).ok()
}

fn parse_float_sort(value: &str) -> Option<f32> {
    lexical_core::parse::<f32>(value.as_bytes()).ok()
}

/// Encode meta positions with field ID markers.
/// Negative numbers switch field IDs, positive numbers are delta-encoded positions.
/// e.g., [-1, 0, 5, -4, 2] means: field 0 positions [0, 5], field 3 positions [2]
fn meta_positions_to_packed(mut positions: Vec<MetaFossickedWord>) -> Vec<i32> {
    if positions.is_empty() {
        return vec![];
    }

    positions.sort_by_key(|p| (p.field_id, p.position));

    let mut current_field: Option<u16> = None;
    let mut last_position: u32 = 0;
    let mut result = Vec::with_capacity(positions.len() + 8);

    for MetaFossickedWord {
        field_id, position, ..
    } in positions
    {
        if Some(field_id) != current_field {
            result.push(-((field_id as i32) + 1));
            current_field = Some(field_id);
            last_position = 0;
        }
        result.push((position - last_position) as i32);
        last_position = position;
    }

    result
}

#[cfg(test)]
mod tests {
    use super::*;

    trait Mock {
        fn word(&mut self, word: &str, page_number: usize, locs: Vec<i32>);
    }
    impl Mock for HashMap<String, PackedWord> {
        fn word(&mut self, word: &str, page_number: usize, locs: Vec<i32>) {
            let page = PackedPage {
                page_number,
                locs: locs.into_boxed_slice(),
                meta_locs: Box::default(),
            };
            match self.get_mut(word) {
                Some(w) => w.pages.push(page),
                None => {
                    let _ = self.insert(
                        word.into(),
                        PackedWord {
                            word: word.into(),
                            pages: vec![page],
                            additional_variants: vec![],
                        },
                    );
                }
            }
        }
    }

    fn test_words() -> HashMap<String, PackedWord> {
        let mut words = HashMap::new();
        words.word("apple", 1, vec![20, 40, 60]);
        words.word("apple", 5, vec![3, 6, 9]);
        words.word("apricot", 5, vec![45, 3432, 6003]);
        words.word("banana", 5, vec![100, 500, 900, 566]);
        words.word("peach", 5, vec![383, 2, 678]);

        words
    }

    /// The same postings, but held as diacritic variants rather than on the word itself
    fn test_variant_words() -> HashMap<String, PackedWord> {
        let mut words = test_words();
        for word in words.values_mut() {
            word.additional_variants.push(PackedVariant {
                form: format!("{}\u{0301}", word.word),
                pages: std::mem::take(&mut word.pages),
            });
        }
        words
    }

    #[test]
    fn build_index_chunks() {
        let chunks = chunk_index(test_words().into_values().collect(), 8);

        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks[0][0].word, "apple");
        assert_eq!(chunks[1][0].word, "apricot");
        assert_eq!(chunks[1][1].word, "banana");
        assert_eq!(chunks[2][0].word, "peach");
    }

    #[test]
    fn build_index_chunks_from_variant_words() {
        let chunks = chunk_index(test_variant_words().into_values().collect(), 8);

        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks[0][0].word, "apple");
        assert_eq!(chunks[1][0].word, "apricot");
        assert_eq!(chunks[1][1].word, "banana");
        assert_eq!(chunks[2][0].word, "peach");
    }

    #[test]
    fn build_chunk_meta() {
        let chunks = chunk_index(test_words().into_values().collect(), 8);
        let meta = chunk_meta(&chunks);
        assert_eq!(meta.len(), 3);
        assert_eq!(
            meta[0],
            MetaChunk {
                from: "apple".into(),
                to: "apple".into(), // Not trimmed to "app" since that would make to < from
                hash: "".into(),
            }
        );
        assert_eq!(
            meta[1],
            MetaChunk {
                from: "apr".into(),
                to: "b".into(),
                hash: "".into(),
            }
        );
        assert_eq!(
            meta[2],
            MetaChunk {
                from: "p".into(),
                to: "peach".into(),
                hash: "".into(),
            }
        );
    }

    #[test]
    fn common_prefix() {
        assert_eq!(
            get_prefixes(("apple", "apricot")),
            ("app".into(), "apr".into())
        );
        assert_eq!(
            get_prefixes(("cataraman", "yacht")),
            ("c".into(), "y".into())
        );
        assert_eq!(
            get_prefixes(("cath", "cathartic")),
            ("cath".into(), "catha".into())
        );
        // This should be an invalid state, but just in case:
        assert_eq!(
            get_prefixes(("catha", "cath")),
            ("catha".into(), "cath".into())
        );
    }
}
