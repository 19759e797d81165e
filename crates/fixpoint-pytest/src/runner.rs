//! Runs pytest as child processes and turns their event streams into a [`Run`].
//!
//! Each worker is one `python fixpoint_pytest_boot.py -p fixpoint_pytest_plugin
//! --continue-on-collection-errors ARGS` in its own process group, with the
//! plugin's events on a pipe (descriptor 3). The supervisor here:
//!
//! - kills a worker whose current test runs past the test timeout, records
//!   that test as `timeout`, and starts a new worker for the tests it had not
//!   reached (the plugin drops the ones already done);
//! - does the same when a worker dies in a test (`crashed`);
//! - with `-j N`, runs N workers over a round-robin partition of the selected
//!   tests and puts the results back in collection order;
//! - reruns failing tests in fresh processes for `--reruns`; a test that
//!   passes on a rerun is `flaky`.
//!
//! A worker is done when its process has exited, not when its pipe closes: a
//! child a test forked may hold the pipe forever. On exit the worker's
//! leftovers are killed (see [`kill_worker`]) and the pipe gets
//! [`PIPE_GRACE`] to deliver what was written. Nothing here blocks on the
//! worker, so both timeouts hold whatever the pipe carries.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use fixpoint_core::{Outcome, Phase, Run, RunInfo, TestResult, format_rfc3339};

use crate::aggregate::ResultBuilder;
use crate::events::{CollectedItem, Event, Interrupt, SessionStart, parse_line};
use crate::interpreter::Interpreter;
use crate::sys::{describe_exit, has_exited, kill_worker, prepare_child};
use crate::{PytestError, Shard, plugin};

/// How often the supervisor looks at the clocks when no event arrives.
const TICK: Duration = Duration::from_millis(50);
/// The exit code the boot script uses when `import pytest` fails.
const PYTEST_MISSING: i32 = 97;
/// How long the pipe may still deliver events after its worker exited.
const PIPE_GRACE: Duration = Duration::from_secs(3);
/// The longest line the event reader keeps (the collection of a suite of
/// half a million tests); a longer one is not an event and is dropped.
const MAX_LINE: usize = 64 << 20;
/// Unreadable lines reported one by one per worker; the rest are counted.
const UNREADABLE_SHOWN: u32 = 3;

/// What to run and how.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub interpreter: Interpreter,
    /// pytest's working directory: the project root.
    pub project_dir: PathBuf,
    /// Selection and pass-through arguments for pytest (paths, `-k`, `-m`, ...).
    pub pytest_args: Vec<OsString>,
    /// Number of pytest processes (at least 1).
    pub jobs: u32,
    pub shard: Option<Shard>,
    pub reruns: u32,
    pub test_timeout: Option<Duration>,
    /// A limit on the whole run.
    pub timeout: Option<Duration>,
    /// Seconds per node id from an earlier run: with them, `-j` balances
    /// workers longest test first instead of round robin.
    pub durations: HashMap<String, f64>,
}

/// What the runner reports while it works; the binary draws it.
#[derive(Debug)]
pub enum Progress<'a> {
    /// Another worker finished collecting; `total` is the sum so far.
    Collected {
        total: usize,
    },
    TestStarted {
        nodeid: &'a str,
    },
    /// A test (or a module that failed to collect) has its result. `attempt`
    /// is 1 for the first run, 2 for the first rerun, ...
    TestFinished {
        test: &'a TestResult,
        attempt: u32,
    },
    RerunStarted {
        attempt: u32,
        tests: usize,
    },
    /// Something the user should know, e.g. a worker restarted after a crash.
    Notice {
        message: String,
    },
}

pub trait Observer {
    fn progress(&mut self, event: Progress<'_>);
}

/// An observer that ignores everything.
pub struct Silent;

impl Observer for Silent {
    fn progress(&mut self, _event: Progress<'_>) {}
}

/// Runs the suite. `cancel` is polled: set it (from a Ctrl-C handler) to stop
/// the run; the result then says it was interrupted.
pub fn run(options: &RunOptions, observer: &mut dyn Observer, cancel: &AtomicBool) -> Result<Run, PytestError> {
    let started_at = SystemTime::now();
    let clock = Instant::now();
    let workdir = tempfile::Builder::new()
        .prefix("fixpoint-run-")
        .tempdir()
        .map_err(|e| PytestError::io("could not create a temporary directory", e))?;
    let boot = plugin::install(workdir.path())?;
    let context = Context {
        options,
        boot,
        workdir: workdir.path().to_path_buf(),
        deadline: options.timeout.map(|limit| clock + limit),
        cancel,
    };

    let jobs = options.jobs.max(1);
    let durations_file = (jobs > 1 && !options.durations.is_empty())
        .then(|| write_durations(&context.workdir, &options.durations))
        .transpose()?;
    let mut slot_envs = Vec::new();
    for part in 1..=jobs {
        let mut env = Vec::new();
        if let Some(shard) = options.shard {
            env.push(("FIXPOINT_SHARD", shard.to_string()));
        }
        if jobs > 1 {
            env.push(("FIXPOINT_PARTITION", format!("{part}/{jobs}")));
        }
        if let Some(file) = &durations_file {
            env.push(("FIXPOINT_DURATIONS_FILE", file.display().to_string()));
        }
        slot_envs.push(env);
    }
    let main = Pass::new(&context, slot_envs, 1, observer).execute()?;
    let order = main.collection_order();
    let mut session = main.session.clone();
    let mut interrupted = main.interrupted.clone();
    let mut tests = main.builder.into_results();
    sort_by_collection_order(&mut tests, &order);

    let mut attempt = 1;
    while attempt <= options.reruns && interrupted.is_none() {
        let failing: Vec<String> = tests
            .iter()
            .filter(|test| test.outcome.is_failing() && test.phase != Some(Phase::Collection))
            .map(|test| test.nodeid.clone())
            .collect();
        if failing.is_empty() {
            break;
        }
        attempt += 1;
        observer.progress(Progress::RerunStarted {
            attempt: attempt - 1,
            tests: failing.len(),
        });
        let only = context.workdir.join(format!("rerun-{attempt}.txt"));
        fs::write(&only, failing.join("\n")).map_err(|e| PytestError::io("could not write the rerun list", e))?;
        let workers = jobs.min(u32::try_from(failing.len()).unwrap_or(u32::MAX));
        let envs = (1..=workers)
            .map(|part| {
                let mut env = vec![("FIXPOINT_ONLY_FILE", only.display().to_string())];
                if workers > 1 {
                    env.push(("FIXPOINT_PARTITION", format!("{part}/{workers}")));
                }
                env
            })
            .collect();
        let rerun = Pass::new(&context, envs, attempt, observer).execute()?;
        interrupted = interrupted.or(rerun.interrupted.clone());
        if session.is_none() {
            session.clone_from(&rerun.session);
        }
        merge_rerun(&mut tests, &failing, &rerun.builder);
    }

    let session = session.unwrap_or_default();
    let info = RunInfo {
        source: "run".to_owned(),
        started_at: format_rfc3339(started_at),
        finished_at: format_rfc3339(SystemTime::now()),
        duration: clock.elapsed().as_secs_f64(),
        project: options.project_dir.display().to_string(),
        rootdir: session.rootdir,
        python: Some(
            session
                .python_executable
                .unwrap_or_else(|| options.interpreter.path.display().to_string()),
        ),
        python_version: session.python_version,
        pytest_version: session.pytest_version,
        plugins: session.plugins,
        selection: Vec::new(),
        group: None,
        shard: options.shard.map(|shard| shard.to_string()),
        workers: jobs,
        interrupted,
    };
    Ok(Run::new(info, tests))
}

fn write_durations(dir: &Path, durations: &HashMap<String, f64>) -> Result<PathBuf, PytestError> {
    let path = dir.join("durations.tsv");
    let mut lines = String::new();
    for (nodeid, seconds) in durations.iter().filter(|(nodeid, _)| !nodeid.contains(['\n', '\t'])) {
        let _ = writeln!(lines, "{seconds}\t{nodeid}");
    }
    fs::write(&path, lines).map_err(|e| PytestError::io("could not write the durations file", e))?;
    Ok(path)
}

/// Applies a rerun's outcomes to the tests it reran.
fn merge_rerun(tests: &mut [TestResult], rerun_ids: &[String], rerun: &ResultBuilder) {
    let rerun_ids: HashSet<&str> = rerun_ids.iter().map(String::as_str).collect();
    for test in tests.iter_mut().filter(|test| rerun_ids.contains(test.nodeid.as_str())) {
        let Some(again) = rerun.get(&test.nodeid) else {
            continue;
        };
        test.attempts += 1;
        test.rerun_outcomes.push(again.outcome);
        if again.outcome == Outcome::Passed {
            // Keep the first failure's details: they say how it flakes.
            test.outcome = Outcome::Flaky;
        }
    }
}

/// Collection errors first, in the order they came; then tests in the order
/// pytest collected them.
fn sort_by_collection_order(tests: &mut [TestResult], order: &HashMap<String, usize>) {
    tests.sort_by_key(|test| order.get(&test.nodeid).map_or((0, 0), |&at| (1, at)));
}

struct Context<'a> {
    options: &'a RunOptions,
    boot: PathBuf,
    workdir: PathBuf,
    deadline: Option<Instant>,
    cancel: &'a AtomicBool,
}

/// Which process of which slot a message comes from: a restarted slot's
/// old reader may still be draining the pipe of the process before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Source {
    slot: usize,
    spawn: u32,
}

/// What a worker's reader thread sends: the lines of one read from the
/// pipe (parsed, or as text when unreadable), then the end of the stream.
enum Message {
    Lines(Source, Vec<Result<Event, String>>),
    Closed(Source),
}

/// Why the supervisor killed a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kill {
    TestTimeout,
    RunTimeout,
    Interrupted,
}

/// The test a worker is running now.
struct Current {
    nodeid: String,
    path: String,
    line: Option<u32>,
    started: Instant,
}

/// One worker position: its selection, and the pytest process filling it now.
struct Slot {
    env: Vec<(&'static str, String)>,
    child: Option<Child>,
    /// The environment mark of the current process (see `sys::WORKER_MARK`).
    mark: String,
    /// The current process's pipe has not reached its end.
    stream_open: bool,
    /// When the current process was seen to have exited.
    exited_at: Option<Instant>,
    /// Lines of the current process that were not events.
    unreadable: u32,
    /// What stopped the current process's session, by its own account.
    interrupt: Option<Interrupt>,
    spawns: u32,
    tests_since_spawn: u32,
    session_seen: bool,
    finished_status: Option<i32>,
    /// The first collection of this slot: the tests it owes.
    collected: Option<Vec<CollectedItem>>,
    /// This process's collection, in the order pytest runs it.
    order: Vec<CollectedItem>,
    /// Where in `order` the first test that is not done may be.
    cursor: usize,
    /// When this process last made progress (collected, or finished a test):
    /// the start of its current test.
    since: Instant,
    done: HashSet<String>,
    kill: Option<Kill>,
    stdout_log: PathBuf,
    stderr_log: PathBuf,
}

impl Slot {
    /// The test this worker runs now: the first of its collection that is
    /// not done (pytest runs its items in collection order), started when
    /// the worker last made progress.
    fn current(&mut self) -> Option<Current> {
        while self
            .order
            .get(self.cursor)
            .is_some_and(|item| self.done.contains(&item.nodeid))
        {
            self.cursor += 1;
        }
        self.order.get(self.cursor).map(|item| Current {
            nodeid: item.nodeid.clone(),
            path: item.path.clone(),
            line: item.line,
            started: self.since,
        })
    }
}

/// One round of pytest processes: the main run, or one rerun.
struct Pass<'a, 'o> {
    context: &'a Context<'a>,
    slots: Vec<Slot>,
    attempt: u32,
    observer: &'o mut dyn Observer,
    builder: ResultBuilder,
    session: Option<SessionStart>,
    interrupted: Option<String>,
    collected_total: usize,
    sender: mpsc::Sender<Message>,
    receiver: mpsc::Receiver<Message>,
}

impl<'a, 'o> Pass<'a, 'o> {
    fn new(
        context: &'a Context<'a>,
        envs: Vec<Vec<(&'static str, String)>>,
        attempt: u32,
        observer: &'o mut dyn Observer,
    ) -> Self {
        let (sender, receiver) = mpsc::channel();
        let slots = envs
            .into_iter()
            .map(|env| Slot {
                env,
                child: None,
                mark: String::new(),
                stream_open: false,
                exited_at: None,
                unreadable: 0,
                interrupt: None,
                spawns: 0,
                tests_since_spawn: 0,
                session_seen: false,
                finished_status: None,
                collected: None,
                order: Vec::new(),
                cursor: 0,
                since: Instant::now(),
                done: HashSet::new(),
                kill: None,
                stdout_log: PathBuf::new(),
                stderr_log: PathBuf::new(),
            })
            .collect();
        Self {
            context,
            slots,
            attempt,
            observer,
            builder: ResultBuilder::new(),
            session: None,
            interrupted: None,
            collected_total: 0,
            sender,
            receiver,
        }
    }

    fn execute(mut self) -> Result<Self, PytestError> {
        for index in 0..self.slots.len() {
            if let Err(error) = self.spawn(index) {
                self.kill_all(Kill::Interrupted);
                return Err(error);
            }
        }
        let result = self.supervise();
        if result.is_err() {
            self.kill_all(Kill::Interrupted);
            for slot in &mut self.slots {
                if let Some(mut child) = slot.child.take() {
                    let _ = child.wait();
                }
            }
        }
        result.map(|()| self)
    }

    fn supervise(&mut self) -> Result<(), PytestError> {
        while self.slots.iter().any(|slot| slot.child.is_some()) {
            match self.receiver.recv_timeout(TICK) {
                Ok(Message::Lines(source, lines)) if self.is_current(source) => {
                    for line in lines {
                        match line {
                            Ok(event) => self.on_event(source.slot, event),
                            Err(text) => self.on_unreadable(source.slot, &text),
                        }
                    }
                }
                Ok(Message::Closed(source)) if self.is_current(source) => {
                    self.slots[source.slot].stream_open = false;
                }
                Ok(_) | Err(_) => {}
            }
            self.check_clocks();
            self.check_exits()?;
        }
        Ok(())
    }

    fn is_current(&self, source: Source) -> bool {
        let slot = &self.slots[source.slot];
        slot.child.is_some() && slot.spawns == source.spawn
    }

    fn on_unreadable(&mut self, index: usize, text: &str) {
        let slot = &mut self.slots[index];
        slot.unreadable += 1;
        if slot.unreadable <= UNREADABLE_SHOWN {
            // Escaped: the line may hold control bytes meant for no terminal.
            let shown: String = text
                .chars()
                .flat_map(|c| {
                    if c.is_control() {
                        c.escape_debug().collect()
                    } else {
                        vec![c]
                    }
                })
                .take(100)
                .collect();
            self.observer.progress(Progress::Notice {
                message: format!("worker {} wrote a line that is not an event: {shown}", index + 1),
            });
        }
    }

    /// Finds workers whose process has exited: kills what they left running,
    /// and ends them once their pipe is drained (or its grace is over).
    fn check_exits(&mut self) -> Result<(), PytestError> {
        for index in 0..self.slots.len() {
            let slot = &mut self.slots[index];
            let Some(child) = &slot.child else {
                continue;
            };
            if slot.exited_at.is_none() && has_exited(child.id()) {
                kill_worker(child.id(), &slot.mark);
                slot.exited_at = Some(Instant::now());
            }
            let Some(exited_at) = slot.exited_at else {
                continue;
            };
            if slot.stream_open && exited_at.elapsed() < PIPE_GRACE {
                continue;
            }
            if slot.stream_open {
                self.observer.progress(Progress::Notice {
                    message: format!(
                        "worker {} exited, but a process it started still holds its event pipe; stopped reading it",
                        index + 1
                    ),
                });
            }
            let hidden = self.slots[index].unreadable.saturating_sub(UNREADABLE_SHOWN);
            if hidden > 0 {
                self.observer.progress(Progress::Notice {
                    message: if hidden == 1 {
                        format!("worker {} wrote 1 more line that is not an event", index + 1)
                    } else {
                        format!("worker {} wrote {hidden} more lines that are not events", index + 1)
                    },
                });
            }
            self.on_exit(index)?;
        }
        Ok(())
    }

    fn spawn(&mut self, index: usize) -> Result<(), PytestError> {
        let options = self.context.options;
        let slot = &mut self.slots[index];
        slot.spawns += 1;
        slot.stream_open = true;
        slot.exited_at = None;
        slot.unreadable = 0;
        slot.interrupt = None;
        slot.tests_since_spawn = 0;
        slot.order.clear();
        slot.cursor = 0;
        slot.since = Instant::now();
        slot.session_seen = false;
        slot.finished_status = None;
        slot.kill = None;
        let stem = self
            .context
            .workdir
            .join(format!("attempt{}-worker{}-{}", self.attempt, index + 1, slot.spawns));
        slot.mark = format!(
            "{}/{}",
            self.context.workdir.file_name().unwrap_or_default().to_string_lossy(),
            stem.file_name().unwrap_or_default().to_string_lossy()
        );
        slot.stdout_log = stem.with_extension("out");
        slot.stderr_log = stem.with_extension("err");
        let log = |path: &Path| {
            File::create(path).map_err(|e| PytestError::io(format!("could not create {}", path.display()), e))
        };
        let (stdout, stderr) = (log(&slot.stdout_log)?, log(&slot.stderr_log)?);

        let (reader, writer) = std::io::pipe().map_err(|e| PytestError::io("could not create a pipe", e))?;
        let mut command = Command::new(&options.interpreter.path);
        command
            .arg(&self.context.boot)
            .args(["-p", plugin::MODULE, "--continue-on-collection-errors"])
            .args(&options.pytest_args)
            .current_dir(&options.project_dir)
            .env("FIXPOINT_EVENT_FD", "3")
            .envs(slot.env.iter().map(|(key, value)| (*key, value)))
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr);
        if !slot.done.is_empty() {
            let skip = stem.with_extension("skip");
            let ids: Vec<&str> = slot.done.iter().map(String::as_str).collect();
            fs::write(&skip, ids.join("\n")).map_err(|e| PytestError::io("could not write the skip list", e))?;
            command.env("FIXPOINT_SKIP_FILE", &skip);
        }
        prepare_child(&mut command, writer.as_raw_fd(), &slot.mark);
        let child = command.spawn().map_err(|source| PytestError::Spawn {
            python: options.interpreter.path.clone(),
            source,
        })?;
        drop(command);
        drop(writer);
        slot.child = Some(child);

        let sender = self.sender.clone();
        let source = Source {
            slot: index,
            spawn: slot.spawns,
        };
        thread::spawn(move || read_events(reader, source, &sender));
        Ok(())
    }

    fn on_event(&mut self, index: usize, event: Event) {
        let slot = &mut self.slots[index];
        match event {
            Event::SessionStart(start) => {
                slot.session_seen = true;
                if self.session.is_none() {
                    self.session = Some(start);
                }
            }
            Event::CollectReport(report) => {
                // A rerun collects the same broken modules again: not news.
                if let Some(test) = self.builder.collect_report(report).filter(|_| self.attempt == 1) {
                    self.observer.progress(Progress::TestFinished {
                        test,
                        attempt: self.attempt,
                    });
                }
            }
            Event::CollectionFinish { items } => {
                slot.order.clone_from(&items);
                slot.cursor = 0;
                slot.since = Instant::now();
                if slot.collected.is_none() {
                    self.collected_total += items.len();
                    slot.collected = Some(items);
                    self.observer.progress(Progress::Collected {
                        total: self.collected_total,
                    });
                }
                if let Some(next) = slot.current() {
                    self.observer.progress(Progress::TestStarted { nodeid: &next.nodeid });
                }
            }
            Event::TestStart {
                nodeid,
                path,
                line,
                markers,
            } => {
                self.builder.start_test(&nodeid, &path, line, markers);
                self.builder.set_worker(&nodeid, index as u32 + 1);
            }
            Event::TestReport(report) => {
                self.builder.phase(&report);
            }
            Event::TestFinish { nodeid, duration } => {
                slot.since = Instant::now();
                slot.tests_since_spawn += 1;
                let test = self.builder.finish(&nodeid, duration);
                self.observer.progress(Progress::TestFinished {
                    test,
                    attempt: self.attempt,
                });
                slot.done.insert(nodeid);
                if let Some(next) = slot.current() {
                    self.observer.progress(Progress::TestStarted { nodeid: &next.nodeid });
                }
            }
            Event::SessionFinish { exitstatus, interrupt } => {
                slot.finished_status = Some(exitstatus);
                slot.interrupt = interrupt;
            }
        }
    }

    /// The worker exited and its pipe is drained: find out why, record what its
    /// current test suffered, and start a new worker if tests remain.
    fn on_exit(&mut self, index: usize) -> Result<(), PytestError> {
        let Some(mut child) = self.slots[index].child.take() else {
            return Ok(());
        };
        let status = child
            .wait()
            .map_err(|e| PytestError::io("could not wait for pytest", e))?;
        let slot = &mut self.slots[index];
        let current = slot.current();
        match slot.kill.take() {
            Some(Kill::Interrupted) => {
                if let Some(current) = current {
                    self.builder.remove(&current.nodeid);
                }
                self.interrupted
                    .get_or_insert_with(|| "stopped by Ctrl-C (or SIGTERM)".to_owned());
                return Ok(());
            }
            Some(Kill::RunTimeout) => {
                if let Some(current) = current {
                    self.record_kill(
                        index,
                        &current,
                        Outcome::Timeout,
                        "the run timed out (--timeout) while this test ran".to_owned(),
                    );
                }
                let limit = self.context.options.timeout.unwrap_or_default().as_secs_f64();
                self.interrupted
                    .get_or_insert_with(|| format!("the run timed out after {limit}s (--timeout)"));
                return Ok(());
            }
            Some(Kill::TestTimeout) => {
                if let Some(current) = current {
                    let limit = self.context.options.test_timeout.unwrap_or_default().as_secs_f64();
                    let message = format!("exceeded the test timeout of {limit}s and was killed");
                    self.record_kill(index, &current, Outcome::Timeout, message);
                }
            }
            None => {
                if let Some(exitstatus) = slot.finished_status {
                    return self.on_session_end(index, exitstatus);
                } else if let Some(current) = current {
                    let message = format!("the pytest process died while this test ran: {}", describe_exit(status));
                    self.record_kill(index, &current, Outcome::Crashed, message);
                } else if !slot.session_seen {
                    return Err(self.startup_failure(index, status));
                } else if slot.collected.is_none() {
                    return Err(PytestError::PytestFailed {
                        status: describe_exit(status),
                        detail: format!("pytest died during collection: {}", self.output_excerpt(index)),
                        output: self.output(index),
                    });
                }
            }
        }
        self.respawn_for_remaining(index)
    }

    fn on_session_end(&mut self, index: usize, exitstatus: i32) -> Result<(), PytestError> {
        // A test that started and never finished did not pass: forget it.
        let unfinished = self.slots[index].current().map(|current| current.nodeid);
        if let Some(nodeid) = unfinished.as_deref().filter(|nodeid| self.builder.contains(nodeid)) {
            self.builder.remove(nodeid);
        }
        let slot = &self.slots[index];
        if let Some(interrupt) = &slot.interrupt {
            let reason = match &interrupt.nodeid {
                Some(nodeid) => format!("pytest stopped the session while {nodeid} ran: {}", interrupt.reason),
                None => format!("pytest stopped the session: {}", interrupt.reason),
            };
            self.interrupted.get_or_insert(reason);
            return Ok(());
        }
        let ran_nothing = slot.collected.as_ref().is_none_or(Vec::is_empty) && self.builder.is_empty();
        // 3: internal error, 4: usage error (bad path, bad option).
        if matches!(exitstatus, 3 | 4) && ran_nothing {
            return Err(PytestError::PytestFailed {
                status: format!("exit status {exitstatus}"),
                detail: self.output_excerpt(index),
                output: self.output(index),
            });
        }
        if exitstatus == 2 && self.interrupted.is_none() {
            self.interrupted = Some(format!("pytest stopped early: {}", self.output_excerpt(index)));
        }
        Ok(())
    }

    fn startup_failure(&self, index: usize, status: ExitStatus) -> PytestError {
        let interpreter = &self.context.options.interpreter;
        if status.code() == Some(PYTEST_MISSING) {
            return PytestError::PytestMissing {
                python: interpreter.path.clone(),
                origin: interpreter.origin.to_string(),
            };
        }
        PytestError::PytestFailed {
            status: describe_exit(status),
            detail: self.output_excerpt(index),
            output: self.output(index),
        }
    }

    fn record_kill(&mut self, index: usize, current: &Current, outcome: Outcome, message: String) {
        let attempt = self.attempt;
        let slot = &mut self.slots[index];
        slot.done.insert(current.nodeid.clone());
        slot.tests_since_spawn += 1;
        let stderr = if outcome == Outcome::Crashed {
            read_tail(&slot.stderr_log, 8192)
        } else {
            String::new()
        };
        let test = self.builder.set_outcome(
            &current.nodeid,
            &current.path,
            current.line,
            outcome,
            message,
            current.started.elapsed().as_secs_f64(),
        );
        if !stderr.is_empty() {
            test.longrepr = Some(stderr);
        }
        self.observer.progress(Progress::TestFinished { test, attempt });
    }

    fn respawn_for_remaining(&mut self, index: usize) -> Result<(), PytestError> {
        let slot = &self.slots[index];
        let remaining = slot.collected.as_ref().map_or(0, |items| {
            items.iter().filter(|item| !slot.done.contains(&item.nodeid)).count()
        });
        if remaining == 0 || slot.tests_since_spawn == 0 || self.interrupted.is_some() {
            return Ok(());
        }
        self.observer.progress(Progress::Notice {
            message: format!("worker {} restarted for its {remaining} remaining tests", index + 1),
        });
        self.spawn(index)
    }

    fn check_clocks(&mut self) {
        if self.context.cancel.load(Ordering::Relaxed) {
            self.kill_all(Kill::Interrupted);
            return;
        }
        if self.context.deadline.is_some_and(|deadline| Instant::now() >= deadline) {
            self.kill_all(Kill::RunTimeout);
            return;
        }
        let Some(limit) = self.context.options.test_timeout else {
            return;
        };
        for slot in &mut self.slots {
            let overdue = slot.kill.is_none() && slot.since.elapsed() > limit && slot.current().is_some();
            if let Some(child) = slot.child.as_ref().filter(|_| overdue) {
                kill_worker(child.id(), &slot.mark);
                slot.kill = Some(Kill::TestTimeout);
            }
        }
    }

    fn kill_all(&mut self, reason: Kill) {
        for slot in &mut self.slots {
            let replaceable = slot.kill.is_none_or(|kill| kill == Kill::TestTimeout);
            if let Some(child) = slot.child.as_ref().filter(|_| replaceable) {
                kill_worker(child.id(), &slot.mark);
                slot.kill = Some(reason);
            }
        }
    }

    /// One line from pytest's own output that explains a failure to start.
    fn output_excerpt(&self, index: usize) -> String {
        explain_output(&self.output(index))
    }

    /// The end of what the worker printed: stderr, then stdout.
    fn output(&self, index: usize) -> String {
        let slot = &self.slots[index];
        format!(
            "{}\n{}",
            read_tail(&slot.stderr_log, 16384),
            read_tail(&slot.stdout_log, 16384)
        )
    }

    /// Tests in collection order across the partition: the plugin tells each
    /// item's place in the whole selection.
    fn collection_order(&self) -> HashMap<String, usize> {
        let mut order = HashMap::new();
        for slot in &self.slots {
            for (k, item) in slot.collected.iter().flatten().enumerate() {
                order.insert(item.nodeid.clone(), item.index.unwrap_or(k));
            }
        }
        order
    }
}

/// Reads one worker's pipe until its end, sending one message per read from
/// the pipe, not per line: the supervisor wakes once for everything pytest
/// flushed at once.
fn read_events(pipe: io::PipeReader, source: Source, sender: &mpsc::Sender<Message>) {
    let mut reader = BufReader::with_capacity(1 << 16, pipe);
    let mut batch = Vec::new();
    let mut line = Vec::new();
    while let Some(overlong) = read_line_capped(&mut reader, &mut line) {
        if overlong {
            batch.push(Err(format!("a line of more than {} MiB", MAX_LINE >> 20)));
        } else {
            match parse_line(&line) {
                None => {}
                Some(Ok(event)) => batch.push(Ok(event)),
                Some(Err(_)) => batch.push(Err(String::from_utf8_lossy(line.trim_ascii()).into_owned())),
            }
        }
        line.clear();
        if reader.buffer().is_empty()
            && !batch.is_empty()
            && sender.send(Message::Lines(source, std::mem::take(&mut batch))).is_err()
        {
            return;
        }
    }
    if !batch.is_empty() {
        let _ = sender.send(Message::Lines(source, batch));
    }
    let _ = sender.send(Message::Closed(source));
}

/// Reads up to and including the next newline into `line`, keeping at most
/// [`MAX_LINE`] bytes: `Some(true)` for a line that was longer (dropped),
/// `None` at the end of the stream (or on a read error).
fn read_line_capped(reader: &mut impl BufRead, line: &mut Vec<u8>) -> Option<bool> {
    let mut overlong = false;
    loop {
        let buffer = match reader.fill_buf() {
            Ok(buffer) => buffer,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        };
        if buffer.is_empty() {
            return (!line.is_empty() || overlong).then_some(overlong);
        }
        let newline = buffer.iter().position(|&byte| byte == b'\n');
        let chunk = &buffer[..newline.map_or(buffer.len(), |at| at + 1)];
        if !overlong && line.len() + chunk.len() > MAX_LINE {
            overlong = true;
            line.clear();
        }
        if !overlong {
            line.extend_from_slice(chunk);
        }
        let used = chunk.len();
        reader.consume(used);
        if newline.is_some() {
            return Some(overlong);
        }
    }
}

/// The most telling line of pytest's output: its first error line, joined to
/// the exception it ends with.
fn explain_output(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim_end)
        .filter(|line| !line.trim().is_empty())
        .collect();
    // A usage error's first line is the usage; argparse's verdict follows it.
    let usage = lines
        .iter()
        .find(|line| line.contains(": error: "))
        .filter(|_| lines.iter().any(|line| line.starts_with("ERROR: usage:")));
    let first_error = usage.or_else(|| {
        lines.iter().find(|line| {
            line.starts_with("ERROR")
                || line.starts_with("ImportError")
                || line.contains("Error while")
                || line.starts_with("fixpoint:")
        })
    });
    let exception = lines
        .iter()
        .rev()
        .find(|line| line.starts_with("E   "))
        .map(|line| line[4..].trim());
    match (first_error, exception) {
        (Some(first), Some(exception)) if !first.contains(exception) => {
            format!("{first} {exception}")
        }
        (Some(first), _) => (*first).to_owned(),
        (None, Some(exception)) => exception.to_owned(),
        (None, None) => lines
            .last()
            .map_or_else(|| "pytest printed nothing".to_owned(), |line| (*line).to_owned()),
    }
}

fn read_tail(path: &Path, limit: u64) -> String {
    let Ok(mut file) = File::open(path) else {
        return String::new();
    };
    let length = file.metadata().map_or(0, |meta| meta.len());
    if length > limit {
        let _ = file.seek(SeekFrom::Start(length - limit));
    }
    let mut bytes = Vec::new();
    let _ = file.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_a_conftest_import_error_in_one_line() {
        let output = "ImportError while loading conftest '/p/tests/conftest.py'.\ntests/conftest.py:1: in <module>\n    import nope\nE   ModuleNotFoundError: No module named 'nope'\n";
        assert_eq!(
            explain_output(output),
            "ImportError while loading conftest '/p/tests/conftest.py'. ModuleNotFoundError: No module named 'nope'"
        );
        assert_eq!(
            explain_output("ERROR: file or directory not found: nope\n\n"),
            "ERROR: file or directory not found: nope"
        );
        assert_eq!(
            explain_output(
                "ERROR: usage: python -m pytest [options] [file_or_dir]\npython -m pytest: error: unrecognized arguments: --nope\n  inifile: None\n"
            ),
            "python -m pytest: error: unrecognized arguments: --nope"
        );
        assert_eq!(explain_output(""), "pytest printed nothing");
    }

    #[test]
    fn reads_lines_of_any_bytes_and_drops_overlong_ones() {
        let mut input = b"\xff\xfe\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', MAX_LINE + 1));
        input.extend_from_slice(b"\n{\"event\"\nlast");
        let mut reader = BufReader::with_capacity(1024, input.as_slice());
        let mut line = Vec::new();
        let mut seen = Vec::new();
        while let Some(overlong) = read_line_capped(&mut reader, &mut line) {
            seen.push((overlong, String::from_utf8_lossy(&line).into_owned()));
            line.clear();
        }
        let expected = [
            (false, "\u{fffd}\u{fffd}\n"),
            (true, ""),
            (false, "{\"event\"\n"),
            (false, "last"),
        ];
        let expected: Vec<(bool, String)> = expected.iter().map(|(o, t)| (*o, (*t).to_owned())).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn merges_reruns_into_flaky_and_still_failing() {
        let mut first = TestResult::new("t.py::a", "t.py", Some(1));
        first.outcome = Outcome::Failed;
        let mut second = first.clone();
        second.nodeid = "t.py::b".into();
        let mut tests = vec![first, second];
        let mut rerun = ResultBuilder::new();
        rerun.start_test("t.py::a", "t.py", Some(1), Vec::new());
        rerun.set_outcome("t.py::b", "t.py", Some(2), Outcome::Failed, "again".into(), 0.1);
        merge_rerun(&mut tests, &["t.py::a".into(), "t.py::b".into()], &rerun);
        assert_eq!((tests[0].outcome, tests[0].attempts), (Outcome::Flaky, 2));
        assert_eq!(tests[1].outcome, Outcome::Failed);
        assert_eq!(tests[1].rerun_outcomes, vec![Outcome::Failed]);
    }
}
