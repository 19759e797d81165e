//! The GitHub workflow `fixpoint init` writes, run as written: its YAML read
//! by PyYAML, every action it uses a real one pinned to a release, and its
//! shell steps run in order on a copy of the example, with the step
//! conditions GitHub would evaluate given for two events (the first push to
//! the default branch, then a pull request with the history restored). Only
//! the step that installs fixpoint from PyPI is replaced, by the binary
//! under test on PATH; the project's own install step runs as written.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::{deterministic_dreamforge, example_python, fixpoint, git, python, stderr, stdout};

/// The actions a generated workflow may use: real ones, pinned to a major release.
const PINNED_ACTIONS: [&str; 5] = [
    "actions/checkout@v4",
    "actions/setup-python@v5",
    "actions/cache/restore@v4",
    "actions/cache/save@v4",
    "actions/upload-artifact@v4",
];

const FIRST_ON_DEFAULT: &str = "github.event_name != 'pull_request' && steps.history.outputs.cache-matched-key == ''";
const NOT_A_PULL_REQUEST: &str = "always() && github.event_name != 'pull_request'";

/// A directory for PATH holding `python` (the base interpreter, as
/// actions/setup-python provides it) and `fixpoint` (the binary under test).
fn tool_dir(root: &Path) -> std::path::PathBuf {
    let bin = root.join("ci-bin");
    fs::create_dir_all(&bin).unwrap();
    let base = Command::new(example_python())
        .args(["-c", "import sys; print(sys._base_executable)"])
        .output()
        .unwrap();
    let base = String::from_utf8(base.stdout).unwrap();
    let shims = [
        ("python", base.trim().to_owned()),
        ("fixpoint", env!("CARGO_BIN_EXE_fixpoint").to_owned()),
    ];
    for (name, target) in shims {
        let path = bin.join(name);
        fs::write(&path, format!("#!/bin/sh\nexec '{target}' \"$@\"\n")).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

/// The workflow's YAML as JSON, read by PyYAML.
fn parse_workflow(path: &Path) -> Value {
    let output = Command::new(python())
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        ])
        .arg(path)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Runs the job's steps for one event; returns one line per step.
fn run_steps(steps: &[Value], dir: &Path, bin: &Path, pull_request: bool) -> String {
    let mut transcript = Vec::new();
    for step in steps {
        let name = step["name"]
            .as_str()
            .or_else(|| step["uses"].as_str())
            .unwrap()
            .to_owned();
        let condition = step["if"].as_str().is_none_or(|condition| match condition {
            "always()" => true,
            // Nothing restored on the push, the history restored on the pull request.
            FIRST_ON_DEFAULT | NOT_A_PULL_REQUEST => !pull_request,
            other => panic!("step `{name}` has a condition this test does not know: {other}"),
        });
        if let Some(action) = step["uses"].as_str() {
            assert!(PINNED_ACTIONS.contains(&action), "step `{name}` uses {action}");
            transcript.push(format!("{name}: {}", if condition { "action" } else { "skipped" }));
            continue;
        }
        let script = step["run"]
            .as_str()
            .unwrap_or_else(|| panic!("step `{name}` neither uses nor runs"));
        assert!(!script.contains("${{"), "step `{name}` needs GitHub to run: {script}");
        if !condition {
            transcript.push(format!("{name}: skipped"));
            continue;
        }
        if name == "Install fixpoint" {
            assert_eq!(
                script,
                format!("python -m pip install fixpoint-pytest=={}", env!("CARGO_PKG_VERSION"))
            );
            transcript.push(format!("{name}: replaced by the binary under test"));
            continue;
        }
        // As GitHub runs a `run:` step: bash -e, in the checkout.
        let output = Command::new("bash")
            .args(["--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script])
            .current_dir(dir)
            .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
            .env("NO_COLOR", "1")
            .env_remove("FIXPOINT_PYTHON")
            .env_remove("VIRTUAL_ENV")
            .output()
            .unwrap();
        let code = output.status.code().unwrap_or(-1);
        let allowed = step["continue-on-error"].as_bool() == Some(true);
        assert!(
            code == 0 || allowed,
            "step `{name}` failed ({code}):\n{}\n{}",
            stdout(&output),
            stderr(&output)
        );
        transcript.push(format!("{name}: exit {code}"));
        if name == "Tests against the baseline" {
            let verdict = stdout(&output);
            let baseline = verdict.lines().find(|line| line.starts_with("baseline:")).unwrap_or("");
            transcript.push(format!("  {}", baseline.split(" (").next().unwrap()));
        }
    }
    transcript.join("\n") + "\n"
}

#[test]
fn the_workflow_init_writes_runs_as_written_on_the_example() {
    let (_keep, dir) = deterministic_dreamforge();
    git(&dir, &["init", "--quiet", "--initial-branch", "master"]);
    git(&dir, &["config", "user.name", "Test Author"]);
    git(&dir, &["config", "user.email", "author@example.com"]);
    git(&dir, &["add", "--all"]);
    git(&dir, &["commit", "--quiet", "-m", "the project as inherited"]);
    let init = fixpoint(&dir, &["init"]);
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    let path = dir.join(".github/workflows/fixpoint.yml");
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(env!("CARGO_PKG_VERSION"), "[VERSION]");
    settings.bind(|| insta::assert_snapshot!("init_workflow_dreamforge", fs::read_to_string(&path).unwrap()));
    // What actions/checkout leaves: the commit, without the files init wrote.
    git(&dir, &["add", "--all"]);
    git(&dir, &["commit", "--quiet", "-m", "fixpoint init"]);

    let workflow = parse_workflow(&path);
    // YAML 1.1 (PyYAML) reads the key `on` as `true`; GitHub reads it as `on`.
    let on = workflow.get("on").unwrap_or(&workflow["true"]);
    assert_eq!(on["push"]["branches"], serde_json::json!(["master"]));
    assert!(on.get("pull_request").is_some() && on.get("workflow_dispatch").is_some());
    let steps = workflow["jobs"]["tests"]["steps"].as_array().unwrap().clone();
    let bin = tool_dir(dir.parent().unwrap());

    // The first push to master: no history, so the baseline is recorded first.
    let push = run_steps(&steps, &dir, &bin, false);
    for saved in [".fixpoint/fixpoint.db", "fixpoint-junit.xml", "fixpoint-report.html"] {
        assert!(dir.join(saved).is_file(), "{saved} is not there to save or upload");
    }
    // A pull request, detached as actions/checkout leaves it, with the history restored.
    git(&dir, &["checkout", "--quiet", "--detach"]);
    let pull_request = run_steps(&steps, &dir, &bin, true);
    let transcript = format!("push to master, no history:\n{push}\npull request, history restored:\n{pull_request}");
    insta::assert_snapshot!("init_workflow_steps", transcript);
}
