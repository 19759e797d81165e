//! One rule file: its front matter (`description`, `globs`, `alwaysApply`)
//! between `---` lines, and its body.
//!
//! The front matter is the small YAML subset Cursor writes: `key: value`
//! with plain, quoted, boolean and list values (`[a, b]` or `- a` lines).
//! Values keep their YAML type, so that `alwaysApply: "true"` (a string) can
//! be told from `alwaysApply: true`.

use serde::Serialize;

/// A front-matter value, as YAML would type it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Text(String),
    Bool(bool),
    List(Vec<String>),
    /// A number, null or anything else that is neither text nor a list.
    Other(String),
}

impl Value {
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Text(_) => "a string",
            Self::Bool(_) => "a boolean",
            Self::List(_) => "a list",
            Self::Other(_) => "not a string, boolean or list",
        }
    }
}

/// How Cursor attaches a rule, derived as Cursor derives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleType {
    /// `alwaysApply: true`: in every request.
    Always,
    /// `globs`: attached when a matching file is in play.
    Auto,
    /// A `description` only: the agent decides when to read it.
    Agent,
    /// None of those: only when mentioned (`@rule`).
    Manual,
}

impl RuleType {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "always" => Some(Self::Always),
            "auto" => Some(Self::Auto),
            "agent" => Some(Self::Agent),
            "manual" => Some(Self::Manual),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Always => "always",
            Self::Auto => "auto",
            Self::Agent => "agent",
            Self::Manual => "manual",
        }
    }
}

/// A parsed rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// The front matter's fields in order, with the line each is on (1-based).
    pub fields: Vec<(String, Value, usize)>,
    /// The line the body starts on.
    pub body_line: usize,
    pub body: String,
    /// Why the front matter could not be read, if it could not.
    pub front_matter_error: Option<(usize, String)>,
}

impl Rule {
    pub fn parse(text: &str) -> Self {
        let lines: Vec<&str> = text.lines().collect();
        let mut rule = Rule {
            fields: Vec::new(),
            body_line: 1,
            body: text.to_owned(),
            front_matter_error: None,
        };
        if lines.first().map(|l| l.trim_end()) != Some("---") {
            rule.front_matter_error = Some((1, "no front matter: the file must start with a `---` line".into()));
            return rule;
        }
        let Some(end) = lines.iter().skip(1).position(|l| l.trim_end() == "---").map(|i| i + 1) else {
            rule.front_matter_error = Some((1, "the front matter is not closed by a `---` line".into()));
            return rule;
        };
        let mut index = 1;
        while index < end {
            let line = lines[index];
            let number = index + 1;
            index += 1;
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let Some((key, raw)) = line.split_once(':') else {
                rule.front_matter_error = Some((number, format!("`{}` is not a `key: value` line", line.trim())));
                continue;
            };
            if line.starts_with([' ', '\t']) {
                rule.front_matter_error = Some((number, format!("unexpected indentation: `{}`", line.trim())));
                continue;
            }
            let raw = raw.trim();
            let value = if raw.is_empty() {
                // A block list follows, or nothing (null).
                let mut items = Vec::new();
                while index < end && lines[index].trim_start().starts_with("- ") {
                    items.push(scalar_text(lines[index].trim_start()[2..].trim()));
                    index += 1;
                }
                if items.is_empty() {
                    Value::Other("null".into())
                } else {
                    Value::List(items)
                }
            } else {
                parse_value(raw)
            };
            rule.fields.push((key.trim().to_owned(), value, number));
        }
        rule.body_line = end + 2;
        rule.body = lines[end + 1..].join("\n");
        rule
    }

    pub fn field(&self, key: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _, _)| k == key).map(|(_, v, _)| v)
    }

    pub fn line_of(&self, key: &str) -> usize {
        self.fields.iter().find(|(k, _, _)| k == key).map_or(1, |(_, _, l)| *l)
    }

    pub fn description(&self) -> Option<&str> {
        match self.field("description") {
            Some(Value::Text(text)) if !text.trim().is_empty() => Some(text),
            _ => None,
        }
    }

    /// The globs, from a comma-separated string or a list.
    pub fn globs(&self) -> Vec<String> {
        match self.field("globs") {
            Some(Value::Text(text)) => text
                .split(',')
                .map(str::trim)
                .filter(|g| !g.is_empty())
                .map(str::to_owned)
                .collect(),
            Some(Value::List(items)) => items.iter().filter(|g| !g.trim().is_empty()).cloned().collect(),
            _ => Vec::new(),
        }
    }

    pub fn always_apply(&self) -> bool {
        matches!(self.field("alwaysApply"), Some(Value::Bool(true)))
    }

    /// The rule's type, as Cursor derives it.
    pub fn rule_type(&self) -> RuleType {
        if self.always_apply() {
            RuleType::Always
        } else if !self.globs().is_empty() {
            RuleType::Auto
        } else if self.description().is_some() {
            RuleType::Agent
        } else {
            RuleType::Manual
        }
    }
}

fn parse_value(raw: &str) -> Value {
    if let Some(inner) = raw.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        return Value::List(
            inner
                .split(',')
                .map(|item| scalar_text(item.trim()))
                .filter(|item| !item.is_empty())
                .collect(),
        );
    }
    if raw.starts_with('"') || raw.starts_with('\'') {
        return Value::Text(scalar_text(raw));
    }
    match raw {
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        "null" | "~" => Value::Other(raw.to_owned()),
        _ if raw.parse::<f64>().is_ok() => Value::Other(raw.to_owned()),
        _ => Value::Text(raw.to_owned()),
    }
}

/// A scalar without its quotes.
fn scalar_text(raw: &str) -> String {
    let raw = raw.trim();
    for quote in ['"', '\''] {
        if raw.len() >= 2 && raw.starts_with(quote) && raw.ends_with(quote) {
            return raw[1..raw.len() - 1].to_owned();
        }
    }
    raw.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cursor_front_matter_with_its_types() {
        let rule = Rule::parse(
            "---\ndescription: Models conventions\nglobs: app/models/**/*.py, tests/**/*.py\nalwaysApply: false\n---\n# Models\n\nUse one import path.\n",
        );
        assert_eq!(rule.front_matter_error, None);
        assert_eq!(rule.description(), Some("Models conventions"));
        assert_eq!(rule.globs(), ["app/models/**/*.py", "tests/**/*.py"]);
        assert_eq!(rule.rule_type(), RuleType::Auto);
        assert_eq!(rule.body_line, 6);
        assert!(rule.body.starts_with("# Models"));

        let quoted = Rule::parse("---\nalwaysApply: \"true\"\nglobs:\n  - a/*.py\n  - 'b/*.py'\n---\nx\n");
        assert_eq!(quoted.field("alwaysApply"), Some(&Value::Text("true".into())));
        assert_eq!(quoted.globs(), ["a/*.py", "b/*.py"]);
        assert_eq!(
            Rule::parse("---\nalwaysApply: true\n---\nx").rule_type(),
            RuleType::Always
        );
        assert_eq!(Rule::parse("---\ndescription: d\n---\nx").rule_type(), RuleType::Agent);
        assert_eq!(Rule::parse("---\n---\nx").rule_type(), RuleType::Manual);
    }

    #[test]
    fn says_what_is_wrong_with_the_front_matter() {
        assert!(Rule::parse("no front matter").front_matter_error.is_some());
        assert!(Rule::parse("---\ndescription: x\n").front_matter_error.is_some());
        assert_eq!(Rule::parse("---\njust text\n---\n").front_matter_error.unwrap().0, 2);
    }
}
