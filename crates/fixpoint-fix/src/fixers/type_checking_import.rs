//! `FP005` type-checking-import.
//!
//! ## What it does
//! Moves an import that a module uses only in its functions' annotations,
//! and that closes an import cycle (the imported module imports this one,
//! directly or through others), under `if TYPE_CHECKING:`. It acts on the
//! modules a circular-import failure passes through (or on every module with
//! `--all`).
//!
//! ## Why
//! Two modules that import each other fail with `partially initialized
//! module ... (most likely due to a circular import)` as soon as one is used
//! before it has finished importing; an import needed only by type checkers
//! does not have to run at all.
//!
//! ## Example
//! ```python
//! from __future__ import annotations
//! from ledger.accounts import Account
//!
//! def total(account: Account) -> int: ...
//! ```
//! becomes
//! ```python
//! from __future__ import annotations
//! from typing import TYPE_CHECKING
//!
//! if TYPE_CHECKING:
//!     from ledger.accounts import Account
//!
//! def total(account: Account) -> int: ...
//! ```
//!
//! ## Fix safety
//! Safe when the module has `from __future__ import annotations` (its
//! annotations are never evaluated); unsafe otherwise, since Python then
//! evaluates function annotations when it defines the function. Names used in
//! class-level annotations (read at run time by dataclasses, Pydantic and
//! SQLAlchemy) are never moved.

use std::fmt::Write as _;

use fixpoint_core::FixerCode;
use fixpoint_python::ModuleSummary;

use super::lines::{line_end, line_start};
use super::{FailureView, FixContext, Fixer, ProjectFacts, Target};
use crate::{Applicability, Edit, Fix};

/// Moves annotation-only imports that close a cycle under `if TYPE_CHECKING:`.
pub struct TypeCheckingImport;

impl Fixer for TypeCheckingImport {
    fn code(&self) -> FixerCode {
        FixerCode::TypeCheckingImport
    }

    /// Every project module a `circular-import` failure passes through.
    fn targets(&self, failure: &FailureView<'_>, _facts: &ProjectFacts) -> Vec<Target> {
        if failure.category != "circular-import" {
            return Vec::new();
        }
        failure.frame_targets(self.code(), "")
    }

    fn fixes(&self, path: &str, source: &str, module: &ModuleSummary, context: &FixContext<'_>) -> Vec<Fix> {
        if !context.targets.iter().any(|t| t.code == self.code() && t.path == path) {
            return Vec::new();
        }
        let Some(only_in_annotations) = module.annotation_only_names(source) else {
            return Vec::new();
        };
        let graph = context.graph;
        let mut edits = Vec::new();
        let mut moved: Vec<String> = Vec::new();
        let mut messages = Vec::new();
        for import in module
            .imports
            .iter()
            .filter(|i| i.level == 0 && i.from.as_deref() != Some("__future__"))
        {
            let cyclic = |dotted: &str| {
                graph
                    .resolve(context.root, dotted)
                    .is_some_and(|file| file != path && graph.reaches(&file, path))
            };
            let (keep, take): (Vec<_>, Vec<_>) = import.names.iter().partition(|name| {
                let dotted = import.from.clone().unwrap_or_else(|| name.name.clone());
                !(only_in_annotations.contains(name.bound()) && cyclic(&dotted))
            });
            if take.is_empty() {
                continue;
            }
            let render = |names: &[&fixpoint_python::ImportedName]| -> String {
                let listed: Vec<String> = names
                    .iter()
                    .map(|n| {
                        n.asname
                            .as_ref()
                            .map_or_else(|| n.name.clone(), |a| format!("{} as {a}", n.name))
                    })
                    .collect();
                match &import.from {
                    Some(from) => format!("from {from} import {}", listed.join(", ")),
                    None => format!("import {}", listed.join(", ")),
                }
            };
            let start = line_start(source, import.start);
            let end = line_end(source, import.end);
            let replacement = if keep.is_empty() {
                String::new()
            } else {
                format!("{}\n", render(&keep))
            };
            edits.push(Edit::replacement(start, end, replacement));
            let line = render(&take);
            messages.push(format!(
                "move `{line}` under `if TYPE_CHECKING:` (used only in annotations; it closes an import cycle)"
            ));
            moved.push(line);
        }
        if moved.is_empty() {
            return Vec::new();
        }
        let mut block = String::new();
        if !module.binds("TYPE_CHECKING") {
            block.push_str("from typing import TYPE_CHECKING\n");
        }
        block.push_str("\nif TYPE_CHECKING:\n");
        for line in &moved {
            let _ = writeln!(block, "    {line}");
        }
        // After the import block; a removed import at its end must not swallow it.
        let at = module.insert_at;
        if let Some(edit) = edits.iter_mut().find(|e| e.start < at && at <= e.end && e.end == at) {
            edit.content.push_str(&block);
        } else {
            edits.push(Edit::insertion(at, block));
        }
        let future = module
            .imports
            .iter()
            .any(|i| i.from.as_deref() == Some("__future__") && i.names.iter().any(|n| n.name == "annotations"));
        let applicability = if future {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        vec![Fix::new(self.code().id(), applicability, edits).with_message(messages.join("\n"))]
    }
}
