//! Generates a synthetic contest archive for benchmarks, deterministically (same arguments, same
//! bytes on every machine).
//!
//! ```text
//! cargo run --release --example gen_corpus -- --contests 50 --entries 200 --images 0 --out DIR
//! ```
//! `--entries` is the total number of entries, spread over the contests. Entries have 400–800
//! words of Markdown (headings, lists, tables, quotes, links), about one in five has Chinese
//! paragraphs, and about one in ten has no valid consent. `--images N` gives each of the first
//! entries photographic-like JPEGs (2400×1800, distinct noise and gradients so that no two files
//! are equal) until N images exist.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

struct Args {
    contests: usize,
    entries: usize,
    images: usize,
    per_entry: usize,
    out: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        contests: 10,
        entries: 1000,
        images: 0,
        per_entry: 2,
        out: PathBuf::from("corpus"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let number = || {
            value
                .parse::<usize>()
                .map_err(|_| format!("{flag}: not a number: {value}"))
        };
        match flag.as_str() {
            "--contests" => args.contests = number()?.max(1),
            "--entries" => args.entries = number()?,
            "--images" => args.images = number()?,
            "--images-per-entry" => args.per_entry = number()?.max(1),
            "--out" => args.out = PathBuf::from(&value),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(args)
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!(
                "gen_corpus: {e}\nusage: gen_corpus --contests N --entries N --images N [--images-per-entry N] --out DIR"
            );
            std::process::exit(2);
        }
    };
    if let Err(e) = generate(&args) {
        eprintln!("gen_corpus: {e}");
        std::process::exit(1);
    }
}

fn generate(args: &Args) -> std::io::Result<()> {
    let out = &args.out;
    std::fs::create_dir_all(out.join("content/contests"))?;
    // JPEG only, as the Hugo site of the comparison writes (and as the measurements in
    // docs/performance.md were taken before WebP became the default).
    std::fs::write(
        out.join("sesh.toml"),
        "title = \"Benchmark archive\"\ndescription = \"A generated archive\"\nbase_url = \"https://example.org/bench/\"\nlicense = \"CC-BY-4.0\"\n\n[images]\nwidths = [480, 1200]\nquality = 80\nwebp = false\n",
    )?;
    std::fs::write(
        out.join("content/_index.md"),
        "+++\ntitle = \"Benchmark archive\"\n+++\n\nA generated archive for benchmarks.\n",
    )?;
    std::fs::write(out.join("content/framework.md"), FRAMEWORK)?;
    let mut rng = Lcg(42);
    let mut images_left = args.images;
    for c in 0..args.contests {
        let dir = out.join(format!("content/contests/contest-{c:03}"));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("_index.md"), contest(c, &mut rng))?;
    }
    for e in 0..args.entries {
        let c = e % args.contests;
        let dir = out.join(format!("content/contests/contest-{c:03}/entry-{e:05}"));
        std::fs::create_dir_all(&dir)?;
        let images = args.per_entry.min(images_left);
        images_left -= images;
        for i in 0..images {
            photo(&dir.join(format!("photo-{i}.jpg")), (e * 7 + i) as u32)?;
        }
        std::fs::write(dir.join("index.md"), entry(e, images, &mut rng))?;
    }
    println!(
        "wrote {} contests, {} entries, {} images to {}",
        args.contests,
        args.entries,
        args.images - images_left,
        out.display()
    );
    Ok(())
}

const FRAMEWORK: &str = "+++\ntitle = \"Framework\"\n+++\n\nStages of a social innovation.\n\n## Needs {#needs}\n\nWho is not served.\n\n## Process {#process}\n\nWhat was done.\n\n## Scale {#scale}\n\nWhat spread.\n\n## Impact {#impact}\n\nWhat changed.\n";

const WORDS: &[&str] = &[
    "testing",
    "clinic",
    "community",
    "health",
    "video",
    "poster",
    "consent",
    "partner",
    "youth",
    "stigma",
    "hepatitis",
    "screening",
    "referral",
    "volunteer",
    "outreach",
    "evidence",
    "trial",
    "village",
    "market",
    "pharmacy",
    "counselling",
    "prevention",
    "treatment",
    "cost",
    "follow-up",
    "engagement",
    "network",
    "story",
    "design",
    "crowdsourcing",
    "contest",
    "judges",
    "finalist",
    "province",
    "district",
    "nurse",
    "doctor",
    "student",
    "message",
    "trust",
    "access",
    "service",
    "the",
    "a",
    "and",
    "of",
    "to",
    "in",
    "with",
    "for",
    "was",
    "were",
    "that",
    "this",
    "each",
];

const CHINESE: &[&str] = &[
    "社区检测让更多人了解自己的状况。",
    "志愿者在集市旁边设立了检测点。",
    "参赛作品展示了同伴支持的重要性。",
    "评委认为这个想法简单而且容易推广。",
    "我们希望每个人都能在没有歧视的环境中获得服务。",
];

const FIRST: &[&str] = &[
    "Wei", "Lan", "Minh", "Grace", "Ayesha", "Lucía", "Chikondi", "Maria", "Priya", "Andrés",
];
const LAST: &[&str] = &[
    "Li", "Nguyen", "Namuli", "Khan", "Mendoza", "Banda", "Santos", "Raman", "Gómez", "Zhang",
];

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

fn sentence(rng: &mut Lcg) -> String {
    let n = 8 + rng.below(10);
    let words: Vec<&str> = (0..n).map(|_| rng.pick(WORDS)).collect();
    let mut s = words.join(" ");
    if let Some(first) = s.get(..1) {
        s = first.to_uppercase() + &s[1..];
    }
    s + "."
}

fn paragraph(rng: &mut Lcg, sentences: usize) -> String {
    (0..sentences)
        .map(|_| sentence(rng))
        .collect::<Vec<_>>()
        .join(" ")
}

fn contest(c: usize, rng: &mut Lcg) -> String {
    format!(
        "+++\ntitle = \"Contest {c}: {}\"\nsummary = \"{}\"\nstart = 20{:02}-03-01\nend = 20{:02}-06-30\norganisers = [\"SESH\"]\npurpose = \"{}\"\n+++\n\n{}\n",
        rng.pick(WORDS),
        sentence(rng),
        10 + c % 15,
        10 + c % 15,
        sentence(rng),
        paragraph(rng, 5)
    )
}

fn entry(e: usize, images: usize, rng: &mut Lcg) -> String {
    let award = ["winner", "finalist", "honorable-mention", "shortlisted"][rng.below(4)];
    let framework = ["needs", "process", "scale", "impact"][rng.below(4)];
    let consent = match e % 10 {
        3 => "[consent]\npublish = false\n".to_string(),
        _ => "[consent]\npublish = true\nimages = true\n".to_string(),
    };
    let mut front = format!(
        "+++\ntitle = \"Entry {e}: {} {}\"\nsummary = \"{}\"\naward = \"{award}\"\ndate = 20{:02}-05-{:02}\ncountry = \"China\"\ntags = [\"{}\", \"{}\"]\nframework = [\"{framework}\"]\n\n[[authors]]\nname = \"{} {}\"\ncredit = \"{}\"\n\n{consent}",
        rng.pick(WORDS),
        rng.pick(WORDS),
        sentence(rng),
        10 + e % 15,
        1 + e % 28,
        rng.pick(WORDS),
        rng.pick(WORDS),
        rng.pick(FIRST),
        rng.pick(LAST),
        ["name", "initials", "pseudonym", "anonymous"][rng.below(4)],
    );
    if front.contains("credit = \"pseudonym\"") {
        front = front.replace(
            "credit = \"pseudonym\"",
            "credit = \"pseudonym\"\npseudonym = \"Kite\"",
        );
    }
    for i in 0..images {
        let _ = write!(
            front,
            "\n[[media]]\nfile = \"photo-{i}.jpg\"\nalt = \"Photo {i} of entry {e}\"\n"
        );
    }
    front.push_str("+++\n\n");
    let mut body = front;
    let target = 400 + rng.below(400);
    let mut words = 0;
    let mut section = 0;
    while words < target {
        let _ = write!(body, "## Part {section}: {}\n\n", rng.pick(WORDS));
        let p = paragraph(rng, 4);
        words += p.split_whitespace().count();
        body.push_str(&p);
        body.push_str("\n\n");
        match section % 4 {
            0 => {
                for _ in 0..3 {
                    let _ = writeln!(body, "- {}", sentence(rng));
                }
                body.push('\n');
                words += 30;
            }
            1 => {
                body.push_str("| Measure | Before | After |\n|---|---|---|\n");
                for _ in 0..3 {
                    let _ = writeln!(
                        body,
                        "| {} | {} | {} |",
                        rng.pick(WORDS),
                        rng.below(100),
                        rng.below(100)
                    );
                }
                body.push('\n');
                words += 15;
            }
            2 => {
                let _ = write!(
                    body,
                    "> {}\n\nSee [the framework](../../../framework.md) and [a source](https://example.org/{e}).\n\n",
                    sentence(rng)
                );
                words += 20;
            }
            _ => {}
        }
        if e.is_multiple_of(5) && section == 1 {
            body.push_str(&(0..4).map(|_| rng.pick(CHINESE)).collect::<String>());
            body.push_str("\n\n");
            words += 60;
        }
        section += 1;
    }
    if images > 0 {
        body.push_str("![Photo 0](photo-0.jpg)\n");
    }
    body
}

/// A 2400×1800 JPEG that compresses like a photograph: smooth gradients, soft blobs and noise.
fn photo(path: &Path, seed: u32) -> std::io::Result<()> {
    let (w, h) = (2400usize, 1800usize);
    let mut rng = Lcg(u64::from(seed) * 7919 + 1);
    let base = [
        rng.below(200) as f32,
        rng.below(200) as f32,
        rng.below(200) as f32,
    ];
    let blobs: Vec<(f32, f32, f32, [f32; 3])> = (0..6)
        .map(|_| {
            (
                rng.below(w) as f32,
                rng.below(h) as f32,
                150.0 + rng.below(600) as f32,
                [
                    rng.below(255) as f32,
                    rng.below(255) as f32,
                    rng.below(255) as f32,
                ],
            )
        })
        .collect();
    let mut pixels = vec![0u8; w * h * 3];
    let mut noise = Lcg(u64::from(seed) + 17);
    for y in 0..h {
        for x in 0..w {
            let mut c = [
                base[0] + 50.0 * (x as f32 / w as f32),
                base[1] + 40.0 * (y as f32 / h as f32),
                base[2] + 30.0 * ((x + y) as f32 / (w + h) as f32),
            ];
            for (bx, by, r, col) in &blobs {
                let d2 = (x as f32 - bx).powi(2) + (y as f32 - by).powi(2);
                let t = (-d2 / (r * r)).exp();
                for k in 0..3 {
                    c[k] += (col[k] - c[k]) * t * 0.7;
                }
            }
            let n = (noise.next() % 25) as f32 - 12.0;
            let i = (y * w + x) * 3;
            for k in 0..3 {
                pixels[i + k] = (c[k] + n).clamp(0.0, 255.0) as u8;
            }
        }
    }
    let mut out = Vec::new();
    let encoder = jpeg_encoder::Encoder::new(&mut out, 88);
    encoder
        .encode(&pixels, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
        .map_err(std::io::Error::other)?;
    std::fs::write(path, out)
}
