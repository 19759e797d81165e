//! Django models: classes deriving from `models.Model`, their `models.*Field`
//! columns, `ForeignKey`/`OneToOneField`/`ManyToManyField`, `choices`,
//! validators and `Meta`.

use std::collections::BTreeMap;

use fixpoint_python::ast::{Expr, Stmt};

use super::python::{
    Class, as_bool, as_int, as_number, as_str, call_name, derives_from, elements, keyword, positional, py_str,
    simple_name, text,
};
use crate::model::{Cardinality, Check, EnumDef, EnumValue, Field, ForeignKey, Framework, Kind, Model, Relationship};

/// Every concrete Django model among the classes.
pub fn discover(classes: &[Class], by_name: &BTreeMap<&str, &Class>, enums: &BTreeMap<String, EnumDef>) -> Vec<Model> {
    let mut models = Vec::new();
    for class in classes {
        if class.bases().iter().all(|b| b != "Model") && !derives_from(class, by_name, &["Model"]) {
            continue;
        }
        // A `Model` base that is no Django model (SQLAlchemy's Flask `db.Model`) has no `models.*Field`.
        let meta = class.nested("Meta");
        let meta_value = |name: &str| {
            meta.and_then(|m| {
                m.body.iter().find_map(|s| match s {
                    Stmt::Assign(a) if matches!(a.targets.first(), Some(Expr::Name(n)) if n.id.as_str() == name) => {
                        Some(a.value.as_ref())
                    }
                    _ => None,
                })
            })
        };
        if meta_value("abstract").and_then(|e| as_bool(Some(e))) == Some(true) {
            continue;
        }
        let app = class
            .module
            .name
            .rsplit('.')
            .nth(1)
            .unwrap_or(class.module.name.as_str())
            .to_owned();
        let table = meta_value("db_table")
            .and_then(as_str)
            .map_or_else(|| format!("{app}_{}", class.name().to_ascii_lowercase()), str::to_owned);
        let mut model = Model {
            name: class.name().to_owned(),
            framework: Framework::Django,
            module: class.module.name.clone(),
            path: class.module.path.clone(),
            line: class.line(),
            table: Some(table),
            fields: Vec::new(),
            relationships: Vec::new(),
            unique_together: Vec::new(),
            checks: Vec::new(),
        };
        // Fields of abstract project bases come first.
        let mut chain = vec![class];
        let mut current = class;
        while let Some(parent) = current.bases().iter().find_map(|b| by_name.get(b.as_str()).copied()) {
            if chain.iter().any(|c| std::ptr::eq(*c, parent)) {
                break;
            }
            chain.push(parent);
            current = parent;
        }
        chain.reverse();
        let mut any_field = false;
        for ancestor in chain {
            for statement in &ancestor.def.body {
                let Stmt::Assign(assign) = statement else { continue };
                let Some(Expr::Name(target)) = assign.targets.first() else {
                    continue;
                };
                let value = assign.value.as_ref();
                let Some(field_type) = call_name(value) else { continue };
                if !field_type.ends_with("Field") && !matches!(field_type, "ForeignKey") {
                    continue;
                }
                any_field = true;
                field(ancestor, target.id.as_str(), field_type, value, enums, &mut model);
            }
        }
        if !any_field {
            continue;
        }
        if !model.fields.iter().any(|f| f.primary_key) {
            let mut id = Field::new("id", Kind::Integer, "AutoField");
            id.primary_key = true;
            id.generated = true;
            model.fields.insert(0, id);
        }
        if let Some(groups) = elements(meta_value("unique_together")) {
            let names = |e: &Expr| -> Vec<String> {
                elements(Some(e))
                    .unwrap_or_default()
                    .iter()
                    .filter_map(as_str)
                    .map(str::to_owned)
                    .collect()
            };
            if groups.iter().all(|e| as_str(e).is_some()) {
                model
                    .unique_together
                    .push(names(meta_value("unique_together").unwrap()));
            } else {
                model.unique_together.extend(groups.iter().map(names));
            }
        }
        if let Some(constraints) = elements(meta_value("constraints")) {
            for constraint in constraints {
                match call_name(constraint) {
                    Some("CheckConstraint") => {
                        if let Some(check) = keyword(constraint, "check").or_else(|| keyword(constraint, "condition")) {
                            let written = text(class.module, check);
                            model.checks.push(Check {
                                name: keyword(constraint, "name").and_then(as_str).map(str::to_owned),
                                sql: written.to_owned(),
                            });
                            q_bounds(check, &mut model.fields);
                        }
                    }
                    Some("UniqueConstraint") => {
                        if let Some(f) = elements(keyword(constraint, "fields")) {
                            model
                                .unique_together
                                .push(f.iter().filter_map(as_str).map(str::to_owned).collect());
                        }
                    }
                    _ => {}
                }
            }
        }
        models.push(model);
    }
    // Resolve foreign keys written as "app.Model" or "self".
    let names: Vec<String> = models.iter().map(|m| m.name.clone()).collect();
    for model in &mut models {
        let own = model.name.clone();
        for field in &mut model.fields {
            if let Some(fk) = &mut field.foreign_key {
                let target = if fk.table == "self" {
                    own.clone()
                } else {
                    fk.table.rsplit('.').next().unwrap_or_default().to_owned()
                };
                fk.model = names.iter().find(|n| **n == target).cloned();
                fk.table.clone_from(&target);
            }
        }
        for relationship in &mut model.relationships {
            if relationship.target == "self" {
                relationship.target.clone_from(&own);
            }
        }
    }
    models
}

fn field(
    class: &Class,
    name: &str,
    field_type: &str,
    call: &Expr,
    enums: &BTreeMap<String, EnumDef>,
    model: &mut Model,
) {
    let module = class.module;
    let length = |n: &str| keyword(call, n).and_then(as_int).and_then(|v| u32::try_from(v).ok());
    let (kind, default_length) = match field_type {
        "CharField" => (Kind::String, None),
        "SlugField" => (Kind::String, Some(50)),
        "TextField" => (Kind::Text, None),
        "EmailField" => (Kind::Email, Some(254)),
        "URLField" => (Kind::Url, Some(200)),
        "IntegerField" | "AutoField" | "PositiveIntegerField" | "ForeignKey" | "OneToOneField" => (Kind::Integer, None),
        "BigIntegerField" | "BigAutoField" | "PositiveBigIntegerField" => (Kind::BigInteger, None),
        "SmallIntegerField" | "SmallAutoField" | "PositiveSmallIntegerField" => (Kind::SmallInteger, None),
        "FloatField" => (Kind::Float, None),
        "DecimalField" => (Kind::Decimal, None),
        "BooleanField" | "NullBooleanField" => (Kind::Boolean, None),
        "DateField" => (Kind::Date, None),
        "DateTimeField" => (Kind::DateTime, None),
        "TimeField" => (Kind::Time, None),
        "DurationField" => (Kind::Interval, None),
        "UUIDField" => (Kind::Uuid, None),
        "JSONField" => (Kind::Json, None),
        "BinaryField" => (Kind::Binary, None),
        "ManyToManyField" => {
            if let Some(target) = positional(call).first().or_else(|| keyword(call, "to")) {
                let target = as_str(target)
                    .map(str::to_owned)
                    .or_else(|| simple_name(target).map(str::to_owned));
                model.relationships.push(Relationship {
                    name: name.to_owned(),
                    target: target
                        .unwrap_or_default()
                        .rsplit('.')
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                    cardinality: Cardinality::ManyToMany,
                    back_populates: keyword(call, "related_name").and_then(as_str).map(str::to_owned),
                    through_field: None,
                });
            }
            return;
        }
        _ => (Kind::Unknown, None),
    };
    let mut field = Field::new(name, kind, text(module, call));
    field.nullable = as_bool(keyword(call, "null")) == Some(true);
    field.unique = as_bool(keyword(call, "unique")) == Some(true);
    field.primary_key = as_bool(keyword(call, "primary_key")) == Some(true);
    field.generated = field_type.ends_with("AutoField")
        || as_bool(keyword(call, "auto_now")) == Some(true)
        || as_bool(keyword(call, "auto_now_add")) == Some(true);
    field.max_length = length("max_length").or(default_length);
    field.precision = length("max_digits");
    field.scale = length("decimal_places");
    field.default = keyword(call, "default").map(|e| text(module, e).to_owned());
    if field_type.starts_with("Positive") {
        field.min = Some(0.0);
    }
    if let Some(validators) = elements(keyword(call, "validators")) {
        for validator in validators {
            let bound = positional(validator).first().and_then(as_number);
            match call_name(validator) {
                Some("MinValueValidator") => field.min = bound,
                Some("MaxValueValidator") => field.max = bound,
                Some("MaxLengthValidator") => field.max_length = bound.map(|b| b as u32),
                _ => {}
            }
        }
    }
    if let Some(choices) = keyword(call, "choices") {
        field.choices = choices_of(choices, enums);
        if field.choices.is_some() {
            field.kind = Kind::Enum;
        }
    }
    if matches!(field_type, "ForeignKey" | "OneToOneField") {
        let target = positional(call).first().or_else(|| keyword(call, "to"));
        let target = target
            .and_then(|t| {
                as_str(t)
                    .map(str::to_owned)
                    .or_else(|| simple_name(t).map(str::to_owned))
            })
            .unwrap_or_default();
        text(module, call).clone_into(&mut field.type_text);
        field.foreign_key = Some(ForeignKey {
            table: target.clone(),
            column: "id".to_owned(),
            model: None,
            on_delete: keyword(call, "on_delete").and_then(simple_name).map(str::to_owned),
        });
        if field_type == "OneToOneField" {
            field.unique = true;
        }
        model.relationships.push(Relationship {
            name: name.to_owned(),
            target: target.rsplit('.').next().unwrap_or_default().to_owned(),
            cardinality: if field_type == "OneToOneField" {
                Cardinality::OneToOne
            } else {
                Cardinality::ManyToOne
            },
            back_populates: keyword(call, "related_name").and_then(as_str).map(str::to_owned),
            through_field: Some(name.to_owned()),
        });
    }
    model.fields.push(field);
}

/// `choices=Status.choices`, `choices=Status`, or `choices=[("a", "A"), ...]`.
fn choices_of(expr: &Expr, enums: &BTreeMap<String, EnumDef>) -> Option<EnumDef> {
    match expr {
        Expr::Attribute(attribute) => simple_name(&attribute.value)
            .and_then(|n| enums.get(n))
            .map(|def| EnumDef {
                // Django stores the value, so the factory picks values, not members.
                class: None,
                module: None,
                values: def.values.clone(),
            }),
        Expr::Name(name) => enums.get(name.id.as_str()).cloned(),
        Expr::List(list) => Some(pairs(&list.elts)),
        Expr::Tuple(tuple) => Some(pairs(&tuple.elts)),
        _ => None,
    }
}

fn pairs(elts: &[Expr]) -> EnumDef {
    let values = elts
        .iter()
        .filter_map(|pair| match pair {
            Expr::Tuple(t) if !t.elts.is_empty() => {
                let stored = &t.elts[0];
                as_str(stored)
                    .map(|s| EnumValue {
                        name: s.to_owned(),
                        value: py_str(s),
                    })
                    .or_else(|| {
                        as_int(stored).map(|n| EnumValue {
                            name: n.to_string(),
                            value: n.to_string(),
                        })
                    })
            }
            _ => None,
        })
        .collect();
    EnumDef {
        class: None,
        module: None,
        values,
    }
}

/// Bounds from `Q(level__gte=1, level__lte=20)` (and `&` of such).
fn q_bounds(expr: &Expr, fields: &mut [Field]) {
    match expr {
        Expr::BinOp(binop) => {
            q_bounds(&binop.left, fields);
            q_bounds(&binop.right, fields);
        }
        Expr::Call(call) => {
            for kw in &call.arguments.keywords {
                let Some(arg) = kw.arg.as_ref() else { continue };
                let Some((name, op)) = arg.as_str().rsplit_once("__") else {
                    continue;
                };
                let Some(value) = as_number(&kw.value) else { continue };
                if let Some(field) = fields.iter_mut().find(|f| f.name == name) {
                    match op {
                        "gte" => field.min = Some(value),
                        "gt" => field.min = Some(value + 1.0),
                        "lte" => field.max = Some(value),
                        "lt" => field.max = Some(value - 1.0),
                        _ => {}
                    }
                }
            }
        }
        _ => {}
    }
}
