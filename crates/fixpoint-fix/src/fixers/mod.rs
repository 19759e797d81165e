//! The batch fixers, one per file (or one directory, its `mod.rs` the
//! fixer's face: FP003's `pydantic_v2/`); that doc comment is the fixer's
//! user documentation (what it does, why, an example, fix safety).

mod failure;
mod lines;
pub mod marks;
mod missing_import;
mod pydantic_v1_namespace;
mod pydantic_v2;
mod skip_documented;
mod sqlalchemy_extend_existing;
mod sqlalchemy_v2;
mod statements;
mod stub_missing;
mod type_checking_import;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fixpoint_core::FixerCode;
use fixpoint_python::{Definitions, FileImports, ImportGraph, ModelClasses, ModuleSummary, SymbolIndex};
use rayon::prelude::*;

use crate::Fix;

pub use failure::FailureView;
pub use missing_import::MissingImport;
pub use pydantic_v1_namespace::{PydanticV1Namespace, needs_v1};
pub use pydantic_v2::{EXACT_JSON, PydanticV2};
pub use skip_documented::SkipDocumented;
pub use sqlalchemy_extend_existing::SqlalchemyExtendExisting;
pub use sqlalchemy_v2::SqlalchemyV2;
pub use stub_missing::StubMissing;
pub use type_checking_import::TypeCheckingImport;

/// What the latest triage points a fixer at: a name in a file (the name a
/// `NameError` says is not defined, the table a model defines twice, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The fixer this target is for.
    pub code: FixerCode,
    /// The file, relative to the project root.
    pub path: String,
    pub name: String,
}

/// What every fixer can look at.
pub struct FixContext<'a> {
    pub root: &'a Path,
    pub symbols: &'a SymbolIndex,
    pub targets: &'a [Target],
    /// The project's Python files (path relative to the root, source), code
    /// and tests: where call sites are looked for.
    pub sources: &'a [(String, String)],
    /// The project's Pydantic model class names (see `fixpoint_python::pydantic_models`).
    pub pydantic_models: &'a BTreeSet<String>,
    /// The project's import graph.
    pub graph: &'a ImportGraph,
    /// The dotted name of every project module, with its path.
    pub modules: &'a [(String, String)],
    /// Declarative tables: `__tablename__` → (class, path) of each class that maps it.
    pub tables: &'a BTreeMap<String, Vec<(String, String)>>,
}

/// The project-wide facts the fixers look at, worked out once from the
/// project's sources and shared by every fixer and every pass.
#[derive(Debug)]
pub struct ProjectFacts {
    pub root: PathBuf,
    /// (path from the root, source) of every Python file, code and tests.
    pub sources: Vec<(String, String)>,
    pub symbols: SymbolIndex,
    pub pydantic_models: BTreeSet<String>,
    pub graph: ImportGraph,
    pub modules: Vec<(String, String)>,
    pub tables: BTreeMap<String, Vec<(String, String)>>,
}

impl ProjectFacts {
    /// Reads every Python file under `root` and indexes it.
    pub fn read(root: &Path) -> Self {
        Self::from_sources(root, fixpoint_python::read_project(root))
    }

    /// Indexes sources already read (see `fixpoint_python::read_project`):
    /// each file is parsed once, in parallel, for every index; the indexes
    /// are then put together in the order of the sources.
    pub fn from_sources(root: &Path, sources: Vec<(String, String)>) -> Self {
        /// What the indexes take from one file.
        struct FileFacts {
            definitions: Option<Definitions>,
            imports: FileImports,
            models: ModelClasses,
            tables: Vec<(String, String)>,
        }
        /// A project module: (dotted name, path).
        type Module = (String, String);
        let files: BTreeSet<&str> = sources.iter().map(|(path, _)| path.as_str()).collect();
        let (facts, modules): (Vec<Option<FileFacts>>, Vec<Option<Module>>) = sources
            .par_iter()
            .map(|(path, source)| {
                let module = fixpoint_python::module_name(root, &root.join(path)).map(|name| (name, path.clone()));
                let facts = fixpoint_python::parse(source).ok().map(|parsed| {
                    let summary = fixpoint_python::summarize_suite(source, &parsed.body);
                    FileFacts {
                        definitions: Definitions::of(root, path, &summary),
                        imports: FileImports::of(root, &files, path, &summary),
                        models: ModelClasses::of(source, &parsed.body),
                        tables: sqlalchemy_extend_existing::tables_in(source, &parsed.body),
                    }
                });
                (facts, module)
            })
            .unzip();
        let mut tables: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        let mut models = Vec::new();
        let mut definitions = Vec::new();
        let mut imports = Vec::new();
        for ((path, _), file) in sources.iter().zip(facts) {
            // A file that does not parse is in no index (but is a module).
            let Some(file) = file else { continue };
            for (table, class) in file.tables {
                tables.entry(table).or_default().push((class, path.clone()));
            }
            models.push(file.models);
            definitions.extend(file.definitions);
            imports.push(file.imports);
        }
        Self {
            root: root.to_path_buf(),
            symbols: SymbolIndex::from_definitions(definitions),
            pydantic_models: fixpoint_python::pydantic_models_of(&models),
            graph: ImportGraph::from_files(imports),
            modules: modules.into_iter().flatten().collect(),
            tables,
            sources,
        }
    }

    /// The fixers' view of these facts, pointed at `targets`.
    pub fn context<'a>(&'a self, targets: &'a [Target]) -> FixContext<'a> {
        FixContext {
            root: &self.root,
            symbols: &self.symbols,
            targets,
            sources: &self.sources,
            pydantic_models: &self.pydantic_models,
            graph: &self.graph,
            modules: &self.modules,
            tables: &self.tables,
        }
    }
}

/// A batch fix: finds the places it applies to in one file and says how to
/// change them. It must be idempotent: on its own output it finds nothing.
/// Its code, name, safety and opt-in are its row of the registry
/// (`fixpoint_core::fixer::FIXERS`).
pub trait Fixer: Sync {
    fn code(&self) -> FixerCode;
    /// The fixes for the file at `path`. Under the engine (`fix_files`),
    /// `context.targets` holds only the targets that point at `path`, and
    /// `module` carries the file's syntax tree (`ModuleSummary::suite`): read
    /// it rather than parsing `source` again.
    fn fixes(&self, path: &str, source: &str, module: &ModuleSummary, context: &FixContext<'_>) -> Vec<Fix>;
    /// Where a failing test points this fixer. None by default: such a
    /// fixer acts on whole files only, under `fix --all` and `check`.
    fn targets(&self, _failure: &FailureView<'_>, _facts: &ProjectFacts) -> Vec<Target> {
        Vec::new()
    }
}

/// What these failures point every fixer at, each target once, in the
/// order the fixers and failures give them.
pub fn failure_targets(failures: &[FailureView<'_>], facts: &ProjectFacts) -> Vec<Target> {
    let mut targets: Vec<Target> = Vec::new();
    for fixer in FIXERS {
        for failure in failures {
            for target in fixer.targets(failure, facts) {
                if !targets.contains(&target) {
                    targets.push(target);
                }
            }
        }
    }
    targets
}

/// Every fixer, in code order.
pub static FIXERS: &[&dyn Fixer] = &[
    &SqlalchemyExtendExisting,
    &MissingImport,
    &PydanticV2,
    &StubMissing,
    &TypeCheckingImport,
    &SkipDocumented,
    &PydanticV1Namespace,
    &SqlalchemyV2,
];

/// The fixers a `--select`/`--ignore` pair picks (see
/// `fixpoint_core::fixer::selected_fixers`) that are implemented here: FP008
/// lives in `fixpoint-app`, beside the test data it writes.
pub fn selected(select: &[FixerCode], ignore: &[FixerCode]) -> Vec<&'static dyn Fixer> {
    let codes = fixpoint_core::fixer::selected_fixers(select, ignore);
    FIXERS
        .iter()
        .filter(|fixer| codes.contains(&fixer.code()))
        .copied()
        .collect()
}
