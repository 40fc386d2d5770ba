//! Draws the bundled example's images: abstract posters and "video stills" with block-letter
//! headlines. No photographs and no people, so the example archive can be shared freely.
//!
//! `cargo run --release --example example_media` rewrites the images listed in `IMAGES`.

use image::{Rgb, RgbImage};

/// (path, kind, headline, palette index, seed)
const IMAGES: &[(&str, Kind, &str, usize, u32)] = &[
    (
        "content/contests/sex-health-images-2014/two-hearts-one-test/poster.jpg",
        Kind::Poster,
        "TEST TOGETHER",
        0,
        11,
    ),
    (
        "content/contests/sex-health-images-2014/clinic-map/poster.jpg",
        Kind::Poster,
        "FIND A CLINIC",
        1,
        12,
    ),
    (
        "content/contests/sex-health-images-2014/umbrella/poster.jpg",
        Kind::Poster,
        "COVER UP",
        2,
        13,
    ),
    (
        "content/contests/sex-health-images-2014/open-door/poster.jpg",
        Kind::Poster,
        "THE DOOR IS OPEN",
        3,
        14,
    ),
    (
        "content/contests/sex-health-images-2014/night-bus/poster.jpg",
        Kind::Poster,
        "LAST BUS HOME",
        4,
        15,
    ),
    (
        "content/contests/sex-health-images-2014/consent-is-sexy/poster.jpg",
        Kind::Poster,
        "ASK FIRST",
        5,
        16,
    ),
    (
        "content/contests/hiv-testing-video/testing-together/still.jpg",
        Kind::Still,
        "TESTING TOGETHER",
        1,
        21,
    ),
    (
        "content/contests/hiv-testing-video/the-quiet-hour/still.jpg",
        Kind::Still,
        "THE QUIET HOUR",
        3,
        22,
    ),
    (
        "content/contests/hiv-testing-video/mirror/still.jpg",
        Kind::Still,
        "MIRROR",
        0,
        23,
    ),
    (
        "content/contests/condom-use-video-2015/pocket-sized/still.jpg",
        Kind::Still,
        "POCKET SIZED",
        2,
        31,
    ),
    (
        "content/contests/condom-use-video-2015/rainy-season/still.jpg",
        Kind::Still,
        "RAINY SEASON",
        4,
        32,
    ),
    (
        "content/contests/heptestcontest-2016/market-day-screening/figure.jpg",
        Kind::Chart,
        "SCREENED PER MONTH",
        1,
        41,
    ),
    (
        "content/contests/heptestcontest-2016/prison-hepatitis-c/figure.jpg",
        Kind::Chart,
        "TESTS AND CURES",
        3,
        42,
    ),
    (
        "content/contests/si-evaluation-2019/community-scorecard/diagram.png",
        Kind::Diagram,
        "SCORECARD",
        2,
        51,
    ),
];

#[derive(Clone, Copy)]
enum Kind {
    Poster,
    Still,
    Chart,
    Diagram,
}

const PALETTES: &[[[u8; 3]; 4]] = &[
    [
        [12, 100, 96],
        [246, 220, 138],
        [250, 246, 238],
        [200, 70, 48],
    ],
    [
        [28, 52, 94],
        [240, 128, 90],
        [248, 244, 236],
        [120, 190, 200],
    ],
    [
        [84, 40, 110],
        [250, 200, 80],
        [247, 242, 250],
        [60, 160, 130],
    ],
    [
        [170, 60, 40],
        [250, 230, 200],
        [252, 248, 242],
        [40, 90, 110],
    ],
    [
        [20, 30, 40],
        [110, 200, 190],
        [240, 244, 246],
        [240, 170, 60],
    ],
    [
        [200, 40, 90],
        [255, 236, 240],
        [255, 250, 252],
        [40, 40, 70],
    ],
];

fn main() {
    for &(path, kind, text, palette, seed) in IMAGES {
        let p = PALETTES[palette % PALETTES.len()];
        let img = match kind {
            Kind::Poster => poster(text, p, seed),
            Kind::Still => still(text, p, seed),
            Kind::Chart => chart(text, p, seed),
            Kind::Diagram => diagram(text, p, seed),
        };
        if let Some(dir) = std::path::Path::new(path).parent() {
            std::fs::create_dir_all(dir).expect("create folder");
        }
        img.save(path).expect("save image");
        println!("wrote {path}");
    }
}

/// A tiny deterministic generator (no dependency, same images on every machine).
struct Lcg(u32);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        self.0 >> 8
    }
    fn range(&mut self, lo: i32, hi: i32) -> i32 {
        lo + (self.next() % (hi - lo).max(1) as u32) as i32
    }
}

fn mix(a: [u8; 3], b: [u8; 3], t: f32) -> Rgb<u8> {
    let m = |x: u8, y: u8| {
        (x as f32 + (y as f32 - x as f32) * t)
            .round()
            .clamp(0.0, 255.0) as u8
    };
    Rgb([m(a[0], b[0]), m(a[1], b[1]), m(a[2], b[2])])
}

fn fill_gradient(img: &mut RgbImage, top: [u8; 3], bottom: [u8; 3]) {
    let h = img.height();
    for (_, y, px) in img.enumerate_pixels_mut() {
        *px = mix(top, bottom, y as f32 / h as f32);
    }
}

fn circle(img: &mut RgbImage, cx: i32, cy: i32, r: i32, c: [u8; 3], alpha: f32) {
    for y in (cy - r).max(0)..(cy + r).min(img.height() as i32) {
        for x in (cx - r).max(0)..(cx + r).min(img.width() as i32) {
            let d = (((x - cx).pow(2) + (y - cy).pow(2)) as f32).sqrt();
            let edge = (r as f32 - d).clamp(0.0, 1.0) * alpha;
            if edge > 0.0 {
                let px = img.get_pixel_mut(x as u32, y as u32);
                *px = mix(px.0, c, edge);
            }
        }
    }
}

fn rect(img: &mut RgbImage, x0: i32, y0: i32, w: i32, h: i32, c: [u8; 3], alpha: f32) {
    for y in y0.max(0)..(y0 + h).min(img.height() as i32) {
        for x in x0.max(0)..(x0 + w).min(img.width() as i32) {
            let px = img.get_pixel_mut(x as u32, y as u32);
            *px = mix(px.0, c, alpha);
        }
    }
}

/// 5×7 block letters.
fn glyph(c: char) -> [&'static str; 7] {
    match c {
        'A' => [
            " ### ", "#   #", "#   #", "#####", "#   #", "#   #", "#   #",
        ],
        'B' => [
            "#### ", "#   #", "#   #", "#### ", "#   #", "#   #", "#### ",
        ],
        'C' => [
            " ####", "#    ", "#    ", "#    ", "#    ", "#    ", " ####",
        ],
        'D' => [
            "#### ", "#   #", "#   #", "#   #", "#   #", "#   #", "#### ",
        ],
        'E' => [
            "#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#####",
        ],
        'F' => [
            "#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#    ",
        ],
        'G' => [
            " ####", "#    ", "#    ", "#  ##", "#   #", "#   #", " ####",
        ],
        'H' => [
            "#   #", "#   #", "#   #", "#####", "#   #", "#   #", "#   #",
        ],
        'I' => [
            "#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "#####",
        ],
        'J' => [
            "  ###", "    #", "    #", "    #", "#   #", "#   #", " ### ",
        ],
        'K' => [
            "#   #", "#  # ", "# #  ", "##   ", "# #  ", "#  # ", "#   #",
        ],
        'L' => [
            "#    ", "#    ", "#    ", "#    ", "#    ", "#    ", "#####",
        ],
        'M' => [
            "#   #", "## ##", "# # #", "# # #", "#   #", "#   #", "#   #",
        ],
        'N' => [
            "#   #", "##  #", "# # #", "#  ##", "#   #", "#   #", "#   #",
        ],
        'O' => [
            " ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### ",
        ],
        'P' => [
            "#### ", "#   #", "#   #", "#### ", "#    ", "#    ", "#    ",
        ],
        'Q' => [
            " ### ", "#   #", "#   #", "#   #", "# # #", "#  # ", " ## #",
        ],
        'R' => [
            "#### ", "#   #", "#   #", "#### ", "# #  ", "#  # ", "#   #",
        ],
        'S' => [
            " ####", "#    ", "#    ", " ### ", "    #", "    #", "#### ",
        ],
        'T' => [
            "#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ",
        ],
        'U' => [
            "#   #", "#   #", "#   #", "#   #", "#   #", "#   #", " ### ",
        ],
        'V' => [
            "#   #", "#   #", "#   #", "#   #", "#   #", " # # ", "  #  ",
        ],
        'W' => [
            "#   #", "#   #", "#   #", "# # #", "# # #", "## ##", "#   #",
        ],
        'X' => [
            "#   #", "#   #", " # # ", "  #  ", " # # ", "#   #", "#   #",
        ],
        'Y' => [
            "#   #", "#   #", " # # ", "  #  ", "  #  ", "  #  ", "  #  ",
        ],
        'Z' => [
            "#####", "    #", "   # ", "  #  ", " #   ", "#    ", "#####",
        ],
        '?' => [
            " ### ", "#   #", "    #", "   # ", "  #  ", "     ", "  #  ",
        ],
        '!' => [
            "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "     ", "  #  ",
        ],
        _ => ["     "; 7],
    }
}

/// Draws `text` with its top-left at (x, y), each glyph cell `scale` pixels, wrapping words.
fn headline(
    img: &mut RgbImage,
    text: &str,
    x: i32,
    y: i32,
    scale: i32,
    max_w: i32,
    c: [u8; 3],
) -> i32 {
    let advance = 6 * scale;
    let mut cx = x;
    let mut cy = y;
    for word in text.split(' ') {
        let w = word.chars().count() as i32 * advance;
        if cx > x && cx + w > x + max_w {
            cx = x;
            cy += 9 * scale;
        }
        for ch in word.chars() {
            for (row, bits) in glyph(ch).iter().enumerate() {
                for (col, b) in bits.chars().enumerate() {
                    if b == '#' {
                        rect(
                            img,
                            cx + col as i32 * scale,
                            cy + row as i32 * scale,
                            scale,
                            scale,
                            c,
                            1.0,
                        );
                    }
                }
            }
            cx += advance;
        }
        cx += advance;
    }
    cy + 7 * scale
}

fn poster(text: &str, p: [[u8; 3]; 4], seed: u32) -> RgbImage {
    let (w, h) = (900, 1200);
    let mut img = RgbImage::new(w, h);
    let mut rng = Lcg(seed);
    fill_gradient(&mut img, p[0], mix(p[0], [0, 0, 0], 0.35).0);
    for _ in 0..7 {
        let r = rng.range(60, 260);
        circle(
            &mut img,
            rng.range(0, w as i32),
            rng.range(300, h as i32),
            r,
            if rng.next().is_multiple_of(2) {
                p[1]
            } else {
                p[3]
            },
            0.55,
        );
    }
    rect(&mut img, 60, 70, 120, 14, p[1], 1.0);
    let bottom = headline(&mut img, text, 60, 120, 16, w as i32 - 120, p[2]);
    for i in 0..3 {
        rect(
            &mut img,
            60,
            bottom + 50 + i * 34,
            rng.range(300, 700),
            14,
            p[2],
            0.8,
        );
    }
    rect(&mut img, 0, h as i32 - 120, w as i32, 120, p[2], 1.0);
    circle(&mut img, 120, h as i32 - 60, 34, p[0], 1.0);
    rect(&mut img, 180, h as i32 - 72, 260, 12, p[0], 1.0);
    rect(&mut img, 180, h as i32 - 50, 180, 10, p[3], 1.0);
    img
}

fn still(text: &str, p: [[u8; 3]; 4], seed: u32) -> RgbImage {
    let (w, h) = (1280, 720);
    let mut img = RgbImage::new(w, h);
    let mut rng = Lcg(seed);
    fill_gradient(&mut img, p[3], p[2]);
    circle(
        &mut img,
        rng.range(200, 1100),
        rng.range(120, 260),
        90,
        p[1],
        0.9,
    );
    // A skyline of buildings with lit windows.
    let mut x = 0;
    while x < w as i32 {
        let bw = rng.range(70, 160);
        let bh = rng.range(160, 420);
        rect(&mut img, x, h as i32 - bh, bw - 6, bh, p[0], 0.92);
        for wy in (h as i32 - bh + 20..h as i32 - 30).step_by(34) {
            for wx in (x + 12..x + bw - 24).step_by(26) {
                if !rng.next().is_multiple_of(3) {
                    rect(&mut img, wx, wy, 12, 16, p[1], 0.85);
                }
            }
        }
        x += bw;
    }
    rect(&mut img, 0, 0, w as i32, 110, [0, 0, 0], 0.45);
    headline(&mut img, text, 48, 30, 7, w as i32 - 96, [255, 255, 255]);
    rect(&mut img, 0, h as i32 - 56, w as i32, 56, [0, 0, 0], 0.55);
    rect(&mut img, 48, h as i32 - 32, 400, 8, [255, 255, 255], 0.9);
    img
}

fn chart(text: &str, p: [[u8; 3]; 4], seed: u32) -> RgbImage {
    let (w, h) = (1200, 800);
    let mut img = RgbImage::new(w, h);
    let mut rng = Lcg(seed);
    fill_gradient(&mut img, p[2], p[2]);
    headline(&mut img, text, 60, 50, 6, w as i32 - 120, p[0]);
    let base = h as i32 - 100;
    rect(&mut img, 80, base, w as i32 - 160, 4, p[0], 1.0);
    let mut value = rng.range(80, 160);
    for i in 0..12 {
        value = (value + rng.range(-20, 60)).clamp(40, 520);
        rect(
            &mut img,
            100 + i * 86,
            base - value,
            60,
            value,
            if i >= 8 { p[3] } else { p[0] },
            0.9,
        );
    }
    img
}

fn diagram(text: &str, p: [[u8; 3]; 4], seed: u32) -> RgbImage {
    let (w, h) = (1200, 800);
    let mut img = RgbImage::new(w, h);
    let mut rng = Lcg(seed);
    fill_gradient(&mut img, p[2], p[2]);
    headline(&mut img, text, 60, 50, 7, w as i32 - 120, p[0]);
    for row in 0..4 {
        let y = 180 + row * 140;
        rect(&mut img, 60, y, 300, 100, p[0], 0.9);
        for col in 0..5 {
            let score = rng.range(0, 3);
            let c = [p[3], p[1], p[0]][score as usize];
            circle(&mut img, 460 + col * 150, y + 50, 40, c, 1.0);
        }
    }
    img
}
