//! Renamed `Field`/`constr`/`conlist` keywords, and v1 methods called on what
//! is known to be a model: which names hold a model, scope by scope.

use std::collections::BTreeSet;

use fixpoint_python::ast::{Expr, ExprAttribute, ExprCall, Stmt, StmtFunctionDef};
use fixpoint_python::text_size::{Ranged, TextRange};

use super::{Work, called_name, is_model};
use crate::{Applicability, Edit};

/// Field keywords renamed in v2, in `Field`, `constr`, `conlist`, `conset`.
const FIELD_KEYWORDS: &[(&str, &str)] = &[
    ("regex", "pattern"),
    ("min_items", "min_length"),
    ("max_items", "max_length"),
];

/// v1 model methods and their v2 names.
const METHODS: &[(&str, &str)] = &[
    ("dict", "model_dump"),
    ("parse_obj", "model_validate"),
    ("parse_raw", "model_validate_json"),
    ("from_orm", "model_validate"),
    ("copy", "model_copy"),
    ("schema", "model_json_schema"),
    ("update_forward_refs", "model_rebuild"),
    ("construct", "model_construct"),
];

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

/// Pydantic 1's parsing functions and the `TypeAdapter` method each becomes
/// (Pydantic 2 keeps them only as deprecated wrappers of exactly that).
const PARSE_AS: [(&str, &str); 2] = [("parse_obj_as", "validate_python"), ("parse_raw_as", "validate_json")];

/// Whether `expr` makes a model instance: `Model(...)`, `Model.parse_obj(...)`
/// and the other constructors, `known.copy()`, or a name `known` holds.
pub(super) fn is_model_value(expr: &Expr, models: &BTreeSet<String>, known: &BTreeSet<String>) -> bool {
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
pub(super) fn is_model_annotation(expr: &Expr, models: &BTreeSet<String>) -> bool {
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
pub(super) struct Bindings<'m> {
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
pub(super) fn statement_names(statement: &Stmt) -> Vec<String> {
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

/// Every name a function binds in its own scope: its parameters and what
/// its body assigns, imports or declares (nested scopes not included).
pub(super) fn bound_in(function: &StmtFunctionDef) -> BTreeSet<String> {
    let none = BTreeSet::new();
    let mut bindings = Bindings {
        models: &none,
        enclosing: BTreeSet::new(),
        instances: BTreeSet::new(),
        other: BTreeSet::new(),
    };
    let parameters = &function.parameters;
    for parameter in parameters
        .posonlyargs
        .iter()
        .chain(&parameters.args)
        .chain(&parameters.kwonlyargs)
    {
        bindings.other.insert(parameter.parameter.name.as_str().to_owned());
    }
    for parameter in [&parameters.vararg, &parameters.kwarg].into_iter().flatten() {
        bindings.other.insert(parameter.name.as_str().to_owned());
    }
    fixpoint_python::ast::visitor::Visitor::visit_body(&mut bindings, &function.body);
    bindings.other
}

/// Renames keywords and v1 methods across the module (see [`Calls`]).
pub(super) fn convert_calls(work: &mut Work<'_>, suite: &[Stmt], models: &BTreeSet<String>) {
    let module_scope = scope(None, suite, models, &BTreeSet::new(), false);
    // A class of the module's own with a `json` or `dict` method: a model
    // keyword in a call no longer tells a model's.
    let own_dumps = super::classes_in(suite).iter().any(|class| {
        !is_model(class, models)
            && class
                .body
                .iter()
                .any(|m| matches!(m, Stmt::FunctionDef(f) if matches!(f.name.as_str(), "json" | "dict")))
    });
    let mut calls = Calls {
        work,
        models,
        scopes: vec![module_scope],
        locals: Vec::new(),
        model_methods: BTreeSet::new(),
        own_dumps,
    };
    fixpoint_python::ast::visitor::Visitor::visit_body(&mut calls, suite);
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
    /// Every name each enclosing function binds, innermost last.
    locals: Vec<BTreeSet<String>>,
    /// Where the methods defined directly in a model class start.
    model_methods: BTreeSet<usize>,
    /// The module defines a non-model class with a `json` or `dict` method.
    own_dumps: bool,
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

/// `update_forward_refs(A=A, **ns)`'s keywords as Pydantic 2's one
/// `_types_namespace=` argument: `ns` alone stays a name, anything else
/// becomes a dict. None when the call also has positional arguments (which
/// v1 never took).
fn types_namespace(work: &Work<'_>, call: &ExprCall) -> Option<Edit> {
    let keywords = &call.arguments.keywords;
    if !call.arguments.args.is_empty() {
        return None;
    }
    let namespace = match &keywords[..] {
        [only] if only.arg.is_none() => work.text(only.value.range()).to_owned(),
        _ => {
            let entries: Vec<String> = keywords
                .iter()
                .map(|keyword| match &keyword.arg {
                    Some(name) => format!("\"{}\": {}", name.as_str(), work.text(keyword.value.range())),
                    None => format!("**{}", work.text(keyword.value.range())),
                })
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
    };
    let start = keywords.first()?.range.start().to_usize();
    let end = keywords.last()?.range.end().to_usize();
    Some(Edit::replacement(start, end, format!("_types_namespace={namespace}")))
}

/// Keywords only a Pydantic model's `.dict()` and `.json()` take: a call
/// with one of them is a model's, whatever its receiver.
const MODEL_KEYWORDS: &[&str] = &["by_alias", "exclude_unset", "exclude_defaults", "exclude_none"];

/// The keywords v1's `.json()` passed on to `model_dump`, as opposed to
/// `json.dumps`.
const DUMP_KEYWORDS: &[&str] = &[
    "include",
    "exclude",
    "by_alias",
    "exclude_unset",
    "exclude_defaults",
    "exclude_none",
];

fn has_model_keyword(call: &ExprCall) -> bool {
    call.arguments
        .keywords
        .iter()
        .any(|k| k.arg.as_ref().is_some_and(|a| MODEL_KEYWORDS.contains(&a.as_str())))
}

/// What a v1 `ModelField` attribute read through `model_fields[...]` is in v2.
const FIELD_ATTRIBUTES: &[(&str, &str)] = &[("outer_type_", "annotation"), ("required", "is_required()")];

impl Calls<'_, '_> {
    /// `x.json(...)`: `x.model_dump_json(...)` when only the model's
    /// keywords and `indent` are given; v1's exact text otherwise, or when
    /// the module's target asks for it (`EXACT_JSON`): `json.dumps(
    /// x.model_dump(mode="json", ...), ...)`, which keeps v1's `", "` and
    /// `": "` separators, `ensure_ascii` and the other `json.dumps` keywords.
    fn convert_json(&mut self, call: &ExprCall, attribute: &ExprAttribute) {
        let text = |e: &Expr| self.work.text(e.range()).to_owned();
        if !call.arguments.args.is_empty() {
            return;
        }
        let mut dump = Vec::new();
        let mut dumps = Vec::new();
        for keyword in &call.arguments.keywords {
            let Some(arg) = &keyword.arg else { return };
            let spelled = format!("{}={}", arg.as_str(), text(&keyword.value));
            match arg.as_str() {
                "encoder" | "models_as_dict" => {
                    self.work
                        .report(format!(".json({}=...) has no v2 form: use a serializer", arg.as_str()));
                    return;
                }
                name if DUMP_KEYWORDS.contains(&name) => dump.push(spelled),
                _ => dumps.push(spelled),
            }
        }
        let receiver = text(&attribute.value);
        let idiomatic = !self.work.exact_json && dumps.iter().all(|k| k.starts_with("indent="));
        let (replacement, message) = if idiomatic {
            dump.extend(dumps);
            (
                format!("{receiver}.model_dump_json({})", dump.join(", ")),
                ".json() → .model_dump_json()",
            )
        } else {
            // `json` must be the module here, not a parameter or a local.
            let json_taken = !self.work.json_is_free || self.locals.iter().any(|names| names.contains("json"));
            if json_taken {
                self.work.report(format!(
                    "`{receiver}.json(...)`: `json` names something else here, so v1's exact text (`json.dumps`) is not written"
                ));
                return;
            }
            self.work.imports.insert(("json", ""));
            dump.insert(0, "mode=\"json\"".to_owned());
            let rest: String = dumps.iter().fold(String::new(), |mut rest, k| {
                rest.push_str(", ");
                rest.push_str(k);
                rest
            });
            (
                format!("json.dumps({receiver}.model_dump({}){rest})", dump.join(", ")),
                ".json() → json.dumps(.model_dump(mode=\"json\")), v1's exact text",
            )
        };
        self.work.push(
            Applicability::Safe,
            vec![Edit::replacement(
                call.range().start().to_usize(),
                call.range().end().to_usize(),
                replacement,
            )],
            message.to_owned(),
        );
    }

    /// `Model.__fields__` → `Model.model_fields` (`type(x).model_fields` on
    /// an instance, where v2 deprecates reading it), `x.__fields_set__` →
    /// `x.model_fields_set` on any receiver (no other type has it), and a
    /// field's `outer_type_`, `type_` and `required` read straight from
    /// `Model.__fields__[name]`.
    fn rename_field_attributes(&mut self, attribute: &ExprAttribute) {
        let at = |range: TextRange| (range.start().to_usize(), range.end().to_usize());
        match attribute.attr.as_str() {
            "__fields_set__" if self.known_receiver(&attribute.value) => {
                let (start, end) = at(attribute.attr.range);
                self.work.push(
                    Applicability::Safe,
                    vec![Edit::replacement(start, end, "model_fields_set")],
                    "__fields_set__ → model_fields_set".to_owned(),
                );
            }
            "__fields__" if self.known_receiver(&attribute.value) => {
                let receiver = attribute.value.as_ref();
                let class = matches!(receiver, Expr::Name(name)
                    if self.models.contains(name.id.as_str()) || name.id.as_str() == "cls");
                let (start, end) = at(attribute.range);
                let text = self.work.text(receiver.range()).to_owned();
                let replacement = if class {
                    format!("{text}.model_fields")
                } else {
                    format!("type({text}).model_fields")
                };
                self.work.push(
                    Applicability::Safe,
                    vec![Edit::replacement(start, end, replacement)],
                    "__fields__ → model_fields".to_owned(),
                );
            }
            attr => {
                let Some((_, v2)) = FIELD_ATTRIBUTES.iter().find(|(v1, _)| *v1 == attr) else {
                    return;
                };
                let Expr::Subscript(subscript) = attribute.value.as_ref() else {
                    return;
                };
                let Expr::Attribute(fields) = subscript.value.as_ref() else {
                    return;
                };
                if !matches!(fields.attr.as_str(), "__fields__" | "model_fields") || !self.known_receiver(&fields.value)
                {
                    return;
                }
                let (start, end) = at(attribute.attr.range);
                self.work.push(
                    Applicability::Safe,
                    vec![Edit::replacement(start, end, *v2)],
                    format!("ModelField.{attr} → FieldInfo.{v2}"),
                );
            }
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
                self.locals.push(bound_in(function));
                fixpoint_python::ast::visitor::walk_stmt(self, statement);
                self.locals.pop();
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
            if let Some((old, method)) = PARSE_AS.iter().find(|(old, _)| name == Some(*old))
                && let [kind, value] = &call.arguments.args[..]
                && call.arguments.keywords.is_empty()
                && !matches!(value, Expr::Starred(_))
            {
                // `parse_obj_as(T, x)` → `TypeAdapter(T).validate_python(x)`: the
                // callee and the type become the adapter, `x)` stays, so a
                // nested call in `x` gets its own edit.
                let adapter = format!("TypeAdapter({}).{method}(", self.work.text(kind.range()));
                self.work.imports.insert(("pydantic", "TypeAdapter"));
                self.work.push(
                    Applicability::Safe,
                    vec![Edit::replacement(
                        call.func.range().start().to_usize(),
                        value.range().start().to_usize(),
                        adapter,
                    )],
                    format!("{old}(T, x) → TypeAdapter(T).{method}(x)"),
                );
            }
            if let Expr::Attribute(attribute) = call.func.as_ref()
                && attribute.attr.as_str() == "json"
                && (self.known_receiver(&attribute.value) || (!self.own_dumps && has_model_keyword(call)))
            {
                self.convert_json(call, attribute);
            } else if let Expr::Attribute(attribute) = call.func.as_ref()
                && let Some((old, new)) = METHODS.iter().find(|(old, _)| *old == attribute.attr.as_str())
                && (self.known_receiver(&attribute.value)
                    || (*old == "dict" && !self.own_dumps && has_model_keyword(call)))
            {
                let mut edits = vec![Edit::replacement(
                    attribute.attr.range.start().to_usize(),
                    attribute.attr.range.end().to_usize(),
                    *new,
                )];
                let mut message = format!(".{old}() → .{new}()");
                if *old == "update_forward_refs" && !call.arguments.keywords.is_empty() {
                    match types_namespace(self.work, call) {
                        Some(edit) => {
                            edits.push(edit);
                            ".update_forward_refs(...) → .model_rebuild(_types_namespace=...)".clone_into(&mut message);
                        }
                        None => edits.clear(),
                    }
                }
                if !edits.is_empty() {
                    self.work.push(Applicability::Safe, edits, message);
                }
            }
        }
        if let Expr::Attribute(attribute) = expr {
            self.rename_field_attributes(attribute);
        }
        fixpoint_python::ast::visitor::walk_expr(self, expr);
    }
}
