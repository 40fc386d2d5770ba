//! Media kinds on the media-kinds fixture: videos, audio, documents and external videos are
//! shown with what they cost to load, published only cleaned of their metadata, and never when
//! unconsented or uncleanable; case-study sections and captions are checked.

use crate::common::*;
use sesh::media::mp4;

fn built() -> (Site, Run) {
    let site = Site::fixture("media-kinds");
    let run = site.build(&[]).success();
    (site, run)
}

fn main_of(page: &str) -> &str {
    let start = page.find("<main").expect("<main>");
    let end = page.find("</main>").expect("</main>");
    &page[start..end]
}

fn output_files(site: &Site, extension: &str) -> Vec<String> {
    site.files()
        .into_iter()
        .filter(|f| f.ends_with(extension))
        .collect()
}

#[test]
fn local_video_and_audio_load_nothing_before_play_and_show_their_size() {
    let (site, _) = built();
    let page = site.page("contests/kinds/local-video/index.html");
    let main = main_of(&page);
    assert!(main.contains("<video controls preload=\"none\""), "{main}");
    assert!(!main.contains("autoplay"), "never autoplay");
    let video = output_files(&site, ".mp4");
    assert_eq!(video.len(), 1, "{video:?}");
    let bytes = std::fs::metadata(site.out.join(&video[0])).unwrap().len();
    let size = format!("{} kB", (bytes as f64 / 1000.0).round());
    assert!(
        main.contains(&format!(
            "<strong>Video</strong>, <time datetime=\"PT0M2S\">0:02</time>, {size}"
        )),
        "kind, duration and size shown before loading ({size}):\n{main}"
    );
    assert!(main.contains("poster=\"/archive/contests/kinds/local-video/local-video-"));
    for (lang, label) in [("en", "English"), ("zh", "中文")] {
        assert!(
            main.contains(&format!("srclang=\"{lang}\" label=\"{label}\"")),
            "{lang} track:\n{main}"
        );
    }
    assert_eq!(main.matches("<track kind=\"captions\"").count(), 2);
    assert!(main.contains("TRANSCRIPT-TEXT"), "transcript shown");
    for vtt in output_files(&site, ".vtt") {
        let text = site.page(&vtt);
        assert!(text.starts_with("WEBVTT\n"), "{vtt}");
        assert!(!text.contains("NOTE"), "caption comments removed: {text}");
    }
    let song = main_of(&site.page("contests/kinds/song/index.html")).to_string();
    assert!(song.contains("<audio controls preload=\"none\""), "{song}");
    assert!(song.contains("lyrics"), "a .txt transcript is shown");
}

#[test]
fn documents_show_pages_and_size_and_a_poster_cover() {
    let (site, _) = built();
    let page = site.page("contests/kinds/pdf-case/index.html");
    let pdfs = output_files(&site, ".pdf");
    assert_eq!(pdfs.len(), 1, "{pdfs:?}");
    assert!(pdfs[0].starts_with("contests/kinds/pdf-case/pdf-case-"));
    let bytes = std::fs::metadata(site.out.join(&pdfs[0])).unwrap().len();
    assert!(
        page.contains(&format!("<strong>PDF document</strong>, 1 page, {bytes} B")),
        "pages and size shown:\n{}",
        main_of(&page)
    );
    assert!(page.contains(&format!("href=\"/archive/{}\"", pdfs[0])));
    assert!(page.contains("class=\"document-cover\""), "poster as cover");
    let gallery = site.page("contests/kinds/index.html");
    assert!(gallery.contains("PDF document · 1 page"), "document badge");
    assert!(
        gallery.contains("Video · 0:02"),
        "video badge with duration"
    );
    assert!(gallery.contains("Audio · 0:02"));
}

#[test]
fn external_videos_load_nothing_from_their_host_with_the_page() {
    let (site, _) = built();
    let player = "contests/kinds/external-video/play-1/index.html";
    for page in output_files(&site, ".html") {
        let html = site.page(&page);
        // JSON-LD (`<script type="application/ld+json">`) is data, never run.
        let scripts = html.matches("<script").count();
        let data = html
            .matches("<script type=\"application/ld+json\">")
            .count();
        // Search pages alone load a script (the search box), never a player.
        if !page.ends_with("search/index.html") {
            assert_eq!(scripts, data, "{page} needs no script");
        }
        if page == player {
            continue;
        }
        assert!(
            !html.contains("<iframe"),
            "{page} has an iframe before any click"
        );
        for src in html.split("src=\"").skip(1) {
            let url = src.split('"').next().unwrap_or("");
            assert!(
                !url.contains("://"),
                "{page} loads {url} from another site with the page"
            );
        }
    }
    let page = site.page("contests/kinds/external-video/index.html");
    assert!(
        page.contains("<a class=\"embed-play\" href=\"/archive/contests/kinds/external-video/play-1/\">Play here (loads YouTube)</a>"),
        "{}",
        main_of(&page)
    );
    assert!(
        !page.contains("youtube-nocookie"),
        "the player address is only on the player page"
    );
    assert!(page.contains("href=\"https://www.youtube.com/watch?v=abcDEF12345\""));
    assert!(page.contains("Watch on Bilibili"), "mirrors side by side");
    assert!(page.contains("<time datetime=\"PT3M12S\">3:12</time>"));
    let player = site.page(player);
    assert!(player.contains(
        "<iframe class=\"embed-frame\" src=\"https://www.youtube-nocookie.com/embed/abcDEF12345?autoplay=1\""
    ));
    assert!(
        player.contains("href=\"/archive/contests/kinds/external-video/\""),
        "back to the entry"
    );
    let unconsented = site
        .files()
        .into_iter()
        .filter(|f| f.contains("unconsented/play-"))
        .count();
    assert_eq!(unconsented, 0, "no player page for an unconsented video");
}

#[test]
fn published_videos_keep_no_metadata_box_and_their_samples() {
    let (site, _) = built();
    let sources = [
        (
            "local-video",
            "content/contests/kinds/local-video/clip.mp4",
            ".mp4",
        ),
        (
            "phone-mov",
            "content/contests/kinds/phone-mov/clip.mov",
            ".mov",
        ),
        ("song", "content/contests/kinds/song/song.m4a", ".m4a"),
    ];
    for (slug, source, extension) in sources {
        let original = std::fs::read(site.path(source)).unwrap();
        let published: Vec<String> = output_files(&site, extension)
            .into_iter()
            .filter(|f| f.contains(slug))
            .collect();
        assert_eq!(published.len(), 1, "{slug}: {published:?}");
        let bytes = std::fs::read(site.out.join(&published[0])).unwrap();
        let types = mp4::box_types(&bytes);
        for gone in ["udta", "meta", "©xyz", "uuid", "free", "<unreadable>"] {
            assert!(
                !types.iter().any(|t| t == gone),
                "{slug} keeps {gone}: {types:?}"
            );
        }
        assert!(
            mp4::box_types(&original).iter().any(|t| t == "udta"),
            "fixture has udta"
        );
        for needle in [&b"CANARY"[..], b"+22.3193", b"\xa9xyz", b"Lavf"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{slug} keeps {}",
                String::from_utf8_lossy(needle)
            );
        }
        // Every chunk still starts with the same bytes: offsets moved with the data.
        let old = mp4::chunk_offsets(&original).unwrap();
        let new = mp4::chunk_offsets(&bytes).unwrap();
        assert_eq!(old.len(), new.len());
        assert!(!old.is_empty());
        for (o, n) in old.iter().zip(&new) {
            let (o, n) = (*o as usize, *n as usize);
            assert_eq!(
                original[o..o + 8],
                bytes[n..n + 8],
                "{slug}: chunk at {o} → {n}"
            );
        }
        if slug == "local-video" {
            assert_ne!(old, new, "moov before mdat: the offsets had to move");
        }
    }
}

#[test]
fn published_documents_keep_no_author_creator_or_xmp() {
    let (site, _) = built();
    for pdf in output_files(&site, ".pdf") {
        let bytes = std::fs::read(site.out.join(&pdf)).unwrap();
        let doc = lopdf::Document::load_mem(&bytes).expect("a readable PDF");
        let info = match doc.trailer.get(b"Info").unwrap() {
            lopdf::Object::Reference(id) => doc.get_dictionary(*id).unwrap().clone(),
            other => other.as_dict().unwrap().clone(),
        };
        let mut keys: Vec<String> = info
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    String::from_utf8_lossy(k),
                    match v {
                        lopdf::Object::String(s, _) => String::from_utf8_lossy(s).into_owned(),
                        other => format!("{other:?}"),
                    }
                )
            })
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            vec!["Author=C. W.", "Title=Market day screening"],
            "{pdf}: the public credit only"
        );
        for (_, object) in doc.objects.iter() {
            let dict = match object {
                lopdf::Object::Dictionary(d) => d,
                lopdf::Object::Stream(s) => &s.dict,
                _ => continue,
            };
            for key in [&b"Metadata"[..], b"Thumb", b"PieceInfo"] {
                assert!(
                    !dict.has(key),
                    "{pdf} keeps /{}",
                    String::from_utf8_lossy(key)
                );
            }
            assert!(!dict.has_type(b"Metadata"), "{pdf} keeps an XMP stream");
            assert_ne!(
                dict.get(b"Subtype").and_then(|s| s.as_name()).ok(),
                Some(&b"Text"[..]),
                "{pdf} keeps a comment"
            );
        }
        assert!(!bytes.windows(7).any(|w| w == b"xmpmeta"));
    }
}

#[test]
fn unconsented_and_uncleanable_media_never_reach_the_output() {
    let (site, run) = built();
    let leaks = leaks(&site.out, "CANARY");
    assert!(leaks.is_empty(), "CANARY in the output: {leaks:#?}");
    for alt in ["BROKEN-VIDEO-ALT", "BROKEN-PDF-ALT", "BROKEN-DOCX-ALT"] {
        let leaks = crate::common::leaks(&site.out, alt);
        assert!(leaks.is_empty(), "refused media shown: {leaks:#?}");
    }
    let page = site.page("contests/kinds/unconsented/index.html");
    assert!(
        !page.contains("media-item"),
        "no unconsented media of any kind"
    );
    assert!(!page.contains("youtube"), "no unconsented external video");
    assert!(output_files(&site, ".docx").is_empty());
    assert!(
        !site.files().iter().any(|f| f.contains("broken-files")
            && !f.ends_with(".html")
            && !f.starts_with("cite/"))
    );
    let err = run.stderr();
    for expected in [
        "broken-files/index.md: `media.file`: video `broken.mp4` (content/contests/kinds/broken-files/broken.mp4) not published: not an MP4/QuickTime file",
        "broken-files/index.md: `media.file`: document `broken.pdf` (content/contests/kinds/broken-files/broken.pdf) not published: cannot read the PDF",
        "broken-files/index.md:17: `media.file`: this is an office document",
        "hint: export it as PDF",
        "external-video/index.md:14: `media.transcript`: `../local-video/transcript.md` is outside the entry folder",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
}

#[test]
fn check_reports_missing_sections_and_videos_without_captions() {
    let site = Site::fixture("media-kinds");
    let run = site.command(&["check", "--as-of", AS_OF, "--verbose"]);
    let out = format!("{}{}", run.stdout(), run.stderr());
    assert!(
        out.contains(
            "missing-section/index.md: case study without the section(s): Effectiveness, Next steps"
        ),
        "{out}"
    );
    assert!(out.contains("phone-mov/index.md: `media.captions`: video `clip.mov` has no captions and no transcript"), "{out}");
    assert!(
        !out.contains("local-video/index.md: `media.captions`"),
        "{out}"
    );
    assert!(!out.contains("pdf-case/index.md: case study"), "{out}");
}

#[test]
fn case_studies_get_contents_word_counts_and_the_call_limits() {
    let (site, _) = built();
    let page = site.page("contests/kinds/local-video/index.html");
    assert!(
        page.contains("<nav class=\"toc\""),
        "in-page table of contents"
    );
    for (id, title) in [
        ("testing-model", "Testing model"),
        ("next-steps", "Next steps"),
    ] {
        assert!(page.contains(&format!("<li><a href=\"#{id}\">{title}</a></li>")));
        assert!(page.contains(&format!("<h2 id=\"{id}\">")));
    }
    // 4 headings (6 words) + "Two friends test together." (4) + 它是新的 (4) + 2 + 2 words.
    assert!(page.contains("<dd>18 words</dd>"), "{}", main_of(&page));
    assert!(page.contains("the call asked for 300–500 words"));
    let contest = site.page("contests/kinds/index.html");
    assert!(contest.contains(
        "<li>Testing model</li><li>Innovation</li><li>Effectiveness</li><li>Next steps</li>"
    ));
    assert!(contest.contains("the call asked for 300–500 words"));
}

#[test]
fn structured_data_follows_the_media_kind() {
    let (site, _) = built();
    let ld = |page: &str| {
        let html = site.page(page);
        let start = html
            .find("<script type=\"application/ld+json\">")
            .expect("JSON-LD")
            + "<script type=\"application/ld+json\">".len();
        let end = start + html[start..].find("</script>").expect("end of JSON-LD");
        let value: serde_json::Value = serde_json::from_str(&html[start..end]).expect("JSON");
        value["@type"].as_str().unwrap_or_default().to_string()
    };
    assert_eq!(ld("contests/kinds/local-video/index.html"), "VideoObject");
    assert_eq!(
        ld("contests/kinds/external-video/index.html"),
        "VideoObject"
    );
    assert_eq!(ld("contests/kinds/song/index.html"), "AudioObject");
    // The contest asks for case-study sections: a written case is a scholarly article.
    assert_eq!(ld("contests/kinds/pdf-case/index.html"), "ScholarlyArticle");
}
