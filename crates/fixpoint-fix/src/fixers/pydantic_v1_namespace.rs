//! `FP007` pydantic-v1-namespace.
//!
//! ## What it does
//! Points a module's Pydantic imports at the `pydantic.v1` compatibility
//! namespace that Pydantic 2 ships: `from pydantic import X` →
//! `from pydantic.v1 import X`, `from pydantic.fields import ModelField` →
//! `from pydantic.v1.fields import ModelField`, `import pydantic` →
//! `import pydantic.v1 as pydantic`. It is the strategy for modules that use
//! Pydantic 1 internals with no v2 equivalent; `fixpoint migrate pydantic`
//! chooses it per module (see [`needs_v1`]).
//!
//! ## Why
//! Code built on `ModelField`, `pydantic.typing`, `ErrorWrapper` or
//! `update_forward_refs(**localns)` cannot be rewritten mechanically, but runs
//! unchanged on the v1 API that Pydantic 2 still carries.
//!
//! ## Example
//! ```python
//! from pydantic import BaseModel
//! from pydantic.fields import ModelField
//! ```
//! becomes
//! ```python
//! from pydantic.v1 import BaseModel
//! from pydantic.v1.fields import ModelField
//! ```
//!
//! ## Fix safety
//! Safe for the module itself. Models on the v1 namespace cannot subclass or
//! nest v2 models, so `fixpoint migrate pydantic` moves whole groups of
//! modules that share models. A module already on `pydantic.v1` gives
//! nothing, so a second run changes nothing.

use std::fmt::Write as _;

use fixpoint_python::ModuleSummary;

use super::lines::{line_end, line_start};
use super::{FixContext, Fixer};
use crate::{Applicability, Edit, Fix};

/// Pydantic 1 internals with no v2 equivalent: a module that uses one goes
/// to the `pydantic.v1` namespace.
const V1_ONLY: &[&str] = &[
    "ModelField",
    "pydantic.fields",
    "pydantic.typing",
    "pydantic.utils",
    "pydantic.class_validators",
    "pydantic.error_wrappers",
    "ErrorWrapper",
    "pydantic.parse",
    "ConfigError",
    "ModelMetaclass",
    "localns",
    "outer_type_",
    "sub_fields",
    "each_item=True",
    "pydantic.env_settings",
    "pydantic.datetime_parse",
];

/// Why a module's source needs the v1 namespace, if it does.
pub fn needs_v1(source: &str) -> Option<&'static str> {
    V1_ONLY.iter().copied().find(|marker| source.contains(marker))
}

/// Moves a module's Pydantic imports to `pydantic.v1`.
pub struct PydanticV1Namespace;

impl Fixer for PydanticV1Namespace {
    fn code(&self) -> &'static str {
        "FP007"
    }

    fn name(&self) -> &'static str {
        "pydantic-v1-namespace"
    }

    fn opt_in(&self) -> bool {
        // Chosen per module by `fixpoint migrate pydantic`, never by default.
        true
    }

    fn fixes(&self, path: &str, source: &str, module: &ModuleSummary, context: &FixContext<'_>) -> Vec<Fix> {
        if !context.targets.iter().any(|t| t.code == self.code() && t.path == path) {
            return Vec::new();
        }
        let mut edits = Vec::new();
        let mut messages = Vec::new();
        for import in module.imports.iter().filter(|i| i.level == 0) {
            let rewritten = match import.from.as_deref() {
                Some("pydantic") => Some(("pydantic".to_owned(), "pydantic.v1".to_owned())),
                Some(from) if from.starts_with("pydantic.") && !from.starts_with("pydantic.v1") => {
                    Some((from.to_owned(), format!("pydantic.v1.{}", &from["pydantic.".len()..])))
                }
                _ => None,
            };
            if let Some((old, new)) = rewritten {
                let text = &source[import.start..import.end];
                if let Some(at) = text.find(&old) {
                    let start = import.start + at;
                    edits.push(Edit::replacement(start, start + old.len(), new.clone()));
                    messages.push(format!("`from {old} import ...` → `from {new} import ...`"));
                }
                continue;
            }
            // `import pydantic` (possibly among others) → `import pydantic.v1 as pydantic`.
            if import.from.is_none() && import.names.iter().any(|n| n.name == "pydantic" && n.asname.is_none()) {
                let rest: Vec<&str> = import
                    .names
                    .iter()
                    .filter(|n| n.name != "pydantic")
                    .map(|n| n.name.as_str())
                    .collect();
                let mut text = String::from("import pydantic.v1 as pydantic\n");
                if !rest.is_empty() {
                    let _ = writeln!(text, "import {}", rest.join(", "));
                }
                edits.push(Edit::replacement(
                    line_start(source, import.start),
                    line_end(source, import.end),
                    text,
                ));
                messages.push("`import pydantic` → `import pydantic.v1 as pydantic`".to_owned());
            }
        }
        if edits.is_empty() {
            return Vec::new();
        }
        vec![Fix::new(self.code(), Applicability::Safe, edits).with_message(messages.join("\n"))]
    }
}

#[cfg(test)]
mod tests {
    use super::needs_v1;

    #[test]
    fn v1_internals_choose_the_namespace() {
        assert_eq!(needs_v1("from pydantic.fields import ModelField\n"), Some("ModelField"));
        assert_eq!(needs_v1("Model.update_forward_refs(**localns)"), Some("localns"));
        assert_eq!(
            needs_v1("from pydantic import BaseModel\nclass A(BaseModel):\n    x: int\n"),
            None
        );
    }
}
