//! Where a module uses each name: at run time, or only in the annotations of
//! its functions (which `from __future__ import annotations` never evaluates).

use std::collections::BTreeSet;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprContext, Stmt};

#[derive(Default)]
struct Usage<'a> {
    runtime: BTreeSet<&'a str>,
    annotations: BTreeSet<&'a str>,
    /// Inside a function's parameter or return annotation.
    in_annotation: bool,
}

impl<'a> Visitor<'a> for Usage<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        // Class-level annotations are read at run time by dataclasses,
        // Pydantic and SQLAlchemy: they count as run-time uses.
        if let Stmt::AnnAssign(assign) = stmt {
            let outer = self.in_annotation;
            self.in_annotation = false;
            self.visit_expr(&assign.annotation);
            self.in_annotation = outer;
            self.visit_expr(&assign.target);
            if let Some(value) = &assign.value {
                self.visit_expr(value);
            }
            return;
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_annotation(&mut self, expr: &'a Expr) {
        let outer = self.in_annotation;
        self.in_annotation = true;
        visitor::walk_annotation(self, expr);
        self.in_annotation = outer;
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Name(name) = expr
            && name.ctx == ExprContext::Load
        {
            if self.in_annotation {
                self.annotations.insert(name.id.as_str());
            } else {
                self.runtime.insert(name.id.as_str());
            }
        }
        visitor::walk_expr(self, expr);
    }
}

/// Names a module loads only inside function annotations (never at run
/// time, never in a class-level annotation); `None` when it does not parse.
pub fn annotation_only_names(source: &str) -> Option<BTreeSet<String>> {
    Some(annotation_only_in(&crate::parse(source).ok()?.body))
}

/// [`annotation_only_names`] of a module already parsed.
pub(crate) fn annotation_only_in(suite: &[Stmt]) -> BTreeSet<String> {
    let mut usage = Usage::default();
    usage.visit_body(suite);
    usage
        .annotations
        .difference(&usage.runtime)
        .map(|name| (*name).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_annotations_from_run_time_uses() {
        let source = "from a import A, B, C, D\n\ndef f(x: A) -> B:\n    return C(x)\n\nclass M:\n    field: D\n";
        let only: Vec<String> = annotation_only_names(source).unwrap().into_iter().collect();
        assert_eq!(only, ["A", "B"]);
    }
}
