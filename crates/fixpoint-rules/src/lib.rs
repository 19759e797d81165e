//! Cursor rules: the `.mdc` files under `.cursor/rules/` that tell Cursor's
//! agent how to work in a project. This crate finds and parses them
//! ([`discover`], [`rule`]), validates them ([`validate`]), writes new ones
//! ([`template`]), plans the migration of the legacy formats
//! ([`migrations`]) and generates rules from a project's failure guidelines
//! ([`generate`], [`agents_md`]).
//! It reads files but never writes them: the application layer writes
//! through the journal.
//!
//! ```
//! use fixpoint_rules::rule::{Rule, RuleType};
//!
//! let rule = Rule::parse("---\ndescription: Models\nglobs: app/models/**/*.py\nalwaysApply: false\n---\nOne import path per model.\n");
//! assert_eq!(rule.rule_type(), RuleType::Auto);
//! ```

pub mod glob;
pub mod rule;

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use fixpoint_paths::Policy;
use serde::Serialize;

use crate::rule::{Rule, RuleType, Value};

/// Where rules live, relative to the project root.
pub const RULES_DIR: &str = ".cursor/rules";
/// The legacy single-file rules.
pub const LEGACY_FILE: &str = ".cursorrules";
/// Rules longer than this are hard for a model to follow (Cursor's advice).
pub const MAX_LINES: usize = 500;

/// A rule file found in the project.
#[derive(Debug, Clone, Serialize)]
pub struct RuleFile {
    /// Relative to the project root.
    pub path: String,
    /// The file name without `.mdc`.
    pub name: String,
    #[serde(rename = "type")]
    pub rule_type: RuleType,
    pub description: Option<String>,
    pub globs: Vec<String>,
    pub always_apply: bool,
    pub lines: usize,
    #[serde(skip)]
    pub rule: Rule,
}

impl RuleFile {
    /// The rule in `text`, found at `path` (relative to the project).
    pub fn from_text(path: impl Into<String>, name: impl Into<String>, text: &str) -> Self {
        let rule = Rule::parse(text);
        Self {
            path: path.into(),
            name: name.into(),
            rule_type: rule.rule_type(),
            description: rule.description().map(str::to_owned),
            globs: rule.globs(),
            always_apply: rule.always_apply(),
            lines: text.lines().count(),
            rule,
        }
    }
}

/// Every `.mdc` file under `.cursor/rules/` (nested directories included), by path.
pub fn discover(root: &Path) -> Vec<RuleFile> {
    let mut files = Vec::new();
    let Ok(policy) = Policy::new(root) else { return files };
    collect(&policy, root, &root.join(RULES_DIR), &mut files);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

fn collect(policy: &Policy, root: &Path, dir: &Path, out: &mut Vec<RuleFile>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if !policy.walkable(&path) {
            continue;
        }
        if path.is_dir() {
            collect(policy, root, &path, out);
            continue;
        }
        let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(name) = file_name.strip_suffix(".mdc") else {
            continue;
        };
        let text = fs::read(&path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        let relative = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        out.push(RuleFile::from_text(relative, name, &text));
    }
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Warning,
    Error,
}

/// One thing `validate` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub path: String,
    pub line: usize,
    pub level: Level,
    pub message: String,
}

/// Checks a rule; `files` are the project's files (relative paths), to find
/// globs that match nothing.
pub fn validate(file: &RuleFile, files: &[String]) -> Vec<Finding> {
    let rule = &file.rule;
    let mut findings = Vec::new();
    let mut add = |line: usize, level: Level, message: String| {
        findings.push(Finding {
            path: file.path.clone(),
            line,
            level,
            message,
        });
    };
    if let Some((line, reason)) = &rule.front_matter_error {
        add(*line, Level::Error, reason.clone());
    }
    for (key, value, line) in &rule.fields {
        match (key.as_str(), value) {
            ("description", Value::Text(_))
            | ("alwaysApply", Value::Bool(_))
            | ("globs", Value::Text(_) | Value::List(_)) => {}
            // An empty value (YAML null) is how Cursor writes "none".
            ("description" | "globs", Value::Other(null)) if null == "null" || null == "~" => {}
            ("description", other) => add(
                *line,
                Level::Error,
                format!("`description` must be a string, not {}", other.type_name()),
            ),
            ("globs", other) => add(
                *line,
                Level::Error,
                format!(
                    "`globs` must be a string or a list of strings, not {}",
                    other.type_name()
                ),
            ),
            ("alwaysApply", Value::Text(text)) => add(
                *line,
                Level::Error,
                format!(
                    "`alwaysApply` must be a boolean, not the string \"{text}\": write `alwaysApply: {text}` without quotes"
                ),
            ),
            ("alwaysApply", other) => add(
                *line,
                Level::Error,
                format!("`alwaysApply` must be a boolean, not {}", other.type_name()),
            ),
            (other, _) => add(
                *line,
                Level::Warning,
                format!("unknown key `{other}`: Cursor reads `description`, `globs` and `alwaysApply`"),
            ),
        }
    }
    let globs_line = rule.line_of("globs");
    for glob in rule.globs() {
        if glob.starts_with('/') || glob.chars().nth(1) == Some(':') {
            add(
                globs_line,
                Level::Error,
                format!("the glob `{glob}` is absolute and matches nothing: globs are relative to the project root"),
            );
        } else if !files.iter().any(|f| glob::matches(&glob, f)) {
            add(
                globs_line,
                Level::Warning,
                format!("the glob `{glob}` matches no file in the project"),
            );
        }
    }
    if rule.front_matter_error.is_none() && rule.body.trim().is_empty() {
        add(
            rule.body_line,
            Level::Error,
            "the rule has no body: nothing would be given to the model".into(),
        );
    }
    if file.lines > MAX_LINES {
        add(
            MAX_LINES + 1,
            Level::Warning,
            format!(
                "the rule has {} lines; keep rules under {MAX_LINES} and split the rest",
                file.lines
            ),
        );
    }
    if rule.always_apply() && !rule.globs().is_empty() {
        add(
            rule.line_of("alwaysApply"),
            Level::Warning,
            "`alwaysApply: true` makes the globs irrelevant: the rule is in every request".into(),
        );
    }
    findings
}

/// Every file of the project (relative paths), for matching globs: hidden
/// directories, virtual environments, caches, `node_modules` and `target`
/// left out.
pub fn project_files(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let Ok(policy) = Policy::new(root) else { return files };
    walk(&policy, root, root, &mut files);
    files.sort();
    files
}

fn walk(policy: &Policy, root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if !policy.walkable(&path) {
            continue;
        }
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            let skipped = name.starts_with('.')
                || matches!(
                    name.as_ref(),
                    "__pycache__" | "node_modules" | "target" | "venv" | "env"
                )
                || path.join("pyvenv.cfg").is_file();
            if !skipped {
                walk(policy, root, &path, out);
            }
        } else if let Ok(relative) = path.strip_prefix(root) {
            out.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// Valid rule names: lower-case letters, digits, `-` and `_`, as file names.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && !name.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a rule name: use lower-case letters, digits, `-` and `_` (e.g. `python-models`)"
        ))
    }
}

/// A new rule of `rule_type`, ready to edit.
pub fn template(name: &str, rule_type: RuleType) -> String {
    let (description, globs, always) = match rule_type {
        RuleType::Always => ("", "", "true"),
        RuleType::Auto => ("", "**/*.py", "false"),
        RuleType::Agent => ("When and why the agent should read this rule", "", "false"),
        RuleType::Manual => ("", "", "false"),
    };
    format!(
        "---\ndescription: {description}\nglobs: {globs}\nalwaysApply: {always}\n---\n# {}\n\n- Write the rule here: what to do, what not to do, and why.\n",
        name.replace(['-', '_'], " ")
    )
}

/// One step of `rules migrate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Migration {
    /// The legacy file.
    pub from: String,
    /// The `.mdc` file it becomes.
    pub to: String,
    pub content: String,
}

/// What `rules migrate` would do: `.cursorrules` becomes an always-applied
/// `.cursor/rules/cursorrules.mdc`, and each v1 `*.mdc.md` file its `.mdc`
/// twin. Nothing is planned for a target that exists already, so a second
/// migration changes nothing.
pub fn migrations(root: &Path) -> Vec<Migration> {
    let mut steps = Vec::new();
    let Ok(policy) = Policy::new(root) else { return steps };
    let legacy_text = policy
        .readable(LEGACY_FILE)
        .ok()
        .and_then(|path| fs::read_to_string(path).ok());
    if let Some(text) = legacy_text {
        let to = format!("{RULES_DIR}/cursorrules.mdc");
        if !root.join(&to).exists() {
            let body = text.trim_end();
            steps.push(Migration {
                from: LEGACY_FILE.into(),
                to,
                content: format!(
                    "---\ndescription: Project rules (migrated from .cursorrules)\nglobs:\nalwaysApply: true\n---\n{body}\n"
                ),
            });
        }
    }
    let mut legacy = Vec::new();
    collect_suffix(&policy, &root.join(RULES_DIR), ".mdc.md", &mut legacy);
    legacy.sort();
    for path in legacy {
        let Ok(text) = fs::read_to_string(&path) else { continue };
        let from = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let to = from.trim_end_matches(".md").to_owned();
        if root.join(&to).exists() {
            continue;
        }
        let content = if Rule::parse(&text).front_matter_error.is_some() {
            format!(
                "---\ndescription:\nglobs:\nalwaysApply: false\n---\n{}\n",
                text.trim_end()
            )
        } else {
            text
        };
        steps.push(Migration { from, to, content });
    }
    steps
}

fn collect_suffix(policy: &Policy, dir: &Path, suffix: &str, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if !policy.walkable(&path) {
            continue;
        }
        if path.is_dir() {
            collect_suffix(policy, &path, suffix, out);
        } else if path.to_string_lossy().ends_with(suffix) {
            out.push(path);
        }
    }
}

/// A guideline to turn into a rule.
#[derive(Debug, Clone)]
pub struct GuidelineInput {
    /// The failure category id (`sqlalchemy-table-redefined`).
    pub category: String,
    pub title: String,
    pub rule: String,
    /// The `fixpoint check` command that enforces it, if any.
    pub check: Option<String>,
    /// Project files where failures of the category pointed.
    pub files: Vec<String>,
}

/// The marker lines around fixpoint's section of `AGENTS.md`.
pub const AGENTS_START: &str = "<!-- fixpoint:guidelines:start -->";
pub const AGENTS_END: &str = "<!-- fixpoint:guidelines:end -->";

/// One `.mdc` file per guideline (`.cursor/rules/fixpoint-<category>.mdc`),
/// attached to the files where its failures occurred (or to every Python
/// file when none is known), as (path, content).
pub fn generate(guidelines: &[GuidelineInput]) -> Vec<(String, String)> {
    guidelines
        .iter()
        .map(|g| {
            let globs = if g.files.is_empty() {
                "**/*.py".to_owned()
            } else {
                g.files.join(", ")
            };
            let check = g.check.as_ref().map_or_else(
                || "`fixpoint ci` fails the build when a test newly fails this way.".to_owned(),
                |command| format!("`{command}` finds it; `fixpoint check --fix` fixes it."),
            );
            (
                format!("{RULES_DIR}/fixpoint-{}.mdc", g.category),
                format!(
                    "---\ndescription: {} ({}): a failure this project has had, and how to keep it away\nglobs: {globs}\nalwaysApply: false\n---\n# {}\n\n{}\n\n{check}\n\n<!-- Generated by `fixpoint rules generate` from the test history; regenerate instead of editing. -->\n",
                    g.title, g.category, g.title, g.rule
                ),
            )
        })
        .collect()
}

/// `AGENTS.md` with fixpoint's guidelines section put in (replacing the
/// previous one between the markers, or appended).
pub fn agents_md(existing: Option<&str>, guidelines: &[GuidelineInput]) -> String {
    let mut section = "## Test-health guidelines (from fixpoint)\n\n".to_owned();
    for g in guidelines {
        let _ = writeln!(section, "- **{}**: {}", g.title, g.rule);
    }
    agents_section(existing, AGENTS_START, AGENTS_END, section.trim_end())
        .unwrap_or_else(|| existing.unwrap_or_default().to_owned())
}

/// `AGENTS.md` with `body` between the marker lines `start` and `end`:
/// replacing what was between them, or appended (a new file when there is
/// none). Text outside the markers stays as it is. `None` when the file has
/// one marker without the other, or more than one section: which of its
/// text is fixpoint's cannot be told, so it is left as it is.
pub fn agents_section(existing: Option<&str>, start: &str, end: &str, body: &str) -> Option<String> {
    let section = format!("{start}\n{body}\n{end}");
    let Some(text) = existing else {
        return Some(format!("# Agents\n\n{section}\n"));
    };
    match (text.matches(start).count(), text.matches(end).count()) {
        (0, 0) => Some(format!("{}\n\n{section}\n", text.trim_end())),
        (1, 1) => {
            let at = text.find(start)?;
            let until = at + text[at..].find(end)?;
            Some(format!("{}{section}{}", &text[..at], &text[until + end.len()..]))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(text: &str) -> Vec<(Level, String)> {
        let files = vec!["app/models.py".to_owned()];
        validate(&RuleFile::from_text(".cursor/rules/x.mdc", "x", text), &files)
            .into_iter()
            .map(|f| (f.level, f.message))
            .collect()
    }

    #[test]
    fn validates_types_globs_and_bodies() {
        assert!(messages("---\ndescription: d\nglobs: app/*.py\nalwaysApply: false\n---\nbody\n").is_empty());
        let quoted = messages("---\nalwaysApply: \"true\"\n---\nbody\n");
        assert!(
            quoted[0].0 == Level::Error && quoted[0].1.contains("not the string \"true\""),
            "{quoted:?}"
        );
        let absolute = messages("---\nglobs: /src/**/*.py\n---\nbody\n");
        assert!(absolute[0].1.contains("absolute"), "{absolute:?}");
        let nothing = messages("---\nglobs: docs/*.md\n---\nbody\n");
        assert_eq!(nothing[0].0, Level::Warning);
        assert!(nothing[0].1.contains("matches no file"));
        let empty = messages("---\ndescription: d\n---\n\n");
        assert!(empty[0].1.contains("no body"), "{empty:?}");
        let long = format!("---\ndescription: d\n---\n{}", "line\n".repeat(600));
        assert!(messages(&long)[0].1.contains("keep rules under 500"));
        let numbers = messages("---\ndescription: 3\n---\nx\n");
        assert!(numbers[0].1.contains("must be a string"), "{numbers:?}");
    }

    #[test]
    fn migration_is_planned_once() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(".cursorrules"), "Use type hints.\n").unwrap();
        fs::create_dir_all(dir.path().join(".cursor/rules")).unwrap();
        fs::write(dir.path().join(".cursor/rules/style.mdc.md"), "Prefer pathlib.\n").unwrap();
        let steps = migrations(dir.path());
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0].to, ".cursor/rules/cursorrules.mdc");
        assert_eq!(Rule::parse(&steps[0].content).rule_type(), RuleType::Always);
        assert_eq!(steps[1].to, ".cursor/rules/style.mdc");
        for step in &steps {
            fs::write(dir.path().join(&step.to), &step.content).unwrap();
        }
        assert!(migrations(dir.path()).is_empty(), "nothing left to migrate");
    }

    #[test]
    fn agents_md_section_is_replaced_in_place() {
        let guideline = GuidelineInput {
            category: "name-error".into(),
            title: "Name not defined".into(),
            rule: "Import every name.".into(),
            check: Some("fixpoint check --select FP002".into()),
            files: vec!["app/loot.py".into()],
        };
        let first = agents_md(Some("# Agents\n\nBe kind.\n"), std::slice::from_ref(&guideline));
        assert!(first.contains("Be kind.") && first.contains("Import every name."));
        let second = agents_md(Some(&first), &[guideline]);
        assert_eq!(first.trim_end(), second.trim_end(), "idempotent");
        let rules = generate(&[GuidelineInput {
            category: "name-error".into(),
            title: "t".into(),
            rule: "r".into(),
            check: None,
            files: Vec::new(),
        }]);
        assert_eq!(rules[0].0, ".cursor/rules/fixpoint-name-error.mdc");
        assert_eq!(Rule::parse(&rules[0].1).globs(), ["**/*.py"]);
    }

    #[test]
    fn an_agents_section_is_replaced_in_place_and_unpaired_markers_are_left_alone() {
        let (start, end) = ("<!-- s -->", "<!-- e -->");
        let first = agents_section(Some("# Team\n\nOurs.\n"), start, end, "one").unwrap();
        assert_eq!(first, "# Team\n\nOurs.\n\n<!-- s -->\none\n<!-- e -->\n");
        let second = agents_section(Some(&format!("{first}After.\n")), start, end, "two").unwrap();
        assert_eq!(second, "# Team\n\nOurs.\n\n<!-- s -->\ntwo\n<!-- e -->\nAfter.\n");
        assert_eq!(
            agents_section(None, start, end, "x").unwrap(),
            "# Agents\n\n<!-- s -->\nx\n<!-- e -->\n"
        );
        assert_eq!(agents_section(Some("<!-- s -->\nmine\n"), start, end, "x"), None);
        assert_eq!(
            agents_section(Some("<!-- e -->\nmine\n<!-- s -->\n"), start, end, "x"),
            None,
            "in the wrong order"
        );
        assert_eq!(
            agents_section(Some(&format!("{second}{second}")), start, end, "x"),
            None,
            "twice"
        );
    }
}
