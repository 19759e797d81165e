//! Pydantic models (v1 and v2): annotated fields with their `Field(...)`,
//! `constr`/`conint`/`condecimal` and `Annotated[...]` constraints.

use std::collections::{BTreeMap, BTreeSet};

use fixpoint_python::ast::{Expr, Stmt};

use super::python::{
    Class, Module, as_int, as_number, as_str, call_name, keyword, py_str, simple_name, text, unwrap_annotation,
};
use super::sqlalchemy::python_kind;
use crate::model::{EnumDef, EnumValue, Field, Framework, Kind, Model};

/// Every Pydantic model among the classes; settings classes are left out.
pub fn discover(
    classes: &[Class],
    by_name: &BTreeMap<&str, &Class>,
    enums: &BTreeMap<String, EnumDef>,
    pydantic: &BTreeSet<String>,
) -> Vec<Model> {
    let settings = ["BaseSettings"];
    let mut models = Vec::new();
    for class in classes {
        let name = class.name();
        if !pydantic.contains(name) || ["BaseModel", "BaseSettings", "GenericModel", "RootModel"].contains(&name) {
            continue;
        }
        if super::python::derives_from(class, by_name, &settings) {
            continue;
        }
        let mut chain = Vec::new();
        let mut current = Some(class);
        while let Some(c) = current {
            chain.push(c);
            current = c
                .bases()
                .iter()
                .find_map(|b| by_name.get(b.as_str()).copied())
                .filter(|parent| pydantic.contains(parent.name()) && !chain.iter().any(|x| std::ptr::eq(*x, *parent)));
        }
        chain.reverse();
        let mut fields: Vec<Field> = Vec::new();
        for ancestor in chain {
            for statement in &ancestor.def.body {
                let Stmt::AnnAssign(assign) = statement else { continue };
                let Expr::Name(target) = assign.target.as_ref() else {
                    continue;
                };
                let field_name = target.id.as_str();
                if field_name.starts_with('_') || field_name == "model_config" {
                    continue;
                }
                if matches!(assign.annotation.as_ref(), Expr::Subscript(s) if simple_name(&s.value) == Some("ClassVar"))
                {
                    continue;
                }
                let field = field(
                    ancestor.module,
                    field_name,
                    &assign.annotation,
                    assign.value.as_deref(),
                    enums,
                    pydantic,
                );
                if let Some(existing) = fields.iter_mut().find(|f| f.name == field.name) {
                    *existing = field;
                } else {
                    fields.push(field);
                }
            }
        }
        models.push(Model {
            name: name.to_owned(),
            framework: Framework::Pydantic,
            module: class.module.name.clone(),
            path: class.module.path.clone(),
            line: class.line(),
            table: None,
            fields,
            relationships: Vec::new(),
            unique_together: Vec::new(),
            checks: Vec::new(),
        });
    }
    models
}

fn field(
    module: &Module,
    name: &str,
    annotation: &Expr,
    value: Option<&Expr>,
    enums: &BTreeMap<String, EnumDef>,
    pydantic: &BTreeSet<String>,
) -> Field {
    let (inner, nullable) = unwrap_annotation(annotation);
    let mut field = Field::new(name, Kind::Unknown, text(module, annotation));
    field.nullable = nullable;
    type_of(module, inner, &mut field, enums, pydantic);
    // Constraints inside `Annotated[X, Field(...), StringConstraints(...)]`.
    annotated_constraints(annotation, &mut field);
    match value {
        Some(call) if call_name(call) == Some("Field") => {
            constraints(call, &mut field);
            let explicit = call
                .as_call_expr()
                .and_then(|c| c.arguments.args.first())
                .filter(|first| !matches!(first, Expr::EllipsisLiteral(_)));
            if let Some(default) = keyword(call, "default").or(explicit) {
                field.default = Some(text(module, default).to_owned());
            } else if let Some(factory) = keyword(call, "default_factory") {
                field.default = Some(format!("{}()", text(module, factory)));
            }
            field.alias = keyword(call, "alias")
                .or_else(|| keyword(call, "validation_alias"))
                .and_then(as_str)
                .map(str::to_owned);
        }
        Some(Expr::EllipsisLiteral(_)) | None => {}
        Some(other) => field.default = Some(text(module, other).to_owned()),
    }
    field
}

fn type_of(
    module: &Module,
    expr: &Expr,
    field: &mut Field,
    enums: &BTreeMap<String, EnumDef>,
    pydantic: &BTreeSet<String>,
) {
    match call_name(expr) {
        Some("constr") => {
            field.kind = Kind::String;
            constraints(expr, field);
            return;
        }
        Some("conint") => {
            field.kind = Kind::Integer;
            constraints(expr, field);
            return;
        }
        Some("confloat") => {
            field.kind = Kind::Float;
            constraints(expr, field);
            return;
        }
        Some("condecimal") => {
            field.kind = Kind::Decimal;
            constraints(expr, field);
            return;
        }
        Some("conlist" | "conset") => {
            field.kind = Kind::List;
            return;
        }
        _ => {}
    }
    if let Expr::Subscript(subscript) = expr {
        match simple_name(&subscript.value) {
            Some("Literal") => {
                let elts: Vec<&Expr> = match subscript.slice.as_ref() {
                    Expr::Tuple(t) => t.elts.iter().collect(),
                    other => vec![other],
                };
                let values = elts
                    .into_iter()
                    .filter_map(|e| {
                        as_str(e)
                            .map(|s| EnumValue {
                                name: s.to_owned(),
                                value: py_str(s),
                            })
                            .or_else(|| {
                                as_number(e).map(|_| EnumValue {
                                    name: text(module, e).to_owned(),
                                    value: text(module, e).to_owned(),
                                })
                            })
                    })
                    .collect();
                field.kind = Kind::Enum;
                field.choices = Some(EnumDef {
                    class: None,
                    module: None,
                    values,
                });
                return;
            }
            Some("list" | "List" | "set" | "Set" | "Sequence" | "tuple" | "Tuple") => {
                let element = match subscript.slice.as_ref() {
                    Expr::Tuple(t) if !t.elts.is_empty() => &t.elts[0],
                    other => other,
                };
                let element_name = match element {
                    Expr::StringLiteral(s) => Some(s.value.to_str()),
                    other => simple_name(other),
                };
                if let Some(target) = element_name.filter(|n| pydantic.contains(*n)) {
                    field.kind = Kind::ModelList;
                    field.target = Some(target.to_owned());
                } else {
                    field.kind = Kind::List;
                }
                return;
            }
            Some("dict" | "Dict" | "Mapping") => {
                field.kind = Kind::Json;
                return;
            }
            _ => {}
        }
    }
    let name = match expr {
        Expr::StringLiteral(s) => s.value.to_str(),
        other => simple_name(other).unwrap_or_default(),
    };
    if pydantic.contains(name) {
        field.kind = Kind::Model;
        field.target = Some(name.to_owned());
    } else if let Some(def) = enums.get(name) {
        field.kind = Kind::Enum;
        field.choices = Some(def.clone());
    } else {
        field.kind = python_kind(name);
        if field.kind == Kind::Unknown && (name == "PositiveInt" || name == "NonNegativeInt") {
            field.kind = Kind::Integer;
            field.min = Some(if name == "PositiveInt" { 1.0 } else { 0.0 });
        }
    }
}

fn annotated_constraints(annotation: &Expr, field: &mut Field) {
    if let Expr::Subscript(subscript) = annotation
        && simple_name(&subscript.value) == Some("Annotated")
        && let Expr::Tuple(tuple) = subscript.slice.as_ref()
    {
        for extra in tuple.elts.iter().skip(1) {
            if matches!(call_name(extra), Some("Field" | "StringConstraints" | "constr")) {
                constraints(extra, field);
            }
        }
    }
    if let Expr::Subscript(subscript) = annotation
        && matches!(simple_name(&subscript.value), Some("Optional"))
    {
        annotated_constraints(&subscript.slice, field);
    }
}

/// `max_length`, `min_length`, `ge`, `gt`, `le`, `lt`, `max_digits`, `decimal_places`
/// (and v1's `min_items`/`max_items` are ignored).
fn constraints(call: &Expr, field: &mut Field) {
    let length = |name: &str| keyword(call, name).and_then(as_int).and_then(|v| u32::try_from(v).ok());
    field.max_length = length("max_length").or(field.max_length);
    field.min_length = length("min_length").or(field.min_length);
    field.precision = length("max_digits").or(field.precision);
    field.scale = length("decimal_places").or(field.scale);
    let number = |name: &str| keyword(call, name).and_then(as_number);
    let integral = field.kind.is_integer();
    if let Some(v) = number("ge") {
        field.min = Some(v);
    }
    if let Some(v) = number("gt") {
        field.min = Some(if integral { v + 1.0 } else { v + 0.01 });
    }
    if let Some(v) = number("le") {
        field.max = Some(v);
    }
    if let Some(v) = number("lt") {
        field.max = Some(if integral { v - 1.0 } else { v - 0.01 });
    }
}
