//! The batch-fix use cases: plan the fixes the latest triage calls for,
//! write them through the journal, undo them.

use fixpoint_core::{FixerCode, TestResult};
use fixpoint_fix::engine::{FileOutcome, fix_files};
use fixpoint_fix::fixers::{ProjectFacts, Target, selected};
use fixpoint_fix::journal::{Journal, Manifest};
use fixpoint_store::Store;
use fixpoint_triage::traceback::{frames, innermost_project_frame, is_project_path};

use crate::history::resolve_run;

mod verify;
use crate::{AppError, Project};
pub use verify::{TakenBack, Verification, apply_verified};

/// What `fixpoint fix` was asked for.
#[derive(Debug, Clone, Default)]
pub struct FixRequest {
    /// Only files under these paths (relative to the project root).
    pub paths: Vec<String>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub unsafe_fixes: bool,
    /// Apply each fixer wherever its pattern occurs, not only where the
    /// latest run's failures point.
    pub all: bool,
}

/// The fixes planned for the latest run, file by file.
#[derive(Debug, Clone)]
pub struct FixPlan {
    /// The run whose failures the plan answers (none for `--all` without a history).
    pub run_id: Option<i64>,
    pub files: Vec<FileOutcome>,
    /// Journal entries of earlier fix runs that never finished.
    pub unfinished: Vec<Manifest>,
}

impl FixPlan {
    pub fn changed(&self) -> impl Iterator<Item = &FileOutcome> {
        self.files.iter().filter(|file| file.changed())
    }
}

/// A `--select`/`--ignore` list as fixers; an entry that names none is a
/// usage error that lists them.
pub fn parse_fixer_list(list: &[String]) -> Result<Vec<FixerCode>, AppError> {
    fixpoint_core::fixer::parse_fixers(list, |_| true).map_err(|entry| {
        AppError::Usage(format!(
            "unknown fixer `{entry}` (known: {})",
            fixpoint_core::fixer::fixer_list(|_| true)
        ))
    })
}

/// `NameError: name 'Decimal' is not defined` → `Decimal`.
fn undefined_name(text: &str) -> Option<&str> {
    let rest = &text[text.find("name '")? + 6..];
    let name = &rest[..rest.find('\'')?];
    rest[name.len()..].starts_with("' is not defined").then_some(name)
}

/// The file a failure was raised in, if it is the project's.
fn raised_in(test: &TestResult) -> Option<String> {
    if let Some(crash) = test.crash.as_ref().filter(|crash| is_project_path(&crash.path)) {
        return Some(crash.path.clone());
    }
    innermost_project_frame(&frames(test.longrepr.as_deref().unwrap_or_default())).map(|frame| frame.path.clone())
}

/// `cannot import name 'X' from 'M'` and `module 'M' has no attribute 'X'` → (X, M).
fn missing_from_module(text: &str) -> Option<(&str, &str)> {
    let quoted = |rest: &str| -> Option<(usize, usize)> {
        let start = rest.find('\'')? + 1;
        let end = start + rest[start..].find('\'')?;
        Some((start, end))
    };
    if let Some(at) = text.find("cannot import name '") {
        let rest = &text[at + "cannot import name ".len()..];
        let (a, b) = quoted(rest)?;
        let after = &rest[b + 1..];
        let from = after.strip_prefix(" from ")?;
        let (c, d) = quoted(from)?;
        return Some((&rest[a..b], &from[c..d]));
    }
    let at = text.find("module '")?;
    let rest = &text[at + "module ".len()..];
    let (a, b) = quoted(rest)?;
    let after = rest[b + 1..].strip_prefix(" has no attribute ")?;
    let (c, d) = quoted(after)?;
    Some((&after[c..d], &rest[a..b]))
}

/// The project file of a dotted module name, if the project has it.
fn module_file(project: &Project, module: &str) -> Option<String> {
    let base = module.replace('.', "/");
    ["", "src/"]
        .iter()
        .flat_map(|prefix| [format!("{prefix}{base}.py"), format!("{prefix}{base}/__init__.py")])
        .find(|candidate| project.root.join(candidate).is_file())
}

/// Files a Pydantic failure implicates: its project frames, and where the
/// models it names are defined.
fn pydantic_files(
    test: &TestResult,
    sources: &[(String, String)],
    models: &std::collections::BTreeSet<String>,
) -> Vec<String> {
    let longrepr = test.longrepr.as_deref().unwrap_or_default();
    let mut files: Vec<String> = frames(longrepr)
        .into_iter()
        .filter(fixpoint_triage::traceback::Frame::is_project)
        .map(|f| f.path)
        .collect();
    files.extend(
        test.crash
            .iter()
            .filter(|c| is_project_path(&c.path))
            .map(|c| c.path.clone()),
    );
    let named: Vec<&str> = longrepr
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| models.contains(*word))
        .collect();
    for (path, source) in sources {
        if named.iter().any(|model| source.contains(&format!("class {model}("))) {
            files.push(path.clone());
        }
    }
    files.sort();
    files.dedup();
    files
}

/// What the failures of a run point the fixers at.
fn targets(
    project: &Project,
    tests: &[TestResult],
    facts: &ProjectFacts,
    triage: &fixpoint_triage::Triage,
) -> Vec<Target> {
    let mut targets: Vec<Target> = Vec::new();
    let mut add = |target: Target| {
        if !targets.contains(&target) {
            targets.push(target);
        }
    };
    // FP006 marks what still fails for a known pattern, naming the pattern.
    let categories: std::collections::HashMap<&str, &str> = triage
        .verdicts
        .iter()
        .map(|verdict| (verdict.nodeid.as_str(), verdict.category))
        .collect();
    for verdict in &triage.verdicts {
        let Some((path, function)) = verdict.nodeid.split_once("::") else {
            continue;
        };
        let function = function.split('[').next().unwrap_or(function);
        add(Target {
            code: FixerCode::SkipDocumented,
            path: path.to_owned(),
            name: format!(
                "{function}|{} (pattern {}; {})",
                verdict.category,
                verdict.pattern,
                fixpoint_core::category_docs_url(verdict.category)
            ),
        });
    }
    for test in tests.iter().filter(|t| t.outcome.is_failing()) {
        let messages: Vec<&str> = [test.message.as_deref(), test.crash.as_ref().map(|c| c.message.as_str())]
            .into_iter()
            .flatten()
            .collect();
        let category = categories.get(test.nodeid.as_str()).copied().unwrap_or_default();
        if category == "sqlalchemy-table-redefined" {
            let table = messages.iter().find_map(|m| {
                let rest = &m[m.find("Table '")? + 7..];
                Some(rest[..rest.find('\'')?].to_owned())
            });
            let longrepr = test.longrepr.as_deref().unwrap_or_default();
            for frame in frames(longrepr)
                .into_iter()
                .filter(fixpoint_triage::traceback::Frame::is_project)
            {
                if let Some(table) = &table {
                    add(Target {
                        code: FixerCode::SqlalchemyExtendExisting,
                        path: frame.path,
                        name: table.clone(),
                    });
                }
            }
        }
        if category == "circular-import" {
            for frame in frames(test.longrepr.as_deref().unwrap_or_default())
                .into_iter()
                .filter(fixpoint_triage::traceback::Frame::is_project)
            {
                add(Target {
                    code: FixerCode::TypeCheckingImport,
                    path: frame.path,
                    name: String::new(),
                });
            }
        }
        if category.starts_with("pydantic-") {
            for path in pydantic_files(test, &facts.sources, &facts.pydantic_models) {
                add(Target {
                    code: FixerCode::PydanticV2,
                    path,
                    name: String::new(),
                });
            }
        }
        if let (Some(name), Some(path)) = (messages.iter().find_map(|t| undefined_name(t)), raised_in(test)) {
            add(Target {
                code: FixerCode::MissingImport,
                path,
                name: name.to_owned(),
            });
        }
        let Some((name, module)) = messages.iter().find_map(|t| missing_from_module(t)) else {
            continue;
        };
        let Some(path) = module_file(project, module) else {
            continue;
        };
        add(Target {
            code: FixerCode::StubMissing,
            path: path.clone(),
            name: name.to_owned(),
        });
        // The same import may ask the module for more names it lacks.
        let importer = std::fs::read_to_string(project.root.join(&test.path)).unwrap_or_default();
        let provider = std::fs::read_to_string(project.root.join(&path)).unwrap_or_default();
        let (Ok(importer), Ok(provider)) = (
            fixpoint_python::summarize(&importer),
            fixpoint_python::summarize(&provider),
        ) else {
            continue;
        };
        if let Some(import) = importer.from_import(module) {
            for wanted in import.names.iter().filter(|n| !provider.binds(&n.name)) {
                add(Target {
                    code: FixerCode::StubMissing,
                    path: path.clone(),
                    name: wanted.name.clone(),
                });
            }
        }
    }
    targets
}

/// Plans the fixes for a recorded run (default: the latest).
pub fn plan(
    store: &mut dyn Store,
    project: &Project,
    request: &FixRequest,
    run: Option<&str>,
) -> Result<FixPlan, AppError> {
    let paths = crate::paths::python_selection(project, &request.paths)?;
    let (select, ignore) = (parse_fixer_list(&request.select)?, parse_fixer_list(&request.ignore)?);
    let facts = ProjectFacts::read(&project.root);
    let run = match (run, request.all) {
        (Some(reference), _) => Some(resolve_run(store, reference)?),
        (None, false) => Some(resolve_run(store, "latest")?),
        // --all needs no failures; it still answers the latest run when there is one.
        (None, true) => store.runs(1)?.into_iter().next(),
    };
    let tests: Vec<TestResult> = match &run {
        Some(run) => store.results(run.id)?.into_iter().map(TestResult::from).collect(),
        None => Vec::new(),
    };
    let triage = fixpoint_triage::triage(&tests, &fixpoint_triage::ProjectIndex::from_sources(&facts.sources));
    let mut targets = targets(project, &tests, &facts, &triage);
    if request.all {
        // Every Python file, for every fixer: an empty name means "the whole file".
        for (path, _) in &facts.sources {
            for code in fixpoint_core::fixer::check_rules() {
                targets.push(Target {
                    code,
                    path: path.clone(),
                    name: String::new(),
                });
            }
        }
    }
    let mut files: Vec<String> = targets
        .iter()
        .map(|t| t.path.clone())
        .filter(|path| crate::paths::selects(&paths, path))
        .collect();
    files.sort();
    files.dedup();
    let chosen = fixpoint_core::fixer::selected_fixers(&select, &ignore);
    if chosen.is_empty() {
        return Err(AppError::Usage(format!(
            "--ignore leaves no fixer to run (--select {})",
            request.select.join(",")
        )));
    }
    let fixers = selected(&select, &ignore);
    let testdata = chosen.contains(&FixerCode::TestdataFixture);
    let journal = Journal::new(&project.root);
    let mut files = fix_files(&files, &fixers, &facts.context(&targets), request.unsafe_fixes);
    if testdata {
        // FP008: fixtures of model data, written by the test-data generator.
        // Its files go together (a marked test needs the conftest fixture, the
        // conftest the factories), so they wait for the next `fix` when one of
        // them is outside the PATHS or another fixer changes it in this run.
        let mut outcomes = crate::testdata::fixture_outcomes(project, &tests, &triage.verdicts);
        if !outcomes.is_empty()
            && let Some(left) = generated_code_cannot_import(project, run.as_ref())
        {
            outcomes = vec![left];
        }
        let blocked = outcomes.iter().any(|outcome| {
            !crate::paths::selects(&paths, &outcome.path) || files.iter().any(|f| f.path == outcome.path && f.changed())
        });
        if !blocked {
            for outcome in outcomes {
                files.retain(|f| f.path != outcome.path);
                files.push(outcome);
            }
        }
    }
    Ok(FixPlan {
        run_id: run.map(|run| run.id),
        files,
        unfinished: journal.unfinished().map_err(|e| AppError::Usage(e.to_string()))?,
    })
}

/// Writes a plan's changes through the journal; returns the entry (none
/// when nothing changed).
pub fn apply(project: &Project, plan: &FixPlan, command: &str) -> Result<Option<Manifest>, AppError> {
    if plan.changed().next().is_none() {
        return Ok(None);
    }
    let journal = Journal::new(&project.root);
    let mut change = journal.begin(command).map_err(|e| AppError::Usage(e.to_string()))?;
    for file in plan.changed() {
        let mut codes: Vec<String> = file.applied.iter().map(|note| note.code.clone()).collect();
        codes.dedup();
        change
            .write(&file.path, file.fixed.as_bytes(), &codes)
            .map_err(|e| AppError::Usage(e.to_string()))?;
    }
    Ok(Some(change.finish().map_err(|e| AppError::Usage(e.to_string()))?))
}

/// When the project's interpreter (the run's, else the one `run` would pick)
/// cannot import what FP008's fixtures need, the note that leaves them, on
/// `tests/conftest.py`: writing them would stop the suite from starting.
fn generated_code_cannot_import(project: &Project, run: Option<&fixpoint_store::RunRow>) -> Option<FileOutcome> {
    let python = match run.and_then(recorded_python) {
        Some(python) => python,
        None => {
            fixpoint_pytest::interpreter::discover(None, &project.root, &|key| std::env::var_os(key))
                .ok()?
                .path
        }
    };
    let missing = crate::testdata::not_importable(project, &python)?;
    if missing.is_empty() {
        return None;
    }
    let message = format!(
        "{} and run `fixpoint fix` again",
        crate::testdata::install_hint("the model fixtures need", &python, &missing)
    );
    // A note only: the same (empty) text before and after changes nothing.
    Some(FileOutcome {
        path: "tests/conftest.py".to_owned(),
        original: String::new(),
        fixed: String::new(),
        applied: Vec::new(),
        left: vec![fixpoint_fix::engine::Note {
            code: FixerCode::TestdataFixture.id().to_owned(),
            line: 1,
            message,
        }],
        skipped: None,
    })
}

/// The interpreter a recorded run used, while it still exists: what `fix`
/// checks and verifies with when no `--python` is given.
pub(crate) fn recorded_python(run: &fixpoint_store::RunRow) -> Option<std::path::PathBuf> {
    run.python
        .as_deref()
        .map(std::path::PathBuf::from)
        .filter(|python| python.is_file())
}

/// Takes back one entry `apply` wrote (a trial, or a change the tests refused).
pub(crate) fn undo_entry(project: &Project, entry: Option<&Manifest>) -> Result<(), AppError> {
    if let Some(entry) = entry {
        Journal::new(&project.root).undo(Some(&entry.id), false)?;
    }
    Ok(())
}

pub fn undo(project: &Project, id: Option<&str>, force: bool) -> Result<Manifest, AppError> {
    Ok(Journal::new(&project.root).undo(id, force)?)
}

/// `fixpoint journal --verify`: the whole chain and every backup checked.
pub fn verify_journal(project: &Project) -> Result<fixpoint_fix::journal::Verified, AppError> {
    Ok(Journal::new(&project.root).verify()?)
}

pub fn journal(project: &Project) -> Result<Vec<Manifest>, AppError> {
    Journal::new(&project.root)
        .entries()
        .map_err(|e| AppError::Usage(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::undefined_name;

    /// Every fixer of the registry has exactly one implementation: in
    /// `fixpoint-fix`, or (FP008) in this crate's `testdata`.
    #[test]
    fn every_fixer_of_the_registry_is_implemented_once() {
        use fixpoint_core::FixerCode;
        let implemented: Vec<FixerCode> = fixpoint_fix::fixers::FIXERS
            .iter()
            .map(|fixer| fixer.code())
            .chain([FixerCode::TestdataFixture])
            .collect();
        let mut distinct = implemented.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), implemented.len(), "{implemented:?}");
        assert_eq!(distinct, FixerCode::all().collect::<Vec<_>>());
    }

    #[test]
    fn reads_what_a_module_lacks() {
        use super::missing_from_module;
        assert_eq!(
            missing_from_module("ImportError: cannot import name 'split_coins' from 'app.loot' (/x/app/loot.py)"),
            Some(("split_coins", "app.loot"))
        );
        assert_eq!(
            missing_from_module("AttributeError: module 'app.characters' has no attribute 'long_rest'"),
            Some(("long_rest", "app.characters"))
        );
        assert_eq!(
            missing_from_module("AttributeError: 'Foo' object has no attribute 'x'"),
            None
        );
    }

    #[test]
    fn reads_the_name_of_a_name_error() {
        assert_eq!(
            undefined_name("NameError: name 'Decimal' is not defined"),
            Some("Decimal")
        );
        assert_eq!(
            undefined_name("NameError: name 'x' is not defined. Did you mean: 'y'?"),
            Some("x")
        );
        assert_eq!(undefined_name("KeyError: 'name'"), None);
    }
}
