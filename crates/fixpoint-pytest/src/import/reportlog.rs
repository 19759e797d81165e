//! pytest-reportlog's JSON lines (`pytest --report-log=FILE`).
//!
//! Each record is mapped onto the event fixpoint's own plugin would have
//! sent, and folded by the same [`ResultBuilder`].

use std::path::Path;

use fixpoint_core::{Run, RunInfo, format_rfc3339};
use serde_json::Value;

use super::{collection_errors_first, exception_from_text, last_error_line, relative_to};
use crate::aggregate::ResultBuilder;
use crate::events::{CollectReport, CrashSite, PhaseReport};

pub(super) fn parse(text: &str, project: Option<&Path>) -> Result<Run, String> {
    let mut builder = ResultBuilder::new();
    let mut info = RunInfo {
        source: "import:reportlog".to_owned(),
        workers: 1,
        ..RunInfo::default()
    };
    let (mut first_start, mut last_stop) = (None::<f64>, None::<f64>);
    let mut records = 0;
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record: Value =
            serde_json::from_str(line).map_err(|e| format!("line {}: not valid JSON ({e})", number + 1))?;
        let kind = record.get("$report_type").and_then(Value::as_str).ok_or_else(|| {
            format!(
                "line {}: not a pytest-reportlog record (no \"$report_type\")",
                number + 1
            )
        })?;
        records += 1;
        if matches!(kind, "TestReport" | "CollectReport") {
            check_fields(&record).map_err(|reason| format!("line {}: {kind} {reason}", number + 1))?;
        }
        match kind {
            "SessionStart" => info.pytest_version = str_field(&record, "pytest_version"),
            "CollectReport" => {
                if let Some(report) = collect_report(&record) {
                    builder.collect_report(report);
                }
            }
            "TestReport" => {
                let nodeid = str_field(&record, "nodeid")
                    .ok_or_else(|| format!("line {}: a TestReport without a nodeid", number + 1))?;
                if !builder.contains(&nodeid) {
                    let location = record.get("location").and_then(Value::as_array);
                    let path = location
                        .and_then(|l| l.first())
                        .and_then(Value::as_str)
                        .map_or_else(|| fixpoint_core::TestResult::file_of(&nodeid).to_owned(), str::to_owned);
                    let line = location
                        .and_then(|l| l.get(1))
                        .and_then(Value::as_u64)
                        .map(|line| line as u32 + 1);
                    builder.start_test(&nodeid, &path, line, Vec::new());
                }
                if let Some(start) = record.get("start").and_then(Value::as_f64) {
                    first_start = Some(first_start.map_or(start, |first| first.min(start)));
                }
                if let Some(stop) = record.get("stop").and_then(Value::as_f64) {
                    last_stop = Some(last_stop.map_or(stop, |last| last.max(stop)));
                }
                builder.phase(&phase_report(&record, nodeid, project));
            }
            _ => {}
        }
    }
    if records == 0 {
        return Err("no records: an empty reportlog file".to_owned());
    }
    if let (Some(start), Some(stop)) = (first_start, last_stop) {
        let at = |seconds: f64| std::time::UNIX_EPOCH + std::time::Duration::from_secs_f64(seconds.max(0.0));
        info.started_at = format_rfc3339(at(start));
        info.finished_at = format_rfc3339(at(stop));
        info.duration = (stop - start).max(0.0);
    }
    let mut tests = builder.into_results();
    collection_errors_first(&mut tests);
    Ok(Run::new(info, tests))
}

/// A report's fields that fixpoint reads, when present, have the types and
/// values pytest writes: a record with `"outcome": 42` is an error, not a
/// pass.
fn check_fields(record: &Value) -> Result<(), String> {
    let string = |key: &str, allowed: &[&str]| match record.get(key) {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(text)) if allowed.is_empty() || allowed.contains(&text.as_str()) => Ok(()),
        Some(Value::String(text)) => Err(format!("has \"{key}\": {text:?}, not one of {}", allowed.join(", "))),
        Some(other) => Err(format!("has \"{key}\": {other}, not a string")),
    };
    string("nodeid", &[])?;
    string("outcome", &["passed", "failed", "skipped"])?;
    string("when", &["setup", "call", "teardown", "collect"])?;
    match record.get("duration") {
        None | Some(Value::Null | Value::Number(_)) => {}
        Some(other) => return Err(format!("has \"duration\": {other}, not a number")),
    }
    match record.get("location") {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Array(parts))
            if parts.len() == 3
                && parts[0].is_string()
                && (parts[1].is_u64() || parts[1].is_null())
                && parts[2].is_string() =>
        {
            Ok(())
        }
        Some(other) => Err(format!("has \"location\": {other}, not [path, line, name]")),
    }
}

fn str_field(record: &Value, key: &str) -> Option<String> {
    record.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn collect_report(record: &Value) -> Option<CollectReport> {
    let outcome = str_field(record, "outcome")?;
    if outcome == "passed" {
        return None;
    }
    let nodeid = str_field(record, "nodeid")
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| ".".to_owned());
    let longrepr = record.get("longrepr").map(render_longrepr).unwrap_or_default();
    let skipped = outcome == "skipped";
    Some(CollectReport {
        path: fixpoint_core::TestResult::file_of(&nodeid).to_owned(),
        nodeid,
        exception_type: if skipped { None } else { exception_from_text(&longrepr) },
        message: if skipped { None } else { last_error_line(&longrepr) },
        skip_reason: skipped.then(|| skip_reason(record.get("longrepr"))).flatten(),
        longrepr: Some(longrepr),
        outcome,
    })
}

fn phase_report(record: &Value, nodeid: String, project: Option<&Path>) -> PhaseReport {
    let longrepr = record.get("longrepr").filter(|value| !value.is_null());
    let crash = longrepr.and_then(|l| l.get("reprcrash")).map(|crash| CrashSite {
        path: relative_to(crash.get("path").and_then(Value::as_str).unwrap_or_default(), project),
        line: crash.get("lineno").and_then(Value::as_u64).map(|line| line as u32),
        message: crash
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
    });
    // pytest puts the exception's type name in the last entry's file location.
    let exception_type = longrepr
        .and_then(|l| l.pointer("/reprtraceback/reprentries"))
        .and_then(Value::as_array)
        .and_then(|entries| entries.last())
        .and_then(|entry| entry.pointer("/data/reprfileloc/message"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let sections = |needle: &str| -> String {
        record
            .get("sections")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|section| {
                let title = section.get(0)?.as_str()?;
                title
                    .contains(needle)
                    .then(|| section.get(1)?.as_str().map(str::to_owned))?
            })
            .collect::<String>()
    };
    let outcome = str_field(record, "outcome").unwrap_or_default();
    PhaseReport {
        nodeid,
        when: str_field(record, "when").unwrap_or_else(|| "call".to_owned()),
        duration: record.get("duration").and_then(Value::as_f64).unwrap_or(0.0),
        longrepr: longrepr
            .map(render_longrepr)
            .filter(|text| !text.is_empty() && outcome != "passed"),
        exception_type: if outcome == "passed" { None } else { exception_type },
        crash,
        skip_reason: if outcome == "skipped" {
            skip_reason(longrepr)
        } else {
            None
        },
        wasxfail: str_field(record, "wasxfail"),
        stdout: sections("stdout"),
        stderr: sections("stderr"),
        log: sections("log"),
        outcome,
    }
}

/// A skip's longrepr is `[path, line, "Skipped: reason"]`.
fn skip_reason(longrepr: Option<&Value>) -> Option<String> {
    let reason = longrepr?.as_array()?.get(2)?.as_str()?;
    Some(reason.strip_prefix("Skipped: ").unwrap_or(reason).to_owned())
}

/// Renders a serialized longrepr back into the text pytest prints.
fn render_longrepr(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| item.to_string().trim_matches('"').to_owned())
            .collect::<Vec<_>>()
            .join(":"),
        Value::Object(_) => {
            let mut out = Vec::new();
            let chain = value.get("chain").and_then(Value::as_array);
            if let Some(chain) = chain.filter(|chain| !chain.is_empty()) {
                for link in chain {
                    if let Some(traceback) = link.get(0) {
                        render_traceback(traceback, &mut out);
                    }
                    if let Some(description) = link.get(2).and_then(Value::as_str) {
                        out.push(String::new());
                        out.push(description.to_owned());
                        out.push(String::new());
                    }
                }
            } else if let Some(traceback) = value.get("reprtraceback") {
                render_traceback(traceback, &mut out);
            }
            while out.last().is_some_and(String::is_empty) {
                out.pop();
            }
            out.join("\n")
        }
        _ => String::new(),
    }
}

fn render_traceback(traceback: &Value, out: &mut Vec<String>) {
    let entries = traceback
        .get("reprentries")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    for entry in entries {
        let data = entry.get("data").unwrap_or(&Value::Null);
        for line in data.get("lines").and_then(Value::as_array).into_iter().flatten() {
            out.push(line.as_str().unwrap_or_default().to_owned());
        }
        if let Some(location) = data.get("reprfileloc") {
            out.push(String::new());
            out.push(format!(
                "{}:{}: {}",
                location.get("path").and_then(Value::as_str).unwrap_or_default(),
                location.get("lineno").and_then(Value::as_u64).unwrap_or(0),
                location.get("message").and_then(Value::as_str).unwrap_or_default()
            ));
        }
    }
    if let Some(extra) = traceback.get("extraline").and_then(Value::as_str) {
        out.push(extra.to_owned());
    }
}
