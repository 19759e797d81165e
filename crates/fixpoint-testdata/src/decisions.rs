//! The project's decisions about its data, from `.workflow/`: what the test
//! data takes from them instead of guessing.
//!
//! `decisions.md`, `constraints.md`, `domain-knowledge.md` and every
//! `domain-library/*.md` hold sections headed `## Model.field: kind`:
//!
//! ```markdown
//! ## Order.status: state machine
//! draft -> submitted -> paid -> shipped
//! submitted -> cancelled
//!
//! ## Item.price: precision
//! step: 0.01
//! max: 99999.99
//! negative: no
//!
//! ## User.role: roles
//! admin, game master, player
//!
//! ## Character.level: range
//! 1..20
//!
//! ## Campaign.name: limit
//! max length: 60
//!
//! ## Monster.name: values
//! Goblin, Orc, Owlbear
//! ```
//!
//! A state machine's states become the field's only values (one edge row
//! each, and its transitions are written to the seed); a precision rule adds
//! the smallest step, the largest value and, where allowed, a negative one to
//! the edge rows; roles give every scenario one row per role; a range or a
//! limit bounds the field (its edge rows and its factory); values are drawn
//! by the factory. Every section names its source (`decisions.md:12`), which
//! the edge rows and the report repeat. A section fixpoint cannot read, or
//! whose model or field does not exist, is reported, never guessed at.

use serde::Serialize;

use crate::discover::python::py_str;
use crate::model::{EnumDef, EnumValue, Field, Kind, ModelGraph};

/// The files read, relative to `.workflow/`, in this order; then every
/// Markdown file of `domain-library/`.
pub const FILES: [&str; 3] = ["decisions.md", "constraints.md", "domain-knowledge.md"];

/// One decision, as written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// `decisions.md:12`: the file (relative to `.workflow/`) and its heading's line.
    pub source: String,
    pub model: String,
    pub field: String,
    pub rule: Rule,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Rule {
    StateMachine {
        states: Vec<String>,
        transitions: Vec<(String, String)>,
    },
    Precision {
        step: String,
        max: Option<String>,
        negative: bool,
    },
    Roles {
        roles: Vec<String>,
    },
    Range {
        min: Option<f64>,
        max: Option<f64>,
    },
    Limit {
        min_length: Option<u32>,
        max_length: Option<u32>,
        min: Option<f64>,
        max: Option<f64>,
    },
    Values {
        values: Vec<String>,
    },
}

/// What a field's decisions say, kept on the field for the generators.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Decided {
    /// Every decision that shaped the field (`decisions.md:12`).
    pub sources: Vec<String>,
    /// The smallest step of a decimal, and whether a negative value is allowed.
    pub step: Option<String>,
    pub largest: Option<String>,
    pub negative: bool,
    /// The field holds a role: every scenario has a row per role.
    pub roles: bool,
    /// A state machine's valid transitions.
    pub transitions: Vec<(String, String)>,
    /// Realistic values the factory draws from.
    pub values: Vec<String>,
    /// The field as the models declare it, before any decision: an edge row
    /// names a decision only where its value differs from this field's.
    #[serde(skip)]
    pub before: Option<Box<Field>>,
}

/// What happened to one decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Applied {
    pub source: String,
    /// `Order.status`.
    pub target: String,
    /// What it changed, or why it changed nothing.
    pub effect: String,
    pub applied: bool,
}

/// A section that is not a decision fixpoint reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unread {
    pub source: String,
    pub reason: String,
}

/// Reads the decisions of one file (`name` is its path under `.workflow/`).
pub fn parse(name: &str, text: &str) -> (Vec<Decision>, Vec<Unread>) {
    let mut decisions = Vec::new();
    let mut unread = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut index = 0;
    while index < lines.len() {
        let Some(heading) = lines[index].strip_prefix("## ") else {
            index += 1;
            continue;
        };
        let source = format!("{name}:{}", index + 1);
        let start = index + 1;
        index = start;
        while index < lines.len() && !lines[index].starts_with("## ") && !lines[index].starts_with("# ") {
            index += 1;
        }
        let body: Vec<&str> = lines[start..index]
            .iter()
            .map(|line| line.trim())
            .filter(|line| !line.is_empty() && !line.starts_with("<!--"))
            .collect();
        let Some((target, kind)) = heading.split_once(':') else {
            unread.push(Unread {
                source,
                reason: format!("`## {heading}` is not `## Model.field: kind`"),
            });
            continue;
        };
        let Some((model, field)) = target.trim().split_once('.') else {
            unread.push(Unread {
                source,
                reason: format!("`{}` is not `Model.field`", target.trim()),
            });
            continue;
        };
        match rule(kind.trim(), &body) {
            Ok(rule) => decisions.push(Decision {
                source,
                model: model.trim().to_owned(),
                field: field.trim().to_owned(),
                rule,
            }),
            Err(reason) => unread.push(Unread { source, reason }),
        }
    }
    (decisions, unread)
}

/// `key: value` lines of a body, the key lower-cased.
fn pairs<'a>(body: &[&'a str]) -> Vec<(String, &'a str)> {
    body.iter()
        .filter_map(|line| line.trim_start_matches("- ").split_once(':'))
        .map(|(key, value)| (key.trim().to_ascii_lowercase(), value.trim()))
        .collect()
}

/// The items of a list written `a, b, c` or as `- a` bullets.
fn items(body: &[&str]) -> Vec<String> {
    body.iter()
        .flat_map(|line| line.trim_start_matches("- ").split(','))
        .map(|item| item.trim().trim_matches('`').to_owned())
        .filter(|item| !item.is_empty())
        .collect()
}

fn number(text: &str) -> Result<f64, String> {
    text.trim()
        .replace('_', "")
        .parse::<f64>()
        .map_err(|_| format!("`{text}` is not a number"))
}

fn rule(kind: &str, body: &[&str]) -> Result<Rule, String> {
    let pairs = pairs(body);
    let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| *v);
    match kind.to_ascii_lowercase().as_str() {
        "state machine" | "states" => {
            let mut states: Vec<String> = Vec::new();
            let mut transitions = Vec::new();
            for line in body {
                let chain: Vec<String> = line
                    .split("->")
                    .map(|s| s.trim().trim_matches('`').to_owned())
                    .collect();
                for state in &chain {
                    if !state.is_empty() && !states.contains(state) {
                        states.push(state.clone());
                    }
                }
                for pair in chain.windows(2) {
                    transitions.push((pair[0].clone(), pair[1].clone()));
                }
            }
            if states.is_empty() {
                return Err("a state machine needs its states (`draft -> paid`)".into());
            }
            Ok(Rule::StateMachine { states, transitions })
        }
        "precision" => {
            let step = get("step").ok_or("a precision rule needs `step: 0.01`")?;
            number(step)?;
            let max = get("max").map(|m| number(m).map(|_| m.to_owned())).transpose()?;
            let negative = match get("negative").map(str::to_ascii_lowercase).as_deref() {
                None | Some("no" | "false") => false,
                Some("yes" | "true" | "allowed") => true,
                Some(other) => return Err(format!("`negative: {other}` is neither yes nor no")),
            };
            Ok(Rule::Precision {
                step: step.to_owned(),
                max,
                negative,
            })
        }
        "roles" => {
            let roles = items(body);
            if roles.is_empty() {
                return Err("roles need a list (`admin, player`)".into());
            }
            Ok(Rule::Roles { roles })
        }
        "range" => {
            let (min, max) = match body.first().and_then(|line| line.split_once("..")) {
                Some((lo, hi)) => (Some(number(lo)?), Some(number(hi)?)),
                None => (get("min").map(number).transpose()?, get("max").map(number).transpose()?),
            };
            if min.is_none() && max.is_none() {
                return Err("a range needs `1..20`, or `min:` and `max:`".into());
            }
            Ok(Rule::Range { min, max })
        }
        "limit" | "limits" => {
            let length = |key: &str| {
                get(key)
                    .map(|v| v.parse::<u32>().map_err(|_| format!("`{key}: {v}` is not a length")))
                    .transpose()
            };
            let rule = Rule::Limit {
                min_length: length("min length")?,
                max_length: length("max length")?,
                min: get("min").map(number).transpose()?,
                max: get("max").map(number).transpose()?,
            };
            if rule
                == (Rule::Limit {
                    min_length: None,
                    max_length: None,
                    min: None,
                    max: None,
                })
            {
                return Err("a limit needs `max length:`, `min length:`, `min:` or `max:`".into());
            }
            Ok(rule)
        }
        "values" => {
            let values = items(body);
            if values.is_empty() {
                return Err("values need a list (`Goblin, Orc`)".into());
            }
            Ok(Rule::Values { values })
        }
        other => Err(format!(
            "`{other}` is not a kind fixpoint reads (state machine, precision, roles, range, limit, values)"
        )),
    }
}

/// The enum values of `names`: the field's own members where it has an
/// enum (matched by name or value), else the names as strings.
fn restrict(field: &Field, names: &[String]) -> Result<EnumDef, String> {
    match &field.choices {
        Some(choices) if !choices.values.is_empty() => {
            let mut values = Vec::new();
            for name in names {
                let member = choices.values.iter().find(|v| {
                    v.name.eq_ignore_ascii_case(name) || v.value.trim_matches(|c| c == '\'' || c == '"') == name
                });
                match member {
                    Some(member) => values.push(member.clone()),
                    None => return Err(format!("`{name}` is not one of the field's values")),
                }
            }
            Ok(EnumDef {
                values,
                ..choices.clone()
            })
        }
        _ if field.kind.is_textual() || field.kind == Kind::Enum => Ok(EnumDef {
            class: None,
            module: None,
            values: names
                .iter()
                .map(|name| EnumValue {
                    name: name.clone(),
                    value: py_str(name),
                })
                .collect(),
        }),
        _ => Err(format!("the field is {:?}, not text or an enum", field.kind)),
    }
}

/// Applies the decisions to the models; says what each did.
pub fn apply(graph: &mut ModelGraph, decisions: &[Decision]) -> Vec<Applied> {
    let mut applied = Vec::new();
    for decision in decisions {
        let target = format!("{}.{}", decision.model, decision.field);
        let refused = |effect: String| Applied {
            source: decision.source.clone(),
            target: target.clone(),
            effect,
            applied: false,
        };
        let Some(model) = graph.models.iter_mut().find(|m| m.name == decision.model) else {
            applied.push(refused(format!("no model `{}` was found", decision.model)));
            continue;
        };
        let Some(field) = model.fields.iter_mut().find(|f| f.name == decision.field) else {
            applied.push(refused(format!(
                "`{}` has no field `{}`",
                decision.model, decision.field
            )));
            continue;
        };
        let before = field.clone();
        match apply_one(field, &decision.rule) {
            Ok(effect) => {
                let decided = field.decided.get_or_insert_with(|| Decided {
                    before: Some(Box::new(before)),
                    ..Decided::default()
                });
                decided.sources.push(decision.source.clone());
                if let Rule::StateMachine { transitions, .. } = &decision.rule {
                    decided.transitions.clone_from(transitions);
                }
                if let Rule::Roles { .. } = decision.rule {
                    decided.roles = true;
                }
                if let Rule::Precision { step, max, negative } = &decision.rule {
                    decided.step = Some(step.clone());
                    decided.largest.clone_from(max);
                    decided.negative = *negative;
                }
                if let Rule::Values { values } = &decision.rule {
                    decided.values.clone_from(values);
                }
                applied.push(Applied {
                    source: decision.source.clone(),
                    target,
                    effect,
                    applied: true,
                });
            }
            Err(reason) => applied.push(refused(reason)),
        }
    }
    applied
}

fn apply_one(field: &mut Field, rule: &Rule) -> Result<String, String> {
    match rule {
        Rule::StateMachine { states, transitions } => {
            field.choices = Some(restrict(field, states)?);
            Ok(format!(
                "{} states, {} transitions: one edge row per state",
                states.len(),
                transitions.len()
            ))
        }
        Rule::Roles { roles } => {
            field.choices = Some(restrict(field, roles)?);
            Ok(format!("{} roles: one row per role in every scenario", roles.len()))
        }
        Rule::Precision { step, max, negative } => {
            if !matches!(field.kind, Kind::Decimal | Kind::Float) {
                return Err(format!("the field is {:?}, not a decimal", field.kind));
            }
            let scale = step.split_once('.').map_or(0, |(_, digits)| digits.len() as u32);
            field.scale = Some(field.scale.map_or(scale, |s| s.max(scale)));
            if let Some(max) = max {
                field.max = Some(number(max)?);
            }
            if !negative {
                field.min = Some(field.min.map_or(0.0, |m| m.max(0.0)));
            }
            Ok(format!(
                "step {step}{}{}: edge rows for the smallest step, the largest value{}",
                max.as_ref().map_or_else(String::new, |m| format!(", max {m}")),
                if *negative {
                    ", negative allowed"
                } else {
                    ", never negative"
                },
                if *negative { " and a negative one" } else { "" }
            ))
        }
        Rule::Range { min, max } => {
            if !matches!(
                field.kind,
                Kind::Integer | Kind::BigInteger | Kind::SmallInteger | Kind::Float | Kind::Decimal
            ) {
                return Err(format!("the field is {:?}, not a number", field.kind));
            }
            field.min = min.or(field.min);
            field.max = max.or(field.max);
            Ok(format!("values from {} to {}", show(*min), show(*max)))
        }
        Rule::Limit {
            min_length,
            max_length,
            min,
            max,
        } => {
            let mut said = Vec::new();
            if let Some(n) = max_length {
                field.max_length = Some(*n);
                said.push(format!("at most {n} characters"));
            }
            if let Some(n) = min_length {
                field.min_length = Some(*n);
                said.push(format!("at least {n} characters"));
            }
            if let Some(m) = min {
                field.min = Some(*m);
                said.push(format!("at least {m}"));
            }
            if let Some(m) = max {
                field.max = Some(*m);
                said.push(format!("at most {m}"));
            }
            Ok(said.join(", "))
        }
        Rule::Values { values } => {
            if !field.kind.is_textual() {
                return Err(format!("the field is {:?}, not text", field.kind));
            }
            Ok(format!("{} realistic values for the factory", values.len()))
        }
    }
}

fn show(value: Option<f64>) -> String {
    value.map_or_else(|| "any".to_owned(), |v| format!("{v}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECISIONS: &str = "# Decisions\n\n## Order.status: state machine\ndraft -> submitted -> paid\nsubmitted -> cancelled\n\n## Item.price: precision\nstep: 0.01\nmax: 999.99\nnegative: no\n\n## User.role: roles\n- admin\n- player\n\n## Character.level: range\n1..20\n\n## Nonsense\n\n## Item.name: colour\nblue\n";

    #[test]
    fn reads_each_kind_and_names_what_it_cannot() {
        let (decisions, unread) = parse("decisions.md", DECISIONS);
        let sources: Vec<&str> = decisions.iter().map(|d| d.source.as_str()).collect();
        assert_eq!(
            sources,
            ["decisions.md:3", "decisions.md:7", "decisions.md:12", "decisions.md:16"]
        );
        assert_eq!(
            decisions[0].rule,
            Rule::StateMachine {
                states: vec!["draft".into(), "submitted".into(), "paid".into(), "cancelled".into()],
                transitions: vec![
                    ("draft".into(), "submitted".into()),
                    ("submitted".into(), "paid".into()),
                    ("submitted".into(), "cancelled".into())
                ],
            }
        );
        assert_eq!(
            decisions[1].rule,
            Rule::Precision {
                step: "0.01".into(),
                max: Some("999.99".into()),
                negative: false
            }
        );
        assert_eq!(
            decisions[2].rule,
            Rule::Roles {
                roles: vec!["admin".into(), "player".into()]
            }
        );
        assert_eq!(
            decisions[3].rule,
            Rule::Range {
                min: Some(1.0),
                max: Some(20.0)
            }
        );
        assert_eq!(
            unread.iter().map(|u| u.source.as_str()).collect::<Vec<_>>(),
            ["decisions.md:19", "decisions.md:21"]
        );
        assert!(
            unread[1].reason.contains("`colour` is not a kind"),
            "{}",
            unread[1].reason
        );
        let (_, bad) = parse("constraints.md", "## A.b: range\nlow..high\n");
        assert_eq!(bad[0].reason, "`low` is not a number");
    }
}
