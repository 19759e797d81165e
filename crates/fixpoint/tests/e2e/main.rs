//! End-to-end tests: the real `fixpoint` binary against real Python projects
//! run by real pytest.
//!
//! They need a Python with pytest (and pytest-reportlog) installed, named by
//! `FIXPOINT_TEST_PYTHON`; `scripts/test` creates one and sets it.

mod analyze;
mod dreamforge;
mod errors;
mod hazards;
mod history;
mod hostile;
mod import;
mod intelligence;
mod mcp;
mod migrate;
mod outcomes;
mod plan;
mod repair;
mod repair_safety;
mod report;
mod rules;
mod safety;
mod stdlib;
mod suggestions;
mod support;
mod testdata;
mod workflow;
