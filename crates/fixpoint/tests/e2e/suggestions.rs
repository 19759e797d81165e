//! What triage suggests is true: a command it prints changes something.

use crate::support::{fixpoint, git_init, one_error_line, project, run_json, stderr, stdout};

/// Two classes declaring one `__tablename__` is a true duplicate: FP001
/// only reports it, so triage does not send the user to `fix --select
/// FP001` (which changes nothing there) but says what to change.
#[test]
fn a_table_two_classes_declare_gets_a_manual_fix_not_a_command_that_does_nothing() {
    let (_keep, dir) = project("duplicate_table");
    git_init(&dir);
    let (code, _) = run_json(&dir, &[]);
    assert_eq!(code, 1);
    let triage = fixpoint(&dir, &["triage"]);
    assert_eq!(triage.status.code(), Some(0), "{}", stderr(&triage));
    insta::assert_snapshot!("triage_true_duplicate_table", stdout(&triage));

    let fix = fixpoint(&dir, &["fix", "--select", "FP001", "--no-verify"]);
    assert_eq!(fix.status.code(), Some(0), "{}", stderr(&fix));
    assert_eq!(crate::support::git(&dir, &["status", "--porcelain", "--", "app"]), "");
}

#[test]
fn an_unknown_fixer_is_one_error_line_that_lists_the_fixers() {
    let (_keep, dir) = project("outcomes");
    let known = "FP001 sqlalchemy-extend-existing, FP002 missing-import, FP003 pydantic-v2, FP004 stub-missing (unsafe), \
                 FP005 type-checking-import, FP006 skip-documented (opt-in, unsafe), FP007 pydantic-v1-namespace (opt-in), \
                 FP008 testdata-fixture, FP009 sqlalchemy-v2";
    // Checked before the history is read: a typo is the first thing said.
    let output = fixpoint(&dir, &["fix", "--select", "FP002,FP099"]);
    assert_eq!(
        one_error_line(&output),
        format!("fixpoint: error: unknown fixer `FP099` (known: {known})")
    );
    let output = fixpoint(&dir, &["check", "--ignore", "missing-imports"]);
    assert_eq!(
        one_error_line(&output),
        format!("fixpoint: error: unknown fixer `missing-imports` (known: {known})")
    );
    let output = fixpoint(&dir, &["check", "--select", "stub-missing"]);
    assert_eq!(
        one_error_line(&output),
        "fixpoint: error: `stub-missing` is not a check rule: the rules are FP001 sqlalchemy-extend-existing, \
         FP002 missing-import, FP003 pydantic-v2, FP005 type-checking-import"
    );
}
