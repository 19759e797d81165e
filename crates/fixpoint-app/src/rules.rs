//! `fixpoint rules`: list, validate, create, migrate and generate the
//! project's Cursor rules. Every write goes through the journal.

use std::collections::BTreeMap;
use std::fs;

use fixpoint_fix::journal::{Journal, Manifest};
use fixpoint_rules::rule::RuleType;
use fixpoint_rules::{Finding, GuidelineInput, Migration, RuleFile};
use fixpoint_store::Store;

use crate::{AppError, Project};

pub fn list(project: &Project) -> Vec<RuleFile> {
    fixpoint_rules::discover(&project.root)
}

/// Every rule's findings, and a warning for a legacy `.cursorrules` file
/// still in place.
pub fn validate(project: &Project) -> Vec<Finding> {
    let files = fixpoint_rules::project_files(&project.root);
    let mut findings: Vec<Finding> = list(project)
        .iter()
        .flat_map(|rule| fixpoint_rules::validate(rule, &files))
        .collect();
    if project.root.join(fixpoint_rules::LEGACY_FILE).is_file() {
        findings.push(Finding {
            path: fixpoint_rules::LEGACY_FILE.into(),
            line: 1,
            level: fixpoint_rules::Level::Warning,
            message: "the legacy .cursorrules file is deprecated: `fixpoint rules migrate` moves it to .cursor/rules/"
                .into(),
        });
    }
    findings
}

/// Writes `.cursor/rules/NAME.mdc` from the template of its type.
pub fn new_rule(
    project: &Project,
    name: &str,
    rule_type: RuleType,
    command: &str,
) -> Result<(String, Manifest), AppError> {
    fixpoint_rules::check_name(name).map_err(AppError::Usage)?;
    let path = format!("{}/{name}.mdc", fixpoint_rules::RULES_DIR);
    if project.root.join(&path).exists() {
        return Err(AppError::Usage(format!(
            "{path} exists already: edit it, or choose another name"
        )));
    }
    let mut change = Journal::new(&project.root).begin(command)?;
    change.write(
        &path,
        fixpoint_rules::template(name, rule_type).as_bytes(),
        &["rules".to_owned()],
    )?;
    Ok((path, change.finish()?))
}

/// Moves the legacy formats to `.cursor/rules/*.mdc`: the new file is
/// written and the old one removed, in one journal entry.
pub fn migrate(project: &Project, command: &str) -> Result<(Vec<Migration>, Option<Manifest>), AppError> {
    let steps = fixpoint_rules::migrations(&project.root);
    if steps.is_empty() {
        return Ok((steps, None));
    }
    let mut change = Journal::new(&project.root).begin(command)?;
    let codes = ["rules-migrate".to_owned()];
    for step in &steps {
        change.write(&step.to, step.content.as_bytes(), &codes)?;
        change.remove(&step.from, &codes)?;
    }
    Ok((steps, Some(change.finish()?)))
}

/// What `generate` did to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub path: String,
    pub changed: bool,
}

/// Rules from the guidelines of every failure category the history has
/// seen (one `.mdc` per category, attached to the files where its failures
/// pointed), and the same as a section of `AGENTS.md`. Only files whose
/// content changes are written.
pub fn generate(
    store: &mut dyn Store,
    project: &Project,
    command: &str,
) -> Result<(Vec<Generated>, Option<Manifest>), AppError> {
    let crate::report::Health {
        report,
        seen,
        guidelines,
    } = crate::report::health(store, project)?;
    // The files of each category: the tests and the places the failures point to.
    let mut files: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for pattern in &seen {
        let entry = files.entry(pattern.category.as_str()).or_default();
        for test in &pattern.tests {
            entry.push(test.split("::").next().unwrap_or(test).to_owned());
        }
    }
    for pattern in &report.patterns {
        if let Some(location) = &pattern.location {
            let path = location.rsplit_once(':').map_or(location.as_str(), |(p, _)| p);
            files
                .entry(pattern.category.as_str())
                .or_default()
                .push(path.to_owned());
        }
    }
    let inputs: Vec<GuidelineInput> = guidelines
        .iter()
        .map(|g| {
            let mut paths = files.get(g.category.as_str()).cloned().unwrap_or_default();
            paths.sort();
            paths.dedup();
            GuidelineInput {
                category: g.category.clone(),
                title: g.title.clone(),
                rule: g.rule.clone(),
                check: g.check.clone(),
                files: paths,
            }
        })
        .collect();
    if inputs.is_empty() {
        return Err(AppError::Usage(
            "the history has no failure patterns to write rules from: `fixpoint run` a failing suite first".into(),
        ));
    }
    let mut outputs = fixpoint_rules::generate(&inputs);
    let agents = fs::read_to_string(project.root.join("AGENTS.md")).ok();
    outputs.push((
        "AGENTS.md".to_owned(),
        fixpoint_rules::agents_md(agents.as_deref(), &inputs),
    ));
    let mut generated = Vec::new();
    let mut change = None;
    for (path, content) in outputs {
        let changed = fs::read(project.root.join(&path)).map_or(true, |old| old != content.as_bytes());
        if changed {
            if change.is_none() {
                change = Some(Journal::new(&project.root).begin(command)?);
            }
            if let Some(change) = change.as_mut() {
                change.write(&path, content.as_bytes(), &["rules-generate".to_owned()])?;
            }
        }
        generated.push(Generated { path, changed });
    }
    let manifest = change.map(fixpoint_fix::journal::Change::finish).transpose()?;
    Ok((generated, manifest))
}
