//! Recording a run: what it ran, where it came from (git, the host, the CI
//! build, a hash of the code) and its triage, in one row of the history.

use std::env;
use std::fs;
use std::path::Path;

use fixpoint_core::Run;
use fixpoint_git::Git;
use fixpoint_store::{Provenance, Store};

use crate::{AppError, Project};

/// Records a run with its triage; returns its id in the history.
pub fn record_run(
    store: &mut dyn Store,
    project: &Project,
    run: &Run,
    build_id: Option<&str>,
    command: &str,
) -> Result<i64, AppError> {
    let triage = crate::triage::rows_of(&crate::triage::triage_fresh(project, run));
    let id = store.record(run, &provenance(project, build_id, command), &triage)?;
    crate::workflow::after_event(store, project);
    Ok(id)
}

/// Where a run came from: git, the host, the CI build.
pub fn provenance(project: &Project, build_id: Option<&str>, command: &str) -> Provenance {
    let git = Git::open(&project.root);
    let git_commit = git.as_ref().and_then(Git::head);
    let git_branch = git_commit.as_ref().and(git.as_ref()).and_then(Git::branch);
    let git_dirty = git_commit.as_ref().and(git.as_ref()).and_then(Git::is_dirty);
    let build_id = build_id.map(str::to_owned).or_else(|| {
        [
            "FIXPOINT_BUILD_ID",
            "GITHUB_RUN_ID",
            "CI_PIPELINE_ID",
            "BUILDKITE_BUILD_ID",
            "CIRCLE_WORKFLOW_ID",
        ]
        .iter()
        .find_map(|key| env::var(key).ok().filter(|value| !value.is_empty()))
    });
    let host = fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| fs::read_to_string("/etc/hostname"))
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .or_else(|| env::var("HOSTNAME").ok());
    Provenance {
        build_id,
        git_commit,
        git_branch,
        git_dirty,
        host,
        command: command.to_owned(),
        code_hash: code_hash(&project.root, git.as_ref()),
    }
}

/// Files whose content decides what the tests do, besides Python files:
/// pytest's configuration.
const CONFIG_FILES: [&str; 5] = ["pyproject.toml", "pytest.ini", "setup.cfg", "tox.ini", "conftest.py"];

/// A hash of the code under test as it is in the working tree: every Python
/// file git knows of (tracked, or untracked and not ignored; `git ls-files`)
/// and pytest's configuration files, by path and content. Without git, the
/// project's Python files as `fixpoint_python::read_project` finds them.
/// Equal hashes mean the same code, whatever the commit: `fix`, `undo` and
/// uncommitted edits change it. `None` when nothing could be read. `git` is
/// the repository `root` is in, when it is in one (opened once per record).
pub fn code_hash(root: &Path, git: Option<&Git>) -> Option<String> {
    use std::fmt::Write as _;
    let policy = fixpoint_paths::Policy::new(root).ok()?;
    // Read through the policy: a listed symlink that leaves the project is
    // not part of the code, and is not read.
    let read = |path: &str| policy.readable(path).ok().and_then(|full| fs::read(full).ok());
    let wanted = |path: &str| {
        let name = path.rsplit('/').next().unwrap_or(path);
        Path::new(path).extension().is_some_and(|ext| ext == "py") || CONFIG_FILES.contains(&name)
    };
    let listed = git.and_then(Git::listed_files);
    let mut files: Vec<(String, String)> = if let Some(listed) = listed {
        listed
            .into_iter()
            .filter(|path| wanted(path))
            // A tracked file deleted in the working tree is absent from the code.
            .filter_map(|path| read(&path).map(|bytes| (path, fixpoint_fix::journal::hash(&bytes))))
            .collect()
    } else {
        let mut files: Vec<(String, String)> = fixpoint_python::read_project(root)
            .into_iter()
            .map(|(path, source)| (path, fixpoint_fix::journal::hash(source.as_bytes())))
            .collect();
        // `read_project` has the Python files, `conftest.py` among them.
        files.extend(
            CONFIG_FILES
                .iter()
                .filter(|name| Path::new(name).extension().is_none_or(|ext| ext != "py"))
                .filter_map(|name| read(name).map(|bytes| ((*name).to_owned(), fixpoint_fix::journal::hash(&bytes)))),
        );
        files
    };
    if files.is_empty() {
        return None;
    }
    files.sort();
    files.dedup();
    let manifest = files.iter().fold(String::new(), |mut manifest, (path, digest)| {
        let _ = writeln!(manifest, "{path}\0{digest}");
        manifest
    });
    Some(fixpoint_fix::journal::hash(manifest.as_bytes()))
}
