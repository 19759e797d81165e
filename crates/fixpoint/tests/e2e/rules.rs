//! `fixpoint rules` on real rule files: list, validate, new, migrate, generate.

use std::fs;

use serde_json::Value;

use crate::support::{fixpoint, project, python, stderr, stdout};

#[test]
fn lists_and_validates_rules_as_cursor_reads_them() {
    let (_keep, dir) = project("repair");
    let rules = dir.join(".cursor/rules");
    fs::create_dir_all(rules.join("nested")).unwrap();
    fs::write(
        rules.join("always.mdc"),
        "---\ndescription: House style\nglobs:\nalwaysApply: true\n---\nUse type hints.\n",
    )
    .unwrap();
    fs::write(
        rules.join("pricing.mdc"),
        "---\ndescription: Money\nglobs: calc/*.py\nalwaysApply: false\n---\nUse Decimal for money.\n",
    )
    .unwrap();
    fs::write(
        rules.join("nested/agent.mdc"),
        "---\ndescription: Read when touching settings\n---\nNever log secrets.\n",
    )
    .unwrap();
    fs::write(rules.join("manual.mdc"), "---\n---\nOnly when asked.\n").unwrap();
    let listed: Value =
        serde_json::from_slice(&fixpoint(&dir, &["rules", "list", "--output-format", "json"]).stdout).unwrap();
    let types: Vec<(&str, &str)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["name"].as_str().unwrap(), r["type"].as_str().unwrap()))
        .collect();
    assert_eq!(
        types,
        [
            ("always", "always"),
            ("manual", "manual"),
            ("agent", "agent"),
            ("pricing", "auto")
        ]
    );
    let valid = fixpoint(&dir, &["rules", "validate"]);
    assert_eq!(valid.status.code(), Some(0), "{}", stdout(&valid));
    assert!(
        stdout(&valid).contains("4 rules checked: 0 errors, 0 warnings."),
        "{}",
        stdout(&valid)
    );

    fs::write(
        rules.join("broken.mdc"),
        "---\ndescription: Broken\nglobs: /abs/**/*.py, docs/*.md\nalwaysApply: \"true\"\n---\n\n",
    )
    .unwrap();
    fs::write(
        rules.join("long.mdc"),
        format!("---\ndescription: Long\n---\n{}", "- a rule\n".repeat(520)),
    )
    .unwrap();
    fs::write(rules.join("unclosed.mdc"), "---\ndescription: Never closed\n").unwrap();
    let invalid = fixpoint(&dir, &["rules", "validate"]);
    assert_eq!(invalid.status.code(), Some(1));
    let printed = stdout(&invalid);
    for expected in [
        ".cursor/rules/broken.mdc:4: error: `alwaysApply` must be a boolean, not the string \"true\"",
        ".cursor/rules/broken.mdc:3: error: the glob `/abs/**/*.py` is absolute and matches nothing",
        ".cursor/rules/broken.mdc:3: warning: the glob `docs/*.md` matches no file in the project",
        ".cursor/rules/broken.mdc:6: error: the rule has no body",
        ".cursor/rules/long.mdc:501: warning: the rule has 523 lines",
        ".cursor/rules/unclosed.mdc:1: error: the front matter is not closed",
    ] {
        assert!(printed.contains(expected), "missing `{expected}` in:\n{printed}");
    }
}

#[test]
fn new_migrate_and_generate_write_through_the_journal() {
    let (_keep, dir) = project("repair");
    let created = fixpoint(&dir, &["rules", "new", "python-models", "--type", "agent"]);
    assert!(created.status.success(), "{}", stderr(&created));
    let text = fs::read_to_string(dir.join(".cursor/rules/python-models.mdc")).unwrap();
    assert!(text.starts_with("---\ndescription: When and why"), "{text}");
    let again = fixpoint(&dir, &["rules", "new", "python-models"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("exists already"));
    let bad = fixpoint(&dir, &["rules", "new", "Bad Name"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("is not a rule name"));

    fs::write(dir.join(".cursorrules"), "Always write tests first.\n").unwrap();
    fs::write(
        dir.join(".cursor/rules/style.mdc.md"),
        "---\ndescription: Style\n---\nPrefer pathlib.\n",
    )
    .unwrap();
    let migrated = stdout(&fixpoint(&dir, &["rules", "migrate"]));
    assert!(
        migrated.contains("migrated .cursorrules -> .cursor/rules/cursorrules.mdc"),
        "{migrated}"
    );
    assert!(
        migrated.contains("migrated .cursor/rules/style.mdc.md -> .cursor/rules/style.mdc"),
        "{migrated}"
    );
    assert!(!dir.join(".cursorrules").exists() && !dir.join(".cursor/rules/style.mdc.md").exists());
    let legacy = fs::read_to_string(dir.join(".cursor/rules/cursorrules.mdc")).unwrap();
    assert!(legacy.contains("alwaysApply: true") && legacy.contains("Always write tests first."));
    assert!(
        stdout(&fixpoint(&dir, &["rules", "migrate"])).contains("Nothing to migrate"),
        "idempotent"
    );
    assert!(fixpoint(&dir, &["undo"]).status.success());
    assert_eq!(
        fs::read_to_string(dir.join(".cursorrules")).unwrap(),
        "Always write tests first.\n"
    );
    assert!(!dir.join(".cursor/rules/cursorrules.mdc").exists());

    // Generated from the failures the history holds.
    let python = python();
    fixpoint(&dir, &["run", "--python", python.to_str().unwrap()]);
    let generated = fixpoint(&dir, &["rules", "generate"]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    assert!(
        stdout(&generated).contains("wrote     .cursor/rules/fixpoint-assertion.mdc"),
        "{}",
        stdout(&generated)
    );
    let rule = fs::read_to_string(dir.join(".cursor/rules/fixpoint-assertion.mdc")).unwrap();
    assert!(
        rule.contains("globs: tests/test_pricing.py, tests/test_settings.py"),
        "{rule}"
    );
    assert!(
        fs::read_to_string(dir.join("AGENTS.md"))
            .unwrap()
            .contains("<!-- fixpoint:guidelines:start -->")
    );
    let second = stdout(&fixpoint(&dir, &["rules", "generate"]));
    assert!(!second.contains("wrote"), "nothing changes the second time: {second}");
    let valid = fixpoint(&dir, &["rules", "validate"]);
    assert_eq!(
        valid.status.code(),
        Some(0),
        "generated rules validate: {}",
        stdout(&valid)
    );
}
