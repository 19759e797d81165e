//! `fixpoint check`: the regression guard. The batch fixers that can judge a
//! file on its own run over the whole project without writing; what they
//! would change, and what they would leave for a person, is reported as a
//! finding. `--fix` writes the changes through the journal.

use fixpoint_core::FixerCode;
use fixpoint_core::fixer::{check_rules, fixer_list, parse_fixers};
use fixpoint_fix::engine::fix_files;
use fixpoint_fix::fixers::{ProjectFacts, Target, selected};
use fixpoint_fix::journal::Journal;
use serde::Serialize;

use crate::fix::FixPlan;
use crate::paths::selects;
use crate::{AppError, Project};

/// One thing `check` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub path: String,
    pub line: usize,
    pub code: String,
    pub message: String,
    /// `--fix` would fix it.
    pub fixable: bool,
}

/// What `check` found, and the plan `--fix` applies.
#[derive(Debug, Clone)]
pub struct CheckResult {
    pub findings: Vec<Finding>,
    /// Files that could not be checked (they do not parse, cannot be read).
    pub skipped: Vec<(String, String)>,
    pub plan: FixPlan,
}

/// Runs the static rules (`select`/`ignore` narrow them) over the project's
/// files under `paths`.
pub fn check(
    project: &Project,
    paths: &[String],
    select: &[String],
    ignore: &[String],
    unsafe_fixes: bool,
) -> Result<CheckResult, AppError> {
    let paths = &crate::paths::python_selection(project, paths)?;
    let is_rule = |code: FixerCode| code.info().check_rule;
    let not_a_rule = |entry: String| {
        AppError::Usage(format!(
            "`{entry}` is not a check rule: the rules are {}",
            fixer_list(|info| info.check_rule)
        ))
    };
    let mut select = parse_fixers(select, is_rule).map_err(not_a_rule)?;
    if select.is_empty() {
        select = check_rules().collect();
    }
    // `[tool.fixpoint.fix] ignore` is shared with `fix`: any fixer may be named.
    let ignore = crate::fix::parse_fixer_list(ignore)?;
    let fixers = selected(&select, &ignore);
    let facts = ProjectFacts::read(&project.root);
    let mut files: Vec<String> = facts
        .sources
        .iter()
        .map(|(path, _)| path.clone())
        .filter(|path| selects(paths, path))
        .collect();
    files.sort();
    let targets: Vec<Target> = files
        .iter()
        .flat_map(|path| {
            check_rules().map(move |code| Target {
                code,
                path: path.clone(),
                name: String::new(),
            })
        })
        .collect();
    let outcomes = fix_files(&files, &fixers, &facts.context(&targets), unsafe_fixes);
    let mut findings = Vec::new();
    let mut skipped = Vec::new();
    for file in &outcomes {
        if let Some(reason) = &file.skipped {
            skipped.push((file.path.clone(), reason.clone()));
        }
        for (notes, fixable) in [(&file.applied, true), (&file.left, false)] {
            findings.extend(notes.iter().map(|note| Finding {
                path: file.path.clone(),
                line: note.line,
                code: note.code.clone(),
                message: note.message.clone(),
                fixable,
            }));
        }
    }
    findings.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)).then(a.code.cmp(&b.code)));
    let unfinished = Journal::new(&project.root).unfinished()?;
    Ok(CheckResult {
        findings,
        skipped,
        plan: FixPlan {
            run_id: None,
            files: outcomes,
            unfinished,
        },
    })
}
