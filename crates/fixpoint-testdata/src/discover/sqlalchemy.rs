//! SQLAlchemy declarative models, classic (`name = Column(String(80))`) and
//! 2.0 (`name: Mapped[str] = mapped_column(String(80))`), read statically.

use std::collections::BTreeMap;

use fixpoint_python::ast::{Expr, Stmt};

use super::python::{
    Class, Module, as_bool, as_int, as_str, call_name, check_bounds, keyword, positional, simple_name, text,
    unwrap_annotation,
};
use crate::model::{Cardinality, Check, EnumDef, EnumValue, Field, ForeignKey, Framework, Kind, Model, Relationship};

/// A relationship before the other models are known.
pub struct PendingRelationship {
    pub relationship: Relationship,
    /// `Some(true)` for a scalar side (`Mapped["X"]`, `uselist=False`), `Some(false)` for a collection.
    pub scalar: Option<bool>,
    pub secondary: bool,
    /// `foreign_keys=` as written.
    pub foreign_keys: Option<String>,
}

/// Every SQLAlchemy model among the classes.
pub fn discover(
    classes: &[Class],
    by_name: &BTreeMap<&str, &Class>,
    enums: &BTreeMap<String, EnumDef>,
) -> (Vec<Model>, Vec<Vec<PendingRelationship>>) {
    let mut models = Vec::new();
    let mut pending = Vec::new();
    for class in classes {
        let Some(table) = class.assigned("__tablename__").and_then(as_str) else {
            continue;
        };
        if class.assigned("__abstract__").and_then(|e| as_bool(Some(e))) == Some(true) {
            continue;
        }
        let mut chain = Vec::new();
        lineage(class, by_name, &mut chain, 0);
        let mut model = Model {
            name: class.name().to_owned(),
            framework: Framework::Sqlalchemy,
            module: class.module.name.clone(),
            path: class.module.path.clone(),
            line: class.line(),
            table: Some(table.to_owned()),
            fields: Vec::new(),
            relationships: Vec::new(),
            unique_together: Vec::new(),
            checks: Vec::new(),
        };
        let mut relationships = Vec::new();
        let mut mapped = false;
        for ancestor in &chain {
            for statement in &ancestor.def.body {
                let (name, annotation, value) = match statement {
                    Stmt::Assign(assign) if assign.targets.len() == 1 => match &assign.targets[0] {
                        Expr::Name(name) => (name.id.as_str(), None, Some(assign.value.as_ref())),
                        _ => continue,
                    },
                    Stmt::AnnAssign(assign) => match assign.target.as_ref() {
                        Expr::Name(name) => (
                            name.id.as_str(),
                            Some(assign.annotation.as_ref()),
                            assign.value.as_deref(),
                        ),
                        _ => continue,
                    },
                    _ => continue,
                };
                if name.starts_with("__") {
                    continue;
                }
                let called = value.and_then(call_name);
                match called {
                    Some("Column" | "mapped_column") => {
                        mapped = true;
                        let field = column(
                            ancestor.module,
                            name,
                            annotation,
                            value.unwrap(),
                            enums,
                            &mut model.checks,
                        );
                        upsert(&mut model.fields, field);
                    }
                    Some("relationship" | "relation") => {
                        relationships.push(relationship(ancestor.module, name, annotation, value.unwrap()));
                    }
                    None if value.is_none() && annotation.is_some_and(is_mapped) => {
                        // `name: Mapped[int]` with no right-hand side is a column too.
                        mapped = true;
                        let field = from_annotation(ancestor.module, name, annotation.unwrap(), enums);
                        upsert(&mut model.fields, field);
                    }
                    _ => {}
                }
            }
            if let Some(args) = ancestor.assigned("__table_args__") {
                table_args(ancestor.module, args, &mut model);
            }
        }
        if !mapped {
            continue;
        }
        for check in model.checks.iter().map(|c| c.sql.clone()).collect::<Vec<_>>() {
            for field in &mut model.fields {
                let (min, max) = check_bounds(&check, &field.name);
                field.min = min.or(field.min);
                field.max = max.or(field.max);
            }
        }
        for group in &model.unique_together {
            if let [one] = group.as_slice()
                && let Some(field) = model.fields.iter_mut().find(|f| &f.name == one)
            {
                field.unique = true;
            }
        }
        models.push(model);
        pending.push(relationships);
    }
    (models, pending)
}

fn upsert(fields: &mut Vec<Field>, field: Field) {
    if let Some(existing) = fields.iter_mut().find(|f| f.name == field.name) {
        *existing = field;
    } else {
        fields.push(field);
    }
}

/// The class and its project bases, bases first.
fn lineage<'a>(
    class: &'a Class<'a>,
    by_name: &BTreeMap<&str, &'a Class<'a>>,
    out: &mut Vec<&'a Class<'a>>,
    depth: usize,
) {
    if depth > 20 {
        return;
    }
    for base in class.bases().iter().rev() {
        if let Some(parent) = by_name.get(base.as_str())
            && !std::ptr::eq(*parent, class)
        {
            lineage(parent, by_name, out, depth + 1);
        }
    }
    if !out.iter().any(|c| std::ptr::eq(*c, class)) {
        out.push(class);
    }
}

fn is_mapped(annotation: &Expr) -> bool {
    matches!(annotation, Expr::Subscript(s) if simple_name(&s.value) == Some("Mapped"))
}

fn column(
    module: &Module,
    name: &str,
    annotation: Option<&Expr>,
    call: &Expr,
    enums: &BTreeMap<String, EnumDef>,
    checks: &mut Vec<Check>,
) -> Field {
    let mut field = if let Some(annotation) = annotation {
        from_annotation(module, name, annotation, enums)
    } else {
        let mut field = Field::new(name, Kind::Unknown, "");
        field.nullable = true;
        field
    };
    let mut typed = false;
    for arg in positional(call) {
        match call_name(arg).or_else(|| simple_name(arg)) {
            Some("ForeignKey") => {
                field.foreign_key = foreign_key(module, arg);
            }
            Some("CheckConstraint") => {
                if let Some(sql) = positional(arg).first().and_then(as_str) {
                    checks.push(Check {
                        name: keyword(arg, "name").and_then(as_str).map(str::to_owned),
                        sql: sql.to_owned(),
                    });
                }
            }
            Some("Identity" | "Sequence" | "Computed") => {}
            Some(type_name) if !typed && apply_sql_type(module, &mut field, type_name, arg, enums) => {
                typed = true;
            }
            _ => {}
        }
    }
    if let Some(type_expr) = keyword(call, "type_")
        && let Some(type_name) = call_name(type_expr).or_else(|| simple_name(type_expr))
    {
        apply_sql_type(module, &mut field, type_name, type_expr, enums);
    }
    if field.type_text.is_empty() {
        text(module, call).clone_into(&mut field.type_text);
    }
    let primary_key = as_bool(keyword(call, "primary_key")) == Some(true);
    field.primary_key = primary_key;
    if primary_key {
        field.nullable = false;
    }
    if let Some(nullable) = as_bool(keyword(call, "nullable")) {
        field.nullable = nullable;
    }
    if as_bool(keyword(call, "unique")) == Some(true) {
        field.unique = true;
    }
    field.default = keyword(call, "default")
        .or_else(|| keyword(call, "server_default"))
        .or_else(|| keyword(call, "insert_default"))
        .map(|e| text(module, e).to_owned());
    let autoincrement = as_bool(keyword(call, "autoincrement"));
    field.generated = primary_key && field.kind.is_integer() && autoincrement != Some(false);
    field
}

/// Sets kind and sizes from a SQL type (`String(80)`, `Numeric(10, 2)`,
/// `Enum(Status)`); false when the name is no SQL type.
fn apply_sql_type(
    module: &Module,
    field: &mut Field,
    type_name: &str,
    expr: &Expr,
    enums: &BTreeMap<String, EnumDef>,
) -> bool {
    let args = positional(expr);
    let int_arg = |index: usize, name: &str| {
        keyword(expr, name)
            .or_else(|| args.get(index))
            .and_then(as_int)
            .and_then(|v| u32::try_from(v).ok())
    };
    let kind = match type_name {
        "Integer" | "INTEGER" | "INT" => Kind::Integer,
        "BigInteger" | "BIGINT" => Kind::BigInteger,
        "SmallInteger" | "SMALLINT" => Kind::SmallInteger,
        "Float" | "FLOAT" | "REAL" | "Double" | "DOUBLE" | "DOUBLE_PRECISION" => Kind::Float,
        "Numeric" | "NUMERIC" | "DECIMAL" => {
            field.precision = int_arg(0, "precision");
            field.scale = int_arg(1, "scale");
            Kind::Decimal
        }
        "String" | "VARCHAR" | "Unicode" | "CHAR" | "NVARCHAR" | "NCHAR" => {
            field.max_length = int_arg(0, "length");
            if field.kind.is_textual() && field.kind != Kind::Text {
                field.kind
            } else {
                Kind::String
            }
        }
        "Text" | "TEXT" | "UnicodeText" | "CLOB" => Kind::Text,
        "Boolean" | "BOOLEAN" => Kind::Boolean,
        "Date" | "DATE" => Kind::Date,
        "DateTime" | "DATETIME" | "TIMESTAMP" => Kind::DateTime,
        "Time" | "TIME" => Kind::Time,
        "Interval" => Kind::Interval,
        "Uuid" | "UUID" => Kind::Uuid,
        "JSON" | "JSONB" => Kind::Json,
        "LargeBinary" | "BLOB" | "BYTEA" | "LargeBinaryType" => Kind::Binary,
        "ARRAY" => Kind::List,
        "Enum" => {
            let mut strings = Vec::new();
            for arg in args {
                if let Some(value) = as_str(arg) {
                    strings.push(EnumValue {
                        name: value.to_owned(),
                        value: super::python::py_str(value),
                    });
                } else if let Some(class) = simple_name(arg)
                    && let Some(def) = enums.get(class)
                {
                    field.choices = Some(def.clone());
                }
            }
            if field.choices.is_none() && !strings.is_empty() {
                field.choices = Some(EnumDef {
                    class: None,
                    module: None,
                    values: strings,
                });
            }
            Kind::Enum
        }
        _ => return false,
    };
    field.kind = kind;
    text(module, expr).clone_into(&mut field.type_text);
    true
}

/// A field from its annotation alone: `Mapped[str | None]`.
fn from_annotation(module: &Module, name: &str, annotation: &Expr, enums: &BTreeMap<String, EnumDef>) -> Field {
    let (inner, nullable) = unwrap_annotation(annotation);
    let type_name = match inner {
        Expr::StringLiteral(s) => s.value.to_str().rsplit('.').next().unwrap_or_default().to_owned(),
        other => simple_name(other).unwrap_or_default().to_owned(),
    };
    let mut field = Field::new(name, python_kind(&type_name), text(module, annotation));
    field.nullable = nullable;
    if let Some(def) = enums.get(&type_name) {
        field.kind = Kind::Enum;
        field.choices = Some(def.clone());
    }
    field
}

/// The kind of a Python type name.
pub fn python_kind(type_name: &str) -> Kind {
    match type_name {
        "int" => Kind::Integer,
        "str" => Kind::String,
        "float" => Kind::Float,
        "Decimal" => Kind::Decimal,
        "bool" => Kind::Boolean,
        "datetime" | "AwareDatetime" | "NaiveDatetime" => Kind::DateTime,
        "date" | "PastDate" | "FutureDate" => Kind::Date,
        "time" => Kind::Time,
        "timedelta" => Kind::Interval,
        "UUID" | "UUID4" | "UUID1" => Kind::Uuid,
        "dict" | "Dict" | "Any" | "Json" => Kind::Json,
        "bytes" => Kind::Binary,
        "EmailStr" | "NameEmail" => Kind::Email,
        "HttpUrl" | "AnyUrl" | "AnyHttpUrl" => Kind::Url,
        "list" | "List" | "set" | "Set" | "tuple" | "Tuple" => Kind::List,
        _ => Kind::Unknown,
    }
}

fn foreign_key(module: &Module, call: &Expr) -> Option<ForeignKey> {
    let target = positional(call).first()?;
    let written = match as_str(target) {
        Some(s) => s.to_owned(),
        None => text(module, target).to_owned(),
    };
    let (table, column) = written.rsplit_once('.').unwrap_or((written.as_str(), "id"));
    Some(ForeignKey {
        table: table.rsplit('.').next().unwrap_or(table).to_owned(),
        column: column.to_owned(),
        model: None,
        on_delete: keyword(call, "ondelete").and_then(as_str).map(str::to_owned),
    })
}

fn relationship(module: &Module, name: &str, annotation: Option<&Expr>, call: &Expr) -> PendingRelationship {
    let mut target = positional(call).first().and_then(|arg| {
        as_str(arg)
            .map(str::to_owned)
            .or_else(|| simple_name(arg).map(str::to_owned))
    });
    let mut scalar = as_bool(keyword(call, "uselist")).map(|uselist| !uselist);
    if let Some(annotation) = annotation {
        let (inner, _) = unwrap_annotation(annotation);
        let (collection, element) = match inner {
            Expr::Subscript(s)
                if matches!(
                    simple_name(&s.value),
                    Some("list" | "List" | "set" | "Set" | "WriteOnlyMapped")
                ) =>
            {
                (true, s.slice.as_ref())
            }
            other => (false, other),
        };
        scalar = scalar.or(Some(!collection));
        if target.is_none() {
            target = match element {
                Expr::StringLiteral(s) => Some(s.value.to_str().to_owned()),
                other => simple_name(other).map(str::to_owned),
            };
        }
    }
    let target = target.unwrap_or_default();
    let target = target.rsplit('.').next().unwrap_or_default().to_owned();
    PendingRelationship {
        relationship: Relationship {
            name: name.to_owned(),
            target,
            cardinality: Cardinality::OneToMany,
            back_populates: keyword(call, "back_populates")
                .or_else(|| keyword(call, "backref"))
                .and_then(as_str)
                .map(str::to_owned),
            through_field: None,
        },
        scalar,
        secondary: keyword(call, "secondary").is_some(),
        foreign_keys: keyword(call, "foreign_keys").map(|e| text(module, e).to_owned()),
    }
}

fn table_args(module: &Module, args: &Expr, model: &mut Model) {
    let items: Vec<&Expr> = match args {
        Expr::Tuple(tuple) => tuple.elts.iter().collect(),
        Expr::List(list) => list.elts.iter().collect(),
        other => vec![other],
    };
    for item in items {
        match call_name(item) {
            Some("UniqueConstraint") => {
                let columns: Vec<String> = positional(item)
                    .iter()
                    .filter_map(|arg| {
                        as_str(arg)
                            .map(str::to_owned)
                            .or_else(|| simple_name(arg).map(str::to_owned))
                    })
                    .collect();
                if !columns.is_empty() {
                    model.unique_together.push(columns);
                }
            }
            Some("CheckConstraint") => {
                let name = keyword(item, "name").and_then(as_str).map(str::to_owned);
                if let Some(sql) = positional(item).first().and_then(as_str) {
                    model.checks.push(Check {
                        name,
                        sql: sql.to_owned(),
                    });
                } else if let Some(first) = positional(item).first() {
                    model.checks.push(Check {
                        name,
                        sql: text(module, first).to_owned(),
                    });
                }
            }
            _ => {}
        }
    }
}

/// Resolves foreign keys to models and relationships to their cardinality,
/// once every model is known.
pub fn resolve(models: &mut [Model], pending: Vec<Vec<PendingRelationship>>) {
    // A table two classes map belongs to the first (the second is left out later).
    let mut tables: BTreeMap<String, String> = BTreeMap::new();
    for model in models.iter() {
        if let Some(table) = &model.table {
            tables.entry(table.clone()).or_insert_with(|| model.name.clone());
        }
    }
    let names: Vec<String> = models.iter().map(|m| m.name.clone()).collect();
    for model in models.iter_mut() {
        for field in &mut model.fields {
            if let Some(fk) = &mut field.foreign_key {
                fk.model = tables
                    .get(&fk.table)
                    .cloned()
                    .or_else(|| names.iter().find(|n| **n == fk.table).cloned());
            }
        }
    }
    for (model, relationships) in models.iter_mut().zip(pending) {
        for pending in relationships {
            let mut relationship = pending.relationship;
            let target = relationship.target.clone();
            let keys_to_target =
                |f: &&Field| f.foreign_key.as_ref().and_then(|fk| fk.model.as_deref()) == Some(target.as_str());
            // `foreign_keys=` says which side holds the key when both could.
            let chosen: Option<&Field> = pending.foreign_keys.as_deref().and_then(|written| {
                model.fields.iter().filter(keys_to_target).find(|f| {
                    written
                        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .any(|w| w == f.name)
                })
            });
            let key_elsewhere = pending
                .foreign_keys
                .as_deref()
                .is_some_and(|written| written.contains(&format!("{target}.")));
            let fk_here = if key_elsewhere {
                None
            } else {
                chosen.or_else(|| model.fields.iter().find(keys_to_target))
            };
            relationship.cardinality = if pending.secondary {
                Cardinality::ManyToMany
            } else {
                match (pending.scalar, fk_here) {
                    (Some(true), Some(fk)) if fk.unique => Cardinality::OneToOne,
                    (Some(true) | None, Some(_)) => Cardinality::ManyToOne,
                    (Some(true), None) => Cardinality::OneToOne,
                    (Some(false) | None, _) => Cardinality::OneToMany,
                }
            };
            if matches!(relationship.cardinality, Cardinality::ManyToOne | Cardinality::OneToOne) {
                relationship.through_field = fk_here.map(|f| f.name.clone());
            }
            model.relationships.push(relationship);
        }
    }
}
