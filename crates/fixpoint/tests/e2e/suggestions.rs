//! What triage suggests is true: a command it prints changes something.

use crate::support::{fixpoint, git_init, project, run_json, stderr, stdout};

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
