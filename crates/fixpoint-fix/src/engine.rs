//! Applies fixers to files in passes until nothing changes (a fixpoint,
//! capped), checking after every pass that each changed file still parses.

use std::collections::HashMap;
use std::fs;

use fixpoint_python::{ModuleSummary, summarize};
use rayon::prelude::*;

use crate::fixers::{FixContext, Fixer, Target};
use crate::{Applicability, apply};

/// At most this many passes over one file.
pub const MAX_PASSES: usize = 10;

/// One fix, as the log shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub code: String,
    /// 1-based line in the file as it was before the pass.
    pub line: usize,
    pub message: String,
}

/// What the fixers did to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileOutcome {
    /// Relative to the project root.
    pub path: String,
    pub original: String,
    pub fixed: String,
    pub applied: Vec<Note>,
    /// Fixes not applied: display-only, unsafe without `--unsafe-fixes`, or
    /// dropped because the result would not parse.
    pub left: Vec<Note>,
    /// Why the file was not touched at all (it does not parse, cannot be read).
    pub skipped: Option<String>,
}

impl FileOutcome {
    pub fn changed(&self) -> bool {
        self.original != self.fixed
    }
}

fn line_of(source: &str, offset: usize) -> usize {
    source[..offset.min(source.len())].matches('\n').count() + 1
}

/// Runs `fixers` over each file (paths relative to the root), in parallel;
/// the outcomes come back in the order of `files`.
pub fn fix_files(
    files: &[String],
    fixers: &[&dyn Fixer],
    context: &FixContext<'_>,
    unsafe_fixes: bool,
) -> Vec<FileOutcome> {
    // Each file sees the targets that point at it (every fixer looks at
    // those only), in their order: no file scans every other file's targets.
    let mut by_path: HashMap<&str, Vec<Target>> = HashMap::new();
    for target in context.targets {
        by_path.entry(target.path.as_str()).or_default().push(target.clone());
    }
    files
        .par_iter()
        .map(|path| {
            let targets = by_path.get(path.as_str()).map_or(&[][..], Vec::as_slice);
            let context = FixContext { targets, ..*context };
            let mut outcome = FileOutcome {
                path: path.clone(),
                original: String::new(),
                fixed: String::new(),
                applied: Vec::new(),
                left: Vec::new(),
                skipped: None,
            };
            match fs::read_to_string(context.root.join(path)) {
                Ok(source) => {
                    outcome.original.clone_from(&source);
                    outcome.fixed = source;
                    fix_source(&mut outcome, fixers, &context, unsafe_fixes);
                }
                Err(error) => outcome.skipped = Some(format!("could not read it as UTF-8 text: {error}")),
            }
            outcome
        })
        .collect()
}

/// One file, pass after pass. Each pass parses the file once: the summary
/// (with its syntax tree) is what every fixer of the pass reads, and the
/// parse that checks a pass's result is the next pass's summary.
fn fix_source(outcome: &mut FileOutcome, fixers: &[&dyn Fixer], context: &FixContext<'_>, unsafe_fixes: bool) {
    let mut next: Option<ModuleSummary> = None;
    for pass in 0..MAX_PASSES {
        let source = outcome.fixed.clone();
        let module = match next.take().map_or_else(|| summarize(&source), Ok) {
            Ok(module) => module,
            Err(error) => {
                outcome.skipped = Some(format!("it does not parse ({error}); fix the syntax first"));
                return;
            }
        };
        let mut pending = Vec::new();
        for fixer in fixers {
            for fix in fixer.fixes(&outcome.path, &source, &module, context) {
                let allowed = fix.applicability == Applicability::Safe
                    || (unsafe_fixes && fix.applicability == Applicability::Unsafe);
                if allowed && !fix.edits.is_empty() {
                    pending.push(fix);
                } else if pass == 0 || allowed {
                    let note = |fix: &crate::Fix| Note {
                        code: fix.code.clone(),
                        line: fix.edits.first().map_or(1, |e| line_of(&source, e.start)),
                        message: if fix.applicability == Applicability::Unsafe {
                            fix.message
                                .lines()
                                .map(|line| format!("{line} (unsafe: pass --unsafe-fixes)"))
                                .collect::<Vec<_>>()
                                .join("\n")
                        } else {
                            fix.message.clone()
                        },
                    };
                    let note = note(&fix);
                    for message in note.message.lines() {
                        if !outcome.left.iter().any(|left| left.message == message) {
                            outcome.left.push(Note {
                                message: message.to_owned(),
                                ..note.clone()
                            });
                        }
                    }
                }
            }
        }
        let result = apply(&source, &pending);
        if result.applied.is_empty() || result.output == source {
            return;
        }
        let checked = match summarize(&result.output) {
            Ok(module) => module,
            Err(error) => {
                for index in result.applied {
                    outcome.left.push(Note {
                        code: pending[index].code.clone(),
                        line: pending[index].edits.first().map_or(1, |e| line_of(&source, e.start)),
                        message: format!(
                            "{} (dropped: the result would not parse: {error})",
                            pending[index].message
                        ),
                    });
                }
                return;
            }
        };
        for index in result.applied {
            // A fix may do several things: one note (one log line) each.
            let line = pending[index].edits.first().map_or(1, |e| line_of(&source, e.start));
            for message in pending[index].message.lines() {
                outcome.applied.push(Note {
                    code: pending[index].code.clone(),
                    line,
                    message: message.to_owned(),
                });
            }
        }
        outcome.fixed = result.output;
        next = Some(checked);
        if pass + 1 == MAX_PASSES {
            outcome.left.push(Note {
                code: String::new(),
                line: 1,
                message: format!(
                    "stopped after {MAX_PASSES} passes with fixes still applying; run `fixpoint fix` again"
                ),
            });
        }
    }
}

/// A unified diff of one file's change, as `git diff` shows it.
pub fn unified_diff(path: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}
