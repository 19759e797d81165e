//! One round of pytest processes (the main run, or one rerun): spawning
//! workers, folding their events, watching both clocks, noticing exits,
//! killing what a worker left, and restarting a worker for the tests it had
//! not reached.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use fixpoint_core::{Outcome, RecordedWarning};

use super::output::{explain_output, read_tail};
use super::reader::{Message, Source, read_events};
use super::{Context, Observer, Progress};
use crate::aggregate::ResultBuilder;
use crate::events::{CollectedItem, Event, Interrupt, SessionStart};
use crate::sys::{describe_exit, has_exited, kill_worker, prepare_child};
use crate::{PytestError, plugin};

/// How often the supervisor looks at the clocks when no event arrives.
const TICK: Duration = Duration::from_millis(50);
/// The exit code the boot script uses when `import pytest` fails.
const PYTEST_MISSING: i32 = 97;
/// How long the pipe may still deliver events after its worker exited.
const PIPE_GRACE: Duration = Duration::from_secs(3);
/// Unreadable lines reported one by one per worker; the rest are counted.
const UNREADABLE_SHOWN: u32 = 3;

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
pub(super) struct Pass<'a, 'o> {
    context: &'a Context<'a>,
    slots: Vec<Slot>,
    attempt: u32,
    observer: &'o mut dyn Observer,
    pub(super) builder: ResultBuilder,
    pub(super) session: Option<SessionStart>,
    pub(super) interrupted: Option<String>,
    /// What the budget left out, as the first worker to collect said.
    pub(super) left_out: Option<Vec<String>>,
    /// The warnings every worker raised, merged.
    pub(super) warnings: Vec<RecordedWarning>,
    collected_total: usize,
    sender: mpsc::Sender<Message>,
    receiver: mpsc::Receiver<Message>,
}

impl<'a, 'o> Pass<'a, 'o> {
    pub(super) fn new(
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
            left_out: None,
            warnings: Vec::new(),
            collected_total: 0,
            sender,
            receiver,
        }
    }

    pub(super) fn execute(mut self) -> Result<Self, PytestError> {
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
            .envs(options.env.iter().map(|(key, value)| (key, value)))
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
            error: source,
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
            Event::CollectionFinish { items, left_out } => {
                if self.left_out.is_none() {
                    self.left_out = left_out;
                }
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
            Event::TestFinish {
                nodeid,
                duration,
                resources,
            } => {
                slot.since = Instant::now();
                slot.tests_since_spawn += 1;
                let test = self.builder.finish(&nodeid, duration, resources);
                self.observer.progress(Progress::TestFinished {
                    test,
                    attempt: self.attempt,
                });
                slot.done.insert(nodeid);
                if let Some(next) = slot.current() {
                    self.observer.progress(Progress::TestStarted { nodeid: &next.nodeid });
                }
            }
            Event::Warning {
                category,
                message,
                path,
                line,
                count,
            } => {
                let same = |w: &&mut RecordedWarning| {
                    w.category == category && w.path == path && w.line == line && w.message == message
                };
                match self.warnings.iter_mut().find(same) {
                    Some(known) => known.count += count.max(1),
                    None => self.warnings.push(RecordedWarning {
                        category,
                        message,
                        path,
                        line,
                        count: count.max(1),
                    }),
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
    pub(super) fn collection_order(&self) -> HashMap<String, usize> {
        let mut order = HashMap::new();
        for slot in &self.slots {
            for (k, item) in slot.collected.iter().flatten().enumerate() {
                order.insert(item.nodeid.clone(), item.index.unwrap_or(k));
            }
        }
        order
    }
}
