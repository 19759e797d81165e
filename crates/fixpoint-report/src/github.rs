//! GitHub Actions output: an `::error` workflow command per failing test,
//! placed at its crash line, and a Markdown job summary (for
//! `$GITHUB_STEP_SUMMARY`).

use std::fmt::Write as _;

use crate::model::{Report, TestEntry};

/// The annotations, one `::error` line per failing test.
pub fn annotations(report: &Report) -> String {
    report.failures().map(|test| annotation(test, "error")).collect()
}

/// One test's workflow command at `level` (`error`, `warning`, `notice`),
/// placed at its crash line.
pub fn annotation(test: &TestEntry, level: &str) -> String {
    let (path, line) = match (&test.crash_path, test.crash_line) {
        (Some(path), line) if !path.starts_with('/') => (path.as_str(), line),
        _ => (test.path.as_str(), None),
    };
    let mut properties = format!("file={}", property(path));
    if let Some(line) = line {
        let _ = write!(properties, ",line={line}");
    }
    let _ = write!(
        properties,
        ",title={}",
        property(&format!("{} {}", test.nodeid, test.outcome))
    );
    let message = test.message.as_deref().unwrap_or("failed");
    format!("::{level} {properties}::{}\n", data(message))
}

/// A duration regression's workflow command at `level`, on the test's file.
pub fn slowdown_annotation(slow: &crate::SlowdownEntry, path: &str, level: &str) -> String {
    format!(
        "::{level} file={},title={}::{}\n",
        property(path),
        property(&format!("{} got slower", slow.nodeid)),
        data(&format!(
            "{} -> {} (median) since run {}; {} score {:.1}",
            crate::seconds(slow.before_median),
            crate::seconds(slow.after_median),
            slow.run_id,
            slow.method,
            slow.score
        ))
    )
}

/// A workflow command's message: `%`, CR and LF escaped.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_expects() {
        assert_eq!(data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(property("a::b, c"), "a%3A%3Ab%2C c");
    }
}
