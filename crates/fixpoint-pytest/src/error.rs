use std::io;
use std::path::PathBuf;

/// Everything that can stop a run or an import. Each message is one line that
/// says what is wrong and, where it can, what to do.
#[derive(Debug, thiserror::Error)]
pub enum PytestError {
    #[error("Python interpreter `{}` (from {origin}) does not exist", path.display())]
    InterpreterNotFound { path: PathBuf, origin: String },
    #[error("no Python interpreter found for {}: looked at --python, FIXPOINT_PYTHON, .venv/ and venv/ in the project, VIRTUAL_ENV and python3 on PATH; pass --python PATH", project.display())]
    NoInterpreter { project: PathBuf },
    #[error("pytest is not importable by {} (from {origin}); install it with `{} -m pip install pytest`", python.display(), python.display())]
    PytestMissing { python: PathBuf, origin: String },
    // The I/O error is part of the message, not a `source`: printed with
    // its causes (`{:#}`), it would appear twice.
    #[error("could not start {}: {error}", python.display())]
    Spawn { python: PathBuf, error: io::Error },
    /// `detail` is the telling line; `output` the end of what pytest printed.
    #[error("pytest stopped before running tests ({status}): {detail}")]
    PytestFailed {
        status: String,
        detail: String,
        output: String,
    },
    #[error("{}: {reason}", path.display())]
    Malformed { path: PathBuf, reason: String },
    #[error("{context}: {error}")]
    Io { context: String, error: io::Error },
}

impl PytestError {
    pub(crate) fn io(context: impl Into<String>, source: io::Error) -> Self {
        Self::Io {
            context: context.into(),
            error: source,
        }
    }
}
