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
    /// The user asked for something that cannot be: a bad flag, path or value.
    #[error("{0}")]
    Usage(String),
    /// A file, directory or process fixpoint needed failed it. The I/O
    /// error is part of the message, not a `source`, as in the journal's
    /// and the runner's errors: the message is whole wherever it is printed.
    #[error("{context}: {error}")]
    Io { context: String, error: std::io::Error },
    /// git refused or failed (the repair loop's branch and commits).
    #[error("{0}")]
    Git(fixpoint_git::GitError),
    /// A verified repair whose commit failed: the change stays in the work
    /// tree and the journal.
    #[error("the repair of {nodeid} works but could not be committed: {error}")]
    Commit {
        nodeid: String,
        error: fixpoint_git::GitError,
    },
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

impl AppError {
    /// An I/O failure with what fixpoint was doing: `could not create DIR`.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            context: context.into(),
            error: source,
        }
    }
}

impl From<fixpoint_git::GitError> for AppError {
    fn from(error: fixpoint_git::GitError) -> Self {
        Self::Git(error)
    }
}

fn describe_groups(available: &[String]) -> String {
    if available.is_empty() {
        "no groups are defined; add them under [tool.fixpoint.groups] in pyproject.toml".to_owned()
    } else {
        format!("the project defines {}", available.join(", "))
    }
}
