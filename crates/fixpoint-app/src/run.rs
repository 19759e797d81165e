use std::collections::HashMap;
use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use fixpoint_core::Run;
use fixpoint_pytest::import::{Format, import_file};
use fixpoint_pytest::runner::{self, Observer, RunOptions};
use fixpoint_pytest::{Shard, interpreter};

use crate::args::split_words;
use crate::{AppError, Project, history};

/// What `fixpoint run` was asked for; `None` falls back to the project's
/// settings, then to the defaults.
#[derive(Debug, Clone, Default)]
pub struct RunRequest {
    /// Files, directories or node ids, relative to the current directory or
    /// else to the project root.
    pub paths: Vec<String>,
    pub keyword: Option<String>,
    pub markers: Option<String>,
    pub group: Option<String>,
    pub python: Option<PathBuf>,
    pub jobs: Option<u32>,
    pub shard: Option<Shard>,
    pub reruns: Option<u32>,
    pub test_timeout: Option<f64>,
    pub timeout: Option<f64>,
    /// Arguments passed to pytest as they are (after `--`).
    pub pytest_args: Vec<String>,
    /// Seconds per test from the history, to balance `-j` workers.
    pub durations: HashMap<String, f64>,
    /// `paths` are relative to the project root (node ids, the import
    /// graph's test files), not to where the user stands: set by the use
    /// cases that rerun tests (fix, migrate, repair), so that `.` is the
    /// whole project even when fixpoint runs from a subdirectory.
    pub from_root: bool,
}

/// The most pytest processes `-j` may start: 4 per CPU.
fn max_jobs() -> u32 {
    let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    u32::try_from(cpus.saturating_mul(4)).unwrap_or(u32::MAX)
}

/// Runs the project's tests as requested.
pub fn run_tests(
    project: &Project,
    request: &RunRequest,
    observer: &mut dyn Observer,
    cancel: &AtomicBool,
) -> Result<Run, AppError> {
    let settings = &project.settings;
    let interpreter = interpreter::discover(request.python.as_deref(), &project.root, &|key| env::var_os(key))?;

    let mut selection: Vec<String> = Vec::new();
    if let Some(name) = &request.group {
        let entries = settings.groups.get(name).ok_or_else(|| AppError::UnknownGroup {
            name: name.clone(),
            available: settings.groups.keys().cloned().collect(),
        })?;
        for entry in entries {
            selection
                .extend(split_words(entry).map_err(|reason| AppError::Usage(format!("group `{name}`: {reason}")))?);
        }
    }
    let cwd = if request.from_root {
        project.root.clone()
    } else {
        env::current_dir().unwrap_or_else(|_| project.root.clone())
    };
    let policy = crate::paths::policy(project)?;
    for path in &request.paths {
        selection.push(crate::paths::typed(&policy, path, &cwd)?);
    }
    // An expression is the value of -k or -m, never an option of its own.
    for (flag, expression) in [("-k", &request.keyword), ("-m", &request.markers)] {
        if let Some(expression) = expression
            && expression.trim_start().starts_with('-')
        {
            return Err(AppError::Usage(format!(
                "the {flag} expression `{expression}` starts with `-`: it would be read as an option"
            )));
        }
    }
    if let Some(keyword) = &request.keyword {
        selection.extend(["-k".to_owned(), keyword.clone()]);
    }
    if let Some(markers) = &request.markers {
        selection.extend(["-m".to_owned(), markers.clone()]);
    }
    selection.extend(request.pytest_args.iter().cloned());

    let seconds = |value: Option<f64>, what: &str| -> Result<Option<Duration>, AppError> {
        value
            .map(|secs| {
                Duration::try_from_secs_f64(secs)
                    .ok()
                    .filter(|d| !d.is_zero())
                    .ok_or_else(|| AppError::Usage(format!("{what} must be a positive number of seconds, not {secs}")))
            })
            .transpose()
    };
    let jobs = request.jobs.or(settings.jobs).unwrap_or(1);
    if jobs == 0 {
        return Err(AppError::Usage("-j must be at least 1".into()));
    }
    let limit = max_jobs();
    if jobs > limit {
        return Err(AppError::Usage(format!(
            "-j {jobs} is more than {limit} pytest processes (4 per CPU on this machine): pass at most -j {limit}"
        )));
    }
    let options = RunOptions {
        interpreter,
        project_dir: project.root.clone(),
        pytest_args: selection.iter().map(OsString::from).collect(),
        jobs,
        shard: request.shard,
        reruns: request.reruns.or(settings.reruns).unwrap_or(0),
        test_timeout: seconds(request.test_timeout.or(settings.test_timeout), "--test-timeout")?,
        timeout: seconds(request.timeout.or(settings.timeout), "--timeout")?,
        durations: request.durations.clone(),
    };
    let mut run = runner::run(&options, observer, cancel)?;
    run.info.selection = selection;
    run.info.group.clone_from(&request.group);
    Ok(run)
}

/// Reads a run made elsewhere (JUnit XML or reportlog JSON lines).
pub fn import_run(project: &Project, file: &Path, format: Option<Format>) -> Result<Run, AppError> {
    Ok(import_file(file, format, Some(&project.root))?)
}

/// Where and how a run is written to the history.
#[derive(Debug, Clone, Default)]
pub struct Recording {
    /// `--db`: a `postgres://` URL or a SQLite path.
    pub db: Option<String>,
    /// The CI build this run is a shard of.
    pub build_id: Option<String>,
    /// The command line, as the user typed it.
    pub command: String,
}

/// Runs the tests and records the run in the history; the store is opened
/// first, so an unreachable database stops before any test runs.
pub fn run_and_record(
    project: &Project,
    request: &RunRequest,
    recording: Option<&Recording>,
    observer: &mut dyn Observer,
    cancel: &AtomicBool,
) -> Result<(Run, Option<i64>), AppError> {
    let mut store = recording
        .map(|r| history::open_store(project, r.db.as_deref()))
        .transpose()?;
    let jobs = request.jobs.or(project.settings.jobs).unwrap_or(1);
    let run = match store.as_deref_mut() {
        Some(store) if jobs > 1 && request.durations.is_empty() => {
            let balanced = RunRequest {
                durations: history::latest_durations(store)?,
                ..request.clone()
            };
            run_tests(project, &balanced, observer, cancel)?
        }
        _ => run_tests(project, request, observer, cancel)?,
    };
    let id = match (store.as_deref_mut(), recording) {
        (Some(store), Some(recording)) => Some(history::record_run(
            store,
            project,
            &run,
            recording.build_id.as_deref(),
            &recording.command,
        )?),
        _ => None,
    };
    Ok((run, id))
}

/// Imports a report file and records it in the history.
pub fn import_and_record(
    project: &Project,
    file: &Path,
    format: Option<Format>,
    recording: &Recording,
) -> Result<(Run, i64), AppError> {
    let mut store = history::open_store(project, recording.db.as_deref())?;
    let run = import_run(project, file, format)?;
    let id = history::record_run(
        store.as_mut(),
        project,
        &run,
        recording.build_id.as_deref(),
        &recording.command,
    )?;
    Ok((run, id))
}

#[cfg(test)]
mod tests {
    use std::fs;

    use crate::paths::typed as resolve_path;

    #[test]
    fn paths_resolve_from_where_the_user_stands() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("proj");
        fs::create_dir_all(root.join("tests")).unwrap();
        fs::write(root.join("tests/test_a.py"), "").unwrap();
        let policy = fixpoint_paths::Policy::new(&root).unwrap();
        let resolve = |path: &str, cwd: &std::path::Path| resolve_path(&policy, path, cwd).map_err(|e| e.to_string());
        // From the parent directory, `proj/tests/test_a.py::t` is inside the project.
        assert_eq!(
            resolve("proj/tests/test_a.py::t", dir.path()).unwrap(),
            "tests/test_a.py::t"
        );
        // A path that exists only under the project is read from the root.
        assert_eq!(resolve("tests/test_a.py", dir.path()).unwrap(), "tests/test_a.py");
        assert_eq!(resolve("./tests/", &root).unwrap(), "tests");
        assert_eq!(
            resolve("test_a.py::t", &root.join("tests")).unwrap(),
            "tests/test_a.py::t"
        );
        for bad in ["--basetemp=/tmp/x", "-p", "../x.py", "tests/missing.py"] {
            assert!(resolve(bad, &root).is_err(), "{bad}");
        }
    }
}
