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
    #[error(transparent)]
    Pytest(#[from] PytestError),
    #[error(transparent)]
    Store(#[from] fixpoint_store::StoreError),
    #[error("the history is empty: `fixpoint run` (or `fixpoint import`) records the first run")]
    NoRuns,
    #[error("no run `{0}` in the history: use a run id from `fixpoint history`, or `latest`")]
    UnknownRun(String),
}

fn describe_groups(available: &[String]) -> String {
    if available.is_empty() {
        "no groups are defined; add them under [tool.fixpoint.groups] in pyproject.toml".to_owned()
    } else {
        format!("the project defines {}", available.join(", "))
    }
}
