//! JUnit XML as pytest writes it (`junit_family = xunit2`), which CI systems
//! read: one `testsuite`, a `testcase` per result with `classname` the dotted
//! module (and class) and `name` the test, `failure`, `error` and `skipped`
//! elements with a `message` and the traceback as text. A module that failed
//! to collect is a `testcase` with an empty classname and an `error` whose
//! message is `collection failure`, as pytest does.

use std::fmt::Write as _;

use fixpoint_core::Outcome;

use crate::model::{Report, TestEntry};

/// The document.
pub fn render(report: &Report) -> String {
    let counts = &report.run.counts;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"fixpoint\"><testsuite name=\"pytest\" errors=\"{}\" failures=\"{}\" skipped=\"{}\" tests=\"{}\" time=\"{:.3}\" timestamp=\"{}\" hostname=\"{}\">",
        counts.error + counts.crashed,
        counts.failed + counts.timeout,
        counts.skipped + counts.xfailed,
        counts.total,
        report.run.duration,
        escape(report.run.started_at.trim_end_matches('Z')),
        escape(report.run.host.as_deref().unwrap_or("localhost")),
    );
    for test in &report.tests {
        case(&mut out, test);
    }
    out.push_str("</testsuite></testsuites>\n");
    out
}

fn case(out: &mut String, test: &TestEntry) {
    let (classname, name) = split(&test.nodeid);
    let _ = write!(
        out,
        "<testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
        escape(&classname),
        escape(&name),
        test.duration
    );
    let message = test.message.as_deref().unwrap_or_default();
    let traceback = test.traceback.as_deref().unwrap_or(message);
    let collection = !test.nodeid.contains("::");
    let body = match test.outcome {
        Outcome::Failed | Outcome::Timeout => Some((
            "failure",
            if test.outcome == Outcome::Timeout {
                format!("timeout: {message}")
            } else {
                message.to_owned()
            },
            traceback,
        )),
        Outcome::Error | Outcome::Crashed if collection => Some(("error", "collection failure".to_owned(), traceback)),
        Outcome::Error | Outcome::Crashed => Some(("error", message.to_owned(), traceback)),
        Outcome::Skipped => Some(("skipped", message.to_owned(), message)),
        Outcome::XFailed => Some(("skipped", format!("xfail: {message}"), message)),
        Outcome::Passed | Outcome::XPassed | Outcome::Flaky => None,
    };
    match body {
        None => out.push_str(" />\n"),
        Some((kind, message, content)) => {
            let kind_type = match kind {
                "skipped" => "pytest.skip",
                _ => test.exception_type.as_deref().unwrap_or(kind),
            };
            let _ = writeln!(
                out,
                "><{kind} type=\"{}\" message=\"{}\">{}</{kind}></testcase>",
                escape(kind_type),
                escape(&message),
                escape(content)
            );
        }
    }
}

/// `tests/a/test_b.py::TestC::test_d[x]` → (`tests.a.test_b.TestC`, `test_d[x]`);
/// a module alone (a collection error) → (``, `tests.a.test_b`).
fn split(nodeid: &str) -> (String, String) {
    let mut parts = nodeid.split("::");
    let module = parts
        .next()
        .unwrap_or_default()
        .trim_end_matches(".py")
        .replace(['/', '\\'], ".");
    let rest: Vec<&str> = parts.collect();
    match rest.split_last() {
        None => (String::new(), module),
        Some((name, classes)) => {
            let mut classname = module;
            for class in classes {
                classname.push('.');
                classname.push_str(class);
            }
            (classname, (*name).to_owned())
        }
    }
}

/// Text for XML attributes and content; characters XML 1.0 cannot hold are dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_node_ids_as_pytest_names_them() {
        assert_eq!(
            split("tests/a/test_b.py::TestC::test_d[x.y]"),
            ("tests.a.test_b.TestC".into(), "test_d[x.y]".into())
        );
        assert_eq!(split("test_b.py::test_d"), ("test_b".into(), "test_d".into()));
        assert_eq!(split("tests/test_b.py"), (String::new(), "tests.test_b".into()));
    }

    #[test]
    fn escapes_what_xml_cannot_hold() {
        assert_eq!(escape("a<b & \"c\"\u{1b}[31m"), "a&lt;b &amp; &quot;c&quot;[31m");
    }
}
