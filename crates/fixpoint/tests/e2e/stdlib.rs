//! The fixers over a copy of the machine's Python standard library, through
//! the binary as a user runs it (`check`, then `fix --all --unsafe-fixes`
//! twice): code that uses neither Pydantic nor SQLAlchemy gets no finding of
//! theirs, every file fixpoint changes still compiles under that Python, a
//! second pass changes nothing, and nothing panics.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::{fixpoint, python, stderr, stdout};

fn stdlib() -> PathBuf {
    let output = Command::new(python())
        .args(["-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"])
        .output()
        .expect("the test Python runs");
    PathBuf::from(String::from_utf8_lossy(&output.stdout).trim())
}

/// Every `.py` file under `dir` (installed packages left out), relative path → bytes.
fn python_files(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() && name != "site-packages" && name != "__pycache__" {
            python_files(root, &path, out);
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "py") {
            let relative = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            out.insert(relative, fs::read(&path).unwrap());
        }
    }
}

fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    python_files(root, root, &mut files);
    files
}

fn no_panic(output: &std::process::Output, what: &str) {
    let err = stderr(output);
    assert!(
        !err.contains("panicked") && output.status.code().is_some(),
        "{what} panicked or was killed: {err}"
    );
}

#[test]
fn the_fixers_leave_the_standard_library_alone_and_parsing() {
    let work = tempfile::tempdir().unwrap();
    let root = work.path().join("lib");
    let original = {
        let source = stdlib();
        let files = snapshot(&source);
        assert!(
            files.len() > 500,
            "{}: only {} Python files",
            source.display(),
            files.len()
        );
        for (relative, bytes) in &files {
            let target = root.join(relative);
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::write(target, bytes).unwrap();
        }
        files
    };

    let check = fixpoint(&root, &["check", "--output-format", "json"]);
    no_panic(&check, "check");
    let findings: Vec<Value> = serde_json::from_str(&stdout(&check)).expect("check prints JSON");
    let foreign: Vec<&Value> = findings
        .iter()
        .filter(|f| matches!(f["code"].as_str(), Some("FP001" | "FP003")))
        .collect();
    assert!(
        foreign.is_empty(),
        "findings for libraries the standard library does not use: {foreign:#?}"
    );

    let first = fixpoint(&root, &["fix", "--all", "--unsafe-fixes", "--no-verify"]);
    no_panic(&first, "fix");
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let fixed = snapshot(&root);
    let changed: Vec<&String> = fixed
        .iter()
        .filter(|(path, bytes)| original.get(*path) != Some(bytes))
        .map(|(path, _)| path)
        .collect();
    assert!(
        changed.iter().all(|path| original.contains_key(*path)),
        "fix created files in the library: {changed:?}"
    );
    for path in &changed {
        // `fix` skips what does not parse, so each of these compiled before.
        let compiled = Command::new(python())
            .args([
                "-c",
                "import sys; compile(open(sys.argv[1], 'rb').read(), sys.argv[1], 'exec')",
            ])
            .arg(root.join(path))
            .output()
            .unwrap();
        assert!(
            compiled.status.success(),
            "{path} no longer compiles after fix: {}",
            String::from_utf8_lossy(&compiled.stderr)
        );
    }
    println!("fix changed {} of {} files: {changed:?}", changed.len(), original.len());

    let second = fixpoint(&root, &["fix", "--all", "--unsafe-fixes", "--no-verify"]);
    no_panic(&second, "the second fix");
    assert_eq!(
        stdout(&second).lines().last(),
        Some("0 fixes applied, 0 left"),
        "{}",
        stdout(&second)
    );
    assert!(snapshot(&root) == fixed, "the second pass changed files");
}
