//! `rules list|validate|new|migrate|generate`.

use std::io::{self, Write};

use fixpoint_app::Project;
use fixpoint_rules::Level;
use fixpoint_rules::rule::RuleType;

use super::{command_line, print_json};
use crate::ExitStatus;
use crate::cli::{GlobalArgs, OutputFormat, RuleKind, RulesCommand};
use crate::printer::Printer;

pub fn rules(global: &GlobalArgs, command: &RulesCommand, printer: Printer) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    let mut out = io::stdout().lock();
    match command {
        RulesCommand::List { output_format } => {
            let rules = fixpoint_app::rules::list(&project);
            if *output_format == OutputFormat::Json {
                drop(out);
                print_json(&rules)?;
                return Ok(ExitStatus::Success);
            }
            if rules.is_empty() {
                writeln!(out, "No rules in .cursor/rules/: `fixpoint rules new NAME` writes one.")?;
            }
            for rule in &rules {
                writeln!(
                    out,
                    "{:<28} {:<7} {:<30} {}",
                    rule.name,
                    rule.rule_type.name(),
                    if rule.globs.is_empty() {
                        "-".to_owned()
                    } else {
                        rule.globs.join(", ")
                    },
                    rule.description.as_deref().unwrap_or("-")
                )?;
            }
            Ok(ExitStatus::Success)
        }
        RulesCommand::Validate { output_format } => {
            let findings = fixpoint_app::rules::validate(&project);
            let errors = findings.iter().filter(|f| f.level == Level::Error).count();
            if *output_format == OutputFormat::Json {
                drop(out);
                print_json(&findings)?;
            } else {
                for finding in &findings {
                    let level = if finding.level == Level::Error {
                        "error"
                    } else {
                        "warning"
                    };
                    writeln!(out, "{}:{}: {level}: {}", finding.path, finding.line, finding.message)?;
                }
                let rules = fixpoint_app::rules::list(&project).len();
                writeln!(
                    out,
                    "{rules} rules checked: {errors} errors, {} warnings.",
                    findings.len() - errors
                )?;
            }
            Ok(if errors > 0 {
                ExitStatus::Failure
            } else {
                ExitStatus::Success
            })
        }
        RulesCommand::New { name, kind } => {
            let rule_type = match kind {
                RuleKind::Always => RuleType::Always,
                RuleKind::Auto => RuleType::Auto,
                RuleKind::Agent => RuleType::Agent,
                RuleKind::Manual => RuleType::Manual,
            };
            let (path, entry) = fixpoint_app::rules::new_rule(&project, name, rule_type, &command_line())?;
            writeln!(out, "created {path} ({})", rule_type.name())?;
            printer.note(&format!(
                "journal {}: `fixpoint undo {}` removes it",
                entry.id, entry.id
            ));
            Ok(ExitStatus::Success)
        }
        RulesCommand::Migrate => {
            let (steps, entry) = fixpoint_app::rules::migrate(&project, &command_line())?;
            if steps.is_empty() {
                writeln!(
                    out,
                    "Nothing to migrate: no .cursorrules or *.mdc.md files without an .mdc twin."
                )?;
            }
            for step in &steps {
                writeln!(out, "migrated {} -> {}", step.from, step.to)?;
            }
            if let Some(entry) = entry {
                printer.note(&format!(
                    "journal {}: `fixpoint undo {}` takes it back",
                    entry.id, entry.id
                ));
            }
            Ok(ExitStatus::Success)
        }
        RulesCommand::Generate => {
            let mut store = fixpoint_app::store::open_store(&project, global.db.as_deref())?;
            let (files, entry) = fixpoint_app::rules::generate(store.as_mut(), &project, &command_line())?;
            for file in &files {
                writeln!(
                    out,
                    "{} {}",
                    if file.changed { "wrote    " } else { "unchanged" },
                    file.path
                )?;
            }
            if let Some(entry) = entry {
                printer.note(&format!(
                    "journal {}: `fixpoint undo {}` takes it back",
                    entry.id, entry.id
                ));
            }
            Ok(ExitStatus::Success)
        }
    }
}
