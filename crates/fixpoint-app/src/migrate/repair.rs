//! `fixpoint migrate pydantic --repair`: a group of modules whose v2
//! rewrite breaks tests goes through the repair loop before it falls back
//! to the `pydantic.v1` namespace.
//!
//! The group is written on v2 (the other failing groups on the namespace),
//! the repair loop works on the tests v2 broke, told what was migrated and
//! what FP003 left of Pydantic 1, without committing; then the group's tests
//! run again. Whatever the verdict, the tree goes back to how it was (the
//! repair loop's entries, then the group's): the final migration writes the
//! repaired files of the groups that stay on v2 in its own journal entry,
//! so one `fixpoint undo` takes back the migration and its repairs.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::AtomicBool;

use fixpoint_fix::journal::{Journal, State};
use fixpoint_pytest::runner::Observer;

use super::{GroupVerdict, ModuleChoice, V1_NAMESPACE, plan_choices};
use crate::fix::{apply, undo_entry};
use crate::repair::{RepairEvent, RepairRequest, TargetStatus};
use crate::{AppError, Project, Recording, RunRequest};

/// What `--repair` brings: the repair loop's settings and where it reports.
pub struct MigrationRepair<'a> {
    /// The model and its limits; the targets, the background and the run
    /// are filled in per group.
    pub request: RepairRequest,
    pub recording: &'a Recording,
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub events: &'a mut dyn FnMut(RepairEvent<'_>),
}

/// How the repair loop did on one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRepair {
    /// The targets it fixed.
    pub fixed: Vec<String>,
    pub attempts: u32,
    pub tokens: u64,
    /// Why the loop stopped early, if it did.
    pub stopped: Option<String>,
    /// The group's tests passing on v2 after the repairs.
    pub passed: usize,
    /// The tests still broken on v2 after them.
    pub broken: Vec<String>,
    /// Whether the group now passes as many tests as on the namespace.
    pub kept: bool,
    /// The files the kept repairs changed, as the repairs left them.
    pub files: BTreeMap<String, String>,
}

/// What the model is told with each target of a group.
fn background(verdict: &GroupVerdict, left: &[String]) -> String {
    let mut text = String::from(
        "`fixpoint migrate pydantic` has just moved these modules from Pydantic 1 to the native \
         Pydantic 2 API (the FP003 rewrite):\n",
    );
    for module in &verdict.modules {
        let _ = writeln!(text, "- {module}");
    }
    let _ = writeln!(
        text,
        "\nThese tests pass with the modules on the `pydantic.v1` namespace and fail on Pydantic 2:"
    );
    for nodeid in &verdict.broken_by_v2 {
        let _ = writeln!(text, "- {nodeid}");
    }
    if left.is_empty() {
        text.push_str("\nFP003 left no Pydantic 1 construct it knows of in them.\n");
    } else {
        text.push_str("\nWhat FP003 left of Pydantic 1 in them:\n");
        for note in left {
            let _ = writeln!(text, "- {note}");
        }
    }
    text.push_str(
        "\nFix the code for Pydantic 2. Do not move it back to `pydantic.v1`: if this cannot be done \
         on Pydantic 2, make no change.\n",
    );
    text
}

/// What the trials of `migrate_verified` know, for a repair of one group.
pub(super) struct Trials<'a> {
    pub project: &'a Project,
    pub facts: &'a fixpoint_fix::fixers::ProjectFacts,
    /// Every module's choice as the trials made it (all groups on v2).
    pub modules: &'a [ModuleChoice],
    /// The groups v2 makes worse.
    pub failing: &'a [&'a GroupVerdict],
    pub exact_json: &'a std::collections::BTreeSet<String>,
    pub unsafe_fixes: bool,
    /// How the group's tests run.
    pub run: &'a RunRequest,
    pub command: &'a str,
    /// The run with every module on the namespace.
    pub on_v1: &'a fixpoint_core::Run,
}

/// Writes `verdict`'s group on v2, runs the repair loop on what v2 broke,
/// reruns the group's tests and takes everything back; the caller writes
/// the repaired files again when the group stays on v2.
pub(super) fn repair_group(
    trials: &Trials<'_>,
    verdict: &GroupVerdict,
    hook: &mut MigrationRepair<'_>,
    observer: &mut dyn Observer,
    cancel: &AtomicBool,
) -> Result<GroupRepair, AppError> {
    let Trials {
        project,
        facts,
        modules,
        failing,
        exact_json,
        unsafe_fixes,
        run,
        command,
        on_v1,
    } = *trials;
    // This group on v2; the other groups that fail on v2 on the namespace.
    let choices: Vec<ModuleChoice> = modules
        .iter()
        .map(|m| {
            let elsewhere = failing
                .iter()
                .any(|g| g.modules != verdict.modules && g.modules.contains(&m.path));
            ModuleChoice {
                strategy: if elsewhere { V1_NAMESPACE } else { m.strategy },
                ..m.clone()
            }
        })
        .collect();
    let plan = plan_choices(project, facts, &choices, exact_json, unsafe_fixes)?;
    let left: Vec<String> = plan
        .files
        .iter()
        .filter(|file| verdict.modules.contains(&file.path))
        .flat_map(|file| {
            file.left
                .iter()
                .map(move |note| format!("{}:{}: {}", file.path, note.line, note.message))
        })
        .collect();
    let entry = apply(project, &plan, &format!("{command} (before repair)"))?;
    let journal = Journal::new(&project.root);
    // The repair loop's entries are the ones after this: the group's, or
    // when writing the group changed nothing, the newest before it (never
    // an earlier change of the user's).
    let since = match &entry {
        Some(entry) => entry.id.clone(),
        None => journal.entries()?.first().map(|e| e.id.clone()).unwrap_or_default(),
    };
    let outcome = (|| {
        let request = RepairRequest {
            nodeids: verdict.broken_by_v2.clone(),
            background: Some(background(verdict, &left)),
            fresh_baseline: true,
            allow_dirty: true,
            run: run.clone(),
            settings: crate::RepairSettings {
                commit: Some(false),
                ..hook.request.settings.clone()
            },
            ..hook.request.clone()
        };
        let report = crate::repair::repair(
            project,
            &request,
            hook.recording,
            hook.env,
            observer,
            hook.events,
            cancel,
        )?;
        let after = super::from_project_root(project, crate::run_tests(project, run, observer, cancel)?);
        let judged = GroupVerdict::judge(
            verdict.modules.clone(),
            verdict.tests.clone(),
            &after,
            on_v1,
            verdict.exact_json,
        );
        // What the kept repairs left, before they are taken back.
        let mut files = BTreeMap::new();
        for manifest in repairs_since(&journal, &since)? {
            for file in &manifest.files {
                let text = std::fs::read_to_string(project.root.join(&file.path)).unwrap_or_default();
                files.insert(file.path.clone(), text);
            }
        }
        Ok::<_, AppError>((report, judged, files))
    })();
    // Back to the tree as it was, whatever happened (a loop that failed
    // half-way leaves entries too): the repairs, newest first, then the group.
    for manifest in repairs_since(&journal, &since)? {
        journal.undo(Some(&manifest.id), false)?;
    }
    undo_entry(project, entry.as_ref())?;
    let (report, judged, files) = outcome?;
    let still_worse = judged.worse();
    Ok(GroupRepair {
        fixed: report
            .targets
            .iter()
            .filter(|t| t.status == TargetStatus::Fixed)
            .map(|t| t.nodeid.clone())
            .collect(),
        attempts: report.attempts(),
        tokens: report.tokens,
        stopped: report.stopped,
        passed: judged.passed_v2,
        broken: judged.broken_by_v2,
        kept: !still_worse && !files.is_empty(),
        files: if still_worse { BTreeMap::new() } else { files },
    })
}

/// The repair loop's entries still in force: newer than the group's
/// (`since`), complete, newest first.
fn repairs_since(journal: &Journal, since: &str) -> Result<Vec<fixpoint_fix::journal::Manifest>, AppError> {
    Ok(journal
        .entries()?
        .into_iter()
        .filter(|e| e.id.as_str() > since && e.state == State::Complete)
        .collect())
}
