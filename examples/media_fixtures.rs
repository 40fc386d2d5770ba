//! Writes the generated PDF fixtures: `cargo run --example media_fixtures -- OUT.pdf MARKER`
//! writes a one-page PDF whose Info dictionary, XMP stream, thumbnail and comment contain MARKER
//! (see `sesh::media::testdata::pdf`). The committed MP4/MOV/M4A fixtures were made once with
//! ffmpeg; the commands are in `tests/fixtures/media-kinds/README.md`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [out, marker] = args.as_slice() else {
        eprintln!("usage: media_fixtures OUT.pdf MARKER");
        std::process::exit(2);
    };
    if let Err(e) = std::fs::write(out, sesh::media::testdata::pdf(marker)) {
        eprintln!("cannot write {out}: {e}");
        std::process::exit(1);
    }
}
