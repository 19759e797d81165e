//! The history use cases: recording runs, and everything `history`, `show`,
//! `compare`, `test`, `flaky` and `progress` show.

use std::collections::HashMap;
use std::env;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use fixpoint_core::Run;
use fixpoint_store::analysis::{self, Comparison, FlakyTest, ProgressPoint};
use fixpoint_store::{Location, OutcomeFilter, Provenance, ResultRow, RunRow, Store};
use serde::Serialize;

use crate::{AppError, Project};

/// Opens the project's history: `--db`, else `FIXPOINT_DB_URL`, else
/// `[tool.fixpoint] db`, else `.fixpoint/fixpoint.db` in the project.
pub fn open_store(project: &Project, db: Option<&str>) -> Result<Box<dyn Store>, AppError> {
    let location = store_location(project, db)?;
    if let Location::Sqlite(path) = &location {
        ensure_ignored(path);
    }
    let busy = env::var("FIXPOINT_DB_BUSY_TIMEOUT")
        .ok()
        .and_then(|secs| secs.parse::<f64>().ok())
        .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
        .unwrap_or(fixpoint_store::DEFAULT_BUSY_TIMEOUT);
    Ok(fixpoint_store::open_with_busy_timeout(&location, busy)?)
}

pub fn store_location(project: &Project, db: Option<&str>) -> Result<Location, AppError> {
    let configured = db
        .map(str::to_owned)
        .or_else(|| env::var("FIXPOINT_DB_URL").ok().filter(|url| !url.is_empty()))
        .or_else(|| project.settings.db.clone());
    let configured = configured
        .as_deref()
        .map(Location::parse)
        .transpose()
        .map_err(AppError::Usage)?;
    Ok(match configured {
        Some(Location::Sqlite(path)) => Location::Sqlite(project.root.join(path)),
        Some(postgres) => postgres,
        None => Location::Sqlite(project.root.join(".fixpoint").join("fixpoint.db")),
    })
}

/// fixpoint's own directory keeps itself out of git, as `.ruff_cache` does.
fn ensure_ignored(database: &Path) {
    if let Some(dir) = database
        .parent()
        .filter(|dir| dir.file_name().is_some_and(|name| name == ".fixpoint"))
    {
        let ignore = dir.join(".gitignore");
        if !ignore.exists() && fs::create_dir_all(dir).is_ok() {
            let _ = fs::write(ignore, "# Automatically created by fixpoint.\n*\n");
        }
    }
}

/// `git ARGS` in `root`: its output, trimmed, when it succeeds.
pub(crate) fn git(root: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).current_dir(root).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Where a run came from: git, the host, the CI build.
pub fn provenance(project: &Project, build_id: Option<&str>, command: &str) -> Provenance {
    let git = |args: &[&str]| git(&project.root, args);
    let git_commit = git(&["rev-parse", "HEAD"]);
    let git_branch = git_commit
        .as_ref()
        .and_then(|_| git(&["rev-parse", "--abbrev-ref", "HEAD"]));
    let git_dirty = git_commit
        .as_ref()
        .and_then(|_| git(&["status", "--porcelain", "--untracked-files=no"]))
        .map(|status| !status.is_empty());
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
        code_hash: code_hash(&project.root),
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
/// uncommitted edits change it. `None` when nothing could be read.
pub fn code_hash(root: &Path) -> Option<String> {
    use std::fmt::Write as _;
    let policy = fixpoint_paths::Policy::new(root).ok()?;
    // Read through the policy: a listed symlink that leaves the project is
    // not part of the code, and is not read.
    let read = |path: &str| policy.readable(path).ok().and_then(|full| fs::read(full).ok());
    let wanted = |path: &str| {
        let name = path.rsplit('/').next().unwrap_or(path);
        Path::new(path).extension().is_some_and(|ext| ext == "py") || CONFIG_FILES.contains(&name)
    };
    let listed = Command::new("git")
        .args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        .current_dir(root)
        .output()
        .ok()
        .filter(|output| output.status.success());
    let mut files: Vec<(String, String)> = if let Some(output) = listed {
        String::from_utf8_lossy(&output.stdout)
            .split('\0')
            .filter(|path| !path.is_empty() && wanted(path))
            // A tracked file deleted in the working tree is absent from the code.
            .filter_map(|path| read(path).map(|bytes| (path.to_owned(), fixpoint_fix::journal::hash(&bytes))))
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

/// Records a run with its triage; returns its id in the history.
pub fn record_run(
    store: &mut dyn Store,
    project: &Project,
    run: &Run,
    build_id: Option<&str>,
    command: &str,
) -> Result<i64, AppError> {
    let triage = crate::triage::rows_of(&crate::triage::triage_fresh(project, run));
    Ok(store.record(run, &provenance(project, build_id, command), &triage)?)
}

/// Each test's duration in the newest run that was not a shard (empty when
/// there is none): what `-j` balancing needs.
pub fn latest_durations(store: &mut dyn Store) -> Result<HashMap<String, f64>, AppError> {
    let Some(run) = store.runs(20)?.into_iter().find(|run| run.shard.is_none()) else {
        return Ok(HashMap::new());
    };
    Ok(store
        .results(run.id)?
        .into_iter()
        .map(|result| (result.nodeid, result.duration))
        .collect())
}

/// `latest`, `latest~N` (N runs before the latest) or a run id.
pub fn resolve_run(store: &mut dyn Store, reference: &str) -> Result<RunRow, AppError> {
    let back = match reference {
        "latest" => Some(0),
        other => other.strip_prefix("latest~").and_then(|n| n.parse::<usize>().ok()),
    };
    if let Some(back) = back {
        let runs = store.runs(back + 1)?;
        if runs.is_empty() {
            return Err(AppError::NoRuns);
        }
        return runs
            .into_iter()
            .nth(back)
            .ok_or_else(|| AppError::UnknownRun(reference.to_owned()));
    }
    let id: i64 = reference
        .parse()
        .map_err(|_| AppError::UnknownRun(reference.to_owned()))?;
    store.run(id)?.ok_or_else(|| AppError::UnknownRun(reference.to_owned()))
}

/// A run in `fixpoint history`.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    #[serde(flatten)]
    pub run: RunRow,
    pub pass_rate: Option<f64>,
}

/// The newest runs, newest first, and the pass-rate sparkline (oldest first).
pub fn history(store: &mut dyn Store, limit: usize) -> Result<(Vec<HistoryEntry>, String), AppError> {
    let entries: Vec<HistoryEntry> = store
        .runs(limit)?
        .into_iter()
        .map(|run| HistoryEntry {
            pass_rate: run.counts.pass_rate(),
            run,
        })
        .collect();
    let rates: Vec<Option<f64>> = entries.iter().rev().map(|entry| entry.pass_rate).collect();
    Ok((entries, analysis::sparkline(&rates)))
}

/// One run with its results, failures first (then the run's order).
pub fn show(store: &mut dyn Store, reference: &str) -> Result<(RunRow, Vec<ResultRow>), AppError> {
    let run = resolve_run(store, reference)?;
    let mut results = store.results(run.id)?;
    results.sort_by_key(|result| !result.outcome.is_failing());
    Ok((run, results))
}

/// How far back `compare` looks for a run of the same tests as the latest.
const COMPARABLE_WINDOW: usize = 50;

/// `fixpoint compare [A] [B]`: by default the latest run and the latest before it that
/// ran the same selection (the run just before, when none did).
pub fn compare(store: &mut dyn Store, base: Option<&str>, head: Option<&str>) -> Result<Comparison, AppError> {
    let (base, head) = match (base, head) {
        (Some(base), Some(head)) => (resolve_run(store, base)?, resolve_run(store, head)?),
        (Some(base), None) => (resolve_run(store, base)?, resolve_run(store, "latest")?),
        _ => {
            // The latest run against the one before it that ran the same
            // tests: after `fix`, the run before the latest is often its
            // verification, a few tests only, and every other test would
            // look added.
            let runs = store.runs(COMPARABLE_WINDOW)?;
            match runs.as_slice() {
                [] => return Err(AppError::NoRuns),
                [_] => return Err(AppError::Usage("the history holds one run: compare needs two".into())),
                [head, earlier @ ..] => {
                    let same = |run: &&RunRow| {
                        run.selection == head.selection && run.group == head.group && run.shard == head.shard
                    };
                    let base = earlier.iter().find(same).unwrap_or(&earlier[0]);
                    (base.clone(), head.clone())
                }
            }
        }
    };
    let before = store.outcomes(&[base.id], OutcomeFilter::All)?;
    let after = store.outcomes(&[head.id], OutcomeFilter::All)?;
    Ok(analysis::compare(base.id, head.id, &before, &after))
}

/// One test across runs.
#[derive(Debug, Clone, Serialize)]
pub struct TestHistory {
    pub nodeid: String,
    pub entries: Vec<TestHistoryEntry>,
    /// The run that started the current failing streak, if it is failing now.
    pub failing_since: Option<TestHistoryEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TestHistoryEntry {
    pub run_id: i64,
    pub started_at: String,
    pub git_commit: Option<String>,
    pub outcome: fixpoint_core::Outcome,
    pub duration: f64,
    pub message: Option<String>,
}

pub fn test_history(store: &mut dyn Store, nodeid: &str, limit: usize) -> Result<TestHistory, AppError> {
    let rows = store.test_history(nodeid, limit)?;
    if rows.is_empty() {
        return Err(AppError::Usage(format!(
            "`{nodeid}` is not in the history: check the node id with `fixpoint show`"
        )));
    }
    let entry = |(run, result): &(RunRow, ResultRow)| TestHistoryEntry {
        run_id: run.id,
        started_at: run.started_at.clone(),
        git_commit: run.git_commit.clone(),
        outcome: result.outcome,
        duration: result.duration,
        message: result.message.clone(),
    };
    let failing_since = analysis::first_failing(&rows)
        .and_then(|run| rows.iter().find(|(r, _)| r.id == run.id))
        .map(entry);
    Ok(TestHistory {
        nodeid: nodeid.to_owned(),
        entries: rows.iter().map(entry).collect(),
        failing_since,
    })
}

/// Flaky tests over the newest `window` runs.
pub fn flaky(store: &mut dyn Store, window: usize) -> Result<Vec<FlakyTest>, AppError> {
    let runs = store.runs(window)?;
    let ids: Vec<i64> = runs.iter().map(|run| run.id).collect();
    let outcomes = store.outcomes(&ids, OutcomeFilter::All)?;
    Ok(analysis::flaky(&runs, &outcomes))
}

/// The road to green since `baseline` (default: the oldest run).
pub fn progress(store: &mut dyn Store, baseline: Option<&str>) -> Result<Vec<ProgressPoint>, AppError> {
    let first = match baseline {
        Some(reference) => resolve_run(store, reference)?.id,
        None => 0,
    };
    let runs = store.runs_since(first)?;
    if runs.is_empty() {
        return Err(AppError::NoRuns);
    }
    let ids: Vec<i64> = runs.iter().map(|run| run.id).collect();
    let failing = store.outcomes(&ids, OutcomeFilter::Failing)?;
    let baseline: Vec<String> = failing
        .iter()
        .filter(|row| row.run_id == ids[0])
        .map(|row| row.nodeid.clone())
        .collect();
    let tracked = store.outcomes(&ids, OutcomeFilter::Tests(&baseline))?;
    Ok(analysis::progress(&runs, &failing, &tracked))
}
