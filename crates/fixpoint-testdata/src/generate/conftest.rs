//! The fixture block of `tests/conftest.py`: a database session (unless the
//! project has one) and, per model, `<model>` (one row) and
//! `<model>_factory` (the factory), and per project seeder
//! `seeded_<name>` (the project's reference data, in the test's session for
//! SQLAlchemy), each only when no fixture of that name exists.

use std::fmt::Write as _;

use super::{Layout, factory_models, snake};
use crate::model::{Framework, ModelGraph};

/// The fixture names the block defines for a model.
pub fn fixture_names(model: &str) -> [String; 2] {
    let snake = snake(model);
    [snake.clone(), format!("{snake}_factory")]
}

pub fn render(graph: &ModelGraph, layout: &Layout) -> String {
    let models: Vec<_> = factory_models(graph)
        .into_iter()
        .filter(|m| m.framework != Framework::Prisma)
        .collect();
    let mut out = String::new();
    out.push_str("import os as _fixpoint_os\n\nimport pytest as _fixpoint_pytest\n\n");
    let _ = writeln!(out, "{}", layout.factories_import());
    let sqlalchemy = models.iter().any(|m| m.framework == Framework::Sqlalchemy);
    let exists = |name: &str| layout.existing_fixtures.contains(name);
    let session = layout
        .session_fixture
        .clone()
        .unwrap_or_else(|| "db_session".to_owned());
    if sqlalchemy {
        if layout.session_fixture.is_none() {
            out.push_str(
                r#"

@_fixpoint_pytest.fixture
def db_session():
    """A session on a fresh database with every model's table: in-memory SQLite,
    or the database `FIXPOINT_TESTDATA_DB` names (emptied afterwards)."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    url = _fixpoint_os.environ.get("FIXPOINT_TESTDATA_DB", "sqlite+pysqlite:///:memory:")
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    engine = create_engine(url)
    _factories.create_all(engine)
    session = Session(engine)
    try:
        yield session
    finally:
        session.rollback()
        session.close()
        _factories.drop_all(engine)
        engine.dispose()
"#,
            );
        }
        let _ = write!(
            out,
            r#"

@_fixpoint_pytest.fixture
def _fixpoint_factories({session}):
    """Binds the SQLAlchemy factories to the test's session."""
    _factories.Session.registry.set({session})
    yield {session}
    _factories.Session.registry.clear()
"#
        );
    }
    let rendered: Vec<&str> = models.iter().map(|m| m.name.as_str()).collect();
    for model in &models {
        let [one, many] = fixture_names(&model.name);
        let name = &model.name;
        let needs = if model.framework == Framework::Sqlalchemy {
            "_fixpoint_factories"
        } else {
            ""
        };
        if !exists(&one) {
            let _ = write!(
                out,
                "\n\n@_fixpoint_pytest.fixture\ndef {one}({needs}):\n    \"\"\"One {name}, made by its factory.\"\"\"\n    return _factories.{name}Factory()\n"
            );
        }
        if !exists(&many) {
            let _ = write!(
                out,
                "\n\n@_fixpoint_pytest.fixture\ndef {many}({needs}):\n    \"\"\"The {name} factory: `{many}(...)` makes one, `.create_batch(n)` many.\"\"\"\n    return _factories.{name}Factory\n"
            );
        }
    }
    for seeder in &graph.seeders {
        let fixture = &seeder.fixture;
        // Its models rendered: a SQLAlchemy seeder then has the session too.
        if exists(fixture) || !seeder.models.iter().all(|m| rendered.contains(&m.as_str())) {
            continue;
        }
        let (function, module) = (&seeder.function, &seeder.module);
        let data = seeder.models.join(", ");
        let _ = if seeder.framework == Framework::Sqlalchemy {
            write!(
                out,
                r#"

@_fixpoint_pytest.fixture
def {fixture}({session}):
    """The project's reference data for {data}: `{module}.{function}` run in the test's session, which it returns."""
    from {module} import {function} as _seed

    _seed({session})
    return {session}
"#
            )
        } else {
            write!(
                out,
                r#"

@_fixpoint_pytest.fixture
def {fixture}():
    """The project's reference data for {data}: what `{module}.{function}()` returns."""
    from {module} import {function} as _seed

    return _seed()
"#
            )
        };
    }
    out.push_str("\n\n# CUSTOM: fixtures\n# END CUSTOM\n");
    out
}
