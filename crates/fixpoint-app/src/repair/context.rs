//! What the model is shown of a failing test: its failure, trimmed to the
//! project's frames, and the files around it.

use std::collections::BTreeSet;
use std::path::Path;

use fixpoint_core::TestResult;
use fixpoint_repair::prompt::{Relevance, SourceFile};
use fixpoint_repair::redact::is_dotenv;

/// The failure as the model should read it: the traceback trimmed to the
/// project's frames, or the message when there is no traceback.
pub(super) fn failure_text(test: &TestResult) -> String {
    match (&test.longrepr, &test.message) {
        (Some(longrepr), _) => fixpoint_triage::traceback::trim_to_project(longrepr),
        (None, Some(message)) => message.clone(),
        (None, None) => format!("{} {}", test.nodeid, test.outcome),
    }
}

/// The files the model sees: the test's file, the project files in the
/// traceback, and the project modules the test imports. Never a `.env`.
pub(super) fn context_files(root: &Path, nodeid: &str, failure: &str, sources: &[(String, String)]) -> Vec<SourceFile> {
    let source_of = |path: &str| sources.iter().find(|(p, _)| p == path).map(|(_, s)| s.clone());
    let mut files = Vec::new();
    let test_file = nodeid.split("::").next().unwrap_or(nodeid);
    if let Some(text) = source_of(test_file) {
        files.push(SourceFile {
            path: test_file.to_owned(),
            text,
            why: Relevance::Test,
        });
    }
    let mut seen: BTreeSet<String> = BTreeSet::from([test_file.to_owned()]);
    for frame in fixpoint_triage::traceback::frames(failure) {
        if frame.is_project()
            && seen.insert(frame.path.clone())
            && let Some(text) = source_of(&frame.path)
        {
            files.push(SourceFile {
                path: frame.path,
                text,
                why: Relevance::InTraceback,
            });
        }
    }
    let graph = fixpoint_python::ImportGraph::build(root, sources);
    for path in graph.imports_of(test_file) {
        if seen.insert(path.to_owned())
            && let Some(text) = source_of(path)
        {
            files.push(SourceFile {
                path: path.to_owned(),
                text,
                why: Relevance::Imported,
            });
        }
    }
    files.retain(|file| !is_dotenv(file.path.rsplit('/').next().unwrap_or(&file.path)));
    files
}
