//! `FP003` pydantic-v2.
//!
//! ## What it does
//! Moves a module's Pydantic models from the version 1 API to version 2:
//! - `class Config:` becomes `model_config = ConfigDict(...)` with every
//!   renamed key (`orm_mode` → `from_attributes`,
//!   `allow_population_by_field_name` → `populate_by_name`, `schema_extra` →
//!   `json_schema_extra`, `anystr_*` → `str_*`, `validate_all` →
//!   `validate_default`, `keep_untouched` → `ignored_types`,
//!   `allow_mutation = False` → `frozen=True`, `Extra.forbid` → `"forbid"`),
//!   and a comment for each key Pydantic 2 removed;
//! - `@validator(...)` becomes `@field_validator(...)` (`mode="before"` for
//!   `pre=True`) with `@classmethod`; its `values`, `field` and `config`
//!   parameters become `info` (`values[...]` → `info.data[...]`,
//!   `field.name` → `info.field_name`);
//! - `@root_validator(pre=True)` becomes `@model_validator(mode="before")`;
//!   a root validator that runs after the fields becomes
//!   `@model_validator(mode="after")` on `self` (`values["x"]` → `self.x`,
//!   `return values` → `return self`);
//! - `Field(regex=)` → `pattern=`, `min_items`/`max_items` →
//!   `min_length`/`max_length` (also in `constr`, `conlist`, `conset`);
//! - v1 methods on models: `.dict()` → `.model_dump()`, `.json()` →
//!   `.model_dump_json()`, `.parse_obj()` / `.from_orm()` →
//!   `.model_validate()`, `.parse_raw()` → `.model_validate_json()`,
//!   `.copy()` → `.model_copy()`, `.schema()` → `.model_json_schema()`,
//!   `.update_forward_refs()` → `.model_rebuild()`, `.construct()` →
//!   `.model_construct()`;
//! - `BaseSettings` comes from `pydantic_settings`, its `class Config`
//!   becomes `SettingsConfigDict(...)`; `GenericModel` becomes `BaseModel`
//!   (with the class's `Generic[T]`); a `__root__` model becomes a
//!   `RootModel` with a `root` field (`.__root__` → `.root` in the module);
//! - a field typed `Optional[...]`, `... | None` or `Any` without a default
//!   (optional in v1, required in v2) gets `= None`; `Field(value,
//!   const=True)` (or `default=value`) becomes a `Literal[value]` field; a
//!   field with no annotation (v1 typed it from its default, v2 refuses it)
//!   gets `: str`, `: int`, `: float`, `: bool` or `: bytes` from a literal
//!   default, and is reported otherwise;
//! - the names it uses join the module's imports.
//!
//! It acts on the modules the latest run's Pydantic failures implicate.
//!
//! ## Why
//! Pydantic 2 ignores renamed config keys with a mere warning, rejects v1
//! validators when the class is built, and deprecates the v1 methods: the
//! failures show up far from their cause.
//!
//! ## Example
//! ```python
//! class CharacterRead(BaseModel):
//!     class Config:
//!         orm_mode = True
//! ```
//! becomes
//! ```python
//! class CharacterRead(BaseModel):
//!     model_config = ConfigDict(from_attributes=True)
//! ```
//!
//! ## Fix safety
//! Safe where the v2 form means the same: config keys, decorators whose
//! parameters convert completely, keyword renames, and methods called on
//! what is known to be a model: a model class, what a model class makes
//! (`Hero(...)`, `Hero.parse_obj(...)`), a name bound to one in the same
//! scope (assigned from one, or a parameter annotated with a model), and
//! `self` or `super()` in a model's methods. A method called on any other
//! receiver (`thing.dict()`, which may be a `dict`) is left alone, and a
//! module that imports neither Pydantic nor one of the project's models is
//! not touched at all. A validator whose body still uses `values` in
//! another way is unsafe.
//! A `__root__` model is unsafe too (other modules may still use
//! `__root__`). `each_item=True`, and `const=` on a `Field` with more arguments, are
//! reported, not converted. A module already on v2 gives nothing, so a second run
//! changes nothing.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use fixpoint_core::FixerCode;
use fixpoint_python::ModuleSummary;
use fixpoint_python::ast::{Decorator, Expr, Stmt, StmtClassDef, StmtFunctionDef};
use fixpoint_python::parser::parse_module;
use fixpoint_python::text_size::Ranged;

use super::lines::{indentation, line_end, line_start};
use super::{FailureView, FixContext, Fixer, ProjectFacts, Target};
use crate::{Applicability, Edit, Fix};

/// v1 config key → v2 key (`None`: removed in v2).
const CONFIG_KEYS: &[(&str, Option<&str>)] = &[
    ("orm_mode", Some("from_attributes")),
    ("allow_population_by_field_name", Some("populate_by_name")),
    ("schema_extra", Some("json_schema_extra")),
    ("anystr_strip_whitespace", Some("str_strip_whitespace")),
    ("anystr_lower", Some("str_to_lower")),
    ("anystr_upper", Some("str_to_upper")),
    ("min_anystr_length", Some("str_min_length")),
    ("max_anystr_length", Some("str_max_length")),
    ("validate_all", Some("validate_default")),
    ("keep_untouched", Some("ignored_types")),
    ("allow_mutation", Some("frozen")),
    ("extra", Some("extra")),
    ("title", Some("title")),
    ("frozen", Some("frozen")),
    ("arbitrary_types_allowed", Some("arbitrary_types_allowed")),
    ("use_enum_values", Some("use_enum_values")),
    ("validate_assignment", Some("validate_assignment")),
    ("json_encoders", Some("json_encoders")),
    ("env_prefix", Some("env_prefix")),
    ("env_file", Some("env_file")),
    ("case_sensitive", Some("case_sensitive")),
    ("underscore_attrs_are_private", None),
    ("copy_on_model_validation", None),
    ("smart_union", None),
    ("fields", None),
    ("allow_inf_nan", Some("allow_inf_nan")),
];

/// Field keywords renamed in v2, in `Field`, `constr`, `conlist`, `conset`.
const FIELD_KEYWORDS: &[(&str, &str)] = &[
    ("regex", "pattern"),
    ("min_items", "min_length"),
    ("max_items", "max_length"),
];

/// v1 model methods and their v2 names.
const METHODS: &[(&str, &str)] = &[
    ("dict", "model_dump"),
    ("json", "model_dump_json"),
    ("parse_obj", "model_validate"),
    ("parse_raw", "model_validate_json"),
    ("from_orm", "model_validate"),
    ("copy", "model_copy"),
    ("schema", "model_json_schema"),
    ("update_forward_refs", "model_rebuild"),
    ("construct", "model_construct"),
];

/// Moves Pydantic models to the v2 API.
pub struct PydanticV2;

struct Work<'s> {
    source: &'s str,
    fixes: Vec<Fix>,
    /// For each fix, the (module, name) imports its new code needs.
    needs: Vec<Vec<(&'static str, &'static str)>>,
    /// Imports the next pushed fix needs.
    imports: BTreeSet<(&'static str, &'static str)>,
    /// Starts of the `Field(..., const=True)` calls already made `Literal`s.
    consts: Vec<usize>,
}

impl Work<'_> {
    fn text(&self, range: impl Ranged) -> &str {
        &self.source[range.start().to_usize()..range.end().to_usize()]
    }

    fn push(&mut self, applicability: Applicability, edits: Vec<Edit>, message: String) {
        self.fixes
            .push(Fix::new(FixerCode::PydanticV2.id(), applicability, edits).with_message(message));
        self.needs.push(std::mem::take(&mut self.imports).into_iter().collect());
    }

    fn report(&mut self, message: String) {
        self.push(Applicability::DisplayOnly, Vec::new(), message);
    }
}

fn called_name(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
        _ => None,
    }
}

/// `class Config:` → `model_config = ConfigDict(...)`.
fn convert_config(work: &mut Work<'_>, model: &StmtClassDef, config: &StmtClassDef, settings: bool) {
    if model.body.iter().any(|s| matches!(s, Stmt::Assign(a) if a.targets.iter().any(|t| matches!(t, Expr::Name(n) if n.id.as_str() == "model_config")))) {
        work.report(format!("`{}` has both `class Config` and `model_config`: merge them by hand", model.name.as_str()));
        return;
    }
    let mut entries = Vec::new();
    let mut removed = Vec::new();
    for statement in &config.body {
        match statement {
            Stmt::Assign(assign) if assign.targets.len() == 1 => {
                let Expr::Name(target) = &assign.targets[0] else {
                    removed.push(work.text(statement.range()).to_owned());
                    continue;
                };
                let key = target.id.as_str();
                let value = work.text(assign.value.range()).to_owned();
                match CONFIG_KEYS.iter().find(|(old, _)| *old == key) {
                    Some((_, Some("frozen"))) if key == "allow_mutation" => {
                        if value.trim() == "False" {
                            entries.push("frozen=True".to_owned());
                        }
                    }
                    Some((_, Some("extra"))) => {
                        let value = value
                            .strip_prefix("Extra.")
                            .map_or(value.clone(), |kind| format!("\"{kind}\""));
                        entries.push(format!("extra={value}"));
                    }
                    Some((_, Some(new))) => entries.push(format!("{new}={value}")),
                    Some((_, None)) | None => removed.push(work.text(statement.range()).to_owned()),
                }
            }
            Stmt::Expr(_) | Stmt::Pass(_) => {}
            other => removed.push(work.text(other.range()).to_owned()),
        }
    }
    let indent = indentation(work.source, config.range.start().to_usize()).to_owned();
    let mut text = String::new();
    for line in &removed {
        let first = line.lines().next().unwrap_or_default();
        let _ = writeln!(
            text,
            "{indent}# fixpoint: not in Pydantic 2's ConfigDict, removed: {first}"
        );
    }
    let kind = if settings { "SettingsConfigDict" } else { "ConfigDict" };
    let _ = writeln!(text, "{indent}model_config = {kind}({})", entries.join(", "));
    let start = line_start(work.source, config.range.start().to_usize());
    let end = line_end(work.source, config.range.end().to_usize());
    work.imports.insert(if settings {
        ("pydantic_settings", "SettingsConfigDict")
    } else {
        ("pydantic", "ConfigDict")
    });
    let renamed: Vec<String> = entries
        .iter()
        .map(|e| e.split('=').next().unwrap_or_default().to_owned())
        .collect();
    work.push(
        Applicability::Safe,
        vec![Edit::replacement(start, end, text)],
        format!(
            "`{}`: class Config → model_config = {kind}({})",
            model.name.as_str(),
            renamed.join(", ")
        ),
    );
}

/// Positional names of a function's parameters.
fn parameter_names(function: &StmtFunctionDef) -> Vec<&str> {
    function
        .parameters
        .posonlyargs
        .iter()
        .chain(function.parameters.args.iter())
        .map(|p| p.parameter.name.as_str())
        .collect()
}

/// Whole-word occurrences of `word` in `text`.
fn uses(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        boundary(before) && boundary(after)
    })
}

fn keyword_value<'e>(decorator: &'e Decorator, name: &str) -> Option<&'e Expr> {
    let Expr::Call(call) = &decorator.expression else {
        return None;
    };
    call.arguments
        .keywords
        .iter()
        .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == name))
        .map(|k| &k.value)
}

fn is_true(expr: Option<&Expr>) -> bool {
    matches!(expr, Some(Expr::BooleanLiteral(literal)) if literal.value)
}

/// `@validator` and `@root_validator` → `@field_validator` / `@model_validator`.
fn convert_validator(work: &mut Work<'_>, function: &StmtFunctionDef) {
    let has_classmethod = function
        .decorator_list
        .iter()
        .any(|d| matches!(&d.expression, Expr::Name(n) if n.id.as_str() == "classmethod"));
    for decorator in &function.decorator_list {
        let (name, call) = match &decorator.expression {
            Expr::Call(call) => (called_name(&call.func), Some(call)),
            other => (called_name(other), None),
        };
        let Some(kind @ ("validator" | "root_validator")) = name else {
            continue;
        };
        let body_start = function
            .body
            .first()
            .map_or(function.range.end(), Ranged::start)
            .to_usize();
        let body = &work.source[body_start..function.range.end().to_usize()];
        let params = parameter_names(function);
        let indent = indentation(work.source, decorator.range.start().to_usize()).to_owned();
        let pre = is_true(keyword_value(decorator, "pre"));
        let mut edits = Vec::new();
        let mut clean = true;
        let mut notes = Vec::new();
        if kind == "validator" {
            if is_true(keyword_value(decorator, "each_item")) {
                work.report(format!("`{}`: @validator(each_item=True) has no v2 form: validate the items with a type or an Annotated validator", function.name.as_str()));
                return;
            }
            let fields: Vec<String> = call
                .map(|c| {
                    c.arguments
                        .args
                        .iter()
                        .map(|a| work.text(a.range()).to_owned())
                        .collect()
                })
                .unwrap_or_default();
            let mut arguments = fields;
            if pre {
                arguments.push("mode=\"before\"".to_owned());
            }
            if is_true(keyword_value(decorator, "always")) {
                notes.push(format!(
                    "{indent}# fixpoint: always=True is Field(validate_default=True) in Pydantic 2\n"
                ));
            }
            let mut replacement = format!("@field_validator({})", arguments.join(", "));
            if !has_classmethod {
                let _ = write!(replacement, "\n{indent}@classmethod");
            }
            edits.push(Edit::replacement(
                decorator.range.start().to_usize(),
                decorator.range.end().to_usize(),
                replacement,
            ));
            work.imports.insert(("pydantic", "field_validator"));
            // (cls, value, values, field, config) → (cls, value, info)
            let extra: Vec<&str> = params.iter().skip(2).copied().collect();
            if !extra.is_empty() {
                let mut body_text = body.to_owned();
                for (old, new) in [
                    ("values[", "info.data["),
                    ("values.get(", "info.data.get("),
                    ("field.name", "info.field_name"),
                ] {
                    body_text = body_text.replace(old, new);
                }
                clean = !extra.iter().any(|name| uses(&body_text, name));
                let first_extra = function
                    .parameters
                    .args
                    .iter()
                    .find(|p| p.parameter.name.as_str() == extra[0]);
                let last = function.parameters.args.last();
                if let (Some(first_extra), Some(last)) = (first_extra, last) {
                    edits.push(Edit::replacement(
                        first_extra.range.start().to_usize(),
                        last.range.end().to_usize(),
                        "info",
                    ));
                    edits.push(Edit::replacement(
                        body_start,
                        function.range.end().to_usize(),
                        body_text,
                    ));
                }
            }
        } else if pre {
            let replacement = if has_classmethod {
                "@model_validator(mode=\"before\")".to_owned()
            } else {
                format!("@model_validator(mode=\"before\")\n{indent}@classmethod")
            };
            edits.push(Edit::replacement(
                decorator.range.start().to_usize(),
                decorator.range.end().to_usize(),
                replacement,
            ));
            work.imports.insert(("pydantic", "model_validator"));
        } else {
            // After the fields: the model itself instead of a dict of values.
            let Some(values) = params.get(1) else { continue };
            let mut body_text = body.to_owned();
            let mut rewritten = String::new();
            let mut rest = body_text.as_str();
            // values["x"] / values.get("x") → self.x / getattr(self, "x", None)
            while let Some(at) = rest.find(values) {
                let (head, tail) = rest.split_at(at);
                rewritten.push_str(head);
                let after = &tail[values.len()..];
                let quoted = |s: &str| -> Option<(String, usize)> {
                    let quote = s.chars().next().filter(|c| *c == '"' || *c == '\'')?;
                    let end = s[1..].find(quote)?;
                    let key = &s[1..=end];
                    key.chars()
                        .all(|c| c.is_alphanumeric() || c == '_')
                        .then(|| (key.to_owned(), end + 2))
                };
                if let Some((key, used)) = after
                    .strip_prefix('[')
                    .and_then(quoted)
                    .filter(|(_, used)| after[1 + used..].starts_with(']'))
                {
                    let _ = write!(rewritten, "self.{key}");
                    rest = &after[used + 2..];
                } else if let Some((key, used)) = after
                    .strip_prefix(".get(")
                    .and_then(quoted)
                    .filter(|(_, used)| after[5 + used..].starts_with(')'))
                {
                    let _ = write!(rewritten, "getattr(self, \"{key}\", None)");
                    rest = &after[used + 6..];
                } else {
                    rewritten.push_str(values);
                    rest = after;
                }
            }
            rewritten.push_str(rest);
            body_text = rewritten.replace(&format!("return {values}"), "return self");
            clean = !uses(&body_text, values);
            edits.push(Edit::replacement(
                decorator.range.start().to_usize(),
                decorator.range.end().to_usize(),
                "@model_validator(mode=\"after\")",
            ));
            if let Some(first) = function.parameters.args.first() {
                let last = function.parameters.args.get(1).unwrap_or(first);
                edits.push(Edit::replacement(
                    first.range.start().to_usize(),
                    last.range.end().to_usize(),
                    "self",
                ));
            }
            edits.push(Edit::replacement(
                body_start,
                function.range.end().to_usize(),
                body_text,
            ));
            if let Some(classmethod) = function
                .decorator_list
                .iter()
                .find(|d| matches!(&d.expression, Expr::Name(n) if n.id.as_str() == "classmethod"))
            {
                let start = line_start(work.source, classmethod.range.start().to_usize());
                edits.push(Edit::deletion(
                    start,
                    line_end(work.source, classmethod.range.end().to_usize()),
                ));
            }
            work.imports.insert(("pydantic", "model_validator"));
        }
        for note in notes {
            let start = line_start(work.source, decorator.range.start().to_usize());
            edits.push(Edit::insertion(start, note));
        }
        let applicability = if clean {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        let target = if kind == "validator" {
            "@field_validator"
        } else {
            "@model_validator"
        };
        work.push(
            applicability,
            edits,
            format!("`{}`: @{kind} → {target}", function.name.as_str()),
        );
        return;
    }
}

/// Class methods of a v1 model that make an instance of it.
const CONSTRUCTORS: &[&str] = &[
    "parse_obj",
    "parse_raw",
    "parse_file",
    "from_orm",
    "construct",
    "validate",
    "model_validate",
    "model_validate_json",
    "model_construct",
];

/// Stands in a scope for `super()` inside a model's method.
const SUPER: &str = "super()";

/// Whether `expr` makes a model instance: `Model(...)`, `Model.parse_obj(...)`
/// and the other constructors, `known.copy()`, or a name `known` holds.
fn is_model_value(expr: &Expr, models: &BTreeSet<String>, known: &BTreeSet<String>) -> bool {
    match expr {
        Expr::Name(name) => known.contains(name.id.as_str()),
        Expr::Call(call) => match call.func.as_ref() {
            Expr::Name(name) => models.contains(name.id.as_str()),
            Expr::Attribute(method) => match method.value.as_ref() {
                Expr::Name(class) if models.contains(class.id.as_str()) => CONSTRUCTORS.contains(&method.attr.as_str()),
                receiver => {
                    matches!(method.attr.as_str(), "copy" | "model_copy") && is_model_value(receiver, models, known)
                }
            },
            _ => false,
        },
        _ => false,
    }
}

/// Whether an annotation names a model: `Model`, `"Model"`, `module.Model`,
/// `Optional[Model]`, `Model | None`.
fn is_model_annotation(expr: &Expr, models: &BTreeSet<String>) -> bool {
    match expr {
        Expr::Name(name) => models.contains(name.id.as_str()),
        Expr::Attribute(attribute) => models.contains(attribute.attr.as_str()),
        Expr::StringLiteral(text) => models.contains(text.value.to_str().trim()),
        Expr::Subscript(subscript) => {
            called_name(&subscript.value) == Some("Optional") && is_model_annotation(&subscript.slice, models)
        }
        Expr::BinOp(union) => {
            let none = |e: &Expr| matches!(e, Expr::NoneLiteral(_));
            (is_model_annotation(&union.left, models) && none(&union.right))
                || (none(&union.left) && is_model_annotation(&union.right, models))
        }
        _ => false,
    }
}

/// The names one scope binds: to a model instance, and to anything else.
/// Nested functions and classes are their own scopes and are not read.
struct Bindings<'m> {
    models: &'m BTreeSet<String>,
    /// What the enclosing scopes know, for values read from them.
    enclosing: BTreeSet<String>,
    instances: BTreeSet<String>,
    other: BTreeSet<String>,
}

impl Bindings<'_> {
    fn bind(&mut self, target: &Expr, model: bool) {
        match target {
            Expr::Name(name) if model => {
                self.instances.insert(name.id.as_str().to_owned());
            }
            Expr::Name(name) => {
                self.other.insert(name.id.as_str().to_owned());
            }
            Expr::Tuple(tuple) => tuple.elts.iter().for_each(|e| self.bind(e, false)),
            Expr::List(list) => list.elts.iter().for_each(|e| self.bind(e, false)),
            Expr::Starred(starred) => self.bind(&starred.value, false),
            _ => {}
        }
    }

    fn known(&self) -> BTreeSet<String> {
        let mut known: BTreeSet<String> = self.enclosing.difference(&self.other).cloned().collect();
        known.extend(self.instances.difference(&self.other).cloned());
        known
    }
}

impl<'a> fixpoint_python::ast::visitor::Visitor<'a> for Bindings<'_> {
    fn visit_stmt(&mut self, statement: &'a Stmt) {
        let models = self.models;
        match statement {
            Stmt::FunctionDef(function) => {
                self.other.insert(function.name.as_str().to_owned());
                return;
            }
            Stmt::ClassDef(class) => {
                self.other.insert(class.name.as_str().to_owned());
                return;
            }
            Stmt::Assign(assign) => {
                let model = is_model_value(&assign.value, models, &self.known());
                for target in &assign.targets {
                    self.bind(target, model);
                }
            }
            Stmt::AnnAssign(assign) => {
                let model = is_model_annotation(&assign.annotation, models)
                    || assign
                        .value
                        .as_deref()
                        .is_some_and(|value| is_model_value(value, models, &self.known()));
                self.bind(&assign.target, model);
            }
            Stmt::AugAssign(assign) => self.bind(&assign.target, false),
            Stmt::For(each) => self.bind(&each.target, false),
            Stmt::With(with) => {
                for item in &with.items {
                    if let Some(target) = &item.optional_vars {
                        self.bind(target, false);
                    }
                }
            }
            Stmt::Import(_) | Stmt::ImportFrom(_) | Stmt::Global(_) | Stmt::Nonlocal(_) => {
                for name in statement_names(statement) {
                    self.other.insert(name);
                }
            }
            _ => {}
        }
        fixpoint_python::ast::visitor::walk_stmt(self, statement);
    }

    // Expressions bind nothing this reading trusts (walrus, comprehensions).
    fn visit_expr(&mut self, _: &'a Expr) {}
}

/// The names an import, `global` or `nonlocal` statement binds.
fn statement_names(statement: &Stmt) -> Vec<String> {
    match statement {
        Stmt::Import(import) => import
            .names
            .iter()
            .map(|a| {
                a.asname
                    .as_ref()
                    .unwrap_or(&a.name)
                    .as_str()
                    .split('.')
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect(),
        Stmt::ImportFrom(import) => import
            .names
            .iter()
            .map(|a| a.asname.as_ref().unwrap_or(&a.name).as_str().to_owned())
            .collect(),
        Stmt::Global(names) => names.names.iter().map(|n| n.as_str().to_owned()).collect(),
        Stmt::Nonlocal(names) => names.names.iter().map(|n| n.as_str().to_owned()).collect(),
        _ => Vec::new(),
    }
}

/// The names known to hold a model instance in a scope: its parameters
/// annotated with a model (and the first one of a model's method, `self`
/// or `cls`), and what it assigns from a model value; minus every name it
/// also binds to anything else.
fn scope(
    function: Option<&StmtFunctionDef>,
    body: &[Stmt],
    models: &BTreeSet<String>,
    enclosing: &BTreeSet<String>,
    model_method: bool,
) -> BTreeSet<String> {
    let mut bindings = Bindings {
        models,
        enclosing: enclosing.clone(),
        instances: BTreeSet::new(),
        other: BTreeSet::new(),
    };
    if let Some(function) = function {
        let parameters = &function.parameters;
        let all = parameters
            .posonlyargs
            .iter()
            .chain(&parameters.args)
            .chain(&parameters.kwonlyargs);
        for (index, parameter) in all.enumerate() {
            let name = parameter.parameter.name.as_str().to_owned();
            let annotated = parameter
                .parameter
                .annotation
                .as_deref()
                .is_some_and(|a| is_model_annotation(a, models));
            if annotated || (model_method && index == 0) {
                bindings.instances.insert(name);
            } else {
                bindings.other.insert(name);
            }
        }
        for parameter in [&parameters.vararg, &parameters.kwarg].into_iter().flatten() {
            bindings.other.insert(parameter.name.as_str().to_owned());
        }
    }
    fixpoint_python::ast::visitor::Visitor::visit_body(&mut bindings, body);
    let mut known = bindings.known();
    known.remove(SUPER);
    if model_method {
        known.insert(SUPER.to_owned());
    }
    known
}

/// Renamed `Field`/`constr`/`conlist` keywords, everywhere in the module, and
/// v1 methods called on what is known to be a model: a model class, what a
/// model class makes, a name bound to one (see [`scope`]), `self` and
/// `super()` in a model's methods. `thing.copy()` on anything else is left
/// alone: it is as likely a `dict` or a `list`.
struct Calls<'w, 's> {
    work: &'w mut Work<'s>,
    models: &'w BTreeSet<String>,
    /// Names known to hold a model instance, innermost scope last.
    scopes: Vec<BTreeSet<String>>,
    /// Where the methods defined directly in a model class start.
    model_methods: BTreeSet<usize>,
}

impl Calls<'_, '_> {
    fn known_receiver(&self, receiver: &Expr) -> bool {
        let known = self.scopes.last();
        let holds = |name: &str| known.is_some_and(|k| k.contains(name));
        match receiver {
            Expr::Name(name) => self.models.contains(name.id.as_str()) || holds(name.id.as_str()),
            Expr::Call(inner) => match inner.func.as_ref() {
                Expr::Name(name) if name.id.as_str() == "super" => holds(SUPER),
                Expr::Name(name) => self.models.contains(name.id.as_str()),
                Expr::Attribute(class) => {
                    matches!(class.value.as_ref(), Expr::Name(name) if self.models.contains(name.id.as_str()))
                        && CONSTRUCTORS.contains(&class.attr.as_str())
                }
                _ => false,
            },
            _ => false,
        }
    }
}

impl<'a> fixpoint_python::ast::visitor::Visitor<'a> for Calls<'_, '_> {
    fn visit_stmt(&mut self, statement: &'a Stmt) {
        match statement {
            Stmt::ClassDef(class) if is_model(class, self.models) => {
                for member in &class.body {
                    if let Stmt::FunctionDef(method) = member
                        && !method
                            .decorator_list
                            .iter()
                            .any(|d| called_name(&d.expression) == Some("staticmethod"))
                    {
                        self.model_methods.insert(method.range.start().to_usize());
                    }
                }
            }
            Stmt::FunctionDef(function) => {
                let enclosing = self.scopes.last().cloned().unwrap_or_default();
                let model_method = self.model_methods.contains(&function.range.start().to_usize());
                let known = scope(Some(function), &function.body, self.models, &enclosing, model_method);
                self.scopes.push(known);
                fixpoint_python::ast::visitor::walk_stmt(self, statement);
                self.scopes.pop();
                return;
            }
            _ => {}
        }
        fixpoint_python::ast::visitor::walk_stmt(self, statement);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr {
            let name = called_name(&call.func);
            if matches!(name, Some("Field" | "constr" | "conlist" | "conset" | "conbytes")) {
                for keyword in &call.arguments.keywords {
                    let Some(arg) = &keyword.arg else { continue };
                    if let Some((old, new)) = FIELD_KEYWORDS.iter().find(|(old, _)| *old == arg.as_str()) {
                        self.work.push(
                            Applicability::Safe,
                            vec![Edit::replacement(
                                arg.range.start().to_usize(),
                                arg.range.end().to_usize(),
                                *new,
                            )],
                            format!("{}({old}=) → {new}=", name.unwrap_or_default()),
                        );
                    }
                    if arg.as_str() == "const" && !self.work.consts.contains(&call.range().start().to_usize()) {
                        self.work.report(format!(
                            "{}(const=...) has no v2 keyword: use a Literal type",
                            name.unwrap_or_default()
                        ));
                    }
                }
            }
            if let Expr::Attribute(attribute) = call.func.as_ref()
                && let Some((old, new)) = METHODS.iter().find(|(old, _)| *old == attribute.attr.as_str())
                && self.known_receiver(&attribute.value)
            {
                self.work.push(
                    Applicability::Safe,
                    vec![Edit::replacement(
                        attribute.attr.range.start().to_usize(),
                        attribute.attr.range.end().to_usize(),
                        *new,
                    )],
                    format!(".{old}() → .{new}()"),
                );
            }
        }
        fixpoint_python::ast::visitor::walk_expr(self, expr);
    }
}

/// `from pydantic import BaseSettings` → `pydantic_settings`; `GenericModel`
/// (from `pydantic` or `pydantic.generics`) → `BaseModel`: the import lines.
fn move_imports(work: &mut Work<'_>, module: &ModuleSummary) {
    for import in module.imports.iter().filter(|i| i.level == 0) {
        let from = import.from.as_deref();
        let is_moved = |name: &str| {
            (from == Some("pydantic") && name == "BaseSettings")
                || (matches!(from, Some("pydantic" | "pydantic.generics")) && name == "GenericModel")
        };
        let moved: Vec<&str> = import
            .names
            .iter()
            .filter(|n| n.asname.is_none() && is_moved(&n.name))
            .map(|n| n.name.as_str())
            .collect();
        if moved.is_empty() {
            continue;
        }
        let kept: Vec<String> = import
            .names
            .iter()
            .filter(|n| n.asname.is_some() || !is_moved(&n.name))
            .map(|n| {
                n.asname
                    .as_ref()
                    .map_or_else(|| n.name.clone(), |a| format!("{} as {a}", n.name))
            })
            .collect();
        let start = line_start(work.source, import.start);
        let end = line_end(work.source, import.end);
        let mut text = if kept.is_empty() {
            String::new()
        } else {
            format!("from {} import {}\n", from.unwrap_or_default(), kept.join(", "))
        };
        let mut messages = Vec::new();
        if moved.contains(&"BaseSettings") {
            text.push_str("from pydantic_settings import BaseSettings\n");
            messages.push("import BaseSettings from pydantic_settings (it left pydantic in v2)".to_owned());
        }
        if moved.contains(&"GenericModel") {
            if !module.binds("BaseModel") && !kept.iter().any(|k| k == "BaseModel") {
                text.push_str("from pydantic import BaseModel\n");
            }
            messages.push("GenericModel is gone in v2: a generic model is BaseModel + Generic[T]".to_owned());
        }
        work.push(
            Applicability::Safe,
            vec![Edit::replacement(start, end, text)],
            messages.join("\n"),
        );
    }
}

/// Field declarations whose v1 meaning v2 changed: an `Optional[...]`,
/// `... | None` or `Any` field without a default was optional in v1 and is
/// required in v2 (it gets `= None`); `Field(value, const=True)` is a
/// `Literal[value]` in v2.
fn convert_fields(work: &mut Work<'_>, class: &StmtClassDef) {
    for member in &class.body {
        if let Stmt::Assign(assign) = member {
            annotate_inferred_field(work, class, assign);
            continue;
        }
        let Stmt::AnnAssign(assign) = member else { continue };
        let Expr::Name(target) = assign.target.as_ref() else {
            continue;
        };
        if target.id.as_str().starts_with('_') {
            continue;
        }
        let annotation = work.text(assign.annotation.range()).to_owned();
        let optional = annotation.starts_with("Optional[")
            || annotation.starts_with("typing.Optional[")
            || annotation == "Any"
            || annotation.ends_with("| None")
            || annotation.starts_with("None |")
            || (annotation.starts_with("Union[") && annotation.contains("None"));
        match assign.value.as_deref() {
            None if optional && !annotation.starts_with("ClassVar") => {
                work.push(
                    Applicability::Safe,
                    vec![Edit::insertion(assign.range.end().to_usize(), " = None")],
                    format!(
                        "`{}.{}`: Optional without a default is required in v2: = None",
                        class.name.as_str(),
                        target.id.as_str()
                    ),
                );
            }
            Some(Expr::Call(call)) if called_name(&call.func) == Some("Field") => {
                let Some((value, call_edit)) = const_field(work, call) else {
                    continue;
                };
                work.imports.insert(("typing", "Literal"));
                work.push(
                    Applicability::Safe,
                    vec![
                        Edit::replacement(
                            assign.annotation.range().start().to_usize(),
                            assign.annotation.range().end().to_usize(),
                            format!("Literal[{value}]"),
                        ),
                        call_edit,
                    ],
                    format!(
                        "`{}.{}`: Field(const=True) → Literal",
                        class.name.as_str(),
                        target.id.as_str()
                    ),
                );
            }
            _ => {}
        }
    }
}

/// `Field(value, const=True, ...)` or `Field(default=value, const=True, ...)`:
/// the value's text and the edit that drops the constant from the call
/// (the whole call becomes the value when nothing else is left in it).
fn const_field(work: &mut Work<'_>, call: &fixpoint_python::ast::ExprCall) -> Option<(String, Edit)> {
    let keywords = &call.arguments.keywords;
    let constant = keywords.iter().find(|k| {
        k.arg.as_ref().is_some_and(|a| a.as_str() == "const")
            && matches!(k.value, Expr::BooleanLiteral(ref b) if b.value)
    })?;
    let value = match call.arguments.args.as_ref() {
        [value] => value,
        [] => {
            &keywords
                .iter()
                .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "default"))?
                .value
        }
        _ => return None,
    };
    if matches!(value, Expr::EllipsisLiteral(_)) {
        return None;
    }
    let text = work.text(value.range()).to_owned();
    let start = call.range().start().to_usize();
    work.consts.push(start);
    if call.arguments.args.len() + keywords.len() == 2 {
        return Some((
            text.clone(),
            Edit::replacement(start, call.range().end().to_usize(), text),
        ));
    }
    // Drop `, const=True` (or `const=True, ` when it comes first).
    let mut ranges: Vec<(usize, usize)> = call
        .arguments
        .args
        .iter()
        .map(|a| (a.range().start().to_usize(), a.range().end().to_usize()))
        .chain(
            keywords
                .iter()
                .map(|k| (k.range.start().to_usize(), k.range.end().to_usize())),
        )
        .collect();
    ranges.sort_unstable();
    let own = (constant.range.start().to_usize(), constant.range.end().to_usize());
    let at = ranges.iter().position(|r| *r == own)?;
    let edit = if at > 0 {
        Edit::deletion(ranges[at - 1].1, own.1)
    } else {
        Edit::deletion(own.0, ranges.get(1)?.0)
    };
    Some((text, edit))
}

/// A field without an annotation: Pydantic 1 took its type from its default
/// (`apple = "x"` is a `str` field), Pydantic 2 refuses it. A literal default
/// gets the annotation v1 inferred; `name = Field(value, const=True)` becomes
/// `name: Literal[value] = value`; any other value is reported.
fn annotate_inferred_field(work: &mut Work<'_>, class: &StmtClassDef, assign: &fixpoint_python::ast::StmtAssign) {
    let [Expr::Name(target)] = assign.targets.as_slice() else {
        return;
    };
    let name = target.id.as_str();
    if name.starts_with('_') || name == "model_config" || name == "Config" {
        return;
    }
    let end = target.range.end().to_usize();
    let (edits, annotation) = match assign.value.as_ref() {
        Expr::StringLiteral(_) => (vec![Edit::insertion(end, ": str")], "str"),
        Expr::BytesLiteral(_) => (vec![Edit::insertion(end, ": bytes")], "bytes"),
        Expr::BooleanLiteral(_) => (vec![Edit::insertion(end, ": bool")], "bool"),
        Expr::NumberLiteral(number) => match number.value {
            fixpoint_python::ast::Number::Int(_) => (vec![Edit::insertion(end, ": int")], "int"),
            fixpoint_python::ast::Number::Float(_) => (vec![Edit::insertion(end, ": float")], "float"),
            fixpoint_python::ast::Number::Complex { .. } => return,
        },
        Expr::Call(call) if called_name(&call.func) == Some("Field") => {
            let Some((value, call_edit)) = const_field(work, call) else {
                work.report(format!(
                    "`{}.{name}`: a field without an annotation, which Pydantic 2 refuses: annotate it",
                    class.name.as_str()
                ));
                return;
            };
            work.imports.insert(("typing", "Literal"));
            (
                vec![Edit::insertion(end, format!(": Literal[{value}]")), call_edit],
                "Literal",
            )
        }
        _ => {
            work.report(format!(
                "`{}.{name}`: a field without an annotation, which Pydantic 2 refuses: annotate it (or `ClassVar`)",
                class.name.as_str()
            ));
            return;
        }
    };
    let message = format!(
        "`{}.{name}`: a field without an annotation (v1 took it from the default) → `: {annotation}`",
        class.name.as_str()
    );
    work.push(Applicability::Safe, edits, message);
}

/// `class Page(GenericModel, Generic[T])` → `class Page(BaseModel, Generic[T])`.
fn rename_generic_base(work: &mut Work<'_>, class: &StmtClassDef) {
    let Some(arguments) = &class.arguments else { return };
    for base in &arguments.args {
        if let Expr::Name(name) = base
            && name.id.as_str() == "GenericModel"
        {
            work.push(
                Applicability::Safe,
                vec![Edit::replacement(
                    name.range.start().to_usize(),
                    name.range.end().to_usize(),
                    "BaseModel",
                )],
                format!("`{}`: GenericModel → BaseModel", class.name.as_str()),
            );
        }
    }
}

/// `class Tags(BaseModel): __root__: list[str]` → `class Tags(RootModel): root: list[str]`.
fn convert_root_model(work: &mut Work<'_>, class: &StmtClassDef) {
    let root = class.body.iter().find_map(|member| match member {
        Stmt::AnnAssign(assign) if matches!(assign.target.as_ref(), Expr::Name(n) if n.id.as_str() == "__root__") => {
            Some(assign)
        }
        _ => None,
    });
    let (Some(root), Some(arguments)) = (root, &class.arguments) else {
        return;
    };
    let Some(Expr::Name(base)) = arguments
        .args
        .iter()
        .find(|b| matches!(b, Expr::Name(n) if n.id.as_str() == "BaseModel"))
    else {
        work.report(format!(
            "`{}` is a __root__ model on another base: make it a RootModel by hand",
            class.name.as_str()
        ));
        return;
    };
    let mut edits = vec![
        Edit::replacement(base.range.start().to_usize(), base.range.end().to_usize(), "RootModel"),
        Edit::replacement(
            root.target.range().start().to_usize(),
            root.target.range().end().to_usize(),
            "root",
        ),
    ];
    // `.__root__` in this module becomes `.root`.
    let mut at = 0;
    while let Some(found) = work.source[at..].find(".__root__") {
        let start = at + found + 1;
        edits.push(Edit::replacement(start, start + "__root__".len(), "root"));
        at = start + "__root__".len();
    }
    work.imports.insert(("pydantic", "RootModel"));
    // Other modules may still pass `__root__=` or read `.__root__`: unsafe.
    work.push(
        Applicability::Unsafe,
        edits,
        format!("`{}`: __root__ model → RootModel", class.name.as_str()),
    );
}

fn is_model(class: &StmtClassDef, models: &BTreeSet<String>) -> bool {
    class.arguments.as_ref().is_some_and(|arguments| {
        arguments
            .args
            .iter()
            .any(|base| called_name(base).is_some_and(|name| models.contains(name)))
    })
}

fn is_settings(class: &StmtClassDef) -> bool {
    class.arguments.as_ref().is_some_and(|arguments| {
        arguments
            .args
            .iter()
            .any(|base| called_name(base) == Some("BaseSettings"))
    })
}

impl Fixer for PydanticV2 {
    fn code(&self) -> FixerCode {
        FixerCode::PydanticV2
    }

    /// The files a Pydantic failure implicates: its project frames, its
    /// crash site, and where the models its traceback names are defined.
    fn targets(&self, failure: &FailureView<'_>, facts: &ProjectFacts) -> Vec<Target> {
        if !failure.category.starts_with("pydantic-") {
            return Vec::new();
        }
        let mut files: Vec<String> = failure.project_frames().into_iter().map(|frame| frame.path).collect();
        files.extend(failure.project_crash_path().map(str::to_owned));
        let named: Vec<&str> = failure
            .longrepr()
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|word| facts.pydantic_models.contains(*word))
            .collect();
        for (path, source) in &facts.sources {
            if named.iter().any(|model| source.contains(&format!("class {model}("))) {
                files.push(path.clone());
            }
        }
        files.sort();
        files.dedup();
        files
            .into_iter()
            .map(|path| Target {
                code: self.code(),
                path,
                name: String::new(),
            })
            .collect()
    }

    fn fixes(&self, path: &str, source: &str, module: &ModuleSummary, context: &FixContext<'_>) -> Vec<Fix> {
        if !context.targets.iter().any(|t| t.code == self.code() && t.path == path) {
            return Vec::new();
        }
        let Ok(parsed) = parse_module(source) else {
            return Vec::new();
        };
        // A module that does not use Pydantic, itself or through the
        // project's own models, has nothing to migrate.
        let imports_model = module
            .imports
            .iter()
            .any(|import| import.names.iter().any(|n| context.pydantic_models.contains(&n.name)));
        if !imports_model && !fixpoint_python::imports_any(parsed.suite(), fixpoint_python::PYDANTIC_LIBRARIES) {
            return Vec::new();
        }
        let mut work = Work {
            source,
            fixes: Vec::new(),
            needs: Vec::new(),
            imports: BTreeSet::new(),
            consts: Vec::new(),
        };
        move_imports(&mut work, module);
        for statement in parsed.suite() {
            let Stmt::ClassDef(class) = statement else { continue };
            if !is_model(class, context.pydantic_models) {
                continue;
            }
            rename_generic_base(&mut work, class);
            convert_fields(&mut work, class);
            convert_root_model(&mut work, class);
            for member in &class.body {
                match member {
                    Stmt::ClassDef(config) if config.name.as_str() == "Config" => {
                        convert_config(&mut work, class, config, is_settings(class));
                    }
                    Stmt::FunctionDef(function) => convert_validator(&mut work, function),
                    _ => {}
                }
            }
        }
        let module_scope = scope(None, parsed.suite(), context.pydantic_models, &BTreeSet::new(), false);
        let mut calls = Calls {
            work: &mut work,
            models: context.pydantic_models,
            scopes: vec![module_scope],
            model_methods: BTreeSet::new(),
        };
        fixpoint_python::ast::visitor::Visitor::visit_body(&mut calls, parsed.suite());
        // Each fix brings the v2 names its code uses: applied alone (another
        // fix deferred, or unsafe and left out), it still leaves working code.
        for (fix, needs) in work.fixes.iter_mut().zip(&work.needs) {
            if fix.edits.is_empty() {
                continue;
            }
            for source_module in ["pydantic", "pydantic_settings", "typing"] {
                let missing: Vec<&str> = needs
                    .iter()
                    .filter(|(from, name)| *from == source_module && !module.binds(name))
                    .map(|(_, name)| *name)
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                fix.edits.push(match module.from_import(source_module) {
                    Some(existing) => Edit::insertion(
                        existing.names.last().map_or(existing.end, |n| n.end),
                        format!(", {}", missing.join(", ")),
                    ),
                    None => Edit::insertion(
                        module.insert_at,
                        format!("from {source_module} import {}\n", missing.join(", ")),
                    ),
                });
            }
        }
        work.fixes
    }
}
