//! The batch fixers, one per file; each file's doc comment is the fixer's
//! user documentation (what it does, why, an example, fix safety).

mod failure;
mod lines;
pub mod marks;
mod missing_import;
mod pydantic_v1_namespace;
mod pydantic_v2;
mod skip_documented;
mod sqlalchemy_extend_existing;
mod stub_missing;
mod type_checking_import;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fixpoint_core::FixerCode;
use fixpoint_python::{ImportGraph, ModuleSummary, SymbolIndex};

use crate::Fix;

pub use failure::FailureView;
pub use missing_import::MissingImport;
pub use pydantic_v1_namespace::{PydanticV1Namespace, needs_v1};
pub use pydantic_v2::PydanticV2;
pub use skip_documented::SkipDocumented;
pub use sqlalchemy_extend_existing::SqlalchemyExtendExisting;
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

    /// Indexes sources already read (see `fixpoint_python::read_project`).
    pub fn from_sources(root: &Path, sources: Vec<(String, String)>) -> Self {
        Self {
            root: root.to_path_buf(),
            symbols: SymbolIndex::from_sources(root, &sources),
            pydantic_models: fixpoint_python::pydantic_models(&sources),
            graph: ImportGraph::build(root, &sources),
            modules: sources
                .iter()
                .filter_map(|(path, _)| Some((fixpoint_python::module_name(root, &root.join(path))?, path.clone())))
                .collect(),
            tables: sqlalchemy_extend_existing::declarative_tables(&sources),
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
