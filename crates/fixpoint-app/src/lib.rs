//! fixpoint's use cases. Every front end (the CLI, CI mode, the MCP server)
//! calls these and holds no logic of its own.
//!
//! ```no_run
//! use std::sync::atomic::AtomicBool;
//! use fixpoint_app::{Project, RunRequest, run_tests};
//!
//! let project = Project::open(Some("examples/dreamforge".as_ref()))?;
//! let request = RunRequest { group: Some("dice".into()), ..RunRequest::default() };
//! let run = run_tests(&project, &request, &mut fixpoint_pytest::runner::Silent, &AtomicBool::new(false))?;
//! assert!(run.counts.total > 0);
//! # Ok::<(), fixpoint_app::AppError>(())
//! ```

pub mod analyze;
mod args;
pub mod check;
pub mod ci;
pub mod context;
mod error;
pub mod fix;
pub mod history;
pub mod init;
pub mod migrate;
pub mod order;
pub mod paths;
mod project;
pub mod record;
pub mod repair;
pub mod report;
pub mod rules;
mod run;
mod settings;
pub mod slow;
pub mod store;
pub mod testdata;
pub mod triage;
pub mod workflow;

pub use error::AppError;
pub use project::Project;
pub use run::{Recording, RunRequest, import_and_record, import_run, run_and_record, run_tests};
pub use settings::{FixerChoice, RepairSettings, Settings};
