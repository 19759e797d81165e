//! Every git operation fixpoint makes, through the `git` command (the user's
//! own git, configuration and hooks): what a run records of the work tree
//! (commit, branch, dirt, the files of the code), the default branch `ci`
//! compares with, and the repair loop's branch and commits.

use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("cannot run git: {0}")]
    Spawn(std::io::Error),
    #[error("git {command} failed: {message}")]
    Failed { command: String, message: String },
}

/// A work tree; commands run in the project directory, which may be a
/// subdirectory of the repository.
#[derive(Debug, Clone)]
pub struct Git {
    dir: PathBuf,
}

impl Git {
    /// The repository `dir` is in, or `None` when it is in none (or git is
    /// not installed).
    pub fn open(dir: &Path) -> Option<Self> {
        let git = Self { dir: dir.to_path_buf() };
        git.run(&["rev-parse", "--is-inside-work-tree"])
            .ok()
            .filter(|out| out.trim() == "true")
            .map(|_| git)
    }

    /// Files under the project directory, relative to it, that differ from
    /// `commit` in the work tree (committed since, staged or not) or are
    /// new and not ignored; `None` when git cannot say (an unknown commit).
    pub fn changed_since(&self, commit: &str) -> Option<Vec<String>> {
        if commit.starts_with('-') {
            return None;
        }
        let changed = self
            .run(&["diff", "--name-only", "-z", "--relative", commit, "--"])
            .ok()?;
        let new = self.run(&["ls-files", "-z", "--others", "--exclude-standard"]).ok()?;
        let mut files: Vec<String> = changed
            .split('\0')
            .chain(new.split('\0'))
            .filter(|path| !path.is_empty())
            .map(str::to_owned)
            .collect();
        files.sort();
        files.dedup();
        Some(files)
    }

    /// The commit checked out, or `None` before the first commit.
    pub fn head(&self) -> Option<String> {
        self.query(&["rev-parse", "HEAD"])
    }

    /// The branch checked out (`HEAD` when detached).
    pub fn branch(&self) -> Option<String> {
        self.query(&["rev-parse", "--abbrev-ref", "HEAD"])
    }

    /// Whether a tracked file anywhere in the repository has changes.
    pub fn is_dirty(&self) -> Option<bool> {
        self.query(&["status", "--porcelain", "--untracked-files=no"])
            .map(|status| !status.is_empty())
    }

    /// The files of the code under the project directory, relative to it:
    /// tracked, or untracked and not ignored (`git ls-files`). A tracked file
    /// deleted in the work tree is still listed.
    pub fn listed_files(&self) -> Option<Vec<String>> {
        let listed = self
            .run(&["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
            .ok()?;
        Some(
            listed
                .split('\0')
                .filter(|path| !path.is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }

    /// The branch `origin/HEAD` points at, when there is such a remote.
    pub fn origin_head(&self) -> Option<String> {
        self.query(&["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"])?
            .strip_prefix("refs/remotes/origin/")
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
    }

    /// A configuration value, when it is set and not empty.
    pub fn config(&self, key: &str) -> Option<String> {
        self.query(&["config", key]).filter(|value| !value.is_empty())
    }

    /// Whether the local branch `name` exists.
    pub fn has_branch(&self, name: &str) -> bool {
        self.query(&["rev-parse", "--verify", "--quiet", &format!("refs/heads/{name}")])
            .is_some()
    }

    /// Tracked files under the project directory with changes (staged or
    /// not), leaving out paths under the directories `ignore` names
    /// (fixpoint's own, which its runs rewrite).
    pub fn dirty_paths(&self, ignore: &[&str]) -> Result<Vec<String>, GitError> {
        let out = self.run(&["status", "--porcelain=v1", "--untracked-files=no", "--", "."])?;
        let ignored = |path: &str| {
            ignore
                .iter()
                .any(|dir| path.starts_with(&format!("{dir}/")) || path.contains(&format!("/{dir}/")))
        };
        Ok(out
            .lines()
            .filter_map(|line| line.get(3..))
            .filter(|path| !ignored(path))
            .map(str::to_owned)
            .collect())
    }

    /// Fails when git has no name and email to commit with.
    pub fn check_identity(&self) -> Result<(), GitError> {
        self.run(&["var", "GIT_COMMITTER_IDENT"])
            .map(drop)
            .map_err(|_| GitError::Failed {
                command: "commit".into(),
                message: "git does not know who you are: set user.name and user.email (`git config user.email ...`), \
                      or pass --no-commit"
                    .into(),
            })
    }

    /// Creates branch `name` at the current commit and switches to it.
    pub fn switch_new_branch(&self, name: &str) -> Result<(), GitError> {
        self.run(&["switch", "-c", name]).map(drop)
    }

    /// Commits exactly `paths` (relative to the project directory) with
    /// `message`; returns the new commit's hash.
    pub fn commit(&self, paths: &[String], message: &str) -> Result<String, GitError> {
        let mut add = vec!["add", "--"];
        add.extend(paths.iter().map(String::as_str));
        self.run(&add)?;
        let mut commit = vec!["commit", "--quiet", "-m", message, "--"];
        commit.extend(paths.iter().map(String::as_str));
        self.run(&commit)?;
        Ok(self.run(&["rev-parse", "HEAD"])?.trim().to_owned())
    }

    /// `git ARGS`'s output, trimmed, when it succeeds: for questions whose
    /// failure means "no" or "unknown".
    fn query(&self, args: &[&str]) -> Option<String> {
        self.run(args).ok().map(|out| out.trim().to_owned())
    }

    fn run(&self, args: &[&str]) -> Result<String, GitError> {
        let output = Command::new("git")
            .arg("-C")
            .arg(&self.dir)
            .args(args)
            .output()
            .map_err(GitError::Spawn)?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        } else {
            let stderr = String::from_utf8_lossy(&output.stderr);
            Err(GitError::Failed {
                command: args.first().copied().unwrap_or_default().to_owned(),
                message: stderr.lines().last().unwrap_or("no message").trim().to_owned(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) {
        let status = Command::new("git").arg("-C").arg(dir).args(args).status().unwrap();
        assert!(status.success(), "git {args:?}");
    }

    #[test]
    fn commits_only_the_named_files_and_sees_dirt() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert!(Git::open(root).is_none());
        git(root, &["init", "--quiet"]);
        git(root, &["config", "user.name", "Test"]);
        git(root, &["config", "user.email", "test@example.com"]);
        let empty = Git::open(root).unwrap();
        assert_eq!(empty.head(), None);
        assert_eq!(empty.config("user.name").as_deref(), Some("Test"));
        assert_eq!(empty.config("no.such-key"), None);
        std::fs::write(root.join("a.py"), "a = 1\n").unwrap();
        std::fs::write(root.join("b.py"), "b = 1\n").unwrap();
        std::fs::create_dir_all(root.join(".ai")).unwrap();
        std::fs::write(root.join(".ai/prd.md"), "one\n").unwrap();
        std::fs::write(root.join(".aim"), "one\n").unwrap();
        git(root, &["add", "."]);
        git(root, &["commit", "--quiet", "-m", "start"]);
        let repo = Git::open(root).unwrap();
        assert!(repo.dirty_paths(&[".fixpoint"]).unwrap().is_empty());
        assert_eq!(repo.is_dirty(), Some(false));
        assert_eq!(repo.listed_files().unwrap(), [".ai/prd.md", ".aim", "a.py", "b.py"]);
        assert!(repo.has_branch(&repo.branch().unwrap()));
        assert!(!repo.has_branch("no-such-branch"));
        assert_eq!(repo.origin_head(), None);
        std::fs::write(root.join("a.py"), "a = 2\n").unwrap();
        std::fs::write(root.join("b.py"), "b = 2\n").unwrap();
        std::fs::write(root.join(".ai/prd.md"), "two\n").unwrap();
        std::fs::write(root.join(".aim"), "two\n").unwrap();
        assert_eq!(
            repo.dirty_paths(&[".fixpoint", ".ai"]).unwrap(),
            [".aim", "a.py", "b.py"]
        );
        std::fs::write(root.join(".aim"), "one\n").unwrap();
        assert_eq!(repo.is_dirty(), Some(true));
        repo.check_identity().unwrap();
        let head = repo.commit(&["a.py".to_owned()], "fix a").unwrap();
        assert_eq!(head.len(), 40);
        assert_eq!(repo.head().as_deref(), Some(head.as_str()));
        assert_eq!(repo.dirty_paths(&[".fixpoint", ".ai"]).unwrap(), ["b.py"]);
    }
}
