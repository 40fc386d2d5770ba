//! The programmatic service interface for integrating Pagefind into another Rust project.
//!
//! # Examples
//!
//! ```
//! use pagefind::api::{PagefindIndex};
//! use pagefind::options::{PagefindServiceConfig};
//!
//! #[tokio::main]
//! async fn main() {
//!     let options = PagefindServiceConfig::builder()
//!         .keep_index_url(true)
//!         .force_language("en".to_string())
//!         .build();
//!     let mut index = PagefindIndex::new(Some(options)).expect("Options should be valid");
//!     let indexing_response = index
//!         .add_html_file(
//!             Some("test/index.html".into()),
//!             None,
//!             "<html><body><h1>Test content</h1></body></html>".into(),
//!         )
//!         .await;
//!
//!     if let Ok(file) = indexing_response {
//!         println!("Page word count: {}", file.page_word_count);
//!         println!("Page URL: {}", file.page_url);
//!     }
//!
//!     let files_response = index.get_files().await;
//!     if let Ok(files) = files_response {
//!         println!("Have {} files to write to disk", files.len());
//!     }
//! }
//! ```

pub use crate::output::SyntheticFile;
use anyhow::{bail, Result};
use rust_patch::Patch;
use std::{collections::BTreeMap, path::PathBuf, sync::Arc};

use crate::{
    fossick::{parser::DomParserResult, Fossicker},
    options::PagefindServiceConfig,
    PagefindInboundConfig, SearchOptions, SearchState,
};

/// A record for [`PagefindIndex::custom_records_to_files`]: the arguments of
/// [`PagefindIndex::add_custom_record`] as one value. (sesh patch)
#[derive(Debug, Clone, Default)]
pub struct CustomRecord {
    pub url: String,
    pub content: String,
    pub language: String,
    pub meta: BTreeMap<String, String>,
    pub filters: BTreeMap<String, Vec<String>>,
    pub sort: BTreeMap<String, String>,
}

#[derive(Debug)]
pub struct IndexedFileResponse {
    pub page_word_count: u32,
    pub page_url: String,
    pub page_meta: BTreeMap<String, String>,
}

pub struct PagefindIndex {
    search_index: Arc<tokio::sync::Mutex<SearchState>>,
}

impl PagefindIndex {
    /// Create a new PagefindIndex instance that files can be added to.
    ///
    /// # Arguments
    /// * `config` - An optional PagefindServiceConfig to override default options for the service.
    ///
    /// # Returns
    /// A PagefindIndex instance if search options are valid, otherwise an Error.
    pub fn new(config: Option<PagefindServiceConfig>) -> Result<Self> {
        let mut service_options: PagefindInboundConfig =
            serde_json::from_str("{}").expect("All fields have serde defaults");

        service_options.service = true;
        if let Some(config) = config {
            service_options = config.apply(service_options);
        }

        let options = SearchOptions::load(service_options)?;
        Ok(Self {
            search_index: Arc::new(tokio::sync::Mutex::new(SearchState::new(options))),
        })
    }

    /// Add an HTML file that isn't on disk into this search index.
    /// Either a filepath or a URL must be provided.
    ///
    /// # Arguments
    /// * `source_path` - The source path of the HTML file if it were to exist on disk.
    /// * `url` - An explicit URL to use, instead of having Pagefind compute the URL based on the `source_path`.
    /// * `content` - The source HTML content of the file to be parsed.
    ///
    /// # Returns
    /// Metadata about the added file if successful, otherwise an Error.
    pub async fn add_html_file(
        &mut self,
        source_path: Option<String>,
        url: Option<String>,
        content: String,
    ) -> Result<IndexedFileResponse> {
        if source_path.is_none() && url.is_none() {
            bail!("Either source_path or url must be provided");
        }

        let file = Fossicker::new_synthetic(source_path.map(PathBuf::from), url, content);
        let state = Arc::clone(&self.search_index);
        let data = tokio::task::spawn_blocking(move || {
            state.blocking_lock().fossick_one(file)
        })
        .await
        .map_err(|e| anyhow::anyhow!("Task join error: {e}"))??;

        Ok(IndexedFileResponse {
            page_word_count: data.fragment.data.word_count as u32,
            page_url: data.fragment.data.url,
            page_meta: data.fragment.data.meta,
        })
    }

    /// Index a custom record that isn't backed by an HTML file.
    ///
    /// # Arguments
    /// * `url` - The output URL of this record. Pagefind will not alter this.
    /// * `content` - The raw content of this record.
    /// * `language` - What language is this record written in. Expects an ISO 639-1 code.
    /// * `meta` - The metadata to attach to this record. Supplying a `title` is highly recommended.
    /// * `filters` - The filters to attach to this record.
    /// * `sort` - The sort keys to attach to this record.
    ///
    /// # Returns
    /// Metadata about the added record if successful, otherwise an Error.
    pub async fn add_custom_record(
        &mut self,
        url: String,
        content: String,
        language: String,
        meta: Option<BTreeMap<String, String>>,
        filters: Option<BTreeMap<String, Vec<String>>>,
        sort: Option<BTreeMap<String, String>>,
    ) -> Result<IndexedFileResponse> {
        let force_language = self
            .search_index
            .lock()
            .await
            .options
            .force_language
            .clone();
        let data = DomParserResult {
            digest: content,
            filters: filters.unwrap_or_default(),
            sort: sort.unwrap_or_default(),
            meta: meta.unwrap_or_default(),
            anchor_content: BTreeMap::new(),
            anchor_titles: BTreeMap::new(),
            has_custom_body: false,
            force_inclusion: true,
            has_html_element: true,
            has_old_bundle_reference: false,
            has_default_ui_reference: false,
            language: force_language.unwrap_or(language),
        };
        let file = Fossicker::new_with_data(url, data);
        let state = Arc::clone(&self.search_index);
        let data = tokio::task::spawn_blocking(move || {
            state.blocking_lock().fossick_one(file)
        })
        .await
        .map_err(|e| anyhow::anyhow!("Task join error: {e}"))??;

        Ok(IndexedFileResponse {
            page_word_count: data.fragment.data.word_count as u32,
            page_url: data.fragment.data.url,
            page_meta: data.fragment.data.meta,
        })
    }

    /// Indexes `records` and returns the index's files, as calling
    /// [`PagefindIndex::add_custom_record`] for each and then [`PagefindIndex::get_files`]
    /// would (sesh patch), with far less memory and time: records are parsed and packed into
    /// the index in batches, in parallel, so only one batch's words are held at a time, and
    /// their URLs are checked with a hash set instead of a scan of every page before them (a
    /// repeated URL is an error). With sort keys, or after other pages were added, every
    /// record is parsed first and the pages are moved, not copied, into the index.
    ///
    /// Blocking, without an async runtime: all its work runs on the calling thread and in the
    /// rayon pool it runs in, so a caller can give indexing a pool of its own
    /// (`rayon::ThreadPool::install`) and keep the global one free for other work.
    pub fn custom_records_to_files(self, records: Vec<CustomRecord>) -> Result<Vec<SyntheticFile>> {
        let mut state = self.search_index.blocking_lock();
        let force_language = state.options.force_language.clone();
        let language = |r: &CustomRecord| force_language.clone().unwrap_or(r.language.clone());
        let batched = state.fossicked_pages.is_empty()
            && records.iter().all(|r| r.sort.is_empty() && language(r) != "unknown");
        let mut meta_fields: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
        for r in &records {
            meta_fields.entry(language(r)).or_default().extend(r.meta.keys().cloned());
        }
        let files: Vec<Fossicker> = records.into_iter().map(|r| record_fossicker(r, &force_language)).collect();
        if batched {
            state.build_indexes_in_batches(files, meta_fields)?;
        } else {
            state.fossick_records(files)?;
            let pages = std::mem::take(&mut state.fossicked_pages);
            futures::executor::block_on(state.build_indexes_of(pages))?;
        }
        Ok(futures::executor::block_on(state.get_files()))
    }

    /// Index a directory of HTML files from disk.
    ///
    /// # Arguments
    /// * `path` - The path to the directory to index.
    /// * `glob` - A glob pattern to match files in the directory. If not provided, the default glob pattern will be used.
    ///
    /// # Returns
    /// The number of pages indexed if successful, otherwise an Error.
    pub async fn add_directory(&mut self, path: String, glob: Option<String>) -> Result<usize> {
        let defaults: PagefindInboundConfig =
            serde_json::from_str("{}").expect("All fields have serde defaults");
        let glob = glob.unwrap_or(defaults.glob);

        let state = Arc::clone(&self.search_index);
        let page_count = tokio::task::spawn_blocking(move || {
            state.blocking_lock().fossick_many(PathBuf::from(path), glob)
        })
        .await
        .map_err(|e| anyhow::anyhow!("Task join error: {e}"))??;

        Ok(page_count)
    }

    /// Build the search index for this instance and hold it in memory.
    pub async fn build_indexes(&mut self) -> Result<()> {
        self.search_index.lock().await.build_indexes().await
    }

    /// Build the search index for this instance and write the files to disk.
    ///
    /// # Arguments
    /// * `output_path` - The path to write the files to. If not provided, the default output path will be used.
    ///
    /// # Returns
    /// The path files were written to if successful, otherwise an Error.
    pub async fn write_files(&mut self, output_path: Option<String>) -> Result<String> {
        let mut state = self.search_index.lock().await;
        state.build_indexes().await?;
        let resolved_output_path = state.write_files(output_path.map(Into::into)).await;

        Ok(resolved_output_path.to_string_lossy().into())
    }

    /// Build the search index for this instance and return the files as a list of
    /// SyntheticFileResponse.
    ///
    /// # Returns
    /// A list of SyntheticFiles containing the path and content of each file.
    pub async fn get_files(&mut self) -> Result<Vec<SyntheticFile>> {
        let mut state = self.search_index.lock().await;
        state.build_indexes().await?;
        Ok(state.get_files().await)
    }
}

/// What [`PagefindIndex::add_custom_record`] makes of a record (sesh patch: for
/// [`PagefindIndex::custom_records_to_files`]).
fn record_fossicker(r: CustomRecord, force_language: &Option<String>) -> Fossicker {
    let data = DomParserResult {
        digest: r.content,
        filters: r.filters,
        sort: r.sort,
        meta: r.meta,
        anchor_content: BTreeMap::new(),
        anchor_titles: BTreeMap::new(),
        has_custom_body: false,
        force_inclusion: true,
        has_html_element: true,
        has_old_bundle_reference: false,
        has_default_ui_reference: false,
        language: force_language.clone().unwrap_or(r.language),
    };
    Fossicker::new_with_data(r.url, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// sesh patch: records indexed in batches keep upstream's checks, and pages that repeat a
    /// URL in another batch are an error naming it.
    #[test]
    fn batched_records_repeating_a_url_are_an_error() {
        let record = |i: usize| CustomRecord {
            url: format!("/entry-{}/", i % 1500),
            content: format!("testing clinic poster {i}"),
            language: "en".into(),
            meta: BTreeMap::from([("title".to_string(), format!("Entry {i}"))]),
            ..CustomRecord::default()
        };
        let index = |n: usize| {
            let index = PagefindIndex::new(Some(PagefindServiceConfig::builder().build())).unwrap();
            index.custom_records_to_files((0..n).map(record).collect())
        };
        let files = index(1500).expect("distinct URLs");
        let fragments = files.iter().filter(|f| f.filename.to_string_lossy().ends_with(".pf_fragment"));
        assert_eq!(fragments.count(), 1500);
        let Err(error) = index(1600) else {
            panic!("entry 0's URL again, in the second batch, was indexed");
        };
        let error = error.to_string();
        assert!(error.contains("/entry-0/") && error.contains("more than one record"), "{error}");
    }

    #[tokio::test]
    async fn test_add_file() {
        let options = PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language("en".to_string())
            .build();
        let mut index = PagefindIndex::new(Some(options)).unwrap();
        let file_response = index
            .add_html_file(
                Some("test/index.html".into()),
                None,
                "<html><body><h1>Test content</h1></body></html>".into(),
            )
            .await;

        let file = file_response.expect("Adding a file should succeed");
        assert_eq!(file.page_word_count, 2);
        assert_eq!(file.page_url, "/test/index.html");

        let files_response = index.get_files().await;

        let files = files_response.expect("Getting files should succeed");
        let filenames: Vec<_> = files.into_iter().map(|f| f.filename).collect();
        assert!(filenames.contains(&PathBuf::from("pagefind.js")));
        assert!(filenames.contains(&PathBuf::from("pagefind-ui.js")));
        assert!(filenames.contains(&PathBuf::from("pagefind-ui.css")));
        assert!(filenames.contains(&PathBuf::from("wasm.en.pagefind")));
        assert!(filenames.contains(&PathBuf::from("pagefind-entry.json")));
        assert!(filenames
            .iter()
            .any(|f| f.to_string_lossy().ends_with(".pf_meta")));
        assert!(filenames
            .iter()
            .any(|f| f.to_string_lossy().ends_with(".pf_fragment")));
        assert!(filenames
            .iter()
            .any(|f| f.to_string_lossy().ends_with(".pf_index")));
    }
}
