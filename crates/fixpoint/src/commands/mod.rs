pub mod import;
pub mod run;

use std::io::{self, Write};

use fixpoint_core::Run;
use serde_json::json;

/// The JSON document `--output-format json` prints (docs/json.md).
pub const JSON_SCHEMA_VERSION: u32 = 1;

pub fn print_run_json(run: &Run) -> io::Result<()> {
    let document = json!({
        "schema_version": JSON_SCHEMA_VERSION,
        "info": run.info,
        "counts": run.counts,
        "tests": run.tests,
    });
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &document)?;
    writeln!(out)
}
