//! `fixpoint testdata`: discover the models, generate factories, the seed
//! script and fixtures through the journal, and verify them by running them.

use std::collections::BTreeSet;
use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use fixpoint_fix::journal::Journal;
use fixpoint_pytest::interpreter;
use fixpoint_testdata::generate::fixtures_in;
use fixpoint_testdata::model::Seeder;
use fixpoint_testdata::{Layout, ModelGraph};
use serde::Serialize;

use crate::{AppError, Project};

/// The journal code of the files `generate` writes.
pub const CODE: &str = "testdata";

/// The model graph of the project.
pub fn discover(project: &Project) -> ModelGraph {
    fixpoint_testdata::discover(&project.root)
}

/// What happened to one generated file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileState {
    Created,
    Updated,
    Unchanged,
    /// Changed by hand outside its CUSTOM blocks: left as it is (`--force` regenerates it).
    Edited,
    /// Not written: the project's interpreter cannot import what it needs.
    HeldBack,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileOutcome {
    pub path: String,
    pub state: FileState,
    /// For an edited file: its lines that regenerating would drop.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct GenerateOptions {
    /// Add the missing dev dependencies to the project's files.
    pub add_deps: bool,
    /// Say what would change, write nothing.
    pub dry_run: bool,
    /// Regenerate files edited by hand outside their CUSTOM blocks too (the
    /// journal keeps the edited text: `fixpoint undo` brings it back).
    pub force: bool,
    /// The interpreter to ask whether the generated code can import (else the one `run` would pick).
    pub python: Option<PathBuf>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GenerateReport {
    pub files: Vec<FileOutcome>,
    /// The journal entry that holds the originals (`fixpoint undo ID`).
    pub journal_id: Option<String>,
    /// Dev dependencies the generated code needs and the project lacks.
    pub missing_dependencies: Vec<String>,
    /// The file they were added to, with `--add-deps`.
    pub dependencies_added_to: Option<String>,
    /// Distributions the generated code imports that the interpreter cannot.
    pub not_importable: Vec<String>,
    /// The interpreter that was asked.
    pub python: Option<String>,
    pub models: usize,
    pub skipped: Vec<fixpoint_testdata::model::Skipped>,
}

impl GenerateReport {
    /// Something was left undone that the user must act on.
    pub fn incomplete(&self) -> bool {
        self.files
            .iter()
            .any(|f| matches!(f.state, FileState::Edited | FileState::HeldBack))
    }
}

/// The modules the generated code imports, and the distributions that provide them.
const GENERATED_CODE_NEEDS: [(&str, &str); 2] = [("factory", "factory-boy"), ("faker", "Faker")];

/// One interpreter start for all of them: it prints the modules that fail to import.
const IMPORT_PROBE: &str =
    "import sys\nfor m in sys.argv[1:]:\n    try:\n        __import__(m)\n    except Exception:\n        print(m)";

/// The distributions the generated code needs that `python` cannot import;
/// `None` when the interpreter does not start (nothing can be said).
pub fn not_importable(project: &Project, python: &Path) -> Option<Vec<&'static str>> {
    let output = Command::new(python)
        .args(["-c", IMPORT_PROBE])
        .args(GENERATED_CODE_NEEDS.iter().map(|(module, _)| module))
        .current_dir(&project.root)
        .output()
        .ok()?;
    let failed = String::from_utf8_lossy(&output.stdout);
    Some(
        GENERATED_CODE_NEEDS
            .iter()
            .filter(|(module, _)| !output.status.success() || failed.lines().any(|line| line == *module))
            .map(|(_, distribution)| *distribution)
            .collect(),
    )
}

/// What to tell a user whose interpreter lacks `missing`: "`subject` needs
/// X, which PY cannot import: install them (the command ...)".
pub fn install_hint(subject: &str, python: &Path, missing: &[impl AsRef<str>]) -> String {
    let names: Vec<&str> = missing.iter().map(AsRef::as_ref).collect();
    let python = python.display();
    let them = if names.len() == 1 { "it" } else { "them" };
    format!(
        "{subject} {}, which {python} cannot import: install {them} (`{python} -m pip install {}`; `fixpoint testdata generate --add-deps` declares {them} in the project)",
        names.join(" and "),
        names.join(" "),
    )
}

/// What to say of a generated file edited by hand outside its CUSTOM blocks.
pub fn edited_note(path: &str, lines: &[usize]) -> String {
    let drops = match lines {
        [] => "regenerating would put back the lines removed".to_owned(),
        [line] => format!("regenerating would drop its line {line}"),
        more => format!(
            "regenerating would drop its lines {}",
            more.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
        ),
    };
    format!("{path} was edited outside its CUSTOM blocks ({drops})")
}

/// One file `generate` would write.
#[derive(Debug, Clone)]
pub struct Planned {
    pub path: String,
    pub new: String,
    pub old: Option<String>,
    /// Changed by hand outside its CUSTOM blocks: the lines `new` would drop.
    pub edited: Option<Vec<usize>>,
}

/// The files `generate` would write for this graph.
pub fn plan(project: &Project, graph: &ModelGraph, layout: &Layout, add_deps: bool) -> Vec<Planned> {
    let read = |path: &str| fs::read_to_string(project.root.join(path)).ok();
    let tests = &layout.tests_dir;
    let factories = read(&format!("{tests}/factories.py"));
    let seed = read(&format!("{tests}/seed.py"));
    let conftest = read(&format!("{tests}/conftest.py"));
    let mut files: Vec<Planned> = fixpoint_testdata::generate(
        graph,
        layout,
        conftest.as_deref(),
        factories.as_deref(),
        seed.as_deref(),
    )
    .into_iter()
    .map(|file| Planned {
        old: read(&file.path),
        path: file.path,
        new: file.content,
        edited: file.edited,
    })
    .collect();
    if add_deps && let Some((path, text)) = fixpoint_testdata::deps::add(&project.root, &graph.stack.missing) {
        files.push(Planned {
            old: read(&path),
            path,
            new: text,
            edited: None,
        });
    }
    files
}

/// Generates the files and writes the changed ones through the journal.
pub fn generate(project: &Project, options: &GenerateOptions, command: &str) -> Result<GenerateReport, AppError> {
    let graph = discover(project);
    if graph.models.is_empty() {
        return Err(AppError::Usage(format!(
            "no models found in {}: fixpoint testdata reads SQLAlchemy, Django and Pydantic models and prisma/schema.prisma",
            project.root.display()
        )));
    }
    if graph
        .models
        .iter()
        .all(|m| m.framework == fixpoint_testdata::model::Framework::Prisma)
    {
        return Err(AppError::Usage(
            "only Prisma models found: `fixpoint testdata discover` reads them, but no Python factories are generated for the Prisma client".to_owned(),
        ));
    }
    let layout = Layout::read(&project.root);
    let files = plan(project, &graph, &layout, options.add_deps);
    // The conftest is what pytest loads first: it is held back while the
    // interpreter cannot import what the generated code needs, so that the
    // suite still starts.
    let python = interpreter::discover(options.python.as_deref(), &project.root, &|key| env::var_os(key))
        .ok()
        .map(|found| found.path);
    let missing = python
        .as_deref()
        .and_then(|python| not_importable(project, python))
        .unwrap_or_default();
    let conftest = format!("{}/conftest.py", layout.tests_dir);
    let mut outcomes = Vec::new();
    let mut changed: Vec<&Planned> = Vec::new();
    for file in &files {
        let (state, lines) = match (&file.old, &file.edited) {
            (Some(old), _) if *old == file.new => (FileState::Unchanged, Vec::new()),
            (Some(_), Some(lines)) if !options.force => (FileState::Edited, lines.clone()),
            _ if file.path == conftest && !missing.is_empty() => (FileState::HeldBack, Vec::new()),
            (None, _) => (FileState::Created, Vec::new()),
            (Some(_), _) => (FileState::Updated, Vec::new()),
        };
        if matches!(state, FileState::Created | FileState::Updated) {
            changed.push(file);
        }
        outcomes.push(FileOutcome {
            path: file.path.clone(),
            state,
            lines,
        });
    }
    let mut journal_id = None;
    if !options.dry_run && !changed.is_empty() {
        let journal = Journal::new(&project.root);
        let mut change = journal.begin(command)?;
        for file in &changed {
            if let Some(parent) = project.root.join(&file.path).parent() {
                fs::create_dir_all(parent)
                    .map_err(|e| AppError::io(format!("could not create {}", parent.display()), e))?;
            }
            change.write(&file.path, file.new.as_bytes(), &[CODE.to_owned()])?;
        }
        let manifest = change.finish()?;
        journal_id = Some(manifest.id);
    }
    let dependencies_added_to = if options.add_deps {
        // The three generated files come first, the dependency file after them.
        files.get(3).map(|file| file.path.clone())
    } else {
        None
    };
    Ok(GenerateReport {
        files: outcomes,
        journal_id,
        missing_dependencies: if dependencies_added_to.is_some() {
            Vec::new()
        } else {
            graph.stack.missing.clone()
        },
        dependencies_added_to,
        not_importable: missing.iter().map(|name| (*name).to_owned()).collect(),
        python: python.map(|p| p.display().to_string()),
        models: graph.models.len(),
        skipped: graph.skipped.clone(),
    })
}

/// One step of `verify`.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub name: String,
    pub ok: bool,
    /// The step's last line of output, or its error (which names the model and field).
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// The database the scenarios ran against (the password hidden).
    pub database: String,
    pub steps: Vec<Step>,
    pub ok: bool,
}

/// Runs the seed scenarios (`minimal`, `--clean`, `edge`, `--clean`) against
/// a real database (a fresh SQLite file unless `db` names one), then the
/// test suite, and reports each step.
pub fn verify(project: &Project, python: Option<&Path>, db: Option<&str>) -> Result<VerifyReport, AppError> {
    let layout = Layout::read(&project.root);
    let seed = format!("{}/seed.py", layout.tests_dir);
    if !project.root.join(&seed).is_file() {
        return Err(AppError::Usage(format!(
            "{seed} does not exist: `fixpoint testdata generate` writes it"
        )));
    }
    let interpreter = interpreter::discover(python, &project.root, &|key| env::var_os(key))?;
    let scratch = tempfile::tempdir().map_err(|e| AppError::io("could not create a temporary directory", e))?;
    let url = match db {
        Some(url) => url.to_owned(),
        None => format!("sqlite:///{}", scratch.path().join("verify.sqlite3").display()),
    };
    let stored = discover(project)
        .models
        .iter()
        .any(|m| m.framework == fixpoint_testdata::model::Framework::Sqlalchemy);
    let mut steps = Vec::new();
    for args in [
        &["--scenario", "minimal"][..],
        &["--clean"][..],
        &["--scenario", "edge"][..],
        &["--clean"][..],
    ] {
        let output = Command::new(&interpreter.path)
            .arg(&seed)
            .args(args)
            .arg("--db")
            .arg(&url)
            .current_dir(&project.root)
            .output()
            .map_err(|e| AppError::io(format!("could not start {}", interpreter.path.display()), e))?;
        let ok = output.status.success();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let detail = if ok {
            last_line(&stdout)
        } else {
            stderr
                .lines()
                .find(|l| l.starts_with("seed: error:"))
                .or_else(|| stderr.lines().rev().find(|l| is_exception_line(l)))
                .map_or_else(|| last_line(&stderr), str::to_owned)
        };
        steps.push(Step {
            name: format!("seed.py {}", args.join(" ")),
            ok,
            detail,
        });
        if !ok {
            break;
        }
    }
    if steps.iter().all(|s| s.ok) {
        // The suite through the runner, as `fixpoint run` runs it: the
        // project's timeouts hold, and a hang or a crash is named.
        let request = crate::RunRequest {
            python: Some(interpreter.path.clone()),
            from_root: true,
            env: db
                .map(|_| vec![("FIXPOINT_TESTDATA_DB".to_owned(), url.clone())])
                .unwrap_or_default(),
            ..crate::RunRequest::default()
        };
        let cancel = std::sync::atomic::AtomicBool::new(false);
        let run = crate::run::run_tests(project, &request, &mut fixpoint_pytest::runner::Silent, &cancel)?;
        let mut detail = run.counts.summary(run.info.duration);
        if let Some(why) = &run.info.interrupted {
            detail = format!("{detail} (interrupted: {why})");
        }
        steps.push(Step {
            name: "pytest".to_owned(),
            ok: run.is_success(),
            detail,
        });
    }
    let ok = steps.iter().all(|s| s.ok);
    Ok(VerifyReport {
        database: if stored {
            hide_password(&url)
        } else {
            "none (no model the seed script stores)".to_owned()
        },
        steps,
        ok,
    })
}

/// `pydantic.errors.PydanticUserError: ...`: the line a Python traceback ends with.
fn is_exception_line(line: &str) -> bool {
    line.split_once(": ").is_some_and(|(name, _)| {
        !name.is_empty()
            && !name.starts_with(' ')
            && name.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '_')
            && (name.ends_with("Error") || name.ends_with("Exception"))
    })
}

fn last_line(text: &str) -> String {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn hide_password(url: &str) -> String {
    if let Some(scheme) = url.find("://")
        && let Some(at) = url[scheme + 3..].find('@')
    {
        let credentials = &url[scheme + 3..scheme + 3 + at];
        if let Some(colon) = credentials.find(':') {
            return format!(
                "{}{}:***{}",
                &url[..scheme + 3],
                &credentials[..colon],
                &url[scheme + 3 + at..]
            );
        }
    }
    url.to_owned()
}

/// The model a missing fixture names, by the fixtures `generate` writes
/// (`campaign`, `campaign_factory`).
pub fn model_for_fixture<'a>(graph: &'a ModelGraph, fixture: &str) -> Option<&'a fixpoint_testdata::model::Model> {
    graph.models.iter().find(|model| {
        matches!(
            model.framework,
            fixpoint_testdata::model::Framework::Sqlalchemy | fixpoint_testdata::model::Framework::Pydantic
        ) && fixpoint_testdata::generate::fixture_names(&model.name)
            .iter()
            .any(|n| n == fixture)
    })
}

/// The path to the project's tests directory, for messages.
pub fn tests_dir(project: &Project) -> PathBuf {
    project.root.join(Layout::read(&project.root).tests_dir)
}

/// `fixture 'campaign_factory' not found` → `campaign_factory`.
fn missing_fixture(test: &fixpoint_core::TestResult) -> Option<String> {
    [test.message.as_deref(), test.longrepr.as_deref()]
        .into_iter()
        .flatten()
        .find_map(|text| {
            let start = text.find("fixture '")? + "fixture '".len();
            let end = text[start..].find("' not found")?;
            Some(text[start..start + end].to_owned())
        })
}

/// The project seeders whose models a failed lookup names: the model its
/// headline names (`ItemNotFound`, `Item matching query does not exist`),
/// else the model names in its traceback (the test's and the project
/// frames' source lines).
fn seeders_for<'g>(graph: &'g ModelGraph, test: &fixpoint_core::TestResult) -> Vec<&'g Seeder> {
    let filling = |text: &str| -> Vec<&'g Seeder> {
        let words: BTreeSet<&str> = text
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .flat_map(|word| {
                let model = ["NotFound", "DoesNotExist", "Missing"]
                    .iter()
                    .find_map(|suffix| word.strip_suffix(suffix));
                [Some(word), model].into_iter().flatten()
            })
            .collect();
        graph
            .seeders
            .iter()
            .filter(|seeder| seeder.models.iter().any(|m| words.contains(m.as_str())))
            .collect()
    };
    let headline = [test.exception_type.as_deref(), test.message.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n");
    let named = filling(&headline);
    if named.is_empty() {
        filling(test.longrepr.as_deref().unwrap_or_default())
    } else {
        named
    }
}

/// FP008 testdata-fixture, from the failures of a run:
/// - every `fixture 'x' not found` whose `x` is a model's generated fixture
///   (`campaign`, `campaign_factory`) gets the factories, seed script and
///   conftest fixtures of that model;
/// - every missing-test-data lookup that found no row of a model one of the
///   project's own seeders fills (`seed_items(session)` filling `Item`) gets
///   the `seeded_<name>` fixture that runs the seeder, and the test gets
///   `@pytest.mark.usefixtures("seeded_<name>")`.
///
/// The generated files cover the wanted models and the models connected to
/// them (keys, relationships, nested models) as the generator writes them;
/// models of other frameworks, and models nothing connects to, are left out,
/// so a broken module elsewhere cannot break the conftest. A factories
/// module generated before keeps its models.
pub fn fixture_outcomes(
    project: &Project,
    tests: &[fixpoint_core::TestResult],
    verdicts: &[fixpoint_triage::Verdict],
) -> Vec<fixpoint_fix::engine::FileOutcome> {
    use fixpoint_fix::engine::{FileOutcome as Outcome, Note};
    let failing = || tests.iter().filter(|t| t.outcome.is_failing());
    let fixtures: BTreeSet<String> = failing().filter_map(missing_fixture).collect();
    let lookups: Vec<&fixpoint_core::TestResult> = failing()
        .filter(|t| {
            // A row lookup: a missing data file is the repair loop's.
            verdicts
                .iter()
                .any(|v| v.nodeid == t.nodeid && v.category == "missing-test-data")
                && fixpoint_triage::catalog::missing_data_path(&fixpoint_triage::Failure::new(t)).is_none()
        })
        .collect();
    if fixtures.is_empty() && lookups.is_empty() {
        return Vec::new();
    }
    let graph = discover(project);
    // (the fixture the conftest gains, what the note says, the models it needs)
    let mut wanted: Vec<(String, String, Vec<String>)> = fixtures
        .iter()
        .filter_map(|fixture| {
            let model = model_for_fixture(&graph, fixture)?;
            Some((
                fixture.clone(),
                format!(
                    "fixture `{fixture}` for the model {}, from tests/factories.py",
                    model.name
                ),
                vec![model.name.clone()],
            ))
        })
        .collect();
    // (test file, test name, fixture, seeder)
    let mut marks: Vec<(String, String, String, &Seeder)> = Vec::new();
    for test in lookups {
        let Some((path, name)) = test.nodeid.split_once("::") else {
            continue;
        };
        let name = name.split('[').next().unwrap_or(name);
        for seeder in seeders_for(&graph, test) {
            let fixture = seeder.fixture.clone();
            if !wanted.iter().any(|(f, ..)| *f == fixture) {
                let note = format!(
                    "fixture `{fixture}`: the project's {}.{} seeds {}",
                    seeder.module,
                    seeder.function,
                    seeder.models.join(", ")
                );
                wanted.push((fixture.clone(), note, seeder.models.clone()));
            }
            marks.push((path.to_owned(), name.to_owned(), fixture, seeder));
        }
    }
    if wanted.is_empty() {
        return Vec::new();
    }
    let layout = Layout::read(&project.root);
    let mut keep: BTreeSet<String> = wanted.iter().flat_map(|(.., models)| models.iter().cloned()).collect();
    if let Ok(existing) = fs::read_to_string(project.root.join(&layout.tests_dir).join("factories.py")) {
        for model in &graph.models {
            if existing.contains(&format!("class {}Factory(", model.name)) {
                keep.insert(model.name.clone());
            }
        }
    }
    let subgraph = connected_subgraph(&graph, keep);
    let models: Vec<&str> = subgraph.models.iter().map(|m| m.name.as_str()).collect();
    let planned = plan(project, &subgraph, &layout, false);
    // The generated files go together: one edited by hand holds them all back.
    let edited: Vec<String> = planned
        .iter()
        .filter(|file| file.old.as_deref() != Some(file.new.as_str()))
        .filter_map(|file| Some(edited_note(&file.path, file.edited.as_deref()?)))
        .collect();
    if !edited.is_empty() {
        let old = planned[0].old.clone().unwrap_or_default();
        return vec![Outcome {
            path: planned[0].path.clone(),
            original: old.clone(),
            fixed: old,
            applied: Vec::new(),
            left: edited
                .into_iter()
                .map(|message| Note {
                    code: fixpoint_core::FixerCode::TestdataFixture.id().to_owned(),
                    line: 1,
                    message: format!(
                        "{message}: FP008 leaves the model fixtures to `fixpoint testdata generate --force`"
                    ),
                })
                .collect(),
            skipped: None,
        }];
    }
    // A fixture is there when the generated conftest defines it or the
    // project's conftest files already do; a test is marked only then.
    let conftest = format!("{}/conftest.py", layout.tests_dir);
    let generated = planned
        .iter()
        .find(|file| file.path == conftest)
        .map(|file| fixtures_in(&file.new))
        .unwrap_or_default();
    let defined = |fixture: &str| generated.contains(fixture) || layout.existing_fixtures.contains(fixture);
    let mut outcomes: Vec<Outcome> = planned
        .into_iter()
        .filter(|file| file.old.as_deref() != Some(file.new.as_str()))
        .map(|Planned { path, new, old, .. }| {
            let applied = if path == conftest {
                wanted
                    .iter()
                    .filter(|(fixture, ..)| generated.contains(fixture))
                    .map(|(_, message, _)| Note {
                        code: fixpoint_core::FixerCode::TestdataFixture.id().to_owned(),
                        line: old.as_deref().map_or(1, |o| o.lines().count() + 1),
                        message: message.clone(),
                    })
                    .collect()
            } else {
                vec![Note {
                    code: fixpoint_core::FixerCode::TestdataFixture.id().to_owned(),
                    line: 1,
                    message: format!("generated for {}", models.join(", ")),
                }]
            };
            Outcome {
                path,
                original: old.unwrap_or_default(),
                fixed: new,
                applied,
                left: Vec::new(),
                skipped: None,
            }
        })
        .collect();
    for (path, name, fixture, seeder) in marks {
        if !defined(&fixture) {
            continue;
        }
        let Ok(original) = fs::read_to_string(project.root.join(&path)) else {
            continue;
        };
        let at = outcomes.iter().position(|o| o.path == path);
        let current = at.map_or(original.as_str(), |i| outcomes[i].fixed.as_str());
        let decorator = format!("pytest.mark.usefixtures(\"{fixture}\")");
        let Some((fixed, line)) =
            fixpoint_fix::fixers::marks::mark_test(current, &name, &decorator, &format!("\"{fixture}\""))
        else {
            continue;
        };
        let note = Note {
            code: fixpoint_core::FixerCode::TestdataFixture.id().to_owned(),
            line,
            message: format!(
                "`{name}` uses `{fixture}`: the {} rows it looks up come from {}.{}",
                seeder.models.join(", "),
                seeder.module,
                seeder.function
            ),
        };
        match at {
            Some(i) => {
                outcomes[i].fixed = fixed;
                outcomes[i].applied.push(note);
            }
            None => outcomes.push(Outcome {
                path,
                original,
                fixed,
                applied: vec![note],
                left: Vec::new(),
                skipped: None,
            }),
        }
    }
    outcomes
}

/// The models in `keep` and every model of the same framework connected to
/// them (keys, relationships, nested models), with the seeders of those
/// models, in creation order.
fn connected_subgraph(graph: &ModelGraph, mut keep: BTreeSet<String>) -> ModelGraph {
    loop {
        let before = keep.len();
        for model in &graph.models {
            let linked: Vec<&str> = model
                .relationships
                .iter()
                .map(|r| r.target.as_str())
                .chain(
                    model
                        .fields
                        .iter()
                        .filter_map(|f| f.foreign_key.as_ref().and_then(|fk| fk.model.as_deref())),
                )
                .chain(model.fields.iter().filter_map(|f| f.target.as_deref()))
                .collect();
            let same = |name: &str| {
                graph
                    .model(name)
                    .is_some_and(|other| other.framework == model.framework)
            };
            if keep.contains(&model.name) {
                for name in linked.into_iter().filter(|n| same(n)) {
                    keep.insert(name.to_owned());
                }
            } else if linked.iter().any(|n| keep.contains(*n) && same(n)) {
                keep.insert(model.name.clone());
            }
        }
        if keep.len() == before {
            break;
        }
    }
    let mut subgraph = graph.clone();
    subgraph.models.retain(|m| keep.contains(&m.name));
    subgraph.order.retain(|m| keep.contains(m));
    subgraph.broken_cycles.retain(|b| keep.contains(&b.model));
    subgraph.seeders.retain(|s| s.models.iter().all(|m| keep.contains(m)));
    subgraph
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_passwords() {
        assert_eq!(hide_password("postgres://u:pw@h:5/db"), "postgres://u:***@h:5/db");
        assert_eq!(hide_password("sqlite:///x.db"), "sqlite:///x.db");
    }
}
