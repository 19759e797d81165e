//! What the model is told: the rules of the edit format (the system prompt),
//! the failure with the files around it within a token budget (the first
//! message), and after a failed attempt what went wrong (the feedback).
//!
//! Every piece of text passes through the [`Redactor`] on its way in.

use std::fmt::Write as _;

use crate::redact::Redactor;

/// Characters per token, the usual estimate for code and English.
const CHARS_PER_TOKEN: usize = 4;

/// A rough token count: what budgets are measured in.
pub fn estimate_tokens(text: &str) -> usize {
    text.len().div_ceil(CHARS_PER_TOKEN)
}

/// A file offered to the model, and why it is relevant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
    pub why: Relevance,
}

/// Why a file is in the context; also the order files are added in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Relevance {
    /// The file the failing test is in.
    Test,
    /// A project file the traceback passes through.
    InTraceback,
    /// A project module the test imports.
    Imported,
}

impl Relevance {
    fn describe(self) -> &'static str {
        match self {
            Self::Test => "the failing test",
            Self::InTraceback => "in the traceback",
            Self::Imported => "imported by the test",
        }
    }
}

/// The failure to repair.
#[derive(Debug, Clone)]
pub struct Failure<'a> {
    pub nodeid: &'a str,
    /// The traceback, already trimmed to the project's frames.
    pub traceback: &'a str,
    /// A data file the test failed to open (from the project root), which
    /// the model may create even under `tests/`.
    pub missing_file: Option<&'a str>,
    /// What the caller knows of why it fails (`migrate pydantic` says what
    /// it just moved to Pydantic 2 and what is left of Pydantic 1): a
    /// section of its own, before the files.
    pub background: Option<&'a str>,
}

/// The first message and what went into it.
#[derive(Debug, Clone)]
pub struct Prompt {
    pub system: String,
    pub user: String,
    /// The files included, in order.
    pub files: Vec<String>,
    /// Files left out because the budget was spent.
    pub omitted: Vec<String>,
}

/// Builds the first message: the failure, then the files by relevance while
/// they fit in `budget` tokens (a file is included whole or not at all, so
/// that the model never searches text it did not see).
pub fn build(
    failure: &Failure<'_>,
    files: &[SourceFile],
    budget: usize,
    allow_test_edits: bool,
    redactor: &Redactor,
) -> Prompt {
    let system = system_prompt(allow_test_edits);
    let traceback = truncate_middle(&redactor.redact(failure.traceback), budget * CHARS_PER_TOKEN / 4);
    let mut user = format!(
        "The test `{}` fails.\n\n## Failure\n\n```\n{}\n```\n",
        failure.nodeid,
        traceback.trim_end()
    );
    if let Some(background) = failure.background {
        let _ = write!(user, "\n## Background\n\n{}\n", redactor.redact(background).trim_end());
    }
    user.push_str("\n## Files\n");
    let mut ordered: Vec<&SourceFile> = files.iter().collect();
    ordered.sort_by_key(|file| file.why);
    let mut included = Vec::new();
    let mut omitted = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut spent = estimate_tokens(&system) + estimate_tokens(&user);
    for file in ordered {
        if !seen.insert(file.path.as_str()) {
            continue;
        }
        let section = format!(
            "\n### {} ({})\n\n```python\n{}\n```\n",
            file.path,
            file.why.describe(),
            redactor.redact(file.text.trim_end())
        );
        let cost = estimate_tokens(&section);
        if spent + cost > budget {
            omitted.push(file.path.clone());
            continue;
        }
        spent += cost;
        user.push_str(&section);
        included.push(file.path.clone());
    }
    if let Some(missing) = failure.missing_file {
        let _ = write!(
            user,
            "\nThe test cannot open `{missing}`: it does not exist. You may create it (an empty SEARCH \
             part), even under tests/, with the data the code under test reads and the test expects.\n"
        );
    }
    if !omitted.is_empty() {
        let _ = write!(
            user,
            "\n(Left out to stay within the context budget: {}.)\n",
            omitted.join(", ")
        );
    }
    user.push_str(
        "\nFind the root cause and fix it. Answer with SEARCH/REPLACE blocks only, \
         each after a line naming its file.\n",
    );
    Prompt {
        system,
        user,
        files: included,
        omitted,
    }
}

/// The rules of the answer.
pub fn system_prompt(allow_test_edits: bool) -> String {
    let tests = if allow_test_edits {
        "You may edit test files when the test itself is wrong."
    } else {
        "Do not edit test files (test_*.py, *_test.py, conftest.py, files under tests/) or \
         pytest's configuration, and do not add pytest hooks or plugins: fix the code under \
         test. Such an edit is refused."
    };
    format!(
        "You repair failing Python tests. You get a failing test, its traceback and the relevant \
         files of the project. Find the root cause and make the smallest change that fixes it \
         without breaking other tests.\n\n{tests}\n\n\
         Answer only with edits in this format, one block per change:\n\n\
         path/to/file.py\n\
         ```python\n\
         <<<<<<< SEARCH\n\
         the exact lines of the current file to replace\n\
         =======\n\
         the lines that replace them\n\
         >>>>>>> REPLACE\n\
         ```\n\n\
         The SEARCH part must match the file exactly, including indentation, and match only one \
         place: include enough lines. Paths are relative to the project root. An empty SEARCH \
         part creates a new file."
    )
}

/// What the model hears after an attempt that did not work.
pub fn feedback(what_happened: &str, output: &str, redactor: &Redactor, limit_chars: usize) -> String {
    let mut message = format!("That did not work: {what_happened}\n");
    let output = output.trim();
    if !output.is_empty() {
        let _ = write!(
            message,
            "\n```\n{}\n```\n",
            truncate_middle(&redactor.redact(output), limit_chars)
        );
    }
    message.push_str(
        "\nThe change was taken back; the files are as they were before it. Try a different fix, \
         again as SEARCH/REPLACE blocks only.",
    );
    message
}

/// At most `limit` characters: the start and the end, which is where a
/// traceback's cause and its error are.
pub fn truncate_middle(text: &str, limit: usize) -> String {
    if text.len() <= limit || limit < 64 {
        return text.to_owned();
    }
    let half = limit / 2;
    let start = floor_char_boundary(text, half);
    let end = ceil_char_boundary(text, text.len() - half);
    format!(
        "{}\n[... {} characters left out ...]\n{}",
        &text[..start],
        end - start,
        &text[end..]
    )
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn ceil_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index += 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str, why: Relevance) -> SourceFile {
        SourceFile {
            path: path.into(),
            text: text.into(),
            why,
        }
    }

    #[test]
    fn adds_files_by_relevance_within_the_budget() {
        let failure = Failure {
            nodeid: "tests/test_a.py::test_x",
            traceback: "E   assert 1 == 2",
            missing_file: None,
            background: None,
        };
        let files = [
            file("app/big.py", &"x = 1\n".repeat(2000), Relevance::Imported),
            file("app/a.py", "def f():\n    return 1\n", Relevance::InTraceback),
            file(
                "tests/test_a.py",
                "def test_x():\n    assert f() == 2\n",
                Relevance::Test,
            ),
        ];
        let prompt = build(&failure, &files, 2000, false, &Redactor::default());
        assert_eq!(prompt.files, ["tests/test_a.py", "app/a.py"]);
        assert_eq!(prompt.omitted, ["app/big.py"]);
        assert!(prompt.user.contains("assert 1 == 2"));
        assert!(prompt.user.find("tests/test_a.py (the failing test)") < prompt.user.find("app/a.py"));
        assert!(prompt.system.contains("Do not edit test files"));
    }

    #[test]
    fn a_background_gets_its_own_section_before_the_files_redacted() {
        let failure = Failure {
            nodeid: "tests/test_a.py::test_x",
            traceback: "E   assert 1 == 2",
            missing_file: None,
            background: Some("These modules moved to Pydantic 2 (key sk-abcdefghijklmnopqrstuvwx)."),
        };
        let redactor = Redactor::new(
            std::path::Path::new("/nonexistent"),
            [("OPENAI_API_KEY".to_owned(), "sk-abcdefghijklmnopqrstuvwx".to_owned())],
        );
        let prompt = build(
            &failure,
            &[file("app/a.py", "x = 1\n", Relevance::InTraceback)],
            2000,
            false,
            &redactor,
        );
        let background = prompt
            .user
            .find("## Background\n\nThese modules moved to Pydantic 2")
            .unwrap();
        assert!(background < prompt.user.find("## Files").unwrap(), "{}", prompt.user);
        assert_eq!(prompt.user.matches("## Files").count(), 1);
        assert!(!prompt.user.contains("sk-abcdefghijklmnopqrstuvwx"), "{}", prompt.user);
    }

    #[test]
    fn truncates_in_the_middle() {
        let text = format!("{}{}", "a".repeat(500), "b".repeat(500));
        let short = truncate_middle(&text, 100);
        assert!(short.starts_with("aaaa") && short.ends_with("bbbb"), "{short}");
        assert!(short.contains("900 characters left out"), "{short}");
    }
}
