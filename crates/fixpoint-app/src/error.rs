use std::path::PathBuf;

use fixpoint_pytest::PytestError;

/// What stops a use case; each message is one line that says what to do.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("project directory `{}` does not exist", path.display())]
    NoProject { path: PathBuf },
    #[error("`{}` is not a directory", path.display())]
    NotADirectory { path: PathBuf },
    #[error("{}: invalid fixpoint settings: {reason}", path.display())]
    Settings { path: PathBuf, reason: String },
    #[error("unknown group `{name}`: {}", describe_groups(available))]
    UnknownGroup { name: String, available: Vec<String> },
    #[error("{0}")]
    Usage(String),
    /// The path policy refused a path (see `fixpoint-paths`).
    #[error("refused: {0}")]
    Refused(fixpoint_paths::Refusal),
    /// The journal could not write, undo or prove itself; its message is whole.
    #[error("{0}")]
    Journal(fixpoint_fix::journal::JournalError),
    #[error(transparent)]
    Pytest(#[from] PytestError),
    #[error(transparent)]
    Store(#[from] fixpoint_store::StoreError),
    #[error("the history is empty: `fixpoint run` (or `fixpoint import`) records the first run")]
    NoRuns,
    #[error("no run `{0}` in the history: use a run id from `fixpoint history`, or `latest`")]
    UnknownRun(String),
}

// Written out rather than `#[from]`, which would also make the value the
// error's source and print its message twice in `{:#}`.
impl From<fixpoint_paths::Refusal> for AppError {
    fn from(refusal: fixpoint_paths::Refusal) -> Self {
        Self::Refused(refusal)
    }
}

impl From<fixpoint_fix::journal::JournalError> for AppError {
    fn from(error: fixpoint_fix::journal::JournalError) -> Self {
        match error {
            fixpoint_fix::journal::JournalError::Refused(refusal) => Self::Refused(refusal),
            other => Self::Journal(other),
        }
    }
}

fn describe_groups(available: &[String]) -> String {
    if available.is_empty() {
        "no groups are defined; add them under [tool.fixpoint.groups] in pyproject.toml".to_owned()
    } else {
        format!("the project defines {}", available.join(", "))
    }
}
