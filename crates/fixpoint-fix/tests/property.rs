//! The fix engine over the machine's Python standard library: for every
//! module (and a copy of it with its imports removed), FP002 is pointed at
//! every name the module loads but does not bind. Whatever it does, no file
//! may panic the engine, every output must parse, and a second run on the
//! output must change nothing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use fixpoint_core::FixerCode;
use fixpoint_fix::engine::fix_files;
use fixpoint_fix::fixers::{ProjectFacts, Target, selected};
use fixpoint_python::{parses, unbound_names};

fn stdlib() -> PathBuf {
    let python = std::env::var_os("FIXPOINT_TEST_PYTHON").unwrap_or_else(|| "python3".into());
    let output = Command::new(python)
        .args(["-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"])
        .output()
        .expect("a Python interpreter (FIXPOINT_TEST_PYTHON or python3) to find the standard library");
    PathBuf::from(String::from_utf8(output.stdout).unwrap().trim())
}

fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() && !path.ends_with("site-packages") {
            python_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "py") {
            out.push(path);
        }
    }
}

/// The module with every top-level import line removed: what a careless
/// refactor leaves behind.
fn without_imports(source: &str) -> String {
    let mut kept = String::with_capacity(source.len());
    for line in source.lines() {
        let import = line.starts_with("import ")
            || (line.starts_with("from ") && line.contains(" import ") && !line.contains('('));
        if !import {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    kept
}

#[test]
fn the_standard_library_survives_the_fixer() {
    let mut files = Vec::new();
    python_files(&stdlib(), &mut files);
    assert!(files.len() > 500, "found only {} stdlib files", files.len());
    // A fixed, spread sample keeps the test quick; every 3rd file.
    let sample: Vec<&PathBuf> = files.iter().step_by(3).collect();
    let work = tempfile::tempdir().unwrap();
    // Each module stands alone: no project facts to draw on.
    let facts = ProjectFacts::from_sources(work.path(), Vec::new());
    // Every fixer that runs by default, FP002 pointed at every unbound name,
    // the others asked to look at the whole file (as `--all` does).
    let fixers = selected(&[], &[]);
    let (mut checked, mut changed) = (0, 0);
    for (index, file) in sample.iter().enumerate() {
        let Ok(source) = fs::read_to_string(file) else { continue };
        for (variant, text) in [("original", source.clone()), ("stripped", without_imports(&source))] {
            let Ok(unbound) = unbound_names(&text) else { continue };
            let path = format!("m{index}_{variant}.py");
            fs::write(work.path().join(&path), &text).unwrap();
            let mut targets: Vec<Target> = unbound
                .into_iter()
                .map(|(name, _)| Target {
                    code: FixerCode::MissingImport,
                    path: path.clone(),
                    name,
                })
                .collect();
            for code in [
                FixerCode::SqlalchemyExtendExisting,
                FixerCode::PydanticV2,
                FixerCode::TypeCheckingImport,
            ] {
                targets.push(Target {
                    code,
                    path: path.clone(),
                    name: String::new(),
                });
            }
            let context = facts.context(&targets);
            let first = fix_files(std::slice::from_ref(&path), &fixers, &context, false).remove(0);
            checked += 1;
            if !first.changed() {
                continue;
            }
            changed += 1;
            parses(&first.fixed)
                .unwrap_or_else(|e| panic!("{}: the fixed {variant} does not parse: {e}", file.display()));
            fs::write(work.path().join(&path), &first.fixed).unwrap();
            let second = fix_files(std::slice::from_ref(&path), &fixers, &context, false).remove(0);
            assert!(
                !second.changed(),
                "{}: a second run changed the {variant} again",
                file.display()
            );
        }
    }
    println!("checked {checked} modules, {changed} changed by the fixers");
    assert!(
        changed > 50,
        "the stripped modules should give the fixer work: {changed}"
    );
}
