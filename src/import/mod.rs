//! `sesh import`: a submission form's export (CSV or XLSX) → entry folders the consent gate then
//! judges, as it judges hand-written ones.
//!
//! ```text
//! read       export → Table (encoding, header shape, cells; mojibake stops the import)
//! mapping    MAPPING.toml → Mapping (columns → fields; consent by explicit answer lists)
//! columns    Mapping × Table: columns found, contact data only to [private], dropped listed
//! entry      each row → Planned entry (front matter, body, media found, notes)
//! write      Planned → content/contests/<contest>/<slug>/ (records, conflicts, no deletion)
//! report     what was done, row by row (table or JSON)
//! ```
//! Import decides nothing about publication: it writes `[consent]` as the export answered it
//! (`publish = false` for any answer that is not a listed one) and the build's gate decides.

mod attachments;
mod columns;
mod consent;
mod contacts;
mod encoding;
mod entry;
mod front;
mod mapping;
mod media;
mod read;
mod report;
mod shape;
mod template;
mod update;
mod withdraw;
mod write;
mod xlsx;

pub use encoding::Encoding;
pub use report::Report;

use crate::config::AsOf;
use anyhow::Result;
use attachments::Attachments;
use report::{Action, Note, NoteKind, RowReport};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What `sesh import` is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub export: PathBuf,
    /// The contest's folder name under `content/contests/`.
    pub contest: String,
    pub map: PathBuf,
    /// A folder or `.zip` of the files the form tool exported.
    pub attachments: Option<PathBuf>,
    pub encoding: Encoding,
    /// The workbook sheet to read (default: the first).
    pub sheet: Option<String>,
    /// Decide and report, write nothing.
    pub dry_run: bool,
}

/// Imports the export into `content_dir`; `as_of` dates the report's "published or not".
pub fn run(content_dir: &Path, options: &Options, as_of: &AsOf) -> Result<Report> {
    let table = read::read(&options.export, options.encoding, options.sheet.as_deref())?;
    let mapping = mapping::Mapping::load(&options.map)?;
    let map_file = options.map.display().to_string();
    let columns = columns::check(&table, &mapping, &map_file)?;
    let attachments = options
        .attachments
        .as_deref()
        .map(Attachments::open)
        .transpose()?;
    let mut contest = write::Contest::open(content_dir, &options.contest)?;
    let ctx = entry::Context {
        mapping: &mapping,
        map_file: &map_file,
        columns: &columns,
        attachments: attachments.as_ref(),
    };
    let mut keys = Keys::default();
    let mut rows = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let planned = entry::plan(&ctx, row).and_then(|p| keys.claim(p, mapping.id.as_deref()));
        let written = write_row(
            &mut contest,
            planned,
            &table.file,
            attachments.as_ref(),
            options.dry_run,
            as_of,
        )?;
        rows.push(written);
    }
    contest.finish(options.dry_run)?;
    let notes = overall_notes(
        &mapping,
        &columns.report,
        attachments.as_ref(),
        &mut contest,
    );
    Ok(Report {
        export: table.file,
        shape: table.shape,
        source: table.source,
        contest: contest.shown.clone(),
        dry_run: options.dry_run,
        columns: columns.report,
        notes,
        rows,
    })
}

/// The starting mapping for the export at `export` (`--init-map`).
pub fn init_map(export: &Path, encoding: Encoding, sheet: Option<&str>) -> Result<String> {
    let table = read::read(export, encoding, sheet)?;
    Ok(template::template(&table))
}

/// Writes one planned row (or reports why it was refused).
fn write_row(
    contest: &mut write::Contest,
    planned: Result<entry::Planned, Note>,
    export: &str,
    attachments: Option<&Attachments>,
    dry_run: bool,
    as_of: &AsOf,
) -> Result<RowReport> {
    let mut planned = match planned {
        Ok(planned) => planned,
        Err(note) => {
            return Ok(RowReport {
                row: note.row.unwrap_or_default(),
                id: None,
                title: None,
                entry: None,
                action: Action::Refused,
                published: false,
                status: "not imported".into(),
                media: Vec::new(),
                notes: vec![note],
            });
        }
    };
    let (row, id, title) = (
        planned.row,
        planned.key.clone(),
        planned.front.title.clone(),
    );
    let media = std::mem::take(&mut planned.media);
    let done = contest.put(planned, export, attachments, dry_run)?;
    let (published, status) = match (&done.text, &done.entry) {
        (Some(text), Some(entry)) => front::status(text, &format!("{entry}/index.md"), as_of),
        _ => (false, "not written".into()),
    };
    Ok(RowReport {
        row,
        id: Some(id),
        title: Some(title),
        entry: done.entry,
        action: done.action,
        published,
        status,
        media,
        notes: done.notes,
    })
}

/// Notes about the whole import: consent that is not mapped or whose column is missing,
/// refused zip entries, unreadable import records.
fn overall_notes(
    mapping: &mapping::Mapping,
    columns: &columns::ColumnReport,
    attachments: Option<&Attachments>,
    contest: &mut write::Contest,
) -> Vec<Note> {
    let mut notes = Vec::new();
    if mapping.consent.publish.is_none() {
        notes.push(Note::new(NoteKind::NotPublished, "[consent.publish] is not mapped: every entry is written with publish = false").hint("map the consent question's column and its yes/no answers, or set consent by hand in each entry"));
    }
    for (field, column) in &columns.missing {
        let message = format!(
            "{field}: the export has no column \"{column}\": every entry is written with publish = false"
        );
        notes.push(Note::new(NoteKind::NotPublished, message).hint(
            "check the column name in the mapping (`--init-map` lists the export's columns)",
        ));
    }
    for name in attachments
        .map(|a| a.refused.as_slice())
        .unwrap_or_default()
    {
        let message =
            format!("zip entry \"{name}\" would leave the folder it is extracted to; not used");
        notes.push(Note::new(NoteKind::Warning, message));
    }
    notes.append(&mut contest.notes);
    notes
}

/// The keys (ids, else titles) of the rows seen so far: each response is imported once.
#[derive(Default)]
struct Keys(HashMap<String, usize>);

impl Keys {
    fn claim(
        &mut self,
        mut planned: entry::Planned,
        id_column: Option<&str>,
    ) -> Result<entry::Planned, Note> {
        let Some(first) = self.0.get(&planned.key).copied() else {
            self.0.insert(planned.key.clone(), planned.row);
            return Ok(planned);
        };
        if let Some(column) = id_column {
            let message = format!(
                "the id \"{}\" is also the id of row {first}; only that row is imported",
                consent::short(&planned.key)
            );
            return Err(Note::new(NoteKind::Refused, message)
                .at(planned.row, Some(column))
                .value(&planned.key)
                .hint("ids are unique: is this response in the export twice?"));
        }
        let mut n = 2;
        while self.0.contains_key(&format!("{} ({n})", planned.key)) {
            n += 1;
        }
        planned.key = format!("{} ({n})", planned.key);
        let message = format!(
            "row {first} has the same title and the mapping has no id column: later imports tell these rows apart by their order"
        );
        planned.notes.push(Note::new(NoteKind::Warning, message).at(planned.row, None).hint("map an id column (a response id or timestamp) so that each response is found again whatever the order"));
        self.0.insert(planned.key.clone(), planned.row);
        Ok(planned)
    }
}
