//! Each fixer on its fixture: a snapshot of its diff and log, a second run
//! that changes nothing, and an undo that restores the original bytes.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use fixpoint_core::FixerCode;
use fixpoint_fix::engine::{fix_files, unified_diff};
use fixpoint_fix::fixers::{ProjectFacts, Target, selected};
use fixpoint_fix::journal::Journal;

/// Each file's log (applied and left fixes) and diff: what a snapshot shows.
fn report(outcomes: &[fixpoint_fix::engine::FileOutcome]) -> String {
    let mut out = String::new();
    for outcome in outcomes {
        for note in &outcome.applied {
            let _ = writeln!(
                out,
                "applied {}:{} {} {}",
                outcome.path, note.line, note.code, note.message
            );
        }
        for note in &outcome.left {
            let _ = writeln!(
                out,
                "left    {}:{} {} {}",
                outcome.path, note.line, note.code, note.message
            );
        }
        out.push_str(&unified_diff(&outcome.path, &outcome.original, &outcome.fixed));
    }
    out
}

fn copy(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of `tests/fixtures/<name>` in a temporary directory, and its facts.
fn fixture(name: &str) -> (tempfile::TempDir, ProjectFacts) {
    let dir = tempfile::tempdir().unwrap();
    copy(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name),
        dir.path(),
    );
    let facts = ProjectFacts::read(dir.path());
    (dir, facts)
}

#[test]
fn missing_import() {
    let (dir, facts) = fixture("missing_import");
    let root = dir.path();
    let targets: Vec<Target> = ["Decimal", "datetime", "roll", "Shared", "Mystery", "json"]
        .iter()
        .map(|name| Target {
            code: FixerCode::MissingImport,
            path: "app/loot.py".into(),
            name: (*name).into(),
        })
        .collect();
    let context = facts.context(&targets);
    let fixers = selected(&[FixerCode::MissingImport], &[]);
    let files = vec!["app/loot.py".to_owned()];
    let outcome = &fix_files(&files, &fixers, &context, false)[0];
    insta::assert_snapshot!(report(std::slice::from_ref(outcome)));
    fixpoint_python::parses(&outcome.fixed).unwrap();

    // Write through the journal, then: idempotent, and undo restores the bytes.
    let journal = Journal::new(root);
    let mut change = journal.begin("test").unwrap();
    change
        .write(&outcome.path, outcome.fixed.as_bytes(), &["FP002".into()])
        .unwrap();
    change.finish().unwrap();
    let again = &fix_files(&files, &fixers, &context, false)[0];
    assert!(
        !again.changed(),
        "a second run changed:\n{}",
        unified_diff(&again.path, &again.original, &again.fixed)
    );
    assert!(again.applied.is_empty());
    journal.undo(None, false).unwrap();
    assert_eq!(fs::read_to_string(root.join("app/loot.py")).unwrap(), outcome.original);
}

#[test]
fn stub_missing() {
    let (dir, facts) = fixture("stub_missing");
    let root = dir.path();
    let targets = vec![Target {
        code: FixerCode::StubMissing,
        path: "app/loot.py".into(),
        name: "split_coins".into(),
    }];
    let context = facts.context(&targets);
    let fixers = selected(&[FixerCode::StubMissing], &[]);
    let files = vec!["app/loot.py".to_owned()];
    // Unsafe: without --unsafe-fixes it is only reported.
    let cautious = &fix_files(&files, &fixers, &context, false)[0];
    assert!(!cautious.changed());
    assert!(
        cautious.left[0].message.contains("(unsafe: pass --unsafe-fixes)"),
        "{:?}",
        cautious.left
    );

    let outcome = &fix_files(&files, &fixers, &context, true)[0];
    insta::assert_snapshot!(unified_diff(&outcome.path, &outcome.original, &outcome.fixed));
    fixpoint_python::parses(&outcome.fixed).unwrap();
    fs::write(root.join("app/loot.py"), &outcome.fixed).unwrap();
    let again = &fix_files(&files, &fixers, &context, true)[0];
    assert!(
        !again.changed() && again.left.is_empty(),
        "a second run found more to do"
    );
}

#[test]
fn pydantic_v2() {
    let (dir, facts) = fixture("pydantic_v2");
    let root = dir.path();
    let targets = vec![Target {
        code: FixerCode::PydanticV2,
        path: "app/schemas.py".into(),
        name: String::new(),
    }];
    let context = facts.context(&targets);
    let fixers = selected(&[FixerCode::PydanticV2], &[]);
    let files = vec!["app/schemas.py".to_owned()];
    let outcome = &fix_files(&files, &fixers, &context, false)[0];
    insta::assert_snapshot!(report(std::slice::from_ref(outcome)));
    fixpoint_python::parses(&outcome.fixed).unwrap();
    fs::write(root.join("app/schemas.py"), &outcome.fixed).unwrap();
    let again = &fix_files(&files, &fixers, &context, false)[0];
    assert!(
        !again.changed(),
        "a second run changed:\n{}",
        unified_diff(&again.path, &again.original, &again.fixed)
    );
}

/// FP003 on Pydantic 1 internals with a v2 equivalent: moved names,
/// `pydantic.schema`, forward references with a namespace, `__fields__`,
/// `.json()` with keywords; what it does not convert stays, named.
#[test]
fn pydantic_v2_internals() {
    let (dir, facts) = fixture("pydantic_internals");
    let root = dir.path();
    let files: Vec<String> = [
        "shop/__init__.py",
        "shop/models.py",
        "shop/schemas.py",
        "shop/titled.py",
        "shop/hostile.py",
        "shop/rebound.py",
        "shop/registry.py",
    ]
    .iter()
    .map(|path| (*path).to_owned())
    .collect();
    let targets: Vec<Target> = files
        .iter()
        .map(|path| Target {
            code: FixerCode::PydanticV2,
            path: path.clone(),
            name: String::new(),
        })
        .collect();
    let context = facts.context(&targets);
    let fixers = selected(&[FixerCode::PydanticV2], &[]);
    let outcomes = fix_files(&files, &fixers, &context, false);
    insta::assert_snapshot!(report(&outcomes));
    for outcome in &outcomes {
        fixpoint_python::parses(&outcome.fixed).unwrap();
        fs::write(root.join(&outcome.path), &outcome.fixed).unwrap();
    }
    // What was left is still what says the module needs Pydantic 1.
    let titled = outcomes.iter().find(|o| o.path == "shop/titled.py").unwrap();
    assert_eq!(fixpoint_fix::fixers::needs_v1(&titled.fixed), Some("pydantic.schema"));
    let models = outcomes.iter().find(|o| o.path == "shop/models.py").unwrap();
    assert_eq!(fixpoint_fix::fixers::needs_v1(&models.fixed), Some("pydantic.typing"));
    assert_eq!(
        fixpoint_fix::fixers::needs_v1(&models.original),
        Some("pydantic.typing")
    );

    // What must not break: another statement on an import's line, a name
    // used as more than a base, a `json` parameter, classes of the module's
    // own, `ConfigError` subclassed or raised with two messages, a rebound or
    // shadowed `schema`, `BaseModel` in the rebuild loop, a default of None.
    let hostile = &outcomes.iter().find(|o| o.path == "shop/hostile.py").unwrap().fixed;
    for kept in [
        "from pydantic.typing import Literal; MODE = \"fast\"\n",
        "from pydantic.errors import ConfigError\n",
        "return order.json(sort_keys=True) if json else \"\"",
        "self.__fields_set__ = set()",
        "return api.json(exclude_none=True)",
        "    count: int = None\n",
        "raise ConfigError(\"config\", reason)",
    ] {
        assert!(hostile.contains(kept), "{kept:?} changed:\n{hostile}");
    }
    assert!(hostile.contains("BaseModel as GenericModel"), "{hostile}");
    assert!(
        hostile.contains("        1, validate_default=True,\n    )"),
        "{hostile}"
    );
    let rebound = &outcomes.iter().find(|o| o.path == "shop/rebound.py").unwrap();
    assert!(!rebound.changed(), "{}", rebound.fixed);
    let registry = &outcomes.iter().find(|o| o.path == "shop/registry.py").unwrap().fixed;
    assert!(
        registry.contains("\nLeaf.model_rebuild()\n# Pydantic 2 builds"),
        "{registry}"
    );
    assert!(registry.contains("for _model in (Leaf, Root,):"), "{registry}");

    let facts = ProjectFacts::read(root);
    let again = fix_files(&files, &fixers, &facts.context(&targets), false);
    for outcome in &again {
        assert!(
            !outcome.changed(),
            "a second run changed:\n{}",
            unified_diff(&outcome.path, &outcome.original, &outcome.fixed)
        );
    }

    // Asked for v1's exact JSON text, `.json()` keeps its separators.
    let (_exact_dir, facts) = fixture("pydantic_internals");
    let exact = vec![Target {
        code: FixerCode::PydanticV2,
        path: "shop/models.py".into(),
        name: fixpoint_fix::fixers::EXACT_JSON.into(),
    }];
    let files = vec!["shop/models.py".to_owned()];
    let outcome = &fix_files(&files, &fixers, &facts.context(&exact), false)[0];
    assert!(
        outcome
            .fixed
            .contains("return json.dumps(order.model_dump(mode=\"json\", exclude_none=True))\n"),
        "{}",
        outcome.fixed
    );
    assert!(outcome.fixed.contains("\nimport json\n"), "{}", outcome.fixed);
    fixpoint_python::parses(&outcome.fixed).unwrap();
}

#[test]
fn sqlalchemy_extend_existing() {
    let (dir, facts) = fixture("sqlalchemy_extend_existing");
    let root = dir.path();
    let target = |path: &str, table: &str| Target {
        code: FixerCode::SqlalchemyExtendExisting,
        path: path.into(),
        name: table.into(),
    };
    let targets = vec![
        target("tests/test_item.py", "items"),
        target("shop/models/item.py", "audit"),
        target("shop/models/magic.py", "items"),
        target("shop/models/gadget.py", "gadgets"),
        target("shop/models/gadget.py", "widgets"),
    ];
    let context = facts.context(&targets);
    let fixers = selected(&[FixerCode::SqlalchemyExtendExisting], &[]);
    let files: Vec<String> = [
        "tests/test_item.py",
        "shop/models/item.py",
        "shop/models/magic.py",
        "shop/models/gadget.py",
    ]
    .map(str::to_owned)
    .to_vec();
    // Unsafe fixes included: the offered `__table_args__` edits show in the diff.
    let outcomes = fix_files(&files, &fixers, &context, true);
    insta::assert_snapshot!(report(&outcomes));
    for outcome in &outcomes {
        fs::write(root.join(&outcome.path), &outcome.fixed).unwrap();
    }
    let facts = ProjectFacts::read(root);
    for again in fix_files(&files, &fixers, &facts.context(&targets), true) {
        assert!(!again.changed(), "{} changed again", again.path);
    }
    // The two classes on one table are never touched.
    assert_eq!(outcomes[2].original, outcomes[2].fixed);
}

#[test]
fn skip_documented() {
    let (dir, facts) = fixture("skip_documented");
    let root = dir.path();
    let target = |name: &str| Target {
        code: FixerCode::SkipDocumented,
        path: "tests/test_dice.py".into(),
        name: name.into(),
    };
    let targets = vec![
        target(
            "test_modifier|assertion (pattern P427268; https://github.com/fixpoint-dev/fixpoint/blob/main/docs/categories.md#assertion)",
        ),
        target("TestRolls::test_hangs|timeout (pattern Pa5fbbe)"),
        target("test_passes|flaky (pattern P0f1a2b)"),
    ];
    let context = facts.context(&targets);
    let files = vec!["tests/test_dice.py".to_owned()];
    // Opt-in: not part of the default selection.
    assert!(
        selected(&[], &[])
            .iter()
            .all(|fixer| fixer.code() != FixerCode::SkipDocumented)
    );
    let fixers = selected(&[FixerCode::SkipDocumented], &[]);
    let outcome = &fix_files(&files, &fixers, &context, true)[0];
    insta::assert_snapshot!(unified_diff(&outcome.path, &outcome.original, &outcome.fixed));
    fs::write(root.join(&outcome.path), &outcome.fixed).unwrap();
    assert!(
        !fix_files(&files, &fixers, &context, true)[0].changed(),
        "a second run marked again"
    );
}

#[test]
fn type_checking_import() {
    let (dir, facts) = fixture("type_checking_import");
    let root = dir.path();
    let targets: Vec<Target> = ["ledger/reports.py", "ledger/accounts.py"]
        .iter()
        .map(|path| Target {
            code: FixerCode::TypeCheckingImport,
            path: (*path).into(),
            name: String::new(),
        })
        .collect();
    let context = facts.context(&targets);
    let fixers = selected(&[FixerCode::TypeCheckingImport], &[]);
    let files: Vec<String> = vec!["ledger/reports.py".into(), "ledger/accounts.py".into()];
    let outcomes = fix_files(&files, &fixers, &context, false);
    // accounts.py uses `summarize` at run time: it keeps its import.
    assert!(!outcomes[1].changed());
    insta::assert_snapshot!(unified_diff(
        &outcomes[0].path,
        &outcomes[0].original,
        &outcomes[0].fixed
    ));
    // Real Python: the cycle fails to import before the fix and imports after it.
    let imports = || {
        let python = std::env::var_os("FIXPOINT_TEST_PYTHON").unwrap_or_else(|| "python3".into());
        let output = std::process::Command::new(python)
            .args(["-c", "import ledger.accounts"])
            .current_dir(root)
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (before, error) = imports();
    assert!(!before && error.contains("circular import"), "{error}");
    fs::write(root.join(&outcomes[0].path), &outcomes[0].fixed).unwrap();
    assert_eq!(imports(), (true, String::new()));
    let facts = ProjectFacts::read(root);
    assert!(
        !fix_files(&files, &fixers, &facts.context(&targets), false)[0].changed(),
        "a second run moved more"
    );
}

#[test]
fn pydantic_v1_namespace() {
    let (dir, facts) = fixture("pydantic_v1_namespace");
    let root = dir.path();
    let targets = vec![Target {
        code: FixerCode::PydanticV1Namespace,
        path: "app/legacy.py".into(),
        name: String::new(),
    }];
    let context = facts.context(&targets);
    let fixers = selected(&[FixerCode::PydanticV1Namespace], &[]);
    let files = vec!["app/legacy.py".to_owned()];
    let outcome = &fix_files(&files, &fixers, &context, false)[0];
    insta::assert_snapshot!(report(std::slice::from_ref(outcome)));
    fixpoint_python::parses(&outcome.fixed).unwrap();
    fs::write(root.join("app/legacy.py"), &outcome.fixed).unwrap();
    let again = &fix_files(&files, &fixers, &context, false)[0];
    assert!(
        !again.changed(),
        "a second run changed:\n{}",
        unified_diff(&again.path, &again.original, &again.fixed)
    );
}

/// FP009 on a module written for SQLAlchemy 1.4 (every static rewrite, and
/// what it reports), and on the lines tracebacks under 2.0 point at in a
/// module that does not import SQLAlchemy (rows, string SQL, a legacy
/// `whereclause`); a second run changes nothing.
#[test]
fn sqlalchemy_v2() {
    let (dir, _) = fixture("sqlalchemy_v2");
    let root = dir.path();
    let files: Vec<String> = ["app/legacy.py", "app/rows.py", "app/hostile.py", "app/shadow.py"]
        .iter()
        .map(|p| (*p).to_owned())
        .collect();
    let line = |kind: &str, number: u32, text: &str| Target {
        code: FixerCode::SqlalchemyV2,
        path: "app/rows.py".to_owned(),
        name: format!("{kind}\n{number}\n{text}"),
    };
    let mut targets: Vec<Target> = files
        .iter()
        .map(|path| Target {
            code: FixerCode::SqlalchemyV2,
            path: path.clone(),
            name: String::new(),
        })
        .collect();
    targets.extend([
        // Recorded one line off (an import added above it): found by its text.
        line("row-subscript", 5, "name = row[\"name\"]"),
        line("row-subscript", 7, "both = row[\"id\"], data[\"id\"]"),
        line("row-keys", 8, "keys = row.keys()"),
        line("row-dict", 9, "mapping = dict(row)"),
        line(
            "driver-sql",
            10,
            "count = conn.execute(\"SELECT count(*) FROM users\").scalar()",
        ),
        line(
            "text",
            11,
            "total = session.execute(\"SELECT count(*) FROM users WHERE id > :id\", {\"id\": 0}).scalar()",
        ),
        line(
            "legacy-where",
            12,
            "picked = conn.execute(users.select(users.c.id == 2)).first()",
        ),
        line("session-transaction", 13, "nested = session.transaction.nested"),
        // Only the innermost subscript reads the row.
        line("row-subscript", 14, "payload = row[\"data\"][\"k\"]"),
        // The `execute` that ran the refused string, not the driver's before it.
        Target {
            name: format!(
                "{}\nSELECT 2",
                line(
                    "driver-sql",
                    15,
                    "both_sql = raw.execute(\"SELECT 1\").fetchone()[0] + conn.execute(\"SELECT 2\").scalar()"
                )
                .name
            ),
            ..line("driver-sql", 0, "")
        },
    ]);
    let facts = ProjectFacts::read(root);
    let fixers = selected(&[FixerCode::SqlalchemyV2], &[]);
    let outcomes = fix_files(&files, &fixers, &facts.context(&targets), false);
    insta::assert_snapshot!(report(&outcomes));
    for outcome in &outcomes {
        fixpoint_python::parses(&outcome.fixed).unwrap();
        fs::write(root.join(&outcome.path), &outcome.fixed).unwrap();
    }
    let legacy = &outcomes[0].fixed;
    // Code in a string literal is data.
    assert!(legacy.contains("CODE = \"select([users.c.id])\""), "{legacy}");
    // What is not SQLAlchemy's, or not 1.x, stays as it is: a schema given
    // by name, a cursor's and an executor's keywords, an inspector, a
    // method of the project's own, another library's `with_only_columns`, a
    // `select` the module defines itself.
    let hostile = &outcomes[2].fixed;
    for kept in [
        "named = MetaData(SCHEMA)",
        "cur.execute(q, vars=(1,))",
        "executor.execute(q, timeout=5)",
        "session.execute(q, bind=other)",
        "insp.has_table(\"u\")",
        "df.with_only_columns([\"a\", \"b\"])",
        "return self.table_names()",
        // The engine of `reset` is its parameter, not the module's.
        "    metadata.drop_all()\n",
    ] {
        assert!(hostile.contains(kept), "{kept:?} changed:\n{hostile}");
    }
    assert!(
        hostile.contains("trailing = select(column(\"a\"), column(\"b\"),)"),
        "{hostile}"
    );
    assert_eq!(
        outcomes[3].fixed, outcomes[3].original,
        "a select of the module's own was rewritten"
    );
    let facts = ProjectFacts::read(root);
    let again = fix_files(&files, &fixers, &facts.context(&targets), false);
    for outcome in &again {
        assert_eq!(
            outcome.fixed, outcome.original,
            "{}: a second run changed it",
            outcome.path
        );
    }
}
