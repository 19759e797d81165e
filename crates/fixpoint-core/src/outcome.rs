use std::fmt;

use serde::{Deserialize, Serialize};

use crate::TestResult;

/// What finally happened to a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Passed,
    /// The test body failed (an assertion or an exception in the call phase).
    Failed,
    /// Setup, teardown or collection failed.
    Error,
    Skipped,
    XFailed,
    XPassed,
    /// Failed, then passed on a rerun.
    Flaky,
    /// Ran past `--test-timeout` and was killed.
    Timeout,
    /// The pytest process died while the test ran (segfault, `os._exit`).
    Crashed,
}

impl Outcome {
    pub const ALL: [Outcome; 9] = [
        Outcome::Failed,
        Outcome::Passed,
        Outcome::Skipped,
        Outcome::XFailed,
        Outcome::XPassed,
        Outcome::Error,
        Outcome::Flaky,
        Outcome::Timeout,
        Outcome::Crashed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Error => "error",
            Outcome::Skipped => "skipped",
            Outcome::XFailed => "xfailed",
            Outcome::XPassed => "xpassed",
            Outcome::Flaky => "flaky",
            Outcome::Timeout => "timeout",
            Outcome::Crashed => "crashed",
        }
    }

    /// Outcomes that make a run fail. Flaky tests passed in the end, as in nextest.
    pub fn is_failing(self) -> bool {
        matches!(
            self,
            Outcome::Failed | Outcome::Error | Outcome::Timeout | Outcome::Crashed
        )
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|outcome| outcome.as_str() == text)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The phase of a test that decided its outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Collection,
    Setup,
    Call,
    Teardown,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Collection => "collection",
            Phase::Setup => "setup",
            Phase::Call => "call",
            Phase::Teardown => "teardown",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Phase::Collection, Phase::Setup, Phase::Call, Phase::Teardown]
            .into_iter()
            .find(|phase| phase.as_str() == text)
    }
}

/// Tests per outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub total: u32,
    pub passed: u32,
    pub failed: u32,
    pub error: u32,
    pub skipped: u32,
    pub xfailed: u32,
    pub xpassed: u32,
    pub flaky: u32,
    pub timeout: u32,
    pub crashed: u32,
}

impl Counts {
    pub fn of(tests: &[TestResult]) -> Self {
        let mut counts = Self::default();
        for test in tests {
            counts.add(test.outcome);
        }
        counts
    }

    pub fn add(&mut self, outcome: Outcome) {
        self.total += 1;
        *self.slot(outcome) += 1;
    }

    pub fn get(&self, outcome: Outcome) -> u32 {
        match outcome {
            Outcome::Passed => self.passed,
            Outcome::Failed => self.failed,
            Outcome::Error => self.error,
            Outcome::Skipped => self.skipped,
            Outcome::XFailed => self.xfailed,
            Outcome::XPassed => self.xpassed,
            Outcome::Flaky => self.flaky,
            Outcome::Timeout => self.timeout,
            Outcome::Crashed => self.crashed,
        }
    }

    fn slot(&mut self, outcome: Outcome) -> &mut u32 {
        match outcome {
            Outcome::Passed => &mut self.passed,
            Outcome::Failed => &mut self.failed,
            Outcome::Error => &mut self.error,
            Outcome::Skipped => &mut self.skipped,
            Outcome::XFailed => &mut self.xfailed,
            Outcome::XPassed => &mut self.xpassed,
            Outcome::Flaky => &mut self.flaky,
            Outcome::Timeout => &mut self.timeout,
            Outcome::Crashed => &mut self.crashed,
        }
    }

    /// Tests whose outcome makes the run fail.
    pub fn failing(&self) -> u32 {
        self.failed + self.error + self.timeout + self.crashed
    }

    /// The share of tests that passed (flaky included), among those that ran
    /// to a verdict: skips and expected failures do not count either way.
    pub fn pass_rate(&self) -> Option<f64> {
        let judged = self.passed + self.flaky + self.failing() + self.xpassed;
        (judged > 0).then(|| f64::from(self.passed + self.flaky + self.xpassed) / f64::from(judged))
    }

    /// pytest's closing line, e.g. `12 failed, 48 passed, 3 skipped, 1 flaky in 4.21s`.
    pub fn summary(&self, seconds: f64) -> String {
        let mut parts = Vec::new();
        for outcome in Outcome::ALL {
            let count = self.get(outcome);
            if count == 0 {
                continue;
            }
            let word = match outcome {
                Outcome::Error if count > 1 => "errors",
                other => other.as_str(),
            };
            parts.push(format!("{count} {word}"));
        }
        if parts.is_empty() {
            parts.push("no tests ran".to_owned());
        }
        format!("{} in {seconds:.2}s", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_orders_like_pytest_and_pluralizes_errors() {
        let mut counts = Counts::default();
        for outcome in [
            Outcome::Error,
            Outcome::Error,
            Outcome::Passed,
            Outcome::Failed,
            Outcome::Flaky,
            Outcome::Skipped,
            Outcome::XFailed,
        ] {
            counts.add(outcome);
        }
        assert_eq!(
            counts.summary(4.214),
            "1 failed, 1 passed, 1 skipped, 1 xfailed, 2 errors, 1 flaky in 4.21s"
        );
        assert_eq!(counts.failing(), 3);
        assert_eq!(counts.total, 7);
    }

    #[test]
    fn empty_summary_says_so() {
        assert_eq!(Counts::default().summary(0.0), "no tests ran in 0.00s");
        assert_eq!(Counts::default().pass_rate(), None);
    }

    #[test]
    fn outcome_round_trips_through_text() {
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::parse(outcome.as_str()), Some(outcome));
        }
        assert_eq!(Outcome::parse("nope"), None);
    }
}
