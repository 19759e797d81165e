//! Folds the event stream into one [`TestResult`] per test.
//!
//! pytest reports each test in up to three phases; the outcome a user means
//! by "this test failed" is derived here, once, for the runner and for both
//! importers.

use std::collections::HashMap;

use fixpoint_core::{Crash, Outcome, Phase, TestResult};

use crate::events::{CollectReport, PhaseReport, Resources};

/// Results in the order they were first seen, addressable by node id.
#[derive(Debug, Default)]
pub struct ResultBuilder {
    tests: Vec<TestResult>,
    index: HashMap<String, usize>,
}

impl ResultBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.tests.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tests.is_empty()
    }

    pub fn get(&self, nodeid: &str) -> Option<&TestResult> {
        self.index.get(nodeid).map(|&at| &self.tests[at])
    }

    pub fn contains(&self, nodeid: &str) -> bool {
        self.index.contains_key(nodeid)
    }

    /// Records that a test started; a test seen again (a restarted worker)
    /// keeps its first entry.
    pub fn start_test(&mut self, nodeid: &str, path: &str, line: Option<u32>, markers: Vec<String>) {
        let at = self.entry(nodeid, path, line);
        self.tests[at].markers = markers;
    }

    /// Applies one phase report and returns the test as it now stands.
    pub fn phase(&mut self, report: &PhaseReport) -> &TestResult {
        let path = TestResult::file_of(&report.nodeid).to_owned();
        let at = self.entry(&report.nodeid, &path, None);
        apply_phase(&mut self.tests[at], report);
        &self.tests[at]
    }

    /// Records a module that failed or was skipped at collection. Returns
    /// `None` when it was already recorded (every `-j` worker collects it).
    pub fn collect_report(&mut self, report: CollectReport) -> Option<&TestResult> {
        if self.index.contains_key(&report.nodeid) {
            return None;
        }
        let at = self.entry(&report.nodeid, &report.path, None);
        let test = &mut self.tests[at];
        if report.outcome == "skipped" {
            test.outcome = Outcome::Skipped;
            test.message = report.skip_reason;
        } else {
            test.outcome = Outcome::Error;
            test.phase = Some(Phase::Collection);
            test.exception_type = report.exception_type;
            test.message = report.message;
            test.longrepr = report.longrepr;
        }
        Some(test)
    }

    /// Overrides a test's outcome (a kill or a crash that pytest could not
    /// report), with the time it had run.
    pub fn set_outcome(
        &mut self,
        nodeid: &str,
        path: &str,
        line: Option<u32>,
        outcome: Outcome,
        message: String,
        duration: f64,
    ) -> &mut TestResult {
        let at = self.entry(nodeid, path, line);
        let test = &mut self.tests[at];
        test.outcome = outcome;
        test.phase = Some(Phase::Call);
        test.message = Some(message);
        test.duration = duration;
        test
    }

    /// Closes a test: adds the time of its phases that passed, which the
    /// plugin does not report one by one. A test whose start was lost (a
    /// test wrote into the event pipe) is still recorded.
    pub fn finish(&mut self, nodeid: &str, passed_duration: f64, resources: Resources) -> &TestResult {
        let path = TestResult::file_of(nodeid).to_owned();
        let at = self.entry(nodeid, &path, None);
        let test = &mut self.tests[at];
        test.duration += passed_duration;
        test.cpu_time = resources.cpu_time;
        test.peak_rss = resources.peak_rss;
        test
    }

    /// Notes which `-j` worker ran the test.
    pub fn set_worker(&mut self, nodeid: &str, worker: u32) {
        if let Some(&at) = self.index.get(nodeid) {
            self.tests[at].worker = Some(worker);
        }
    }

    /// Forgets a test that was started but never finished (an interrupted run).
    pub fn remove(&mut self, nodeid: &str) {
        if let Some(at) = self.index.remove(nodeid) {
            self.tests.remove(at);
            for slot in self.index.values_mut() {
                if *slot > at {
                    *slot -= 1;
                }
            }
        }
    }

    pub fn into_results(self) -> Vec<TestResult> {
        self.tests
    }

    fn entry(&mut self, nodeid: &str, path: &str, line: Option<u32>) -> usize {
        if let Some(&at) = self.index.get(nodeid) {
            return at;
        }
        self.tests.push(TestResult::new(nodeid, path, line));
        self.index.insert(nodeid.to_owned(), self.tests.len() - 1);
        self.tests.len() - 1
    }
}

fn phase_of(when: &str) -> Phase {
    Phase::parse(when).unwrap_or(Phase::Call)
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_owned()
}

/// The first `E ...` line of a traceback without a crash site (a missing
/// fixture), else its first line.
pub(crate) fn first_error_line(text: &str) -> Option<String> {
    text.lines()
        .find_map(|line| {
            line.strip_prefix('E')
                .filter(|rest| rest.starts_with(' '))
                .map(|rest| rest.trim().to_owned())
        })
        .or_else(|| text.lines().next().map(|line| line.trim().to_owned()))
}

/// Strips pytest's `reason: ` prefix from an xfail reason.
fn xfail_reason(text: &str) -> Option<String> {
    let reason = text.strip_prefix("reason: ").unwrap_or(text).trim();
    (!reason.is_empty()).then(|| reason.to_owned())
}

fn apply_phase(test: &mut TestResult, report: &PhaseReport) {
    test.duration += report.duration;
    // Each phase's captured output includes the earlier phases' sections.
    for (slot, text) in [
        (&mut test.stdout, &report.stdout),
        (&mut test.stderr, &report.stderr),
        (&mut test.log, &report.log),
    ] {
        if !text.is_empty() {
            slot.clone_from(text);
        }
    }
    let phase = phase_of(&report.when);
    match report.outcome.as_str() {
        "passed" => {
            if phase == Phase::Call && report.wasxfail.is_some() {
                test.outcome = Outcome::XPassed;
                test.phase = Some(phase);
                test.message = report.wasxfail.as_deref().and_then(xfail_reason);
            }
        }
        "skipped" => {
            if let Some(reason) = &report.wasxfail {
                test.outcome = Outcome::XFailed;
                test.message = xfail_reason(reason);
                set_failure_details(test, report);
            } else {
                test.outcome = Outcome::Skipped;
                test.message.clone_from(&report.skip_reason);
            }
            test.phase = Some(phase);
        }
        _ => {
            // A teardown error after a failed call leaves the test failed:
            // the body's failure is the one to fix first.
            if test.outcome == Outcome::Failed && phase == Phase::Teardown {
                return;
            }
            test.outcome = if phase == Phase::Call {
                Outcome::Failed
            } else {
                Outcome::Error
            };
            test.phase = Some(phase);
            set_failure_details(test, report);
            test.message = report
                .crash
                .as_ref()
                .map(|crash| first_line(&crash.message))
                .or_else(|| report.longrepr.as_deref().and_then(first_error_line));
        }
    }
}

fn set_failure_details(test: &mut TestResult, report: &PhaseReport) {
    test.exception_type.clone_from(&report.exception_type);
    test.longrepr.clone_from(&report.longrepr);
    test.crash = report.crash.as_ref().map(|crash| Crash {
        path: crash.path.clone(),
        line: crash.line,
        message: crash.message.clone(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(when: &str, outcome: &str) -> PhaseReport {
        PhaseReport {
            nodeid: "tests/test_a.py::test_x".into(),
            when: when.into(),
            outcome: outcome.into(),
            duration: 0.25,
            ..PhaseReport::default()
        }
    }

    fn fold(reports: Vec<PhaseReport>) -> TestResult {
        let mut builder = ResultBuilder::new();
        for report in reports {
            builder.phase(&report);
        }
        builder.into_results().remove(0)
    }

    #[test]
    fn passing_phases_pass_and_sum_durations() {
        let test = fold(vec![
            report("setup", "passed"),
            report("call", "passed"),
            report("teardown", "passed"),
        ]);
        assert_eq!(test.outcome, Outcome::Passed);
        assert!((test.duration - 0.75).abs() < 1e-9);
        assert_eq!(test.path, "tests/test_a.py");
    }

    #[test]
    fn setup_failure_is_an_error_and_teardown_after_failed_call_stays_failed() {
        let setup = fold(vec![report("setup", "failed"), report("teardown", "passed")]);
        assert_eq!((setup.outcome, setup.phase), (Outcome::Error, Some(Phase::Setup)));
        let call = fold(vec![
            report("setup", "passed"),
            report("call", "failed"),
            report("teardown", "failed"),
        ]);
        assert_eq!((call.outcome, call.phase), (Outcome::Failed, Some(Phase::Call)));
        let teardown = fold(vec![
            report("setup", "passed"),
            report("call", "passed"),
            report("teardown", "failed"),
        ]);
        assert_eq!(
            (teardown.outcome, teardown.phase),
            (Outcome::Error, Some(Phase::Teardown))
        );
    }

    #[test]
    fn xfail_and_xpass_keep_their_reason() {
        let mut xfail = report("call", "skipped");
        xfail.wasxfail = Some("reason: bug 12".into());
        let test = fold(vec![xfail]);
        assert_eq!(
            (test.outcome, test.message.as_deref()),
            (Outcome::XFailed, Some("bug 12"))
        );
        let mut xpass = report("call", "passed");
        xpass.wasxfail = Some(String::new());
        assert_eq!(fold(vec![xpass]).outcome, Outcome::XPassed);
        let mut skip = report("setup", "skipped");
        skip.skip_reason = Some("no db".into());
        let test = fold(vec![skip]);
        assert_eq!(
            (test.outcome, test.message.as_deref()),
            (Outcome::Skipped, Some("no db"))
        );
    }

    #[test]
    fn collection_errors_are_recorded_once() {
        let mut builder = ResultBuilder::new();
        let broken = CollectReport {
            nodeid: "tests/test_b.py".into(),
            path: "tests/test_b.py".into(),
            outcome: "failed".into(),
            longrepr: Some("E   ModuleNotFoundError: No module named 'x'".into()),
            exception_type: Some("ModuleNotFoundError".into()),
            message: Some("ModuleNotFoundError: No module named 'x'".into()),
            skip_reason: None,
        };
        assert!(builder.collect_report(broken.clone()).is_some());
        assert!(builder.collect_report(broken).is_none());
        let test = builder.get("tests/test_b.py").unwrap();
        assert_eq!((test.outcome, test.phase), (Outcome::Error, Some(Phase::Collection)));
    }
}
