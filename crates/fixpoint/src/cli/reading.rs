//! The flags of the commands that read the history: `history`, `show`,
//! `compare`, `test`, `flaky`, `progress`, `triage`, `explain`, `report`
//! and `docs`.

use std::path::PathBuf;

use clap::builder::TypedValueParser;
use clap::{Args, ValueEnum};

use super::OutputFormat;

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// How many runs to list.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub limit: usize,
    /// Show each failure pattern's blast radius per run instead of the runs' totals.
    #[arg(long)]
    pub patterns: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A run id, `latest`, or `latest~N` (N runs before the latest).
    #[arg(default_value = "latest", value_name = "RUN")]
    pub run: String,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The earlier run [default: the newest earlier run of the same tests as the latest, else the run before it].
    #[arg(value_name = "A")]
    pub base: Option<String>,
    /// The later run [default: the latest].
    #[arg(value_name = "B")]
    pub head: Option<String>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// The test's node id, e.g. tests/test_dice.py::test_roll.
    pub nodeid: String,
    /// How many runs to look back.
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub limit: usize,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct FlakyArgs {
    /// How many of the newest runs to look at.
    #[arg(long, default_value_t = 30, value_name = "N")]
    pub window: usize,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct SlowArgs {
    /// How many of the slowest tests to list.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub limit: usize,
    /// Take each test's median over the newest N whole-suite runs (1: the latest one).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub runs: usize,
    #[command(flatten)]
    pub detector: super::DetectorArgs,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct ProgressArgs {
    /// The run to measure from [default: the oldest recorded run].
    #[arg(long, value_name = "RUN")]
    pub baseline: Option<String>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TriageFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct TriageArgs {
    /// A run id, `latest`, or `latest~N`.
    #[arg(default_value = "latest", value_name = "RUN")]
    pub run: String,
    #[arg(long, value_enum, default_value_t = TriageFormat::Text)]
    pub output_format: TriageFormat,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The failing test's node id (or the path of a module that failed to collect).
    pub nodeid: String,
    /// The run to look in.
    #[arg(long, default_value = "latest", value_name = "RUN")]
    pub run: String,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The run: an id from `fixpoint history`, `latest` or `latest~N`.
    #[arg(default_value = "latest", value_name = "RUN")]
    pub run: String,
    #[arg(long, default_value = "text", value_parser = report_format())]
    pub format: fixpoint_report::Format,
    /// Write the report to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `--format`'s names, from the renderers' own list.
fn report_format() -> impl TypedValueParser<Value = fixpoint_report::Format> {
    let names = fixpoint_report::Format::ALL.map(|(name, _)| name);
    clap::builder::PossibleValuesParser::new(names)
        .try_map(|name| fixpoint_report::Format::named(&name).ok_or(format!("no format `{name}`")))
}

#[derive(Debug, Args)]
pub struct DocsArgs {
    /// The directory to write, relative to the project root.
    #[arg(long, default_value = "docs/test-health", value_name = "DIR")]
    pub out: PathBuf,
}
