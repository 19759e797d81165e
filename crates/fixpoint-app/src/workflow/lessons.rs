//! `fixpoint workflow`: the `.workflow/` execution state, from real events.
//!
//! - `state-chain/chain.json` grows by the events it has not seen
//!   ([`super::chain`]);
//! - `reflexion/index.json` holds a lesson for every repair attempt the
//!   tests took back and every fix verification refused, with the files and
//!   patterns it concerns and why;
//! - `evals/task-evals.json` holds, per story of the plan, the repair
//!   attempts, their tokens and time, the tests their verification reran,
//!   and the story's status.
//!
//! The lessons and the evaluations are derived again on every sync: each
//! entry names the attempt, journal entry or run it comes from.

use std::collections::HashMap;

use fixpoint_fix::journal::Journal;
use fixpoint_store::{AttemptRow, Store};
use serde::Serialize;
use serde_json::{Value, json};

use super::{chain, plan, write_file};
use crate::{AppError, Project};

const REFLEXION_FILE: &str = ".workflow/reflexion/index.json";
const EVALS_FILE: &str = ".workflow/evals/task-evals.json";
/// What `--clean-workflow` removes: the execution state. The planning files
/// (`.ai/`, and `.workflow/`'s decisions, constraints and domain notes) stay.
const EXECUTION_STATE: [&str; 3] = [".workflow/state-chain", ".workflow/reflexion", ".workflow/evals"];

/// What a sync wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Sync {
    /// Chain entries appended, and the chain's length.
    pub appended: usize,
    pub entries: usize,
    pub lessons: usize,
    /// Stories evaluated (none without a plan).
    pub tasks: usize,
    pub files: Vec<String>,
}

/// Appends the new events to the chain and derives the lessons and the
/// evaluations again.
pub fn sync(store: &mut dyn Store, project: &Project) -> Result<Sync, AppError> {
    // A plan that cannot be read stops the sync before anything is written.
    let stories = plan::stories(project)?;
    let mut runs = store.runs_since(0)?;
    runs.sort_by_key(|run| run.id);
    let mut journal = Journal::new(&project.root).entries()?;
    journal.reverse();
    let mut attempts = store.attempts(None, 100_000)?;
    attempts.sort_by_key(|attempt| attempt.id);
    let appended = chain::append(project, &runs, &journal, &attempts)?;
    let entries = chain::read(project)?.entries.len();

    let mut lessons: Vec<Value> = attempts
        .iter()
        .filter(|a| a.verdict == "reverted")
        .map(|a| {
            json!({
                "source": format!("attempt:{}", a.id),
                "kind": "repair-reverted",
                "at": a.finished_at,
                "nodeid": a.nodeid,
                "pattern": a.pattern,
                "files": diff_files(&a.diff),
                "tried": format!("attempt {} ({} {}), a change of {} lines", a.attempt, a.provider, a.model, a.diff.lines().filter(|l| is_change_line(l)).count()),
                "why": a.reason,
                "journal_id": a.journal_id,
                "run_id": a.run_id,
                "lesson": format!("A repair of {} that changed {} was taken back: {}", a.nodeid, diff_files(&a.diff).join(", "), a.reason),
            })
        })
        .collect();
    for entry in journal.iter().filter(|m| !m.refused.is_empty()) {
        for refused in &entry.refused {
            let patterns = patterns_of(store, project, refused.run, &refused.codes, &refused.files);
            let why = match &refused.stopped {
                Some(stopped) => format!("the suite did not start: {}", first_line(stopped)),
                None => format!("broke {}", refused.broke.join(", ")),
            };
            lessons.push(json!({
                "source": format!("journal:{}", entry.id),
                "kind": "fix-taken-back",
                "at": entry.undone_at.as_deref().unwrap_or(&entry.created_at),
                "files": refused.files,
                "codes": refused.codes,
                "patterns": patterns,
                "why": why,
                "run_id": refused.run,
                "lesson": format!("{} from {} was taken back by verification: {why}", refused.codes.join(", "), refused.files.join(", ")),
            }));
        }
    }
    lessons.sort_by(|a, b| a["at"].as_str().cmp(&b["at"].as_str()));
    let reflexion = json!({ "lessons": lessons });
    write_file(
        project,
        REFLEXION_FILE,
        &(serde_json::to_string_pretty(&reflexion).unwrap_or_default() + "\n"),
    )?;

    let totals: HashMap<i64, u32> = runs.iter().map(|run| (run.id, run.counts.total)).collect();
    let tasks: Vec<Value> = stories
        .iter()
        .map(|story| {
            let mine: Vec<&AttemptRow> = attempts
                .iter()
                .filter(|a| a.pattern.as_deref() == Some(story.id.as_str()) || story.tests.contains(&a.nodeid))
                .collect();
            let tokens: u64 = mine
                .iter()
                .map(|a| a.prompt_tokens.unwrap_or(0) + a.completion_tokens.unwrap_or(0))
                .sum();
            let seconds = mine
                .iter()
                .fold(0.0, |sum, a| sum + elapsed(&a.started_at, &a.finished_at));
            let rerun: u32 = mine
                .iter()
                .filter_map(|a| a.run_id)
                .filter_map(|id| totals.get(&id))
                .sum();
            json!({
                "story": story.id,
                "title": story.title,
                "status": story.status.as_str(),
                "outcome": story.reason,
                "attempts": mine.len(),
                "attempt_ids": mine.iter().map(|a| a.id).collect::<Vec<_>>(),
                "fixed": mine.iter().filter(|a| a.verdict == "fixed").count(),
                "reverted": mine.iter().filter(|a| a.verdict == "reverted").count(),
                "tokens": tokens,
                "seconds": (seconds * 1000.0).round() / 1000.0,
                "tests_rerun": rerun,
            })
        })
        .collect();
    let evals = json!({ "tasks": tasks });
    write_file(
        project,
        EVALS_FILE,
        &(serde_json::to_string_pretty(&evals).unwrap_or_default() + "\n"),
    )?;
    Ok(Sync {
        appended,
        entries,
        lessons: reflexion["lessons"].as_array().map_or(0, Vec::len),
        tasks: stories.len(),
        files: vec![
            chain::CHAIN_FILE.to_owned(),
            REFLEXION_FILE.to_owned(),
            EVALS_FILE.to_owned(),
        ],
    })
}

/// `--clean-workflow`: removes the execution state, keeps the planning
/// files; returns what it removed.
pub fn clean(project: &Project) -> Result<Vec<String>, AppError> {
    let policy = crate::paths::policy(project)?;
    let mut removed = Vec::new();
    for dir in EXECUTION_STATE {
        let path = policy.writable(dir)?;
        if path.is_dir() {
            std::fs::remove_dir_all(&path)
                .map_err(|e| AppError::io(format!("could not remove {}", path.display()), e))?;
            removed.push(dir.to_owned());
        }
    }
    Ok(removed)
}

/// The patterns of the run a refused fix answered that it concerned: one of
/// `codes` is their fixer, and they point at one of `files`.
fn patterns_of(
    store: &mut dyn Store,
    project: &Project,
    run: Option<i64>,
    codes: &[String],
    files: &[String],
) -> Vec<String> {
    let Some(run) = run else { return Vec::new() };
    let Ok((_, triage)) = crate::triage::triage_run(store, project, &run.to_string()) else {
        return Vec::new();
    };
    triage
        .patterns
        .iter()
        .filter(|p| p.fix.code.is_some_and(|code| codes.iter().any(|c| c == code)))
        .filter(|p| {
            let at = |place: &str| {
                files
                    .iter()
                    .any(|file| place.rsplit_once(':').map_or(place, |(path, _)| path) == file)
            };
            p.locations.iter().any(|place| at(place))
                || p.location.as_ref().is_some_and(|frame| files.contains(&frame.path))
                || p.failures
                    .iter()
                    .any(|nodeid| files.iter().any(|f| nodeid.split("::").next() == Some(f)))
        })
        .map(|p| p.id.clone())
        .collect()
}

fn is_change_line(line: &str) -> bool {
    (line.starts_with('+') && !line.starts_with("+++")) || (line.starts_with('-') && !line.starts_with("---"))
}

/// The files a unified diff changes.
fn diff_files(diff: &str) -> Vec<String> {
    let mut files: Vec<String> = diff
        .lines()
        .filter_map(|line| line.strip_prefix("+++ "))
        .map(|path| path.trim().trim_start_matches("b/").to_owned())
        .filter(|path| path != "/dev/null")
        .collect();
    files.dedup();
    files
}

fn first_line(text: &str) -> &str {
    text.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim()
}

/// Seconds between two RFC 3339 times of the history (0 when unreadable).
fn elapsed(start: &str, end: &str) -> f64 {
    match (fixpoint_core::parse_rfc3339(start), fixpoint_core::parse_rfc3339(end)) {
        (Some(start), Some(end)) => end.duration_since(start).map_or(0.0, |d| d.as_secs_f64()),
        _ => 0.0,
    }
}
