//! The bundled example: every failure planted in `examples/dreamforge` (listed
//! in its FAILURES.md) is recorded, and everything else passes.

use std::collections::BTreeMap;
use std::fs;

use crate::support::{copy_of, example_python, repository, run_json, test, tests_in};

/// FAILURES.md's table: node id (or module path) → category.
fn planted() -> BTreeMap<String, String> {
    let text = fs::read_to_string(repository().join("examples/dreamforge/FAILURES.md")).unwrap();
    text.lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            (cells[1].trim_matches('`').to_owned(), cells[2].to_owned())
        })
        .collect()
}

#[test]
fn every_planted_failure_is_recorded_and_the_rest_pass() {
    let planted = planted();
    assert!(planted.len() >= 24, "FAILURES.md lists {} failures", planted.len());
    let (_keep, dir) = copy_of(&repository().join("examples/dreamforge"));
    let (code, document) = run_json(&dir, &["--test-timeout", "3", "-j", "2"]);
    assert_eq!(code, 1);

    for (nodeid, category) in &planted {
        let result = test(&document, nodeid);
        let outcome = result["outcome"].as_str().unwrap();
        match category.as_str() {
            "flaky" => assert!(matches!(outcome, "passed" | "failed"), "{nodeid}: {outcome}"),
            "timeout" => assert_eq!(outcome, "timeout", "{nodeid}"),
            _ if !nodeid.contains("::") => {
                assert_eq!(
                    (outcome, result["phase"].as_str()),
                    ("error", Some("collection")),
                    "{nodeid}"
                );
            }
            _ => assert!(matches!(outcome, "failed" | "error"), "{nodeid}: {outcome}"),
        }
    }
    for result in document["tests"].as_array().unwrap() {
        let nodeid = result["nodeid"].as_str().unwrap();
        if !planted.contains_key(nodeid) {
            assert_eq!(result["outcome"], "passed", "{nodeid} is not a planted failure");
        }
    }
    assert!(document["counts"]["total"].as_u64().unwrap() >= 60 + 6);
}

/// FAILURES.md's categories as triage names them.
fn triage_category(planted: &str) -> &str {
    match planted {
        "logic-bug" => "assertion",
        other => other,
    }
}

#[test]
fn triage_puts_every_planted_failure_in_its_documented_category() {
    let planted = planted();
    let (_keep, dir) = copy_of(&repository().join("examples/dreamforge"));
    run_json(&dir, &["--test-timeout", "3"]);
    let output = crate::support::fixpoint(&dir, &["triage", "--output-format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", crate::support::stderr(&output));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let triage = &document["triage"];
    let verdicts = triage["verdicts"].as_array().unwrap();
    let verdict = |nodeid: &str| verdicts.iter().find(|v| v["nodeid"] == nodeid);
    for (nodeid, category) in &planted {
        match (category.as_str(), verdict(nodeid)) {
            // The flaky test either passed this time or failed its assertion.
            ("flaky", None) => {}
            ("flaky", Some(v)) => assert!(
                ["assertion", "flaky"].contains(&v["category"].as_str().unwrap()),
                "{nodeid}: {v}"
            ),
            (_, Some(v)) => assert_eq!(v["category"], triage_category(category), "{nodeid}"),
            (_, None) => panic!("{nodeid} is planted but triage did not see it fail"),
        }
    }
    // Nothing beyond the planted failures, and every verdict points at a listed pattern.
    let patterns = triage["patterns"].as_array().unwrap();
    for v in verdicts {
        assert!(planted.contains_key(v["nodeid"].as_str().unwrap()), "{v}");
        assert!(patterns.iter().any(|p| p["id"] == v["pattern"]), "{v}");
    }
    // A module that cannot be imported takes down every test in it.
    let table = patterns
        .iter()
        .find(|p| p["failures"] == serde_json::json!(["tests/models/test_roll_log.py"]))
        .unwrap();
    assert_eq!(
        (table["category"].as_str(), table["blast_radius"].as_u64()),
        (Some("sqlalchemy-table-redefined"), Some(2))
    );
    assert_eq!(table["location"]["path"], "dreamforge/models/roll_log.py");
    assert_eq!(table["fix"]["code"], "FP001");
    // Ranked by tests affected.
    let radii: Vec<u64> = patterns.iter().map(|p| p["blast_radius"].as_u64().unwrap()).collect();
    assert!(radii.windows(2).all(|w| w[0] >= w[1]), "{radii:?}");
    // The same model's ignored class Config is one pattern wherever it fails.
    let character = patterns
        .iter()
        .find(|p| {
            p["message"]
                .as_str()
                .unwrap()
                .contains("validation error for CharacterRead")
        })
        .unwrap();
    assert_eq!(character["failures"].as_array().unwrap().len(), 2, "{character}");

    let text = crate::support::stdout(&crate::support::fixpoint(
        &dir,
        &["explain", "tests/services/test_loot.py::test_inventory_value_in_gold"],
    ));
    crate::support::user_output(&dir).bind(|| insta::assert_snapshot!("explain_loot", text));
    let markdown = crate::support::stdout(&crate::support::fixpoint(
        &dir,
        &["triage", "--output-format", "markdown"],
    ));
    assert!(
        markdown.starts_with("# Triage of run ") && markdown.contains("| `sqlalchemy-table-redefined` |"),
        "{markdown}"
    );

    // Stored with the run: history follows each pattern.
    let output = crate::support::fixpoint(&dir, &["history", "--patterns", "--output-format", "json"]);
    let history: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let trends = history["patterns"].as_array().unwrap();
    assert_eq!(trends.len(), patterns.len());
    assert!(
        trends
            .iter()
            .any(|t| t["pattern"] == table["id"] && t["blast_radius"] == serde_json::json!([2]))
    );
}

#[test]
fn fix_repairs_the_missing_imports_and_undo_takes_them_back() {
    use crate::support::{fixpoint, stdout};
    let planted = planted();
    let (_keep, dir) = copy_of(&repository().join("examples/dreamforge"));
    run_json(&dir, &["--test-timeout", "2"]);
    let before: Vec<(String, Vec<u8>)> = ["dreamforge/services/loot.py", "dreamforge/services/campaigns.py"]
        .iter()
        .map(|path| ((*path).to_owned(), fs::read(dir.join(path)).unwrap()))
        .collect();

    let diff = stdout(&fixpoint(&dir, &["fix", "--diff", "--select", "FP002"]));
    assert!(diff.contains("+from decimal import Decimal"), "{diff}");
    assert_eq!(
        fs::read(dir.join(&before[0].0)).unwrap(),
        before[0].1,
        "--diff writes nothing"
    );

    let output = fixpoint(&dir, &["fix", "--select", "FP002,FP004"]);
    let log = stdout(&output);
    assert!(
        log.contains("dreamforge/services/loot.py:") && log.contains("FP002 add `from decimal import Decimal`"),
        "{log}"
    );
    // Both names of `datetime.now(timezone.utc)`, though the run only raised the first.
    assert!(log.contains("add `from datetime import datetime, timezone`"), "{log}");
    assert!(
        log.lines().any(|line| line == "4 fixes applied (FP002: 4), 5 left"),
        "{log}"
    );
    // The flaky initiative test may fail with the fixes; rerun, it passes.
    assert!(
        log.lines()
            .any(|line| line.starts_with("verify: kept 4 of 4 changed files; reran 23 tests in ")),
        "{log}"
    );

    // Every planted name-error is gone; nothing that passed broke.
    let (_, after) = run_json(&dir, &["--test-timeout", "2"]);
    for (nodeid, category) in &planted {
        if category == "name-error" {
            assert_eq!(test(&after, nodeid)["outcome"], "passed", "{nodeid}");
        }
    }
    for result in after["tests"].as_array().unwrap() {
        let nodeid = result["nodeid"].as_str().unwrap();
        if !planted.contains_key(nodeid) {
            assert_eq!(result["outcome"], "passed", "{nodeid} broke");
        }
    }

    // Idempotent: the fixed files give the fixer nothing more to do, even
    // against the first run (the verification recorded the second).
    let again = stdout(&fixpoint(&dir, &["fix", "--select", "FP002,FP004", "--run", "1"]));
    assert!(
        again.lines().last().unwrap().starts_with("0 fixes applied, 5 left"),
        "{again}"
    );

    let undone = fixpoint(&dir, &["undo"]);
    assert_eq!(undone.status.code(), Some(0), "{}", crate::support::stderr(&undone));
    for (path, bytes) in &before {
        assert_eq!(
            &fs::read(dir.join(path)).unwrap(),
            bytes,
            "{path} is restored byte for byte"
        );
    }
    let journal = stdout(&fixpoint(&dir, &["journal"]));
    assert!(
        journal.contains("undone") && journal.contains("dreamforge/services/loot.py"),
        "{journal}"
    );
}

#[test]
fn unsafe_stubs_let_the_modules_that_lacked_functions_collect() {
    use crate::support::{fixpoint, stdout};
    let planted = planted();
    let (_keep, dir) = copy_of(&repository().join("examples/dreamforge"));
    run_json(&dir, &["--test-timeout", "2"]);
    let log = stdout(&fixpoint(&dir, &["fix", "--unsafe-fixes", "--select", "FP004"]));
    assert!(log.contains("FP004 add stub `def split_coins(arg1, arg2)`"), "{log}");
    assert!(
        log.lines().last().unwrap().starts_with("1 fix applied") || log.contains("applied (FP004:"),
        "{log}"
    );
    let (_, after) = run_json(&dir, &["--test-timeout", "2"]);
    for (nodeid, category) in &planted {
        if category == "import-missing-name" {
            // The module collects now; its tests reach the stub.
            assert!(
                after["tests"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|t| t["nodeid"] != nodeid.as_str()),
                "{nodeid} still fails to collect"
            );
            let inside = tests_in(&after, nodeid);
            assert!(!inside.is_empty(), "{nodeid}");
            assert!(
                inside.iter().all(|t| t["exception_type"] == "NotImplementedError"),
                "{nodeid}: {inside:?}"
            );
        }
        if category == "module-attribute-missing" {
            assert_eq!(
                test(&after, nodeid)["exception_type"],
                "NotImplementedError",
                "{nodeid}"
            );
        }
    }
}

/// The categories a safe batch fix repairs in the example.
const FIXABLE: [&str; 4] = [
    "name-error",
    "pydantic-v1-config",
    "pydantic-v1-validator",
    "pydantic-v1-method",
];

#[test]
fn run_triage_fix_run_turns_every_fixable_planted_failure_green() {
    use crate::support::{fixpoint, stdout};
    let planted = planted();
    let (_keep, dir) = copy_of(&repository().join("examples/dreamforge"));
    run_json(&dir, &["--test-timeout", "2"]);
    assert_eq!(fixpoint(&dir, &["triage"]).status.code(), Some(0));
    let log = stdout(&fixpoint(&dir, &["fix"]));
    assert!(
        log.contains("FP003 `CharacterRead`: class Config → model_config = ConfigDict(from_attributes)"),
        "{log}"
    );
    let (_, after) = run_json(&dir, &["--test-timeout", "2"]);
    let mut fixed = 0;
    for (nodeid, category) in &planted {
        if !FIXABLE.contains(&category.as_str()) {
            continue;
        }
        if nodeid.contains("::") {
            assert_eq!(test(&after, nodeid)["outcome"], "passed", "{nodeid} ({category})");
        } else {
            // A module that failed to collect now collects, and all its tests pass.
            let inside = tests_in(&after, nodeid);
            assert!(
                !inside.is_empty() && inside.iter().all(|t| t["outcome"] == "passed"),
                "{nodeid}: {inside:?}"
            );
        }
        fixed += 1;
    }
    assert!(fixed >= 12, "{fixed}");
    let roll_log: Vec<_> = after["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["path"] == "tests/models/test_roll_log.py")
        .collect();
    assert!(
        !roll_log.is_empty() && roll_log.iter().all(|t| t["outcome"] == "passed"),
        "{roll_log:?}"
    );
    for result in after["tests"].as_array().unwrap() {
        let nodeid = result["nodeid"].as_str().unwrap();
        let module_was_planted = planted.contains_key(result["path"].as_str().unwrap());
        if !planted.contains_key(nodeid) && !module_was_planted {
            assert_eq!(result["outcome"], "passed", "{nodeid} broke");
        }
    }
}

#[test]
fn fix_and_undo_on_one_commit_make_no_test_flaky() {
    use crate::support::{fixpoint, stderr, stdout};
    let (_keep, dir) = copy_of(&repository().join("examples/dreamforge"));
    crate::history::init_on(&dir, "master");
    // The planted coin-flip and hang are left out: every other test is
    // deterministic, and `fix` and `undo` change whether some of them pass.
    let only = [
        "-k",
        "not test_goblin_boss_is_faster_than_orc and not test_next_turn_skips_downed_combatants",
    ];
    run_json(&dir, &only);
    let fixed = fixpoint(&dir, &["fix"]);
    assert_eq!(fixed.status.code(), Some(0), "{}", stderr(&fixed));
    let (_, after_fix) = run_json(&dir, &only);
    assert_eq!(
        test(&after_fix, "tests/services/test_loot.py::test_inventory_value_in_gold")["outcome"],
        "passed",
        "the fix changed outcomes"
    );
    let undone = fixpoint(&dir, &["undo"]);
    assert_eq!(undone.status.code(), Some(0), "{}", stderr(&undone));
    run_json(&dir, &only);
    let flaky = fixpoint(&dir, &["flaky"]);
    assert_eq!(flaky.status.code(), Some(0), "{}", stderr(&flaky));
    insta::assert_snapshot!("dreamforge_flaky_after_fix_and_undo", stdout(&flaky));
}

/// The README's flow as a new user meets it, with only the example's own
/// requirements installed: `run`, `fix`, `run`. FP008's factory_boy
/// fixtures would keep that suite from starting: FP008 leaves them, saying
/// what to install, and verification keeps the rest.
#[test]
fn run_fix_run_with_only_the_examples_requirements_breaks_nothing() {
    use crate::support::{fixpoint, outcomes, stderr, stdout};
    let (_keep, dir) = copy_of(&repository().join("examples/dreamforge"));
    let python = example_python();
    let python = python.to_str().unwrap();
    let run = |dir: &std::path::Path| {
        let output = fixpoint(dir, &["run", "--python", python, "--output-format", "json"]);
        let document: serde_json::Value =
            serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&output)));
        (output.status.code(), document)
    };
    let (code, before) = run(&dir);
    assert_eq!(code, Some(1));
    // `fix` takes the interpreter from the run it fixes.
    let output = fixpoint(&dir, &["fix", "--no-progress"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let log = stdout(&output);
    // FP008's factory fixtures would stop the suite from starting: they are
    // left, with the command that makes them possible.
    let python_shown = python.to_owned();
    assert!(
        log.lines().any(|line| line
            == format!(
                "tests/conftest.py:1: FP008 left: the model fixtures need factory-boy and Faker, which {python_shown} \
                 cannot import: install them (`{python_shown} -m pip install factory-boy Faker`; `fixpoint testdata \
                 generate --add-deps` declares them in the project) and run `fixpoint fix` again"
            )),
        "{log}"
    );
    // The other 11 are kept, unless the flaky initiative test failed four
    // times in a row and took `import pytest` with it.
    assert!(
        log.contains("verify: kept 11 of 11 changed files") || log.contains("verify: kept 10 of 11 changed files"),
        "{log}"
    );
    let (_, after) = run(&dir);
    let (before, after) = (outcomes(&before), outcomes(&after));
    let planted = planted();
    for (nodeid, outcome) in &before {
        if outcome == "passed" && planted.get(nodeid).is_none_or(|category| category != "flaky") {
            assert_eq!(after.get(nodeid).map(String::as_str), Some("passed"), "{nodeid} broke");
        }
    }
    let passed =
        |outcomes: &std::collections::BTreeMap<String, String>| outcomes.values().filter(|o| *o == "passed").count();
    assert!(
        passed(&after) > passed(&before) + 10,
        "{} → {}",
        passed(&before),
        passed(&after)
    );
}
