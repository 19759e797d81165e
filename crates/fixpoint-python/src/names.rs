//! Names a module loads but binds nowhere: the static half of finding a
//! missing import (the other half is the `NameError`s of a run).

use std::collections::{BTreeMap, HashSet};

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{ExceptHandler, Expr, ExprContext, Parameter, Stmt};
use ruff_text_size::Ranged;

use crate::SyntaxError;

#[derive(Default)]
struct Names<'a> {
    bound: HashSet<&'a str>,
    loaded: BTreeMap<&'a str, usize>,
}

impl<'a> Visitor<'a> for Names<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(function) => {
                self.bound.insert(function.name.as_str());
            }
            Stmt::ClassDef(class) => {
                self.bound.insert(class.name.as_str());
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let bound = alias.asname.as_ref().map_or_else(
                        || alias.name.as_str().split('.').next().unwrap_or_default(),
                        |a| a.as_str(),
                    );
                    self.bound.insert(bound);
                }
            }
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    self.bound.insert(alias.asname.as_ref().unwrap_or(&alias.name).as_str());
                }
            }
            Stmt::Global(global) => self
                .bound
                .extend(global.names.iter().map(ruff_python_ast::Identifier::as_str)),
            Stmt::Nonlocal(nonlocal) => self
                .bound
                .extend(nonlocal.names.iter().map(ruff_python_ast::Identifier::as_str)),
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Name(name) = expr {
            match name.ctx {
                ExprContext::Load => {
                    self.loaded
                        .entry(name.id.as_str())
                        .or_insert(name.range().start().to_usize());
                }
                ExprContext::Store | ExprContext::Del => {
                    self.bound.insert(name.id.as_str());
                }
                ExprContext::Invalid => {}
            }
        }
        visitor::walk_expr(self, expr);
    }

    fn visit_parameter(&mut self, parameter: &'a Parameter) {
        self.bound.insert(parameter.name.as_str());
        visitor::walk_parameter(self, parameter);
    }

    fn visit_except_handler(&mut self, handler: &'a ExceptHandler) {
        let ExceptHandler::ExceptHandler(inner) = handler;
        if let Some(name) = &inner.name {
            self.bound.insert(name.as_str());
        }
        visitor::walk_except_handler(self, handler);
    }
}

/// Names the module loads that nothing in it binds (in any scope: a name
/// bound anywhere counts as bound, so a local is never reported), with the
/// offset of their first use, in name order. Builtins are reported too:
/// callers decide which names they know how to import.
pub fn unbound_names(source: &str) -> Result<Vec<(String, usize)>, SyntaxError> {
    Ok(unbound_in(&crate::parse(source)?.body))
}

/// [`unbound_names`] of a module already parsed.
pub(crate) fn unbound_in(suite: &[Stmt]) -> Vec<(String, usize)> {
    let star_import = suite
        .iter()
        .any(|stmt| matches!(stmt, Stmt::ImportFrom(import) if import.names.iter().any(|a| a.name.as_str() == "*")));
    if star_import {
        // `from x import *` may bind anything: nothing is knowably missing.
        return Vec::new();
    }
    let mut names = Names::default();
    names.visit_body(suite);
    names
        .loaded
        .into_iter()
        .filter(|(name, _)| !names.bound.contains(name))
        .map(|(name, at)| (name.to_owned(), at))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names_bound_nowhere() {
        let source = "import os\nfrom datetime import datetime as dt\n\ndef archive(hoard, *args, **kw):\n    stamp = dt.now(timezone.utc)\n    for item in hoard:\n        total = Decimal(item)\n    try:\n        pass\n    except ValueError as error:\n        print(error, os.sep, [x for x in args], stamp, total)\n    return datetime\n";
        let names: Vec<String> = unbound_names(source).unwrap().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["Decimal", "ValueError", "datetime", "print", "timezone"]);
        assert!(unbound_names("from x import *\nprint(y)\n").unwrap().is_empty());
    }
}
