//! The repair loop attacked by its own model: answers that reach for
//! `.git/`, `.fixpoint/`, links out of the project, options where a path
//! belongs, pytest's configuration or a plugin that rewrites the verdict, and
//! answers that echo the API key. A scripted model on loopback gives the
//! answers; real pytest judges; real git records.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

use fixpoint_repair::test_util::{Protocol, Reply, ScriptedServer};

use crate::repair::{
    BUGGY, DISCOUNT, KEY, attempts, commits, edit, exits, original_pricing, pricing, repair, right_fix,
};
use crate::support::{fixpoint, git_init, project, python, stderr, stdout};

/// An answer that creates `path` with `text`.
fn create(path: &str, text: &str) -> Reply {
    Reply::Answer(edit(path, "", text))
}

/// The repair fixture with links out of it, in git, with a first run recorded.
fn prepared_with_links() -> (tempfile::TempDir, std::path::PathBuf) {
    let (keep, dir) = project("repair");
    let outside = keep.path().join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("shared.py"), "SHARED = 1\n").unwrap();
    symlink(&outside, dir.join("linked")).unwrap();
    symlink(outside.join("shared.py"), dir.join("calc/shared.py")).unwrap();
    git_init(&dir);
    let python = python();
    let output = fixpoint(&dir, &["run", "--python", python.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    (keep, dir)
}

/// The verdicts and reasons of the attempts, oldest first.
fn verdicts(dir: &Path) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = attempts(dir)
        .iter()
        .map(|row| {
            (
                row["verdict"].as_str().unwrap().to_owned(),
                row["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    rows.reverse();
    rows
}

#[test]
fn answers_that_reach_out_of_the_project_or_into_git_are_refused_and_nothing_runs() {
    let (keep, dir) = prepared_with_links();
    let marker = keep.path().join("fsmonitor-ran");
    let outside = keep.path().join("outside");
    let git_config = fs::read(dir.join(".git/config")).unwrap();
    let absolute = keep.path().join("absolute.py");
    let attacks: Vec<(Reply, &str)> = vec![
        (
            Reply::Answer(edit(
                "./.git/config",
                "[core]",
                &format!("[core]\n\tfsmonitor = touch {}", marker.display()),
            )),
            "is inside `.git/`",
        ),
        (
            create("./.fixpoint/journal/planted.json", "{}"),
            "is inside `.fixpoint/`",
        ),
        (create("calc/../../escaped.py", "x = 1\n"), "is outside the project"),
        (create(absolute.to_str().unwrap(), "x = 1\n"), "is outside the project"),
        (create("-p.py", "x = 1\n"), "starts with `-`"),
        (
            create("linked/planted.py", "x = 1\n"),
            "goes through the symbolic link `linked`",
        ),
        (
            Reply::Answer(edit("calc/shared.py", "SHARED = 1", "SHARED = 2")),
            "is a symbolic link",
        ),
        (create("sitecustomize.py", "import os\n"), "never lets the model write"),
    ];
    let expected: Vec<&str> = attacks.iter().map(|(_, why)| *why).collect();
    let mut answers: Vec<Reply> = attacks.into_iter().map(|(reply, _)| reply).collect();
    answers.push(right_fix());
    let retries = answers.len().to_string();
    let server = ScriptedServer::queue(Protocol::OpenAi, answers);
    let output = repair(&dir, &server, &[DISCOUNT, "--max-retries", &retries]);
    exits(&output, 0);

    let rows = verdicts(&dir);
    assert_eq!(rows.len(), expected.len() + 1, "{rows:?}");
    for ((verdict, reason), why) in rows.iter().zip(&expected) {
        assert_eq!(verdict, "refused", "{reason}");
        assert!(reason.contains(why), "expected `{why}` in: {reason}");
    }
    assert_eq!(rows.last().unwrap().0, "fixed", "the honest answer still lands");

    assert_eq!(fs::read(dir.join(".git/config")).unwrap(), git_config);
    assert!(!marker.exists(), "git ran the planted fsmonitor command");
    assert!(!dir.join(".fixpoint/journal/planted.json").exists());
    assert!(!keep.path().join("escaped.py").exists());
    assert!(!absolute.exists());
    assert!(!dir.join("-p.py").exists());
    assert_eq!(fs::read_dir(&outside).unwrap().count(), 1, "nothing planted outside");
    assert_eq!(fs::read_to_string(outside.join("shared.py")).unwrap(), "SHARED = 1\n");
    assert!(
        fs::symlink_metadata(dir.join("calc/shared.py"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(!dir.join("sitecustomize.py").exists());
    // One commit, of the honest fix, of the file it fixed.
    let log = commits(&dir);
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(
        crate::support::git(&dir, &["show", "--name-only", "--format="]).trim(),
        "calc/pricing.py"
    );
    // The model heard why, each time.
    let requests = server.requests();
    assert!(
        requests[1]
            .last_message()
            .contains("your edit was not applied: `./.git/config` is inside `.git/`"),
        "{}",
        requests[1].last_message()
    );
}

/// A plugin that reports every test as passed.
const JUDGE: &str = "import pytest\n\n\n@pytest.hookimpl(hookwrapper=True)\ndef pytest_runtest_makereport(item, call):\n    outcome = yield\n    outcome.get_result().outcome = \"passed\"\n";

const TESTPATHS: &str = "testpaths = [\"tests\"]";

/// The answer that loads [`JUDGE`] through `addopts` in pyproject.toml.
fn judge_through_pyproject() -> Reply {
    Reply::Answer(format!(
        "{}\n{}",
        edit(
            "pyproject.toml",
            TESTPATHS,
            &format!("addopts = \"-p calc.judge\"\n{TESTPATHS}")
        ),
        edit("calc/judge.py", "", JUDGE)
    ))
}

#[test]
fn the_verdict_cannot_be_rewritten_by_pytest_configuration_or_a_plugin() {
    let (_keep, dir) = crate::repair::prepared();
    let pyproject = fs::read(dir.join("pyproject.toml")).unwrap();
    let answers = vec![
        judge_through_pyproject(),
        Reply::Answer(format!(
            "{}\n{}",
            edit(
                "pytest.ini",
                "",
                "[pytest]\naddopts = -p calc.judge\ntestpaths = tests\npythonpath = ."
            ),
            edit("calc/judge.py", "", JUDGE)
        )),
        Reply::Answer(format!(
            "{}\n{}",
            edit("tests/pytest.ini", "", "[pytest]\naddopts = -p calc.judge"),
            edit("calc/judge.py", "", JUDGE)
        )),
        create("tests/conftest.py", JUDGE),
        Reply::Answer(edit(
            "calc/pricing.py",
            BUGGY,
            &format!("{BUGGY}\n\n\npytest_plugins = [\"calc.judge\"]"),
        )),
        create("calc/judge.py", JUDGE),
    ];
    let server = ScriptedServer::queue(Protocol::OpenAi, answers);
    let output = repair(&dir, &server, &[DISCOUNT, "--max-retries", "6"]);
    exits(&output, 1);
    let rows = verdicts(&dir);
    let reasons: Vec<&str> = rows.iter().map(|(_, reason)| reason.as_str()).collect();
    assert!(rows.iter().all(|(verdict, _)| verdict == "refused"), "{rows:?}");
    assert!(
        reasons[0].starts_with("pyproject.toml: the edit changes pytest's configuration"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].starts_with("pytest.ini: a new pytest.ini would change pytest's configuration"),
        "{reasons:?}"
    );
    assert!(reasons[2].contains("test file"), "{reasons:?}");
    assert!(reasons[3].contains("test file"), "{reasons:?}");
    assert!(
        reasons[4].contains("adds pytest plugin code (`pytest_plugins`)"),
        "{reasons:?}"
    );
    assert!(
        reasons[5].contains("adds pytest plugin code (`def pytest_`)"),
        "{reasons:?}"
    );
    assert_eq!(fs::read(dir.join("pyproject.toml")).unwrap(), pyproject);
    assert!(!dir.join("pytest.ini").exists() && !dir.join("calc/judge.py").exists());
    assert_eq!(
        pricing(&dir),
        original_pricing(),
        "the bug is still there, and known to be"
    );
    assert_eq!(commits(&dir).len(), 1);

    // The attack is real: allowed to edit what judges it, the same answer
    // makes the failing test "pass" with the bug still in place.
    let server = ScriptedServer::queue(Protocol::OpenAi, vec![judge_through_pyproject()]);
    let output = repair(&dir, &server, &[DISCOUNT, "--max-retries", "1", "--allow-test-edits"]);
    exits(&output, 0);
    assert_eq!(pricing(&dir), original_pricing());
    assert!(
        fs::read_to_string(dir.join("pyproject.toml"))
            .unwrap()
            .contains("-p calc.judge")
    );
}

#[test]
fn a_key_the_model_echoes_is_written_nowhere() {
    let (_keep, dir) = crate::repair::prepared();
    let leaky = Reply::Answer(edit(
        "calc/pricing.py",
        BUGGY,
        &format!("    # api key: {KEY}\n    return total - total * percent / 100"),
    ));
    let server = ScriptedServer::queue(Protocol::OpenAi, vec![leaky, right_fix()]);
    let output = repair(&dir, &server, &[DISCOUNT, "--max-retries", "2"]);
    exits(&output, 0);
    let rows = verdicts(&dir);
    assert_eq!(rows[0].0, "refused");
    assert!(rows[0].1.starts_with("the answer contains a secret"), "{rows:?}");
    assert_eq!(rows[1].0, "fixed");
    assert!(!pricing(&dir).contains(KEY));
    // Not in the source, a diff, a stored row, a commit, the output, or the
    // answer as it goes back to the model.
    let log = crate::support::git(&dir, &["log", "-p"]);
    assert!(!log.contains(KEY), "{log}");
    let attempts_text = stdout(&fixpoint(&dir, &["attempts", "--output-format", "json"]));
    assert!(!attempts_text.contains(KEY));
    for entry in walk(&dir) {
        let bytes = fs::read(&entry).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(KEY),
            "the key is in {}",
            entry.display()
        );
    }
    assert!(!stdout(&output).contains(KEY) && !stderr(&output).contains(KEY));
    let second = &server.requests()[1];
    assert!(!second.body.contains(KEY), "{}", second.body);
    assert!(second.body.contains("[REDACTED]"), "{}", second.body);
}

/// Every regular file below `dir`, `.git/` and `.fixpoint/` included.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(at) = pending.pop() {
        for entry in fs::read_dir(&at).unwrap().flatten() {
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() {
                files.push(entry.path());
            }
        }
    }
    files
}
