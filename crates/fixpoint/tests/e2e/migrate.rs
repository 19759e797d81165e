//! `fixpoint migrate pydantic`: per-module choice between a v2 rewrite and
//! the `pydantic.v1` namespace, spread along imports between model modules.

use std::fs;

use crate::support::{fixpoint, git_init, project, python, run_json, stderr, stdout};

fn write(dir: &std::path::Path, path: &str, text: &str) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

#[test]
fn modules_without_a_v2_equivalent_and_their_neighbours_move_to_the_v1_namespace() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "pyproject.toml", "[project]\nname = \"mix\"\nversion = \"0\"\n");
    write(root, "app/__init__.py", "");
    write(
        root,
        "app/legacy.py",
        "from pydantic import BaseModel\nfrom pydantic.fields import ModelField\n\nfrom app.shared import Address\n\n\nclass Person(BaseModel):\n    address: Address\n",
    );
    write(
        root,
        "app/shared.py",
        "from pydantic import BaseModel\n\n\nclass Address(BaseModel):\n    street: str\n",
    );
    write(
        root,
        "app/modern.py",
        "from pydantic import BaseModel\n\n\nclass Item(BaseModel):\n    name: str\n\n    class Config:\n        orm_mode = True\n",
    );

    let output = fixpoint(root, &["migrate", "pydantic"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let log = stdout(&output);
    assert!(log.contains("app/legacy.py: v1-namespace (uses `ModelField`"), "{log}");
    assert!(
        log.contains("app/shared.py: v1-namespace (shares models with app/legacy.py"),
        "{log}"
    );
    assert!(
        log.contains("app/modern.py: v2 (uses only API with a v2 equivalent; no test reaches it)"),
        "{log}"
    );

    let legacy = fs::read_to_string(root.join("app/legacy.py")).unwrap();
    assert!(legacy.contains("from pydantic.v1 import BaseModel"), "{legacy}");
    assert!(legacy.contains("from pydantic.v1.fields import ModelField"), "{legacy}");
    let shared = fs::read_to_string(root.join("app/shared.py")).unwrap();
    assert!(shared.contains("from pydantic.v1 import BaseModel"), "{shared}");
    let modern = fs::read_to_string(root.join("app/modern.py")).unwrap();
    assert!(modern.contains("from pydantic import BaseModel"), "{modern}");
    assert!(
        modern.contains("model_config = ConfigDict(from_attributes=True)"),
        "{modern}"
    );

    // Idempotent: a second migration has nothing left to change.
    let again = fixpoint(root, &["migrate", "pydantic", "--dry-run"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(
        stdout(&again).contains("0 fixes would be applied"),
        "{}",
        stdout(&again)
    );
    assert_eq!(fs::read_to_string(root.join("app/legacy.py")).unwrap(), legacy);

    // And reversible like every fix.
    assert_eq!(fixpoint(root, &["undo"]).status.code(), Some(0));
    assert!(
        fs::read_to_string(root.join("app/legacy.py"))
            .unwrap()
            .contains("from pydantic import BaseModel\n")
    );
}

/// `shop/labels.py` uses only API with a v2 equivalent, so the static choice
/// is v2, but its tests rely on Pydantic 1 coercing a number to text: the
/// trial runs show v2 breaking one of them, so it falls back to the v1
/// namespace. `shop/customers.py` passes on v2 and
/// keeps it. Real pytest, real Pydantic 2.
#[test]
fn auto_falls_back_to_the_v1_namespace_where_v2_breaks_tests_and_keeps_v2_elsewhere() {
    let (_dir, root) = crate::support::project("pydantic_fallback");
    let python = crate::support::python();
    let python = python.to_str().unwrap();
    let original_labels = fs::read_to_string(root.join("shop/labels.py")).unwrap();
    let original_customers = fs::read_to_string(root.join("shop/customers.py")).unwrap();

    // Unchanged, Pydantic 2 fails three of the four tests.
    let (code, document) = crate::support::run_json(&root, &[]);
    assert_eq!(code, 1);
    assert_eq!(document["counts"]["passed"], 1, "{document}");

    let output = fixpoint(&root, &["migrate", "pydantic", "--python", python]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let log = stdout(&output);
    assert!(
        log.contains("shop/labels.py: v1-namespace (v2 broke 1 of the 2 tests that pass on pydantic.v1 (1 pass on v2); fell back)"),
        "{log}"
    );
    assert!(
        log.contains("verify: 2 modules (shop/labels.py, tests/test_labels.py), 1 test files: 1 pass on v2, 2 on pydantic.v1: v2 broke 1"),
        "{log}"
    );
    assert!(
        log.contains("  broken on v2  tests/test_labels.py::test_number_codes_are_coerced_to_text"),
        "{log}"
    );
    assert!(
        log.contains(
            "shop/customers.py: v2 (uses only API with a v2 equivalent; verified: 2 tests pass on v2, 2 on pydantic.v1)"
        ),
        "{log}"
    );

    let labels = fs::read_to_string(root.join("shop/labels.py")).unwrap();
    assert!(
        labels.contains("from pydantic.v1 import BaseModel, validator"),
        "{labels}"
    );
    let customers = fs::read_to_string(root.join("shop/customers.py")).unwrap();
    assert!(
        customers.contains("model_config = ConfigDict(from_attributes=True)"),
        "{customers}"
    );

    // The result: every test passes under Pydantic 2.
    let (code, document) = crate::support::run_json(&root, &[]);
    assert_eq!(code, 0, "{document}");
    assert_eq!(document["counts"]["passed"], 4, "{document}");

    // The trials are in the journal, taken back; the final change is one entry that undo reverses.
    let journal = stdout(&fixpoint(&root, &["journal"]));
    assert_eq!(journal.matches("undone").count(), 2, "{journal}");
    assert_eq!(journal.matches("complete").count(), 1, "{journal}");
    assert_eq!(fixpoint(&root, &["undo"]).status.code(), Some(0));
    assert_eq!(
        fs::read_to_string(root.join("shop/labels.py")).unwrap(),
        original_labels
    );
    assert_eq!(
        fs::read_to_string(root.join("shop/customers.py")).unwrap(),
        original_customers
    );
}

/// After a dependency upgrade, triage tells drift from bugs: a name gone
/// from an installed library names the package and its installed version and
/// points at `fixpoint migrate pydantic` (which then recovers those tests) or
/// at pinning, never at a stub; a name missing from the project's own module
/// is FP004's, with the flag it needs.
#[test]
fn triage_tells_dependency_drift_from_a_missing_function_and_its_command_works() {
    let (_keep, dir) = project("drift");
    git_init(&dir);
    let python = python();
    let python = python.to_str().unwrap();
    let (code, _) = run_json(&dir, &[]);
    assert_eq!(code, 1);
    let triage = fixpoint(&dir, &["triage"]);
    assert_eq!(triage.status.code(), Some(0), "{}", stderr(&triage));
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\(/[^)]*/site-packages/", "([SITE-PACKAGES]/");
    settings.add_filter(r"\((/[^)]*)/shop/", "([PROJECT]/shop/");
    settings.add_filter(r"installed: (\S+) \d[\w.]*", "installed: $1 [VERSION]");
    settings.bind(|| insta::assert_snapshot!("triage_after_an_upgrade", stdout(&triage)));

    // The command triage printed for the Pydantic pattern, as printed.
    let document: serde_json::Value =
        serde_json::from_str(&stdout(&fixpoint(&dir, &["triage", "--output-format", "json"]))).unwrap();
    let patterns = document["triage"]["patterns"].as_array().unwrap();
    let pydantic = patterns
        .iter()
        .find(|p| p["package"]["module"] == "pydantic")
        .expect("a pydantic drift pattern");
    assert_eq!(pydantic["package"]["version"], pydantic_version(python).as_str());
    let command = pydantic["fix"]["command"].as_str().unwrap();
    let mut words: Vec<&str> = command.split_whitespace().skip(1).collect();
    words.extend(["--python", python]);
    let migrated = fixpoint(&dir, &words);
    assert_eq!(migrated.status.code(), Some(0), "{command}: {}", stderr(&migrated));
    let (_, after) = run_json(&dir, &["tests/test_settings.py"]);
    assert_eq!(after["counts"]["passed"], 2, "{after}");
}

fn pydantic_version(python: &str) -> String {
    let output = std::process::Command::new(python)
        .args(["-c", "import importlib.metadata as m; print(m.version('pydantic'))"])
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// Pydantic 1 internals with a v2 equivalent move to the native API, checked
/// by the tests: forward references through a type alias and
/// `update_forward_refs(Line=Line)`, `__fields__` and `.required`,
/// `pydantic.schema.schema` with a `ref_prefix`, `pydantic.error_wrappers`.
/// A test compares `.json()` text, which `model_dump_json()` writes without
/// spaces, so the group is tried again with v1's exact text and keeps v2. A
/// module on `ModelMetaclass` stays on the namespace, named; a v1 call left
/// on an unknown receiver is reported from the tests' deprecation warnings.
/// Real pytest, real Pydantic 2.
#[test]
fn auto_moves_v1_internals_to_the_native_api_and_reports_what_keeps_a_module_on_v1() {
    let (_dir, root) = crate::support::project("pydantic_internals");
    let python = crate::support::python();
    let python = python.to_str().unwrap();

    // Unchanged, Pydantic 2 refuses `update_forward_refs(Line=Line)` on import.
    let (code, document) = crate::support::run_json(&root, &[]);
    assert_eq!(code, 1);
    assert_eq!(document["counts"]["passed"], 0, "{document}");

    let output = fixpoint(&root, &["migrate", "pydantic", "--python", python]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    crate::support::user_output(&root).bind(|| insta::assert_snapshot!(stdout(&output)));

    let init = fs::read_to_string(root.join("shop/__init__.py")).unwrap();
    assert!(
        init.contains("Order.model_rebuild(_types_namespace={\"Line\": Line})\n"),
        "{init}"
    );
    let schemas = fs::read_to_string(root.join("shop/schemas.py")).unwrap();
    assert!(
        schemas.contains("from pydantic.json_schema import models_json_schema\n"),
        "{schemas}"
    );
    let tests = fs::read_to_string(root.join("tests/test_shop.py")).unwrap();
    assert!(
        tests.contains("assert json.dumps(order.model_dump(mode=\"json\")) == "),
        "{tests}"
    );
    let legacy = fs::read_to_string(root.join("legacy/meta.py")).unwrap();
    assert!(
        legacy.contains("from pydantic.v1.main import ModelMetaclass"),
        "{legacy}"
    );

    // Every test passes under Pydantic 2, six of them on the native API.
    let (code, document) = crate::support::run_json(&root, &[]);
    assert_eq!(code, 0, "{document}");
    assert_eq!(document["counts"]["passed"], 6, "{document}");

    // Three trials (as chosen, the namespace, v1's exact JSON), taken back;
    // the result is one entry, and a second migration finds nothing to do.
    let journal = stdout(&fixpoint(&root, &["journal"]));
    assert_eq!(journal.matches("undone").count(), 3, "{journal}");
    let again = fixpoint(&root, &["migrate", "pydantic", "--dry-run"]);
    assert!(
        stdout(&again).contains("0 fixes would be applied"),
        "{}",
        stdout(&again)
    );
}

const LABEL_ON_V2: &str =
    "from pydantic import BaseModel, validator, field_validator\n\n\nclass Label(BaseModel):\n    code: str";

/// `migrate pydantic --repair`: the repair loop runs with `--model` and the key.
fn migrate_with_repair(
    root: &std::path::Path,
    server: &fixpoint_repair::test_util::ScriptedServer,
    extra: &[&str],
) -> std::process::Output {
    let python = crate::support::python();
    let url = server.base_url();
    let mut args = vec![
        "migrate",
        "pydantic",
        "--python",
        python.to_str().unwrap(),
        "--repair",
        "--model",
        "scripted-model",
        "--base-url",
        &url,
    ];
    args.extend_from_slice(extra);
    crate::support::fixpoint_env(root, &args, &[("FIXPOINT_API_KEY", crate::repair::KEY)])
}

/// With `--repair`, the group v2 makes worse goes through the repair loop
/// before it falls back: the model, told what was migrated, makes Pydantic
/// 2 coerce the number; the group's tests pass as on the namespace, so it
/// stays on v2 with the repair, in the migration's one journal entry. A
/// scripted model on loopback, real pytest, real Pydantic 2.
#[test]
fn with_repair_a_group_v2_breaks_is_repaired_and_stays_on_v2() {
    use fixpoint_repair::test_util::{Protocol, Reply, ScriptedServer};
    let (_dir, root) = crate::support::project("pydantic_fallback");
    let original = fs::read_to_string(root.join("shop/labels.py")).unwrap();
    let fix = crate::repair::edit(
        "shop/labels.py",
        LABEL_ON_V2,
        "from pydantic import BaseModel, ConfigDict, validator, field_validator\n\n\nclass Label(BaseModel):\n    model_config = ConfigDict(coerce_numbers_to_str=True)\n\n    code: str",
    );
    let server = ScriptedServer::queue(Protocol::OpenAi, vec![Reply::Answer(fix)]);
    let output = migrate_with_repair(&root, &server, &[]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    crate::support::user_output(&root).bind(|| insta::assert_snapshot!(stdout(&output)));

    let labels = fs::read_to_string(root.join("shop/labels.py")).unwrap();
    assert!(
        labels.contains("model_config = ConfigDict(coerce_numbers_to_str=True)"),
        "{labels}"
    );
    assert!(labels.contains("@field_validator(\"code\")"), "{labels}");
    assert!(!labels.contains("pydantic.v1"), "{labels}");

    // The model was told what the migration did and what it must not do.
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let prompt = &requests[0].messages()[1];
    assert!(prompt.contains("## Background"), "{prompt}");
    assert!(prompt.contains("- shop/labels.py\n"), "{prompt}");
    assert!(
        prompt.contains("- tests/test_labels.py::test_number_codes_are_coerced_to_text\n"),
        "{prompt}"
    );
    assert!(prompt.contains("Do not move it back to `pydantic.v1`"), "{prompt}");

    let (code, document) = crate::support::run_json(&root, &[]);
    assert_eq!(code, 0, "{document}");
    assert_eq!(document["counts"]["passed"], 4, "{document}");

    // One entry holds the migration and the repair; undo restores the original.
    let journal = stdout(&fixpoint(&root, &["journal"]));
    assert_eq!(journal.matches("complete").count(), 1, "{journal}");
    assert_eq!(fixpoint(&root, &["undo"]).status.code(), Some(0));
    assert_eq!(fs::read_to_string(root.join("shop/labels.py")).unwrap(), original);
}

/// A repair that does not bring the tests back leaves nothing behind: the
/// group falls back to the namespace without the model's edit.
#[test]
fn with_repair_a_group_the_model_cannot_repair_falls_back_without_its_edits() {
    use fixpoint_repair::test_util::{Protocol, Reply, ScriptedServer};
    let (_dir, root) = crate::support::project("pydantic_fallback");
    let useless = crate::repair::edit("shop/labels.py", "    copies: int = 1", "    copies: int = 2");
    let server = ScriptedServer::queue(Protocol::OpenAi, vec![Reply::Answer(useless)]);
    let output = migrate_with_repair(&root, &server, &["--max-retries", "1"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let log = stdout(&output);
    assert!(
        log.contains("v2 broke 1 of the tests that pass on pydantic.v1 (the repair loop fixed 0 of them in 1 attempts); fell back to pydantic.v1"),
        "{log}"
    );
    let labels = fs::read_to_string(root.join("shop/labels.py")).unwrap();
    assert!(
        labels.contains("from pydantic.v1 import BaseModel, validator"),
        "{labels}"
    );
    assert!(labels.contains("    copies: int = 1\n"), "{labels}");
    let (code, document) = crate::support::run_json(&root, &[]);
    assert_eq!(code, 0, "{document}");
}

/// A project inside another one's pytest configuration: pytest names the
/// tests from the parent (`sub/tests/...`), the import graph from the
/// project; the trials still compare the same tests, and v2 still falls
/// back where it breaks one.
#[test]
fn the_trials_compare_tests_when_pytest_s_rootdir_is_a_parent_directory() {
    let outer = tempfile::tempdir().unwrap();
    fs::write(
        outer.path().join("pyproject.toml"),
        "[tool.pytest.ini_options]\naddopts = \"-q\"\n",
    )
    .unwrap();
    let (_dir, source) = crate::support::project("pydantic_fallback");
    let root = outer.path().join("sub");
    fs::rename(&source, &root).unwrap();
    let python = crate::support::python();
    let output = fixpoint(&root, &["migrate", "pydantic", "--python", python.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let log = stdout(&output);
    assert!(
        log.contains("verify: 2 modules (shop/labels.py, tests/test_labels.py), 1 test files: 1 pass on v2, 2 on pydantic.v1: v2 broke 1"),
        "{log}"
    );
    let labels = fs::read_to_string(root.join("shop/labels.py")).unwrap();
    assert!(
        labels.contains("from pydantic.v1 import BaseModel, validator"),
        "{labels}"
    );
}

/// `fixpoint migrate sqlalchemy` on a small inventory written for
/// SQLAlchemy 1.4 (it passes there), run under the 2.0 its pyproject pins,
/// in a virtual environment with only what the example declares. The
/// failures come in layers: bound metadata stops the conftest from
/// importing, then rows read as mappings and a plain SQL string fail at
/// their lines; each round clears one, until every test passes. A second
/// migration finds nothing, and undo takes every round back.
#[test]
fn sqlalchemy_rounds_clear_the_layers_of_a_1_4_codebase_until_the_suite_passes() {
    let (_dir, root) = project("sqlalchemy_legacy");
    let python = crate::support::example_python();
    let python = python.to_str().unwrap();
    let original = |path: &str| fs::read_to_string(root.join(path)).unwrap();
    let before: Vec<(&str, String)> = ["inventory/db.py", "inventory/models.py", "tests/test_db.py"]
        .into_iter()
        .map(|path| (path, original(path)))
        .collect();

    // PATHS as a user types them: only the package's files are planned.
    let planned = fixpoint(&root, &["migrate", "sqlalchemy", "./inventory/", "--dry-run"]);
    assert_eq!(planned.status.code(), Some(0), "{planned:?}");
    let planned = stdout(&planned);
    assert!(planned.contains("inventory/models.py:5: FP009"), "{planned}");
    assert!(!planned.contains("tests/"), "{planned}");
    assert_eq!(original("inventory/db.py"), before[0].1, "--dry-run wrote");

    let output = fixpoint(&root, &["migrate", "sqlalchemy", "--python", python]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    crate::support::user_output(&root).bind(|| insta::assert_snapshot!(stdout(&output)));

    let db = original("inventory/db.py");
    for rewritten in [
        "metadata = MetaData()\n",
        "    metadata.create_all(engine)\n",
        "select(items.c.name).order_by(items.c.id)",
        "row._mapping[\"name\"]",
        "conn.exec_driver_sql(\"SELECT count(*) FROM items\")",
        // Code in a string literal is data.
        "TEMPLATE = \"rows = conn.execute(select([items.c.name]))\"",
    ] {
        assert!(db.contains(rewritten), "{rewritten:?} missing:\n{db}");
    }
    let run = fixpoint(&root, &["run", "--python", python, "--output-format", "json"]);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let document: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(document["counts"]["passed"], 8, "{document}");

    // A second migration on the same code: one round, nothing to do.
    let again = fixpoint(&root, &["migrate", "sqlalchemy", "--python", python]);
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    assert!(
        stdout(&again).ends_with(
            "0 fixes applied, 0 left\nmigrate sqlalchemy: before, 8 of 8 tests passing; after 0 rounds, 8 of 8 tests passing (the last round brought nothing new)\n"
        ),
        "{}",
        stdout(&again)
    );

    // One journal entry per round; undo, newest first, restores every byte.
    let rounds = stdout(&output).matches("verify: kept").count();
    for _ in 0..rounds {
        let undone = fixpoint(&root, &["undo"]);
        assert_eq!(undone.status.code(), Some(0), "{undone:?}");
    }
    for (path, text) in &before {
        assert_eq!(&original(path), text, "{path} not restored");
    }
}

/// `--warnings` under the SQLAlchemy 1.4 the inventory was written for:
/// every `RemovedIn20Warning` its suite raises in the project's files, and
/// nothing rewritten. Under 2.0 it refuses with one line. After the
/// migration, the code still passes under 1.4 (FP009 writes forms both
/// accept) and warns only where no rule decides (implicit autocommit).
#[test]
fn sqlalchemy_warnings_list_what_1_4_warns_and_the_migrated_code_still_runs_on_1_4() {
    let (_dir, root) = project("sqlalchemy_legacy");
    let sa14 = std::env::var("FIXPOINT_SA14_PYTHON")
        .expect("FIXPOINT_SA14_PYTHON is not set: run the tests with scripts/test");
    let sa20 = crate::support::example_python();
    let db = fs::read_to_string(root.join("inventory/db.py")).unwrap();

    let output = fixpoint(&root, &["migrate", "sqlalchemy", "--warnings", "--python", &sa14]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    crate::support::user_output(&root).bind(|| insta::assert_snapshot!(stdout(&output)));
    assert_eq!(
        fs::read_to_string(root.join("inventory/db.py")).unwrap(),
        db,
        "--warnings wrote"
    );

    let refused = fixpoint(
        &root,
        &[
            "migrate",
            "sqlalchemy",
            "--warnings",
            "--python",
            sa20.to_str().unwrap(),
        ],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(
        crate::support::one_error_line(&refused),
        "fixpoint: error: --warnings needs SQLAlchemy 1.4 (its SQLALCHEMY_WARN_20 mode names what 2.0 removes); the interpreter has SQLAlchemy 2.0.44"
    );

    let migrated = fixpoint(&root, &["migrate", "sqlalchemy", "--python", sa20.to_str().unwrap()]);
    assert_eq!(migrated.status.code(), Some(0), "{migrated:?}");
    let after = fixpoint(&root, &["migrate", "sqlalchemy", "--warnings", "--python", &sa14]);
    assert_eq!(after.status.code(), Some(0), "{after:?}");
    // What is left is what no rule decides: the inserts committed by 1.x's
    // implicit autocommit (2.0 sees them only inside the same connection).
    assert_eq!(
        stdout(&after),
        "inventory/db.py:26: RemovedIn20Warning: The current statement is being autocommitted using implicit autocommit, \
         which will be removed in SQLAlchemy 2.0. Use the .begin() method of Engine or Connection in order to use an \
         explicit transaction for DML and DDL statements. (8 times)\n\
         1 RemovedIn20Warning site in 1 file under SQLAlchemy 1.4.54 (8 tests: 8 passed, 0 failing)\n"
    );
}

/// When a round's verification reran the whole suite (the inventory's
/// conftest at the root reaches every test) and ran the same tests as the
/// round's own run, the next round starts from that run instead of running
/// the suite again; the answer is the same as with a run per round.
#[test]
fn sqlalchemy_rounds_start_from_a_verification_that_ran_the_whole_suite() {
    let (_dir, root) = project("sqlalchemy_legacy");
    fs::rename(root.join("tests/conftest.py"), root.join("conftest.py")).unwrap();
    let python = crate::support::example_python();
    let output = fixpoint(&root, &["migrate", "sqlalchemy", "--python", python.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let log = stdout(&output);
    assert!(
        log.ends_with(
            "migrate sqlalchemy: before, the suite did not start; after 4 rounds, 8 of 8 tests passing (the last round brought nothing new)\n"
        ),
        "{log}"
    );
    // Rounds 1 to 3 change the package the root conftest imports: their
    // verifications rerun everything. Round 4 changes one test file.
    assert_eq!(log.matches("reran 8 tests in . ").count(), 3, "{log}");
    assert_eq!(log.matches("reran 7 tests in tests/test_db.py:").count(), 1, "{log}");
    let history = stdout(&fixpoint(&root, &["history", "--output-format", "json"]));
    let runs: serde_json::Value = serde_json::from_str(&history).unwrap();
    // Round 1's suite did not start (nothing recorded, nothing to compare a
    // verification run with), so round 2 runs the suite; a verification run
    // per round; rounds 3 and 4 start from the one before them; round 5 runs
    // the suite: six runs, where a run per round makes eight.
    assert_eq!(runs["runs"].as_array().map(Vec::len), Some(6), "{history}");
}
