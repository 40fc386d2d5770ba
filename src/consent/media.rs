//! The media items of a published entry: consented, present inside the entry folder, of a kind
//! sesh can publish safely. A media item's poster, captions and transcript belong to it: they are
//! published only with it, and only when they too are files inside the entry folder.

use super::{Gated, normalise, terms};
use crate::content::{EntryFront, Located, MediaParts, RawEntry, RawMedia};
use crate::public::{Captions, Media, MediaKind};
use crate::report::Problem;
use crate::web::web_host;
use toml::Spanned;

/// Image formats sesh re-encodes (and therefore can strip of metadata).
pub const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "gif", "webp"];
/// MP4/QuickTime containers, cleaned by rewriting their boxes (`src/media/mp4/`).
pub const VIDEO_EXTENSIONS: &[&str] = &["mp4", "m4v", "mov"];
pub const AUDIO_EXTENSIONS: &[&str] = &["m4a"];
pub const DOCUMENT_EXTENSIONS: &[&str] = &["pdf"];
/// Hosts whose videos can be played in a click-to-load player.
pub const VIDEO_HOSTS: &[&str] = &[
    "youtube.com",
    "youtu.be",
    "bilibili.com",
    "b23.tv",
    "vimeo.com",
];

struct Item<'a> {
    raw: &'a RawEntry,
    media: &'a RawMedia,
    /// `contests/c/e/<file or url>`, for exclusions.
    path: String,
}

impl Item<'_> {
    fn line<T>(&self, value: &Spanned<T>) -> Option<usize> {
        Some(self.raw.source.front_line_of(&value.span()))
    }

    fn problem(&self, error: bool, line: Option<usize>, field: &str, message: String) -> Problem {
        let file = self.raw.source.display.clone();
        let p = match error {
            true => Problem::error(file, message),
            false => Problem::warning(file, message),
        };
        p.at_line(line).field(field)
    }

    fn file_line(&self) -> Option<usize> {
        self.media
            .file
            .as_ref()
            .or(self.media.url.as_ref())
            .and_then(|f| self.line(f))
    }
}

impl Gated {
    /// Consented, present, safe media of a published entry.
    pub(super) fn media(
        &mut self,
        raw: &RawEntry,
        front: &EntryFront,
        images: Option<bool>,
        entry_path: &str,
    ) -> Vec<Media> {
        let mut out = Vec::new();
        for (i, media) in front.media.iter().enumerate() {
            let name = media
                .file
                .as_ref()
                .or(media.url.as_ref())
                .map(|f| f.get_ref().as_str())
                .unwrap_or("");
            let item = Item {
                raw,
                media,
                path: format!("{entry_path}/{name}"),
            };
            if !self.item_consented(&item, images) {
                continue;
            }
            let located = raw.media_files.get(i).unwrap_or(&Located::NotAFile);
            let Some((kind, path)) = self.source(&item, located) else {
                continue;
            };
            let alt = media.alt.as_deref().map(str::trim).unwrap_or("");
            if kind == MediaKind::Image && alt.is_empty() {
                self.problems.push(item.problem(true, item.file_line(), "media.alt",
                    format!("image `{name}` has no alt text; not published"))
                    .hint("add alt = \"a short description of the image\" (readers using screen readers depend on it)"));
                self.exclude("media", &item.path, "no-alt-text", "no alt text".into());
                continue;
            }
            let parts = raw.media_parts.get(i).cloned().unwrap_or_default();
            let mut m = Media {
                file: media
                    .file
                    .as_ref()
                    .map(|f| normalise(f.get_ref()))
                    .unwrap_or_default(),
                path,
                alt: alt.to_string(),
                caption: media.caption.clone().filter(|c| !c.trim().is_empty()),
                kind,
                url: media.url.as_ref().map(|u| u.get_ref().trim().to_string()),
                ..Media::default()
            };
            self.parts(&item, &parts, &mut m);
            out.push(m);
        }
        out
    }

    /// Per-item consent, else the entry's `images`; an invalid value or a contradiction excludes.
    fn item_consented(&mut self, item: &Item, images: Option<bool>) -> bool {
        let item_consent = match &item.media.consent {
            None => None,
            Some(v) => match v.get_ref().as_bool() {
                Some(b) => Some(b),
                None => {
                    let message = format!(
                        "expected true or false, found {}",
                        terms::describe(v.get_ref())
                    );
                    self.problems.push(
                        item.problem(true, item.line(v), "media.consent", message)
                            .hint("write consent = true or consent = false, without quotes"),
                    );
                    let reason = "invalid per-item consent value".into();
                    self.exclude("media", &item.path, "invalid-consent", reason);
                    return false;
                }
            },
        };
        let refusal = match (item_consent, images) {
            (Some(false), _) => Some(("media-consent-false", "consent = false")),
            (Some(true), Some(false)) => {
                let file = item.path.rsplit('/').next().unwrap_or("");
                self.problems.push(
                    item.problem(false, item.file_line(), "media.consent",
                        format!("`{file}` has consent = true but the entry says images = false; not published"))
                        .hint("resolve the contradiction in the consent form, then change one of them"),
                );
                Some((
                    "media-consent-conflict",
                    "consent = true contradicts images = false",
                ))
            }
            (Some(true), _) | (None, Some(true)) => None,
            (None, _) => Some(("no-image-consent", "no image consent (consent.images)")),
        };
        if let Some((rule, reason)) = refusal {
            self.exclude("media", &item.path, rule, reason.into());
            return false;
        }
        true
    }

    /// The item's kind and source file (empty for an external address), or `None` (reported).
    fn source(
        &mut self,
        item: &Item,
        located: &Located,
    ) -> Option<(MediaKind, std::path::PathBuf)> {
        let given = match &item.media.kind {
            None => None,
            Some(k) => match MediaKind::from_id(k.get_ref().trim()) {
                Some(kind) => Some(kind),
                None => {
                    let message = format!("unknown media kind \"{}\"", k.get_ref());
                    self.problems.push(
                        item.problem(true, item.line(k), "media.kind", message)
                            .hint("use one of: image, video, audio, document, link (or leave kind out)"),
                    );
                    self.exclude("media", &item.path, "invalid-kind", "unknown kind".into());
                    return None;
                }
            },
        };
        match (&item.media.file, &item.media.url) {
            (Some(_), Some(url)) => {
                self.problems.push(
                    item.problem(true, item.line(url), "media.url",
                        "a media item has both `file` and `url`; not published".into())
                        .hint("give `file` for a file of the entry folder or `url` for an external address, in separate [[media]] items"),
                );
                self.exclude(
                    "media",
                    &item.path,
                    "invalid-source",
                    "both file and url".into(),
                );
                None
            }
            (None, Some(url)) => {
                let kind = self.external(item, url, given)?;
                Some((kind, std::path::PathBuf::new()))
            }
            _ => self.local(item, located, given),
        }
    }

    fn external(
        &mut self,
        item: &Item,
        url: &Spanned<String>,
        given: Option<MediaKind>,
    ) -> Option<MediaKind> {
        let Some(host) = web_host(url.get_ref()) else {
            self.problems.push(
                item.problem(
                    true,
                    item.line(url),
                    "media.url",
                    format!("`{}` is not a web address; not published", url.get_ref()),
                )
                .hint("write the full address, starting with https://"),
            );
            self.exclude(
                "media",
                &item.path,
                "invalid-url",
                "not an http(s) address".into(),
            );
            return None;
        };
        let known = VIDEO_HOSTS
            .iter()
            .any(|h| host == *h || host.ends_with(&format!(".{h}")));
        match given {
            None if known => Some(MediaKind::Video),
            None | Some(MediaKind::Link) => Some(MediaKind::Link),
            Some(kind @ (MediaKind::Video | MediaKind::Audio | MediaKind::Document)) => Some(kind),
            Some(MediaKind::Image) => {
                self.problems.push(
                    item.problem(true, item.line(url), "media.url",
                        "an external image is never shown (its host would see every reader); not published".into())
                        .hint("save the image in the entry folder and list it with `file`"),
                );
                self.exclude(
                    "media",
                    &item.path,
                    "external-image",
                    "external image".into(),
                );
                None
            }
        }
    }

    fn local(
        &mut self,
        item: &Item,
        located: &Located,
        given: Option<MediaKind>,
    ) -> Option<(MediaKind, std::path::PathBuf)> {
        let file = item
            .media
            .file
            .as_ref()
            .map(|f| f.get_ref().as_str())
            .unwrap_or("");
        let err = |message: String, hint: &str| {
            item.problem(true, item.file_line(), "media.file", message)
                .hint(hint)
        };
        let problem = match located {
            Located::Found(_) => None,
            Located::NotAFile => Some(err(
                "media item without `file` or `url`".into(),
                "add file = \"name.jpg\" (a file of the entry folder) or url = \"https://…\"",
            )),
            Located::Missing => Some(err(
                format!("media file `{file}` not found"),
                "check the file name and that the file sits in the entry folder",
            )),
            Located::OutsideEntry => Some(err(
                format!("media file `{file}` is outside the entry folder"),
                "media must be files inside the entry's own folder: no `..`, no absolute paths, no links to elsewhere",
            )),
            Located::Hidden => Some(err(
                format!("media file `{file}` is hidden or a backup"),
                "rename the file",
            )),
        };
        if let Some(problem) = problem {
            let reason = problem.message.clone();
            self.problems.push(problem);
            self.exclude("media", &item.path, "media-unavailable", reason);
            return None;
        }
        let Located::Found(path) = located else {
            return None;
        };
        let extension = extension(path);
        let Some(inferred) = kind_of(&extension) else {
            let (what, hint) = unsupported_format(&extension);
            self.problems.push(err(
                format!("{what}; sesh cannot publish `.{extension}` files safely, so `{file}` is not published"),
                hint,
            ));
            self.exclude(
                "media",
                &item.path,
                "unsupported-format",
                format!("`.{extension}` files are not published"),
            );
            return None;
        };
        let kind = match (given, inferred) {
            (None, k) => k,
            (Some(g), k) if g == k => k,
            // An MP4 may hold sound only, and an M4A is an MP4.
            (Some(MediaKind::Audio), MediaKind::Video)
            | (Some(MediaKind::Video), MediaKind::Audio) => given?,
            (Some(g), k) => {
                self.problems.push(
                    item.problem(
                        true,
                        item.file_line(),
                        "media.kind",
                        format!(
                            "`{file}` is a `.{extension}` file ({}), not {}; not published",
                            k.id(),
                            g.id()
                        ),
                    )
                    .hint("correct `kind`, or leave it out: sesh infers it from the file"),
                );
                self.exclude(
                    "media",
                    &item.path,
                    "kind-mismatch",
                    format!("kind {} for a .{extension} file", g.id()),
                );
                return None;
            }
        };
        Some((kind, path.clone()))
    }

    /// Poster, captions, transcript, duration and mirrors: a broken part is left out (reported),
    /// the item itself stays.
    fn parts(&mut self, item: &Item, parts: &MediaParts, m: &mut Media) {
        let media = item.media;
        if let (Some(poster), Some(located)) = (&media.poster, &parts.poster) {
            let ok = self.part(
                item,
                poster,
                located,
                "media.poster",
                IMAGE_EXTENSIONS,
                "a JPEG, PNG, GIF or WebP image",
            );
            if m.kind == MediaKind::Image {
                self.problems.push(item.problem(
                    false,
                    item.line(poster),
                    "media.poster",
                    "an image needs no poster; ignored".into(),
                ));
            } else {
                m.poster = ok;
            }
        }
        for (lang, file) in &media.captions {
            let located = parts
                .captions
                .iter()
                .find(|(l, _)| l == lang)
                .map(|(_, l)| l);
            let Some(located) = located else { continue };
            let valid_lang = !lang.is_empty()
                && lang.len() <= 35
                && lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !valid_lang {
                self.problems.push(
                    item.problem(
                        true,
                        item.line(file),
                        "media.captions",
                        format!("`{lang}` is not a language tag; captions left out"),
                    )
                    .hint("use a language tag such as en, zh or zh-Hans"),
                );
                continue;
            }
            if !matches!(m.kind, MediaKind::Video | MediaKind::Audio) || m.url.is_some() {
                self.problems.push(
                    item.problem(
                        false,
                        item.line(file),
                        "media.captions",
                        "captions are shown only with a video or audio file of the entry; ignored"
                            .into(),
                    ),
                );
                continue;
            }
            if let Some(path) = self.part(
                item,
                file,
                located,
                "media.captions",
                &["vtt"],
                "a WebVTT (.vtt) file",
            ) {
                m.captions.push(Captions {
                    lang: lang.clone(),
                    file: normalise(file.get_ref()),
                    path,
                });
            }
        }
        if let (Some(t), Some((located, text))) = (&media.transcript, &parts.transcript)
            && self
                .part(
                    item,
                    t,
                    located,
                    "media.transcript",
                    &["md", "txt"],
                    "a Markdown (.md) or text (.txt) file",
                )
                .is_some()
        {
            match text {
                Some(text) => m.transcript = Some(text.clone()),
                None => self.problems.push(
                    item.problem(
                        true,
                        item.line(t),
                        "media.transcript",
                        format!(
                            "transcript `{}` is not UTF-8 text of at most 1 MB; left out",
                            t.get_ref()
                        ),
                    )
                    .hint("save it as UTF-8 text"),
                ),
            }
        }
        if let Some(d) = &media.duration {
            m.duration = parse_duration(d.get_ref());
            if m.duration.is_none() {
                self.problems.push(
                    item.problem(
                        false,
                        item.line(d),
                        "media.duration",
                        format!("`{}` is not a duration; ignored", d.get_ref()),
                    )
                    .hint(
                        "write minutes:seconds (\"3:12\") or hours:minutes:seconds (\"1:02:03\")",
                    ),
                );
            }
        }
        for mirror in &media.mirrors {
            if web_host(mirror).is_some() {
                m.mirrors.push(mirror.trim().to_string());
            } else {
                self.problems.push(item.problem(
                    false,
                    item.file_line(),
                    "media.mirrors",
                    format!("mirror `{mirror}` is not a web address; left out"),
                ));
            }
        }
    }

    /// A part file that exists inside the entry folder with an accepted extension.
    fn part(
        &mut self,
        item: &Item,
        name: &Spanned<String>,
        located: &Located,
        field: &str,
        extensions: &[&str],
        what: &str,
    ) -> Option<std::path::PathBuf> {
        let file = name.get_ref();
        let message = match located {
            Located::Found(path) if extensions.contains(&extension(path).as_str()) => {
                return Some(path.clone());
            }
            Located::Found(_) => format!("`{file}` must be {what}; left out"),
            Located::OutsideEntry => format!("`{file}` is outside the entry folder; left out"),
            Located::Hidden => format!("`{file}` is hidden or a backup; left out"),
            Located::Missing | Located::NotAFile => format!("`{file}` not found; left out"),
        };
        self.problems.push(
            item.problem(true, item.line(name), field, message)
                .hint("name a file inside the entry's own folder"),
        );
        None
    }
}

fn extension(path: &std::path::Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

fn kind_of(extension: &str) -> Option<MediaKind> {
    let e = extension;
    if IMAGE_EXTENSIONS.contains(&e) {
        Some(MediaKind::Image)
    } else if VIDEO_EXTENSIONS.contains(&e) {
        Some(MediaKind::Video)
    } else if AUDIO_EXTENSIONS.contains(&e) {
        Some(MediaKind::Audio)
    } else if DOCUMENT_EXTENSIONS.contains(&e) {
        Some(MediaKind::Document)
    } else {
        None
    }
}

/// `"3:12"` → 192, `"1:02:03"` → 3723, `"45"` → 45.
pub fn parse_duration(text: &str) -> Option<u32> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    if parts.len() > 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let mut seconds: u32 = 0;
    for (i, part) in parts.iter().enumerate() {
        let n: u32 = part.parse().ok()?;
        if i > 0 && n >= 60 {
            return None;
        }
        seconds = seconds.checked_mul(60)?.checked_add(n)?;
    }
    Some(seconds)
}

/// What a refused extension usually is, and how to turn it into something publishable.
fn unsupported_format(extension: &str) -> (String, &'static str) {
    match extension {
        "heic" | "heif" => (
            "this is a HEIC photo (the iPhone's default format)".into(),
            "export it as JPEG (on the phone: share or save it as JPEG, or set Settings › Camera › Formats › Most Compatible) and list the .jpg file",
        ),
        "svg" | "svgz" => (
            "this is an SVG drawing, which can carry scripts and links".into(),
            "export it as PNG and list the .png file",
        ),
        "tif" | "tiff" => (
            "this is a TIFF image".into(),
            "export it as JPEG (photos) or PNG (drawings)",
        ),
        "doc" | "docx" | "odt" | "rtf" | "ppt" | "pptx" | "odp" | "xls" | "xlsx" | "ods" | "key" | "pages" => (
            "this is an office document, whose file keeps the author's name, comments and tracked changes".into(),
            "export it as PDF (File › Save as / Export › PDF) and list the .pdf file: sesh removes a PDF's metadata",
        ),
        "mp3" | "wav" | "aac" | "ogg" | "opus" | "flac" | "wma" => (
            format!("`.{extension}` audio is not a format sesh can clean of its tags"),
            "convert it to M4A (AAC in MP4), e.g. with your audio editor's export, and list the .m4a file",
        ),
        "webm" | "mkv" | "avi" | "wmv" | "flv" | "3gp" => (
            format!("`.{extension}` video is not a container sesh can clean of its metadata"),
            "convert it to MP4 (H.264) and list the .mp4 file",
        ),
        "" => (
            "this file has no extension".into(),
            "name images .jpg, .png, .gif or .webp; videos .mp4 or .mov; audio .m4a; documents .pdf",
        ),
        other => (
            format!("`.{other}` is not a media format sesh publishes"),
            "publish images (JPEG, PNG, GIF, WebP), videos (MP4, MOV), audio (M4A) or PDF documents",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_hosts() {
        assert_eq!(parse_duration("3:12"), Some(192));
        assert_eq!(parse_duration("1:02:03"), Some(3723));
        assert_eq!(parse_duration("45"), Some(45));
        for bad in ["3:75", "", "a:b", "1:2:3:4", "-3"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
        assert_eq!(
            web_host("https://www.youtube.com/watch?v=x").as_deref(),
            Some("youtube.com")
        );
        assert_eq!(web_host("javascript:alert(1)"), None);
        assert_eq!(web_host("ftp://x.org/a"), None);
    }
}
