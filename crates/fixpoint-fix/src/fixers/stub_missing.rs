//! `FP004` stub-missing.
//!
//! ## What it does
//! Writes a stub for a function that code imports or calls but nobody wrote:
//! the `X` of `ImportError: cannot import name 'X' from 'M'` and of
//! `AttributeError: module 'M' has no attribute 'X'`, in the project module
//! `M` (with the other names the same import asks of `M`). The stub's
//! parameters come from its call sites in the code and the tests; its body
//! raises `NotImplementedError` with a message that names it as a stub.
//!
//! ## Why
//! One missing function in a module stops every test module that imports
//! it from being collected: with the stub in place they run, and only the
//! tests of the missing function still fail, now saying what is missing.
//!
//! ## Example
//! `from dreamforge.services.loot import split_coins` with `split_coins(total, party_size)`
//! called in a test adds to `dreamforge/services/loot.py`:
//! ```python
//! def split_coins(total, party_size):
//!     """Not written yet: a stub fixpoint added (FP004) so that its callers import."""
//!     raise NotImplementedError("split_coins is a stub added by fixpoint (FP004): implement it")
//! ```
//!
//! ## Fix safety
//! Unsafe (applied with `--unsafe-fixes`): a stub is not an implementation,
//! and it stays listed as remaining work. A module that already defines the
//! name is left alone, so a second run changes nothing.

use std::fmt::Write as _;

use fixpoint_core::FixerCode;
use fixpoint_python::{ModuleSummary, call_sites};

use super::{FailureView, FixContext, Fixer, ProjectFacts, Target};
use crate::{Applicability, Edit, Fix};

/// Python's keywords: never a parameter name.
const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// Writes a stub for a missing function.
pub struct StubMissing;

/// `a, b, key=None` from the project's calls of `name`, or `*args, **kwargs`.
fn parameters(name: &str, context: &FixContext<'_>) -> String {
    let calls: Vec<_> = context
        .sources
        .iter()
        .flat_map(|(_, source)| call_sites(source, name))
        .collect();
    if calls.is_empty() {
        return "*args, **kwargs".to_owned();
    }
    let count = calls.iter().map(|c| c.positional.len()).max().unwrap_or(0);
    let mut names: Vec<String> = Vec::new();
    for index in 0..count {
        let found = calls
            .iter()
            .filter_map(|c| c.positional.get(index).cloned().flatten())
            .find(|candidate| !names.contains(candidate) && !KEYWORDS.contains(&candidate.as_str()));
        names.push(found.unwrap_or_else(|| format!("arg{}", index + 1)));
    }
    let mut keywords: Vec<String> = calls.iter().flat_map(|c| c.keywords.iter().cloned()).collect();
    keywords.sort();
    keywords.dedup();
    keywords.retain(|k| !names.contains(k));
    names
        .into_iter()
        .chain(keywords.into_iter().map(|k| format!("{k}=None")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `cannot import name 'X' from 'M'` and `module 'M' has no attribute 'X'` → (X, M).
fn missing_from_module(text: &str) -> Option<(&str, &str)> {
    let quoted = |rest: &str| -> Option<(usize, usize)> {
        let start = rest.find('\'')? + 1;
        let end = start + rest[start..].find('\'')?;
        Some((start, end))
    };
    if let Some(at) = text.find("cannot import name '") {
        let rest = &text[at + "cannot import name ".len()..];
        let (a, b) = quoted(rest)?;
        let after = &rest[b + 1..];
        let from = after.strip_prefix(" from ")?;
        let (c, d) = quoted(from)?;
        return Some((&rest[a..b], &from[c..d]));
    }
    let at = text.find("module '")?;
    let rest = &text[at + "module ".len()..];
    let (a, b) = quoted(rest)?;
    let after = rest[b + 1..].strip_prefix(" has no attribute ")?;
    let (c, d) = quoted(after)?;
    Some((&after[c..d], &rest[a..b]))
}

/// The project file of a dotted module name, if the project has it.
fn module_file(root: &std::path::Path, module: &str) -> Option<String> {
    let base = module.replace('.', "/");
    ["", "src/"]
        .iter()
        .flat_map(|prefix| [format!("{prefix}{base}.py"), format!("{prefix}{base}/__init__.py")])
        .find(|candidate| root.join(candidate).is_file())
}

impl Fixer for StubMissing {
    fn code(&self) -> FixerCode {
        FixerCode::StubMissing
    }

    /// The name a project module lacks, in that module, with the other
    /// names the same import asks of it.
    fn targets(&self, failure: &FailureView<'_>, facts: &ProjectFacts) -> Vec<Target> {
        let Some((name, module)) = failure.messages().into_iter().find_map(missing_from_module) else {
            return Vec::new();
        };
        let Some(path) = module_file(&facts.root, module) else {
            return Vec::new();
        };
        let target = |name: &str| Target {
            code: self.code(),
            path: path.clone(),
            name: name.to_owned(),
        };
        let mut targets = vec![target(name)];
        let read = |file: &str| std::fs::read_to_string(facts.root.join(file)).unwrap_or_default();
        if let (Ok(importer), Ok(provider)) = (
            fixpoint_python::summarize(&read(&failure.test.path)),
            fixpoint_python::summarize(&read(&path)),
        ) && let Some(import) = importer.from_import(module)
        {
            for wanted in import.names.iter().filter(|wanted| !provider.binds(&wanted.name)) {
                let more = target(&wanted.name);
                if !targets.contains(&more) {
                    targets.push(more);
                }
            }
        }
        targets
    }

    fn fixes(&self, path: &str, source: &str, module: &ModuleSummary, context: &FixContext<'_>) -> Vec<Fix> {
        let mut names: Vec<&str> = context
            .targets
            .iter()
            .filter(|t| t.code == self.code() && t.path == path && !t.name.is_empty() && !module.binds(&t.name))
            .map(|t| t.name.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        if names.is_empty() {
            return Vec::new();
        }
        let mut text = String::new();
        if !source.is_empty() && !source.ends_with('\n') {
            text.push('\n');
        }
        let mut messages = Vec::new();
        for name in names {
            let signature = format!("{name}({})", parameters(name, context));
            let _ = write!(
                text,
                "\n\ndef {signature}:\n    \"\"\"Not written yet: a stub fixpoint added (FP004) so that its callers import.\"\"\"\n    raise NotImplementedError(\"{name} is a stub added by fixpoint (FP004): implement it\")\n"
            );
            messages.push(format!("add stub `def {signature}` (remaining work: implement it)"));
        }
        vec![
            Fix::new(
                self.code().id(),
                Applicability::Unsafe,
                vec![Edit::insertion(source.len(), text)],
            )
            .with_message(messages.join("\n")),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::missing_from_module;

    #[test]
    fn reads_what_a_module_lacks() {
        assert_eq!(
            missing_from_module("ImportError: cannot import name 'split_coins' from 'app.loot' (/x/app/loot.py)"),
            Some(("split_coins", "app.loot"))
        );
        assert_eq!(
            missing_from_module("AttributeError: module 'app.characters' has no attribute 'long_rest'"),
            Some(("long_rest", "app.characters"))
        );
        assert_eq!(
            missing_from_module("AttributeError: 'Foo' object has no attribute 'x'"),
            None
        );
    }
}
