//! FP008 testdata-fixture: which failures missing test data explain, and
//! the generated files that answer them.

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use fixpoint_testdata::generate::fixtures_in;
use fixpoint_testdata::model::Seeder;
use fixpoint_testdata::{Layout, ModelGraph};

use super::{Planned, discover, edited_note, plan};
use crate::Project;

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
