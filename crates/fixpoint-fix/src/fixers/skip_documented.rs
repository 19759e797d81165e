//! `FP006` skip-documented.
//!
//! ## What it does
//! Marks a test that still fails for a known pattern with
//! `@pytest.mark.xfail(strict=True, reason="...")` (`skip` for one that hangs
//! or crashes, which cannot run at all; `strict=False` for a flaky one, which
//! passes as often as not), the reason naming the pattern, its category and
//! the category's documentation, and adds `import pytest` when the module
//! lacks it. Opt-in: it
//! runs only when selected by name (`--select FP006`).
//!
//! ## Why
//! A suite with a few known, understood failures left should go green so
//! that the next regression stands out, without hiding those failures:
//! `strict=True` fails the test again the moment it starts passing, and the
//! reason says which pattern to fix.
//!
//! ## Example
//! ```python
//! @pytest.mark.xfail(strict=True, reason="fixpoint: assertion (pattern P427268; https://github.com/fixpoint-dev/fixpoint/blob/main/docs/categories.md#assertion)")
//! def test_modifier_is_added_once():
//! ```
//!
//! ## Fix safety
//! Unsafe, and opt-in: it changes what the suite checks. A test already
//! marked by fixpoint is left alone, so a second run changes nothing.

use fixpoint_core::FixerCode;
use fixpoint_python::ModuleSummary;
use fixpoint_python::parser::parse_module;

use super::marks::{decorated_with, decorator_insertion, import_pytest, test_functions};
use super::{FailureView, FixContext, Fixer, ProjectFacts, Target};
use crate::{Applicability, Fix};

/// Marks known failures `xfail(strict=True)` with the pattern as reason.
pub struct SkipDocumented;

impl Fixer for SkipDocumented {
    fn code(&self) -> FixerCode {
        FixerCode::SkipDocumented
    }

    /// Every failing test triage filed, named `function|reason` with the
    /// pattern, its category and the category's documentation.
    fn targets(&self, failure: &FailureView<'_>, _facts: &ProjectFacts) -> Vec<Target> {
        let Some((path, function)) = failure
            .test
            .nodeid
            .split_once("::")
            .filter(|_| !failure.category.is_empty())
        else {
            return Vec::new();
        };
        let function = function.split('[').next().unwrap_or(function);
        vec![Target {
            code: self.code(),
            path: path.to_owned(),
            name: format!(
                "{function}|{} (pattern {}; {})",
                failure.category,
                failure.pattern,
                fixpoint_core::category_docs_url(failure.category)
            ),
        }]
    }

    fn fixes(&self, path: &str, source: &str, module: &ModuleSummary, context: &FixContext<'_>) -> Vec<Fix> {
        // Targets name `Class::test_name|reason` or `test_name|reason`.
        let wanted: Vec<(&str, &str)> = context
            .targets
            .iter()
            .filter(|t| t.code == self.code() && t.path == path)
            .filter_map(|t| t.name.split_once('|'))
            .collect();
        if wanted.is_empty() {
            return Vec::new();
        }
        let Ok(parsed) = parse_module(source) else {
            return Vec::new();
        };
        let mut edits = Vec::new();
        let mut messages = Vec::new();
        for (qualified, function) in test_functions(parsed.suite()) {
            let Some((_, reason)) = wanted.iter().find(|(name, _)| *name == qualified) else {
                continue;
            };
            if decorated_with(source, function, "fixpoint:") {
                continue;
            }
            // A test that hangs or crashes cannot run as an expected failure:
            // skip it. A flaky one passes as often as not: a strict xfail
            // would fail every time it passes.
            let (marker, shown) = if reason.starts_with("timeout") || reason.starts_with("crashed") {
                ("skip(", "skip")
            } else if reason.starts_with("flaky") {
                ("xfail(strict=False, ", "xfail(strict=False)")
            } else {
                ("xfail(strict=True, ", "xfail(strict=True)")
            };
            let reason = reason.replace('\\', "\\\\").replace('"', "\\\"");
            edits.push(decorator_insertion(
                source,
                function,
                &format!("pytest.mark.{marker}reason=\"fixpoint: {reason}\")"),
            ));
            messages.push(format!("mark `{qualified}` {shown}: {reason} (remaining work)"));
        }
        if edits.is_empty() {
            return Vec::new();
        }
        import_pytest(module, &mut edits);
        vec![Fix::new(self.code().id(), Applicability::Unsafe, edits).with_message(messages.join("\n"))]
    }
}
