//! Drives sesh's image pipeline directly, for `bench/images.sh` (run by hand, not by `cargo test`).
//!
//! ```text
//! image_bench photo OUT.jpg WIDTH HEIGHT SEED      a deterministic photo-like JPEG (quality 90)
//! image_bench site DIR COUNT [--no-images]        a site with COUNT entries of one 2 MP photo each
//! image_bench run OUTDIR WIDTHS FILE...           every FILE through the pipeline (rayon threads)
//! ```

use rayon::prelude::*;
use sesh::config::ImageSettings;
use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("photo") if args.len() == 5 => photo_file(&args[1], num(&args[2]), num(&args[3]), num(&args[4]) as u64),
        Some("site") if args.len() >= 3 => site(Path::new(&args[1]), num(&args[2]), args.iter().any(|a| a == "--no-images")),
        Some("run") if args.len() >= 4 => run(Path::new(&args[1]), &args[2], &args[3..]),
        _ => Err("usage: image_bench photo OUT W H SEED | site DIR COUNT [--no-images] | run OUTDIR WIDTHS FILE...".into()),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn num(s: &str) -> u32 {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s}"))
}

/// Smooth gradients, value noise at four scales and per-pixel sensor noise: compresses like a
/// photograph (about 2.7 MB for 12 MP at quality 90), unlike flat colour.
fn photo(w: u32, h: u32, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut rnd = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let grids: Vec<(u32, u32, Vec<f32>)> = [640u32, 160, 40, 10]
        .iter()
        .map(|&cell| {
            let gw = w / cell + 2;
            let values = (0..gw * (h / cell + 2) * 3)
                .map(|_| (rnd() % 1000) as f32 / 1000.0 - 0.5)
                .collect();
            (cell, gw, values)
        })
        .collect();
    let amplitude = [90.0f32, 45.0, 22.0, 12.0];
    let mut out = vec![0u8; (w * h * 3) as usize];
    for y in 0..h {
        let t = y as f32 / h as f32;
        for x in 0..w {
            let mut c = [
                60.0 + 150.0 * (1.0 - t),
                110.0 + 80.0 * (1.0 - t),
                200.0 - 120.0 * t,
            ];
            for ((cell, gw, v), amp) in grids.iter().zip(amplitude) {
                let (fx, fy) = (x as f32 / *cell as f32, y as f32 / *cell as f32);
                let (x0, y0) = (fx as u32, fy as u32);
                let (dx, dy) = (fx - x0 as f32, fy - y0 as f32);
                for (ch, value) in c.iter_mut().enumerate() {
                    let g = |xx: u32, yy: u32| v[((yy * gw + xx) * 3) as usize + ch];
                    let top = g(x0, y0) * (1.0 - dx) + g(x0 + 1, y0) * dx;
                    let bottom = g(x0, y0 + 1) * (1.0 - dx) + g(x0 + 1, y0 + 1) * dx;
                    *value += (top * (1.0 - dy) + bottom * dy) * amp;
                }
            }
            let noise = (rnd() % 13) as f32 - 6.0;
            let o = ((y * w + x) * 3) as usize;
            for ch in 0..3 {
                out[o + ch] = (c[ch] + noise).clamp(0.0, 255.0) as u8;
            }
        }
    }
    out
}

fn jpeg(w: u32, h: u32, seed: u64) -> Result<Vec<u8>, String> {
    let pixels = photo(w, h, seed);
    let mut out = Vec::new();
    let encoder = jpeg_encoder::Encoder::new(&mut out, 90);
    encoder
        .encode(&pixels, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

fn photo_file(out: &str, w: u32, h: u32, seed: u64) -> Result<(), String> {
    std::fs::write(out, jpeg(w, h, seed)?).map_err(|e| e.to_string())
}

fn site(dir: &Path, count: u32, no_images: bool) -> Result<(), String> {
    let write = |rel: &str, bytes: &[u8]| -> Result<(), String> {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().ok_or("no parent")?).map_err(|e| e.to_string())?;
        std::fs::write(path, bytes).map_err(|e| e.to_string())
    };
    write(
        "sesh.toml",
        b"title = \"Bench\"\nbase_url = \"https://example.org/\"\n",
    )?;
    write("content/_index.md", b"+++\ntitle = \"Bench\"\n+++\n")?;
    write(
        "content/contests/bench/_index.md",
        b"+++\ntitle = \"Bench contest\"\n+++\n",
    )?;
    let photos: Vec<Vec<u8>> = (0..count.min(16))
        .into_par_iter()
        .map(|i| jpeg(1600, 1200, u64::from(i)))
        .collect::<Result<_, _>>()?;
    for i in 0..count {
        let media = if no_images {
            ""
        } else {
            "[[media]]\nfile = \"photo.jpg\"\nalt = \"A photo\"\n"
        };
        let images = if no_images { "" } else { "images = true\n" };
        let index = format!(
            "+++\ntitle = \"Entry {i}\"\n[consent]\npublish = true\n{images}{media}+++\nBody of entry {i}.\n"
        );
        write(
            &format!("content/contests/bench/e{i:04}/index.md"),
            index.as_bytes(),
        )?;
        if !no_images {
            // Distinct bytes per entry (a comment), so every image is its own cache entry.
            let mut bytes = photos[(i % 16) as usize].clone();
            let comment = format!("entry {i:04}");
            let mut segment = vec![0xFF, 0xFE, 0, (comment.len() + 2) as u8];
            segment.extend_from_slice(comment.as_bytes());
            bytes.splice(2..2, segment);
            write(&format!("content/contests/bench/e{i:04}/photo.jpg"), &bytes)?;
        }
    }
    Ok(())
}

fn run(out: &Path, widths: &str, files: &[String]) -> Result<(), String> {
    // JPEG only, as vipsthumbnail writes (WebP's cost is measured by bench/images.sh, part 4).
    let settings = ImageSettings {
        widths: widths.split(',').map(num).collect(),
        webp: false,
        ..ImageSettings::default()
    };
    std::fs::create_dir_all(out).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let sizes: Vec<usize> = files
        .par_iter()
        .enumerate()
        .map(|(i, file)| -> Result<usize, String> {
            let bytes = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
            let encoded = sesh::images::render_bytes(&bytes, &settings)
                .map_err(|e| format!("{file}: {e}"))?;
            for (j, image) in encoded.iter().enumerate() {
                std::fs::write(out.join(format!("{i}-{j}.jpg")), image)
                    .map_err(|e| e.to_string())?;
            }
            Ok(encoded.iter().map(Vec::len).sum())
        })
        .collect::<Result<_, _>>()?;
    eprintln!(
        "{} files, {} output bytes, {:.1} ms",
        files.len(),
        sizes.iter().sum::<usize>(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}
