//! What published images look like: upright, in sRGB, without metadata, in the configured
//! formats, and loaded eagerly when first on the page.

use super::generate::*;
use super::*;
use crate::common::*;
use image::DynamicImage;

/// 64×32 grey, red in the stored top-left corner, green in the stored top-right corner.
fn marked() -> Vec<u8> {
    let rgb = pixels(64, 32, |x, y| match (x, y) {
        (0..16, 0..16) => [230, 20, 20],
        (48..64, 0..16) => [20, 200, 20],
        _ => [128, 128, 128],
    });
    jpeg(64, 32, &rgb, false)
}

#[test]
fn every_exif_orientation_is_applied_to_the_pixels() {
    // Where the stored top-left (red) and top-right (green) corners must appear when displayed.
    let expected = [
        (1, "TL", "TR"),
        (2, "TR", "TL"),
        (3, "BR", "BL"),
        (4, "BL", "BR"),
        (5, "TL", "BL"),
        (6, "TR", "BR"),
        (7, "BR", "TR"),
        (8, "BL", "TL"),
    ];
    let entries: Vec<_> = expected
        .iter()
        .map(|(n, _, _)| {
            let bytes = with_segments(&marked(), &[(0xE1, exif(*n, false, None))]);
            (format!("orient-{n}"), bytes)
        })
        .collect();
    let site = site_with(
        &entries
            .iter()
            .map(|(slug, bytes)| (slug.as_str(), "photo.jpg", bytes.clone()))
            .collect::<Vec<_>>(),
    );
    site.build(&[]).success();
    for (n, red, green) in expected {
        let out = largest(&site, &format!("orient-{n}"));
        let (w, h) = if n <= 4 { (64, 32) } else { (32, 64) };
        let size = image::load_from_memory(&out).expect("decodes");
        assert_eq!(
            (size.width(), size.height()),
            (w, h),
            "orientation {n}: size"
        );
        let at = |corner: &str| match corner {
            "TL" => colour_at(&out, 4, 4),
            "TR" => colour_at(&out, w - 5, 4),
            "BL" => colour_at(&out, 4, h - 5),
            _ => colour_at(&out, w - 5, h - 5),
        };
        assert!(
            close(at(red), [230, 20, 20], 40),
            "orientation {n}: red expected {red}, found {:?}",
            at(red)
        );
        assert!(
            close(at(green), [20, 200, 20], 40),
            "orientation {n}: green expected {green}, found {:?}",
            at(green)
        );
        assert_eq!(
            image_metadata(&out),
            Vec::<String>::new(),
            "orientation {n}: no tag is written"
        );
    }
}

#[test]
fn no_metadata_survives_and_names_never_reveal_the_original() {
    let thumbnail = with_segments(
        &jpeg(8, 8, &[200; 192], false),
        &[(0xFE, b"LEAK-THUMB".to_vec())],
    );
    let photo = with_segments(
        &jpeg(
            640,
            480,
            &pixels(640, 480, |x, y| [(x % 256) as u8, (y % 256) as u8, 90]),
            true,
        ),
        &[
            (0xE1, exif(1, true, Some(&thumbnail))),
            (0xE1, xmp()),
            (0xED, iptc()),
            (0xE2, icc_segment(&display_p3())),
            (0xFE, b"LEAK-COMMENT from the camera owner".to_vec()),
        ],
    );
    let site = site_with(&[("loaded", "jane-doe-at-clinic.jpg", photo)]);
    site.build(&[]).success();
    let files = outputs(&site, "loaded");
    assert_eq!(files.len(), 2, "360 and 640 (its own width): {files:?}");
    let webp = webp_outputs(&site, "loaded");
    assert!(!webp.is_empty(), "WebP beside the JPEGs");
    for file in files.iter().chain(&webp) {
        let bytes = std::fs::read(site.out.join(file)).unwrap();
        assert_eq!(image_metadata(&bytes), Vec::<String>::new(), "{file}");
        assert!(
            file.rsplit('/').next().unwrap().starts_with("loaded-"),
            "{file}"
        );
    }
    let leaks = leaks(&site.out, "LEAK-");
    assert!(leaks.is_empty(), "metadata reached the output: {leaks:#?}");
    assert!(
        leaks_name(&site, "jane"),
        "the original file name never appears"
    );
}

fn leaks_name(site: &Site, needle: &str) -> bool {
    crate::common::leaks(&site.out, needle).is_empty()
}

#[test]
fn colours_reach_srgb_from_every_supported_kind_of_file() {
    let rgb16 = image::ImageBuffer::from_pixel(40, 30, image::Rgb([0x3333u16, 0x9999, 0xCCCC]));
    let mut rgba = image::RgbaImage::from_pixel(40, 30, image::Rgba([20, 40, 200, 255]));
    for x in 0..20 {
        for y in 0..30 {
            rgba.put_pixel(x, y, image::Rgba([0, 0, 0, 0]));
        }
    }
    let gif = {
        let mut out = std::io::Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
            40,
            30,
            image::Rgb([250, 250, 0]),
        ))
        .write_to(&mut out, image::ImageFormat::Gif)
        .unwrap();
        out.into_inner()
    };
    let webp = {
        let mut out = std::io::Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
            40,
            30,
            image::Rgb([0, 120, 240]),
        ))
        .write_to(&mut out, image::ImageFormat::WebP)
        .unwrap();
        out.into_inner()
    };
    let p3 = with_segments(
        &jpeg(40, 30, &[200, 100, 50].repeat(1200), false),
        &[(0xE2, icc_segment(&display_p3()))],
    );
    let site = site_with(&[
        (
            "cmyk-naive",
            "poster.jpg",
            cmyk_jpeg(40, 30, [0, 255, 0, 0], None),
        ),
        (
            "cmyk-profile",
            "poster.jpg",
            cmyk_jpeg(40, 30, [0, 255, 0, 0], Some(&green_cmyk_profile())),
        ),
        ("p3", "photo.jpg", p3),
        (
            "png16",
            "chart.png",
            png(40, 30, DynamicImage::ImageRgb16(rgb16)),
        ),
        (
            "alpha",
            "logo.png",
            png(40, 30, DynamicImage::ImageRgba8(rgba)),
        ),
        ("gif", "anim.gif", gif),
        ("webp", "photo.webp", webp),
        (
            "progressive",
            "photo.jpg",
            jpeg(40, 30, &[10, 150, 90].repeat(1200), true),
        ),
    ]);
    let run = site.build(&[]).success();
    assert!(!run.stderr().contains("not published"), "{}", run.stderr());
    let at = |slug: &str| colour_at(&largest(&site, slug), 30, 15);
    assert!(
        close(at("cmyk-naive"), [255, 0, 255], 30),
        "naive CMYK magenta: {:?}",
        at("cmyk-naive")
    );
    let green = at("cmyk-profile");
    assert!(
        green[1] > green[0] + 40 && green[1] > green[2] + 40,
        "the CMYK profile was applied: {green:?}"
    );
    let p3 = at("p3");
    assert!(
        p3[0] > 205 && p3[2] < 45,
        "Display P3 converted to sRGB: {p3:?}"
    );
    assert!(
        close(at("png16"), [0x33, 0x99, 0xCC], 3),
        "16-bit PNG: {:?}",
        at("png16")
    );
    assert!(close(at("gif"), [250, 250, 0], 12), "GIF: {:?}", at("gif"));
    assert!(
        close(at("webp"), [0, 120, 240], 12),
        "WebP: {:?}",
        at("webp")
    );
    assert!(
        close(at("progressive"), [10, 150, 90], 12),
        "progressive: {:?}",
        at("progressive")
    );
    let alpha = outputs(&site, "alpha");
    assert!(
        alpha.iter().all(|f| f.ends_with(".png")),
        "transparency keeps PNG: {alpha:?}"
    );
    let logo = largest(&site, "alpha");
    assert_eq!(
        colour_at(&logo, 5, 5)[3],
        0,
        "transparent stays transparent"
    );
    assert!(close(colour_at(&logo, 30, 5), [20, 40, 200], 2));
    for slug in ["cmyk-profile", "p3", "png16", "alpha"] {
        assert_eq!(
            image_metadata(&largest(&site, slug)),
            Vec::<String>::new(),
            "{slug}"
        );
    }
}

#[test]
fn webp_and_flattening_follow_the_settings() {
    let mut rgba = image::RgbaImage::from_pixel(40, 30, image::Rgba([20, 40, 200, 255]));
    rgba.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
    for x in 0..10 {
        for y in 0..10 {
            rgba.put_pixel(x, y, image::Rgba([0, 0, 0, 0]));
        }
    }
    let site = site_with(&[
        (
            "photo",
            "a.jpg",
            jpeg(800, 600, &[50, 100, 150].repeat(480_000), false),
        ),
        (
            "logo",
            "logo.png",
            png(40, 30, DynamicImage::ImageRgba8(rgba)),
        ),
    ]);
    site.write(
        "sesh.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\n[images]\nwebp = true\nbackground = \"#ff0000\"\n",
    );
    site.build(&[]).success();
    let files = webp_outputs(&site, "photo");
    assert_eq!(files.len(), 3, "{files:?}");
    for file in &files {
        let webp = std::fs::read(site.out.join(file)).unwrap();
        assert!(webp.starts_with(b"RIFF"), "{file}");
        assert_eq!(image_metadata(&webp), Vec::<String>::new(), "{file}");
        let jpg = std::fs::read(site.out.join(file.replace(".webp", ".jpg"))).unwrap();
        assert!(
            webp.len() < jpg.len(),
            "{file}: WebP only where it is smaller"
        );
    }
    // The metadata check reads WebP chunks: a planted EXIF chunk is found.
    let planted = [&b"RIFF\x14\0\0\0WEBPEXIF\x04\0\0\0"[..], b"LEAK"].concat();
    assert_eq!(image_metadata(&planted), ["WebP EXIF chunk"]);
    let page = site.page("contests/images/photo/index.html");
    assert!(
        page.contains("<picture><source type=\"image/webp\" srcset=\""),
        "{page}"
    );
    assert!(
        broken_links(&site.out, "/").is_empty(),
        "{:?}",
        broken_links(&site.out, "/")
    );
    let logo = outputs(&site, "logo");
    assert!(
        logo.iter().any(|f| f.ends_with(".jpg")),
        "flattened to JPEG: {logo:?}"
    );
    let jpg = std::fs::read(
        site.out
            .join(logo.iter().find(|f| f.ends_with(".jpg")).unwrap()),
    )
    .unwrap();
    assert!(
        close(colour_at(&jpg, 3, 3), [255, 0, 0], 30),
        "{:?}",
        colour_at(&jpg, 3, 3)
    );
    site.write(
        "sesh.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\n[images]\nwebp = false\n",
    );
    site.build(&[]).success();
    assert!(webp_outputs(&site, "photo").is_empty(), "webp = false");
    let page = site.page("contests/images/photo/index.html");
    assert!(!page.contains("<picture>"), "{page}");
}

#[test]
fn the_first_image_of_an_entry_page_is_not_lazy() {
    let site = site_with(&[("first", "a.jpg", jpeg(400, 300, &[50; 360_000], false))]);
    site.build(&[]).success();
    let page = site.page("contests/images/first/index.html");
    let img = &page[page.find("<img").expect("an image")..];
    let img = &img[..img.find('>').unwrap()];
    assert!(
        img.contains("fetchpriority=\"high\"") && !img.contains("loading=\"lazy\""),
        "{img}"
    );
    assert!(
        img.contains("width=\"400\" height=\"300\"") && img.contains("alt=\"Image of first\""),
        "{img}"
    );
}
