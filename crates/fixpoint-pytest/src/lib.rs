//! Runs a project's pytest suite and knows, for every test, what happened.
//!
//! fixpoint starts pytest as a child process with a small plugin it carries
//! inside its binary ([`plugin`]); the plugin streams one JSON event per line
//! ([`events`]) and the runner ([`runner`]) folds them into a
//! [`fixpoint_core::Run`], surviving hangs and crashes on the way. Runs made
//! elsewhere come in through [`import`] (JUnit XML, pytest-reportlog).
//!
//! ```no_run
//! use std::sync::atomic::AtomicBool;
//! use fixpoint_pytest::{interpreter, runner};
//!
//! let project = std::path::Path::new("examples/dreamforge");
//! let python = interpreter::discover(None, project, &|key| std::env::var_os(key))?;
//! let options = runner::RunOptions {
//!     interpreter: python,
//!     project_dir: project.to_path_buf(),
//!     pytest_args: vec![],
//!     jobs: 2,
//!     shard: None,
//!     reruns: 1,
//!     test_timeout: Some(std::time::Duration::from_secs(10)),
//!     timeout: None,
//!     durations: Default::default(),
//!     env: vec![],
//! };
//! let run = runner::run(&options, &mut runner::Silent, &AtomicBool::new(false))?;
//! println!("{}", run.counts.summary(run.info.duration));
//! # Ok::<(), fixpoint_pytest::PytestError>(())
//! ```

mod aggregate;
pub mod config;
mod error;
pub mod events;
pub mod import;
pub mod interpreter;
pub mod plugin;
pub mod runner;
mod shard;
mod sys;

pub use aggregate::ResultBuilder;
pub use error::PytestError;
pub use shard::{Shard, ShardKind};
