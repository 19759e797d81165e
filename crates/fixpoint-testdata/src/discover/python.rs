//! The bits of Ruff's AST every framework's discovery reads: classes with
//! their bases and body, call names, literals, and enum classes.

use std::collections::BTreeMap;

use fixpoint_python::ast::{self, Expr, Number, Stmt, UnaryOp};
use fixpoint_python::parser::parse_module;
use fixpoint_python::text_size::Ranged;

use crate::model::{EnumDef, EnumValue};

/// A parsed module.
pub struct Module {
    pub path: String,
    pub name: String,
    pub source: String,
    pub suite: Vec<Stmt>,
}

/// Parses every source; the ones that do not parse are returned apart.
pub fn parse(sources: Vec<(String, String, String)>) -> (Vec<Module>, Vec<String>) {
    let mut modules = Vec::new();
    let mut unreadable = Vec::new();
    for (path, name, source) in sources {
        match parse_module(&source) {
            Ok(parsed) => {
                let suite = parsed.into_suite().to_vec();
                modules.push(Module {
                    path,
                    name,
                    source,
                    suite,
                });
            }
            Err(_) => unreadable.push(path),
        }
    }
    (modules, unreadable)
}

/// A top-level class.
pub struct Class<'a> {
    pub module: &'a Module,
    pub def: &'a ast::StmtClassDef,
}

impl Class<'_> {
    pub fn name(&self) -> &str {
        self.def.name.as_str()
    }

    /// Base class names (the last part of a dotted base: `models.Model` → `Model`).
    pub fn bases(&self) -> Vec<String> {
        self.def
            .arguments
            .as_ref()
            .map(|arguments| arguments.args.iter().filter_map(base_name).collect())
            .unwrap_or_default()
    }

    pub fn line(&self) -> usize {
        let offset = self.def.range.start().to_usize();
        self.module.source[..offset].matches('\n').count() + 1
    }

    /// A plain `NAME = value` assignment in the class body.
    pub fn assigned(&self, name: &str) -> Option<&Expr> {
        self.def.body.iter().find_map(|statement| match statement {
            Stmt::Assign(assign)
                if assign
                    .targets
                    .iter()
                    .any(|t| matches!(t, Expr::Name(n) if n.id.as_str() == name)) =>
            {
                Some(assign.value.as_ref())
            }
            Stmt::AnnAssign(assign) if matches!(assign.target.as_ref(), Expr::Name(n) if n.id.as_str() == name) => {
                assign.value.as_deref()
            }
            _ => None,
        })
    }

    /// A nested class (`class Meta:`).
    pub fn nested(&self, name: &str) -> Option<&ast::StmtClassDef> {
        self.def.body.iter().find_map(|statement| match statement {
            Stmt::ClassDef(class) if class.name.as_str() == name => Some(class),
            _ => None,
        })
    }
}

fn base_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Name(name) => Some(name.id.as_str().to_owned()),
        Expr::Attribute(attribute) => Some(attribute.attr.as_str().to_owned()),
        Expr::Subscript(subscript) => base_name(&subscript.value),
        _ => None,
    }
}

/// Every top-level class of every module, by name (the first definition wins).
pub fn classes(modules: &[Module]) -> Vec<Class<'_>> {
    let mut out = Vec::new();
    for module in modules {
        for statement in &module.suite {
            if let Stmt::ClassDef(def) = statement {
                out.push(Class { module, def });
            }
        }
    }
    out
}

/// Whether `class` derives, through project classes, from one of `roots`.
pub fn derives_from(class: &Class, by_name: &BTreeMap<&str, &Class>, roots: &[&str]) -> bool {
    let mut seen = Vec::new();
    let mut stack = class.bases();
    while let Some(base) = stack.pop() {
        if roots.contains(&base.as_str()) {
            return true;
        }
        if seen.contains(&base) {
            continue;
        }
        if let Some(parent) = by_name.get(base.as_str()) {
            stack.extend(parent.bases());
        }
        seen.push(base);
    }
    false
}

/// The source text of a node.
pub fn text<'a>(module: &'a Module, node: &impl Ranged) -> &'a str {
    &module.source[node.range().start().to_usize()..node.range().end().to_usize()]
}

/// The called name of a call: `sa.Column(...)` → `Column`.
pub fn call_name(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Call(call) => match call.func.as_ref() {
            Expr::Name(name) => Some(name.id.as_str()),
            Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
            _ => None,
        },
        _ => None,
    }
}

/// The last name of a name or attribute: `sa.Integer` → `Integer`.
pub fn simple_name(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
        _ => None,
    }
}

/// A keyword argument of a call.
pub fn keyword<'a>(expr: &'a Expr, name: &str) -> Option<&'a Expr> {
    match expr {
        Expr::Call(call) => call.arguments.find_keyword(name).map(|k| &k.value),
        _ => None,
    }
}

/// The positional arguments of a call.
pub fn positional(expr: &Expr) -> &[Expr] {
    match expr {
        Expr::Call(call) => &call.arguments.args,
        _ => &[],
    }
}

/// The items of a list or tuple literal.
pub fn elements(expr: Option<&Expr>) -> Option<&[Expr]> {
    match expr? {
        Expr::List(list) => Some(&list.elts),
        Expr::Tuple(tuple) => Some(&tuple.elts),
        _ => None,
    }
}

pub fn as_bool(expr: Option<&Expr>) -> Option<bool> {
    match expr? {
        Expr::BooleanLiteral(b) => Some(b.value),
        _ => None,
    }
}

pub fn as_str(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::StringLiteral(s) => Some(s.value.to_str()),
        _ => None,
    }
}

pub fn as_int(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::NumberLiteral(n) => match &n.value {
            Number::Int(i) => i.as_i64(),
            _ => None,
        },
        Expr::UnaryOp(u) if u.op == UnaryOp::USub => as_int(&u.operand).map(|v| -v),
        _ => None,
    }
}

pub fn as_number(expr: &Expr) -> Option<f64> {
    match expr {
        Expr::NumberLiteral(n) => match &n.value {
            Number::Int(i) => i.as_i64().map(|v| v as f64),
            Number::Float(f) => Some(*f),
            Number::Complex { .. } => None,
        },
        Expr::UnaryOp(u) if u.op == UnaryOp::USub => as_number(&u.operand).map(|v| -v),
        _ => None,
    }
}

/// A Python literal for a string.
pub fn py_str(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                use std::fmt::Write as _;
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Enum classes (deriving from `Enum`, `StrEnum`, `IntEnum`, or Django's
/// `TextChoices`/`IntegerChoices`), by class name.
pub fn enums(classes: &[Class], by_name: &BTreeMap<&str, &Class>) -> BTreeMap<String, EnumDef> {
    let roots = [
        "Enum",
        "StrEnum",
        "IntEnum",
        "IntFlag",
        "Flag",
        "TextChoices",
        "IntegerChoices",
        "Choices",
    ];
    let mut out = BTreeMap::new();
    for class in classes {
        if !derives_from(class, by_name, &roots) {
            continue;
        }
        let mut values = Vec::new();
        for statement in &class.def.body {
            let (target, value) = match statement {
                Stmt::Assign(assign) if assign.targets.len() == 1 => (&assign.targets[0], assign.value.as_ref()),
                _ => continue,
            };
            let Expr::Name(name) = target else { continue };
            let member = name.id.as_str();
            if member.starts_with('_') {
                continue;
            }
            // Django choices: `DRAFT = "draft", "Draft"` stores the first item.
            let stored = match value {
                Expr::Tuple(tuple) if !tuple.elts.is_empty() => &tuple.elts[0],
                other => other,
            };
            let literal = match stored {
                Expr::StringLiteral(s) => py_str(s.value.to_str()),
                other if as_number(other).is_some() => text(class.module, other).to_owned(),
                Expr::Call(_) if call_name(stored) == Some("auto") => "auto()".to_owned(),
                _ => continue,
            };
            values.push(EnumValue {
                name: member.to_owned(),
                value: literal,
            });
        }
        out.entry(class.name().to_owned()).or_insert(EnumDef {
            class: Some(class.name().to_owned()),
            module: Some(class.module.name.clone()),
            values,
        });
    }
    out
}

/// Unwraps `Optional[X]`, `X | None`, `Union[X, None]`, `Annotated[X, ...]`
/// and `Mapped[X]`; returns the inner type and whether `None` was allowed.
pub fn unwrap_annotation(expr: &Expr) -> (&Expr, bool) {
    match expr {
        Expr::Subscript(subscript) => match simple_name(&subscript.value) {
            Some("Optional") => (unwrap_annotation(&subscript.slice).0, true),
            Some("Mapped" | "Annotated" | "Required" | "NotRequired") => {
                let inner = match subscript.slice.as_ref() {
                    Expr::Tuple(tuple) if !tuple.elts.is_empty() => &tuple.elts[0],
                    other => other,
                };
                unwrap_annotation(inner)
            }
            Some("Union") => match subscript.slice.as_ref() {
                Expr::Tuple(tuple) => {
                    let none = tuple.elts.iter().any(is_none);
                    let rest: Vec<&Expr> = tuple.elts.iter().filter(|e| !is_none(e)).collect();
                    match rest.as_slice() {
                        [one] => {
                            let (inner, nested) = unwrap_annotation(one);
                            (inner, none || nested)
                        }
                        _ => (expr, none),
                    }
                }
                other => unwrap_annotation(other),
            },
            _ => (expr, false),
        },
        Expr::BinOp(binop) if binop.op == ast::Operator::BitOr => {
            if is_none(&binop.right) {
                (unwrap_annotation(&binop.left).0, true)
            } else if is_none(&binop.left) {
                (unwrap_annotation(&binop.right).0, true)
            } else {
                (expr, false)
            }
        }
        _ => (expr, false),
    }
}

fn is_none(expr: &Expr) -> bool {
    matches!(expr, Expr::NoneLiteral(_)) || matches!(expr, Expr::Name(n) if n.id.as_str() == "None")
}

/// Lower and upper bounds a simple SQL check puts on `column`:
/// `level >= 1 AND level <= 20`, `price > 0`, `qty BETWEEN 1 AND 99`.
pub fn check_bounds(check: &str, column: &str) -> (Option<f64>, Option<f64>) {
    let mut min = None;
    let mut max = None;
    let normalized = check.replace(['(', ')'], " ");
    let lower = normalized.to_ascii_lowercase();
    let tokens: Vec<&str> = lower.split_whitespace().collect();
    let column = column.to_ascii_lowercase();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i] == column {
            if i + 4 < tokens.len() && tokens[i + 1] == "between" && tokens[i + 3] == "and" {
                min = tokens[i + 2].parse().ok().or(min);
                max = tokens[i + 4].parse().ok().or(max);
            } else if i + 2 < tokens.len() {
                let value: Option<f64> = tokens[i + 2].parse().ok();
                match (tokens[i + 1], value) {
                    (">=", Some(v)) => min = Some(v),
                    (">", Some(v)) => min = Some(if v.fract() == 0.0 { v + 1.0 } else { v }),
                    ("<=", Some(v)) => max = Some(v),
                    ("<", Some(v)) => max = Some(if v.fract() == 0.0 { v - 1.0 } else { v }),
                    _ => {}
                }
            }
        } else if i + 2 < tokens.len() && tokens[i + 2] == column {
            // `0 <= level`
            let value: Option<f64> = tokens[i].parse().ok();
            match (tokens[i + 1], value) {
                ("<=", Some(v)) => min = Some(v),
                ("<", Some(v)) => min = Some(v + 1.0),
                (">=", Some(v)) => max = Some(v),
                (">", Some(v)) => max = Some(v - 1.0),
                _ => {}
            }
        }
        i += 1;
    }
    (min, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bounds_from_simple_checks() {
        assert_eq!(
            check_bounds("level >= 1 AND level <= 20", "level"),
            (Some(1.0), Some(20.0))
        );
        assert_eq!(check_bounds("price > 0", "price"), (Some(1.0), None));
        assert_eq!(check_bounds("qty BETWEEN 1 AND 99", "qty"), (Some(1.0), Some(99.0)));
        assert_eq!(check_bounds("(0 <= score)", "score"), (Some(0.0), None));
        assert_eq!(check_bounds("length(name) > 0", "level"), (None, None));
    }

    #[test]
    fn quotes_python_strings() {
        assert_eq!(py_str("it's\n"), "'it\\'s\\n'");
    }
}
