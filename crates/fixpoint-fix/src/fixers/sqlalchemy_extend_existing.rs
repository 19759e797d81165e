//! `FP001` sqlalchemy-extend-existing.
//!
//! ## What it does
//! Deals with `Table 'x' is already defined for this MetaData instance`, in
//! the files the failure's traceback passes through:
//! - when the cause is a model module imported under a second name (a
//!   `from models.roll_log import ...` next to the package's own
//!   `dreamforge.models.roll_log`, because a directory inside the package is
//!   also on `sys.path`), it rewrites that import to the module's one real
//!   name: the module then runs once, and the table is defined once;
//! - and it offers (unsafe) `extend_existing=True` in that model's
//!   `__table_args__`: merged into an existing dict, into the trailing dict of
//!   a tuple, or a new `__table_args__`;
//! - when a Core `Table("x", metadata, ...)` is defined twice alike, it adds
//!   `extend_existing=True` to the `Table(...)` call;
//! - when two declarative classes map the same table, it explains the
//!   conflict and changes nothing: `extend_existing` there would let the
//!   second class silently take over the first one's table, and foreign keys
//!   and flushes would fail later.
//!
//! ## Why
//! The error takes down every test module that imports the model.
//!
//! ## Example
//! ```python
//! from models.roll_log import RollLog
//! ```
//! becomes
//! ```python
//! from dreamforge.models.roll_log import RollLog
//! ```
//!
//! ## Fix safety
//! Rewriting the import is safe: it names the same file. It is done only
//! when that module defines tables (a module without any does no harm by
//! running twice). `extend_existing`
//! on a Core table is safe; on a declarative class it is unsafe (offered
//! only where one class maps the table). Two classes on one table are
//! reported only.

use fixpoint_core::FixerCode;
use fixpoint_python::ModuleSummary;
use fixpoint_python::ast::{Expr, Stmt};
use fixpoint_python::parser::parse_module;
use fixpoint_python::text_size::Ranged;

use super::{FailureView, FixContext, Fixer, ProjectFacts, Target};
use crate::{Applicability, Edit, Fix};

/// Handles a table defined twice on one MetaData.
pub struct SqlalchemyExtendExisting;

/// The (table, class) of each `__tablename__ = "x"` class of one module,
/// already parsed from `source`, in the order of the module.
pub(super) fn tables_in(source: &str, suite: &[Stmt]) -> Vec<(String, String)> {
    let mut tables = Vec::new();
    if !source.contains("__tablename__") {
        return tables;
    }
    for statement in suite {
        let Stmt::ClassDef(class) = statement else { continue };
        for member in &class.body {
            let Stmt::Assign(assign) = member else { continue };
            let named = assign
                .targets
                .iter()
                .any(|t| matches!(t, Expr::Name(n) if n.id.as_str() == "__tablename__"));
            if let (true, Expr::StringLiteral(table)) = (named, assign.value.as_ref()) {
                tables.push((table.value.to_str().to_owned(), class.name.as_str().to_owned()));
            }
        }
    }
    tables
}

/// Whether the module at `path` (a package: any module in it) defines
/// tables: a declarative class, or a Core `Table(...)` in a module that
/// imports SQLAlchemy.
fn defines_tables(context: &FixContext<'_>, path: &str) -> bool {
    let package = path.strip_suffix("__init__.py");
    let within = |file: &str| file == path || package.is_some_and(|dir| file.starts_with(dir));
    context.tables.values().flatten().any(|(_, file)| within(file))
        || context.sources.iter().any(|(file, source)| {
            within(file)
                && source.contains("Table(")
                && parse_module(source)
                    .is_ok_and(|parsed| fixpoint_python::imports_any(parsed.suite(), &["sqlalchemy"]))
        })
}

impl Fixer for SqlalchemyExtendExisting {
    fn code(&self) -> FixerCode {
        FixerCode::SqlalchemyExtendExisting
    }

    /// The table a `sqlalchemy-table-redefined` failure names, in every
    /// project file its traceback passes through.
    fn targets(&self, failure: &FailureView<'_>, _facts: &ProjectFacts) -> Vec<Target> {
        if failure.category != "sqlalchemy-table-redefined" {
            return Vec::new();
        }
        let table = failure.messages().into_iter().find_map(|message| {
            let rest = &message[message.find("Table '")? + 7..];
            Some(rest[..rest.find('\'')?].to_owned())
        });
        table.map_or_else(Vec::new, |table| failure.frame_targets(self.code(), &table))
    }

    fn fixes(&self, path: &str, source: &str, module: &ModuleSummary, context: &FixContext<'_>) -> Vec<Fix> {
        let tables: Vec<&str> = context
            .targets
            .iter()
            .filter(|t| t.code == self.code() && t.path == path)
            .map(|t| t.name.as_str())
            .collect();
        if tables.is_empty() {
            return Vec::new();
        }
        let mut fixes = Vec::new();
        // 1. A model module imported under a second name.
        // Only a module that defines tables runs twice to any harm here.
        for import in module.imports.iter().filter(|i| i.level == 0) {
            let names: Vec<&str> = match &import.from {
                Some(from) => vec![from.as_str()],
                None => import.names.iter().map(|n| n.name.as_str()).collect(),
            };
            for name in names {
                if context.modules.iter().any(|(c, _)| c == name) {
                    continue;
                }
                let suffix = format!(".{name}");
                let real: Vec<&(String, String)> =
                    context.modules.iter().filter(|(c, _)| c.ends_with(&suffix)).collect();
                if let [(real, real_path)] = real.as_slice()
                    && defines_tables(context, real_path)
                {
                    let text = &source[import.start..import.end];
                    let Some(at) = text.find(name) else { continue };
                    let start = import.start + at;
                    fixes.push(
                        Fix::new(self.code().id(), Applicability::Safe, vec![Edit::replacement(start, start + name.len(), real.as_str())])
                            .with_message(format!(
                                "import `{real}` by its one name, not as `{name}`: the module ran twice and defined its tables twice"
                            )),
                    );
                }
            }
        }
        if !fixes.is_empty() {
            return fixes;
        }
        // 2. Two declarative classes on one table: explain, change nothing.
        let declarative = context.tables;
        for table in tables.iter().filter(|table| !table.is_empty()) {
            if let Some(classes) = declarative.get(*table).filter(|classes| classes.len() > 1) {
                if classes.iter().any(|(_, file)| file == path) {
                    let listed: Vec<String> = classes
                        .iter()
                        .map(|(class, file)| format!("`{class}` ({file})"))
                        .collect();
                    fixes.push(Fix::new(self.code().id(), Applicability::DisplayOnly, Vec::new()).with_message(format!(
                        "{} {} map table `{table}`: extend_existing=True would let one silently break the other's mapper; give each its own table",
                        listed.join(" and "),
                        if listed.len() == 2 { "both" } else { "all" }
                    )));
                }
                continue;
            }
            // 3. One declarative class whose module ran twice: the import fix is
            // the real one; `extend_existing` in `__table_args__` is offered.
            if let Some(classes) = declarative
                .get(*table)
                .filter(|classes| classes.len() == 1 && classes[0].1 == path)
            {
                if let Some(fix) = table_args_fix(self.code().id(), source, &classes[0].0) {
                    fixes.push(fix);
                }
                continue;
            }
            // 4. A Core Table defined twice alike: extend_existing is harmless.
            let Ok(parsed) = parse_module(source) else { continue };
            let mut calls = TableCalls {
                table,
                found: Vec::new(),
            };
            fixpoint_python::ast::visitor::Visitor::visit_body(&mut calls, parsed.suite());
            for (end, has_keyword) in calls.found {
                if !has_keyword {
                    fixes.push(
                        Fix::new(
                            self.code().id(),
                            Applicability::Safe,
                            vec![Edit::insertion(end, ", extend_existing=True")],
                        )
                        .with_message(format!(
                            "Table(\"{table}\") defined twice alike: add extend_existing=True"
                        )),
                    );
                }
            }
        }
        fixes
    }
}

/// `extend_existing` for one declarative class: merged into its
/// `__table_args__` dict (or the trailing dict of a tuple), or a new one.
fn table_args_fix(code: &str, source: &str, class_name: &str) -> Option<Fix> {
    let parsed = parse_module(source).ok()?;
    let class = parsed.suite().iter().find_map(|s| match s {
        Stmt::ClassDef(class) if class.name.as_str() == class_name => Some(class),
        _ => None,
    })?;
    let assigned = |name: &str| {
        class.body.iter().find_map(|member| match member {
            Stmt::Assign(assign)
                if assign
                    .targets
                    .iter()
                    .any(|t| matches!(t, Expr::Name(n) if n.id.as_str() == name)) =>
            {
                Some(assign)
            }
            _ => None,
        })
    };
    let entry = "\"extend_existing\": True";
    let edit = if let Some(args) = assigned("__table_args__") {
        let text = &source[args.value.range().start().to_usize()..args.value.range().end().to_usize()];
        if text.contains("extend_existing") {
            return None;
        }
        match args.value.as_ref() {
            Expr::Dict(dict) => Edit::insertion(dict.range.start().to_usize() + 1, format!("{entry}, ")),
            Expr::Tuple(tuple) => match tuple.elts.last() {
                Some(Expr::Dict(dict)) => Edit::insertion(dict.range.start().to_usize() + 1, format!("{entry}, ")),
                Some(last) => Edit::insertion(last.range().end().to_usize(), format!(", {{{entry}}}")),
                None => return None,
            },
            _ => return None,
        }
    } else {
        let tablename = assigned("__tablename__")?;
        let end = source[tablename.range.end().to_usize()..]
            .find('\n')
            .map_or(source.len(), |at| tablename.range.end().to_usize() + at + 1);
        let start = source[..tablename.range.start().to_usize()]
            .rfind('\n')
            .map_or(0, |at| at + 1);
        let indent = &source[start..tablename.range.start().to_usize()];
        Edit::insertion(end, format!("{indent}__table_args__ = {{{entry}}}\n"))
    };
    Some(Fix::new(code, Applicability::Unsafe, vec![edit]).with_message(format!(
        "offered: extend_existing=True in `{class_name}.__table_args__` (the real fix is importing its module under one name)"
    )))
}

/// `Table("name", ...)` calls: where their last argument ends, and whether
/// they already say `extend_existing`.
struct TableCalls<'t> {
    table: &'t str,
    found: Vec<(usize, bool)>,
}

impl<'a> fixpoint_python::ast::visitor::Visitor<'a> for TableCalls<'_> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr {
            let is_table = matches!(call.func.as_ref(), Expr::Name(n) if n.id.as_str() == "Table")
                || matches!(call.func.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "Table");
            let named =
                matches!(call.arguments.args.first(), Some(Expr::StringLiteral(s)) if s.value.to_str() == self.table);
            if is_table && named {
                let last = call
                    .arguments
                    .keywords
                    .iter()
                    .map(|k| k.range().end())
                    .chain(call.arguments.args.iter().map(Ranged::end))
                    .max();
                if let Some(end) = last {
                    let has = call
                        .arguments
                        .keywords
                        .iter()
                        .any(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "extend_existing"));
                    self.found.push((end.to_usize(), has));
                }
            }
        }
        fixpoint_python::ast::visitor::walk_expr(self, expr);
    }
}
