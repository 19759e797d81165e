//! `fixpoint testdata`: discover the models, generate factories, the seed
//! script and fixtures through the journal, and verify them by running them.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use fixpoint_fix::journal::Journal;
use fixpoint_pytest::interpreter;
use fixpoint_testdata::{Layout, ModelGraph};
use serde::Serialize;

use crate::{AppError, Project};

mod fixture;
mod verify;

pub use fixture::{fixture_outcomes, model_for_fixture, tests_dir};
pub use verify::{Step, VerifyReport, verify};

/// The journal code of the files `generate` writes.
pub const CODE: &str = "testdata";

/// The model graph of the project, with the project's decisions
/// (`.workflow/`) applied.
pub fn discover(project: &Project) -> ModelGraph {
    decided(project).0
}

/// What the project's decisions did to its models.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Decisions {
    pub applied: Vec<fixpoint_testdata::decisions::Applied>,
    /// Sections that are not a decision fixpoint reads.
    pub unread: Vec<fixpoint_testdata::decisions::Unread>,
}

/// The model graph with the decisions of `.workflow/decisions.md`,
/// `constraints.md`, `domain-knowledge.md` and `domain-library/*.md`
/// applied (read through the path policy), and what each did.
pub fn decided(project: &Project) -> (ModelGraph, Decisions) {
    use fixpoint_testdata::decisions;
    let mut graph = fixpoint_testdata::discover(&project.root);
    let mut names: Vec<String> = decisions::FILES.iter().map(|name| (*name).to_owned()).collect();
    let library = format!("{}/domain-library", crate::workflow::WORKFLOW_DIR);
    if let Ok(policy) = crate::paths::policy(project)
        && let Ok(dir) = policy.readable(&library)
        && let Ok(entries) = fs::read_dir(dir)
    {
        let mut more: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|name| {
                std::path::Path::new(name)
                    .extension()
                    .is_some_and(|ext| ext.eq_ignore_ascii_case("md"))
            })
            .map(|name| format!("domain-library/{name}"))
            .collect();
        more.sort();
        names.extend(more);
    }
    let mut all = Vec::new();
    let mut report = Decisions::default();
    for name in names {
        let path = format!("{}/{name}", crate::workflow::WORKFLOW_DIR);
        match crate::workflow::read_file(project, &path) {
            Ok(Some(text)) => {
                let (found, unread) = decisions::parse(&name, &text);
                all.extend(found);
                report.unread.extend(unread);
            }
            Ok(None) => {}
            Err(error) => report.unread.push(decisions::Unread {
                source: name,
                reason: error.to_string(),
            }),
        }
    }
    report.applied = decisions::apply(&mut graph, &all);
    (graph, report)
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
pub struct GeneratedFile {
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
    pub files: Vec<GeneratedFile>,
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
    /// The project's decisions (`.workflow/`) and what each did.
    pub decisions: Decisions,
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
    let (graph, decisions) = decided(project);
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
        outcomes.push(GeneratedFile {
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
        decisions,
    })
}
