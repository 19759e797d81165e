//! Tests over the project's limits (`slow-test-seconds`, `memory-limit-mb` in
//! `[tool.fixpoint]`): flagged in triage as `slow` and `memory-hungry`
//! beside the failures, whatever their outcome, with their numbers.

use fixpoint_core::TestResult;
use serde::Serialize;

use crate::catalog::{memory_hungry, slow};

/// The limits a project sets; `None`: that one is not checked.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Limits {
    pub slow_test_seconds: Option<f64>,
    pub memory_limit_mb: Option<f64>,
}

/// One test over one limit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverLimit {
    pub nodeid: String,
    /// `slow` or `memory-hungry`.
    pub category: &'static str,
    /// Seconds for `slow`, megabytes (MiB) of peak resident memory for `memory-hungry`.
    pub value: f64,
    pub limit: f64,
}

const MIB: f64 = 1024.0 * 1024.0;

/// Every test over a limit: the slow ones first, then the memory-hungry,
/// each worst first. A collection error has no duration of its own and is
/// never flagged.
pub fn over_limits(tests: &[TestResult], limits: &Limits) -> Vec<OverLimit> {
    let mut found = Vec::new();
    let tests = tests
        .iter()
        .filter(|test| test.phase != Some(fixpoint_core::Phase::Collection));
    for test in tests {
        if let Some(limit) = limits.slow_test_seconds
            && test.duration > limit
        {
            found.push(OverLimit {
                nodeid: test.nodeid.clone(),
                category: slow::CATEGORY.id,
                value: test.duration,
                limit,
            });
        }
        if let (Some(limit), Some(peak)) = (limits.memory_limit_mb, test.peak_rss) {
            let megabytes = peak as f64 / MIB;
            if megabytes > limit {
                found.push(OverLimit {
                    nodeid: test.nodeid.clone(),
                    category: memory_hungry::CATEGORY.id,
                    value: megabytes,
                    limit,
                });
            }
        }
    }
    found.sort_by(|a, b| {
        (a.category != slow::CATEGORY.id)
            .cmp(&(b.category != slow::CATEGORY.id))
            .then(b.value.total_cmp(&a.value))
            .then_with(|| a.nodeid.cmp(&b.nodeid))
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test(nodeid: &str, seconds: f64, peak_mb: Option<u64>) -> TestResult {
        let mut test = TestResult::new(nodeid, "tests/test_a.py", None);
        test.duration = seconds;
        test.peak_rss = peak_mb.map(|mb| mb * 1024 * 1024);
        test
    }

    #[test]
    fn flags_each_limit_with_its_numbers_worst_first() {
        let tests = [
            test("a", 0.5, Some(40)),
            test("b", 3.0, Some(300)),
            test("c", 8.0, None),
            test("d", 1.0, Some(200)),
        ];
        let limits = Limits {
            slow_test_seconds: Some(1.0),
            memory_limit_mb: Some(150.0),
        };
        let over = over_limits(&tests, &limits);
        let found: Vec<(&str, &str, f64)> = over.iter().map(|o| (o.nodeid.as_str(), o.category, o.value)).collect();
        assert_eq!(
            found,
            [
                ("c", "slow", 8.0),
                ("b", "slow", 3.0),
                ("b", "memory-hungry", 300.0),
                ("d", "memory-hungry", 200.0),
            ]
        );
        assert!(over_limits(&tests, &Limits::default()).is_empty());
    }
}
