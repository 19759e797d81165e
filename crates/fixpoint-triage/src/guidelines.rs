//! For each failure category, the rule a team follows so that it does not
//! come back: what `fixpoint docs` writes into GUIDELINES.md. A test checks
//! that every category of the catalog has one.

/// The guideline for a category id, if it has one.
pub fn guideline(category: &str) -> Option<&'static str> {
    GUIDELINES.iter().find(|(id, _)| *id == category).map(|(_, text)| *text)
}

/// (category id, guideline).
pub static GUIDELINES: &[(&str, &str)] = &[
    (
        "timeout",
        "Give every test a time limit (`test-timeout` under [tool.fixpoint]) and never wait on a condition without a deadline; a loop that waits for state must also stop when nothing changes.",
    ),
    (
        "slow",
        "Keep each test fast: fake the network and the clock instead of waiting on them, give fixtures the narrowest scope that works, build only the data a test reads, and mark the few tests that must be slow (`@pytest.mark.slow`) so the quick run can leave them out.",
    ),
    (
        "memory-hungry",
        "Keep a test's memory small and its own: stream large inputs instead of reading them whole, build only the data the test reads, and free caches in teardown so that one test's leftovers do not become the next one's peak.",
    ),
    (
        "crashed",
        "Keep native crashes out of the test process: pin the C extensions the suite uses to versions built for its Python, and isolate code that can abort (segfaults, `os._exit`) behind a subprocess.",
    ),
    (
        "flaky",
        "A test must not depend on timing, ordering, randomness without a seed, or shared state: seed random generators, use fixed clocks, and give each test its own data.",
    ),
    (
        "fixture-not-found",
        "Name fixtures after what they provide and request them by that name; keep shared fixtures in the nearest `conftest.py`, and rename the parameter rather than duplicating a fixture under a second name.",
    ),
    (
        "circular-import",
        "Import for type hints under `if TYPE_CHECKING:` and keep models free of imports from the services that use them; a module imports downward only.",
    ),
    (
        "module-not-found",
        "Declare every import in the project's dependencies and install the test extras in CI from the lock file; never rely on a package that happens to be in the developer's environment.",
    ),
    (
        "dependency-drift",
        "Pin every dependency the code imports from (a lock file, or `==`/`~=` bounds in the requirements) and upgrade on purpose: a major version lands in one change together with the code moved to its API, with the tests run against it.",
    ),
    (
        "import-missing-name",
        "Do not import a name before it exists: a test for new behaviour lands with at least a stub of the function it calls, and removed names are removed from their importers in the same change.",
    ),
    (
        "sqlalchemy-table-redefined",
        "One import path per model module: import models as `package.models.x`, never also as a top-level `models.x` (keep the package directory off `pythonpath`), and give every model its own `__tablename__`.",
    ),
    (
        "sqlalchemy-duplicate-class",
        "One import path per model module, and one class name per model across the declarative registry.",
    ),
    (
        "sqlalchemy-mapper-redefined",
        "Map each class once: import models through one path, and never call a mapping function on a class a second time.",
    ),
    (
        "sqlalchemy-mapper-init",
        "Every `relationship()` target must be importable when mappers configure: import all model modules in the models package's `__init__`, and keep `back_populates` names in step on both sides.",
    ),
    (
        "sqlalchemy-no-such-table",
        "Create the schema in the test database before any test touches it (`Base.metadata.create_all` in a session fixture), and import every model before creating it.",
    ),
    (
        "sqlalchemy-select-list",
        "Write statements in the 2.0 style, which 1.4 already runs: `select(a, b).where(...)`, `case((cond, value), else_=...)`; run the suite under 1.4 with `SQLALCHEMY_WARN_20=1` (`fixpoint migrate sqlalchemy --warnings`) before upgrading.",
    ),
    (
        "sqlalchemy-textual-sql",
        "Declare textual SQL with `text(...)` (with bound parameters, never formatted strings), or run driver-level SQL with `conn.exec_driver_sql(...)`.",
    ),
    (
        "sqlalchemy-row-mapping",
        "Read a result row by attribute (`row.name`) or through `row._mapping[\"name\"]`; ask for mappings when a query should give dictionaries (`result.mappings()`).",
    ),
    (
        "sqlalchemy-connectionless",
        "Run statements on a connection whose transaction the code owns: `with engine.begin() as conn: conn.execute(...)`; inspect a database through `inspect(engine)`.",
    ),
    (
        "sqlalchemy-bound-metadata",
        "Keep metadata unbound and pass the engine where it is used: `metadata.create_all(engine)`, `Table(..., autoload_with=engine)`.",
    ),
    (
        "sqlalchemy-autoload",
        "Reflect a table with `Table(name, metadata, autoload_with=engine)`.",
    ),
    (
        "sqlalchemy-execute-keywords",
        "Pass a statement's parameters as one dictionary (or a list of them for many rows): `conn.execute(stmt, {\"name\": value})`.",
    ),
    (
        "sqlalchemy-removed-name",
        "Use SQLAlchemy's current names (`relationship`, `joinedload`, `LargeBinary`) and keep the version pinned until the code is moved.",
    ),
    (
        "sqlalchemy-legacy-where",
        "Build statements with methods: `table.select().where(...)`, `table.update().where(...).values(...)`, `table.insert().values(...)`.",
    ),
    (
        "sqlalchemy-autocommit",
        "Commit explicitly: `with session.begin():` or `session.commit()`; never rely on autocommit mode.",
    ),
    (
        "sqlalchemy-classical-mapper",
        "Map classes declaratively, or imperatively through one registry: `mapper_registry.map_imperatively(Class, table)`.",
    ),
    (
        "sqlalchemy-session-transaction",
        "Ask the session for its transaction: `session.get_transaction()`, `session.get_nested_transaction()`, `session.in_transaction()`.",
    ),
    (
        "sqlalchemy-private-api",
        "Build only on SQLAlchemy's public API (events, `inspect()`, the type system); code on its internals breaks with every major version and is moved by hand.",
    ),
    (
        "pydantic-settings-moved",
        "Import `BaseSettings` from `pydantic_settings` (and list `pydantic-settings` as a dependency).",
    ),
    (
        "pydantic-root-model",
        "Use `RootModel[T]` instead of a `__root__` field.",
    ),
    (
        "pydantic-non-annotated",
        "Annotate every model field; a class attribute that is not a field is marked `ClassVar`.",
    ),
    (
        "pydantic-not-fully-defined",
        "Define or import every type a model refers to before it is used, and call `Model.model_rebuild()` after forward references are resolved.",
    ),
    (
        "pydantic-removed-keyword",
        "Use the Pydantic 2 `Field` keywords: `pattern` (not `regex`), `min_length`/`max_length` for lists (not `min_items`/`max_items`), `json_schema_extra` for extra schema, and `Literal` for constants (not `const`).",
    ),
    (
        "pydantic-v1-validator",
        "Write validators with `@field_validator` and `@model_validator`, as classmethods, with `mode='before'` where v1 used `pre=True`.",
    ),
    (
        "pydantic-v1-config",
        "Configure models with `model_config = ConfigDict(...)` and the v2 key names (`from_attributes`, `populate_by_name`, `json_schema_extra`), never with `class Config`.",
    ),
    (
        "pydantic-v1-method",
        "Call the v2 model methods: `model_dump`, `model_dump_json`, `model_validate`, `model_copy`, `model_json_schema`.",
    ),
    (
        "pydantic-validation-error",
        "Build test data from the models themselves (factories generated from the schema) so that fixtures follow every change to a field's type or constraints.",
    ),
    (
        "not-implemented",
        "Do not merge a stub without an owner: mark tests of unfinished behaviour `xfail(strict=True)` with the issue that tracks it, instead of leaving a `NotImplementedError` for the suite to find.",
    ),
    (
        "module-attribute-missing",
        "Keep a module's public names in step with their callers: rename or remove a function in the same change as every use, and export what tests import.",
    ),
    (
        "object-attribute-missing",
        "Change a class's attributes together with their users, and let a type checker (mypy, pyright) run in CI to catch attribute typos before the tests do.",
    ),
    (
        "name-error",
        "Import every name a module uses, including those only used at run time inside functions; a linter's undefined-name check (Ruff's F821) in CI catches this before the tests.",
    ),
    (
        "signature-missing-argument",
        "Give new parameters defaults, or change every call in the same change; keyword-only parameters make such changes visible.",
    ),
    (
        "signature-unexpected-keyword",
        "Remove or rename a keyword argument in the same change as every caller, and prefer keyword-only parameters for options.",
    ),
    (
        "missing-test-data",
        "Commit the data files tests read, next to the tests, or generate them from the models in a fixture; a test never depends on a file that only exists on one machine or on a database somebody seeded by hand.",
    ),
    (
        "fixture-error",
        "Keep fixtures small and self-contained: each one builds what it provides from scratch, cleans up after itself, and fails with a message that names what is missing.",
    ),
    (
        "assertion",
        "Change behaviour and its tests in the same change, and keep each test to one behaviour so that a failed assertion points at one cause.",
    ),
    (
        "unknown",
        "Read the traceback from the innermost project frame, and when the cause is a new kind of failure, record it as a category so it is recognised next time.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CATALOG;

    #[test]
    fn every_category_has_a_guideline() {
        for category in CATALOG {
            assert!(guideline(category.id).is_some(), "{} has no guideline", category.id);
        }
        for (id, _) in GUIDELINES {
            assert!(CATALOG.iter().any(|c| c.id == *id), "{id} is not a category");
        }
    }
}
