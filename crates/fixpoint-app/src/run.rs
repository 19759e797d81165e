use std::collections::HashMap;
use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, SystemTime};

use fixpoint_core::Run;
use fixpoint_pytest::import::{Format, import_file};
use fixpoint_pytest::runner::{self, Observer, RunOptions};
use fixpoint_pytest::{PytestError, Shard, interpreter};

use crate::args::split_words;
use crate::order::OrderRequest;
use crate::{AppError, Project};
use fixpoint_pytest::runner::Ordering;

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
    /// Environment variables for pytest, beside the inherited ones.
    pub env: Vec<(String, String)>,
    /// `--order`, `--budget`, `--seed`: ranked from the history by
    /// [`run_and_record`].
    pub ordering: OrderRequest,
    /// The ranking made from `ordering`, and its label (`risk`, `random:42`).
    pub planned: Option<(Ordering, String)>,
}

impl RunRequest {
    /// The same interpreter, timeouts and environment, running exactly
    /// `paths` from the project root (no group, `-k` or `-m`): what a
    /// verification run after a change reruns.
    #[must_use]
    pub fn only(&self, paths: Vec<String>) -> RunRequest {
        RunRequest {
            paths,
            from_root: true,
            group: None,
            keyword: None,
            markers: None,
            ordering: OrderRequest::default(),
            planned: None,
            ..self.clone()
        }
    }
}

/// The most pytest processes `-j` may start: 4 per CPU.
fn max_jobs() -> u32 {
    let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    u32::try_from(cpus.saturating_mul(4)).unwrap_or(u32::MAX)
}

/// pytest's arguments for the request: the group's entries, the typed
/// paths (checked against the project's path policy), `-k`/`-m`, then the
/// pass-through arguments.
fn selection(project: &Project, request: &RunRequest) -> Result<Vec<String>, AppError> {
    let settings = &project.settings;
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
    Ok(selection)
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
    let selection = selection(project, request)?;

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
        env: request.env.clone(),
        order: request.planned.as_ref().map(|(ordering, _)| ordering.clone()),
    };
    let mut run = runner::run(&options, observer, cancel)?;
    run.info.selection = selection;
    run.info.group.clone_from(&request.group);
    run.info.order = request.planned.as_ref().map(|(_, label)| label.clone());
    // The runner's budget is test time over all workers; the user's is wall-clock.
    if run.info.budget.is_some() {
        run.info.budget = request.ordering.budget;
    }
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
        .map(|r| crate::store::open_store(project, r.db.as_deref()))
        .transpose()?;
    let jobs = request.jobs.or(project.settings.jobs).unwrap_or(1);
    let ordered;
    let request = if request.ordering.is_empty() {
        request
    } else {
        // Ranking reads the history even when the run is not recorded.
        let mut reader = match store.take() {
            Some(store) => store,
            None => crate::store::open_store(project, request.ordering.db.as_deref())?,
        };
        let (ordering, durations, label) = crate::order::plan(reader.as_mut(), project, &request.ordering, jobs)?;
        if recording.is_some() {
            store = Some(reader);
        }
        ordered = RunRequest {
            durations: if request.durations.is_empty() {
                durations
            } else {
                request.durations.clone()
            },
            planned: Some((ordering, label)),
            ..request.clone()
        };
        &ordered
    };
    let started = SystemTime::now();
    let attempt = match store.as_deref_mut() {
        Some(store) if jobs > 1 && request.durations.is_empty() => {
            let balanced = RunRequest {
                durations: crate::store::latest_durations(store)?,
                ..request.clone()
            };
            run_tests(project, &balanced, observer, cancel)
        }
        _ => run_tests(project, request, observer, cancel),
    };
    let run = match attempt {
        Err(AppError::Pytest(PytestError::PytestFailed { status, detail, output })) => {
            did_not_start(project, request, &status, &detail, &output, started)
                .ok_or(AppError::Pytest(PytestError::PytestFailed { status, detail, output }))?
        }
        other => other?,
    };
    if let Some(budget) = run.info.budget
        && run.counts.total == 0
        && !run.info.left_out.is_empty()
    {
        // Nothing ran: a run to record would only hide the one before it.
        let quickest = run
            .info
            .left_out
            .iter()
            .filter_map(|nodeid| request.durations.get(nodeid))
            .copied()
            .fold(f64::INFINITY, f64::min);
        return Err(AppError::Usage(format!(
            "--budget {} fits no test: the quickest of the {} takes {} by the history",
            fixpoint_report::seconds(budget),
            fixpoint_report::count(run.info.left_out.len(), "test"),
            fixpoint_report::seconds(quickest)
        )));
    }
    let id = match (store.as_deref_mut(), recording) {
        (Some(store), Some(recording)) => Some(crate::record::record_run(
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

/// A suite that could not start (a conftest that fails to import, a plugin
/// that fails to load, an invalid configuration), as a run: one collection
/// error on the file pytest names (the conftest, else the pytest
/// configuration file), so that it is recorded, triaged and counted like any
/// other failure, with pytest's output as its traceback (so triage finds the
/// conftest's line) and the tests under that conftest as affected. `None` when
/// the cause is the command line itself (an option pytest does not know, a
/// bad `-k`): that stays a usage error.
fn did_not_start(
    project: &Project,
    request: &RunRequest,
    status: &str,
    detail: &str,
    output: &str,
    started: SystemTime,
) -> Option<Run> {
    let selection = selection(project, request).ok()?;
    // What pytest refused, as it names it: arguments, a path, `-k`/`-m`.
    let refused: Vec<&str> = ["unrecognized arguments: ", "file or directory not found: "]
        .iter()
        .filter_map(|verdict| detail.split_once(verdict).map(|(_, rest)| rest))
        .flat_map(str::split_whitespace)
        .chain(
            ["-k", "-m"]
                .into_iter()
                .filter(|flag| detail.contains(&format!("Wrong expression passed to '{flag}'"))),
        )
        .collect();
    if refused.iter().any(|word| selection.iter().any(|arg| arg == word)) {
        return None;
    }
    let conftest = detail
        .split_once("while loading conftest '")
        .and_then(|(_, rest)| rest.split_once('\''))
        .map(|(path, _)| {
            Path::new(path)
                .strip_prefix(&project.root)
                .map_or_else(|_| path.to_owned(), |p| p.display().to_string())
        });
    let config = fixpoint_pytest::config::CONFIG_FILES.into_iter().find(|name| {
        fs::read_to_string(project.root.join(name))
            .is_ok_and(|text| fixpoint_pytest::config::pytest_part(name, &text).is_some())
    });
    let path = conftest
        .or_else(|| config.map(str::to_owned))
        .unwrap_or_else(|| ".".to_owned());
    // The exception pytest ended with (`E   ModuleNotFoundError: ...`), else
    // its own error line (`ERROR: Error importing plugin "x": ...`).
    let exception = output
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix("E   "))
        .map_or_else(|| detail.trim_start_matches("ERROR: "), str::trim);
    let mut test = fixpoint_core::TestResult::new(path.clone(), path.clone(), None);
    test.outcome = fixpoint_core::Outcome::Error;
    test.phase = Some(fixpoint_core::Phase::Collection);
    test.exception_type = exception
        .split_once(": ")
        .map(|(name, _)| name)
        .filter(|name| {
            !name.is_empty() && !name.contains(' ') && (name.ends_with("Error") || name.ends_with("Exception"))
        })
        .map(str::to_owned);
    test.message = Some(exception.to_owned());
    // The conftest's own frame: `tests/conftest.py:3: in <module>`.
    let line = output.lines().find_map(|text| {
        let rest = text.strip_prefix(path.as_str())?.strip_prefix(':')?;
        rest.split_once(':')?.0.parse::<u32>().ok()
    });
    test.crash = Some(fixpoint_core::Crash {
        path,
        line,
        message: exception.to_owned(),
    });
    // pytest's own words: the traceback through the conftest, where it has one.
    test.longrepr = Some(format!(
        "{}\n\npytest stopped before running any test ({status})",
        output.trim()
    ));
    let python = interpreter::discover(request.python.as_deref(), &project.root, &|key| env::var_os(key))
        .ok()
        .map(|found| found.path.display().to_string());
    let info = fixpoint_core::RunInfo {
        source: "run".to_owned(),
        started_at: fixpoint_core::format_rfc3339(started),
        finished_at: fixpoint_core::format_rfc3339(SystemTime::now()),
        duration: started.elapsed().map_or(0.0, |d| d.as_secs_f64()),
        project: project.root.display().to_string(),
        python,
        selection,
        group: request.group.clone(),
        shard: request.shard.map(|shard| shard.to_string()),
        workers: 1,
        interrupted: Some(format!("the suite did not start ({status}): no test ran")),
        ..fixpoint_core::RunInfo::default()
    };
    Some(Run::new(info, vec![test]))
}

/// Imports a report file and records it in the history.
pub fn import_and_record(
    project: &Project,
    file: &Path,
    format: Option<Format>,
    recording: &Recording,
) -> Result<(Run, i64), AppError> {
    let mut store = crate::store::open_store(project, recording.db.as_deref())?;
    let run = import_run(project, file, format)?;
    let id = crate::record::record_run(
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
