//! `sesh publish`: the built site, and nothing else, pushed to a git repository as one commit.
//!
//! For organisers whose sources must stay private (kept on an institutional drive or a laptop,
//! or in a private repository whose workflow publishes to a public *site* repository). After a
//! normal build, the output folder is committed in a repository of its own, made afresh under
//! the cache folder (never the sources' repository), as a single commit without parents, and
//! force-pushed to the target branch with the system's `git`. The branch therefore only ever
//! holds one commit: once a withdrawn entry is rebuilt away, no commit reachable from the
//! target still contains it. (The habit of `ghp-import` and mdBook's deploy guide, without the
//! history they keep.)
//!
//! The target is refused when it is one of the sources' own remotes or the sources' repository
//! itself: that would publish the sources. Only files of the output folder are committed, and
//! the user's git configuration (hooks, ignore files, line-ending conversion, signing) cannot
//! change what is committed.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// What a publish committed (and pushed, unless it was a dry run).
#[derive(Debug)]
pub struct Published {
    pub commit: String,
    pub files: usize,
    pub bytes: u64,
}

/// `target` as git is given it: a local folder made absolute (git runs elsewhere), a URL as
/// it is.
pub fn resolve_target(target: &str) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    match Location::of(target, &cwd) {
        Location::Local(_) if !target.starts_with("file://") => {
            cwd.join(target).to_string_lossy().into_owned()
        }
        _ => target.to_string(),
    }
}

/// Refuses `target` (as given by [`resolve_target`]) when it is the repository that holds
/// `root`, or one of its remotes.
pub fn check_target(root: &Path, target: &str) -> Result<()> {
    let wanted = Location::of(target, root);
    let mut own = Vec::new();
    if let Some(top) = git_text(root, &["rev-parse", "--show-toplevel"]) {
        let top = PathBuf::from(top);
        own.push((
            Location::local(&top, &top),
            "the repository that holds the sources".to_string(),
        ));
        if let Some(common) = git_text(root, &["rev-parse", "--git-common-dir"]) {
            own.push((
                Location::local(Path::new(&common), root),
                "the sources' git folder".into(),
            ));
        }
        // Relative remote paths are relative to the top of the work tree.
        let remotes = git_text(root, &["remote", "-v"]).unwrap_or_default();
        for line in remotes.lines() {
            let mut parts = line.split_whitespace();
            if let (Some(name), Some(url)) = (parts.next(), parts.next()) {
                own.push((
                    Location::of(url, &top),
                    format!("the sources' remote `{name}` ({url})"),
                ));
            }
        }
    } else {
        own.push((
            Location::of(&root.to_string_lossy(), root),
            "the site folder".into(),
        ));
    }
    if let Some((_, what)) = own.iter().find(|(location, _)| *location == wanted) {
        bail!(
            "refusing to publish to `{target}`: it is {what}, and the site must not share a repository with its sources\n  hint: publish to a repository that holds only the site (for example ORG/archive-site)"
        );
    }
    Ok(())
}

/// Checks that `branch` is a valid branch name.
pub fn check_branch(branch: &str) -> Result<()> {
    let ok = Command::new("git")
        .args(["check-ref-format", "--branch", branch])
        .output()
        .map(|o| o.status.success())
        .map_err(no_git)?;
    if !ok {
        bail!(
            "`{branch}` is not a valid branch name\n  hint: for GitHub Pages, use gh-pages or main"
        );
    }
    Ok(())
}

/// Where and how to push.
#[derive(Debug)]
pub struct Push<'a> {
    /// As given by [`resolve_target`] and checked by [`check_target`].
    pub target: &'a str,
    pub branch: &'a str,
    pub message: &'a str,
    /// Commit, but push nothing.
    pub dry_run: bool,
}

/// Commits every file of `output` (but sesh's marker) as one parentless commit in a new
/// repository at `git_dir` (replacing any left there), then pushes it over the branch of the
/// target unless it is a dry run. The repository at `git_dir` is removed afterwards.
pub fn publish(output: &Path, git_dir: &Path, push: &Push) -> Result<Published> {
    if git_dir.exists() {
        std::fs::remove_dir_all(git_dir)
            .with_context(|| format!("cannot remove `{}`", git_dir.display()))?;
    }
    let result = commit_and_push(&Git { git_dir, output }, push);
    let _ = std::fs::remove_dir_all(git_dir);
    result
}

fn commit_and_push(git: &Git, push: &Push) -> Result<Published> {
    let git_dir = git.git_dir;
    std::fs::create_dir_all(git_dir)
        .with_context(|| format!("cannot create `{}`", git_dir.display()))?;
    git.run(&["init", "--quiet", "--template="])?;
    let exclude = format!(":(exclude){}", crate::output::MARKER);
    git.run(&["add", "--all", "--force", "--", ".", &exclude])?;
    git.run(&[
        "commit",
        "--quiet",
        "--no-verify",
        "--allow-empty",
        "-m",
        push.message,
    ])?;
    let commit = git.text(&["rev-parse", "HEAD"])?;
    let listing = git.text(&["ls-tree", "-r", "-l", "HEAD"])?;
    let (files, bytes) = listing.lines().fold((0, 0), |(n, b), line| {
        let size = line
            .split_whitespace()
            .nth(3)
            .and_then(|s| s.parse::<u64>().ok());
        (n + 1, b + size.unwrap_or(0))
    });
    if !push.dry_run {
        let refspec = format!("HEAD:refs/heads/{}", push.branch);
        git.run(&["push", "--force", "--quiet", push.target, &refspec])
            .with_context(|| format!("cannot push to `{}`", push.target))?;
    }
    Ok(Published {
        commit,
        files,
        bytes,
    })
}

/// `git` on the publishing repository, with the output folder as its work tree and none of the
/// user's settings that could change what is committed.
struct Git<'a> {
    git_dir: &'a Path,
    output: &'a Path,
}

impl Git<'_> {
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new("git");
        command
            .current_dir(self.output)
            .arg("--git-dir")
            .arg(self.git_dir)
            .arg("--work-tree")
            .arg(self.output);
        for setting in [
            "core.autocrlf=false",
            "core.safecrlf=false",
            "core.excludesFile=",
            "core.hooksPath=/dev/null",
            "core.fsmonitor=false",
            "commit.gpgSign=false",
            "user.name=sesh",
            "user.email=sesh@localhost",
        ] {
            command.args(["-c", setting]);
        }
        for var in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY",
            "GIT_ALTERNATE_OBJECT_DIRECTORIES",
            "GIT_CONFIG_PARAMETERS",
        ] {
            command.env_remove(var);
        }
        command.args(args);
        command
    }

    fn run(&self, args: &[&str]) -> Result<Output> {
        let output = self.command(args).output().map_err(no_git)?;
        if !output.status.success() {
            bail!(
                "`git {}` failed: {}",
                args.first().copied().unwrap_or(""),
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(output)
    }

    fn text(&self, args: &[&str]) -> Result<String> {
        let output = self.run(args)?;
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
    }
}

fn no_git(e: std::io::Error) -> anyhow::Error {
    anyhow::anyhow!(
        "cannot run git ({e})\n  hint: sesh publish pushes with the system's git; install it (https://git-scm.com) and try again"
    )
}

/// The output of `git -C dir ARGS`, when it succeeds.
fn git_text(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// A repository address reduced to what identifies it: `host/path` for URLs and scp-like
/// addresses (case-insensitive, without `.git` or a trailing `/`, user and port), or an
/// absolute local folder.
#[derive(Debug, PartialEq, Eq)]
enum Location {
    Remote(String),
    Local(PathBuf),
}

impl Location {
    fn of(address: &str, base: &Path) -> Location {
        let address = address.trim();
        let trim = |path: &str| {
            let path = path.trim_end_matches('/');
            path.strip_suffix(".git")
                .unwrap_or(path)
                .to_ascii_lowercase()
        };
        if let Some(path) = address.strip_prefix("file://") {
            return Location::local(Path::new(path), base);
        }
        if let Some((_scheme, rest)) = address.split_once("://") {
            let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
            let host = authority.rsplit('@').next().unwrap_or(authority);
            let host = host.split(':').next().unwrap_or(host);
            return Location::Remote(format!("{}/{}", host.to_ascii_lowercase(), trim(path)));
        }
        // scp-like `user@host:path` (a colon before any slash, and not a Windows drive).
        if let Some((host, path)) = address.split_once(':')
            && !host.contains('/')
            && host.len() > 1
        {
            let host = host.rsplit('@').next().unwrap_or(host);
            return Location::Remote(format!("{}/{}", host.to_ascii_lowercase(), trim(path)));
        }
        Location::local(Path::new(address), base)
    }

    /// A local repository: its folder, whether named by the work tree, the `.git` folder in it
    /// or a bare `NAME.git` folder.
    fn local(path: &Path, base: &Path) -> Location {
        let path = base.join(path);
        let path = std::fs::canonicalize(&path).unwrap_or(path);
        let path = match path.file_name().and_then(|n| n.to_str()) {
            Some(".git") => path.parent().map(Path::to_path_buf).unwrap_or(path),
            _ => path,
        };
        Location::Local(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_of_one_repository_are_equal() {
        let base = Path::new("/");
        let remote = |a: &str| Location::of(a, base);
        let github = Location::Remote("github.com/org/archive".into());
        for address in [
            "https://github.com/org/archive",
            "https://github.com/Org/Archive.git",
            "https://user:token@github.com/org/archive/",
            "git@github.com:org/archive.git",
            "ssh://git@github.com:22/org/archive.git",
            "git://github.com/org/archive",
        ] {
            assert_eq!(remote(address), github, "{address}");
        }
        assert_ne!(remote("git@github.com:org/archive-site.git"), github);
        assert_ne!(remote("https://gitlab.com/org/archive"), github);
    }

    #[test]
    fn local_folders_compare_by_their_real_path() {
        let tmp = std::env::temp_dir().join(format!("sesh-publish-{}", std::process::id()));
        std::fs::create_dir_all(tmp.join("repo/.git")).unwrap();
        let base = Path::new("/");
        let repo = Location::of(&tmp.join("repo").to_string_lossy(), base);
        assert_eq!(
            Location::of(&tmp.join("repo/.git").to_string_lossy(), base),
            repo
        );
        assert_eq!(
            Location::of(&format!("file://{}", tmp.join("repo/").display()), base),
            repo
        );
        assert_eq!(Location::of("repo", &tmp), repo);
        assert_ne!(Location::of(&tmp.to_string_lossy(), base), repo);
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
