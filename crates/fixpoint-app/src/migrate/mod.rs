//! `fixpoint migrate pydantic`: per module, the full v2 rewrite (FP003) or the
//! `pydantic.v1` namespace (FP007), chosen statically, spread along the
//! imports between model modules, then checked by running the tests.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use fixpoint_core::{FixerCode, Outcome, TestResult};
use fixpoint_fix::engine::fix_files;
use fixpoint_fix::fixers::{ProjectFacts, Target, selected};
use fixpoint_fix::journal::{Journal, Manifest};
use fixpoint_pytest::runner::Observer;

use crate::fix::{FixPlan, apply, undo_entry};

mod repair;
pub mod sqlalchemy;

use crate::paths::selects;
use crate::{AppError, Project, RunRequest};
pub use repair::{GroupRepair, MigrationRepair};

/// `fixpoint migrate pydantic --strategy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Per module: v2 where it only uses API with a v2 equivalent, else the v1 namespace.
    Auto,
    V2,
    V1Namespace,
}

pub const V2: &str = "v2";
pub const V1_NAMESPACE: &str = "v1-namespace";

/// One module's choice and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleChoice {
    pub path: String,
    /// `v2` or `v1-namespace`.
    pub strategy: &'static str,
    pub reason: String,
}

/// What `fixpoint migrate pydantic` chose and would change.
#[derive(Debug, Clone)]
pub struct Migration {
    pub modules: Vec<ModuleChoice>,
    pub plan: FixPlan,
}

/// Whether a module imports Pydantic itself (`import pydantic`, `from pydantic... import`),
/// anywhere in it: a package merely named `pydantic_something` does not count.
fn imports_pydantic(source: &str) -> bool {
    source.lines().any(|line| {
        let line = line.trim_start();
        let rest = line
            .strip_prefix("from pydantic")
            .or_else(|| line.strip_prefix("import pydantic"));
        rest.is_some_and(|rest| rest.starts_with([' ', '.', ',', '\t']) || rest.is_empty())
    })
}

/// The project files a module imports inside its functions and classes (the
/// import graph holds the top-level imports): tests often import the models
/// they use in the test body.
fn nested_imports(facts: &ProjectFacts, source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in source.lines().filter(|line| line.starts_with([' ', '\t'])) {
        let line = line.trim_start();
        let modules: Vec<&str> = if let Some(rest) = line.strip_prefix("from ") {
            rest.split_whitespace().next().into_iter().collect()
        } else if let Some(rest) = line.strip_prefix("import ") {
            rest.split(',')
                .filter_map(|part| part.split_whitespace().next())
                .collect()
        } else {
            Vec::new()
        };
        for module in modules.into_iter().filter(|m| !m.starts_with('.')) {
            if let Some(path) = facts.graph.resolve(&facts.root, module) {
                found.push(path);
            }
        }
    }
    found
}

/// Every project file each file reaches through its imports (itself included).
fn reach(facts: &ProjectFacts, paths: &[&str]) -> HashMap<String, BTreeSet<String>> {
    let sources: HashMap<&str, &str> = facts.sources.iter().map(|(p, s)| (p.as_str(), s.as_str())).collect();
    let mut nested: HashMap<String, Vec<String>> = HashMap::new();
    paths
        .iter()
        .map(|&from| {
            let mut seen: BTreeSet<String> = BTreeSet::new();
            let mut queue = VecDeque::from([from.to_owned()]);
            while let Some(file) = queue.pop_front() {
                if seen.insert(file.clone()) {
                    queue.extend(facts.graph.imports_of(&file).map(str::to_owned));
                    let inner = nested.entry(file.clone()).or_insert_with(|| {
                        sources
                            .get(file.as_str())
                            .map(|source| nested_imports(facts, source))
                            .unwrap_or_default()
                    });
                    queue.extend(inner.iter().cloned());
                }
            }
            (from.to_owned(), seen)
        })
        .collect()
}

/// Whether two modules share models: one reaches the other through imports.
fn linked(reach: &HashMap<String, BTreeSet<String>>, a: &str, b: &str) -> bool {
    reach.get(a).is_some_and(|set| set.contains(b)) || reach.get(b).is_some_and(|set| set.contains(a))
}

/// Whether a module imports one of the project's Pydantic models (a
/// package's `__init__.py` that rebuilds them, a test that calls their
/// methods): on v2 their v1 calls need the rewrite too.
fn imports_project_model(facts: &ProjectFacts, source: &str) -> bool {
    fixpoint_python::summarize(source).is_ok_and(|module| {
        module
            .imports
            .iter()
            .any(|import| import.names.iter().any(|n| facts.pydantic_models.contains(&n.name)))
    })
}

/// Each module's source after the v2 rewrite (FP003), where it changes.
fn rewritten(facts: &ProjectFacts, paths: &[&str], unsafe_fixes: bool) -> HashMap<String, String> {
    let targets: Vec<Target> = paths
        .iter()
        .map(|path| Target {
            code: FixerCode::PydanticV2,
            path: (*path).to_owned(),
            name: String::new(),
        })
        .collect();
    let files: Vec<String> = paths.iter().map(|path| (*path).to_owned()).collect();
    let fixers = selected(&[FixerCode::PydanticV2], &[]);
    fix_files(&files, &fixers, &facts.context(&targets), unsafe_fixes)
        .into_iter()
        // A file the engine could not read or parse is judged as it is.
        .filter(|outcome| outcome.skipped.is_none())
        .map(|outcome| (outcome.path, outcome.fixed))
        .collect()
}

/// The static choice, per module that imports Pydantic or one of the
/// project's models: under `auto`, v2 unless a Pydantic 1 internal is left
/// once FP003 has rewritten the module.
fn choose(facts: &ProjectFacts, paths: &[String], strategy: Strategy, unsafe_fixes: bool) -> Vec<ModuleChoice> {
    let pydantic: Vec<&(String, String)> = facts
        .sources
        .iter()
        .filter(|(path, source)| {
            selects(paths, path) && (imports_pydantic(source) || imports_project_model(facts, source))
        })
        .collect();
    let after_v2 = match strategy {
        Strategy::Auto => {
            let names: Vec<&str> = pydantic.iter().map(|(path, _)| path.as_str()).collect();
            rewritten(facts, &names, unsafe_fixes)
        }
        _ => HashMap::new(),
    };
    let mut modules: Vec<ModuleChoice> = pydantic
        .iter()
        .map(|(path, source)| {
            let source = after_v2.get(path).unwrap_or(source);
            let (strategy, reason) = match (strategy, fixpoint_fix::fixers::needs_v1(source)) {
                (Strategy::V2, _) => (V2, "--strategy v2".to_owned()),
                (Strategy::V1Namespace, _) => (V1_NAMESPACE, "--strategy v1-namespace".to_owned()),
                (Strategy::Auto, Some(marker)) => (
                    V1_NAMESPACE,
                    format!("uses `{marker}`, which fixpoint does not convert to Pydantic 2"),
                ),
                (Strategy::Auto, None) => (V2, "uses only API with a v2 equivalent".to_owned()),
            };
            ModuleChoice {
                path: path.clone(),
                strategy,
                reason,
            }
        })
        .collect();
    if strategy == Strategy::Auto {
        // Models cannot cross between v1 and v2: spread v1 to every Pydantic
        // module that reaches a v1 one through imports, or that one reaches,
        // until nothing changes.
        let names: Vec<&str> = modules.iter().map(|m| m.path.as_str()).collect();
        let reach = reach(facts, &names);
        loop {
            let mut changed = false;
            for index in 0..modules.len() {
                if modules[index].strategy == V1_NAMESPACE {
                    continue;
                }
                let path = modules[index].path.clone();
                let other = modules
                    .iter()
                    .find(|other| other.strategy == V1_NAMESPACE && linked(&reach, &path, &other.path))
                    .map(|other| other.path.clone());
                if let Some(other) = other {
                    modules[index].strategy = V1_NAMESPACE;
                    modules[index].reason = format!("shares models with {other} (on pydantic.v1)");
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }
    modules
}

/// The fixes that carry out a set of choices, from the sources as read;
/// the v2 modules in `exact_json` keep v1's exact `.json()` text.
fn plan_choices(
    project: &Project,
    facts: &ProjectFacts,
    modules: &[ModuleChoice],
    exact_json: &BTreeSet<String>,
    unsafe_fixes: bool,
) -> Result<FixPlan, AppError> {
    let targets: Vec<Target> = modules
        .iter()
        .map(|choice| Target {
            code: if choice.strategy == V2 {
                FixerCode::PydanticV2
            } else {
                FixerCode::PydanticV1Namespace
            },
            path: choice.path.clone(),
            name: if choice.strategy == V2 && exact_json.contains(&choice.path) {
                fixpoint_fix::fixers::EXACT_JSON.to_owned()
            } else {
                String::new()
            },
        })
        .collect();
    let files: Vec<String> = modules.iter().map(|choice| choice.path.clone()).collect();
    let fixers = selected(&[FixerCode::PydanticV2, FixerCode::PydanticV1Namespace], &[]);
    let journal = Journal::new(&project.root);
    Ok(FixPlan {
        run_id: None,
        files: fix_files(&files, &fixers, &facts.context(&targets), unsafe_fixes),
        unfinished: journal.unfinished()?,
    })
}

/// Chooses, per module that uses Pydantic, between the full v2 migration
/// (FP003) and the `pydantic.v1` namespace (FP007). Modules that import one
/// another's models, directly or through other modules, stay on one side: a
/// group with one module that needs v1 goes to v1 whole.
pub fn migrate_pydantic(
    project: &Project,
    paths: &[String],
    strategy: Strategy,
    unsafe_fixes: bool,
) -> Result<Migration, AppError> {
    let paths = &crate::paths::python_selection(project, paths)?;
    let facts = ProjectFacts::read(&project.root);
    let modules = choose(&facts, paths, strategy, unsafe_fixes);
    let plan = plan_choices(project, &facts, &modules, &BTreeSet::new(), unsafe_fixes)?;
    Ok(Migration { modules, plan })
}

/// What `fixpoint migrate pydantic` (`auto`, checked by the tests) was asked for.
pub struct VerifiedRequest<'a> {
    pub paths: &'a [String],
    pub unsafe_fixes: bool,
    /// The interpreter the trials run with (else the usual discovery).
    pub python: Option<PathBuf>,
    /// The command line, for the journal.
    pub command: &'a str,
    /// With `--repair`: the repair loop for the groups v2 makes worse.
    pub repair: Option<MigrationRepair<'a>>,
}

/// How one group of v2 modules fared against the v1 namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupVerdict {
    pub modules: Vec<String>,
    /// The test files the group's modules reach.
    pub tests: Vec<String>,
    /// Tests of those files passing with the group on v2, and on the v1 namespace.
    pub passed_v2: usize,
    pub passed_v1: usize,
    /// Passing on the v1 namespace, failing on v2.
    pub broken_by_v2: Vec<String>,
    pub fell_back: bool,
    /// Judged by the trial that keeps v1's exact `.json()` text (the
    /// idiomatic one broke tests).
    pub exact_json: bool,
    /// What the repair loop did, with `--repair`, for a group v2 made worse.
    pub repair: Option<GroupRepair>,
}

/// What the test-driven check of a migration did.
#[derive(Debug, Clone)]
pub struct Verified {
    pub migration: Migration,
    pub groups: Vec<GroupVerdict>,
    /// Pydantic deprecation warnings the tests raise in modules left on v2.
    pub deprecated: Vec<fixpoint_core::RecordedWarning>,
    /// The journal entry holding the final change (none when nothing changed).
    pub entry: Option<Manifest>,
}

/// The v2 modules in groups that share models (one reaches another), each
/// group sorted, in path order.
fn v2_groups(facts: &ProjectFacts, modules: &[ModuleChoice]) -> Vec<Vec<String>> {
    let names: Vec<&str> = modules
        .iter()
        .filter(|m| m.strategy == V2)
        .map(|m| m.path.as_str())
        .collect();
    let reach = reach(facts, &names);
    let mut group_of: BTreeMap<&str, usize> = BTreeMap::new();
    let mut groups: Vec<Vec<String>> = Vec::new();
    for &name in &names {
        if group_of.contains_key(name) {
            continue;
        }
        let index = groups.len();
        let mut group = vec![name.to_owned()];
        group_of.insert(name, index);
        let mut queue = VecDeque::from([name]);
        while let Some(current) = queue.pop_front() {
            for &other in &names {
                if !group_of.contains_key(other) && linked(&reach, current, other) {
                    group_of.insert(other, index);
                    group.push(other.to_owned());
                    queue.push_back(other);
                }
            }
        }
        group.sort();
        groups.push(group);
    }
    groups
}

fn passed(outcome: Outcome) -> bool {
    matches!(outcome, Outcome::Passed | Outcome::XFailed | Outcome::Flaky)
}

/// The run with its node ids from the project root, as the import graph
/// names the test files: pytest names them from its rootdir, which is a
/// parent directory when the project sits inside another one's pytest
/// configuration.
pub(super) fn from_project_root(project: &Project, mut run: fixpoint_core::Run) -> fixpoint_core::Run {
    let prefix = run
        .info
        .rootdir
        .as_deref()
        .and_then(|rootdir| {
            let root = project.root.canonicalize().ok()?;
            let rootdir = std::path::Path::new(rootdir).canonicalize().ok()?;
            root.strip_prefix(rootdir)
                .ok()
                .map(|inner| inner.to_string_lossy().replace('\\', "/"))
        })
        .filter(|inner| !inner.is_empty())
        .map(|inner| format!("{inner}/"));
    if let Some(prefix) = prefix {
        for test in &mut run.tests {
            if let Some(rest) = test.nodeid.strip_prefix(&prefix) {
                test.nodeid = rest.to_owned();
            }
        }
    }
    run
}

/// Node ids of `run` that belong to one of `files` (a node id, or a module
/// that failed to collect).
fn in_files<'a>(tests: &'a [TestResult], files: &[String]) -> Vec<&'a TestResult> {
    tests
        .iter()
        .filter(|t| {
            let file = t.nodeid.split("::").next().unwrap_or(&t.nodeid);
            files
                .iter()
                .any(|f| f == file || file.starts_with(&format!("{}/", f.trim_end_matches('/'))))
        })
        .collect()
}

/// Applies an `auto` migration and checks it with the tests: the tests the
/// v2 modules reach run once with the migration as chosen and once with
/// those modules on the v1 namespace; a group of modules that share models
/// and whose tests pass less often on v2 falls back to the v1 namespace. Each
/// step goes through the journal (the trial entries end `undone`); the final
/// change is one entry that `fixpoint undo` takes back.
pub fn migrate_verified(
    project: &Project,
    asked: VerifiedRequest<'_>,
    observer: &mut dyn Observer,
    cancel: &AtomicBool,
) -> Result<Verified, AppError> {
    let VerifiedRequest {
        paths,
        unsafe_fixes,
        python,
        command,
        mut repair,
    } = asked;
    let paths = &crate::paths::python_selection(project, paths)?;
    let facts = ProjectFacts::read(&project.root);
    let mut modules = choose(&facts, paths, Strategy::Auto, unsafe_fixes);
    let groups = v2_groups(&facts, &modules);
    let test_files: Vec<&str> = facts
        .sources
        .iter()
        .map(|(path, _)| path.as_str())
        .filter(|path| fixpoint_paths::is_test_module(path))
        .collect();
    let test_reach = reach(&facts, &test_files);
    let group_tests: Vec<Vec<String>> = groups
        .iter()
        .map(|group| {
            let mut tests = facts.graph.affected_tests(group);
            // Tests that import the group's modules inside their functions.
            for (test, reached) in &test_reach {
                if group.iter().any(|module| reached.contains(module)) && !tests.contains(test) {
                    tests.push(test.clone());
                }
            }
            tests.sort();
            tests
        })
        .collect();
    let mut all_tests: Vec<String> = group_tests.iter().flatten().cloned().collect();
    all_tests.sort();
    all_tests.dedup();
    let plan = plan_choices(project, &facts, &modules, &BTreeSet::new(), unsafe_fixes)?;
    if all_tests.is_empty() {
        for module in modules.iter_mut().filter(|m| m.strategy == V2) {
            module.reason.push_str("; no test reaches it");
        }
        let entry = apply(project, &plan, command)?;
        return Ok(Verified {
            migration: Migration { modules, plan },
            groups: Vec::new(),
            deprecated: Vec::new(),
            entry,
        });
    }
    let request = RunRequest {
        paths: all_tests.clone(),
        from_root: true,
        python,
        ..RunRequest::default()
    };
    // A trial that cannot run, or is interrupted, leaves the sources as they were.
    let trial_failed = |error: AppError| {
        AppError::Usage(format!(
            "{error} (nothing was changed; `--no-verify` migrates without running the tests)"
        ))
    };
    let interrupted = || {
        cancel
            .load(std::sync::atomic::Ordering::Relaxed)
            .then(|| AppError::Usage("interrupted: nothing was changed".to_owned()))
    };
    // With the static choice, then with every v2 group on the namespace.
    // A trial writes the plan, runs the tests and takes the plan back, whatever the run did.
    let mut trial = |plan: &FixPlan, label: &str| -> Result<fixpoint_core::Run, AppError> {
        let entry = apply(project, plan, &format!("{command} (trial: {label})"))?;
        let run = crate::run_tests(project, &request, observer, cancel);
        undo_entry(project, entry.as_ref())?;
        let run = from_project_root(project, run.map_err(trial_failed)?);
        match interrupted() {
            Some(error) => Err(error),
            None => Ok(run),
        }
    };
    let on_v2 = trial(&plan, "as chosen")?;
    let all_v1: Vec<ModuleChoice> = modules
        .iter()
        .map(|m| ModuleChoice {
            strategy: V1_NAMESPACE,
            ..m.clone()
        })
        .collect();
    let v1_plan = plan_choices(project, &facts, &all_v1, &BTreeSet::new(), unsafe_fixes)?;
    let on_v1 = trial(&v1_plan, "v1 namespace")?;
    let mut verdicts: Vec<GroupVerdict> = groups
        .into_iter()
        .zip(group_tests)
        .map(|(group, tests)| GroupVerdict::judge(group, tests, &on_v2, &on_v1, false))
        .collect();

    // A group whose v2 rewrite breaks a test and that calls `.json()` gets
    // one more try with v1's exact JSON text, which `model_dump_json()` does
    // not keep; the try stands where it breaks fewer tests.
    let sources: HashMap<&str, &str> = facts.sources.iter().map(|(p, s)| (p.as_str(), s.as_str())).collect();
    let exact: BTreeSet<String> = verdicts
        .iter()
        .filter(|v| {
            !v.broken_by_v2.is_empty()
                && v.modules
                    .iter()
                    .any(|m| sources.get(m.as_str()).is_some_and(|s| s.contains(".json(")))
        })
        .flat_map(|v| v.modules.iter().cloned())
        .collect();
    let mut on_v2_final = on_v2;
    if !exact.is_empty() {
        let exact_plan = plan_choices(project, &facts, &modules, &exact, unsafe_fixes)?;
        let on_exact = trial(&exact_plan, "v2, v1's exact JSON")?;
        for verdict in verdicts
            .iter_mut()
            .filter(|v| v.modules.iter().any(|m| exact.contains(m)))
        {
            let retried = GroupVerdict::judge(verdict.modules.clone(), verdict.tests.clone(), &on_exact, &on_v1, true);
            if retried.broken_by_v2.len() < verdict.broken_by_v2.len() {
                *verdict = retried;
            }
        }
        // The groups the retry did not help are judged by the first run;
        // the warnings come from the run that holds most of the final code.
        if verdicts.iter().any(|v| v.exact_json) {
            on_v2_final = on_exact;
        }
    }
    // With `--repair`, a group still worse on v2 goes through the repair
    // loop before it falls back.
    if let Some(hook) = repair.as_mut() {
        let exact: BTreeSet<String> = verdicts
            .iter()
            .filter(|v| v.exact_json)
            .flat_map(|v| v.modules.iter().cloned())
            .collect();
        let failing: Vec<GroupVerdict> = verdicts.iter().filter(|v| v.worse()).cloned().collect();
        let failing: Vec<&GroupVerdict> = failing.iter().collect();
        for verdict in verdicts.iter_mut().filter(|v| v.worse()) {
            let trials = repair::Trials {
                project,
                facts: &facts,
                modules: &modules,
                failing: &failing,
                exact_json: &exact,
                unsafe_fixes,
                run: &request,
                command,
                on_v1: &on_v1,
            };
            let outcome = repair::repair_group(&trials, verdict, hook, observer, cancel)?;
            if outcome.kept {
                verdict.passed_v2 = outcome.passed;
                verdict.broken_by_v2.clone_from(&outcome.broken);
            }
            verdict.repair = Some(outcome);
        }
    }
    let exact: BTreeSet<String> = verdicts
        .iter()
        .filter(|v| v.exact_json && !v.worse())
        .flat_map(|v| v.modules.iter().cloned())
        .collect();
    for verdict in &mut verdicts {
        verdict.fell_back = verdict.worse();
        for module in modules.iter_mut().filter(|m| verdict.modules.contains(&m.path)) {
            if verdict.tests.is_empty() {
                module.reason.push_str("; no test reaches it");
            } else if verdict.passed_v1 == 0 && verdict.passed_v2 == 0 {
                module
                    .reason
                    .push_str("; not verified: no test that reaches it passes, on v2 or on pydantic.v1");
            } else if verdict.fell_back {
                module.strategy = V1_NAMESPACE;
                module.reason = format!(
                    "v2 broke {} of the {} tests that pass on pydantic.v1 ({} pass on v2); fell back",
                    verdict.broken_by_v2.len(),
                    verdict.passed_v1,
                    verdict.passed_v2,
                );
                if let Some(repair) = &verdict.repair {
                    let _ = write!(
                        module.reason,
                        " after the repair loop fixed {} of them",
                        repair.fixed.len()
                    );
                }
            } else if let Some(repair) = verdict.repair.as_ref().filter(|r| r.kept) {
                module.reason = format!(
                    "{}; v2 after the repair loop fixed {} of the tests v2 broke: {} tests pass on v2, {} on pydantic.v1",
                    module.reason,
                    repair.fixed.len(),
                    verdict.passed_v2,
                    verdict.passed_v1
                );
            } else {
                let json = if verdict.exact_json {
                    ", `.json()` keeps v1's exact text"
                } else {
                    ""
                };
                module.reason = format!(
                    "{}; verified: {} tests pass on v2, {} on pydantic.v1{json}",
                    module.reason, verdict.passed_v2, verdict.passed_v1
                );
            }
        }
    }
    let deprecated = deprecations(&on_v2_final, &mut modules);
    let mut plan = plan_choices(project, &facts, &modules, &exact, unsafe_fixes)?;
    for repair in verdicts.iter().filter_map(|v| v.repair.as_ref()).filter(|r| r.kept) {
        add_repairs(project, &mut plan, &repair.files);
    }
    let entry = apply(project, &plan, command)?;
    Ok(Verified {
        migration: Migration { modules, plan },
        groups: verdicts,
        deprecated,
        entry,
    })
}

/// Puts the files a kept repair left into the final plan: over FP003's
/// output where it changes the file too, else as a change of its own.
fn add_repairs(project: &Project, plan: &mut FixPlan, files: &BTreeMap<String, String>) {
    let note = || fixpoint_fix::engine::Note {
        code: "repair".to_owned(),
        line: 1,
        message: "repaired by the model for Pydantic 2 (migrate pydantic --repair)".to_owned(),
    };
    for (path, text) in files {
        if let Some(file) = plan.files.iter_mut().find(|file| &file.path == path) {
            file.fixed.clone_from(text);
            file.applied.push(note());
        } else {
            let original = std::fs::read_to_string(project.root.join(path)).unwrap_or_default();
            plan.files.push(fixpoint_fix::engine::FileOutcome {
                path: path.clone(),
                original,
                fixed: text.clone(),
                applied: vec![note()],
                left: Vec::new(),
                skipped: None,
            });
        }
    }
}

/// The Pydantic deprecation warnings (`PydanticDeprecatedSince20` and its
/// siblings) that the v2 trial's tests raised in the modules that stay on
/// v2: what still runs on v1 API Pydantic 2 only tolerates. Each such
/// module's reason says so.
fn deprecations(run: &fixpoint_core::Run, modules: &mut [ModuleChoice]) -> Vec<fixpoint_core::RecordedWarning> {
    let found: Vec<fixpoint_core::RecordedWarning> = run
        .warnings
        .iter()
        .filter(|w| {
            w.category.starts_with("pydantic.")
                && w.category.contains("PydanticDeprecatedSince")
                && modules.iter().any(|m| m.strategy == V2 && m.path == w.path)
        })
        .map(|w| fixpoint_core::RecordedWarning {
            // Pydantic ends each one with the same pointer to its guide.
            message: w
                .message
                .split(" Deprecated in Pydantic")
                .next()
                .unwrap_or_default()
                .to_owned(),
            ..w.clone()
        })
        .collect();
    for module in modules.iter_mut().filter(|m| m.strategy == V2) {
        let mine: Vec<&fixpoint_core::RecordedWarning> = found.iter().filter(|w| w.path == module.path).collect();
        if let Some(first) = mine.first() {
            let category = first.category.rsplit('.').next().unwrap_or(&first.category);
            let places = if mine.len() == 1 { "place" } else { "places" };
            let _ = write!(
                module.reason,
                "; its tests still raise {category} at {} {places}",
                mine.len()
            );
        }
    }
    found
}

impl GroupVerdict {
    /// How a group's tests fared in a v2 run against the v1-namespace run.
    fn judge(
        modules: Vec<String>,
        tests: Vec<String>,
        on_v2: &fixpoint_core::Run,
        on_v1: &fixpoint_core::Run,
        exact_json: bool,
    ) -> Self {
        let passing = |run: &fixpoint_core::Run| -> BTreeSet<String> {
            in_files(&run.tests, &tests)
                .into_iter()
                .filter(|t| passed(t.outcome))
                .map(|t| t.nodeid.clone())
                .collect()
        };
        let v1_passing = passing(on_v1);
        let v2_passing = passing(on_v2);
        let broken: Vec<String> = v1_passing.difference(&v2_passing).cloned().collect();
        let fell_back = v2_passing.len() < v1_passing.len();
        GroupVerdict {
            modules,
            tests,
            passed_v2: v2_passing.len(),
            passed_v1: v1_passing.len(),
            broken_by_v2: broken,
            fell_back,
            exact_json,
            repair: None,
        }
    }

    /// Fewer of the group's tests pass on v2 than on the v1 namespace.
    fn worse(&self) -> bool {
        self.passed_v2 < self.passed_v1
    }
}

#[cfg(test)]
mod tests {
    use super::{Strategy, V1_NAMESPACE, V2, choose, imports_pydantic};
    use fixpoint_fix::fixers::ProjectFacts;

    #[test]
    fn v1_spreads_through_packages_and_imports_inside_functions() {
        let sources: Vec<(String, String)> = [
            ("lib/__init__.py", "from lib.model import Base\n"),
            (
                "lib/model.py",
                "from pydantic import BaseModel\nfrom pydantic.typing import display_as_type\n\n\nclass Base(BaseModel):\n    pass\n",
            ),
            (
                "tests/test_basic.py",
                "def test_nested():\n    from pydantic import BaseModel\n    from lib import Base\n",
            ),
            ("other/plain.py", "from pydantic import BaseModel\n"),
            ("other/named.py", "import pydantic_yaml\n"),
        ]
        .iter()
        .map(|(p, s)| ((*p).to_owned(), (*s).to_owned()))
        .collect();
        let facts = ProjectFacts::from_sources(std::path::Path::new("/nonexistent"), sources);
        let modules = choose(&facts, &[], Strategy::Auto, false);
        let got: Vec<(&str, &str)> = modules.iter().map(|m| (m.path.as_str(), m.strategy)).collect();
        assert_eq!(
            got,
            [
                ("lib/__init__.py", V1_NAMESPACE),
                ("lib/model.py", V1_NAMESPACE),
                ("tests/test_basic.py", V1_NAMESPACE),
                ("other/plain.py", V2)
            ]
        );
        assert_eq!(
            modules[1].reason,
            "uses `pydantic.typing`, which fixpoint does not convert to Pydantic 2"
        );
        assert_eq!(modules[0].reason, "shares models with lib/model.py (on pydantic.v1)");
        assert_eq!(modules[2].reason, "shares models with lib/__init__.py (on pydantic.v1)");
    }

    #[test]
    fn only_imports_of_pydantic_itself_count() {
        assert!(imports_pydantic("from pydantic import BaseModel\n"));
        assert!(imports_pydantic("import pydantic\n"));
        assert!(imports_pydantic(
            "try:\n    from pydantic.fields import ModelField\nexcept ImportError: pass\n"
        ));
        assert!(!imports_pydantic("from pydantic_yaml import YamlModel\n"));
        assert!(!imports_pydantic("import pydantic_i18n\n# uses pydantic\n"));
    }
}
