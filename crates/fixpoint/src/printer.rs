//! Everything fixpoint shows a person: progress on stderr, results on stdout.
//! Data formats (`--output-format json`) go to stdout and nothing else does.

use std::env;
use std::io::{self, IsTerminal, Write};
use std::time::Duration;

use fixpoint_core::{Outcome, Run, TestResult};
use fixpoint_pytest::runner::{Observer, Progress};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Default,
    Verbose,
}

/// How to print: chosen once from the flags and the terminal.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    pub verbosity: Verbosity,
    /// Draw a live progress bar (stderr is a terminal and it was not turned off).
    pub progress: bool,
    /// Color on stderr (a terminal, and NO_COLOR unset).
    pub color_stderr: bool,
    pub color_stdout: bool,
}

impl Printer {
    pub fn new(quiet: bool, verbose: bool, no_progress: bool) -> Self {
        let verbosity = match (quiet, verbose) {
            (true, _) => Verbosity::Quiet,
            (_, true) => Verbosity::Verbose,
            _ => Verbosity::Default,
        };
        let no_color = env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        let stderr_tty = io::stderr().is_terminal();
        Self {
            verbosity,
            progress: stderr_tty && !no_progress && verbosity != Verbosity::Quiet,
            color_stderr: stderr_tty && !no_color,
            color_stdout: io::stdout().is_terminal() && !no_color,
        }
    }

    /// An error line: `fixpoint: error: ...`.
    pub fn error(self, message: &str) {
        let label = paint("error:", Style::Red, self.color_stderr);
        let _ = writeln!(io::stderr(), "fixpoint: {label} {message}");
    }

    pub fn verbose(self) -> bool {
        self.verbosity == Verbosity::Verbose
    }

    /// A side note on stderr, hidden by `--quiet`.
    pub fn note(self, message: &str) {
        if self.verbosity != Verbosity::Quiet {
            let _ = writeln!(io::stderr(), "{message}");
        }
    }

    pub fn warn(self, message: &str) {
        let label = paint("warning:", Style::Yellow, self.color_stderr);
        let _ = writeln!(io::stderr(), "fixpoint: {label} {message}");
    }

    /// The run's closing report on stdout: one line per test that needs
    /// attention, then pytest's summary line.
    pub fn run_summary(self, run: &Run) -> io::Result<()> {
        let mut out = io::stdout().lock();
        let color = self.color_stdout;
        let attention: Vec<&TestResult> = run
            .tests
            .iter()
            .filter(|test| test.outcome.is_failing() || test.outcome == Outcome::Flaky)
            .collect();
        if !attention.is_empty() && self.verbosity != Verbosity::Quiet {
            writeln!(out, "{}", paint("short test summary info", Style::Bold, color))?;
            for test in attention {
                let (label, style) = summary_label(test.outcome);
                let message = test.message.as_deref().map(|m| format!(" - {m}")).unwrap_or_default();
                writeln!(out, "{} {}{}", paint(label, style, color), test.nodeid, message)?;
            }
        }
        if let Some(reason) = &run.info.interrupted {
            writeln!(out, "{} {reason}", paint("interrupted:", Style::Yellow, color))?;
        }
        if let Some(order) = &run.info.order {
            writeln!(out, "order: {order}")?;
        }
        if let Some(budget) = run.info.budget {
            let line = if run.info.left_out.is_empty() {
                format!("budget {}: every test fit", fixpoint_report::seconds(budget))
            } else {
                format!(
                    "budget {}: left out {} (recorded time {}); `fixpoint run` runs them all",
                    fixpoint_report::seconds(budget),
                    fixpoint_report::count(run.info.left_out.len(), "test"),
                    fixpoint_report::seconds(run.info.left_out_seconds.unwrap_or_default())
                )
            };
            writeln!(out, "{}", paint(&line, Style::Yellow, color))?;
        }
        let summary = run.counts.summary(run.info.duration);
        let style = if run.is_success() { Style::Green } else { Style::Red };
        writeln!(out, "{}", paint(&summary, style, color))
    }

    /// The observer that draws a run as it goes.
    pub fn run_progress(self) -> RunProgress {
        self.progress_with(false)
    }

    /// The observer for runs made inside another command (repair's
    /// verification runs): a bar on a terminal, a line per test only with
    /// --verbose.
    pub fn inner_run_progress(self) -> RunProgress {
        self.progress_with(true)
    }

    fn progress_with(self, inner: bool) -> RunProgress {
        let bar = if self.progress {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(Duration::from_millis(100));
            Some(bar)
        } else {
            None
        };
        RunProgress {
            printer: self,
            bar,
            inner,
        }
    }
}

/// Draws the run: a bar on a terminal, else one line per test on stderr.
pub struct RunProgress {
    printer: Printer,
    bar: Option<ProgressBar>,
    /// A run inside another command: its tests are listed only with --verbose.
    inner: bool,
}

impl RunProgress {
    fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => {
                let _ = writeln!(io::stderr(), "{text}");
            }
        }
    }

    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Observer for RunProgress {
    fn progress(&mut self, event: Progress<'_>) {
        let color = self.printer.color_stderr;
        match event {
            Progress::Collected { total } => {
                if let Some(bar) = &self.bar {
                    bar.set_length(total as u64);
                }
            }
            Progress::TestStarted { nodeid } => {
                if let Some(bar) = &self.bar {
                    bar.set_message(nodeid.to_owned());
                }
            }
            Progress::TestFinished { test, attempt } => {
                let counts_toward_bar = attempt == 1 && test.phase != Some(fixpoint_core::Phase::Collection);
                if let Some(bar) = self.bar.as_ref().filter(|_| counts_toward_bar) {
                    bar.inc(1);
                }
                let shown = match self.printer.verbosity {
                    Verbosity::Quiet => false,
                    Verbosity::Verbose => true,
                    // On a terminal the bar stands for the passes; in a log every test gets a line.
                    Verbosity::Default if self.inner => false,
                    Verbosity::Default => {
                        self.bar.is_none()
                            || !matches!(test.outcome, Outcome::Passed | Outcome::Skipped | Outcome::XFailed)
                    }
                };
                if shown {
                    let (label, style) = if attempt > 1 {
                        ("RETRY", Style::Yellow)
                    } else {
                        label(test.outcome)
                    };
                    let message = match (&test.message, test.outcome) {
                        (Some(message), outcome) if outcome != Outcome::Passed => {
                            format!(" - {message}")
                        }
                        _ => String::new(),
                    };
                    let attempt_note = if attempt > 1 {
                        format!(" (attempt {attempt}: {})", test.outcome)
                    } else {
                        String::new()
                    };
                    self.line(&format!(
                        "{:>8} [{:>8.3}s] {}{}{}",
                        paint(label, style, color),
                        test.duration,
                        test.nodeid,
                        attempt_note,
                        message
                    ));
                }
            }
            Progress::RerunStarted { attempt, tests } => {
                if self.printer.verbosity != Verbosity::Quiet {
                    self.line(&format!(
                        "{} {tests} failing tests (rerun {attempt})",
                        paint("   RERUN", Style::Yellow, color)
                    ));
                }
            }
            Progress::Notice { message } => {
                if self.printer.verbosity != Verbosity::Quiet {
                    self.line(&format!("{} {message}", paint("  NOTICE", Style::Yellow, color)));
                }
            }
        }
    }
}

fn label(outcome: Outcome) -> (&'static str, Style) {
    match outcome {
        Outcome::Passed => ("PASS", Style::Green),
        Outcome::Failed => ("FAIL", Style::Red),
        Outcome::Error => ("ERROR", Style::Red),
        Outcome::Skipped => ("SKIP", Style::Yellow),
        Outcome::XFailed => ("XFAIL", Style::Yellow),
        Outcome::XPassed => ("XPASS", Style::Yellow),
        Outcome::Flaky => ("FLAKY", Style::Yellow),
        Outcome::Timeout => ("TIMEOUT", Style::Red),
        Outcome::Crashed => ("CRASH", Style::Red),
    }
}

/// pytest's words in the short summary.
fn summary_label(outcome: Outcome) -> (&'static str, Style) {
    match outcome {
        Outcome::Failed => ("FAILED", Style::Red),
        Outcome::Crashed => ("CRASHED", Style::Red),
        other => label(other),
    }
}

#[derive(Clone, Copy)]
enum Style {
    Red,
    Green,
    Yellow,
    Bold,
}

fn paint(text: &str, style: Style, color: bool) -> String {
    if !color {
        return text.to_owned();
    }
    let code = match style {
        Style::Red => "31",
        Style::Green => "32",
        Style::Yellow => "33",
        Style::Bold => "1",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}
