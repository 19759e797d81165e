//! The embedded backend: one SQLite file in WAL mode, so that readers never
//! wait and two `fixpoint run`s writing at once both land (the second waits
//! for the first's transaction, up to the busy timeout).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fixpoint_core::{Counts, Run};
use rusqlite::{Connection, ErrorCode, OptionalExtension, Row, TransactionBehavior, params};

use crate::rows::{join_list, join_outcomes, parse_outcome, split_list, split_outcomes};
use crate::schema::{ATTEMPT_COLUMNS, Dialect, LATEST, MIGRATIONS, RESULT_COLUMNS, RUN_COLUMNS};
use crate::{
    AttemptRow, OutcomeFilter, OutcomeRow, PatternRow, Provenance, ResultRow, RunRow, Store, StoreError, TriageRows,
    VerdictRow, traceback_hash,
};

pub struct SqliteStore {
    connection: Connection,
    path: PathBuf,
}

impl SqliteStore {
    pub fn open(path: &Path, busy_timeout: Duration) -> Result<Self, StoreError> {
        if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|e| StoreError::Create {
                path: parent.to_path_buf(),
                reason: e.to_string(),
            })?;
        }
        // Two processes creating one database at once can find it locked in
        // ways SQLite's busy handler does not wait for (switching a new file
        // to WAL): they retry until the busy timeout, as the handler would.
        let started = Instant::now();
        loop {
            match Self::open_once(path, busy_timeout) {
                Err(StoreError::Locked { .. }) if started.elapsed() < busy_timeout => {
                    std::thread::sleep(Duration::from_millis(25));
                }
                result => return result,
            }
        }
    }

    fn open_once(path: &Path, busy_timeout: Duration) -> Result<Self, StoreError> {
        let connection = Connection::open(path).map_err(|e| classify(path, e))?;
        let mut store = Self {
            connection,
            path: path.to_path_buf(),
        };
        store
            .connection
            .busy_timeout(busy_timeout)
            .map_err(|e| classify(path, e))?;
        store
            .connection
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get::<_, String>(0))
            .map_err(|e| classify(path, e))?;
        store
            .connection
            .execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
            .map_err(|e| classify(path, e))?;
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        let fail = |e| classify(&path, e);
        // Up to date: no write lock, so readers never wait for a running writer.
        let current: Option<u32> = self
            .connection
            .query_row("SELECT version FROM fixpoint_schema", [], |row| row.get(0))
            .ok();
        if let Some(found) = current.filter(|&found| found >= LATEST) {
            return if found > LATEST {
                Err(StoreError::TooNew {
                    found,
                    supported: LATEST,
                })
            } else {
                Ok(())
            };
        }
        let tx = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        tx.execute_batch("CREATE TABLE IF NOT EXISTS fixpoint_schema (version INTEGER NOT NULL)")
            .map_err(fail)?;
        let found: Option<u32> = tx
            .query_row("SELECT version FROM fixpoint_schema", [], |row| row.get(0))
            .optional()
            .map_err(fail)?;
        let found = found.unwrap_or(0);
        if found > LATEST {
            return Err(StoreError::TooNew {
                found,
                supported: LATEST,
            });
        }
        for migration in MIGRATIONS.iter().filter(|m| m.version > found) {
            tx.execute_batch(&migration.sql(Dialect::Sqlite)).map_err(fail)?;
        }
        if found == 0 {
            tx.execute("INSERT INTO fixpoint_schema (version) VALUES (?1)", [LATEST])
                .map_err(fail)?;
        } else if found < LATEST {
            tx.execute("UPDATE fixpoint_schema SET version = ?1", [LATEST])
                .map_err(fail)?;
        }
        tx.commit().map_err(fail)
    }

    fn fail(&self, error: rusqlite::Error) -> StoreError {
        classify(&self.path, error)
    }
}

#[expect(
    clippy::needless_pass_by_value,
    reason = "called as `map_err(|e| classify(path, e))`"
)]
fn classify(path: &Path, error: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(failure, _) = &error {
        match failure.code {
            ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt => {
                return StoreError::Corrupt {
                    path: path.to_path_buf(),
                    reason: error.to_string(),
                };
            }
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
                return StoreError::Locked {
                    path: path.to_path_buf(),
                };
            }
            ErrorCode::CannotOpen | ErrorCode::ReadOnly | ErrorCode::PermissionDenied => {
                return StoreError::Create {
                    path: path.to_path_buf(),
                    reason: error.to_string(),
                };
            }
            _ => {}
        }
    }
    StoreError::Query(error.to_string())
}

fn run_row(row: &Row<'_>) -> rusqlite::Result<RunRow> {
    let count = |index: usize| row.get::<_, u32>(index);
    Ok(RunRow {
        id: row.get(0)?,
        build_id: row.get(1)?,
        shard: row.get(2)?,
        source: row.get(3)?,
        started_at: row.get(4)?,
        finished_at: row.get(5)?,
        duration: row.get(6)?,
        git_commit: row.get(7)?,
        git_branch: row.get(8)?,
        git_dirty: row.get::<_, Option<i64>>(9)?.map(|flag| flag != 0),
        command: row.get(10)?,
        selection: split_list(&row.get::<_, String>(11)?),
        group: row.get(12)?,
        project: row.get(13)?,
        python: row.get(14)?,
        python_version: row.get(15)?,
        pytest_version: row.get(16)?,
        host: row.get(17)?,
        workers: row.get(18)?,
        interrupted: row.get(19)?,
        counts: Counts {
            total: count(20)?,
            passed: count(21)?,
            failed: count(22)?,
            error: count(23)?,
            skipped: count(24)?,
            xfailed: count(25)?,
            xpassed: count(26)?,
            flaky: count(27)?,
            timeout: count(28)?,
            crashed: count(29)?,
        },
        code_hash: row.get(30)?,
        order: row.get(31)?,
        left_out: row.get::<_, Option<u32>>(32)?.unwrap_or(0),
    })
}

fn result_row(row: &Row<'_>) -> rusqlite::Result<ResultRow> {
    Ok(ResultRow {
        run_id: row.get(0)?,
        nodeid: row.get(1)?,
        path: row.get(2)?,
        line: row.get(3)?,
        outcome: parse_outcome(&row.get::<_, String>(4)?),
        phase: row
            .get::<_, Option<String>>(5)?
            .as_deref()
            .and_then(fixpoint_core::Phase::parse),
        duration: row.get(6)?,
        exception_type: row.get(7)?,
        crash_path: row.get(8)?,
        crash_line: row.get(9)?,
        crash_message: row.get(10)?,
        message: row.get(11)?,
        traceback: row.get(12)?,
        attempts: row.get(13)?,
        rerun_outcomes: split_outcomes(&row.get::<_, String>(14)?),
        markers: split_list(&row.get::<_, String>(15)?),
        cpu_time: row.get(16)?,
        peak_rss: row.get::<_, Option<i64>>(17)?.map(i64::unsigned_abs),
    })
}

impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn record(&mut self, run: &Run, provenance: &Provenance, triage: &TriageRows) -> Result<i64, StoreError> {
        let path = self.path.clone();
        let fail = |e| classify(&path, e);
        let tx = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        let info = &run.info;
        let counts = &run.counts;
        tx.execute(
            "INSERT INTO runs (build_id, shard, source, started_at, finished_at, duration, git_commit, git_branch, git_dirty, \
             command, selection, group_name, project, python, python_version, pytest_version, host, workers, interrupted, \
             total, passed, failed, error, skipped, xfailed, xpassed, flaky, timeout, crashed, code_hash, test_order, left_out) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, \
             ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32)",
            params![
                provenance.build_id,
                info.shard,
                info.source,
                info.started_at,
                info.finished_at,
                info.duration,
                provenance.git_commit,
                provenance.git_branch,
                provenance.git_dirty.map(i64::from),
                provenance.command,
                join_list(&info.selection),
                info.group,
                info.project,
                info.python,
                info.python_version,
                info.pytest_version,
                provenance.host,
                info.workers,
                info.interrupted,
                counts.total,
                counts.passed,
                counts.failed,
                counts.error,
                counts.skipped,
                counts.xfailed,
                counts.xpassed,
                counts.flaky,
                counts.timeout,
                counts.crashed,
                provenance.code_hash,
                info.order,
                u32::try_from(info.left_out.len()).unwrap_or(u32::MAX),
            ],
        )
        .map_err(fail)?;
        let run_id = tx.last_insert_rowid();
        {
            let mut add_traceback = tx
                .prepare_cached("INSERT INTO tracebacks (hash, text) VALUES (?1, ?2) ON CONFLICT (hash) DO NOTHING")
                .map_err(fail)?;
            let mut find_traceback = tx
                .prepare_cached("SELECT id FROM tracebacks WHERE hash = ?1")
                .map_err(fail)?;
            let mut add_result = tx
                .prepare_cached(
                    "INSERT INTO results (run_id, position, nodeid, path, line, outcome, phase, duration, exception_type, \
                     crash_path, crash_line, crash_message, message, traceback_id, attempts, rerun_outcomes, markers, cpu_time, peak_rss) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
                )
                .map_err(fail)?;
            for (position, test) in run.tests.iter().enumerate() {
                let traceback_id: Option<i64> = match test.longrepr.as_deref() {
                    Some(text) => {
                        let hash = traceback_hash(text);
                        add_traceback.execute(params![hash, text]).map_err(fail)?;
                        Some(find_traceback.query_row([&hash], |row| row.get(0)).map_err(fail)?)
                    }
                    None => None,
                };
                let crash = test.crash.as_ref();
                add_result
                    .execute(params![
                        run_id,
                        i64::try_from(position).unwrap_or(i64::MAX),
                        test.nodeid,
                        test.path,
                        test.line,
                        test.outcome.as_str(),
                        test.phase.map(fixpoint_core::Phase::as_str),
                        test.duration,
                        test.exception_type,
                        crash.map(|c| &c.path),
                        crash.and_then(|c| c.line),
                        crash.map(|c| &c.message),
                        test.message,
                        traceback_id,
                        test.attempts,
                        join_outcomes(&test.rerun_outcomes),
                        join_list(&test.markers),
                        test.cpu_time,
                        test.peak_rss.map(|bytes| i64::try_from(bytes).unwrap_or(i64::MAX)),
                    ])
                    .map_err(fail)?;
            }
        }
        {
            let mut add_pattern = tx
                .prepare_cached(
                    "INSERT INTO patterns (run_id, pattern, category, title, message, failures, blast_radius) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .map_err(fail)?;
            for p in &triage.patterns {
                add_pattern
                    .execute(params![
                        run_id,
                        p.pattern,
                        p.category,
                        p.title,
                        p.message,
                        p.failures,
                        p.blast_radius
                    ])
                    .map_err(fail)?;
            }
            let mut add_verdict = tx
                .prepare_cached("INSERT INTO verdicts (run_id, nodeid, category, pattern) VALUES (?1, ?2, ?3, ?4)")
                .map_err(fail)?;
            for v in &triage.verdicts {
                add_verdict
                    .execute(params![run_id, v.nodeid, v.category, v.pattern])
                    .map_err(fail)?;
            }
        }
        tx.commit().map_err(fail)?;
        Ok(run_id)
    }

    fn patterns(&mut self, run_ids: &[i64]) -> Result<Vec<PatternRow>, StoreError> {
        if run_ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids = run_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!(
            "SELECT run_id, pattern, category, title, message, failures, blast_radius FROM patterns \
             WHERE run_id IN ({ids}) ORDER BY run_id, blast_radius DESC, pattern"
        );
        let mut statement = self.connection.prepare(&sql).map_err(|e| classify(&self.path, e))?;
        let rows = statement
            .query_map([], |row| {
                Ok(PatternRow {
                    run_id: row.get(0)?,
                    pattern: row.get(1)?,
                    category: row.get(2)?,
                    title: row.get(3)?,
                    message: row.get(4)?,
                    failures: row.get(5)?,
                    blast_radius: row.get(6)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(|e| classify(&self.path, e))?;
        Ok(rows)
    }

    fn verdicts(&mut self, run_ids: &[i64]) -> Result<Vec<VerdictRow>, StoreError> {
        if run_ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids = run_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!(
            "SELECT run_id, nodeid, category, pattern FROM verdicts WHERE run_id IN ({ids}) ORDER BY run_id, nodeid"
        );
        let mut statement = self.connection.prepare(&sql).map_err(|e| classify(&self.path, e))?;
        let rows = statement
            .query_map([], |row| {
                Ok(VerdictRow {
                    run_id: row.get(0)?,
                    nodeid: row.get(1)?,
                    category: row.get(2)?,
                    pattern: row.get(3)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(|e| classify(&self.path, e))?;
        Ok(rows)
    }

    fn runs(&mut self, limit: usize) -> Result<Vec<RunRow>, StoreError> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM runs ORDER BY id DESC LIMIT ?1");
        let mut statement = self
            .connection
            .prepare_cached(&sql)
            .map_err(|e| classify(&self.path, e))?;
        let rows = statement
            .query_map([i64::try_from(limit).unwrap_or(i64::MAX)], run_row)
            .and_then(Iterator::collect)
            .map_err(|e| classify(&self.path, e))?;
        Ok(rows)
    }

    fn runs_since(&mut self, first: i64) -> Result<Vec<RunRow>, StoreError> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM runs WHERE id >= ?1 ORDER BY id");
        let mut statement = self
            .connection
            .prepare_cached(&sql)
            .map_err(|e| classify(&self.path, e))?;
        let rows = statement
            .query_map([first], run_row)
            .and_then(Iterator::collect)
            .map_err(|e| classify(&self.path, e))?;
        Ok(rows)
    }

    fn run(&mut self, id: i64) -> Result<Option<RunRow>, StoreError> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = ?1");
        self.connection
            .query_row(&sql, [id], run_row)
            .optional()
            .map_err(|e| self.fail(e))
    }

    fn results(&mut self, run_id: i64) -> Result<Vec<ResultRow>, StoreError> {
        let sql = format!(
            "SELECT {RESULT_COLUMNS} FROM results r LEFT JOIN tracebacks t ON t.id = r.traceback_id \
             WHERE r.run_id = ?1 ORDER BY r.position"
        );
        let mut statement = self
            .connection
            .prepare_cached(&sql)
            .map_err(|e| classify(&self.path, e))?;
        let rows = statement
            .query_map([run_id], result_row)
            .and_then(Iterator::collect)
            .map_err(|e| classify(&self.path, e))?;
        Ok(rows)
    }

    fn test_history(&mut self, nodeid: &str, limit: usize) -> Result<Vec<(RunRow, ResultRow)>, StoreError> {
        let sql = format!(
            "SELECT {RESULT_COLUMNS} FROM results r LEFT JOIN tracebacks t ON t.id = r.traceback_id \
             WHERE r.nodeid = ?1 ORDER BY r.run_id DESC LIMIT ?2"
        );
        let results: Vec<ResultRow> = {
            let mut statement = self
                .connection
                .prepare_cached(&sql)
                .map_err(|e| classify(&self.path, e))?;
            statement
                .query_map(params![nodeid, i64::try_from(limit).unwrap_or(i64::MAX)], result_row)
                .and_then(Iterator::collect)
                .map_err(|e| classify(&self.path, e))?
        };
        crate::with_runs(results, |id| self.run(id))
    }

    fn outcomes(&mut self, run_ids: &[i64], filter: OutcomeFilter<'_>) -> Result<Vec<OutcomeRow>, StoreError> {
        if run_ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids = run_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let nodeids: &[String] = match filter {
            OutcomeFilter::Tests([]) => return Ok(Vec::new()),
            OutcomeFilter::Tests(nodeids) => nodeids,
            _ => &[],
        };
        let placeholders = vec!["?"; nodeids.len()].join(",");
        let condition = filter.condition(&format!("IN ({placeholders})"));
        let sql = format!("SELECT run_id, nodeid, outcome, duration FROM results WHERE run_id IN ({ids}){condition}");
        let mut statement = self.connection.prepare(&sql).map_err(|e| classify(&self.path, e))?;
        let rows = statement
            .query_map(rusqlite::params_from_iter(nodeids), |row| {
                Ok(OutcomeRow {
                    run_id: row.get(0)?,
                    nodeid: row.get(1)?,
                    outcome: parse_outcome(&row.get::<_, String>(2)?),
                    duration: row.get(3)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(|e| classify(&self.path, e))?;
        Ok(rows)
    }

    fn record_attempt(&mut self, a: &AttemptRow) -> Result<i64, StoreError> {
        let fail = |e| classify(&self.path, e);
        let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        self.connection
            .execute(
                "INSERT INTO attempts (started_at, finished_at, nodeid, pattern, attempt, temperature, provider, model, \
                 prompt_chars, response_chars, prompt_tokens, completion_tokens, diff, verdict, reason, journal_id, \
                 git_commit, run_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
                params![
                    a.started_at,
                    a.finished_at,
                    a.nodeid,
                    a.pattern,
                    a.attempt,
                    a.temperature,
                    a.provider,
                    a.model,
                    count(a.prompt_chars),
                    count(a.response_chars),
                    a.prompt_tokens.map(count),
                    a.completion_tokens.map(count),
                    a.diff,
                    a.verdict,
                    a.reason,
                    a.journal_id,
                    a.git_commit,
                    a.run_id
                ],
            )
            .map_err(fail)?;
        Ok(self.connection.last_insert_rowid())
    }

    fn attempts(&mut self, nodeid: Option<&str>, limit: usize) -> Result<Vec<AttemptRow>, StoreError> {
        let sql =
            format!("SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE ?1 IS NULL OR nodeid = ?1 ORDER BY id DESC LIMIT ?2");
        let mut statement = self
            .connection
            .prepare_cached(&sql)
            .map_err(|e| classify(&self.path, e))?;
        statement
            .query_map(params![nodeid, i64::try_from(limit).unwrap_or(i64::MAX)], |row| {
                let count = |i| row.get::<_, i64>(i).map(i64::unsigned_abs);
                let maybe = |i| row.get::<_, Option<i64>>(i).map(|n| n.map(i64::unsigned_abs));
                Ok(AttemptRow {
                    id: row.get(0)?,
                    started_at: row.get(1)?,
                    finished_at: row.get(2)?,
                    nodeid: row.get(3)?,
                    pattern: row.get(4)?,
                    attempt: row.get(5)?,
                    temperature: row.get(6)?,
                    provider: row.get(7)?,
                    model: row.get(8)?,
                    prompt_chars: count(9)?,
                    response_chars: count(10)?,
                    prompt_tokens: maybe(11)?,
                    completion_tokens: maybe(12)?,
                    diff: row.get(13)?,
                    verdict: row.get(14)?,
                    reason: row.get(15)?,
                    journal_id: row.get(16)?,
                    git_commit: row.get(17)?,
                    run_id: row.get(18)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(|e| classify(&self.path, e))
    }

    fn schema_version(&mut self) -> Result<u32, StoreError> {
        self.connection
            .query_row("SELECT version FROM fixpoint_schema", [], |row| row.get(0))
            .map_err(|e| self.fail(e))
    }
}
