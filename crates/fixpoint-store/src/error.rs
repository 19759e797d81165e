use std::path::PathBuf;

/// What can go wrong with the history; every message is one line that says
/// what to do, and never holds a password.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}: not a fixpoint history database ({reason}); move it away and fixpoint will start a new one", path.display())]
    Corrupt { path: PathBuf, reason: String },
    #[error("{}: the database is locked by another process; try again when it finishes", path.display())]
    Locked { path: PathBuf },
    #[error("could not create {}: {reason}", path.display())]
    Create { path: PathBuf, reason: String },
    #[error("could not connect to PostgreSQL at {target}: {reason}")]
    Connect { target: String, reason: String },
    #[error(
        "the history database is at schema version {found}, newer than this fixpoint understands ({supported}); upgrade fixpoint"
    )]
    TooNew { found: u32, supported: u32 },
    #[error("history database error: {0}")]
    Query(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Query(error.to_string())
    }
}

impl From<postgres::Error> for StoreError {
    fn from(error: postgres::Error) -> Self {
        Self::Query(postgres_reason(&error))
    }
}

/// The server's own message when there is one, else the client's.
pub(crate) fn postgres_reason(error: &postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        return db.message().to_owned();
    }
    let mut reason = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        reason = inner.to_string();
        source = inner.source();
    }
    reason
}
