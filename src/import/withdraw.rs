//! An imported entry edited by hand since: its text is left alone and the row is reported as a
//! conflict, but a consent the newer export withdraws is still written into its `[consent]`
//! table (withdrawals must flow), with the rest of the file kept as the organiser wrote it.
//!
//! A withdrawal is an explicit answer (one listed in the mapping) that publishes less than the
//! answer recorded at the previous import: `publish` or `images` now "no", `withdrawn` now
//! "yes"… A blank or unlisted answer is not one: it would otherwise undo an organiser's hand
//! edit made after settling consent with the participant. Each withdrawal is applied once: the
//! record keeps the answers seen, so a consent given again by hand afterwards stays.

use super::entry::Planned;
use super::report::{Action, Note, NoteKind};
use super::write::{Done, RECORD, Record, atomically, record_text};
use anyhow::Result;
use std::path::Path;

/// Reports (and, unless `dry_run`, applies the withdrawals of) a hand-edited entry.
pub fn conflict(
    planned: &Planned,
    record: &Record,
    entry: &str,
    index: &Path,
    current: Option<String>,
    dry_run: bool,
) -> Result<Done> {
    let mut notes = vec![Note::new(
        NoteKind::Conflict,
        format!("{entry}/index.md was edited by hand since the last import: not updated"),
    )
    .at(planned.row, None)
    .hint("to take the export's version, move the folder aside and import again (then copy your edits back)")];
    let withdrawals = withdrawals(planned, record);
    let mut text = current;
    if !withdrawals.is_empty() {
        let applied = text.as_deref().and_then(|t| restrict(t, &withdrawals));
        let what = withdrawals
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join(", ");
        match applied {
            Some(new_text) => {
                notes.push(Note::new(NoteKind::Conflict, format!("the export withdraws consent: {what} written into its [consent] table")).at(planned.row, None));
                if !dry_run {
                    atomically(index, |f| Ok(f.write_all(new_text.as_bytes())?))?;
                    let record = Record {
                        answers: planned.answers.clone(),
                        ..record.clone()
                    };
                    let record_text = record_text(&record)?;
                    let record_path = index.with_file_name(RECORD);
                    atomically(&record_path, |f| Ok(f.write_all(record_text.as_bytes())?))?;
                }
                text = Some(new_text);
            }
            None => notes.push(Note::new(NoteKind::Refused, format!("the export withdraws consent ({what}), but {entry}/index.md cannot be read to write it")).at(planned.row, None).hint("set it in the entry's [consent] table by hand now (the entry is not published while its front matter cannot be read)")),
        }
    }
    Ok(Done {
        action: Action::Conflict,
        entry: Some(entry.to_string()),
        text,
        notes,
    })
}

/// The consent keys whose explicit answer now publishes less than the one recorded.
fn withdrawals(planned: &Planned, record: &Record) -> Vec<(String, bool)> {
    planned
        .answers
        .iter()
        .filter(|(key, now)| {
            **now == super::consent::restrictive(key) && record.answers.get(*key) != Some(*now)
        })
        .map(|(key, now)| (key.clone(), *now))
        .collect()
}

/// `text` with the keys of its `[consent]` table set as given (the table created if missing);
/// `None` when its front matter cannot be read.
fn restrict(text: &str, values: &[(String, bool)]) -> Option<String> {
    let (opening, rest) = text.split_at(text.find('\n')? + 1);
    if opening.trim_start_matches('\u{feff}').trim_end() != "+++" {
        return None;
    }
    let mut offset = 0;
    let close = rest.split_inclusive('\n').find_map(|line| {
        let start = offset;
        offset += line.len();
        (line.trim_end() == "+++").then_some(start)
    })?;
    let (front, closing_and_body) = rest.split_at(close);
    let mut doc: toml_edit::DocumentMut = front.parse().ok()?;
    let consent = doc
        .entry("consent")
        .or_insert(toml_edit::Item::Table(toml_edit::Table::new()))
        .as_table_like_mut()?;
    for (key, value) in values {
        consent.insert(key, toml_edit::value(*value));
    }
    Some(format!("{opening}{doc}{closing_and_body}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn answers(pairs: &[(&str, bool)]) -> BTreeMap<String, bool> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn only_a_change_towards_less_is_a_withdrawal() {
        let planned = |pairs: &[(&str, bool)]| Planned {
            answers: answers(pairs),
            ..Planned::default()
        };
        let record = |pairs: &[(&str, bool)]| Record {
            answers: answers(pairs),
            ..Record::default()
        };
        let before = record(&[("publish", true), ("withdrawn", false)]);
        assert!(
            withdrawals(
                &planned(&[("publish", true), ("withdrawn", false)]),
                &before
            )
            .is_empty()
        );
        assert_eq!(
            withdrawals(&planned(&[("publish", true), ("withdrawn", true)]), &before),
            [("withdrawn".to_string(), true)]
        );
        assert_eq!(
            withdrawals(&planned(&[("publish", false)]), &before),
            [("publish".to_string(), false)]
        );
        // Already withdrawn at the last import: a consent restored by hand since stays.
        let withdrawn_before = record(&[("publish", true), ("withdrawn", true)]);
        assert!(
            withdrawals(
                &planned(&[("publish", true), ("withdrawn", true)]),
                &withdrawn_before
            )
            .is_empty()
        );
        // A blank or unlisted answer is no answer at all: nothing to apply.
        assert!(withdrawals(&planned(&[]), &before).is_empty());
    }

    #[test]
    fn withdrawal_keeps_the_rest_of_a_hand_edited_file() {
        let text = "+++\n# my note\ntitle = \"Hope\" # kept\n\n[consent]\npublish = true # checked by phone\n+++\n\nBody I rewrote.\n";
        let out = restrict(
            text,
            &[("withdrawn".into(), true), ("publish".into(), false)],
        )
        .unwrap();
        assert!(out.contains("# my note\ntitle = \"Hope\" # kept"), "{out}");
        assert!(out.contains("withdrawn = true"), "{out}");
        assert!(out.contains("publish = false"), "{out}");
        assert!(out.ends_with("+++\n\nBody I rewrote.\n"), "{out}");
        let read = super::super::front::read_back(&out, "e/index.md").unwrap();
        let consent = read.consent.unwrap().into_inner();
        assert_eq!(consent["withdrawn"].get_ref().as_bool(), Some(true));
        let without = "+++\ntitle = \"Hope\"\n+++\n";
        let out = restrict(without, &[("publish".into(), false)]).unwrap();
        assert!(out.contains("[consent]\npublish = false"), "{out}");
        assert_eq!(
            restrict("no front matter", &[("publish".into(), false)]),
            None
        );
    }
}
