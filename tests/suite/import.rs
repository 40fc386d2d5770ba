//! sesh import end to end: real form exports (tests/fixtures/import/exports, written by its
//! make.py) imported into a copy of a site, then built and scanned: only consented entries are
//! published, no contact detail reaches the output, every refusal names row, column and value;
//! a newer export updates, adds and withdraws without overwriting hand edits or deleting.

use crate::common::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> String {
    repo()
        .join("tests/fixtures/import")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

/// `sesh import EXPORT --contest C --map maps/C.toml [--attachments A] [extra]` on `site`.
fn import(
    site: &Site,
    export: &str,
    contest: &str,
    attachments: Option<&str>,
    extra: &[&str],
) -> Run {
    let (export, map) = (
        fixture(&format!("exports/{export}")),
        fixture(&format!("maps/{contest}.toml")),
    );
    let mut args = vec!["import", &export, "--contest", contest, "--map", &map];
    let attachments = attachments.map(|a| fixture(&format!("exports/{a}")));
    if let Some(a) = &attachments {
        args.extend(["--attachments", a.as_str()]);
    }
    args.extend_from_slice(extra);
    args.extend(["--as-of", AS_OF]);
    site.command(&args)
}

/// The exports of every shape: (export, contest, attachments).
const EXPORTS: &[(&str, &str, Option<&str>)] = &[
    (
        "google-forms.csv",
        "google-forms",
        Some("google-forms-files"),
    ),
    ("qualtrics.csv", "qualtrics", None),
    ("kobo.xlsx", "kobo", Some("kobo-attachments")),
    ("wjx.xlsx", "wjx", Some("wjx-attachments.zip")),
    ("gbk.csv", "gbk", None),
    ("utf16.csv", "utf16", None),
    ("redcap-raw.csv", "redcap-raw", None),
    ("redcap-labels.csv", "redcap-labels", None),
];

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).expect("read");
            (f, bytes)
        })
        .collect()
}

#[test]
fn every_export_shape_imports_and_only_consented_entries_are_published() {
    let site = Site::fixture("import/site");
    let mut reports = String::new();
    for (export, contest, attachments) in EXPORTS {
        reports += &import(&site, export, contest, *attachments, &[])
            .success()
            .stdout();
    }
    let consent = "\"Do you agree that your entry is published in the open archive?\"";
    for expected in [
        format!("google-forms.csv, row 3, column {consent}: \"Yes, but without my name\" is not one of the listed answers → publish = false"),
        format!("google-forms.csv, row 5, column {consent}: the answer is blank → publish = false"),
        "google-forms.csv, row 4, column \"Upload your poster\": \"lost-poster.png\" is not in".into(),
        "google-forms.csv, row 4: the folder name `testing-together` is taken".into(),
        "google-forms.csv, row 6, column \"Title of your entry\": \"=HYPERLINK(\"http://evil.example/\",\"Click me\")\" starts like a spreadsheet formula".into(),
        "google-forms.csv, row 6, column \"How would you like to be credited?\": \"Please use a pseudonym\" is not one of the listed answers → credited as anonymous".into(),
        "qualtrics.csv, row 6, column \"Do you consent to the publication of your idea?\": \"Yes, but without my name\" is not one of the listed answers → publish = false".into(),
        "qualtrics.csv, row 8, column \"Q1\": \"+cmd|' /C calc'!A0\" starts like a spreadsheet formula".into(),
        "\"IPAddress\" (IP address) → dropped".into(),
        "kobo.xlsx, row 4, column \"consent_publish\": \"yes_no_name\" is not one of the listed answers → publish = false".into(),
        "kobo.xlsx, row 5, column \"consent_publish\": the cell is a spreadsheet formula (saved value \"yes\"), not an answer → publish = false".into(),
        "kobo.xlsx, row 5, column \"title\": a spreadsheet formula: its saved value \"Formula Title\" is written as text".into(),
        "kobo.xlsx, row 7, column \"description\": a spreadsheet formula saved without a value; left blank".into(),
        "kobo.xlsx, row 5, column \"photo\": \"missing-photo.png\" is not in".into(),
        "wjx.xlsx, row 4, column \"5、是否同意在档案网站公开发表您的作品？\": \"同意 但匿名\" is not one of the listed answers → publish = false".into(),
        "wjx.xlsx, row 5, column \"5、是否同意在档案网站公开发表您的作品？\": the answer is blank → publish = false".into(),
        "zip entry \"../escape.png\" would leave the folder it is extracted to; not used".into(),
        "\"来自IP\" (IP address) → dropped".into(),
        "gbk.csv, row 4, column \"同意发表\": \"同意 但匿名\" is not one of the listed answers → publish = false".into(),
        "utf16.csv, row 4, column \"Consent\": \"I agree, but anonymously\" is not one of the listed answers → publish = false".into(),
        // REDCap raw data: codes count only as listed ("2" = "Yes, but without my name").
        "redcap-raw.csv (UTF-8 text, REDCap raw data, 5 rows)".into(),
        "redcap-raw.csv, row 4, column \"consent_publish\": \"2\" is not one of the listed answers → publish = false".into(),
        "redcap-raw.csv, row 5, column \"consent_publish\": the answer is blank → publish = false".into(),
        "redcap-raw.csv, row 6, column \"credit\": \"4\" is not one of the listed answers → credited as anonymous".into(),
        "Columns dropped (not imported): \"redcap_survey_identifier\", \"entry_complete\", \"followup_notes\", \"followup_complete\"".into(),
        // REDCap labels: BOM, repeated `Complete?` numbered, checkbox options as columns.
        "redcap-labels.csv (UTF-8 text, REDCap labels, 5 rows)".into(),
        "redcap-labels.csv, row 4, column \"Do you agree that your entry is published in the open archive?\": \"Yes, but without my name\" is not one of the listed answers → publish = false".into(),
        "redcap-labels.csv, row 6, column \"How should we credit you?\": \"Use a pseudonym\" is not one of the listed answers → credited as anonymous".into(),
        "Columns dropped (not imported): \"Survey Identifier\", \"Complete?\", \"Notes from the follow-up call\", \"Complete? (2)\"".into(),
        "redcap-labels.csv, row 4, column \"Award\": \"First prize\" is not an award sesh knows; the entry is written without an award".into(),
    ] {
        assert!(reports.contains(&expected), "missing: {expected}\n{reports}");
    }
    // What was written is what the gate reads; contact data went to [private] only.
    let quiet =
        std::fs::read_to_string(site.path("content/contests/google-forms/quiet-voices/index.md"))
            .unwrap();
    assert!(
        quiet.contains("[consent]\npublish = false\nimages = true"),
        "{quiet}"
    );
    assert!(
        quiet.contains("[private]\nemail = \"gf-row3@example.org\""),
        "{quiet}"
    );
    let kobo =
        std::fs::read_to_string(site.path("content/contests/kobo/a-clinic-door/index.md")).unwrap();
    assert!(
        kobo.contains("date = 2024-05-01\n") && kobo.contains("file = \"media-1.png\""),
        "{kobo}"
    );

    let redcap = |entry: &str| {
        std::fs::read_to_string(site.path(&format!("content/contests/{entry}/index.md"))).unwrap()
    };
    let coded = redcap("redcap-raw/pharmacy-kiosk");
    assert!(
        coded.contains("[consent]\npublish = false\nimages = true"),
        "{coded}"
    );
    let winner = redcap("redcap-labels/self-testing-at-home");
    assert!(winner.contains("award = \"winner\""), "{winner}");
    let unticked = redcap("redcap-labels/self-testing-at-home-2");
    assert!(
        unticked.contains("award = \"honorable-mention\"")
            && unticked.contains("credit = \"initials\"")
            && unticked.contains("publish = true\nimages = false"),
        "{unticked}"
    );

    site.build(&[]).success();
    for leaked in [
        "UNCONSENTED",
        "@example",
        "138 0013 800",
        "1380013810",
        "203.0.113.",
        "123.45.67.",
        "wx_gbk_row",
        "2608810000",
        "sesh-import",
        "media-1",
        "1700000001",
        "海报一",
        "FOLLOWUP-NOTE",
        "+234 803",
        "Chidi Okafor",
    ] {
        let found = leaks(&site.out, leaked);
        assert!(found.is_empty(), "{leaked} in the output: {found:?}");
    }
    for (page, marker) in [
        ("google-forms/testing-together", "PUBLISHED-GF-2"),
        ("google-forms/testing-together-2", "PUBLISHED-GF-4"),
        (
            "google-forms/hyperlink-http-evil-example-click-me",
            "=HYPERLINK(&quot;http://evil.example/&quot;",
        ),
        ("qualtrics/peer-navigators-2", "PUBLISHED-QX-5"),
        ("kobo/a-clinic-door-2", "PUBLISHED-KB-3"),
        ("kobo/long-story", "A very long answer."),
        ("wjx/检测故事-2", "PUBLISHED-WJX-3"),
        ("gbk/社区检测", "PUBLISHED-GBK-2 社区"),
        ("utf16/移动检测车", "PUBLISHED-U16-3 检测车"),
        ("redcap-raw/self-testing-at-home", "PUBLISHED-RC-2"),
        ("redcap-raw/self-testing-at-home-2", "PUBLISHED-RC-3"),
        ("redcap-labels/self-testing-at-home", "PUBLISHED-RL-2"),
        ("redcap-labels/self-testing-at-home-2", "PUBLISHED-RL-3"),
    ] {
        let html = site.page(&format!("contests/{page}/index.html"));
        assert!(html.contains(marker), "{marker} not on {page}");
    }
    for unpublished in [
        "google-forms/quiet-voices",
        "kobo/formula-title",
        "wjx/匿名的声音",
        "utf16/mobile-testing-van-2",
        "redcap-raw/pharmacy-kiosk",
        "redcap-raw/blank-answer",
        "redcap-raw/clinic-queue",
        "redcap-labels/pharmacy-kiosk",
        "redcap-labels/clinic-queue",
    ] {
        assert!(
            !site.exists(&format!("contests/{unpublished}/index.html")),
            "{unpublished} published"
        );
    }
    let images = |entry: &str| {
        let prefix = format!("contests/{entry}/");
        let image = |f: &&String| f.ends_with(".jpg") || f.ends_with(".png");
        site.files()
            .iter()
            .filter(|f| f.starts_with(&prefix) && image(f))
            .count()
    };
    assert!(
        images("google-forms/testing-together") > 0,
        "the consented poster is published"
    );
    assert!(
        images("wjx/检测故事") > 0,
        "an attachment from the zip is published"
    );
    assert_eq!(
        images("google-forms/hyperlink-http-evil-example-click-me"),
        0
    );
}

#[test]
fn a_newer_export_adds_updates_withdraws_and_leaves_hand_edits_alone() {
    let site = Site::fixture("import/site");
    let contest = site.path("content/contests/google-forms");
    import(
        &site,
        "google-forms.csv",
        "google-forms",
        Some("google-forms-files"),
        &[],
    )
    .success();
    let before = files(&contest);
    site.edit(
        "content/contests/google-forms/testing-together-2/index.md",
        "PUBLISHED-GF-4 A second entry",
        "EDITED BY HAND",
    );
    let v2 = import(
        &site,
        "google-forms-v2.csv",
        "google-forms",
        Some("google-forms-files"),
        &[],
    )
    .success()
    .stdout();
    for expected in [
        "row 2     updated         content/contests/google-forms/testing-together  (not published: consent withdrawn)",
        "row 4     conflict        content/contests/google-forms/testing-together-2  (not published: consent.publish = false)",
        "content/contests/google-forms/testing-together-2/index.md was edited by hand since the last import: not updated",
        "the export withdraws consent: publish = false written into its [consent] table",
        "row 3     unchanged",
        "row 8     new             content/contests/google-forms/a-late-entry  (publish = true)",
        // A new title keeps the folder (and so the URL) the entry was first written to.
        "row 7     updated         content/contests/google-forms/long-and-empty  (not published: consent.publish = false)",
    ] {
        assert!(v2.contains(expected), "missing: {expected}\n{v2}");
    }
    let after = files(&contest);
    let lost: Vec<&String> = before.difference(&after).collect();
    assert!(lost.is_empty(), "deleted: {lost:?}");
    let edited = std::fs::read_to_string(contest.join("testing-together-2/index.md")).unwrap();
    assert!(
        edited.contains("EDITED BY HAND") && edited.contains("publish = false"),
        "{edited}"
    );
    let renamed = std::fs::read_to_string(contest.join("long-and-empty/index.md")).unwrap();
    assert!(
        renamed.contains("title = \"Long And Empty (renamed)\""),
        "{renamed}"
    );
    assert!(!contest.join("long-and-empty-renamed").exists());
    let updated = std::fs::read_to_string(contest.join("testing-together/index.md")).unwrap();
    assert!(
        updated.contains("Friends test together (updated)") && updated.contains("withdrawn = true"),
        "{updated}"
    );

    // Once applied, a withdrawal is not applied again: consent restored by hand stays.
    site.edit(
        "content/contests/google-forms/testing-together-2/index.md",
        "publish = false",
        "publish = true",
    );
    let again = import(
        &site,
        "google-forms-v2.csv",
        "google-forms",
        Some("google-forms-files"),
        &[],
    )
    .success()
    .stdout();
    assert!(
        !again.contains("withdraws consent") && again.contains("row 4     conflict"),
        "{again}"
    );
    assert!(
        std::fs::read_to_string(contest.join("testing-together-2/index.md"))
            .unwrap()
            .contains("publish = true")
    );

    // A folder removed by hand is not written again.
    std::fs::remove_dir_all(contest.join("quiet-voices")).unwrap();
    let removed = import(
        &site,
        "google-forms-v2.csv",
        "google-forms",
        Some("google-forms-files"),
        &[],
    )
    .success()
    .stdout();
    assert!(removed.contains("row 3     removed-by-hand"), "{removed}");
    assert!(!contest.join("quiet-voices").exists());
    // The list that remembers it holds hashes: neither the id nor the folder name stays behind.
    let ids = std::fs::read_to_string(contest.join(".sesh-import-ids.toml")).unwrap();
    let line = removed
        .split("delete the line \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the hint names the line");
    assert!(ids.contains(&format!("\"{line}\"")), "{line} not in\n{ids}");
    for kept in ["quiet", "2024/05/01 11:00:00", "testing-together"] {
        assert!(!ids.to_lowercase().contains(kept), "{kept} in\n{ids}");
    }

    site.build(&[]).success();
    assert!(
        !site.exists("contests/google-forms/testing-together/index.html"),
        "withdrawn"
    );
    assert!(site.exists("contests/google-forms/a-late-entry/index.html"));
    assert!(
        site.page("contests/google-forms/testing-together-2/index.html")
            .contains("EDITED BY HAND")
    );
}

#[test]
fn dry_run_writes_nothing_and_json_parses() {
    let site = Site::fixture("import/site");
    let content = site.path("content");
    let before = snapshot(&content);
    let table = import(
        &site,
        "kobo.xlsx",
        "kobo",
        Some("kobo-attachments"),
        &["--dry-run"],
    )
    .success()
    .stdout();
    assert!(
        table.contains("[dry run: nothing written]") && table.contains("row 2     new"),
        "{table}"
    );
    let json = import(
        &site,
        "kobo.xlsx",
        "kobo",
        Some("kobo-attachments"),
        &["--dry-run", "--format", "json"],
    )
    .success()
    .stdout();
    assert_eq!(snapshot(&content), before, "a dry run wrote something");
    let report: serde_json::Value = serde_json::from_str(&json).expect("JSON report");
    assert_eq!(report["dry_run"], true);
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    let row = |n: u64| rows.iter().find(|r| r["row"] == n).unwrap();
    assert_eq!(row(2)["published"], true);
    assert_eq!(row(2)["media"][0]["file"], "media-1.png");
    assert_eq!(row(4)["published"], false);
    assert_eq!(row(4)["status"], "not published: consent.publish = false");
    let note = &row(4)["notes"][0];
    assert_eq!(
        (
            note["kind"].as_str(),
            note["column"].as_str(),
            note["value"].as_str()
        ),
        (
            Some("not-published"),
            Some("consent_publish"),
            Some("yes_no_name")
        )
    );
    assert!(row(5)["media"][0]["found"].is_null(), "missing attachment");
    assert_eq!(report["columns"]["contacts"][0]["column"], "phone");
    assert!(
        report["columns"]["dropped"]
            .as_array()
            .unwrap()
            .contains(&"_id".into())
    );
}

#[test]
fn init_map_lists_every_column_commented_out() {
    let site = Site::fixture("import/site");
    for (export, columns, some) in [
        (
            "google-forms.csv",
            14,
            "\"Do you agree that your entry is published in the open archive?\"",
        ),
        (
            "qualtrics.csv",
            12,
            "\"Q3\"    question: \"Do you consent to the publication of your idea?\"",
        ),
        (
            "kobo.xlsx",
            14,
            "\"phone\"    CONTACT DATA (phone number): [private] only",
        ),
        (
            "wjx.xlsx",
            13,
            "\"来自IP\"    CONTACT DATA (IP address): [private] only",
        ),
        (
            "gbk.csv",
            7,
            "\"微信\"    CONTACT DATA (WeChat id): [private] only",
        ),
        (
            "utf16.csv",
            5,
            "\"Contact\"    CONTACT DATA (e-mail address): [private] only",
        ),
        (
            "redcap-raw.csv",
            15,
            "# REDCap raw data: answers are the codes of the project's data dictionary, so list codes,",
        ),
        ("redcap-labels.csv", 16, "#   \"Complete? (2)\"\n"),
        (
            "redcap-labels.csv",
            16,
            "A checkbox option is a column of\n# its own (\"Question (choice=Label)\"), Checked or Unchecked.",
        ),
    ] {
        let text = site
            .command(&[
                "import",
                &fixture(&format!("exports/{export}")),
                "--init-map",
            ])
            .success()
            .stdout();
        let listed = text.lines().filter(|l| l.starts_with("#   \"")).count();
        assert_eq!(listed, columns, "{export}:\n{text}");
        assert!(text.contains(some), "{export}: {some}\n{text}");
        assert!(
            text.lines().all(|l| l.is_empty() || l.starts_with('#')),
            "{export}: a line is not commented"
        );
        let parsed: toml::Table = toml::from_str(&text).expect("TOML");
        assert!(parsed.is_empty(), "{export}: maps something");
    }
    let map = site.root.join("new-map.toml");
    let m = map.to_str().unwrap();
    let export = fixture("exports/wjx.xlsx");
    site.command(&["import", &export, "--init-map", "--map", m])
        .success();
    assert!(
        std::fs::read_to_string(&map)
            .unwrap()
            .contains("\"1、作品标题\"")
    );
    let again = site
        .command(&["import", &export, "--init-map", "--map", m])
        .failure();
    assert!(
        again
            .stderr()
            .contains("already exists; nothing was written"),
        "{}",
        again.stderr()
    );
}

#[test]
fn contact_data_in_a_public_field_is_refused_and_nothing_written() {
    let site = Site::fixture("import/site");
    let before = snapshot(&site.path("content"));
    for (export, map, column, kind) in [
        (
            "google-forms.csv",
            "title = \"Title of your entry\"\nsummary = \"Email Address\"\n",
            "Email Address",
            "e-mail address",
        ),
        (
            "wjx.xlsx",
            "title = \"1、作品标题\"\n[[authors]]\nname = \"来自IP\"\n",
            "来自IP",
            "IP address",
        ),
        (
            "kobo.xlsx",
            "title = \"title\"\n[[media]]\nfile = \"photo\"\ncaption = \"phone\"\n",
            "phone",
            "phone number",
        ),
    ] {
        let path = site.root.join("contact-map.toml");
        std::fs::write(&path, map).unwrap();
        let run = site
            .command(&[
                "import",
                &fixture(&format!("exports/{export}")),
                "--contest",
                "kobo",
                "--map",
                path.to_str().unwrap(),
            ])
            .failure();
        let expected = format!(
            "\"{column}\": this column holds contact data ({kind}), which may only go to [private]; nothing was imported"
        );
        assert!(
            run.stderr().contains(&expected),
            "{export}: {}",
            run.stderr()
        );
        std::fs::remove_file(&path).unwrap();
    }
    assert_eq!(snapshot(&site.path("content")), before);
}

#[test]
fn wrong_encodings_mojibake_and_broken_rows_are_stopped_or_refused() {
    let site = Site::fixture("import/site");
    let map = fixture("maps/utf16.toml");
    let run = |export: &Path, extra: &[&str]| {
        let mut args = vec![
            "import",
            export.to_str().unwrap(),
            "--contest",
            "utf16",
            "--map",
            &map,
        ];
        args.extend_from_slice(extra);
        site.command(&args)
    };
    let gbk = PathBuf::from(fixture("exports/gbk.csv"));
    let e = run(&gbk, &["--encoding", "utf-8"]).failure().stderr();
    assert!(
        e.contains("gbk.csv: not UTF-8 text") && e.contains("--encoding gb18030"),
        "{e}"
    );
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let utf8 = write(
        "utf8.csv",
        "Title\tStory\tName\tConsent\tContact\n检测故事\t文字\t李伟\tI agree\t\n".as_bytes(),
    );
    let e = run(&utf8, &["--encoding", "gb18030"]).failure().stderr();
    assert!(
        e.contains("utf8.csv: this file is UTF-8 text, not GB18030"),
        "{e}"
    );
    let mojibake = write(
        "mojibake.csv",
        "Title,Story,Name,Consent,Contact\nCafÃ© Stories,x,y,I agree,\n".as_bytes(),
    );
    let e = run(&mojibake, &[]).failure().stderr();
    assert!(e.contains("mojibake.csv: row 2, column \"Title\": \"CafÃ© Stories\" looks like text decoded in the wrong encoding") && e.contains("--encoding gb18030"), "{e}");
    let ragged = write(
        "ragged.csv",
        b"Title,Story,Name,Consent,Contact\nA,b,c,I agree,\nB,b,c,I agree,x,extra\n",
    );
    let out = run(&ragged, &["--dry-run"]).success().stdout();
    assert!(
        out.contains("refused: ragged.csv, row 3: this row has 6 cells where the header has 5"),
        "{out}"
    );
    assert_eq!(
        files(&site.path("content/contests/utf16")),
        BTreeSet::from(["_index.md".to_string()])
    );
}

#[test]
fn a_new_archive_points_to_import_and_takes_an_export_as_it_says() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    let d = dir.to_str().unwrap();
    let sesh = |args: &[&str]| {
        Run(std::process::Command::new(env!("CARGO_BIN_EXE_sesh"))
            .args(args)
            .env_remove("SOURCE_DATE_EPOCH")
            .env_remove("GITHUB_ACTIONS")
            .env_remove("SESH_SOURCE_VISIBILITY")
            .output()
            .expect("run sesh"))
    };
    let init = sesh(&["init", d]).success().stdout();
    let suggested = format!(
        "sesh import EXPORT.csv --contest example-contest --map map.toml --root {d} --dry-run"
    );
    assert!(
        init.contains("sesh import EXPORT.csv --init-map --map map.toml")
            && init.contains(&suggested),
        "{init}"
    );
    let contest =
        std::fs::read_to_string(dir.join("content/contests/example-contest/_index.md")).unwrap();
    assert!(
        contest.contains("# Entries submitted through a form: `sesh import EXPORT --contest example-contest --map map.toml`"),
        "{contest}"
    );
    // The command it suggests, on a real export, then a build: the scaffold takes the entries.
    let (export, map, files) = (
        fixture("exports/google-forms.csv"),
        fixture("maps/google-forms.toml"),
        fixture("exports/google-forms-files"),
    );
    let import = |extra: &[&str]| {
        let mut args = vec![
            "import",
            &export,
            "--contest",
            "example-contest",
            "--map",
            &map,
            "--root",
            d,
            "--attachments",
            &files,
            "--as-of",
            AS_OF,
        ];
        args.extend_from_slice(extra);
        sesh(&args).success().stdout()
    };
    assert!(import(&["--dry-run"]).contains("6 rows: 6 new"));
    import(&[]);
    let out = tmp.path().join("out");
    let o = out.to_str().unwrap();
    sesh(&["build", "--root", d, "--output", o, "--as-of", AS_OF]).success();
    let page =
        std::fs::read_to_string(out.join("contests/example-contest/testing-together/index.html"))
            .unwrap();
    assert!(page.contains("PUBLISHED-GF-2"));
    assert!(!out.join("contests/example-contest/quiet-voices").exists());
    assert!(leaks(&out, "@example.org").is_empty());
}
