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
//!   `.model_dump_json()` (or `json.dumps(x.model_dump(mode="json"))`,
//!   v1's exact text, with `json.dumps` keywords or [`EXACT_JSON`]),
//!   `.parse_obj()` / `.from_orm()` → `.model_validate()`, `.parse_raw()` →
//!   `.model_validate_json()`, `.copy()` → `.model_copy()`, `.schema()` →
//!   `.model_json_schema()`, `.update_forward_refs(**ns)` →
//!   `.model_rebuild(_types_namespace=ns)`, `.construct()` →
//!   `.model_construct()`; where a module resolves forward references, every
//!   model it holds is rebuilt after the last call;
//! - v1 internals with a v2 equivalent: `__fields__` → `model_fields`,
//!   `__fields_set__` → `model_fields_set`, `outer_type_`/`required`
//!   of `__fields__[name]`, `pydantic.schema.schema`/`schema_of`,
//!   `ConfigError`, and the names that moved (`pydantic.error_wrappers`,
//!   `pydantic.typing`'s re-exports of `typing`): see `imports.rs` and
//!   `internals.rs`;
//! - `@validator(..., always=True)` → `validate_default=True` on its fields;
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
//! - `parse_obj_as(T, x)` → `TypeAdapter(T).validate_python(x)`,
//!   `parse_raw_as(T, s)` → `TypeAdapter(T).validate_json(s)` (two
//!   positional arguments, no keywords: `content_type=`, `type_name=` and
//!   the like are left alone);
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

use fixpoint_core::FixerCode;
use fixpoint_python::ModuleSummary;
use fixpoint_python::ast::{Expr, Stmt, StmtClassDef};
use fixpoint_python::text_size::Ranged;

use super::statements::{absolute_module, import_names, statements};
use super::{FailureView, FixContext, Fixer, ProjectFacts, Target};
use crate::{Applicability, Edit, Fix};

mod calls;
mod classes;
mod config;
mod fields;
mod imports;
mod internals;
mod validators;

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
    /// `.json()` keeps v1's exact text (see [`EXACT_JSON`]).
    exact_json: bool,
    /// At the module's top level `json` is the standard module, or unbound.
    json_is_free: bool,
}

/// The name of an FP003 target that asks for v1's exact JSON text:
/// `.json()` becomes `json.dumps(x.model_dump(mode="json"))` rather than
/// `x.model_dump_json()`, whose compact output differs. `fixpoint migrate
/// pydantic` asks for it when a group's tests fail with the idiomatic form.
pub const EXACT_JSON: &str = "exact-json";

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

/// Every class of the module, at any depth.
fn classes_in(suite: &[Stmt]) -> Vec<&StmtClassDef> {
    statements(suite, |statement| match statement {
        Stmt::ClassDef(class) => Some(class),
        _ => None,
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
        let Some(suite) = super::statements::suite_of(module, source) else {
            return Vec::new();
        };
        let suite = &*suite;
        // A module that does not use Pydantic, itself or through the
        // project's own models, has nothing to migrate.
        let imports_model = module
            .imports
            .iter()
            .any(|import| import.names.iter().any(|n| context.pydantic_models.contains(&n.name)));
        if !imports_model && !fixpoint_python::imports_any(suite, fixpoint_python::PYDANTIC_LIBRARIES) {
            return Vec::new();
        }
        let mut work = Work {
            source,
            fixes: Vec::new(),
            needs: Vec::new(),
            imports: BTreeSet::new(),
            consts: Vec::new(),
            exact_json: context
                .targets
                .iter()
                .any(|t| t.code == self.code() && t.path == path && t.name == EXACT_JSON),
            json_is_free: !module.binds("json")
                || module.imports.iter().any(|import| {
                    import.from.is_none() && import.names.iter().any(|n| n.name == "json" && n.asname.is_none())
                }),
        };
        let unconverted = internals::convert_schema_calls(&mut work, suite, module);
        imports::move_imports(&mut work, suite, module, &unconverted);
        for class in classes_in(suite) {
            if !is_model(class, context.pydantic_models) {
                continue;
            }
            classes::rename_generic_base(&mut work, class);
            fields::convert_fields(&mut work, class);
            classes::convert_root_model(&mut work, class);
            for member in &class.body {
                match member {
                    Stmt::ClassDef(config) if config.name.as_str() == "Config" => {
                        config::convert_config(&mut work, class, config, is_settings(class));
                    }
                    Stmt::FunctionDef(function) => validators::convert_validator(&mut work, class, function),
                    _ => {}
                }
            }
        }
        internals::rebuild_after_forward_refs(&mut work, suite, module, context);
        calls::convert_calls(&mut work, suite, context.pydantic_models);
        // Each fix brings the v2 names its code uses: applied alone (another
        // fix deferred, or unsafe and left out), it still leaves working code.
        for (fix, needs) in work.fixes.iter_mut().zip(&work.needs) {
            if fix.edits.is_empty() {
                continue;
            }
            // `("json", "")` stands for `import json`.
            if needs.contains(&("json", "")) && !module.binds("json") {
                fix.edits.push(Edit::insertion(module.insert_at, "import json\n"));
            }
            for source_module in ["pydantic", "pydantic_settings", "typing"] {
                let missing: Vec<String> = needs
                    .iter()
                    .filter(|(from, name)| *from == source_module && !module.binds(name))
                    .map(|(_, name)| (*name).to_owned())
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                fix.edits.push(import_names(source, module, source_module, &missing));
            }
        }
        work.fixes
    }
}
