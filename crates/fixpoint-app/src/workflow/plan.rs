//! `fixpoint plan`: the `.ai/` folder for the road to green.
//!
//! `.ai/plan.json` is fixpoint's record of the stories: one per pattern of a
//! whole-suite run, with the failing tests as its acceptance criteria. The
//! Markdown (`prd.md`, `arch.md`, `epics/<category>.md`,
//! `stories/<pattern>.md`) is rendered from it and from the history, so a
//! story keeps its tests after its pattern is gone from the latest run, and
//! its status is always the history's:
//!
//! - `Done`: every one of its tests passes in the latest whole-suite run;
//! - `Skipped`: none fails and some are skipped there;
//! - `In Progress`: some of its tests pass there or in a later run, or the
//!   repair loop has tried it;
//! - `Draft`: nothing of the above yet.
//!
//! Every Markdown file keeps a `<!-- CUSTOM: notes -->` block for the team's
//! notes and ends with a seal; a file edited outside that block (or not
//! written by fixpoint) is left as it is and named, unless `--force`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use fixpoint_core::Outcome;
use fixpoint_store::{RunRow, Store};
use fixpoint_testdata::merge::MARKDOWN;
use serde::{Deserialize, Serialize};

use super::{AI_DIR, read_file, write_file};
use crate::{AppError, Project};

const PLAN_FILE: &str = ".ai/plan.json";
const STORIES_DIR: &str = ".ai/stories";
const EPICS_DIR: &str = ".ai/epics";
/// The agent-requested rule that points assistants at the plan.
pub const RULE_FILE: &str = ".cursor/rules/fixpoint-workflow.mdc";
const AGENTS_START: &str = "<!-- fixpoint:workflow:start -->";
const AGENTS_END: &str = "<!-- fixpoint:workflow:end -->";

/// Where a story stands, from the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub enum Status {
    #[default]
    Draft,
    #[serde(rename = "In Progress")]
    InProgress,
    Done,
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "Draft",
            Status::InProgress => "In Progress",
            Status::Done => "Done",
            Status::Skipped => "Skipped",
        }
    }

    /// Work remains: neither done nor skipped.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Draft | Status::InProgress)
    }
}

/// One pattern's story.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Story {
    /// The pattern id (`P` and six hex digits), stable across runs.
    pub id: String,
    pub category: String,
    pub title: String,
    pub explanation: String,
    /// The first failure's headline.
    pub message: String,
    /// The root-cause site (`path:line`), the innermost frame in the project.
    pub location: Option<String>,
    /// The command that fixes it (a batch fix, a migration or a repair).
    pub command: Option<String>,
    /// What to do by hand.
    pub manual: String,
    /// The acceptance criteria: each must pass in a whole-suite run.
    pub tests: Vec<String>,
    /// Tests the pattern took down when last seen.
    pub impact: u32,
    /// The run the story came from, and the newest run that showed the pattern.
    pub from_run: i64,
    pub seen_run: i64,
    /// From the history, as of the last time the plan was written.
    #[serde(default)]
    pub status: Status,
    /// Why it has that status.
    #[serde(default)]
    pub reason: String,
    /// Of its tests, those that pass in the latest whole-suite run.
    #[serde(default)]
    pub passing: Vec<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct PlanRecord {
    stories: Vec<Story>,
}

/// What `fixpoint plan` did.
#[derive(Debug, Clone, Serialize)]
pub struct PlanOutcome {
    /// The whole-suite run the statuses come from.
    pub run_id: i64,
    pub stories: Vec<Story>,
    /// Stories this call added (patterns not planned before).
    pub added: Vec<String>,
    /// Every file fixpoint owns here, with whether it changed.
    pub files: Vec<(String, bool)>,
    /// Files left as they are: edited outside their CUSTOM block, or not
    /// fixpoint's.
    pub kept: Vec<String>,
}

/// Whether the project has a plan.
pub fn exists(project: &Project) -> bool {
    project.root.join(PLAN_FILE).is_file()
}

/// The stories as the plan last recorded them (empty without a plan).
pub fn stories(project: &Project) -> Result<Vec<Story>, AppError> {
    Ok(read_record(project)?.stories)
}

fn read_record(project: &Project) -> Result<PlanRecord, AppError> {
    let record: PlanRecord = match read_file(project, PLAN_FILE)? {
        None => return Ok(PlanRecord::default()),
        Some(text) => serde_json::from_str(&text).map_err(|e| {
            AppError::Usage(format!(
                "{PLAN_FILE} is not fixpoint's plan ({e}): move it away and run `fixpoint plan` again"
            ))
        })?,
    };
    // An id or a category becomes a file name: only what triage gives.
    for story in &record.stories {
        let id_ok =
            story.id.len() == 7 && story.id.starts_with('P') && story.id[1..].chars().all(|c| c.is_ascii_hexdigit());
        if !id_ok || fixpoint_triage::catalog::category(&story.category).is_none() {
            return Err(AppError::Usage(format!(
                "{PLAN_FILE} holds a story that is not a triage pattern (id `{}`, category `{}`): fixpoint writes nothing from it; move the file away and run `fixpoint plan` again",
                story.id, story.category
            )));
        }
    }
    Ok(record)
}

/// `fixpoint plan`: a story for every pattern of the latest whole-suite run
/// not planned yet, every status from the history, every file rendered.
pub fn write_plan(store: &mut dyn Store, project: &Project, force: bool) -> Result<PlanOutcome, AppError> {
    let run = latest_whole_suite(store)?;
    let mut record = read_record(project)?;
    let triage = crate::triage::triage_run(store, project, &run.id.to_string())?.1;
    let mut added = Vec::new();
    for pattern in &triage.patterns {
        let fresh = Story {
            id: pattern.id.clone(),
            category: pattern.category.to_owned(),
            title: pattern.title.to_owned(),
            explanation: pattern.explanation.to_owned(),
            message: pattern.message.clone(),
            location: pattern
                .location
                .as_ref()
                .map(|frame| format!("{}:{}", frame.path, frame.line)),
            command: pattern.fix.command.clone(),
            manual: pattern.fix.manual.to_owned(),
            tests: pattern.failures.clone(),
            impact: pattern.blast_radius,
            from_run: run.id,
            seen_run: run.id,
            status: Status::Draft,
            reason: String::new(),
            passing: Vec::new(),
        };
        if let Some(known) = record.stories.iter_mut().find(|known| known.id == fresh.id) {
            // Seen again: its newest facts, and every test it ever had.
            let mut tests: BTreeSet<String> = known.tests.drain(..).collect();
            tests.extend(fresh.tests);
            *known = Story {
                tests: tests.into_iter().collect(),
                from_run: known.from_run,
                ..fresh
            };
        } else {
            added.push(fresh.id.clone());
            record.stories.push(fresh);
        }
    }
    if record.stories.is_empty() {
        return Err(AppError::Usage(format!(
            "run {} has no failure patterns: there is nothing to plan",
            run.id
        )));
    }
    let mut outcome = render(store, project, record, &run, force)?;
    outcome.added = added;
    Ok(outcome)
}

/// The statuses and files brought up to date with the history, without new
/// stories: what every recorded run does when a plan exists.
pub fn refresh(store: &mut dyn Store, project: &Project) -> Result<PlanOutcome, AppError> {
    let run = latest_whole_suite(store)?;
    let record = read_record(project)?;
    render(store, project, record, &run, false)
}

/// The open story with the largest impact, as the plan last recorded it.
pub fn next_story(project: &Project) -> Result<Option<Story>, AppError> {
    let mut open: Vec<Story> = stories(project)?.into_iter().filter(|s| s.status.is_open()).collect();
    open.sort_by(|a, b| {
        b.impact
            .cmp(&a.impact)
            .then(b.status.cmp(&a.status))
            .then(a.id.cmp(&b.id))
    });
    Ok(open.into_iter().next())
}

/// A story's Markdown, as `fixpoint plan` last wrote it.
pub fn story_text(project: &Project, id: &str) -> Result<String, AppError> {
    let path = story_path(id);
    read_file(project, &path)?
        .ok_or_else(|| AppError::Usage(format!("{path} is missing: `fixpoint plan` writes it again")))
}

/// A story's Markdown file.
pub fn story_path(id: &str) -> String {
    format!("{STORIES_DIR}/{id}.md")
}

fn latest_whole_suite(store: &mut dyn Store) -> Result<RunRow, AppError> {
    let runs = store.runs(200)?;
    if runs.is_empty() {
        return Err(AppError::NoRuns);
    }
    runs.into_iter().find(RunRow::is_whole_suite).ok_or_else(|| {
        AppError::Usage(
            "the history has no whole-suite run (only partial ones): `fixpoint run` the whole suite first".into(),
        )
    })
}

fn render(
    store: &mut dyn Store,
    project: &Project,
    mut record: PlanRecord,
    run: &RunRow,
    force: bool,
) -> Result<PlanOutcome, AppError> {
    let results: HashMap<String, Outcome> = store
        .results(run.id)?
        .into_iter()
        .map(|row| (row.nodeid, row.outcome))
        .collect();
    let attempts = store.attempts(None, 100_000)?;
    for story in &mut record.stories {
        let tried = attempts
            .iter()
            .filter(|a| a.pattern.as_deref() == Some(story.id.as_str()) || story.tests.contains(&a.nodeid))
            .count();
        // What runs after the whole-suite one say of its tests.
        let mut since = Since {
            tried,
            ..Since::default()
        };
        for test in &story.tests {
            let Some((newer, row)) = store.test_history(test, 1).ok().and_then(|h| h.into_iter().next()) else {
                continue;
            };
            if newer.id <= run.id {
                continue;
            }
            if row.outcome.is_failing() {
                since.failed_in.get_or_insert(newer.id);
            } else if passing(row.outcome) {
                since.passed = true;
            }
        }
        evaluate(story, &results, run.id, &since);
    }
    record.stories.sort_by(|a, b| {
        a.category
            .cmp(&b.category)
            .then(b.impact.cmp(&a.impact))
            .then(a.id.cmp(&b.id))
    });

    let mut files: Vec<(String, String)> = Vec::new();
    let analysis = crate::analyze::analyze(project);
    let first = store.runs_since(0)?.into_iter().find(RunRow::is_whole_suite);
    files.push((format!("{AI_DIR}/prd.md"), prd(&record.stories, run, first.as_ref())));
    files.push((format!("{AI_DIR}/arch.md"), arch(&analysis, &record.stories)));
    let mut by_category: BTreeMap<&str, Vec<&Story>> = BTreeMap::new();
    for story in &record.stories {
        by_category.entry(story.category.as_str()).or_default().push(story);
    }
    for (category, stories) in &by_category {
        files.push((format!("{EPICS_DIR}/{category}.md"), epic(category, stories)));
    }
    for story in &record.stories {
        files.push((story_path(&story.id), story_markdown(story, run)));
    }
    files.push((RULE_FILE.to_owned(), rule()));

    let mut outcome = PlanOutcome {
        run_id: run.id,
        stories: record.stories.clone(),
        added: Vec::new(),
        files: Vec::new(),
        kept: Vec::new(),
    };
    // The record first: the Markdown is rendered from it, and whatever
    // happens to a file below, the statuses it holds are the history's.
    let json = serde_json::to_string_pretty(&record).unwrap_or_default() + "\n";
    let changed = write_file(project, PLAN_FILE, &json)?;
    outcome.files.push((PLAN_FILE.to_owned(), changed));
    for (path, generated) in files {
        // A file that cannot be read (not UTF-8, a refused path) is not
        // fixpoint's to overwrite.
        let Ok(previous) = read_file(project, &path) else {
            outcome.kept.push(path);
            continue;
        };
        let content = MARKDOWN.seal(&MARKDOWN.keep_custom(&generated, previous.as_deref()));
        if !force
            && previous
                .as_deref()
                .is_some_and(|now| MARKDOWN.edits(now, &content).is_some())
        {
            outcome.kept.push(path);
            continue;
        }
        let changed = write_file(project, &path, &content)?;
        outcome.files.push((path, changed));
    }
    // AGENTS.md is the team's: written only where its markers are whole,
    // and left as it is when it cannot be (a link, unpaired markers).
    let agents = read_file(project, "AGENTS.md")
        .ok()
        .and_then(|now| fixpoint_rules::agents_section(now.as_deref(), AGENTS_START, AGENTS_END, AGENTS_LINE));
    match agents.map(|text| write_file(project, "AGENTS.md", &text)) {
        Some(Ok(changed)) => outcome.files.push(("AGENTS.md".to_owned(), changed)),
        _ => outcome.kept.push("AGENTS.md".to_owned()),
    }
    Ok(outcome)
}

/// A story's status from the latest whole-suite run's outcomes.
/// An outcome that counts as a pass: an expected failure does not.
fn passing(outcome: Outcome) -> bool {
    matches!(outcome, Outcome::Passed | Outcome::Flaky | Outcome::XPassed)
}

/// What the history says of a story's tests besides the whole-suite run.
#[derive(Debug, Default)]
struct Since {
    /// Repair attempts for its pattern or its tests.
    tried: usize,
    /// One of its tests passed in a later partial run.
    passed: bool,
    /// A later partial run in which one of its tests failed.
    failed_in: Option<i64>,
}

fn evaluate(story: &mut Story, results: &HashMap<String, Outcome>, run_id: i64, since: &Since) {
    let state = |test: &str| -> Option<Outcome> {
        if test.contains("::") {
            return results.get(test).copied();
        }
        // A module that failed to collect: it passes when it collects and
        // every test in it passes.
        if results.get(test).is_some_and(|o| o.is_failing()) {
            return Some(Outcome::Failed);
        }
        let inside: Vec<Outcome> = results
            .iter()
            .filter(|(nodeid, _)| nodeid.split("::").next() == Some(test) && nodeid.contains("::"))
            .map(|(_, o)| *o)
            .collect();
        if inside.is_empty() {
            None
        } else if inside.iter().any(|o| o.is_failing()) {
            Some(Outcome::Failed)
        } else if inside.iter().all(|o| *o == Outcome::Skipped) {
            Some(Outcome::Skipped)
        } else {
            Some(Outcome::Passed)
        }
    };
    let seen: Vec<Option<Outcome>> = story.tests.iter().map(|t| state(t)).collect();
    let passes = |o: &Option<Outcome>| o.is_some_and(passing);
    let skipped = |o: &Option<Outcome>| *o == Some(Outcome::Skipped);
    story.passing = story
        .tests
        .iter()
        .zip(&seen)
        .filter(|(_, o)| passes(o))
        .map(|(t, _)| t.clone())
        .collect();
    let total = story.tests.len();
    let its = |n: usize| {
        if total == 1 {
            "its test".to_owned()
        } else {
            format!("{n} of its {total} tests")
        }
    };
    let (status, reason) = if seen.iter().all(passes) {
        let all = if total == 1 {
            "its test passes".to_owned()
        } else {
            format!("all {total} of its tests pass")
        };
        (Status::Done, format!("{all} in run {run_id}, a whole-suite run"))
    } else if seen.iter().all(|o| passes(o) || skipped(o)) {
        let n = seen.iter().filter(|o| skipped(o)).count();
        (
            Status::Skipped,
            format!("{} skipped in run {run_id}, none fails", its(n)),
        )
    } else if !story.passing.is_empty() {
        (
            Status::InProgress,
            format!("{} passing in run {run_id}", its(story.passing.len())),
        )
    } else if since.passed {
        (
            Status::InProgress,
            "some of its tests passed in a later partial run; a whole-suite run decides".to_owned(),
        )
    } else if since.tried > 0 {
        let times = if since.tried == 1 {
            "once".to_owned()
        } else {
            format!("{} times", since.tried)
        };
        (Status::InProgress, format!("the repair loop tried it {times}"))
    } else {
        let missing = seen.iter().filter(|o| o.is_none()).count();
        let reason = if missing > 0 {
            format!("{} not run in run {run_id}", its(missing))
        } else if total == 1 {
            format!("its test fails in run {run_id}")
        } else {
            format!("none of its {total} tests passes in run {run_id}")
        };
        (Status::Draft, reason)
    };
    // A later partial run that fails one of them takes the story out of Done.
    let (status, reason) = match since.failed_in {
        Some(run) if matches!(status, Status::Done | Status::Skipped) => (
            Status::InProgress,
            format!("{reason}, but one failed again in run {run}, a partial run; a whole-suite run decides"),
        ),
        _ => (status, reason),
    };
    story.status = status;
    story.reason = reason;
}

const AGENTS_LINE: &str = "The road to green is planned in `.ai/` (by `fixpoint plan`): read `.ai/prd.md`, work the open story with the largest impact in `.ai/stories/`, and run `fixpoint run` after each change; the statuses follow the test history.";

const NOTES: &str = "\n## Notes\n\n<!-- CUSTOM: notes -->\n<!-- END CUSTOM -->\n";

fn header(what: &str) -> String {
    format!(
        "<!-- Written by `fixpoint plan` from the test history ({what}). Regenerated after every run: write your notes inside the CUSTOM block, where they are kept. -->\n"
    )
}

fn counts_line(run: &RunRow) -> String {
    let c = &run.counts;
    let rate = if c.total == 0 {
        0.0
    } else {
        f64::from(c.passed + c.flaky) * 100.0 / f64::from(c.total)
    };
    format!(
        "run {} ({}): {} tests, {} passed, {} failed, {} errors, {} skipped ({rate:.1}% pass)",
        run.id, run.started_at, c.total, c.passed, c.failed, c.error, c.skipped
    )
}

/// `3 Done, 1 In Progress, 5 Draft, 0 Skipped`.
pub fn tally_line<'a>(stories: impl IntoIterator<Item = &'a Story>) -> String {
    let statuses: Vec<Status> = stories.into_iter().map(|story| story.status).collect();
    [Status::Done, Status::InProgress, Status::Draft, Status::Skipped]
        .iter()
        .map(|status| {
            let n = statuses.iter().filter(|s| *s == status).count();
            format!("{n} {}", status.as_str())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn prd(stories: &[Story], run: &RunRow, first: Option<&RunRow>) -> String {
    let mut out = header("the goal and today's numbers");
    out.push_str("# Product requirements: a green test suite\n\n## Goal\n\n");
    out.push_str(
        "Every test passes, or is skipped with its reason documented (`fixpoint fix --select FP006`). \
         The suite stays green: `fixpoint ci` guards every change.\n\n## Today\n\n",
    );
    let _ = writeln!(out, "- Latest whole-suite {}.", counts_line(run));
    if let Some(first) = first.filter(|first| first.id != run.id) {
        let _ = writeln!(out, "- First whole-suite {}.", counts_line(first));
    }
    let _ = writeln!(out, "- Stories: {} ({}).", stories.len(), tally_line(stories));
    let open: u32 = stories.iter().filter(|s| s.status.is_open()).map(|s| s.impact).sum();
    let _ = writeln!(out, "- Tests behind the open stories: {open}.");
    out.push_str(
        "\n## Success criteria\n\n\
         - Every story is Done or Skipped: each of its tests passes (or is skipped) in a whole-suite run.\n\
         - A whole-suite run has no failed or error results, and `fixpoint ci` passes.\n\
         - No fix is kept that makes a test worse: `fixpoint fix` and `fixpoint repair` verify by the tests.\n\
         \n## Out of scope\n\n\
         - New features and refactoring beyond what a story's tests need.\n\
         - Changing how pytest runs (its configuration, plugins) to make a test pass.\n\
         - Tests that already pass: they are the baseline and must stay green.\n",
    );
    out.push_str(NOTES);
    out
}

fn arch(analysis: &crate::analyze::Analysis, stories: &[Story]) -> String {
    let mut out = header("what `fixpoint analyze` knows, and the patterns' map");
    let _ = writeln!(out, "# Architecture: {}\n\n## Layout\n", analysis.project);
    for dir in &analysis.layout {
        let _ = writeln!(out, "- `{}`: {} files", dir.path, dir.files);
    }
    out.push_str("\n## Frameworks\n\n");
    if analysis.frameworks.is_empty() {
        out.push_str("None that fixpoint knows.\n");
    }
    for framework in &analysis.frameworks {
        let _ = writeln!(out, "- {} ({})", framework.name, framework.evidence.join(", "));
    }
    let tests = &analysis.tests;
    let _ = writeln!(
        out,
        "\n## Tests\n\n{} test files, {} test functions, in {}; configuration: {}; conftest files: {}.",
        tests.test_files,
        tests.test_functions,
        if tests.directories.is_empty() {
            "-".to_owned()
        } else {
            tests.directories.join(", ")
        },
        tests.config.as_deref().unwrap_or("none"),
        if tests.conftest_files.is_empty() {
            "none".to_owned()
        } else {
            tests.conftest_files.join(", ")
        }
    );
    out.push_str("\n## Import cycles\n\n");
    if analysis.import_cycles.is_empty() {
        out.push_str("None.\n");
    }
    for cycle in &analysis.import_cycles {
        let _ = writeln!(out, "- {}", cycle.join(" → "));
    }
    out.push_str("\n## Patterns\n\n| Story | Category | Root cause | Tests | Status |\n|---|---|---|---|---|\n");
    for story in stories {
        let _ = writeln!(
            out,
            "| [{}](stories/{}.md) | {} | {} | {} | {} |",
            story.id,
            story.id,
            story.category,
            story
                .location
                .as_deref()
                .map_or_else(|| "-".to_owned(), |l| format!("`{l}`")),
            story.impact,
            story.status.as_str()
        );
    }
    out.push_str(NOTES);
    out
}

fn epic(category: &str, stories: &[&Story]) -> String {
    let mut out = header("one epic per failure category");
    let title = stories.first().map_or(category, |s| s.title.as_str());
    let _ = writeln!(out, "# Epic: {title} (`{category}`)\n");
    if let Some(first) = stories.first() {
        let _ = writeln!(out, "{}\n", first.explanation);
    }
    let _ = writeln!(
        out,
        "Stories: {} ({}).\n",
        stories.len(),
        tally_line(stories.iter().copied())
    );
    out.push_str("| Story | Tests | Status | Fix |\n|---|---|---|---|\n");
    for story in stories {
        let _ = writeln!(
            out,
            "| [{}](../stories/{}.md) | {} | {} | {} |",
            story.id,
            story.id,
            story.impact,
            story.status.as_str(),
            story
                .command
                .as_deref()
                .map_or_else(|| "by hand".to_owned(), |c| format!("`{c}`"))
        );
    }
    out.push_str(NOTES);
    out
}

fn story_markdown(story: &Story, run: &RunRow) -> String {
    let mut out = header("one story per failure pattern");
    let _ = writeln!(out, "# {}: {}\n", story.id, story.title);
    let _ = writeln!(out, "- Status: **{}** ({})", story.status.as_str(), story.reason);
    let _ = writeln!(out, "- Epic: [{}](../epics/{}.md)", story.category, story.category);
    let _ = writeln!(
        out,
        "- Tests behind it: {} (planned from run {}, last seen in run {}; statuses from run {})\n",
        story.impact, story.from_run, story.seen_run, run.id
    );
    let _ = writeln!(out, "{}\n", story.explanation);
    let _ = writeln!(out, "## First failure\n\n```text\n{}\n```\n", story.message.trim());
    let _ = writeln!(
        out,
        "## Root cause\n\n{}\n",
        story
            .location
            .as_deref()
            .map_or_else(|| "No frame in the project's code.".to_owned(), |l| format!("`{l}`"))
    );
    out.push_str("## Fix\n\n");
    if let Some(command) = &story.command {
        let _ = writeln!(out, "`{command}`\n");
    }
    let _ = writeln!(out, "By hand: {}\n", story.manual);
    out.push_str("## Acceptance criteria\n\nEach passes in a whole-suite run (`fixpoint run`):\n\n");
    for test in &story.tests {
        let mark = if story.passing.contains(test) { "x" } else { " " };
        let _ = writeln!(out, "- [{mark}] `{test}`");
    }
    out.push_str(NOTES);
    out
}

fn rule() -> String {
    format!(
        "---\ndescription: The plan to a green test suite (.ai/ by fixpoint plan): read it before working on failing tests\nalwaysApply: false\n---\n# Working the plan to green\n\n\
         - Start with `.ai/prd.md` (the goal and today's numbers) and `.ai/arch.md` (the layout and the patterns' map).\n\
         - Take the open story (Draft or In Progress) with the most tests behind it from `.ai/stories/`; the MCP prompt `work-next-story` returns it with its context.\n\
         - Use the story's fix command first; edit by hand only what it leaves.\n\
         - After each change run `fixpoint run`: the statuses follow the history, and a story is Done when all its tests pass in a whole-suite run.\n\
         - Write notes only inside the `<!-- CUSTOM: notes -->` blocks: everything else is regenerated.\n\n{}",
        header("the workflow rule")
    )
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use fixpoint_core::Outcome;

    use super::{Since, Status, Story, evaluate};

    fn story(tests: &[&str]) -> Story {
        Story {
            id: "P000001".into(),
            category: "name-error".into(),
            title: "Name not defined".into(),
            explanation: String::new(),
            message: String::new(),
            location: None,
            command: None,
            manual: String::new(),
            tests: tests.iter().map(|t| (*t).to_owned()).collect(),
            impact: 2,
            from_run: 1,
            seen_run: 1,
            status: Status::Draft,
            reason: String::new(),
            passing: Vec::new(),
        }
    }

    fn status(tests: &[&str], results: &[(&str, Outcome)], tried: usize, passed: bool) -> (Status, String) {
        let since = Since {
            tried,
            passed,
            failed_in: None,
        };
        status_since(tests, results, &since)
    }

    fn status_since(tests: &[&str], results: &[(&str, Outcome)], since: &Since) -> (Status, String) {
        let results: HashMap<String, Outcome> = results.iter().map(|(n, o)| ((*n).to_owned(), *o)).collect();
        let mut story = story(tests);
        evaluate(&mut story, &results, 7, since);
        (story.status, story.reason)
    }

    #[test]
    fn a_story_is_done_only_when_every_test_passes_in_the_whole_suite_run() {
        use Outcome::{Error, Failed, Passed, Skipped};
        let two = ["t.py::a", "t.py::b"];
        assert_eq!(
            status(&two, &[("t.py::a", Passed), ("t.py::b", Passed)], 0, false),
            (
                Status::Done,
                "all 2 of its tests pass in run 7, a whole-suite run".into()
            )
        );
        assert_eq!(
            status(&two, &[("t.py::a", Passed), ("t.py::b", Failed)], 0, false),
            (Status::InProgress, "1 of its 2 tests passing in run 7".into())
        );
        assert_eq!(
            status(&two, &[("t.py::a", Passed), ("t.py::b", Skipped)], 0, false),
            (Status::Skipped, "1 of its 2 tests skipped in run 7, none fails".into())
        );
        assert_eq!(
            status(&two, &[("t.py::a", Failed), ("t.py::b", Error)], 2, false).0,
            Status::InProgress
        );
        assert_eq!(
            status(&two, &[("t.py::a", Failed), ("t.py::b", Error)], 0, true).0,
            Status::InProgress
        );
        assert_eq!(
            status(&two, &[("t.py::a", Failed)], 0, false),
            (Status::Draft, "1 of its 2 tests not run in run 7".into())
        );
        // A module that failed to collect passes when it collects and all its tests pass.
        let module = ["tests/test_m.py"];
        assert_eq!(
            status(&module, &[("tests/test_m.py", Error)], 0, false).0,
            Status::Draft
        );
        assert_eq!(
            status(
                &module,
                &[("tests/test_m.py::a", Passed), ("tests/test_m.py::b", Failed)],
                0,
                false
            )
            .0,
            Status::Draft
        );
        assert_eq!(
            status(
                &module,
                &[("tests/test_m.py::a", Passed), ("tests/test_m.py::b", Passed)],
                0,
                false
            ),
            (Status::Done, "its test passes in run 7, a whole-suite run".into())
        );
        assert_eq!(
            status(&module, &[("tests/other.py::a", Passed)], 0, false).0,
            Status::Draft
        );
    }
}
