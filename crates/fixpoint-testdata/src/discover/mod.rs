//! Static model discovery: the stack from the project's dependency files, the
//! models from its sources (never imported), and the creation order.

mod django;
mod prisma;
pub(crate) mod pydantic;
pub(crate) mod python;
mod seeders;
mod sqlalchemy;
mod stack;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub use stack::{dependency_files, read_stack};

use crate::model::{BrokenEdge, Framework, ModelGraph, Skipped};
use crate::order;

/// Files that are never model sources: tests, migrations, and what fixpoint generates.
pub fn is_model_source(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    let parts: Vec<&str> = path.split('/').collect();
    !(parts[..parts.len() - 1]
        .iter()
        .any(|dir| matches!(*dir, "tests" | "test" | "migrations" | "alembic" | "versions"))
        || fixpoint_paths::is_test_module(path)
        || fixpoint_paths::is_conftest(path)
        || file == "setup.py"
        || file == "manage.py")
}

/// Discovers the models of the project at `root`.
pub fn discover(root: &Path) -> ModelGraph {
    let sources: Vec<(String, String)> = fixpoint_python::read_project(root)
        .into_iter()
        .filter(|(path, _)| is_model_source(path))
        .collect();
    let mut graph = discover_sources(root, &sources);
    graph.stack = read_stack(root);
    let prisma = root.join("prisma/schema.prisma");
    if let Ok(schema) = std::fs::read_to_string(&prisma) {
        graph.models.extend(prisma::discover("prisma/schema.prisma", &schema));
    } else if prisma.exists() {
        graph.unreadable.push("prisma/schema.prisma".to_owned());
    }
    order::resolve(&mut graph);
    graph
}

/// Discovers the models in these sources (path from the root, text).
pub fn discover_sources(root: &Path, sources: &[(String, String)]) -> ModelGraph {
    let named: Vec<(String, String, String)> = sources
        .iter()
        .map(|(path, source)| {
            let name = fixpoint_python::module_name(root, &root.join(path))
                .unwrap_or_else(|| path.trim_end_matches(".py").replace('/', "."));
            (path.clone(), name, source.clone())
        })
        .collect();
    let (modules, unreadable) = python::parse(named);
    let classes = python::classes(&modules);
    let mut by_name: BTreeMap<&str, &python::Class> = BTreeMap::new();
    for class in &classes {
        by_name.entry(class.name()).or_insert(class);
    }
    let enums = python::enums(&classes, &by_name);
    let (mut sa_models, pending) = sqlalchemy::discover(&classes, &by_name, &enums);
    sqlalchemy::resolve(&mut sa_models, pending);
    let django_models = django::discover(&classes, &by_name, &enums);
    let pydantic_names = fixpoint_python::pydantic_models(sources);
    let pydantic_models = pydantic::discover(&classes, &by_name, &enums, &pydantic_names);

    let mut graph = ModelGraph {
        unreadable,
        ..ModelGraph::default()
    };
    // Two classes of one name, or two models on one table, cannot both be
    // imported and created: the later one is left out, and said why.
    let mut seen_names: BTreeSet<String> = BTreeSet::new();
    let mut tables: BTreeMap<String, String> = BTreeMap::new();
    for model in sa_models.into_iter().chain(django_models).chain(pydantic_models) {
        if !seen_names.insert(model.name.clone()) {
            graph.skipped.push(Skipped {
                model: model.name.clone(),
                path: model.path.clone(),
                reason: format!("a second class named `{}`; only the first is used", model.name),
            });
            continue;
        }
        if model.framework == Framework::Sqlalchemy
            && let Some(table) = &model.table
        {
            if let Some(first) = tables.get(table) {
                graph.skipped.push(Skipped {
                    model: model.name.clone(),
                    path: model.path.clone(),
                    reason: format!(
                        "maps table `{table}`, which `{first}` maps already: importing both fails (`Table '{table}' is already defined`)"
                    ),
                });
                continue;
            }
            tables.insert(table.clone(), model.name.clone());
        }
        graph.models.push(model);
    }
    let named = |framework: Framework| -> BTreeSet<&str> {
        graph
            .models
            .iter()
            .filter(|m| m.framework == framework)
            .map(|m| m.name.as_str())
            .collect()
    };
    graph.seeders = seeders::discover(&modules, &named(Framework::Sqlalchemy), &named(Framework::Django));
    graph.broken_cycles = Vec::<BrokenEdge>::new();
    order::resolve(&mut graph);
    graph
}
