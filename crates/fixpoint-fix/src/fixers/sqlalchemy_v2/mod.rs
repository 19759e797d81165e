//! `FP009` sqlalchemy-v2.
//!
//! ## What it does
//! Moves a module's SQLAlchemy 1.x calls to the 2.0 API, where SQLAlchemy
//! 1.4 already accepts the new form (so the rewritten code runs on both):
//! - `select([a, b])` → `select(a, b)`, with the positional `whereclause`
//!   and the `from_obj=`, `order_by=`, `group_by=`, `having=`,
//!   `distinct=True`, `limit=` and `offset=` keywords as methods
//!   (`.where(...)`, `.select_from(...)`, ...); `exists([...])`,
//!   `case([...])` and `.with_only_columns([...])` likewise;
//! - `table.select(whereclause)`, `table.update(whereclause, values)`,
//!   `table.delete(whereclause)`, `table.insert(values)` on a known `Table`
//!   → `.where(...)` / `.values(...)`;
//! - `conn.execute(stmt, a=1)` → `conn.execute(stmt, {"a": 1})`;
//! - `engine.table_names()` → `inspect(engine).get_table_names()`,
//!   `engine.has_table(name)` → `inspect(engine).has_table(name)`;
//! - bound metadata: `MetaData(bind=engine)` / `MetaData(engine)` and
//!   `declarative_base(bind=engine)` lose the bind, and in the same module
//!   that metadata's `create_all()`, `drop_all()` and `reflect()` get the
//!   engine, its `Table(..., autoload=True)` gets `autoload_with=engine`;
//! - `autoload=True` beside `autoload_with=` is dropped;
//! - names that moved or went: `sqlalchemy.ext.declarative`'s
//!   `declarative_base`, `declared_attr`, `as_declarative`, `DeclarativeMeta`
//!   → `sqlalchemy.orm`; `relation` → `relationship`, `eagerload` →
//!   `joinedload`, `Binary` → `LargeBinary` (imported under the old name);
//! - where a test's traceback under 2.0 points at a line (`fixpoint migrate
//!   sqlalchemy` runs the tests, see `lines.rs`): a string run on a
//!   `Connection` → `conn.exec_driver_sql(...)`, on a `Session` → wrapped in
//!   `text(...)`; `row["col"]`, `row.keys()` and `dict(row)` on a `Row` →
//!   through `row._mapping`; `table.select(where)` and friends on any
//!   receiver.
//!
//! What needs a decision is reported, not rewritten: `engine.execute(...)`
//! (connectionless execution; run it on a connection, `with
//! engine.begin() as conn:`), `autocommit=True` on sessions, bound metadata
//! used from another module.
//!
//! ## Why
//! SQLAlchemy 2.0 removed the 1.x forms: the failures come as a wall of
//! `ArgumentError`s and `TypeError`s, often one construct (a conftest's
//! `select([...])`, `MetaData(engine)` read as a schema name) taking a whole
//! suite down.
//!
//! ## Example
//! ```python
//! rows = conn.execute(select([users.c.name], users.c.id == 1))
//! ```
//! becomes
//! ```python
//! rows = conn.execute(select(users.c.name).where(users.c.id == 1))
//! ```
//!
//! ## Fix safety
//! Safe where the call is known to be SQLAlchemy's: `select`, `case`,
//! `exists`, `MetaData`, `Table` imported from SQLAlchemy (or reached
//! through `import sqlalchemy as sa`), a name assigned from `Table(...)`,
//! and the lines a traceback showed SQLAlchemy refusing. A bind that is not
//! a plain name (or `self.name`) is unsafe. Code in string literals is data
//! and is never rewritten. A module that does not import SQLAlchemy is not
//! touched, and code already on 2.0 gives nothing, so a second run changes
//! nothing.

use std::collections::{BTreeMap, BTreeSet};

use fixpoint_core::FixerCode;
use fixpoint_python::ModuleSummary;
use fixpoint_python::ast::{Expr, ExprCall, Stmt};
use fixpoint_python::text_size::Ranged;

use super::{FailureView, FixContext, Fixer, ProjectFacts, Target};
use crate::{Applicability, Edit, Fix};

mod bind;
mod calls;
mod imports;
mod lines;

/// Moves SQLAlchemy 1.x calls to the 2.0 API.
pub struct SqlalchemyV2;

/// The triage categories whose failures point FP009 at a file (and, for
/// some, at a line).
pub const CATEGORIES: &[&str] = &[
    "sqlalchemy-select-list",
    "sqlalchemy-textual-sql",
    "sqlalchemy-row-mapping",
    "sqlalchemy-connectionless",
    "sqlalchemy-bound-metadata",
    "sqlalchemy-autoload",
    "sqlalchemy-execute-keywords",
    "sqlalchemy-removed-name",
    "sqlalchemy-legacy-where",
    "sqlalchemy-classical-mapper",
    "sqlalchemy-session-transaction",
];

/// The modules whose names bind SQLAlchemy's public functions.
const SQLALCHEMY_MODULES: &[&str] = &[
    "sqlalchemy",
    "sqlalchemy.sql",
    "sqlalchemy.sql.expression",
    "sqlalchemy.future",
    "sqlalchemy.orm",
    "sqlalchemy.schema",
    "sqlalchemy.engine",
];

/// What a module's imports bind of SQLAlchemy.
struct Names {
    /// Local name → SQLAlchemy function it is (`sa_select` → `select`).
    functions: BTreeMap<String, String>,
    /// Local names of SQLAlchemy modules (`sa`, `sqlalchemy`, `orm`).
    modules: BTreeSet<String>,
}

impl Names {
    fn of(module: &ModuleSummary) -> Self {
        let mut names = Self {
            functions: BTreeMap::new(),
            modules: BTreeSet::new(),
        };
        for import in module.imports.iter().filter(|import| import.level == 0) {
            match import.from.as_deref() {
                Some(from) if SQLALCHEMY_MODULES.contains(&from) => {
                    for name in &import.names {
                        let local = name.bound().to_owned();
                        if from == "sqlalchemy" && matches!(name.name.as_str(), "sql" | "orm" | "schema" | "future") {
                            names.modules.insert(local);
                        } else {
                            names.functions.insert(local, name.name.clone());
                        }
                    }
                }
                Some(_) => {}
                None => {
                    for name in &import.names {
                        if name.name == "sqlalchemy" || name.name.starts_with("sqlalchemy.") {
                            names.modules.insert(name.bound().to_owned());
                        }
                    }
                }
            }
        }
        // A name the module binds again (`def select(...)`, `from mylib
        // import select`) may not be SQLAlchemy's where it is called.
        names
            .functions
            .retain(|local, _| module.defined.iter().filter(|name| *name == local).count() == 1);
        names
    }

    /// Whether `func` is SQLAlchemy's `name`: imported by it, or an
    /// attribute of a SQLAlchemy module (`sa.select`, `sqlalchemy.sql.select`).
    fn is(&self, func: &Expr, name: &str) -> bool {
        match func {
            Expr::Name(local) => self.functions.get(local.id.as_str()).is_some_and(|f| f == name),
            Expr::Attribute(attribute) => attribute.attr.as_str() == name && self.is_module(&attribute.value),
            _ => false,
        }
    }

    fn is_module(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Name(local) => self.modules.contains(local.id.as_str()),
            Expr::Attribute(attribute) => self.is_module(&attribute.value),
            _ => false,
        }
    }

    /// The expression that names SQLAlchemy's `name` in this module, and
    /// the import it needs (none when the module already has it).
    fn spelling(&self, name: &'static str, module: &ModuleSummary) -> (String, Option<&'static str>) {
        if let Some((local, _)) = self.functions.iter().find(|(_, f)| f.as_str() == name) {
            return (local.clone(), None);
        }
        if !module.binds(name) {
            return (name.to_owned(), Some(name));
        }
        match self.modules.iter().find(|m| !m.contains('.') && module.binds(m)) {
            Some(alias) if Self::top_level_alias(alias, module) => (format!("{alias}.{name}"), None),
            _ => (format!("sqlalchemy_{name}"), Some(name)),
        }
    }

    /// Whether `alias` names the `sqlalchemy` package itself (`import sqlalchemy as sa`).
    fn top_level_alias(alias: &str, module: &ModuleSummary) -> bool {
        module.imports.iter().any(|import| {
            import.from.is_none()
                && import
                    .names
                    .iter()
                    .any(|n| n.bound() == alias && n.name == "sqlalchemy")
        })
    }
}

struct Work<'s> {
    source: &'s str,
    module: &'s ModuleSummary,
    names: Names,
    fixes: Vec<Fix>,
    /// For each fix, the SQLAlchemy names it imports (`text`, `inspect`).
    needs: Vec<Vec<&'static str>>,
    /// Starts of the calls already rewritten (one fix per call and pass).
    taken: BTreeSet<usize>,
    /// The project's files (path, source): read only where a `Table(...,
    /// autoload=True)` has no bind in sight (see [`Work::binds_metadata`]).
    sources: &'s [(String, String)],
}

impl Work<'_> {
    fn text(&self, range: impl Ranged) -> &str {
        &self.source[range.start().to_usize()..range.end().to_usize()]
    }

    fn push(&mut self, applicability: Applicability, edits: Vec<Edit>, message: String, needs: Vec<&'static str>) {
        self.fixes
            .push(Fix::new(FixerCode::SqlalchemyV2.id(), applicability, edits).with_message(message));
        self.needs.push(needs);
    }

    /// Some file of the project binds metadata to an engine (`MetaData(bind=`,
    /// `metadata.bind = ...`): a `Table(..., autoload=True)` with no bind in
    /// sight may have reflected through it.
    fn binds_metadata(&self) -> bool {
        self.sources.iter().any(|(_, text)| {
            ["MetaData(bind", "declarative_base(bind", ".bind = ", ".bind="]
                .iter()
                .any(|pattern| text.contains(pattern))
        })
    }

    /// A note at `at` with no change: what needs a person.
    fn report(&mut self, at: usize, message: String) {
        self.push(
            Applicability::DisplayOnly,
            vec![Edit::insertion(at, "")],
            message,
            Vec::new(),
        );
    }

    /// Whether the text between two offsets holds a comment, which a
    /// rewrite of that range would lose.
    fn has_comment(&self, start: usize, end: usize) -> bool {
        self.source[start..end].contains('#')
    }
}

/// Every call of the module, at any depth, in source order.
fn calls_in(suite: &[Stmt]) -> Vec<&ExprCall> {
    super::statements::expressions(suite, |expr| match expr {
        Expr::Call(call) => Some(call),
        _ => None,
    })
}

/// Every attribute expression of the module (`x.y`), at any depth.
fn attributes_in(suite: &[Stmt]) -> Vec<&fixpoint_python::ast::ExprAttribute> {
    super::statements::expressions(suite, |expr| match expr {
        Expr::Attribute(attribute) => Some(attribute),
        _ => None,
    })
}

/// A keyword argument's value by name.
fn keyword<'a>(call: &'a ExprCall, name: &str) -> Option<&'a fixpoint_python::ast::Keyword> {
    call.arguments
        .keywords
        .iter()
        .find(|k| k.arg.as_ref().is_some_and(|arg| arg.as_str() == name))
}

/// Whether the module imports SQLAlchemy anywhere in it.
fn uses_sqlalchemy(suite: &[Stmt]) -> bool {
    fixpoint_python::imports_any(suite, &["sqlalchemy"])
}

impl Fixer for SqlalchemyV2 {
    fn code(&self) -> FixerCode {
        FixerCode::SqlalchemyV2
    }

    /// The file (and, where the category names a construct at a line, the
    /// line) a SQLAlchemy 2.0 failure was raised at.
    fn targets(&self, failure: &FailureView<'_>, facts: &ProjectFacts) -> Vec<Target> {
        if !CATEGORIES.contains(&failure.category) {
            return Vec::new();
        }
        let mut targets: Vec<Target> = failure
            .project_frames()
            .into_iter()
            .map(|frame| Target {
                code: self.code(),
                path: frame.path,
                name: String::new(),
            })
            .collect();
        targets.extend(lines::line_target(failure, facts));
        targets.dedup();
        targets
    }

    fn fixes(&self, path: &str, source: &str, module: &ModuleSummary, context: &FixContext<'_>) -> Vec<Fix> {
        let mine: Vec<&Target> = context
            .targets
            .iter()
            .filter(|t| t.code == self.code() && t.path == path)
            .collect();
        if mine.is_empty() {
            return Vec::new();
        }
        let Some(suite) = super::statements::suite_of(module, source) else {
            return Vec::new();
        };
        let suite = &*suite;
        let mut work = Work {
            source,
            module,
            names: Names::of(module),
            fixes: Vec::new(),
            needs: Vec::new(),
            taken: BTreeSet::new(),
            sources: context.sources,
        };
        let calls = calls_in(suite);
        // A line a traceback showed SQLAlchemy refusing is converted even in
        // a module that does not import it (a test reading a row it got
        // from the project's code).
        for target in mine.iter().filter(|t| !t.name.is_empty()) {
            lines::convert_line(&mut work, suite, &calls, &target.name);
        }
        if uses_sqlalchemy(suite) {
            imports::move_names(&mut work, suite);
            bind::convert_bound_metadata(&mut work, suite, &calls);
            calls::convert_calls(&mut work, suite, &calls);
        }
        // Each fix brings the SQLAlchemy names its code uses (`orm.registry`
        // is `registry` from `sqlalchemy.orm`).
        for (fix, needs) in work.fixes.iter_mut().zip(&work.needs) {
            if fix.edits.is_empty() {
                continue;
            }
            for source_module in ["sqlalchemy", "sqlalchemy.orm"] {
                let missing: Vec<String> = needs
                    .iter()
                    .filter_map(|need| match need.strip_prefix("orm.") {
                        Some(name) => (source_module == "sqlalchemy.orm").then_some(name),
                        None => (source_module == "sqlalchemy").then_some(*need),
                    })
                    .map(|name| {
                        if module.binds(name) {
                            format!("{name} as sqlalchemy_{name}")
                        } else {
                            name.to_owned()
                        }
                    })
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                fix.edits
                    .push(super::statements::import_names(source, module, source_module, &missing));
            }
        }
        work.fixes
    }
}
