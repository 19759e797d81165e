//! Statements of a module at any depth, for the fixers that look inside
//! functions, classes and blocks.

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
