//! `fixpoint import`: runs that pytest made elsewhere (a CI machine, a
//! colleague's laptop) as JUnit XML (`pytest --junitxml`) or pytest-reportlog
//! JSON lines (`pytest --report-log`).
//!
//! Both end up as the same [`Run`] as `fixpoint run` produces; collection
//! errors are kept as `error` results in phase `collection`.

mod junit;
mod reportlog;

use std::fs;
use std::path::Path;

use fixpoint_core::{Phase, Run, TestResult};

use crate::PytestError;

/// The formats `fixpoint import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Junit,
    Reportlog,
}

impl Format {
    /// Guesses the format from the first non-blank character.
    pub fn detect(text: &str) -> Option<Self> {
        match text.trim_start_matches('\u{feff}').trim_start().chars().next()? {
            '<' => Some(Self::Junit),
            '{' => Some(Self::Reportlog),
            _ => None,
        }
    }
}

/// Reads `path` as `format` (or the detected one). `project`, when given,
/// resolves JUnit class names to files and makes crash paths relative.
pub fn import_file(path: &Path, format: Option<Format>, project: Option<&Path>) -> Result<Run, PytestError> {
    let malformed = |reason: String| PytestError::Malformed {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = read_report(path)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| malformed("not UTF-8 text, so neither JUnit XML nor reportlog JSON".into()))?;
    let format = match format {
        Some(format) => format,
        None => Format::detect(&text).ok_or_else(|| {
            malformed("neither JUnit XML nor pytest-reportlog JSON lines (expected `<` or `{` first)".into())
        })?,
    };
    let mut run = match format {
        Format::Junit => junit::parse(&text, project),
        Format::Reportlog => reportlog::parse(&text, project),
    }
    .map_err(malformed)?;
    run.info.project = project.map(|dir| dir.display().to_string()).unwrap_or_default();
    Ok(run)
}

/// The largest report `import` reads: far above a real suite's (a
/// reportlog of 100,000 tests is about 200 MB).
pub const MAX_REPORT_BYTES: u64 = 1 << 30;

/// A report's bytes: a regular file (not a FIFO, a device or a directory,
/// which could block or never end) of at most [`MAX_REPORT_BYTES`].
fn read_report(path: &Path) -> Result<Vec<u8>, PytestError> {
    use std::io::Read;
    let unreadable = |e| PytestError::io(format!("could not read {}", path.display()), e);
    let malformed = |reason: String| PytestError::Malformed {
        path: path.to_path_buf(),
        reason,
    };
    let metadata = fs::metadata(path).map_err(unreadable)?;
    if !metadata.is_file() {
        return Err(malformed(
            "not a regular file (a FIFO, a device or a directory): import reads report files".into(),
        ));
    }
    let limit = format!("the {} MiB a report may have", MAX_REPORT_BYTES >> 20);
    if metadata.len() > MAX_REPORT_BYTES {
        return Err(malformed(format!("{} bytes, more than {limit}", metadata.len())));
    }
    let mut bytes = Vec::new();
    fs::File::open(path)
        .and_then(|file| file.take(MAX_REPORT_BYTES + 1).read_to_end(&mut bytes))
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_REPORT_BYTES {
        return Err(malformed(format!("grew past {limit} while being read")));
    }
    Ok(bytes)
}

/// Collection errors first, then tests in the order the file has them.
fn collection_errors_first(tests: &mut [TestResult]) {
    tests.sort_by_key(|test| test.phase != Some(Phase::Collection));
}

/// Makes an absolute path relative to the project, as pytest's node ids are.
fn relative_to(path: &str, project: Option<&Path>) -> String {
    let Some(project) = project else {
        return path.to_owned();
    };
    Path::new(path)
        .strip_prefix(project)
        .map_or_else(|_| path.to_owned(), |rel| rel.display().to_string())
}

/// The exception named by the last `E   Type: message` line of a traceback.
fn exception_from_text(text: &str) -> Option<String> {
    text.lines().rev().find_map(|line| {
        let rest = line.strip_prefix('E')?.trim_start();
        let head = rest.split(':').next()?.trim();
        let is_name = !head.is_empty()
            && head
                .split('.')
                .all(|part| !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '_'));
        is_name.then(|| head.to_owned())
    })
}

/// The last `E   Type: message` line without its prefix (libraries such as
/// pydantic add lines after it), else the last `E` line, else the last line.
fn last_error_line(text: &str) -> Option<String> {
    let errors: Vec<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("E   "))
        .map(str::trim)
        .collect();
    errors
        .iter()
        .rev()
        .find(|line| line.contains(':') && exception_from_text(&format!("E   {line}")).is_some())
        .or(errors.last())
        .map(|line| (*line).to_owned())
        .or_else(|| {
            text.lines()
                .rev()
                .find(|line| !line.trim().is_empty())
                .map(|line| line.trim().to_owned())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats() {
        assert_eq!(Format::detect("\u{feff}  <?xml"), Some(Format::Junit));
        assert_eq!(Format::detect("\n{\"$report_type\""), Some(Format::Reportlog));
        assert_eq!(Format::detect("hello"), None);
        assert_eq!(Format::detect(""), None);
    }

    #[test]
    fn finds_the_exception_in_a_traceback() {
        let text = "tests/x.py:1: in <module>\n    import y\nE   ModuleNotFoundError: No module named 'y'";
        assert_eq!(exception_from_text(text).as_deref(), Some("ModuleNotFoundError"));
        let syntax = "E     File \"x.py\", line 1\nE       def f(:\nE   SyntaxError: invalid syntax";
        assert_eq!(exception_from_text(syntax).as_deref(), Some("SyntaxError"));
        assert_eq!(last_error_line(syntax).as_deref(), Some("SyntaxError: invalid syntax"));
        let pydantic = "E   pydantic.errors.PydanticUserError: bad validator\nE   \nE   For further information visit https://errors.pydantic.dev";
        assert_eq!(
            last_error_line(pydantic).as_deref(),
            Some("pydantic.errors.PydanticUserError: bad validator")
        );
    }
}
