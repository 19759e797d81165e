//! `fixpoint testdata`: the model graph and the generated files of each
//! fixture project (snapshots), then the generated code run for real: the
//! seed scenarios against a SQLite file and PostgreSQL, and pytest with the
//! generated fixtures.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::support::{fixpoint, one_error_line, project, pytest, python, stderr, stdout};

fn discover_json(dir: &Path) -> Value {
    let output = fixpoint(dir, &["testdata", "discover", "--output-format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// `testdata generate` with the test Python (which has factory-boy and
/// Faker), as a user with the project's environment has it.
fn generate(dir: &Path, extra: &[&str]) -> Output {
    let python = python();
    let mut args = vec!["testdata", "generate", "--python", python.to_str().unwrap()];
    args.extend_from_slice(extra);
    let output = fixpoint(dir, &args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    output
}

/// `python tests/seed.py ARGS` in the project.
fn seed(dir: &Path, args: &[&str]) -> Output {
    Command::new(python())
        .arg("tests/seed.py")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
    stdout(output)
}

fn read(dir: &Path, path: &str) -> String {
    fs::read_to_string(dir.join(path)).unwrap()
}

/// A fresh PostgreSQL database of the test server, as a URL.
fn postgres_database(name: &str) -> String {
    let url = std::env::var("FIXPOINT_TEST_PG_URL").expect("FIXPOINT_TEST_PG_URL: run scripts/test");
    let database = format!("fp_testdata_{name}_{}", std::process::id());
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    // One statement each: PostgreSQL runs a batch as one transaction, which CREATE DATABASE refuses.
    client
        .batch_execute(&format!("DROP DATABASE IF EXISTS {database}"))
        .unwrap();
    client.batch_execute(&format!("CREATE DATABASE {database}")).unwrap();
    let (prefix, _) = url.rsplit_once('/').unwrap();
    format!("{prefix}/{database}")
}

/// The seed scenarios of the issue, in order, each checked: edge, clean, full, clean.
fn run_scenarios(dir: &Path, db: &str) {
    let edge = ok(&seed(dir, &["--scenario", "edge", "--db", db]));
    assert!(edge.starts_with("seed: edge: "), "{edge}");
    let cleaned = ok(&seed(dir, &["--clean", "--info", "--db", db]));
    assert!(cleaned.contains("seed: clean: every row deleted"), "{cleaned}");
    assert!(
        cleaned.lines().skip(1).all(|line| line.ends_with(": 0 rows")),
        "{cleaned}"
    );
    let full = ok(&seed(
        dir,
        &["--scenario", "full", "--count", "4", "--db", db, "--info"],
    ));
    assert!(full.lines().skip(1).all(|line| line.ends_with(": 4 rows")), "{full}");
    ok(&seed(dir, &["--clean", "--db", db]));
}

#[test]
fn sqlalchemy_classic_models_are_discovered_and_their_test_data_runs_on_sqlite() {
    let (_keep, dir) = project("testdata-sa14");
    let graph = discover_json(&dir);
    insta::assert_json_snapshot!("sa14_graph", graph);
    assert_eq!(graph["order"], serde_json::json!(["Member", "Author", "Book", "Loan"]));
    assert_eq!(graph["broken_cycles"][0]["field"], "favorite_book_id");

    // Before: the tests ask for fixtures nobody wrote.
    let before = pytest(&dir, &["-q"]);
    assert!(
        stdout(&before).contains("fixture 'book' not found"),
        "{}",
        stdout(&before)
    );

    let dry = stdout(&generate(&dir, &["--dry-run"]));
    assert!(dry.contains("tests/factories.py: would create"), "{dry}");
    assert!(!dir.join("tests/factories.py").exists() && !dir.join(".fixpoint/journal").exists());

    let output = generate(&dir, &[]);
    assert!(
        stderr(&output).contains("needs factory-boy and faker"),
        "{}",
        stderr(&output)
    );
    for file in ["factories.py", "seed.py", "conftest.py"] {
        insta::assert_snapshot!(format!("sa14_{file}"), read(&dir, &format!("tests/{file}")));
    }

    let db = format!("sqlite:///{}", dir.join("seed.sqlite3").display());
    run_scenarios(&dir, &db);
    let after = pytest(&dir, &["-q"]);
    assert!(after.status.success(), "{}", stdout(&after));
    assert!(stdout(&after).contains("5 passed"), "{}", stdout(&after));
}

/// `fixpoint testdata verify` against the database `db`.
fn verify_on(dir: &Path, db: &str) -> Output {
    fixpoint(
        dir,
        &["testdata", "verify", "--python", python().to_str().unwrap(), "--db", db],
    )
}

#[test]
fn sqlalchemy_classic_test_data_runs_on_postgres() {
    let (_keep, dir) = project("testdata-sa14");
    generate(&dir, &[]);
    let db = postgres_database("sa14");
    run_scenarios(&dir, &db);
    let verify = verify_on(&dir, &db);
    let text = stdout(&verify);
    assert_eq!(verify.status.code(), Some(0), "{text}{}", stderr(&verify));
    assert!(text.contains("database: postgres://fixpoint:***@"), "{text}");
    assert!(text.contains("ok   pytest: 5 passed"), "{text}");
}

#[test]
fn sqlalchemy_typed_models_keep_the_projects_conftest_and_run_on_sqlite_and_postgres() {
    let (_keep, dir) = project("testdata-sa20");
    let original_conftest = read(&dir, "tests/conftest.py");
    insta::assert_json_snapshot!("sa20_graph", discover_json(&dir));

    generate(&dir, &["--add-deps"]);
    let conftest = read(&dir, "tests/conftest.py");
    assert!(
        conftest.starts_with(&original_conftest),
        "the project's own fixtures stay as they were"
    );
    insta::assert_snapshot!("sa20_conftest.py", conftest);
    insta::assert_snapshot!("sa20_factories.py", read(&dir, "tests/factories.py"));
    let pyproject = read(&dir, "pyproject.toml");
    assert!(
        pyproject.contains("dev = [\"factory-boy>=3.3\", \"Faker>=30\", \"pytest\"]"),
        "{pyproject}"
    );

    run_scenarios(&dir, &format!("sqlite:///{}", dir.join("seed.sqlite3").display()));
    let db = postgres_database("sa20");
    run_scenarios(&dir, &db);
    let verify = verify_on(&dir, &db);
    assert_eq!(verify.status.code(), Some(0), "{}", stdout(&verify));
    let sqlite = fixpoint(&dir, &["testdata", "verify", "--python", python().to_str().unwrap()]);
    assert_eq!(sqlite.status.code(), Some(0), "{}", stdout(&sqlite));
    assert!(stdout(&sqlite).contains("ok   pytest: 5 passed"), "{}", stdout(&sqlite));
}

#[test]
fn verify_names_the_model_and_field_a_check_refuses() {
    let (_keep, dir) = project("testdata-sa14");
    // A check the static reader cannot turn into bounds: the edge scenario's
    // empty name breaks it, on SQLite and on PostgreSQL alike.
    let models = read(&dir, "library/models.py").replace(
        "name = Column(String(80), nullable=False)",
        "name = Column(String(80), CheckConstraint(\"length(name) >= 3\", name=\"ck_author_name\"), nullable=False)",
    );
    fs::write(dir.join("library/models.py"), models).unwrap();
    generate(&dir, &[]);
    for db in [None, Some(postgres_database("verify"))] {
        let mut args = vec!["testdata", "verify"];
        let python = python();
        args.extend(["--python", python.to_str().unwrap()]);
        if let Some(db) = &db {
            args.extend(["--db", db]);
        }
        let output = fixpoint(&dir, &args);
        let text = stdout(&output);
        assert_eq!(output.status.code(), Some(1), "{text}");
        assert!(text.contains("ok   seed.py --scenario minimal"), "{text}");
        assert!(
            text.contains("FAIL seed.py --scenario edge: seed: error: edge: Author.name (row 'min'):"),
            "{text}"
        );
        assert!(text.contains("ck_author_name"), "{text}");
        assert!(
            !text.contains("pytest"),
            "the suite does not run after a failed step: {text}"
        );
    }
}

#[test]
fn regenerating_keeps_custom_blocks_changes_nothing_on_unchanged_models_and_undoes() {
    let (_keep, dir) = project("testdata-sa14");
    generate(&dir, &[]);
    let factories = read(&dir, "tests/factories.py").replace(
        "    # CUSTOM: MemberFactory\n",
        "    # CUSTOM: MemberFactory\n    class Params:\n        vip = factory.Trait(tier=\"premium\")\n",
    );
    fs::write(dir.join("tests/factories.py"), &factories).unwrap();
    let conftest = read(&dir, "tests/conftest.py").replace(
        "# CUSTOM: fixtures\n",
        "# CUSTOM: fixtures\n@_fixpoint_pytest.fixture\ndef vip(member_factory):\n    return member_factory(tier=\"premium\")\n",
    );
    fs::write(dir.join("tests/conftest.py"), &conftest).unwrap();

    // Unchanged models: nothing is written, not even a journal entry.
    let again = stdout(&generate(&dir, &[]));
    assert!(
        again.contains("nothing changed: the models are as they were"),
        "{again}"
    );
    let journal = stdout(&fixpoint(&dir, &["journal"]));
    assert_eq!(journal.matches("testdata").count(), 1, "{journal}");

    // A new column: regenerated, the custom blocks kept.
    let models = read(&dir, "library/models.py").replace(
        "    phone = Column(String(20))\n",
        "    phone = Column(String(20))\n    email = Column(String(160), unique=True, nullable=False)\n",
    );
    fs::write(dir.join("library/models.py"), models).unwrap();
    let changed = stdout(&generate(&dir, &[]));
    assert!(changed.contains("tests/factories.py: updated"), "{changed}");
    assert!(changed.contains("tests/conftest.py: unchanged"), "{changed}");
    let regenerated = read(&dir, "tests/factories.py");
    assert!(
        regenerated.contains("email = factory.Sequence(lambda n: _fit(f\"user{n}@example.com\", 160))"),
        "{regenerated}"
    );
    assert!(
        regenerated.contains("        vip = factory.Trait(tier=\"premium\")\n"),
        "{regenerated}"
    );
    assert!(read(&dir, "tests/conftest.py").contains("def vip(member_factory):"));
    let after = pytest(&dir, &["-q"]);
    assert!(after.status.success(), "{}", stdout(&after));

    // Undo takes the regeneration back, byte for byte.
    let undo = fixpoint(&dir, &["undo"]);
    assert_eq!(undo.status.code(), Some(0), "{}", stderr(&undo));
    assert_eq!(read(&dir, "tests/factories.py"), factories);
    // And the first generation (forced: the custom blocks were edited since): the files it created are gone.
    let first = fixpoint(&dir, &["undo", "--force"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(!dir.join("tests/factories.py").exists());
    assert!(!dir.join("tests/conftest.py").exists());
}

#[test]
fn pydantic_models_get_factories_that_validate_and_an_edge_scenario() {
    let (_keep, dir) = project("testdata-pydantic");
    insta::assert_json_snapshot!("pydantic_graph", discover_json(&dir));
    generate(&dir, &[]);
    insta::assert_snapshot!("pydantic_factories.py", read(&dir, "tests/factories.py"));
    insta::assert_snapshot!("pydantic_seed.py", read(&dir, "tests/seed.py"));
    let edge = ok(&seed(&dir, &["--scenario", "edge"]));
    assert_eq!(edge.trim(), "seed: edge: every model built and validated");
    ok(&seed(&dir, &["--scenario", "full", "--count", "20"]));
    let after = pytest(&dir, &["-q"]);
    assert!(stdout(&after).contains("3 passed"), "{}", stdout(&after));

    // A bound the generator cannot know (a validator) is caught and named.
    let schemas = read(&dir, "api/schemas.py").replace(
        "class LineItem(BaseModel):",
        "class LineItem(BaseModel):\n    @field_validator(\"sku\")\n    @classmethod\n    def no_short_sku(cls, value):\n        if len(value) < 4:\n            raise ValueError(\"too short\")\n        return value\n",
    );
    fs::write(
        dir.join("api/schemas.py"),
        schemas.replace(
            "from pydantic import BaseModel",
            "from pydantic import BaseModel, field_validator",
        ),
    )
    .unwrap();
    let refused = seed(&dir, &["--scenario", "edge"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("seed: error: edge: LineItem.sku (row 'min'): ValidationError"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn django_models_get_django_factories_that_run_on_the_projects_database() {
    let (_keep, dir) = project("testdata-django");
    insta::assert_json_snapshot!("django_graph", discover_json(&dir));
    generate(&dir, &[]);
    insta::assert_snapshot!("django_factories.py", read(&dir, "tests/factories.py"));
    insta::assert_snapshot!("django_seed.py", read(&dir, "tests/seed.py"));
    let after = pytest(&dir, &["-q"]);
    assert!(stdout(&after).contains("4 passed"), "{}", stdout(&after));

    // The seed scenarios through Django's ORM, on a SQLite file and on PostgreSQL.
    run_scenarios(&dir, &format!("sqlite:///{}", dir.join("seed.sqlite3").display()));
    let db = postgres_database("django");
    run_scenarios(&dir, &db);
    let edge = ok(&seed(&dir, &["--scenario", "edge", "--db", &db, "--info"]));
    assert!(edge.contains("Book: 6 rows"), "every boundary row of Book: {edge}");
    let verify = fixpoint(&dir, &["testdata", "verify", "--python", python().to_str().unwrap()]);
    assert_eq!(verify.status.code(), Some(0), "{}", stdout(&verify));

    // A refused row names its model and field: a check the static reader cannot
    // turn into bounds refuses the edge scenario's empty title, on both databases.
    let models = read(&dir, "catalog/models.py").replace(
        "name=\"book_price_positive\")]",
        "name=\"book_price_positive\"), models.CheckConstraint(condition=~models.Q(title=\"\"), name=\"book_title_not_empty\")]",
    );
    fs::write(dir.join("catalog/models.py"), &models).unwrap();
    generate(&dir, &[]);
    for db in [
        format!("sqlite:///{}", dir.join("refused.sqlite3").display()),
        postgres_database("django_refused"),
    ] {
        let refused = seed(&dir, &["--scenario", "edge", "--db", &db]);
        assert_eq!(refused.status.code(), Some(1), "{db}");
        assert!(
            stderr(&refused).contains("seed: error: edge: Book.title (row 'min'): IntegrityError"),
            "{}",
            stderr(&refused)
        );
        assert!(
            stderr(&refused).contains("book_title_not_empty"),
            "{}",
            stderr(&refused)
        );
    }
}

#[test]
fn a_django_lookup_is_seeded_from_the_projects_own_seeder_by_fp008() {
    use crate::support::{outcomes, run_json};
    let (_keep, dir) = project("testdata-django");
    fs::write(
        dir.join("tests/test_lookup.py"),
        "from catalog.models import Publisher\n\n\ndef test_faber_is_in_the_catalog():\n    assert Publisher.objects.get(name=\"Faber & Faber\").books.count() == 0\n",
    )
    .unwrap();
    let lookup = "tests/test_lookup.py::test_faber_is_in_the_catalog";
    let (_, before) = run_json(&dir, &[]);
    assert_eq!(outcomes(&before)[lookup], "failed", "{before}");
    let log = stdout(&fixpoint(&dir, &["fix", "--select", "FP008"]));
    assert!(
        log.contains("FP008 `test_faber_is_in_the_catalog` uses `seeded_publishers`: the Publisher rows it looks up come from catalog.reference.seed_publishers"),
        "{log}"
    );
    let marked = read(&dir, "tests/test_lookup.py");
    assert!(marked.contains("import pytest\n"), "{marked}");
    assert!(
        marked.contains("@pytest.mark.usefixtures(\"seeded_publishers\")\ndef test_faber"),
        "{marked}"
    );
    // On its own, so no other test's rows help it.
    let (code, after) = run_json(&dir, &["tests/test_lookup.py"]);
    assert_eq!(code, 0, "{after}");
    assert_eq!(outcomes(&after)[lookup], "passed");
}

#[test]
fn a_prisma_schema_is_discovered_but_gets_no_python_factories() {
    let (_keep, dir) = project("testdata-prisma");
    insta::assert_json_snapshot!("prisma_graph", discover_json(&dir));
    let output = fixpoint(&dir, &["testdata", "generate"]);
    assert!(one_error_line(&output).contains("only Prisma models found"));
}

#[test]
fn broken_sources_and_empty_projects_are_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("pyproject.toml"), "[project]\nname = \"x\"\n").unwrap();
    fs::create_dir_all(root.join("app")).unwrap();
    fs::write(root.join("app/broken.py"), "class Broken(Base:\n").unwrap();
    fs::write(root.join("app/latin1.py"), b"# caf\xe9\nx = 1\n").unwrap();
    fs::write(
        root.join("app/models.py"),
        "from sqlalchemy import Column, Integer\nfrom app.db import Base\n\nclass Thing(Base):\n    __tablename__ = 'things'\n    id = Column(Integer, primary_key=True)\n",
    )
    .unwrap();
    let text = stdout(&fixpoint(root, &["testdata", "discover"]));
    assert!(
        text.contains("Thing (sqlalchemy, app/models.py:4, table things)"),
        "{text}"
    );
    assert!(text.contains("not Python: app/broken.py"), "{text}");

    fs::remove_file(root.join("app/models.py")).unwrap();
    let output = fixpoint(root, &["testdata", "generate"]);
    assert!(one_error_line(&output).contains("no models found"));
    let output = fixpoint(root, &["testdata", "verify"]);
    assert!(one_error_line(&output).contains("tests/seed.py does not exist"));
}

#[test]
fn fix_generates_the_missing_model_fixtures_through_fp008() {
    use crate::support::{outcomes, run_json};
    let (_keep, dir) = project("testdata-sa14");
    let (code, before) = run_json(&dir, &[]);
    assert_eq!(code, 1);
    assert!(outcomes(&before).values().all(|o| o == "error"), "{before}");
    let triage = stdout(&fixpoint(&dir, &["triage"]));
    assert!(triage.contains("fixpoint fix --select FP008"), "{triage}");

    let log = stdout(&fixpoint(&dir, &["fix", "--select", "testdata-fixture"]));
    assert!(
        log.contains("tests/conftest.py:1: FP008 fixture `book` for the model Book, from tests/factories.py"),
        "{log}"
    );
    assert!(log.contains("tests/factories.py:1: FP008 generated for"), "{log}");
    let (code, after) = run_json(&dir, &[]);
    assert_eq!(code, 0, "{after}");
    assert!(outcomes(&after).values().all(|o| o == "passed"));
    // Nothing is left to generate: a second fix changes nothing.
    let again = stdout(&fixpoint(&dir, &["fix", "--select", "FP008"]));
    assert!(again.contains("0 fixes applied"), "{again}");
}

#[test]
fn fix_never_overwrites_a_factories_module_the_team_wrote_itself() {
    use crate::support::run_json;
    let (_keep, dir) = project("testdata-sa14");
    let ours = "\"\"\"Our own factories.\"\"\"\n\nHELPERS = ['kept']\n";
    fs::create_dir_all(dir.join("tests")).unwrap();
    fs::write(dir.join("tests/factories.py"), ours).unwrap();
    let (code, _) = run_json(&dir, &[]);
    assert_eq!(code, 1);
    let output = fixpoint(&dir, &["fix", "--select", "FP008"]);
    let log = stdout(&output);
    assert!(
        log.lines().any(|l| l
            == "tests/factories.py:1: FP008 left: tests/factories.py was edited outside its CUSTOM blocks (regenerating \
                would drop its lines 1, 3): FP008 leaves the model fixtures to `fixpoint testdata generate --force`"),
        "{log}"
    );
    assert!(log.contains("0 fixes applied"), "{log}");
    assert_eq!(read(&dir, "tests/factories.py"), ours);
    assert!(!dir.join("tests/conftest.py").exists());
}

#[test]
fn the_examples_missing_fixture_and_catalog_rows_are_generated_and_nothing_else_breaks() {
    use crate::support::{deterministic_dreamforge, outcomes, run_json};
    // Without the example's coin flip: a flip in the verification rerun
    // would take the conftest back (it reaches every test).
    let (_keep, dir) = deterministic_dreamforge();
    let (_, before) = run_json(&dir, &["--test-timeout", "2"]);
    let summary = "tests/services/test_campaigns.py::test_campaign_summary";
    let catalog = "tests/services/test_loot.py::test_find_item_in_catalog";
    assert_eq!(outcomes(&before)[summary], "error");
    assert_eq!(outcomes(&before)[catalog], "failed");
    let discovered = stdout(&fixpoint(&dir, &["testdata", "discover"]));
    assert!(
        discovered.contains(
            "reference data: dreamforge.seed.seed_items (dreamforge/seed.py:26) seeds Item (fixture `seeded_items`)"
        ),
        "{discovered}"
    );
    // Restricted to tests/services, the conftest is out of reach: FP008's
    // files go together, so nothing is written, not even the marker.
    let restricted = stdout(&fixpoint(&dir, &["fix", "--select", "FP008", "tests/services"]));
    assert!(restricted.contains("0 fixes applied"), "{restricted}");
    assert!(!read(&dir, "tests/services/test_loot.py").contains("usefixtures"));
    let log = stdout(&fixpoint(&dir, &["fix", "--select", "FP008"]));
    assert!(
        log.contains("FP008 fixture `campaign_factory` for the model Campaign"),
        "{log}"
    );
    // The catalog the test looks up is the project's own: its seeder runs in a fixture.
    assert!(
        log.contains("FP008 fixture `seeded_items`: the project's dreamforge.seed.seed_items seeds Item"),
        "{log}"
    );
    assert!(
        log.contains(
            "tests/services/test_loot.py:63: FP008 `test_find_item_in_catalog` uses `seeded_items`: the Item rows it looks up come from dreamforge.seed.seed_items"
        ),
        "{log}"
    );
    let test_loot = read(&dir, "tests/services/test_loot.py");
    assert!(
        test_loot.contains("@pytest.mark.usefixtures(\"seeded_items\")\ndef test_find_item_in_catalog(session):"),
        "{test_loot}"
    );
    let conftest = read(&dir, "tests/conftest.py");
    assert!(
        conftest.contains("    from dreamforge.seed import seed_items as _seed\n\n    _seed(session)\n"),
        "{conftest}"
    );
    assert!(
        !log.contains("sample_party"),
        "a misspelt fixture names no model: {log}"
    );
    let (_, after) = run_json(&dir, &["--test-timeout", "2"]);
    let after = outcomes(&after);
    assert_eq!(after[summary], "passed");
    assert_eq!(after[catalog], "passed");
    // The data file no model yields is left to the repair loop.
    assert_eq!(after["tests/services/test_bestiary.py::test_load_bestiary"], "failed");
    // Fixing the first run's failures again changes nothing.
    let again = stdout(&fixpoint(&dir, &["fix", "--select", "FP008", "--run", "1"]));
    assert!(again.contains("0 fixes applied"), "{again}");
    assert_eq!(
        after["tests/services/test_encounters.py::test_sample_party_rating"],
        "error"
    );
    let flaky = "tests/services/test_initiative.py::test_goblin_boss_is_faster_than_orc";
    for (nodeid, outcome) in outcomes(&before) {
        if outcome == "passed" && nodeid != flaky {
            assert_eq!(after[&nodeid], "passed", "{nodeid} broke");
        }
    }
    // The generated seed script runs on the example's models.
    let db = format!("sqlite:///{}", dir.join("seed.sqlite3").display());
    let edge = ok(&seed(&dir, &["--scenario", "edge", "--db", &db]));
    assert!(edge.contains("Campaign 3, Character 4"), "{edge}");
    ok(&seed(&dir, &["--clean", "--db", &db]));
}

/// `stdout` with the journal id made stable.
fn without_journal_id(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| match line.find("`fixpoint undo ") {
            Some(at) => format!("{}`fixpoint undo ID` takes them back\n", &line[..at]),
            None => line.to_owned(),
        })
        .collect()
}

#[test]
fn a_generated_file_edited_outside_its_custom_blocks_is_kept_until_forced() {
    let (_keep, dir) = project("testdata-sa14");
    generate(&dir, &[]);
    let edited = read(&dir, "tests/factories.py").replacen(
        "import factory\n",
        "import factory\nMINE = 7  # a helper of ours\n",
        1,
    );
    fs::write(dir.join("tests/factories.py"), &edited).unwrap();
    let line = edited.lines().position(|l| l.starts_with("MINE = 7")).unwrap() + 1;
    // The models change, so the files would be regenerated.
    let models = read(&dir, "library/models.py").replace(
        "    phone = Column(String(20))\n",
        "    phone = Column(String(20))\n    email = Column(String(160), unique=True, nullable=False)\n",
    );
    fs::write(dir.join("library/models.py"), models).unwrap();

    let python = python();
    let args = ["testdata", "generate", "--python", python.to_str().unwrap()];
    let kept = fixpoint(&dir, &args);
    assert_eq!(kept.status.code(), Some(1), "{}", stderr(&kept));
    assert_eq!(
        without_journal_id(&stdout(&kept)),
        "tests/factories.py: kept as it is\ntests/seed.py: updated\ntests/conftest.py: unchanged\n\
         1 file written for 4 models; `fixpoint undo ID` takes them back\n",
    );
    assert_eq!(
        read(&dir, "tests/factories.py"),
        edited,
        "the edited file is left byte for byte"
    );

    let mut forced = args.to_vec();
    forced.push("--force");
    let output = fixpoint(&dir, &forced);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("tests/factories.py: updated\n"),
        "{}",
        stdout(&output)
    );
    let regenerated = read(&dir, "tests/factories.py");
    assert!(
        !regenerated.contains("MINE = 7") && regenerated.contains("email = factory."),
        "{regenerated}"
    );
    // The warning named exactly the lines the forced regeneration dropped:
    // ours, and the one the new column changed.
    let dropped: Vec<String> = edited
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with("# fixpoint testdata sha256") && !regenerated.lines().any(|r| r == *l))
        .map(|(at, _)| (at + 1).to_string())
        .collect();
    assert!(dropped.contains(&line.to_string()) && dropped.len() == 2, "{dropped:?}");
    let errors = stderr(&kept);
    let warnings: Vec<&str> = errors.lines().filter(|l| l.contains("factories.py")).collect();
    assert_eq!(
        warnings,
        [format!(
            "fixpoint: warning: tests/factories.py was edited outside its CUSTOM blocks (regenerating would drop its lines {}): \
             `--force` regenerates it (the journal keeps your text for `fixpoint undo`); to keep an edit, move it into a `# CUSTOM:` block",
            dropped.join(", ")
        )]
    );
    // The journal kept the edited text.
    let undo = fixpoint(&dir, &["undo"]);
    assert_eq!(undo.status.code(), Some(0), "{}", stderr(&undo));
    assert_eq!(read(&dir, "tests/factories.py"), edited);
}

#[test]
fn generate_holds_the_conftest_back_while_the_interpreter_cannot_import_factory_boy() {
    use crate::support::example_python;
    let (_keep, dir) = project("testdata-sa14");
    let python = example_python();
    let output = fixpoint(&dir, &["testdata", "generate", "--python", python.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        without_journal_id(&stdout(&output)),
        "tests/factories.py: created\ntests/seed.py: created\ntests/conftest.py: held back\n\
         2 files written for 4 models; `fixpoint undo ID` takes them back\n"
    );
    let shown = python.display();
    assert!(
        stderr(&output).lines().any(|l| l
            == format!(
                "fixpoint: warning: tests/conftest.py not written: its fixtures need factory-boy and Faker, which {shown} \
                 cannot import: install them (`{shown} -m pip install factory-boy Faker`; `fixpoint testdata generate \
                 --add-deps` declares them in the project); the suite could not start with it"
            )),
        "{}",
        stderr(&output)
    );
    assert!(!dir.join("tests/conftest.py").exists());
    // The suite still starts under that interpreter.
    let started = Command::new(&python)
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&started.stdout);
    assert!(!text.contains("ImportError while loading conftest"), "{text}");
}

#[test]
fn verify_runs_the_suite_through_the_runner_so_a_hanging_test_is_cut_off() {
    let (_keep, dir) = project("testdata-sa14");
    generate(&dir, &[]);
    fs::write(
        dir.join("tests/test_hangs.py"),
        "import time\n\n\ndef test_waits_forever():\n    time.sleep(600)\n",
    )
    .unwrap();
    let pyproject = read(&dir, "pyproject.toml");
    fs::write(
        dir.join("pyproject.toml"),
        format!("{pyproject}\n[tool.fixpoint]\ntest-timeout = 2\n"),
    )
    .unwrap();
    let verify = fixpoint(&dir, &["testdata", "verify", "--python", python().to_str().unwrap()]);
    let text = stdout(&verify);
    assert_eq!(verify.status.code(), Some(1), "{text}{}", stderr(&verify));
    let tail: Vec<String> = text.lines().skip(5).map(masked_seconds).collect();
    assert_eq!(
        tail,
        [
            "FAIL pytest: 5 passed, 1 timeout in [TIME]",
            "fix cycle 1: failed: pytest: 5 passed, 1 timeout in [TIME]",
            "diagnosis: the suite fails with the seeded data",
            "change: none",
            "escalated: the suite fails with the test data: `fixpoint triage` explains the failures",
            "verify: failed",
        ],
        "{text}"
    );
}

/// `0.52s` → `[TIME]`.
fn masked_seconds(line: &str) -> String {
    line.split(' ')
        .map(|word| {
            let number = word.strip_suffix('s').unwrap_or("x");
            if number.parse::<f64>().is_ok() { "[TIME]" } else { word }
        })
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_owned()
}

/// The shop with its team's decisions in `.workflow/`: a state machine, a
/// precision rule, roles, a limit and realistic values, plus a decision
/// about a model that does not exist and a section that is no decision.
fn decided_shop() -> (tempfile::TempDir, std::path::PathBuf) {
    let (keep, dir) = project("testdata-sa20");
    let models = read(&dir, "src/shop/models.py").replacen(
        "    api_key: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)\n",
        "    api_key: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)\n    role: Mapped[str] = mapped_column(String(20), default=\"shopper\")\n",
        1,
    );
    fs::write(dir.join("src/shop/models.py"), models).unwrap();
    fs::create_dir_all(dir.join(".workflow/domain-library")).unwrap();
    fs::write(
        dir.join(".workflow/decisions.md"),
        "# Decisions\n\n## Order.status: state machine\npending -> paid -> shipped\n\n## Order.total: precision\nstep: 0.01\nmax: 99999999.99\nnegative: no\n",
    )
    .unwrap();
    fs::write(
        dir.join(".workflow/constraints.md"),
        "## Customer.first_name: limit\nmax length: 20\n\n## Invoice.total: range\n0..100\n",
    )
    .unwrap();
    fs::write(
        dir.join(".workflow/domain-knowledge.md"),
        "## Category.name: values\nElectronics, Books, Garden\n",
    )
    .unwrap();
    fs::write(
        dir.join(".workflow/domain-library/roles.md"),
        "## Customer.role: roles\nadmin, clerk, shopper\n\n## Customer.email: colour\nblue\n",
    )
    .unwrap();
    (keep, dir)
}

/// The rows of `table` in the SQLite file `db`, as `column=value` lines.
fn sqlite_column(db: &Path, table: &str, column: &str) -> Vec<String> {
    let script = format!(
        "import sqlite3, sys\nfor (v,) in sqlite3.connect(sys.argv[1]).execute('select {column} from {table} order by id'):\n    print(v)"
    );
    let output = Command::new(python()).args(["-c", &script]).arg(db).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn generate_takes_edge_cases_roles_and_limits_from_the_projects_decisions() {
    let (_keep, dir) = decided_shop();
    let output = generate(&dir, &["--add-deps"]);
    assert_eq!(
        without_journal_id(&stdout(&output)),
        "tests/factories.py: created\ntests/seed.py: created\ntests/conftest.py: updated\npyproject.toml: updated\n\
         decision Order.status (decisions.md:3): 3 states, 2 transitions: one edge row per state\n\
         decision Order.total (decisions.md:6): step 0.01, max 99999999.99, never negative: edge rows for the smallest step, the largest value\n\
         decision Customer.first_name (constraints.md:1): at most 20 characters\n\
         decision Category.name (domain-knowledge.md:1): 3 realistic values for the factory\n\
         decision Customer.role (domain-library/roles.md:1): 3 roles: one row per role in every scenario\n\
         4 files written for 4 models; `fixpoint undo ID` takes them back\n\
         factory-boy and faker added to pyproject.toml\n"
    );
    assert_eq!(
        stderr(&output),
        "fixpoint: warning: decision Invoice.total (.workflow/constraints.md:4) not applied: no model `Invoice` was found\n\
         fixpoint: warning: not a decision: .workflow/domain-library/roles.md:4: `colour` is not a kind fixpoint reads (state machine, precision, roles, range, limit, values)\n"
    );
    let seed_py = read(&dir, "tests/seed.py");
    let labels: Vec<&str> = seed_py
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("(\""))
        .filter_map(|rest| rest.split_once('"').map(|(label, _)| label))
        .filter(|label| label.contains("(from "))
        .collect();
    assert_eq!(
        labels,
        [
            "max (from constraints.md:1)",
            "enum 1: role=admin (from domain-library/roles.md:1)",
            "enum 2: role=clerk (from domain-library/roles.md:1)",
            "enum 3: role=shopper (from domain-library/roles.md:1)",
            "enum 1: status=PENDING (from decisions.md:3)",
            "enum 2: status=PAID (from decisions.md:3)",
            "enum 3: status=SHIPPED (from decisions.md:3)",
            "smallest step (from decisions.md:6)",
            "largest value (from decisions.md:6)",
        ],
        "each edge row a decision shaped names it, and only those"
    );
    assert!(
        seed_py.contains(
            "TRANSITIONS = {\n    \"Order.status\": [('pending', 'paid'), ('paid', 'shipped')],  # decisions.md:3\n}\n"
        ),
        "{seed_py}"
    );
    assert!(
        !seed_py.contains("CANCELLED"),
        "a state the machine does not have is never seeded"
    );
    let factories = read(&dir, "tests/factories.py");
    assert!(
        factories.contains("status = factory.Iterator([OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.SHIPPED])"),
        "{factories}"
    );
    assert!(
        factories.contains("name = factory.Sequence(lambda n: ['Electronics', 'Books', 'Garden'][n] if n < 3 else _unique(n, ['Electronics', 'Books', 'Garden'][n % 3], 60, 0))"),
        "a unique field takes each value once: {factories}"
    );

    // Every scenario has a customer per role, and only the machine's states.
    let db = dir.join("decided.sqlite3");
    let url = format!("sqlite:///{}", db.display());
    for scenario in ["minimal", "full", "edge"] {
        ok(&seed(&dir, &["--scenario", scenario, "--db", &url]));
        let roles: std::collections::BTreeSet<String> = sqlite_column(&db, "customers", "role").into_iter().collect();
        assert_eq!(
            roles,
            ["admin", "clerk", "shopper"].map(str::to_owned).into(),
            "{scenario}"
        );
        let states: std::collections::BTreeSet<String> = sqlite_column(&db, "orders", "status").into_iter().collect();
        assert!(
            states
                .iter()
                .all(|s| ["PENDING", "PAID", "SHIPPED"].contains(&s.as_str())),
            "{scenario}: {states:?}"
        );
        if scenario == "edge" {
            assert_eq!(states.len(), 3, "one row per state");
            let totals = sqlite_column(&db, "orders", "total");
            assert!(
                totals.iter().any(|t| t == "0.01") && totals.iter().any(|t| t == "99999999.99"),
                "{totals:?}"
            );
        }
        ok(&seed(&dir, &["--clean", "--db", &url]));
    }
    let verify = fixpoint(&dir, &["testdata", "verify", "--python", python().to_str().unwrap()]);
    assert_eq!(verify.status.code(), Some(0), "{}", stdout(&verify));
}

/// A decision the model refuses escalates with the decision named; a
/// decision changed since the seed was written is a fix cycle that
/// regenerates it.
#[test]
fn verify_escalates_a_decision_the_model_refuses_and_regenerates_a_stale_seed() {
    let (_keep, dir) = decided_shop();
    let decisions = dir.join(".workflow/decisions.md");
    fs::write(
        &decisions,
        read(&dir, ".workflow/decisions.md").replace("negative: no", "negative: yes"),
    )
    .unwrap();
    generate(&dir, &[]);
    let python = python();
    let verify = fixpoint(&dir, &["testdata", "verify", "--python", python.to_str().unwrap()]);
    assert_eq!(verify.status.code(), Some(1), "{}", stdout(&verify));
    let text = stdout(&verify);
    let refused = "seed.py --scenario edge: seed: error: edge: Order.total (row 'negative (from decisions.md:6)'): IntegrityError: (sqlite3.IntegrityError) CHECK constraint failed: ck_order_total";
    let report: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(
        report,
        [
            "ok   seed.py --scenario minimal: seed: minimal: Customer 3, Category 1, Order 1, OrderLine 1",
            "ok   seed.py --clean: seed: clean: every row deleted",
            &format!("FAIL {refused}"),
            &format!("fix cycle 1: failed: {refused}"),
            "  diagnosis: a row from the decision at .workflow/decisions.md:6 is refused by the model or the database",
            "  change: none",
            "escalated: the decision at .workflow/decisions.md:6 and the model disagree: change the decision or the model",
            "verify: failed",
        ]
    );

    // The team settles it in the decision; the seed is stale until regenerated.
    fs::write(
        &decisions,
        read(&dir, ".workflow/decisions.md").replace("negative: yes", "negative: no"),
    )
    .unwrap();
    let verify = fixpoint(&dir, &["testdata", "verify", "--python", python.to_str().unwrap()]);
    let text = stdout(&verify);
    assert_eq!(verify.status.code(), Some(0), "{text}");
    assert!(text.contains(&format!("fix cycle 1: failed: {refused}\n  diagnosis: tests/seed.py no longer matches the models and the decisions\n  change: regenerated tests/seed.py (`fixpoint undo ")), "{text}");
    assert!(
        text.ends_with("verify: every scenario seeded and the suite passed\n"),
        "{text}"
    );
    assert!(!read(&dir, "tests/seed.py").contains("negative (from"));
}
