//! `plan` and `workflow`: the campaign to green as files an assistant follows.

use clap::{Args, Subcommand};

use super::OutputFormat;

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Replace files edited outside their CUSTOM block (or not written by fixpoint)
    /// instead of leaving them as they are.
    #[arg(long)]
    pub force: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct WorkflowArgs {
    #[command(subcommand)]
    pub command: Option<WorkflowCommand>,
    /// Remove the execution state (.workflow/state-chain, reflexion, evals) and keep the
    /// planning files (.ai/ and .workflow's decisions), instead of syncing.
    #[arg(long)]
    pub clean_workflow: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Subcommand)]
pub enum WorkflowCommand {
    /// Check every link of the state chain: "no broken links", or the first broken
    /// entry and why (exit 1).
    Verify {
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        output_format: OutputFormat,
    },
}
