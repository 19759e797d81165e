//! JUnit XML as pytest writes it (`--junitxml`, families xunit1 and xunit2).

use std::path::Path;

use fixpoint_core::{Crash, Outcome, Phase, Run, RunInfo, TestResult};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{collection_errors_first, exception_from_text, last_error_line, relative_to};

#[derive(Default)]
struct Case {
    classname: String,
    name: String,
    file: Option<String>,
    line: Option<u32>,
    time: f64,
    /// `failure`, `error` or `skipped`, with its `message` and `type`.
    verdict: Option<(String, String, String)>,
    text: String,
    stdout: String,
    stderr: String,
}

/// Which text the reader is inside of.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Inside {
    Nothing,
    Verdict,
    Stdout,
    Stderr,
}

pub(super) fn parse(text: &str, project: Option<&Path>) -> Result<Run, String> {
    let mut reader = Reader::from_str(text);
    let mut info = RunInfo {
        source: "import:junit".to_owned(),
        workers: 1,
        ..RunInfo::default()
    };
    let mut cases: Vec<Case> = Vec::new();
    let mut current: Option<Case> = None;
    let mut inside = Inside::Nothing;
    let mut saw_suite = false;
    let mut depth = 0_usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("not valid JUnit XML: {e} (near byte {})", reader.buffer_position()))?;
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Eof if depth > 0 => {
                return Err("not valid JUnit XML: the file ends inside an element (truncated?)".to_owned());
            }
            _ => {}
        }
        match event {
            Event::Start(element) | Event::Empty(element) if element.name().as_ref() == b"testsuite" => {
                if !saw_suite {
                    saw_suite = true;
                    info.started_at = attribute(&element, "timestamp").unwrap_or_default();
                }
                info.duration += attribute(&element, "time").and_then(|t| t.parse().ok()).unwrap_or(0.0);
            }
            Event::Start(element) if element.name().as_ref() == b"testcase" => {
                current = Some(case_from(&element));
            }
            Event::Empty(element) if element.name().as_ref() == b"testcase" => {
                cases.push(case_from(&element));
            }
            Event::End(element) if element.name().as_ref() == b"testcase" => {
                cases.extend(current.take());
                inside = Inside::Nothing;
            }
            Event::Start(ref element) | Event::Empty(ref element) => {
                let is_start = matches!(event, Event::Start(_));
                if let Some(case) = current.as_mut() {
                    let name = element.name();
                    let tag = String::from_utf8_lossy(name.as_ref()).into_owned();
                    match tag.as_str() {
                        // A later verdict (a second <error>) does not hide the first failure.
                        "failure" | "error" | "skipped" if case.verdict.is_none() => {
                            case.verdict = Some((
                                tag,
                                attribute(element, "message").unwrap_or_default(),
                                attribute(element, "type").unwrap_or_default(),
                            ));
                            inside = if is_start { Inside::Verdict } else { Inside::Nothing };
                        }
                        "system-out" if is_start => inside = Inside::Stdout,
                        "system-err" if is_start => inside = Inside::Stderr,
                        _ => {}
                    }
                }
            }
            Event::End(_) => inside = Inside::Nothing,
            Event::Text(content) => {
                let content = content.unescape().map_err(|e| format!("not valid JUnit XML: {e}"))?;
                push_text(current.as_mut(), inside, &content);
            }
            Event::CData(content) => {
                let content = String::from_utf8_lossy(&content).into_owned();
                push_text(current.as_mut(), inside, &content);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_suite {
        return Err("no <testsuite> element: not a JUnit XML report".to_owned());
    }
    let mut tests: Vec<TestResult> = Vec::new();
    for case in cases {
        let result = to_result(case, project);
        // pytest writes a second <testcase> for an error in teardown.
        if let Some(existing) = tests.iter_mut().find(|test| test.nodeid == result.nodeid) {
            if existing.outcome != Outcome::Failed && result.outcome.is_failing() {
                *existing = result;
            }
            continue;
        }
        tests.push(result);
    }
    collection_errors_first(&mut tests);
    info.finished_at.clone_from(&info.started_at);
    Ok(Run::new(info, tests))
}

fn push_text(case: Option<&mut Case>, inside: Inside, text: &str) {
    let Some(case) = case else { return };
    match inside {
        Inside::Verdict => case.text.push_str(text),
        Inside::Stdout => case.stdout.push_str(text),
        Inside::Stderr => case.stderr.push_str(text),
        Inside::Nothing => {}
    }
}

fn attribute(element: &BytesStart<'_>, key: &str) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|attribute| attribute.key.as_ref() == key.as_bytes())
        .and_then(|attribute| attribute.unescape_value().ok().map(std::borrow::Cow::into_owned))
}

fn case_from(element: &BytesStart<'_>) -> Case {
    Case {
        classname: attribute(element, "classname").unwrap_or_default(),
        name: attribute(element, "name").unwrap_or_default(),
        file: attribute(element, "file"),
        line: attribute(element, "line")
            .and_then(|line| line.parse::<u32>().ok())
            .map(|line| line + 1),
        time: attribute(element, "time")
            .and_then(|time| time.parse().ok())
            .unwrap_or(0.0),
        ..Case::default()
    }
}

/// pytest's node id from JUnit's class name and name.
///
/// The module part of `classname` is found with the `file` attribute
/// (xunit1), else by looking for the file in the project, else by taking the
/// leading lower-case segments as the module (test classes are `Test...`).
fn node_id(case: &Case, project: Option<&Path>) -> (String, String) {
    let segments: Vec<&str> = case.classname.split('.').filter(|s| !s.is_empty()).collect();
    let module_len = if let Some(file) = &case.file {
        let module = file.trim_end_matches(".py").replace('/', ".");
        module.split('.').count().min(segments.len())
    } else if let Some(found) = project.and_then(|root| {
        (1..=segments.len())
            .rev()
            .find(|&k| root.join(format!("{}.py", segments[..k].join("/"))).is_file())
    }) {
        found
    } else {
        segments
            .iter()
            .position(|segment| segment.starts_with(|c: char| c.is_uppercase()))
            .unwrap_or(segments.len())
    };
    let path = case
        .file
        .clone()
        .unwrap_or_else(|| format!("{}.py", segments[..module_len].join("/")));
    let mut parts = vec![path.clone()];
    parts.extend(segments[module_len..].iter().map(|s| (*s).to_owned()));
    parts.push(case.name.clone());
    (parts.join("::"), path)
}

fn to_result(case: Case, project: Option<&Path>) -> TestResult {
    let collection_error = case.classname.is_empty()
        && case
            .verdict
            .as_ref()
            .is_some_and(|(kind, message, _)| kind == "error" && message == "collection failure");
    let (nodeid, path) = if collection_error {
        let path = case
            .file
            .clone()
            .unwrap_or_else(|| format!("{}.py", case.name.replace('.', "/")));
        (path.clone(), path)
    } else {
        node_id(&case, project)
    };
    let mut test = TestResult::new(nodeid, path, case.line);
    test.duration = case.time;
    test.stdout = case.stdout;
    test.stderr = case.stderr;
    let Some((kind, message, kind_attr)) = case.verdict else {
        return test;
    };
    let body = case.text;
    match kind.as_str() {
        "skipped" => {
            test.outcome = if kind_attr == "pytest.xfail" {
                Outcome::XFailed
            } else {
                Outcome::Skipped
            };
            test.message = (!message.is_empty()).then_some(message);
            return test;
        }
        "failure" => {
            // pytest-timeout's `Failed: Timeout >5.0s`, or fixpoint's own `timeout: ...`.
            let timed_out = message.starts_with("Failed: Timeout") || message.starts_with("timeout: ");
            test.outcome = if timed_out { Outcome::Timeout } else { Outcome::Failed };
            test.phase = Some(Phase::Call);
        }
        _ => {
            test.outcome = Outcome::Error;
            test.phase = Some(if collection_error {
                Phase::Collection
            } else if message.starts_with("failed on teardown") {
                Phase::Teardown
            } else if message.starts_with("failed on setup") {
                Phase::Setup
            } else {
                Phase::Call
            });
        }
    }
    test.crash = crash_site(&body, project);
    test.exception_type = exception_from_text(&body).or_else(|| test.crash.as_ref().and(last_location_type(&body)));
    test.message = if collection_error {
        last_error_line(&body)
    } else {
        verdict_message(&message, &body)
    };
    if let Some(crash) = test.crash.as_mut() {
        crash
            .message
            .clone_from(test.message.as_ref().unwrap_or(&String::new()));
    }
    test.longrepr = (!body.is_empty()).then_some(body);
    test
}

/// pytest wraps setup and teardown errors as `failed on setup with "..."`;
/// a missing fixture's message is only a location, so its `E` line says more.
fn verdict_message(message: &str, text: &str) -> Option<String> {
    let inner = ["failed on setup with \"", "failed on teardown with \""]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix))
        .map_or(message, |rest| rest.strip_suffix('"').unwrap_or(rest));
    if inner.starts_with("file ") {
        return crate::aggregate::first_error_line(text);
    }
    inner.lines().next().map(str::to_owned)
}

/// The `path:line: Type` line that ends a pytest traceback.
fn last_location(text: &str) -> Option<(String, u32, String)> {
    text.lines().rev().find_map(|line| {
        let (location, kind) = line.rsplit_once(": ")?;
        let (path, number) = location.rsplit_once(':')?;
        let number = number.parse().ok()?;
        let simple = kind.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.');
        (simple && !path.is_empty()).then(|| (path.to_owned(), number, kind.to_owned()))
    })
}

fn last_location_type(text: &str) -> Option<String> {
    last_location(text).map(|(_, _, kind)| kind)
}

fn crash_site(text: &str, project: Option<&Path>) -> Option<Crash> {
    let (path, line, _) = last_location(text)?;
    Some(Crash {
        path: relative_to(&path, project),
        line: Some(line),
        message: String::new(),
    })
}
