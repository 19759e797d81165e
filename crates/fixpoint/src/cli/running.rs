//! The flags of `run`, `import` and `ci`: running the suite and guarding CI.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use fixpoint_pytest::Shard;
use fixpoint_store::priority::Order;

use super::OutputFormat;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Files, directories or node ids to run [default: pytest's own testpaths].
    #[arg(value_name = "PATHS")]
    pub paths: Vec<String>,
    /// Only tests matching this keyword expression (pytest's -k).
    #[arg(short = 'k', value_name = "EXPR")]
    pub keyword: Option<String>,
    /// Only tests matching this marker expression (pytest's -m).
    #[arg(short = 'm', value_name = "MARKEXPR")]
    pub markers: Option<String>,
    /// Run a named group from [tool.fixpoint.groups] in pyproject.toml (or fixpoint.toml).
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,
    /// Number of pytest processes to run at once, each over a share of the tests.
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    pub jobs: Option<u32>,
    /// Run one deterministic slice of the suite: `M/N` or `count:M/N` (test number i
    /// goes to slice i mod N + 1) or `hash:M/N` (by a hash of the node id).
    #[arg(long, value_name = "M/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Rerun failing tests up to N times; a test that then passes is `flaky`.
    #[arg(long, value_name = "N")]
    pub reruns: Option<u32>,
    /// Kill a test that runs longer than this many seconds and record it as `timeout`.
    #[arg(long, value_name = "SECS")]
    pub test_timeout: Option<f64>,
    /// Stop the whole run after this many seconds.
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
    /// The CI build this run belongs to, shared by its shards [default: $FIXPOINT_BUILD_ID,
    /// $GITHUB_RUN_ID, $CI_PIPELINE_ID, ...].
    #[arg(long, value_name = "ID")]
    pub build_id: Option<String>,
    /// Do not record the run in the history.
    #[arg(long)]
    pub no_record: bool,
    /// Run the tests in this order, ranked from the history: `failed-first` (the tests
    /// that failed last time), `risk` (recent failures, flakiness, and whether the files
    /// changed since the last green run reach them), `duration` (shortest first) or
    /// `random` [default: pytest's order].
    #[arg(long, value_name = "ORDER", value_parser = order_parser())]
    pub order: Option<Order>,
    /// Run only the highest-ranked tests whose recorded durations fit in this much time
    /// (`90s`, `2m`, `1h30m`, or seconds), by `--order` [default order with a budget:
    /// risk]; the summary names what was left out.
    #[arg(long, value_name = "DURATION", value_parser = fixpoint_app::order::parse_duration)]
    pub budget: Option<f64>,
    /// The seed of `--order random` [default: from the clock; the summary prints it].
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Extra arguments for pytest, after `--`.
    #[arg(last = true, value_name = "PYTEST_ARGS")]
    pub pytest_args: Vec<String>,
}

/// `--order`'s names, from the one list of orders.
fn order_parser() -> impl clap::builder::TypedValueParser<Value = Order> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(Order::ALL.map(Order::as_str))
        .map(|name| Order::parse(&name).expect("a possible value is an order"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// Decide from the file's first character.
    Auto,
    Junit,
    Reportlog,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The report file to read.
    pub file: PathBuf,
    /// The file's format.
    #[arg(long, value_enum, default_value_t = ImportFormat::Auto)]
    pub format: ImportFormat,
    /// The CI build this run belongs to.
    #[arg(long, value_name = "ID")]
    pub build_id: Option<String>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}

fn parse_shard(text: &str) -> Result<Shard, String> {
    text.parse()
}

#[derive(Debug, Args)]
pub struct CiArgs {
    /// Paths or node ids to run [default: the whole suite].
    #[arg(value_name = "PATHS")]
    pub paths: Vec<String>,
    /// The branch whose latest whole-suite run in the history is the baseline
    /// [default: the repository's default branch: origin/HEAD, else
    /// init.defaultBranch, else main or master].
    #[arg(long, value_name = "BRANCH", conflicts_with_all = ["baseline_run", "baseline"])]
    pub baseline_branch: Option<String>,
    /// A run in the history to compare with instead (an id, `latest~N`).
    #[arg(long, value_name = "RUN", conflicts_with = "baseline")]
    pub baseline_run: Option<String>,
    /// A baseline file: `fixpoint report --format json` (or `fixpoint run --output-format json`) output.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Fail on any failing test, not only new ones.
    #[arg(long)]
    pub strict: bool,
    /// Write the run as JUnit XML to this file.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Print GitHub Actions annotations (errors for new failures, warnings for known
    /// ones) and append a Markdown summary to $GITHUB_STEP_SUMMARY.
    #[arg(long)]
    pub github: bool,
    /// Rerun failing tests up to N times; a test that then passes is `flaky` and
    /// does not fail the build [default: `reruns` in [tool.fixpoint], else 0].
    #[arg(long, value_name = "N")]
    pub reruns: Option<u32>,
    /// pytest processes to run at once.
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<u32>,
    /// Seconds one test may run [default: test-timeout in [tool.fixpoint]].
    #[arg(long, value_name = "SECONDS")]
    pub test_timeout: Option<f64>,
    /// The CI build this run belongs to [default: $FIXPOINT_BUILD_ID, $GITHUB_RUN_ID,
    /// $CI_PIPELINE_ID, ...].
    #[arg(long, value_name = "ID")]
    pub build_id: Option<String>,
    /// Fail the build when a test got slower (a duration regression over the whole-suite
    /// runs in the history, this one included); without it, slowdowns are warnings.
    #[arg(long)]
    pub fail_on_slowdown: bool,
    #[command(flatten)]
    pub detector: super::DetectorArgs,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}
