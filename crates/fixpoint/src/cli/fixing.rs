//! The flags of `fix`, `check`, `repair`, `attempts`, `undo`, `journal` and
//! `migrate`: changing the code.

use clap::{Args, Subcommand, ValueEnum};

use super::OutputFormat;

#[derive(Debug, Args)]
pub struct FixArgs {
    /// Only fix files under these paths.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<String>,
    /// Only these fixers (codes or names, comma-separated), e.g. FP002 or missing-import.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Vec<String>,
    /// Skip these fixers.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Vec<String>,
    /// Also apply fixes marked unsafe.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print a unified diff of every change and write nothing.
    #[arg(long)]
    pub diff: bool,
    /// Log what would change and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The run whose failures to fix [default: latest].
    #[arg(long, value_name = "RUN")]
    pub run: Option<String>,
    /// Apply the fixers wherever their pattern occurs in the project, not only where the
    /// latest run's failures point (FP001 second-name imports, FP002 unbound well-known
    /// names, FP003 every Pydantic v1 construct).
    #[arg(long)]
    pub all: bool,
    /// Write the fixes without running the tests they reach. By default `fix` reruns
    /// the tests the changed files affect (through the import graph), takes back every
    /// file whose fix breaks a test that passed or keeps the suite from starting, and
    /// keeps the rest.
    #[arg(long)]
    pub no_verify: bool,
    /// Verify the fixes with the tests (the default; kept for older scripts).
    #[arg(long, hide = true, conflicts_with_all = ["diff", "dry_run", "no_verify"])]
    pub verify: bool,
    /// After the batch fixes, run the suite and send what still fails to the model
    /// (`fixpoint repair`); the Repair flags below apply.
    #[arg(long, conflicts_with_all = ["diff", "dry_run"])]
    pub repair: bool,
    #[command(flatten, next_help_heading = "Repair (with --repair)")]
    pub repair_options: RepairOptions,
}

#[derive(Debug, Args)]
pub struct RepairArgs {
    /// The failing tests to repair [default: one representative of every failing pattern].
    #[arg(value_name = "NODEID")]
    pub nodeids: Vec<String>,
    /// Repair the representative of this triage pattern (`fixpoint triage` lists them).
    #[arg(long, value_name = "ID", conflicts_with = "nodeids")]
    pub pattern: Option<String>,
    #[command(flatten)]
    pub options: RepairOptions,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}

/// The model and the loop's limits; each overrides [tool.fixpoint.repair].
#[derive(Debug, Clone, Default, Args)]
pub struct RepairOptions {
    /// The model, as the endpoint names it (gpt-4o, qwen2.5-coder:14b, claude-sonnet-4-5).
    #[arg(long, value_name = "NAME")]
    pub model: Option<String>,
    /// The endpoint without its path: any OpenAI-compatible server (Ollama
    /// http://localhost:11434/v1, vLLM, llama.cpp, LM Studio) [default: the provider's API].
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// The protocol the endpoint speaks [default: openai].
    #[arg(long, value_enum)]
    pub provider: Option<ProviderArg>,
    /// Attempts per test [default: 3].
    #[arg(long, value_name = "N")]
    pub max_retries: Option<u32>,
    /// The first attempt's temperature [default: 0.4].
    #[arg(long, value_name = "T")]
    pub temperature: Option<f64>,
    /// Added to the temperature after each failed attempt [default: 0.1].
    #[arg(long, value_name = "STEP")]
    pub temperature_step: Option<f64>,
    /// Tokens of context per prompt [default: 12000].
    #[arg(long, value_name = "TOKENS")]
    pub context_tokens: Option<u32>,
    /// Tokens per answer [default: 4096].
    #[arg(long, value_name = "TOKENS")]
    pub max_tokens: Option<u32>,
    /// Tokens (prompts and answers) this command may spend in all [default: 200000].
    #[arg(long, value_name = "TOKENS")]
    pub token_budget: Option<u64>,
    /// Requests per minute [default: no limit].
    #[arg(long, value_name = "N")]
    pub requests_per_minute: Option<u32>,
    /// Seconds one request to the model may take [default: 120].
    #[arg(long, value_name = "SECONDS")]
    pub request_timeout: Option<f64>,
    /// Retries of a request after a 429, a 5xx or a timeout [default: 3].
    #[arg(long, value_name = "N")]
    pub http_retries: Option<u32>,
    /// Let the model edit what judges its fix: test files, conftest.py,
    /// pytest's configuration and plugins (a fix could then weaken the test).
    #[arg(long)]
    pub allow_test_edits: bool,
    /// Leave repairs uncommitted [default: one git commit per repaired test].
    #[arg(long)]
    pub no_commit: bool,
    /// Create this git branch and commit there.
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,
    /// Start even when the work tree has uncommitted changes.
    #[arg(long)]
    pub allow_dirty: bool,
    /// Seconds one test may run in the verification runs [default: test-timeout in [tool.fixpoint]].
    #[arg(long, value_name = "SECONDS")]
    pub test_timeout: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProviderArg {
    /// OpenAI's chat-completions protocol (OpenAI, Ollama, vLLM, llama.cpp, LM Studio).
    Openai,
    /// Anthropic's Messages API.
    Anthropic,
}

#[derive(Debug, Args)]
pub struct AttemptsArgs {
    /// Only this test's attempts.
    #[arg(value_name = "NODEID")]
    pub nodeid: Option<String>,
    /// How many attempts to list.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub limit: usize,
    /// Also print each attempt's diff.
    #[arg(long)]
    pub diff: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Only check files under these paths.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<String>,
    /// Only these rules (codes or names, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Skip these rules [default: `ignore` under [tool.fixpoint.fix]].
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Apply the fixes for what was found, through the journal.
    #[arg(long)]
    pub fix: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// The journal entry to undo [default: the newest change not undone].
    pub id: Option<String>,
    /// Restore even files that changed since fixpoint wrote them.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct JournalArgs {
    /// Check the journal proves itself: every entry's seal, the hash chain
    /// between entries and every backup's hash. Names the first bad entry
    /// and exits 2 when one does not match.
    #[arg(long)]
    pub verify: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Subcommand)]
pub enum MigrateCommand {
    /// Pydantic 1 to 2: per module, the full v2 migration (FP003) where the module uses
    /// only API with a v2 equivalent, else the `pydantic.v1` namespace (FP007); modules
    /// that share models stay on one side, and a group whose tests v2 breaks falls back
    /// to the namespace. Written through the journal.
    Pydantic(MigratePydanticArgs),
    /// SQLAlchemy 1.x to 2.0 (FP009), in rounds under the installed 2.0: run the
    /// suite, rewrite the code (every file under PATHS, and the lines the tracebacks
    /// point at), keep what the tests it reaches confirm, and go again until a round
    /// brings nothing new. Each round is one journal entry.
    Sqlalchemy(MigrateSqlalchemyArgs),
}

#[derive(Debug, Args)]
pub struct MigrateSqlalchemyArgs {
    /// Only files under these paths are rewritten (the whole suite runs).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<String>,
    /// Also apply unsafe rewrites (a bind that is not a module-level name, a row
    /// on a line with several candidates).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the static rewrites as a unified diff and write nothing (no test runs).
    #[arg(long)]
    pub diff: bool,
    /// Print the static rewrites and write nothing (no test runs).
    #[arg(long)]
    pub dry_run: bool,
    /// Rewrite nothing: run the suite once under the installed SQLAlchemy 1.4 with
    /// `SQLALCHEMY_WARN_20=1` and list every `RemovedIn20Warning` raised in the
    /// project's files, to migrate before upgrading.
    #[arg(long, conflicts_with_all = ["diff", "dry_run"])]
    pub warnings: bool,
    /// Stop after this many rounds.
    #[arg(long, default_value_t = fixpoint_app::migrate::sqlalchemy::MAX_ROUNDS, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_rounds: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MigrationStrategy {
    /// Choose per module.
    Auto,
    /// Every module to the v2 API.
    V2,
    /// Every module to the `pydantic.v1` namespace.
    V1Namespace,
}

#[derive(Debug, Args)]
pub struct MigratePydanticArgs {
    /// Only modules under these paths.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<String>,
    #[arg(long, value_enum, default_value_t = MigrationStrategy::Auto)]
    pub strategy: MigrationStrategy,
    /// Also apply unsafe conversions (v1 methods on receivers of unknown type, ...).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print a unified diff and write nothing.
    #[arg(long)]
    pub diff: bool,
    /// Print what would change and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// With `--strategy auto`, keep the static choice without running the tests
    /// (by default the tests the v2 modules reach run on v2 and on the v1 namespace,
    /// and a group of modules whose tests pass less often on v2 falls back).
    #[arg(long)]
    pub no_verify: bool,
    /// A group of modules whose tests v2 makes worse goes through the repair loop
    /// (`fixpoint repair`, told what was migrated and what is left of Pydantic 1)
    /// before it falls back to `pydantic.v1`; nothing is committed. The Repair
    /// flags below apply.
    #[arg(long, conflicts_with_all = ["diff", "dry_run", "no_verify"])]
    pub repair: bool,
    #[command(flatten, next_help_heading = "Repair (with --repair)")]
    pub repair_options: RepairOptions,
}
