//! fixpoint's history: every run and every test result, in SQLite (the
//! embedded default, `.fixpoint/fixpoint.db`) or PostgreSQL (one history for a
//! team or a CI fleet), behind the one [`Store`] trait.
//!
//! Both backends apply the same versioned migrations ([`schema`]) when opened;
//! a database written by a newer fixpoint is refused rather than misread.
//! Each run is written in one transaction: a run lands whole or not at all.
//!
//! ```no_run
//! use fixpoint_store::{Location, Provenance, open};
//! let mut store = open(&Location::Sqlite("/tmp/history.db".into()))?;
//! for run in store.runs(10)? {
//!     println!("#{} {} {}", run.id, run.started_at, run.counts.summary(run.duration));
//! }
//! # Ok::<(), fixpoint_store::StoreError>(())
//! ```

pub mod analysis;
mod error;
mod postgres_store;
pub mod priority;
mod rows;
pub mod schema;
pub mod slowdown;
mod sqlite_store;

use std::path::PathBuf;
use std::time::Duration;

pub use error::StoreError;
use fixpoint_core::Run;
pub use rows::{AttemptRow, OutcomeRow, PatternRow, Provenance, ResultRow, RunRow, TriageRows, VerdictRow};
use sha2::{Digest, Sha256};

/// Which results [`Store::outcomes`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeFilter<'a> {
    All,
    /// Failed, error, timeout and crashed results.
    Failing,
    /// The results of these tests only.
    Tests(&'a [String]),
}

impl OutcomeFilter<'_> {
    /// The SQL condition; `ids` is the test for a node id (`IN (?, ?)`, `= ANY($2)`).
    pub(crate) fn condition(self, ids: &str) -> String {
        match self {
            Self::All => String::new(),
            Self::Failing => " AND outcome IN ('failed', 'error', 'timeout', 'crashed')".to_owned(),
            Self::Tests(_) => format!(" AND nodeid {ids}"),
        }
    }
}

/// Where the history lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    /// A `postgres://` or `postgresql://` URL.
    Postgres(String),
}

impl Location {
    /// `postgres://...` and `postgresql://...` are PostgreSQL; `sqlite://PATH`
    /// or a plain path is a SQLite file. Any other `scheme://` is an error
    /// (not a SQLite file named after the URL).
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(Self::Postgres(text.to_owned()));
        }
        if let Some(path) = text.strip_prefix("sqlite://") {
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        match text.split_once("://") {
            Some((scheme, _))
                if !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
            {
                Err(format!(
                    "unknown database scheme `{scheme}://` in `{}`: fixpoint stores its history in SQLite (a path or sqlite://PATH) or PostgreSQL (postgres://...)",
                    redact_url(text)
                ))
            }
            _ => Ok(Self::Sqlite(PathBuf::from(text))),
        }
    }

    /// The location as it may be shown: a PostgreSQL password is masked.
    pub fn display(&self) -> String {
        match self {
            Self::Sqlite(path) => path.display().to_string(),
            Self::Postgres(url) => redact_url(url),
        }
    }
}

/// The history of runs. Every front end reaches the database through this.
pub trait Store {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// Records a run, all its results and its triage in one transaction;
    /// returns the run's id.
    fn record(&mut self, run: &Run, provenance: &Provenance, triage: &TriageRows) -> Result<i64, StoreError>;
    /// The triage patterns stored with the given runs.
    fn patterns(&mut self, run_ids: &[i64]) -> Result<Vec<PatternRow>, StoreError>;
    /// The triage verdicts stored with the given runs, by run and node id.
    fn verdicts(&mut self, run_ids: &[i64]) -> Result<Vec<VerdictRow>, StoreError>;
    /// The newest runs, newest first.
    fn runs(&mut self, limit: usize) -> Result<Vec<RunRow>, StoreError>;
    /// Runs with an id at or above `first`, oldest first.
    fn runs_since(&mut self, first: i64) -> Result<Vec<RunRow>, StoreError>;
    fn run(&mut self, id: i64) -> Result<Option<RunRow>, StoreError>;
    /// Every result of a run, in the run's order, with tracebacks.
    fn results(&mut self, run_id: i64) -> Result<Vec<ResultRow>, StoreError>;
    /// One test's results across runs, newest first.
    fn test_history(&mut self, nodeid: &str, limit: usize) -> Result<Vec<(RunRow, ResultRow)>, StoreError>;
    /// Node ids and outcomes (no text) of the given runs, filtered.
    fn outcomes(&mut self, run_ids: &[i64], filter: OutcomeFilter<'_>) -> Result<Vec<OutcomeRow>, StoreError>;
    /// The schema version the database is at.
    fn schema_version(&mut self) -> Result<u32, StoreError>;
    /// Stores one repair attempt; returns its id.
    fn record_attempt(&mut self, attempt: &AttemptRow) -> Result<i64, StoreError>;
    /// Repair attempts, newest first, of one test or of all.
    fn attempts(&mut self, nodeid: Option<&str>, limit: usize) -> Result<Vec<AttemptRow>, StoreError>;
}

/// How long a SQLite writer waits for another one before giving up.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Opens (and creates or migrates) the store at `location`.
pub fn open(location: &Location) -> Result<Box<dyn Store>, StoreError> {
    open_with_busy_timeout(location, DEFAULT_BUSY_TIMEOUT)
}

/// As [`open`], with the time a SQLite writer waits for a lock held by another
/// process (PostgreSQL waits on its own terms).
pub fn open_with_busy_timeout(location: &Location, busy_timeout: Duration) -> Result<Box<dyn Store>, StoreError> {
    match location {
        Location::Sqlite(path) => Ok(Box::new(sqlite_store::SqliteStore::open(path, busy_timeout)?)),
        Location::Postgres(url) => Ok(Box::new(postgres_store::PostgresStore::connect(url)?)),
    }
}

/// The key a traceback is stored under once, however many results share it.
pub(crate) fn traceback_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().fold(String::with_capacity(64), |mut out, byte| {
        use std::fmt::Write;
        let _ = write!(out, "{byte:02x}");
        out
    })
}

/// Each result beside its run, for a test's history; a result whose run is
/// gone is left out.
pub(crate) fn with_runs(
    results: Vec<ResultRow>,
    mut run: impl FnMut(i64) -> Result<Option<RunRow>, StoreError>,
) -> Result<Vec<(RunRow, ResultRow)>, StoreError> {
    let mut paired = Vec::with_capacity(results.len());
    for result in results {
        if let Some(run) = run(result.run_id)? {
            paired.push((run, result));
        }
    }
    Ok(paired)
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    // Credentials live in the authority, before the path, query or fragment;
    // the last `@` there ends them (a password may hold an `@`).
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some((credentials, host)) = authority.rsplit_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_locations() {
        for (text, location) in [
            ("postgres://u@h/db", Location::Postgres("postgres://u@h/db".into())),
            ("postgresql://h/db", Location::Postgres("postgresql://h/db".into())),
            ("sqlite:///tmp/x.db", Location::Sqlite("/tmp/x.db".into())),
            ("history.db", Location::Sqlite("history.db".into())),
        ] {
            assert_eq!(Location::parse(text).unwrap(), location, "{text}");
        }
        let error = Location::parse("mysql://u:secret@h/db").unwrap_err();
        assert!(
            error.starts_with("unknown database scheme `mysql://`") && !error.contains("secret"),
            "{error}"
        );
    }

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact_url("postgres://fp:s3cret@127.0.0.1:5432/db"),
            "postgres://fp:***@127.0.0.1:5432/db"
        );
        assert_eq!(redact_url("postgres://fp@127.0.0.1/db"), "postgres://fp@127.0.0.1/db");
        assert_eq!(redact_url("postgres://fp:p@ss@h:5/db"), "postgres://fp:***@h:5/db");
        assert_eq!(redact_url("postgres://h:5432/db?x=a@b"), "postgres://h:5432/db?x=a@b");
        assert_eq!(redact_url("postgres://u:pw@h/db?x=a@b"), "postgres://u:***@h/db?x=a@b");
        assert_eq!(redact_url("sqlite:///x.db"), "sqlite:///x.db");
        assert!(
            !Location::parse("postgresql://a:b@c/d")
                .unwrap()
                .display()
                .contains(":b@")
        );
    }

    #[test]
    fn traceback_hashes_are_stable() {
        assert_eq!(traceback_hash("").len(), 64);
        assert_eq!(
            traceback_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
