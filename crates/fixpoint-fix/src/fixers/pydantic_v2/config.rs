//! `class Config:` → `model_config = ConfigDict(...)` (or `SettingsConfigDict`), key by key.

use std::fmt::Write as _;

use fixpoint_python::ast::{Expr, Stmt, StmtClassDef};
use fixpoint_python::text_size::Ranged;

use super::super::lines::{indentation, line_end, line_start};
use super::Work;
use crate::{Applicability, Edit};

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

/// `class Config:` → `model_config = ConfigDict(...)`.
pub(super) fn convert_config(work: &mut Work<'_>, model: &StmtClassDef, config: &StmtClassDef, settings: bool) {
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
