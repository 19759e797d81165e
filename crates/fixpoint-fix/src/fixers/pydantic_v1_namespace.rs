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

use fixpoint_core::FixerCode;
use fixpoint_python::ModuleSummary;

use super::lines::{line_end, line_start};
use super::{FixContext, Fixer};
use crate::{Applicability, Edit, Fix};

/// Pydantic 1 internals that FP003 does not convert to v2: a module that
/// still uses one after the v2 rewrite goes to the `pydantic.v1` namespace.
/// `fixpoint migrate pydantic` reads them in the rewritten source, so what
/// FP003 learns to convert leaves this list by itself.
const V1_ONLY: &[&str] = &[
    "ModelField",
    "pydantic.typing",
    "pydantic.utils",
    "pydantic.class_validators",
    "pydantic.error_wrappers",
    "ErrorWrapper",
    "pydantic.parse",
    "ConfigError",
    "ModelMetaclass",
    "outer_type_",
    "sub_fields",
    "each_item=True",
    "pydantic.env_settings",
    "pydantic.datetime_parse",
    "pydantic.schema",
    "pydantic.validators",
    "__modify_schema__",
    "msg_template",
];

/// Why a module's source needs the v1 namespace, if it does: one of
/// [`V1_ONLY`], or `update_forward_refs(...)` with arguments, which Pydantic
/// 2 refuses (FP003 converts it where the receiver is known to be a model).
pub fn needs_v1(source: &str) -> Option<&'static str> {
    // FP003 keeps the name `ConfigError` for `PydanticUserError`.
    let converted = |marker: &str| marker == "ConfigError" && source.contains("PydanticUserError as ConfigError");
    if let Some(marker) = V1_ONLY
        .iter()
        .copied()
        .find(|marker| source.contains(marker) && !converted(marker))
    {
        return Some(marker);
    }
    source
        .match_indices("update_forward_refs(")
        .any(|(at, call)| !source[at + call.len()..].trim_start().starts_with(')'))
        .then_some("update_forward_refs(**localns)")
}

/// Moves a module's Pydantic imports to `pydantic.v1`.
pub struct PydanticV1Namespace;

impl Fixer for PydanticV1Namespace {
    fn code(&self) -> FixerCode {
        FixerCode::PydanticV1Namespace
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
        nested_imports(source, &mut edits, &mut messages);
        if edits.is_empty() {
            return Vec::new();
        }
        vec![Fix::new(self.code().id(), Applicability::Safe, edits).with_message(messages.join("\n"))]
    }
}

/// Imports indented under a function, a class or a `try:`, which the module
/// summary (top level only) does not list: `from pydantic... import` and
/// `import pydantic [as X]` lines, skipping any range an edit already covers.
fn nested_imports(source: &str, edits: &mut Vec<Edit>, messages: &mut Vec<String>) {
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_start();
        if body.len() == line.len() {
            continue;
        }
        let at = start + (line.len() - body.len());
        if edits
            .iter()
            .any(|edit| edit.start < offset && edit.end.max(edit.start + 1) > start)
        {
            continue;
        }
        let boundary = |rest: &str| rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r', ',', '.']);
        if let Some(rest) = body.strip_prefix("from pydantic")
            && boundary(rest)
            && !rest.starts_with(".v1")
            && !rest.starts_with(',')
        {
            let module_end = rest.find([' ', '\t']).unwrap_or(rest.len());
            let old = format!("pydantic{}", &rest[..module_end]);
            let new = format!("pydantic.v1{}", &rest[..module_end]);
            let from = at + "from ".len();
            edits.push(Edit::replacement(from, from + old.len(), new.clone()));
            messages.push(format!("`from {old} import ...` → `from {new} import ...` (nested)"));
        } else if let Some(rest) = body.strip_prefix("import pydantic")
            && boundary(rest)
            && !rest.starts_with('.')
            && !rest.starts_with(',')
        {
            let rest = rest.trim_start();
            if rest.is_empty() || rest.starts_with('#') {
                let end = at + "import pydantic".len();
                edits.push(Edit::replacement(at, end, "import pydantic.v1 as pydantic".to_owned()));
                messages.push("`import pydantic` → `import pydantic.v1 as pydantic` (nested)".to_owned());
            } else if rest.starts_with("as ") {
                let from = at + "import ".len();
                edits.push(Edit::replacement(
                    from,
                    from + "pydantic".len(),
                    "pydantic.v1".to_owned(),
                ));
                messages.push("`import pydantic as ...` → `import pydantic.v1 as ...` (nested)".to_owned());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::needs_v1;

    #[test]
    fn v1_internals_choose_the_namespace() {
        assert_eq!(needs_v1("from pydantic.fields import ModelField\n"), Some("ModelField"));
        assert_eq!(
            needs_v1("thing.update_forward_refs(**localns)"),
            Some("update_forward_refs(**localns)")
        );
        assert_eq!(needs_v1("Model.update_forward_refs( )\n"), None);
        assert_eq!(needs_v1("Model.model_rebuild(_types_namespace=localns)\n"), None);
        assert_eq!(needs_v1("from pydantic.fields import FieldInfo\n"), None);
        // ConfigError is a marker until FP003 has made it PydanticUserError.
        assert_eq!(
            needs_v1("from pydantic import ConfigError\nraise ConfigError(\"x\")\n"),
            Some("ConfigError")
        );
        assert_eq!(
            needs_v1("from pydantic import PydanticUserError as ConfigError\nraise ConfigError(\"x\", code=None)\n"),
            None
        );
        assert_eq!(
            needs_v1("from pydantic.schema import schema\n"),
            Some("pydantic.schema")
        );
        assert_eq!(
            needs_v1("from pydantic import BaseModel\nclass A(BaseModel):\n    x: int\n"),
            None
        );
    }
}
