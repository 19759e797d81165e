//! Where the project's history lives and how runs in it are named: opening
//! the store (`--db`, `FIXPOINT_DB_URL`, `[tool.fixpoint] db`, the default
//! file) and resolving `latest`, `latest~N` or a run id.

use std::collections::HashMap;
use std::env;
use std::fs;
use std::path::Path;
use std::time::Duration;

use fixpoint_store::{Location, RunRow, Store};

use crate::{AppError, Project};

/// Opens the project's history: `--db`, else `FIXPOINT_DB_URL`, else
/// `[tool.fixpoint] db`, else `.fixpoint/fixpoint.db` in the project.
pub fn open_store(project: &Project, db: Option<&str>) -> Result<Box<dyn Store>, AppError> {
    let location = store_location(project, db)?;
    if let Location::Sqlite(path) = &location {
        ensure_ignored(path);
    }
    let busy = env::var("FIXPOINT_DB_BUSY_TIMEOUT")
        .ok()
        .and_then(|secs| secs.parse::<f64>().ok())
        .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
        .unwrap_or(fixpoint_store::DEFAULT_BUSY_TIMEOUT);
    Ok(fixpoint_store::open_with_busy_timeout(&location, busy)?)
}

pub fn store_location(project: &Project, db: Option<&str>) -> Result<Location, AppError> {
    let configured = db
        .map(str::to_owned)
        .or_else(|| env::var("FIXPOINT_DB_URL").ok().filter(|url| !url.is_empty()))
        .or_else(|| project.settings.db.clone());
    let configured = configured
        .as_deref()
        .map(Location::parse)
        .transpose()
        .map_err(AppError::Usage)?;
    Ok(match configured {
        Some(Location::Sqlite(path)) => Location::Sqlite(project.root.join(path)),
        Some(postgres) => postgres,
        None => Location::Sqlite(project.root.join(".fixpoint").join("fixpoint.db")),
    })
}

/// fixpoint's own directory keeps itself out of git, as `.ruff_cache` does.
fn ensure_ignored(database: &Path) {
    if let Some(dir) = database
        .parent()
        .filter(|dir| dir.file_name().is_some_and(|name| name == ".fixpoint"))
    {
        let ignore = dir.join(".gitignore");
        if !ignore.exists() && fs::create_dir_all(dir).is_ok() {
            let _ = fs::write(ignore, "# Automatically created by fixpoint.\n*\n");
        }
    }
}

/// `latest`, `latest~N` (N runs before the latest) or a run id.
pub fn resolve_run(store: &mut dyn Store, reference: &str) -> Result<RunRow, AppError> {
    let back = match reference {
        "latest" => Some(0),
        other => other.strip_prefix("latest~").and_then(|n| n.parse::<usize>().ok()),
    };
    if let Some(back) = back {
        let runs = store.runs(back + 1)?;
        if runs.is_empty() {
            return Err(AppError::NoRuns);
        }
        return runs
            .into_iter()
            .nth(back)
            .ok_or_else(|| AppError::UnknownRun(reference.to_owned()));
    }
    let id: i64 = reference
        .parse()
        .map_err(|_| AppError::UnknownRun(reference.to_owned()))?;
    store.run(id)?.ok_or_else(|| AppError::UnknownRun(reference.to_owned()))
}

/// Each test's duration in the newest run that was not a shard (empty when
/// there is none): what `-j` balancing needs.
pub fn latest_durations(store: &mut dyn Store) -> Result<HashMap<String, f64>, AppError> {
    let Some(run) = store.runs(20)?.into_iter().find(|run| run.shard.is_none()) else {
        return Ok(HashMap::new());
    };
    Ok(store
        .results(run.id)?
        .into_iter()
        .map(|result| (result.nodeid, result.duration))
        .collect())
}
