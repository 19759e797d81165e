//! The fix campaign as a workflow an AI assistant can follow across
//! sessions.
//!
//! - [`plan`]: the `.ai/` folder (`fixpoint plan`): a PRD, an architecture
//!   note, one epic per failure category and one story per pattern, whose
//!   statuses follow the history after every recorded run.
//! - [`chain`], [`lessons`]: the `.workflow/` state (`fixpoint workflow`):
//!   a hash-chained log of every run, fix, undo and repair attempt, the
//!   lessons from what was taken back, and per-story evaluations.
//!
//! Nothing here is invented: every story comes from a pattern of a recorded
//! run, every chain entry, lesson and evaluation from a run, a journal entry
//! or a repair attempt, and names it.

use std::path::Path;

use fixpoint_store::Store;

use crate::{AppError, Project};

pub mod chain;
pub mod lessons;
pub mod plan;

pub use chain::{ChainCheck, verify};
pub use lessons::{Sync, clean, sync};
pub use plan::{PlanOutcome, Status, Story, next_story, stories, write_plan};

/// The planning folder.
pub const AI_DIR: &str = ".ai";
/// The execution state's folder.
pub const WORKFLOW_DIR: &str = ".workflow";

/// After a run or a repair attempt is recorded: the stories' statuses
/// follow it when a plan exists, and `.workflow/` takes the new events when
/// `[tool.fixpoint] workflow = true`. Neither may fail what was recorded:
/// what goes wrong here shows the next time `fixpoint plan` or `fixpoint
/// workflow` runs.
pub(crate) fn after_event(store: &mut dyn Store, project: &Project) {
    if plan::exists(project) {
        let _ = plan::refresh(store, project);
    }
    if project.settings.workflow == Some(true) {
        let _ = lessons::sync(store, project);
    }
}

/// Writes `content` to `relative` under the project, through the path
/// policy and atomically; returns whether the file changed.
pub(crate) fn write_file(project: &Project, relative: &str, content: &str) -> Result<bool, AppError> {
    let path = crate::paths::policy(project)?.writable(relative)?;
    if std::fs::read(&path).is_ok_and(|old| old == content.as_bytes()) {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| AppError::io(format!("could not create {}", parent.display()), e))?;
    }
    fixpoint_fix::journal::write_atomically(&path, content.as_bytes())?;
    Ok(true)
}

/// The text of `relative` under the project: `None` when there is no such
/// file; an error when the policy refuses the path or the file cannot be
/// read as UTF-8 text, so that state which is there but unreadable is never
/// taken for state that is not there.
pub(crate) fn read_file(project: &Project, relative: &str) -> Result<Option<String>, AppError> {
    let path = crate::paths::policy(project)?.readable(relative)?;
    match std::fs::read(Path::new(&path)) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(AppError::io(format!("could not read {relative}"), error)),
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| AppError::Usage(format!("{relative} is not UTF-8 text: fixpoint leaves it as it is"))),
    }
}
