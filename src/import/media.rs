//! The attachment columns of a row → `[[media]]` items: each file name a cell gives, found
//! among `--attachments`, becomes `media-<n>.<ext>` in the entry folder (a neutral name: form
//! tools name uploads after the respondent), with the alt text and caption the mapping names.
//! A file that is missing or ambiguous is reported and left out; the entry is still written.

use super::attachments::Lookup;
use super::consent::short;
use super::entry::RowReader;
use super::front::MediaFile;
use super::report::MediaReport;

impl RowReader<'_> {
    /// `[[media]]` items whose files were found, the copies to make, and what each cell gave.
    pub(super) fn media(&mut self) -> (Vec<MediaFile>, Vec<(usize, String)>, Vec<MediaReport>) {
        let (mut media, mut files, mut reported) = (Vec::new(), Vec::new(), Vec::new());
        for (n, map) in (1..).zip(&self.ctx.mapping.media) {
            let Some(cell) = self.raw(&map.file).map(|c| c.text.trim().to_string()) else {
                continue;
            };
            if cell.is_empty() {
                continue;
            }
            let mut report = MediaReport {
                column: map.file.clone(),
                cell: cell.clone(),
                found: None,
                file: None,
            };
            match self.ctx.attachments.map(|a| (a, a.find(&cell))) {
                Some((attachments, Lookup::Found(i))) => {
                    let found = attachments.name(i).to_string();
                    let file = format!("media-{n}{}", extension(&found));
                    let mut text = |c: &Option<String>| c.as_deref().and_then(|c| self.text(c));
                    media.push(MediaFile {
                        file: file.clone(),
                        alt: text(&map.alt),
                        caption: text(&map.caption),
                    });
                    files.push((i, file.clone()));
                    (report.found, report.file) = (Some(found), Some(file));
                }
                found => self.missing(&map.file, &cell, found.map(|(a, l)| (a.shown.as_str(), l))),
            }
            reported.push(report);
        }
        (media, files, reported)
    }

    fn missing(&mut self, column: &str, cell: &str, found: Option<(&str, Lookup)>) {
        let (message, hint) = match found {
            None => (format!("\"{}\": no --attachments given; the entry is written without this file", short(cell)), "give the folder or .zip of files the form tool exported with --attachments".to_string()),
            Some((shown, Lookup::Ambiguous(n))) => (format!("{n} files in {shown} are named \"{}\"; none is used", short(cell)), "put the file's path inside the attachments in the cell, or rename the files".to_string()),
            Some((shown, _)) => (format!("\"{}\" is not in {shown}; the entry is written without this file", short(cell)), "add the file to the attachments (the cell is matched by file name, ignoring case and folders); a web address in the cell cannot be matched".to_string()),
        };
        self.warn(column, message, Some(&hint));
    }
}

/// `.jpg` for `Poster.JPG`: the extension a copy keeps (lower case, letters and digits only).
fn extension(name: &str) -> String {
    let last = name.rsplit('/').next().unwrap_or(name);
    match last.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty()
                && (1..=8).contains(&ext.len())
                && ext.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            format!(".{}", ext.to_ascii_lowercase())
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_keep_a_clean_extension_only() {
        assert_eq!(extension("user/attachments/x/Poster.JPG"), ".jpg");
        assert_eq!(extension("video.final.MP4"), ".mp4");
        assert_eq!(extension("README"), "");
        assert_eq!(extension(".hidden"), "");
        assert_eq!(extension("a.tar.gz?x=1"), "");
    }
}
