//! `fixpoint check`: the regression guard. The batch fixers that can judge a
//! file on its own run over the whole project without writing; what they
//! would change, and what they would leave for a person, is reported as a
//! finding. `--fix` writes the changes through the journal.

use fixpoint_fix::engine::fix_files;
use fixpoint_fix::fixers::{ProjectFacts, Target, selected};
use fixpoint_fix::journal::Journal;
use serde::Serialize;

use crate::fix::FixPlan;
use crate::paths::selects;
use crate::{AppError, Project};

/// The fixers whose detectors need no failing test: they find their pattern
/// in the source alone.
pub const STATIC_RULES: [&str; 4] = ["FP001", "FP002", "FP003", "FP005"];

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
    let select: Vec<String> = if select.is_empty() {
        STATIC_RULES.iter().map(|code| (*code).to_owned()).collect()
    } else {
        let unknown: Vec<&String> = select
            .iter()
            .filter(|wanted| {
                !STATIC_RULES
                    .iter()
                    .any(|code| code.eq_ignore_ascii_case(wanted) || rule_name(code).eq_ignore_ascii_case(wanted))
            })
            .collect();
        if let Some(rule) = unknown.first() {
            return Err(AppError::Usage(format!(
                "`{rule}` is not a check rule: the rules are {}",
                STATIC_RULES
                    .iter()
                    .map(|code| format!("{code} ({})", rule_name(code)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        select.to_vec()
    };
    let fixers = selected(&select, ignore);
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
            STATIC_RULES.iter().map(move |code| Target {
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
    let unfinished = Journal::new(&project.root)
        .unfinished()
        .map_err(|e| AppError::Usage(e.to_string()))?;
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

/// A rule's name, from its fixer.
pub fn rule_name(code: &str) -> &'static str {
    fixpoint_fix::fixers::FIXERS
        .iter()
        .find(|f| f.code() == code)
        .map_or("", |f| f.name())
}
