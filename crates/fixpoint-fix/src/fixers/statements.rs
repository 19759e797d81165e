//! Statements and expressions of a module at any depth, for the fixers that
//! look inside functions, classes and blocks; and the edit that imports a name.

use fixpoint_python::ast::{Expr, Stmt};

/// Every statement of the module that `pick` takes, at any depth (inside
/// functions, classes, `if`, `try`): tests define their models inside test
/// functions, and imports sit under `if TYPE_CHECKING:`.
pub(super) fn statements<'a, T>(suite: &'a [Stmt], pick: fn(&'a Stmt) -> Option<&'a T>) -> Vec<&'a T> {
    struct Collect<'a, T> {
        pick: fn(&'a Stmt) -> Option<&'a T>,
        found: Vec<&'a T>,
    }
    impl<'a, T> fixpoint_python::ast::visitor::Visitor<'a> for Collect<'a, T> {
        fn visit_stmt(&mut self, statement: &'a Stmt) {
            self.found.extend((self.pick)(statement));
            fixpoint_python::ast::visitor::walk_stmt(self, statement);
        }

        fn visit_expr(&mut self, _: &'a Expr) {}
    }
    let mut collect = Collect {
        pick,
        found: Vec::new(),
    };
    fixpoint_python::ast::visitor::Visitor::visit_body(&mut collect, suite);
    collect.found
}

/// The module of an absolute `from module import ...` (none for a relative one).
pub(super) fn absolute_module(import: &fixpoint_python::ast::StmtImportFrom) -> Option<&str> {
    import
        .module
        .as_ref()
        .map(fixpoint_python::ast::Identifier::as_str)
        .filter(|_| import.level == 0)
}

/// Every expression of the module that `pick` takes, at any depth, in
/// source order (code only: string literals are data the parser never reads
/// as code).
pub(super) fn expressions<'a, T>(suite: &'a [Stmt], pick: fn(&'a Expr) -> Option<&'a T>) -> Vec<&'a T> {
    struct Collect<'a, T> {
        pick: fn(&'a Expr) -> Option<&'a T>,
        found: Vec<&'a T>,
    }
    impl<'a, T> fixpoint_python::ast::visitor::Visitor<'a> for Collect<'a, T> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            self.found.extend((self.pick)(expr));
            fixpoint_python::ast::visitor::walk_expr(self, expr);
        }
    }
    let mut collect = Collect {
        pick,
        found: Vec::new(),
    };
    fixpoint_python::ast::visitor::Visitor::visit_body(&mut collect, suite);
    collect.found
}

/// The edit that imports `names` from `source_module`: added to the
/// module's `from source_module import ...` when it has one, else a new
/// import where imports belong, ended as the file's lines are (`\r\n` in a
/// CRLF file).
pub(super) fn import_names(
    source: &str,
    module: &fixpoint_python::ModuleSummary,
    source_module: &str,
    names: &[String],
) -> crate::Edit {
    let newline = if source.contains("\r\n") { "\r\n" } else { "\n" };
    match module.from_import(source_module) {
        Some(existing) => crate::Edit::insertion(
            existing.names.last().map_or(existing.end, |n| n.end),
            format!(", {}", names.join(", ")),
        ),
        None => crate::Edit::insertion(
            module.insert_at,
            format!("from {source_module} import {}{newline}", names.join(", ")),
        ),
    }
}

/// A module's statements: the engine's parse of this pass, shared by the
/// fixers, or (for a summary built by hand, without its tree) a parse of
/// its own.
pub(super) enum Suite<'a> {
    Shared(&'a [Stmt]),
    Parsed(fixpoint_python::ast::ModModule),
}

impl std::ops::Deref for Suite<'_> {
    type Target = [Stmt];

    fn deref(&self) -> &[Stmt] {
        match self {
            Suite::Shared(suite) => suite,
            Suite::Parsed(module) => &module.body,
        }
    }
}

/// The statements of `module` (read from `source`); none when it does not parse.
pub(super) fn suite_of<'a>(module: &'a fixpoint_python::ModuleSummary, source: &str) -> Option<Suite<'a>> {
    match module.suite() {
        Some(suite) => Some(Suite::Shared(suite)),
        None => fixpoint_python::parse(source).ok().map(Suite::Parsed),
    }
}
