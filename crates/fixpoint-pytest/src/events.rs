//! The events fixpoint's pytest plugin streams, one JSON object per line.
//!
//! The plugin (`plugin/fixpoint_pytest_plugin.py`) is the producer; this is
//! the one consumer. The reportlog importer maps pytest-reportlog's records
//! onto the same events so that both go through one aggregation.

use serde::Deserialize;

/// One line of the plugin's stream.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    SessionStart(SessionStart),
    /// A module, package or directory that failed (or was skipped) at collection.
    CollectReport(CollectReport),
    /// The items this pytest process will run, after every deselection.
    CollectionFinish {
        items: Vec<CollectedItem>,
        /// The tests `--budget` left out, in their order (every worker
        /// names the same ones); absent without a budget.
        #[serde(default)]
        left_out: Option<Vec<String>>,
    },
    TestStart {
        nodeid: String,
        path: String,
        line: Option<u32>,
        #[serde(default)]
        markers: Vec<String>,
    },
    /// One phase (setup, call, teardown) of one test.
    TestReport(PhaseReport),
    /// The test is done; `duration` is the time of its phases that passed
    /// (phases that did not pass come as `test_report`s with their own).
    TestFinish {
        nodeid: String,
        #[serde(default)]
        duration: f64,
        #[serde(flatten)]
        resources: Resources,
    },
    /// A warning the session raised, with how often (sent before `session_finish`).
    Warning {
        category: String,
        #[serde(default)]
        message: String,
        #[serde(default)]
        path: String,
        #[serde(default)]
        line: Option<u32>,
        #[serde(default)]
        count: u32,
    },
    SessionFinish {
        exitstatus: i32,
        /// What stopped the session early, when something did.
        #[serde(default)]
        interrupt: Option<Interrupt>,
    },
}

/// What a test cost its worker (see `fixpoint_core::TestResult::cpu_time`
/// and `peak_rss`); absent when the plugin could not measure it.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Default)]
pub struct Resources {
    #[serde(default)]
    pub cpu_time: Option<f64>,
    #[serde(default)]
    pub peak_rss: Option<u64>,
}

/// A `pytest.exit()` (or a `KeyboardInterrupt` pytest ended the session on).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Interrupt {
    /// The test that was running, if one was.
    pub nodeid: Option<String>,
    /// The exception, as pytest prints it (`_pytest.outcomes.Exit: done`).
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
pub struct SessionStart {
    #[serde(default)]
    pub schema: u32,
    pub pytest_version: Option<String>,
    pub python_version: Option<String>,
    pub python_executable: Option<String>,
    pub rootdir: Option<String>,
    #[serde(default)]
    pub plugins: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CollectReport {
    pub nodeid: String,
    pub path: String,
    /// `failed` or `skipped`.
    pub outcome: String,
    pub longrepr: Option<String>,
    pub exception_type: Option<String>,
    pub message: Option<String>,
    pub skip_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CollectedItem {
    pub nodeid: String,
    pub path: String,
    pub line: Option<u32>,
    /// The item's place in the whole selection (before the `-j` partition).
    #[serde(default)]
    pub index: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CrashSite {
    pub path: String,
    pub line: Option<u32>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
pub struct PhaseReport {
    pub nodeid: String,
    /// `setup`, `call` or `teardown`.
    pub when: String,
    /// `passed`, `failed` or `skipped`.
    pub outcome: String,
    #[serde(default)]
    pub duration: f64,
    pub longrepr: Option<String>,
    pub exception_type: Option<String>,
    pub crash: Option<CrashSite>,
    pub skip_reason: Option<String>,
    /// Present when the test is marked xfail: the reason (possibly empty).
    pub wasxfail: Option<String>,
    #[serde(default)]
    pub stdout: String,
    #[serde(default)]
    pub stderr: String,
    #[serde(default)]
    pub log: String,
}

/// Parses one line of the stream; `None` for a blank line. The bytes are
/// the pipe's, unchecked: a test can write anything to an inherited
/// descriptor, and a line that is not an event (or not UTF-8) is an error
/// for that line only.
pub fn parse_line(line: &[u8]) -> Option<Result<Event, serde_json::Error>> {
    let line = line.trim_ascii();
    (!line.is_empty()).then(|| serde_json::from_slice(line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_failed_call_phase() {
        let line = r#"{"event": "test_report", "nodeid": "t.py::a", "when": "call", "outcome": "failed", "duration": 0.5, "exception_type": "ValueError", "crash": {"path": "t.py", "line": 3, "message": "ValueError: x"}}"#;
        let Some(Ok(Event::TestReport(report))) = parse_line(line.as_bytes()) else {
            panic!("not a test report");
        };
        assert_eq!(report.outcome, "failed");
        assert_eq!(report.crash.unwrap().line, Some(3));
        assert_eq!(report.stdout, "");
    }

    #[test]
    fn parses_a_counted_warning() {
        let line = r#"{"event": "warning", "category": "pydantic.warnings.PydanticDeprecatedSince20", "message": "The `dict` method is deprecated", "path": "shop/basket.py", "line": 13, "count": 4}"#;
        let Some(Ok(Event::Warning {
            category,
            path,
            line,
            count,
            ..
        })) = parse_line(line.as_bytes())
        else {
            panic!("not a warning");
        };
        assert_eq!(
            (category.as_str(), path.as_str(), line, count),
            (
                "pydantic.warnings.PydanticDeprecatedSince20",
                "shop/basket.py",
                Some(13),
                4
            )
        );
        // A warning without a place still parses.
        assert!(matches!(
            parse_line(br#"{"event": "warning", "category": "UserWarning"}"#),
            Some(Ok(Event::Warning {
                line: None,
                count: 0,
                ..
            }))
        ));
    }

    #[test]
    fn rejects_garbage_and_skips_blank_lines() {
        assert!(parse_line(b"   ").is_none());
        assert!(matches!(parse_line(b"{nope"), Some(Err(_))));
        assert!(matches!(parse_line(br#"{"event": "unknown"}"#), Some(Err(_))));
        assert!(matches!(
            parse_line(b"{\"event\": \"session_finish\", \"exitstatus\": 0, \"x\": \"\xff\"}"),
            Some(Err(_))
        ));
        let finish = parse_line(
            br#"{"event": "session_finish", "exitstatus": 2, "interrupt": {"nodeid": null, "reason": "Exit: x"}}"#,
        );
        assert!(matches!(
            finish,
            Some(Ok(Event::SessionFinish {
                exitstatus: 2,
                interrupt: Some(_)
            }))
        ));
    }
}
