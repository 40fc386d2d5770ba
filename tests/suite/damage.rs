//! Media cleaning fails closed on damaged files: a few hundred deterministic damaged copies of
//! real, canary-carrying MP4, M4A, MOV and PDF files (tests/fixtures/media-damage/) are built
//! end to end, and no canary, no recording place and no metadata may reach the output; every
//! refusal is reported with its file. A refused video takes its poster, captions and transcript
//! along, and the output scan checks videos and documents as it checks images.

use crate::common::*;
use std::ops::Range;
use std::path::Path;
use std::process::Command;

/// xorshift64*: the same damaged copies on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick(&mut self, ranges: &[Range<usize>]) -> usize {
        let total: usize = ranges.iter().map(|r| r.len()).sum();
        let mut at = self.below(total);
        for r in ranges {
            if at < r.len() {
                return r.start + at;
            }
            at -= r.len();
        }
        0
    }
}

/// Every byte of an MP4 but the media data's payload (where the metadata is).
fn structure(data: &[u8]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 8 <= data.len() {
        let size = u32::from_be_bytes(data[at..at + 4].try_into().unwrap()) as usize;
        let size = if size == 0 { data.len() - at } else { size };
        let end = (at + size.max(8)).min(data.len());
        match &data[at + 4..at + 8] {
            b"mdat" => out.push(at..at + 8),
            _ => out.push(at..end),
        }
        at = end;
    }
    out
}

fn positions(data: &[u8], needle: &[u8]) -> Vec<usize> {
    data.windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

/// (name, bytes) of every damaged copy of `original`.
fn damaged(name: &str, original: &[u8], rng: &mut Rng) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let pdf = original.starts_with(b"%PDF");
    let everywhere: Vec<Range<usize>> = std::iter::once(0..original.len()).collect();
    let header = if pdf {
        everywhere.to_vec()
    } else {
        structure(original)
    };
    let mut add = |kind: &str, bytes: Vec<u8>| out.push((format!("{kind}-{name}"), bytes));
    for i in 0..60 {
        let mut copy = original.to_vec();
        for _ in 0..1 + i % 3 {
            let at = rng.pick(&header);
            copy[at] ^= 1 << rng.below(8);
        }
        add(&format!("flip{i}"), copy);
    }
    for i in 0..10 {
        let mut copy = original.to_vec();
        let at = rng.pick(&everywhere);
        copy[at] ^= 1 << rng.below(8);
        add(&format!("anyflip{i}"), copy);
    }
    for i in 0..8 {
        let n = rng.below(original.len());
        add(&format!("cut{i}"), original[..n].to_vec());
    }
    let names: &[&[u8]] = if pdf {
        &[
            b"/Author",
            b"/Creator",
            b"/Producer",
            b"/Title",
            b"/Metadata",
            b"/Info",
            b"/Root",
            b"/Type",
            b"/Subtype",
            b"/Length",
            b"/Filter",
            b"/Pages",
            b"/Kids",
            b"/Prev",
            b"trailer",
            b"startxref",
            b"xref",
            b"endobj",
            b"endstream",
            b"<<",
            b">>",
        ]
    } else {
        &[
            b"udta", b"meta", b"uuid", b"ilst", b"keys", b"loci", b"\xa9xyz", b"\xa9ART",
            b"\xa9mak", b"XMP_", b"moov", b"trak", b"mdia", b"minf", b"stbl", b"stsd", b"avc1",
            b"mp4a", b"hdlr", b"mdat", b"free", b"stco", b"stsz",
        ]
    };
    for (k, needle) in names.iter().enumerate() {
        for (n, at) in positions(original, needle).into_iter().take(3).enumerate() {
            let mut copy = original.to_vec();
            copy[at + needle.len() - 1] ^= 0x01;
            add(&format!("rename{k}x{n}"), copy);
            if !pdf && at >= 4 {
                // The box's size, one too large or too small.
                let mut copy = original.to_vec();
                let size = u32::from_be_bytes(copy[at - 4..at].try_into().unwrap());
                let size = if n % 2 == 0 {
                    size.wrapping_add(1)
                } else {
                    size.wrapping_sub(1)
                };
                copy[at - 4..at].copy_from_slice(&size.to_be_bytes());
                add(&format!("size{k}x{n}"), copy);
            }
        }
    }
    if pdf {
        let dicts = positions(original, b"<<");
        for i in 0..12 {
            let at = dicts[rng.below(dicts.len())] + 2;
            let mut copy = original[..at].to_vec();
            let key = [
                "/Author (CANARY dup) ",
                "/Metadata 1 0 R ",
                "/Creator (CANARY dup) /Info 1 0 R ",
            ][i % 3];
            copy.extend_from_slice(key.as_bytes());
            copy.extend_from_slice(&original[at..]);
            add(&format!("dup{i}"), copy);
        }
    }
    out
}

/// A site with one entry per damaged copy, each listing its copy as a consented media item.
fn damage_site() -> (Site, Vec<String>) {
    let site = Site::fixture("media-and-credits");
    std::fs::remove_dir_all(site.path("content/contests")).unwrap();
    site.write(
        "content/contests/damage/_index.md",
        "+++\ntitle = \"Damaged files\"\n+++\n",
    );
    let dir = repo().join("tests/fixtures/media-damage");
    let mut rng = Rng(0x5e5e_0001);
    let mut entries = Vec::new();
    for name in ["phone.mp4", "voice.m4a", "clip.mov", "case.pdf"] {
        let original = std::fs::read(dir.join(name)).unwrap();
        assert!(
            original.windows(6).any(|w| w == b"CANARY"),
            "{name} carries a canary"
        );
        let mut copies = vec![("original-".to_string() + name, original.clone())];
        copies.extend(damaged(name, &original, &mut rng));
        for (file, bytes) in copies {
            let slug = format!("e{:04}", entries.len());
            site.write(
                &format!("content/contests/damage/{slug}/index.md"),
                &format!(
                    "+++\ntitle = \"Entry {slug}\"\n[consent]\npublish = true\nimages = true\n[[media]]\nfile = \"{file}\"\nalt = \"A damaged file\"\n+++\n"
                ),
            );
            std::fs::write(
                site.path(&format!("content/contests/damage/{slug}/{file}")),
                bytes,
            )
            .unwrap();
            entries.push(slug);
        }
    }
    (site, entries)
}

/// Every FlateDecode-looking stream of a PDF, inflated (what a byte search cannot see).
fn inflated(pdf: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    for start in positions(pdf, b"stream") {
        let mut at = start + 6;
        while matches!(pdf.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        let mut plain = Vec::new();
        let _ = flate2::read::ZlibDecoder::new(&pdf[at..])
            .take(50 << 20)
            .read_to_end(&mut plain);
        out.extend(plain);
    }
    out
}

/// Every metadata tag ExifTool finds in the files under `dir` that holds a canary or a place,
/// or `None` without ExifTool.
fn exiftool(dir: &Path) -> Option<Vec<String>> {
    let output = Command::new("exiftool")
        .args([
            "-a", "-G1", "-q", "-q", "-r", "-ext", "mp4", "-ext", "m4a", "-ext", "mov",
        ])
        .args(["-ext", "pdf", "-ext", "jpg", "-ext", "vtt"])
        .arg(dir)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(text.contains("File Name"), "exiftool read nothing: {text}");
    Some(
        text.lines()
            .filter(|l| {
                let l = l.to_lowercase();
                l.contains("canary")
                    || l.contains("gps")
                    || l.contains("location")
                    || l.starts_with("[xmp")
                    || l.contains("22.319")
            })
            .map(String::from)
            .collect(),
    )
}

#[test]
fn damaged_media_is_refused_or_published_clean_and_every_refusal_is_reported() {
    let (site, entries) = damage_site();
    let run = site.build(&[]).success();
    let stderr = run.stderr();
    let mut published = 0;
    let mut refused = 0;
    for slug in &entries {
        let folder = format!("contests/damage/{slug}/");
        let files: Vec<String> = site
            .files()
            .into_iter()
            .filter(|f| f.starts_with(&folder) && !f.ends_with(".html"))
            .collect();
        let warned = stderr.lines().any(|l| {
            l.contains(&format!("damage/{slug}/index.md")) && l.contains("not published:")
        });
        match (files.len(), warned) {
            (1, false) => published += 1,
            (0, true) => refused += 1,
            other => panic!("{slug}: {files:?}, warned: {other:?}\n{stderr}"),
        }
    }
    for file in site.files() {
        let bytes = std::fs::read(site.out.join(&file)).unwrap();
        let mut searched = bytes.clone();
        if bytes.starts_with(b"%PDF") {
            searched.extend(inflated(&bytes));
        }
        for canary in [
            &b"CANARY"[..],
            b"+22.3193",
            b"114.1694",
            b"Exif\0\0",
            b"xmpmeta",
        ] {
            assert!(
                !searched.windows(canary.len()).any(|w| w == canary),
                "{file} holds {}",
                String::from_utf8_lossy(canary)
            );
        }
        let left = sesh::audit::metadata::leftovers(&bytes);
        assert!(left.is_empty(), "{file}: {left:?}");
    }
    eprintln!(
        "damaged media: {} files ({} originals), {published} published clean, {refused} refused",
        entries.len(),
        4
    );
    assert!(
        entries.len() >= 300,
        "a few hundred copies: {}",
        entries.len()
    );
    assert!(
        published >= 4 + 50 && refused >= 50,
        "{published} published, {refused} refused"
    );
    let installed = Command::new("exiftool").arg("-ver").output().is_ok();
    if tool_ready(
        "exiftool (Debian package libimage-exiftool-perl)",
        installed,
    ) {
        let found = exiftool(&site.out).unwrap();
        assert!(
            found.is_empty(),
            "ExifTool finds metadata in the output:\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn a_refused_video_takes_its_poster_captions_and_transcript_along() {
    let site = Site::fixture("media-kinds");
    let entry = "content/contests/kinds/local-video";
    let mut video = std::fs::read(site.path(&format!("{entry}/clip.mp4"))).unwrap();
    // A damaged sample table: playback needs it, so the video is refused.
    let at = video.windows(4).position(|w| w == b"stsz").unwrap();
    video[at + 12] ^= 0x40;
    std::fs::write(site.path(&format!("{entry}/clip.mp4")), video).unwrap();
    let run = site.build(&[]).success();
    let stderr = run.stderr();
    assert!(
        stderr.contains("video `clip.mp4`")
            && stderr.contains("not published:")
            && stderr.contains("so are its poster, captions, transcript"),
        "{stderr}"
    );
    let folder = "contests/kinds/local-video/";
    let left: Vec<String> = site
        .files()
        .into_iter()
        .filter(|f| f.starts_with(folder) && !f.ends_with("index.html"))
        .collect();
    assert!(
        left.is_empty(),
        "no poster, captions or player page: {left:?}"
    );
    let page = site.page(&format!("{folder}index.html"));
    for gone in [
        "<video",
        "<track",
        "og:image",
        "VideoObject",
        "Transcript",
        "transcript",
    ] {
        assert!(!page.contains(gone), "the entry page still has {gone}");
    }
    let contest = site.page("contests/kinds/index.html");
    let card = contest
        .split("href=\"/contests/kinds/local-video/\"")
        .nth(1)
        .unwrap_or("");
    let card = &card[..card.find("</li>").unwrap_or(card.len())];
    assert!(
        !card.contains("<img"),
        "no card image from the poster: {card}"
    );
    let data = site.page("data/entries.json");
    let record = data.split("\"local-video\"").nth(1).unwrap_or("");
    let record = &record[..record.find('}').unwrap_or(record.len())];
    assert!(
        !record.contains(".jpg") && !record.contains(".mp4"),
        "{record}"
    );
}

#[test]
fn the_output_scan_checks_videos_documents_and_captions() {
    let site = Site::fixture("media-kinds");
    site.build(&[]).success();
    let dir = repo().join("tests/fixtures/media-damage");
    for name in ["phone.mp4", "case.pdf"] {
        std::fs::copy(dir.join(name), site.out.join(format!("planted-{name}"))).unwrap();
    }
    std::fs::write(
        site.out.join("planted.vtt"),
        "WEBVTT\n\nNOTE by a translator\n\n00:00.000 --> 00:01.000\nhi\n",
    )
    .unwrap();
    let run = site.command(&[
        "audit",
        "--as-of",
        AS_OF,
        "--scan-output",
        site.out.to_str().unwrap(),
    ]);
    let out = run.failure().stdout();
    for expected in [
        "planted-phone.mp4: media metadata: a udta box",
        "planted-case.pdf: media metadata: document information other than the title and credit (/Creator)",
        "planted.vtt: media metadata: a NOTE block",
    ] {
        assert!(out.contains(expected), "`{expected}` missing:\n{out}");
    }
}

/// Every input that ever made a media fuzz target fail (fuzz/regressions/), through the same
/// oracle as the fuzz targets: refused by the cleaner or by the independent check, or
/// published with no canary in the MP4's structure (outside samples, codec configuration and
/// numeric fields) or the PDF's objects (outside stream data).
#[test]
fn inputs_that_once_failed_the_fuzzers_are_refused_or_clean() {
    let mut checked = 0;
    for target in ["mp4_clean", "pdf_clean"] {
        let dir = repo().join("fuzz/regressions").join(target);
        for file in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let data = std::fs::read(file.path()).unwrap();
            let public = sesh::media::pdf::Public {
                title: "Public title",
                author: "A. B.",
            };
            let cleaned = match target {
                "mp4_clean" => sesh::media::mp4::clean(&data).map(|c| c.bytes),
                _ => sesh::media::pdf::clean(&data, &public).map(|c| c.bytes),
            };
            let published = cleaned
                .ok()
                .filter(|bytes| sesh::audit::metadata::leftovers(bytes).is_empty());
            if let Some(bytes) = published {
                let metadata_part = match target {
                    "mp4_clean" => mp4_structure(&bytes),
                    _ => outside_streams(&bytes),
                };
                assert!(
                    !metadata_part.windows(6).any(|w| w == b"CANARY"),
                    "{}: a canary survived",
                    file.path().display()
                );
            }
            checked += 1;
        }
    }
    eprintln!("fuzz regressions checked: {checked}");
}

/// A PDF without the data of its streams (the pages' own content): each `/Length` bytes after
/// `stream`, as the writer gives it (stream data may itself hold the word `endstream`).
fn outside_streams(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some(&start) = positions(rest, b"stream\n")
        .iter()
        .find(|&&at| !rest[..at].ends_with(b"end"))
    {
        let head = &rest[..start];
        out.extend_from_slice(head);
        let length = positions(head, b"/Length").last().and_then(|&at| {
            let digits: String = String::from_utf8_lossy(&head[at + 7..])
                .trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse::<usize>().ok()
        });
        rest = &rest[start + 7..];
        let skip = match length {
            Some(n) if n <= rest.len() => n,
            _ => positions(rest, b"endstream")
                .first()
                .copied()
                .unwrap_or(rest.len()),
        };
        rest = &rest[skip..];
    }
    out.extend_from_slice(rest);
    out
}

/// An MP4's bytes but the bodies of boxes that hold content or numbers (as fuzz/mp4_clean).
fn mp4_structure(data: &[u8]) -> Vec<u8> {
    const CONTENT: &[&[u8]] = &[
        b"mdat", b"stsd", b"mvhd", b"tkhd", b"mdhd", b"elst", b"stts", b"ctts", b"stss", b"stps",
        b"sdtp", b"stsc", b"stsz", b"stco", b"co64", b"vmhd", b"smhd",
    ];
    const CONTAINERS: &[&[u8]] = &[
        b"moov", b"trak", b"edts", b"mdia", b"minf", b"dinf", b"stbl",
    ];
    let mut out = Vec::new();
    let mut at = 0;
    while at + 8 <= data.len() {
        let size = u32::from_be_bytes(data[at..at + 4].try_into().unwrap()) as usize;
        let kind = &data[at + 4..at + 8];
        let end = if size == 0 {
            data.len()
        } else {
            (at + size.max(8)).min(data.len())
        };
        out.extend_from_slice(&data[at..at + 8]);
        if CONTAINERS.contains(&kind) {
            out.extend(mp4_structure(&data[at + 8..end]));
        } else if !CONTENT.contains(&kind) {
            out.extend_from_slice(&data[at + 8..end]);
        }
        at = end;
    }
    out.extend_from_slice(&data[at..]);
    out
}
