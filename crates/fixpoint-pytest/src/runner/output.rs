//! What a worker printed, read back to explain a failure in one line.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// The most telling line of pytest's output: its first error line, joined to
/// the exception it ends with.
pub(super) fn explain_output(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim_end)
        .filter(|line| !line.trim().is_empty())
        .collect();
    // A usage error's first line is the usage; argparse's verdict follows it.
    let usage = lines
        .iter()
        .find(|line| line.contains(": error: "))
        .filter(|_| lines.iter().any(|line| line.starts_with("ERROR: usage:")));
    let first_error = usage.or_else(|| {
        lines.iter().find(|line| {
            line.starts_with("ERROR")
                || line.starts_with("ImportError")
                || line.contains("Error while")
                || line.starts_with("fixpoint:")
        })
    });
    let exception = lines
        .iter()
        .rev()
        .find(|line| line.starts_with("E   "))
        .map(|line| line[4..].trim());
    match (first_error, exception) {
        (Some(first), Some(exception)) if !first.contains(exception) => {
            format!("{first} {exception}")
        }
        (Some(first), _) => (*first).to_owned(),
        (None, Some(exception)) => exception.to_owned(),
        (None, None) => lines
            .last()
            .map_or_else(|| "pytest printed nothing".to_owned(), |line| (*line).to_owned()),
    }
}

pub(super) fn read_tail(path: &Path, limit: u64) -> String {
    let Ok(mut file) = File::open(path) else {
        return String::new();
    };
    let length = file.metadata().map_or(0, |meta| meta.len());
    if length > limit {
        let _ = file.seek(SeekFrom::Start(length - limit));
    }
    let mut bytes = Vec::new();
    let _ = file.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_a_conftest_import_error_in_one_line() {
        let output = "ImportError while loading conftest '/p/tests/conftest.py'.\ntests/conftest.py:1: in <module>\n    import nope\nE   ModuleNotFoundError: No module named 'nope'\n";
        assert_eq!(
            explain_output(output),
            "ImportError while loading conftest '/p/tests/conftest.py'. ModuleNotFoundError: No module named 'nope'"
        );
        assert_eq!(
            explain_output("ERROR: file or directory not found: nope\n\n"),
            "ERROR: file or directory not found: nope"
        );
        assert_eq!(
            explain_output(
                "ERROR: usage: python -m pytest [options] [file_or_dir]\npython -m pytest: error: unrecognized arguments: --nope\n  inifile: None\n"
            ),
            "python -m pytest: error: unrecognized arguments: --nope"
        );
        assert_eq!(explain_output(""), "pytest printed nothing");
    }
}
