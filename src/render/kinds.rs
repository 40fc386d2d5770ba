//! Views of the media kinds other than images: videos, audio, documents and external links,
//! with what a reader sees before loading anything heavy (kind, duration, size, pages), and the
//! badges of gallery cards.
//!
//! External videos never load a third-party page by themselves: the entry page carries the
//! address (a link) and, for known hosts, a link to a player page of the archive
//! (`<entry>/play-<n>/`, template `player.html`) which alone embeds the host's player. The
//! reader's click is the explicit action; no script is needed.

use super::Renderer;
use super::links::BodyLinks;
use super::view::{ImageView, LinkView, MediaView, TrackView};
use crate::markdown;
use crate::public::{Entry, Media, MediaKind};
use crate::web::web_host;
use std::collections::HashSet;

impl Renderer<'_> {
    /// The entry's videos, audio, documents and links (images are figures).
    /// `entry_url` and `entry_path` (the entry's folder in the output) place player pages.
    pub(super) fn media_views(
        &self,
        entry: &Entry,
        entry_url: &str,
        entry_path: &str,
    ) -> Vec<MediaView> {
        entry
            .media
            .iter()
            .enumerate()
            .filter(|(_, m)| m.kind != MediaKind::Image)
            .filter_map(|(i, m)| {
                let mut view = self.media_view(entry, m)?;
                view.transcript_html = m.transcript.as_deref().map(|text| {
                    let statics = HashSet::new();
                    let links = BodyLinks::page(&self.routes, &entry.body.dir, &statics);
                    markdown::render(text, &links).html
                });
                if view.embed.is_some() {
                    view.player = Some(format!("{entry_url}play-{}/", i + 1));
                    view.player_path = Some(format!("{entry_path}/play-{}/index.html", i + 1));
                }
                Some(view)
            })
            .collect()
    }

    /// A video, audio file, document or link as published (without its transcript, which
    /// only pages show); `None` for a local file sesh could not clean.
    pub(super) fn media_view(&self, entry: &Entry, m: &Media) -> Option<MediaView> {
        let file = match &m.url {
            Some(_) => None,
            // A local file sesh could not clean is not shown at all.
            None => Some(self.media.get(&m.path)?),
        };
        let seconds = m
            .duration
            .or_else(|| file.and_then(|f| f.seconds).map(|s| s.round() as u32));
        let label = [Some(m.alt.as_str()), m.caption.as_deref()]
            .into_iter()
            .flatten()
            .find(|s| !s.trim().is_empty())
            .unwrap_or(&entry.title)
            .to_string();
        let host = m.url.as_deref().and_then(web_host);
        let captions = m
            .captions
            .iter()
            .filter_map(|c| {
                let published = self.media.get(&c.path)?;
                Some((c, published))
            })
            .enumerate()
            .map(|(i, (c, published))| TrackView {
                lang: c.lang.clone(),
                label: language_name(&c.lang),
                src: self.routes.file(&published.path),
                default: i == 0,
            })
            .collect();
        Some(MediaView {
            kind: m.kind.id(),
            label,
            caption: m.caption.clone(),
            src: file.map(|f| self.routes.file(&f.path)),
            mime: file.map(|f| mime(&f.path)),
            size: file.map(|f| f.bytes),
            size_text: file.map(|f| size_text(f.bytes)),
            duration: seconds.map(duration_text),
            duration_iso: seconds.map(|s| format!("PT{}M{}S", s / 60, s % 60)),
            seconds,
            pages: file.and_then(|f| f.pages),
            poster: m
                .poster
                .as_ref()
                .and_then(|p| self.poster_view(p, m, entry)),
            captions,
            transcript_html: None,
            url: m.url.clone(),
            host: host.as_deref().map(host_name),
            embed: m.url.as_deref().and_then(embed_url),
            player: None,
            player_path: None,
            mirrors: m
                .mirrors
                .iter()
                .map(|u| LinkView {
                    title: web_host(u).as_deref().map(host_name).unwrap_or_default(),
                    url: u.clone(),
                    lang: None,
                })
                .collect(),
        })
    }

    /// A poster as an image; its alt text names what it stands for.
    pub(super) fn poster_view(
        &self,
        poster: &std::path::Path,
        m: &Media,
        entry: &Entry,
    ) -> Option<ImageView> {
        let image = Media {
            path: poster.to_path_buf(),
            alt: match m.alt.trim() {
                "" => entry.title.clone(),
                alt => alt.to_string(),
            },
            ..Media::default()
        };
        self.image_view(&image)
    }

    /// An entry's card picture: its first image, else the first poster.
    pub(super) fn card_thumb(&self, entry: &Entry) -> Option<ImageView> {
        entry
            .media
            .iter()
            .find_map(|m| self.image_view(m))
            .or_else(|| {
                entry.media.iter().find_map(|m| {
                    let poster = m.poster.as_ref()?;
                    self.poster_view(poster, m, entry)
                })
            })
    }

    /// (kind, duration, pages) of the entry's first shown media item, for card badges.
    pub(super) fn card_badge(
        &self,
        entry: &Entry,
    ) -> (Option<&'static str>, Option<String>, Option<usize>) {
        let shown = entry.media.iter().find(|m| match m.kind {
            MediaKind::Image => self.images.get(&m.path).is_some(),
            _ => m.url.is_some() || self.media.get(&m.path).is_some(),
        });
        let Some(m) = shown else {
            return (None, None, None);
        };
        let file = self.media.get(&m.path);
        let seconds = m
            .duration
            .or_else(|| file.and_then(|f| f.seconds).map(|s| s.round() as u32));
        (
            Some(m.kind.id()),
            seconds.map(duration_text),
            file.and_then(|f| f.pages),
        )
    }
}

/// `192` → `3:12`, `3723` → `1:02:03`.
pub fn duration_text(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    match h {
        0 => format!("{m}:{s:02}"),
        _ => format!("{h}:{m:02}:{s:02}"),
    }
}

/// Bytes for people (SI units, as file managers show them): `14.8 MB`, `820 kB`.
pub fn size_text(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else if b >= 1e3 {
        format!("{:.0} kB", b / 1e3)
    } else {
        format!("{bytes} B")
    }
}

fn mime(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "mp4" | "m4v" => "video/mp4",
        "mov" => "video/quicktime",
        "m4a" => "audio/mp4",
        "pdf" => "application/pdf",
        "vtt" => "text/vtt",
        _ => "application/octet-stream",
    }
}

fn host_name(host: &str) -> String {
    match host {
        "youtube.com" | "youtu.be" | "m.youtube.com" => "YouTube".into(),
        "bilibili.com" | "b23.tv" | "m.bilibili.com" => "Bilibili".into(),
        "vimeo.com" | "player.vimeo.com" => "Vimeo".into(),
        other => other.to_string(),
    }
}

fn language_name(tag: &str) -> String {
    let primary = tag.split('-').next().unwrap_or("").to_lowercase();
    match primary.as_str() {
        "en" => "English".into(),
        "zh" => "中文".into(),
        "fr" => "Français".into(),
        "es" => "Español".into(),
        "ar" => "العربية".into(),
        "ru" => "Русский".into(),
        "pt" => "Português".into(),
        _ => tag.to_string(),
    }
}

/// The click-to-load player address of a YouTube, Bilibili or Vimeo video; `None` otherwise.
/// YouTube plays from its no-cookie domain.
pub fn embed_url(address: &str) -> Option<String> {
    let url = url::Url::parse(address.trim()).ok()?;
    let host = web_host(address)?;
    let segments: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    let id_ok = |id: &str| {
        !id.is_empty()
            && id.len() <= 64
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    match host.as_str() {
        "youtube.com" | "m.youtube.com" => {
            let id = match segments.as_slice() {
                ["watch"] => url
                    .query_pairs()
                    .find(|(k, _)| k == "v")
                    .map(|(_, v)| v.into_owned())?,
                ["embed" | "shorts" | "live", id] => id.to_string(),
                _ => return None,
            };
            id_ok(&id).then(|| format!("https://www.youtube-nocookie.com/embed/{id}?autoplay=1"))
        }
        "youtu.be" => {
            let id = segments.first()?;
            id_ok(id).then(|| format!("https://www.youtube-nocookie.com/embed/{id}?autoplay=1"))
        }
        "bilibili.com" | "m.bilibili.com" => match segments.as_slice() {
            ["video", id, ..] if id_ok(id) && id.starts_with("BV") => Some(format!(
                "https://player.bilibili.com/player.html?bvid={id}&autoplay=1"
            )),
            _ => None,
        },
        "vimeo.com" => match segments.as_slice() {
            [id] if id.chars().all(|c| c.is_ascii_digit()) => {
                Some(format!("https://player.vimeo.com/video/{id}?autoplay=1"))
            }
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_for_readers() {
        assert_eq!(duration_text(192), "3:12");
        assert_eq!(duration_text(3723), "1:02:03");
        assert_eq!(size_text(14_800_000), "14.8 MB");
        assert_eq!(size_text(820_400), "820 kB");
        assert_eq!(size_text(12), "12 B");
    }

    #[test]
    fn players_only_for_known_hosts_and_clean_ids() {
        assert_eq!(
            embed_url("https://www.youtube.com/watch?v=abc_DEF-123&t=4").as_deref(),
            Some("https://www.youtube-nocookie.com/embed/abc_DEF-123?autoplay=1")
        );
        assert_eq!(
            embed_url("https://youtu.be/abc123").as_deref(),
            Some("https://www.youtube-nocookie.com/embed/abc123?autoplay=1")
        );
        assert_eq!(
            embed_url("https://www.bilibili.com/video/BV1xx411c7mD/").as_deref(),
            Some("https://player.bilibili.com/player.html?bvid=BV1xx411c7mD&autoplay=1")
        );
        assert_eq!(
            embed_url("https://vimeo.com/76979871").as_deref(),
            Some("https://player.vimeo.com/video/76979871?autoplay=1")
        );
        assert_eq!(embed_url("https://www.youtube.com/watch?v=a\"b"), None);
        assert_eq!(embed_url("https://example.org/video/1"), None);
        assert_eq!(embed_url("javascript:alert(1)"), None);
    }
}
