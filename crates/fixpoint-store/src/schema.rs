//! The history's schema: versioned migrations, the same for both backends
//! (each step is written once per SQL dialect).

/// The schema version this fixpoint writes and understands.
pub const LATEST: u32 = 5;

/// One step: its version and its statements, written once for both
/// dialects: `{id}` is an auto-numbered primary key, `{ref}` a column that
/// refers to one.
pub struct Migration {
    pub version: u32,
    pub sql: &'static str,
}

/// The SQL dialects the history speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Migration {
    /// The statements in `dialect`.
    pub fn sql(&self, dialect: Dialect) -> String {
        let (id, reference) = match dialect {
            Dialect::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "INTEGER"),
            Dialect::Postgres => ("BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "BIGINT"),
        };
        self.sql.replace("{id}", id).replace("{ref}", reference)
    }
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sql: r"
CREATE TABLE runs (
    id {id},
    build_id TEXT, shard TEXT, source TEXT NOT NULL,
    started_at TEXT NOT NULL, finished_at TEXT NOT NULL, duration DOUBLE PRECISION NOT NULL,
    git_commit TEXT, git_branch TEXT, git_dirty INTEGER,
    command TEXT NOT NULL, selection TEXT NOT NULL, group_name TEXT, project TEXT NOT NULL,
    python TEXT, python_version TEXT, pytest_version TEXT, host TEXT,
    workers INTEGER NOT NULL, interrupted TEXT,
    total INTEGER NOT NULL, passed INTEGER NOT NULL, failed INTEGER NOT NULL, error INTEGER NOT NULL,
    skipped INTEGER NOT NULL, xfailed INTEGER NOT NULL, xpassed INTEGER NOT NULL, flaky INTEGER NOT NULL,
    timeout INTEGER NOT NULL, crashed INTEGER NOT NULL
);
CREATE INDEX runs_build ON runs (build_id);
CREATE TABLE tracebacks (
    id {id},
    hash TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL
);
CREATE TABLE results (
    run_id {ref} NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    nodeid TEXT NOT NULL, path TEXT NOT NULL, line INTEGER,
    outcome TEXT NOT NULL, phase TEXT, duration DOUBLE PRECISION NOT NULL,
    exception_type TEXT, crash_path TEXT, crash_line INTEGER, crash_message TEXT, message TEXT,
    traceback_id {ref} REFERENCES tracebacks (id),
    attempts INTEGER NOT NULL, rerun_outcomes TEXT NOT NULL, markers TEXT NOT NULL,
    PRIMARY KEY (run_id, nodeid)
);
CREATE INDEX results_nodeid ON results (nodeid);
",
    },
    Migration {
        version: 2,
        sql: r"
CREATE TABLE patterns (
    run_id {ref} NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    pattern TEXT NOT NULL, category TEXT NOT NULL, title TEXT NOT NULL, message TEXT NOT NULL,
    failures INTEGER NOT NULL, blast_radius INTEGER NOT NULL,
    PRIMARY KEY (run_id, pattern)
);
CREATE TABLE verdicts (
    run_id {ref} NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    nodeid TEXT NOT NULL, category TEXT NOT NULL, pattern TEXT NOT NULL,
    PRIMARY KEY (run_id, nodeid)
);
",
    },
    Migration {
        version: 3,
        sql: r"
CREATE TABLE attempts (
    id {id},
    started_at TEXT NOT NULL, finished_at TEXT NOT NULL,
    nodeid TEXT NOT NULL, pattern TEXT, attempt INTEGER NOT NULL, temperature DOUBLE PRECISION NOT NULL,
    provider TEXT NOT NULL, model TEXT NOT NULL,
    prompt_chars BIGINT NOT NULL, response_chars BIGINT NOT NULL,
    prompt_tokens BIGINT, completion_tokens BIGINT,
    diff TEXT NOT NULL, verdict TEXT NOT NULL, reason TEXT NOT NULL,
    journal_id TEXT, git_commit TEXT,
    run_id {ref} REFERENCES runs (id) ON DELETE SET NULL
);
CREATE INDEX attempts_nodeid ON attempts (nodeid);
",
    },
    Migration {
        version: 4,
        // The hash of the code a run tested (see `Provenance::code_hash`);
        // runs recorded before it have none.
        sql: r"
ALTER TABLE runs ADD COLUMN code_hash TEXT;
",
    },
    Migration {
        version: 5,
        // What each test cost its worker (CPU seconds, peak resident bytes);
        // results recorded before, or imported, have neither. A run's
        // `--order` and how many tests its `--budget` left out.
        sql: r"
ALTER TABLE results ADD COLUMN cpu_time DOUBLE PRECISION;
ALTER TABLE results ADD COLUMN peak_rss BIGINT;
ALTER TABLE runs ADD COLUMN test_order TEXT;
ALTER TABLE runs ADD COLUMN left_out INTEGER;
",
    },
];

/// The columns of `attempts` in the order every query selects them.
pub(crate) const ATTEMPT_COLUMNS: &str = "id, started_at, finished_at, nodeid, pattern, attempt, temperature, provider, model, \
     prompt_chars, response_chars, prompt_tokens, completion_tokens, diff, verdict, reason, journal_id, git_commit, run_id";

/// The columns of `runs` in the order every query selects them.
pub(crate) const RUN_COLUMNS: &str = "id, build_id, shard, source, started_at, finished_at, duration, git_commit, git_branch, git_dirty, \
     command, selection, group_name, project, python, python_version, pytest_version, host, workers, interrupted, \
     total, passed, failed, error, skipped, xfailed, xpassed, flaky, timeout, crashed, code_hash, test_order, left_out";

/// The columns of `results` (joined with `tracebacks` as `t`) in query order.
pub(crate) const RESULT_COLUMNS: &str = "r.run_id, r.nodeid, r.path, r.line, r.outcome, r.phase, r.duration, r.exception_type, \
     r.crash_path, r.crash_line, r.crash_message, r.message, t.text, r.attempts, r.rerun_outcomes, r.markers, \
     r.cpu_time, r.peak_rss";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_one_by_one_up_to_latest() {
        for (index, migration) in MIGRATIONS.iter().enumerate() {
            assert_eq!(migration.version as usize, index + 1);
        }
        assert_eq!(MIGRATIONS.last().unwrap().version, LATEST);
        for migration in MIGRATIONS {
            for dialect in [Dialect::Sqlite, Dialect::Postgres] {
                let sql = migration.sql(dialect);
                assert!(!sql.contains('{') && !sql.contains('}'), "{sql}");
            }
        }
    }
}
