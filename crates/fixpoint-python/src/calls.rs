//! How a function is called across the project: what a stub's parameters
//! should be.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprCall};
use ruff_python_parser::parse_module;

/// One call's shape: positional arguments (with the name of the variable
/// passed, when it is a plain name) and keyword names.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallShape {
    pub positional: Vec<Option<String>>,
    pub keywords: Vec<String>,
}

struct Calls<'n> {
    name: &'n str,
    found: Vec<CallShape>,
}

impl<'a> Visitor<'a> for Calls<'_> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(ExprCall { func, arguments, .. }) = expr {
            let called = match func.as_ref() {
                Expr::Name(name) => name.id.as_str() == self.name,
                Expr::Attribute(attribute) => attribute.attr.as_str() == self.name,
                _ => false,
            };
            if called {
                self.found.push(CallShape {
                    positional: arguments
                        .args
                        .iter()
                        .map(|arg| match arg {
                            Expr::Name(name) => Some(name.id.as_str().to_owned()),
                            Expr::Attribute(attribute) => Some(attribute.attr.as_str().to_owned()),
                            _ => None,
                        })
                        .collect(),
                    keywords: arguments
                        .keywords
                        .iter()
                        .filter_map(|k| k.arg.as_ref().map(|a| a.as_str().to_owned()))
                        .collect(),
                });
            }
        }
        visitor::walk_expr(self, expr);
    }
}

/// Every call of `name` (as `name(...)` or `anything.name(...)`) in a source;
/// a source that does not parse has none.
pub fn call_sites(source: &str, name: &str) -> Vec<CallShape> {
    let Ok(parsed) = parse_module(source) else {
        return Vec::new();
    };
    let mut calls = Calls {
        name,
        found: Vec::new(),
    };
    calls.visit_body(parsed.suite());
    calls.found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_calls_by_name_and_attribute() {
        let source = "x = split_coins(total, len(party))\ny = loot.split_coins(10, party_size=3, rng=r)\nsplit_coins\n";
        let calls = call_sites(source, "split_coins");
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].positional, [Some("total".to_owned()), None]);
        assert_eq!(calls[1].keywords, ["party_size", "rng"]);
    }
}
