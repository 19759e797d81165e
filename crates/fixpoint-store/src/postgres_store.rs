//! The shared backend: PostgreSQL, for teams and CI fleets. Every shard of a
//! build writes its own run in its own transaction; tracebacks are
//! deduplicated with `ON CONFLICT DO NOTHING`, so concurrent writers never
//! collide, and results go in as one `UNNEST` insert per run.

use std::collections::{BTreeMap, HashMap};

use fixpoint_core::{Counts, Run};
use postgres::{Client, NoTls, Row};

use crate::error::postgres_reason;
use crate::rows::{join_list, join_outcomes, parse_outcome, split_list, split_outcomes};
use crate::schema::{ATTEMPT_COLUMNS, Dialect, LATEST, MIGRATIONS, RESULT_COLUMNS, RUN_COLUMNS};
use crate::{
    AttemptRow, OutcomeFilter, OutcomeRow, PatternRow, Provenance, ResultRow, RunRow, Store, StoreError, TriageRows,
    VerdictRow, redact_url, traceback_hash,
};

/// Serializes migrations between processes that open a fresh database at once.
const MIGRATION_LOCK: i64 = 0x0F1C_5000;

pub struct PostgresStore {
    client: Client,
}

impl PostgresStore {
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        let client = Client::connect(url, NoTls).map_err(|e| StoreError::Connect {
            target: redact_url(url),
            reason: postgres_reason(&e),
        })?;
        let mut store = Self { client };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let mut tx = self.client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS fixpoint_schema (version INTEGER NOT NULL)")?;
        let found = tx
            .query_opt("SELECT version FROM fixpoint_schema", &[])?
            .map_or(0, |row| row.get::<_, i32>(0).unsigned_abs());
        if found > LATEST {
            return Err(StoreError::TooNew {
                found,
                supported: LATEST,
            });
        }
        for migration in MIGRATIONS.iter().filter(|m| m.version > found) {
            tx.batch_execute(&migration.sql(Dialect::Postgres))?;
        }
        let latest = LATEST as i32;
        if found == 0 {
            tx.execute("INSERT INTO fixpoint_schema (version) VALUES ($1)", &[&latest])?;
        } else if found < LATEST {
            tx.execute("UPDATE fixpoint_schema SET version = $1", &[&latest])?;
        }
        tx.commit()?;
        Ok(())
    }
}

fn int(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

fn opt_u32(value: Option<i32>) -> Option<u32> {
    value.and_then(|v| u32::try_from(v).ok())
}

fn run_row(row: &Row) -> RunRow {
    let count = |index: usize| row.get::<_, i32>(index).unsigned_abs();
    RunRow {
        id: row.get(0),
        build_id: row.get(1),
        shard: row.get(2),
        source: row.get(3),
        started_at: row.get(4),
        finished_at: row.get(5),
        duration: row.get(6),
        git_commit: row.get(7),
        git_branch: row.get(8),
        git_dirty: row.get::<_, Option<i32>>(9).map(|flag| flag != 0),
        command: row.get(10),
        selection: split_list(row.get::<_, &str>(11)),
        group: row.get(12),
        project: row.get(13),
        python: row.get(14),
        python_version: row.get(15),
        pytest_version: row.get(16),
        host: row.get(17),
        workers: count(18),
        interrupted: row.get(19),
        counts: Counts {
            total: count(20),
            passed: count(21),
            failed: count(22),
            error: count(23),
            skipped: count(24),
            xfailed: count(25),
            xpassed: count(26),
            flaky: count(27),
            timeout: count(28),
            crashed: count(29),
        },
        code_hash: row.get(30),
        order: row.get(31),
        left_out: row.get::<_, Option<i32>>(32).map_or(0, i32::unsigned_abs),
    }
}

fn result_row(row: &Row) -> ResultRow {
    ResultRow {
        run_id: row.get(0),
        nodeid: row.get(1),
        path: row.get(2),
        line: opt_u32(row.get(3)),
        outcome: parse_outcome(row.get::<_, &str>(4)),
        phase: row.get::<_, Option<&str>>(5).and_then(fixpoint_core::Phase::parse),
        duration: row.get(6),
        exception_type: row.get(7),
        crash_path: row.get(8),
        crash_line: opt_u32(row.get(9)),
        crash_message: row.get(10),
        message: row.get(11),
        traceback: row.get(12),
        attempts: row.get::<_, i32>(13).unsigned_abs(),
        rerun_outcomes: split_outcomes(row.get::<_, &str>(14)),
        markers: split_list(row.get::<_, &str>(15)),
        cpu_time: row.get(16),
        peak_rss: row.get::<_, Option<i64>>(17).map(i64::unsigned_abs),
    }
}

impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    fn record(&mut self, run: &Run, provenance: &Provenance, triage: &TriageRows) -> Result<i64, StoreError> {
        let info = &run.info;
        let c = &run.counts;
        let mut tx = self.client.transaction()?;
        let selection = join_list(&info.selection);
        let dirty = provenance.git_dirty.map(i32::from);
        let workers = int(info.workers);
        let counts = [
            c.total, c.passed, c.failed, c.error, c.skipped, c.xfailed, c.xpassed, c.flaky, c.timeout, c.crashed,
        ]
        .map(int);
        let run_id: i64 = tx
            .query_one(
                "INSERT INTO runs (build_id, shard, source, started_at, finished_at, duration, git_commit, git_branch, git_dirty, \
                 command, selection, group_name, project, python, python_version, pytest_version, host, workers, interrupted, \
                 total, passed, failed, error, skipped, xfailed, xpassed, flaky, timeout, crashed, code_hash, test_order, left_out) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
                 $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32) RETURNING id",
                &[
                    &provenance.build_id,
                    &info.shard,
                    &info.source,
                    &info.started_at,
                    &info.finished_at,
                    &info.duration,
                    &provenance.git_commit,
                    &provenance.git_branch,
                    &dirty,
                    &provenance.command,
                    &selection,
                    &info.group,
                    &info.project,
                    &info.python,
                    &info.python_version,
                    &info.pytest_version,
                    &provenance.host,
                    &workers,
                    &info.interrupted,
                    &counts[0],
                    &counts[1],
                    &counts[2],
                    &counts[3],
                    &counts[4],
                    &counts[5],
                    &counts[6],
                    &counts[7],
                    &counts[8],
                    &counts[9],
                    &provenance.code_hash,
                    &info.order,
                    &i32::try_from(info.left_out.len()).unwrap_or(i32::MAX),
                ],
            )?
            .get(0);

        // Tracebacks: each distinct text once, then their ids by hash.
        let mut distinct_tracebacks: BTreeMap<String, &str> = BTreeMap::new();
        for test in &run.tests {
            if let Some(text) = test.longrepr.as_deref() {
                distinct_tracebacks.entry(traceback_hash(text)).or_insert(text);
            }
        }
        let mut traceback_ids: HashMap<String, i64> = HashMap::new();
        if !distinct_tracebacks.is_empty() {
            let hashes: Vec<&str> = distinct_tracebacks.keys().map(String::as_str).collect();
            let bodies: Vec<&str> = distinct_tracebacks.values().copied().collect();
            tx.execute(
                "INSERT INTO tracebacks (hash, text) SELECT * FROM UNNEST($1::text[], $2::text[]) ON CONFLICT (hash) DO NOTHING",
                &[&hashes, &bodies],
            )?;
            for row in tx.query("SELECT id, hash FROM tracebacks WHERE hash = ANY($1)", &[&hashes])? {
                traceback_ids.insert(row.get(1), row.get(0));
            }
        }

        let tests = &run.tests;
        let run_ids = vec![run_id; tests.len()];
        let positions: Vec<i32> = (0..tests.len()).map(|i| i32::try_from(i).unwrap_or(i32::MAX)).collect();
        let nodeids: Vec<&str> = tests.iter().map(|t| t.nodeid.as_str()).collect();
        let paths: Vec<&str> = tests.iter().map(|t| t.path.as_str()).collect();
        let lines: Vec<Option<i32>> = tests.iter().map(|t| t.line.map(int)).collect();
        let outcomes: Vec<&str> = tests.iter().map(|t| t.outcome.as_str()).collect();
        let phases: Vec<Option<&str>> = tests
            .iter()
            .map(|t| t.phase.map(fixpoint_core::Phase::as_str))
            .collect();
        let durations: Vec<f64> = tests.iter().map(|t| t.duration).collect();
        let exceptions: Vec<Option<&str>> = tests.iter().map(|t| t.exception_type.as_deref()).collect();
        let crash_paths: Vec<Option<&str>> = tests
            .iter()
            .map(|t| t.crash.as_ref().map(|c| c.path.as_str()))
            .collect();
        let crash_lines: Vec<Option<i32>> = tests
            .iter()
            .map(|t| t.crash.as_ref().and_then(|c| c.line).map(int))
            .collect();
        let crash_messages: Vec<Option<&str>> = tests
            .iter()
            .map(|t| t.crash.as_ref().map(|c| c.message.as_str()))
            .collect();
        let messages: Vec<Option<&str>> = tests.iter().map(|t| t.message.as_deref()).collect();
        let tracebacks: Vec<Option<i64>> = tests
            .iter()
            .map(|t| {
                t.longrepr
                    .as_deref()
                    .and_then(|text| traceback_ids.get(&traceback_hash(text)).copied())
            })
            .collect();
        let attempts: Vec<i32> = tests.iter().map(|t| int(t.attempts)).collect();
        let reruns: Vec<String> = tests.iter().map(|t| join_outcomes(&t.rerun_outcomes)).collect();
        let markers: Vec<String> = tests.iter().map(|t| join_list(&t.markers)).collect();
        let cpu_times: Vec<Option<f64>> = tests.iter().map(|t| t.cpu_time).collect();
        let peaks: Vec<Option<i64>> = tests
            .iter()
            .map(|t| t.peak_rss.map(|bytes| i64::try_from(bytes).unwrap_or(i64::MAX)))
            .collect();
        tx.execute(
            "INSERT INTO results (run_id, position, nodeid, path, line, outcome, phase, duration, exception_type, \
             crash_path, crash_line, crash_message, message, traceback_id, attempts, rerun_outcomes, markers, cpu_time, peak_rss) \
             SELECT * FROM UNNEST($1::bigint[], $2::int[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], \
             $8::float8[], $9::text[], $10::text[], $11::int[], $12::text[], $13::text[], $14::bigint[], $15::int[], \
             $16::text[], $17::text[], $18::float8[], $19::bigint[])",
            &[
                &run_ids,
                &positions,
                &nodeids,
                &paths,
                &lines,
                &outcomes,
                &phases,
                &durations,
                &exceptions,
                &crash_paths,
                &crash_lines,
                &crash_messages,
                &messages,
                &tracebacks,
                &attempts,
                &reruns,
                &markers,
                &cpu_times,
                &peaks,
            ],
        )?;
        for p in &triage.patterns {
            tx.execute(
                "INSERT INTO patterns (run_id, pattern, category, title, message, failures, blast_radius) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    &run_id,
                    &p.pattern,
                    &p.category,
                    &p.title,
                    &p.message,
                    &int(p.failures),
                    &int(p.blast_radius),
                ],
            )?;
        }
        if !triage.verdicts.is_empty() {
            let nodeids: Vec<&str> = triage.verdicts.iter().map(|v| v.nodeid.as_str()).collect();
            let categories: Vec<&str> = triage.verdicts.iter().map(|v| v.category.as_str()).collect();
            let patterns: Vec<&str> = triage.verdicts.iter().map(|v| v.pattern.as_str()).collect();
            tx.execute(
                "INSERT INTO verdicts (run_id, nodeid, category, pattern) \
                 SELECT $1, * FROM UNNEST($2::text[], $3::text[], $4::text[])",
                &[&run_id, &nodeids, &categories, &patterns],
            )?;
        }
        tx.commit()?;
        Ok(run_id)
    }

    fn patterns(&mut self, run_ids: &[i64]) -> Result<Vec<PatternRow>, StoreError> {
        let rows = self.client.query(
            "SELECT run_id, pattern, category, title, message, failures, blast_radius FROM patterns \
             WHERE run_id = ANY($1) ORDER BY run_id, blast_radius DESC, pattern",
            &[&run_ids],
        )?;
        Ok(rows
            .iter()
            .map(|row| PatternRow {
                run_id: row.get(0),
                pattern: row.get(1),
                category: row.get(2),
                title: row.get(3),
                message: row.get(4),
                failures: row.get::<_, i32>(5).unsigned_abs(),
                blast_radius: row.get::<_, i32>(6).unsigned_abs(),
            })
            .collect())
    }

    fn verdicts(&mut self, run_ids: &[i64]) -> Result<Vec<VerdictRow>, StoreError> {
        let rows = self.client.query(
            "SELECT run_id, nodeid, category, pattern FROM verdicts WHERE run_id = ANY($1) ORDER BY run_id, nodeid",
            &[&run_ids],
        )?;
        Ok(rows
            .iter()
            .map(|row| VerdictRow {
                run_id: row.get(0),
                nodeid: row.get(1),
                category: row.get(2),
                pattern: row.get(3),
            })
            .collect())
    }

    fn runs(&mut self, limit: usize) -> Result<Vec<RunRow>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let sql = format!("SELECT {RUN_COLUMNS} FROM runs ORDER BY id DESC LIMIT $1");
        Ok(self.client.query(&sql, &[&limit])?.iter().map(run_row).collect())
    }

    fn runs_since(&mut self, first: i64) -> Result<Vec<RunRow>, StoreError> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM runs WHERE id >= $1 ORDER BY id");
        Ok(self.client.query(&sql, &[&first])?.iter().map(run_row).collect())
    }

    fn run(&mut self, id: i64) -> Result<Option<RunRow>, StoreError> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = $1");
        Ok(self.client.query_opt(&sql, &[&id])?.as_ref().map(run_row))
    }

    fn results(&mut self, run_id: i64) -> Result<Vec<ResultRow>, StoreError> {
        let sql = format!(
            "SELECT {RESULT_COLUMNS} FROM results r LEFT JOIN tracebacks t ON t.id = r.traceback_id \
             WHERE r.run_id = $1 ORDER BY r.position"
        );
        Ok(self.client.query(&sql, &[&run_id])?.iter().map(result_row).collect())
    }

    fn test_history(&mut self, nodeid: &str, limit: usize) -> Result<Vec<(RunRow, ResultRow)>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let sql = format!(
            "SELECT {RESULT_COLUMNS} FROM results r LEFT JOIN tracebacks t ON t.id = r.traceback_id \
             WHERE r.nodeid = $1 ORDER BY r.run_id DESC LIMIT $2"
        );
        let results: Vec<ResultRow> = self
            .client
            .query(&sql, &[&nodeid, &limit])?
            .iter()
            .map(result_row)
            .collect();
        crate::with_runs(results, |id| self.run(id))
    }

    fn outcomes(&mut self, run_ids: &[i64], filter: OutcomeFilter<'_>) -> Result<Vec<OutcomeRow>, StoreError> {
        let condition = filter.condition("= ANY($2)");
        let sql = format!("SELECT run_id, nodeid, outcome, duration FROM results WHERE run_id = ANY($1){condition}");
        let rows = match filter {
            OutcomeFilter::Tests(nodeids) => self.client.query(&sql, &[&run_ids, &nodeids])?,
            _ => self.client.query(&sql, &[&run_ids])?,
        };
        Ok(rows
            .iter()
            .map(|row| OutcomeRow {
                run_id: row.get(0),
                nodeid: row.get(1),
                outcome: parse_outcome(row.get::<_, &str>(2)),
                duration: row.get(3),
            })
            .collect())
    }

    fn record_attempt(&mut self, a: &AttemptRow) -> Result<i64, StoreError> {
        let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let row = self.client.query_one(
            "INSERT INTO attempts (started_at, finished_at, nodeid, pattern, attempt, temperature, provider, model, \
             prompt_chars, response_chars, prompt_tokens, completion_tokens, diff, verdict, reason, journal_id, \
             git_commit, run_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
             RETURNING id",
            &[
                &a.started_at,
                &a.finished_at,
                &a.nodeid,
                &a.pattern,
                &int(a.attempt),
                &a.temperature,
                &a.provider,
                &a.model,
                &count(a.prompt_chars),
                &count(a.response_chars),
                &a.prompt_tokens.map(count),
                &a.completion_tokens.map(count),
                &a.diff,
                &a.verdict,
                &a.reason,
                &a.journal_id,
                &a.git_commit,
                &a.run_id,
            ],
        )?;
        Ok(row.get(0))
    }

    fn attempts(&mut self, nodeid: Option<&str>, limit: usize) -> Result<Vec<AttemptRow>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let sql = format!(
            "SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE $1::TEXT IS NULL OR nodeid = $1 ORDER BY id DESC LIMIT $2"
        );
        Ok(self
            .client
            .query(&sql, &[&nodeid, &limit])?
            .iter()
            .map(|row| AttemptRow {
                id: row.get(0),
                started_at: row.get(1),
                finished_at: row.get(2),
                nodeid: row.get(3),
                pattern: row.get(4),
                attempt: row.get::<_, i32>(5).unsigned_abs(),
                temperature: row.get(6),
                provider: row.get(7),
                model: row.get(8),
                prompt_chars: row.get::<_, i64>(9).unsigned_abs(),
                response_chars: row.get::<_, i64>(10).unsigned_abs(),
                prompt_tokens: row.get::<_, Option<i64>>(11).map(i64::unsigned_abs),
                completion_tokens: row.get::<_, Option<i64>>(12).map(i64::unsigned_abs),
                diff: row.get(13),
                verdict: row.get(14),
                reason: row.get(15),
                journal_id: row.get(16),
                git_commit: row.get(17),
                run_id: row.get(18),
            })
            .collect())
    }

    fn schema_version(&mut self) -> Result<u32, StoreError> {
        Ok(self
            .client
            .query_one("SELECT version FROM fixpoint_schema", &[])?
            .get::<_, i32>(0)
            .unsigned_abs())
    }
}
