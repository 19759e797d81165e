//! Every flag of every command, with its documentation as `--help`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use fixpoint_pytest::Shard;

/// fixpoint takes a Python project's failing pytest suite to green and keeps it there.
///
/// Exit codes: 0 everything passed, 1 tests failed, 2 usage or tool error.
#[derive(Debug, Parser)]
#[command(name = "fixpoint", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub global: GlobalArgs,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The project directory [default: the nearest directory at or above the
    /// current one with a pyproject.toml, pytest.ini, setup.cfg, tox.ini or fixpoint.toml].
    #[arg(long, global = true, value_name = "DIR")]
    pub project: Option<PathBuf>,
    /// The Python interpreter that runs the tests [default: $FIXPOINT_PYTHON, then the
    /// project's .venv/ or venv/, then $VIRTUAL_ENV, then python3 on PATH].
    #[arg(long, global = true, value_name = "PATH")]
    pub python: Option<PathBuf>,
    /// Print only results and errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print every test as it finishes, passes included, even on a terminal.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Never draw a progress bar.
    #[arg(long, global = true)]
    pub no_progress: bool,
    /// Where the history lives: a postgres:// URL or a SQLite file [default: $FIXPOINT_DB_URL,
    /// then `db` in [tool.fixpoint], then .fixpoint/fixpoint.db in the project].
    #[arg(long, global = true, value_name = "URL")]
    pub db: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the project's pytest suite and record what happened to every test.
    ///
    /// pytest runs as a child process with fixpoint's plugin; a collection error in
    /// one file never stops the others, a hanging test is killed after --test-timeout,
    /// and a test that crashes the interpreter is recorded as `crashed` while the run
    /// goes on.
    Run(RunArgs),
    /// Read a run produced elsewhere: JUnit XML (`pytest --junitxml`) or
    /// pytest-reportlog JSON lines (`pytest --report-log`), and record it.
    Import(ImportArgs),
    /// List recorded runs, newest first, with their pass rate and its trend.
    History(HistoryArgs),
    /// Show one run's results, failures first.
    Show(ShowArgs),
    /// Compare two runs: new failures, fixed tests, still failing, new and removed tests.
    Compare(CompareArgs),
    /// Show one test's history: outcome per run, durations, and since when it fails.
    Test(TestArgs),
    /// List flaky tests: outcomes that flipped on one commit, or passes on rerun.
    Flaky(FlakyArgs),
    /// Show the road to green since a baseline run: failing, fixed and newly broken per run.
    Progress(ProgressArgs),
    /// Sort a run's failures into root-cause patterns, ranked by how many tests each
    /// one breaks, with the fix that applies to each.
    Triage(TriageArgs),
    /// Explain one failure: its category, pattern, trimmed traceback, related tests and fix.
    Explain(ExplainArgs),
    /// Apply the batch fixes the latest run's failures call for, through the journal.
    ///
    /// Every change is logged; `--diff` shows it without writing; `fixpoint undo`
    /// restores the originals.
    #[command(after_long_help = fixpoint_core::fixer::fixer_help("Fixers", |_| true))]
    Fix(FixArgs),
    /// Restore the files a fix changed, byte for byte (default: the newest change).
    Undo(UndoArgs),
    /// List the changes fixpoint wrote: when, by which fixers, to which files.
    Journal(JournalArgs),
    /// Move a codebase to a new major version of a library, module by module.
    #[command(subcommand)]
    Migrate(MigrateCommand),
    /// Repair failing tests with an LLM: generate a fix, apply it, rerun the affected
    /// tests, revert on failure and retry at a higher temperature, commit on success.
    ///
    /// Without NODEIDs, one representative of every failing pattern of the latest run is
    /// repaired. A change is kept only when the target passes and no test that passed
    /// before fails; otherwise it is reverted through the journal and the model is told
    /// why. Test files are never edited unless --allow-test-edits; secrets (keys,
    /// tokens, .env values) never enter a prompt. The key comes from FIXPOINT_API_KEY,
    /// else OPENAI_API_KEY (or ANTHROPIC_API_KEY with --provider anthropic).
    Repair(RepairArgs),
    /// List the repair attempts stored in the history, newest first.
    Attempts(AttemptsArgs),
    /// Report a run: summary, patterns, fixes applied, remaining failures, trend.
    ///
    /// Formats: text, markdown, html (a self-contained dashboard), json (docs/reports.md),
    /// junit (as pytest writes it), sarif (SARIF 2.1.0, each failure at its crash line)
    /// and github (workflow annotations; the Markdown report is also appended to
    /// $GITHUB_STEP_SUMMARY when it is set).
    Report(ReportArgs),
    /// Write the test-health documentation: PATTERNS.md, FIXES.md, REMAINING.md and
    /// GUIDELINES.md, from the history and the failure catalog; only changed files are
    /// rewritten.
    Docs(DocsArgs),
    /// Check the source for the patterns the batch fixers know, without running tests:
    /// the regression guard for CI and pre-commit. Exit 1 when any is found.
    ///
    /// `--fix` applies the fixable findings through the journal.
    #[command(after_long_help = fixpoint_core::fixer::fixer_help("Rules", |info| info.check_rule))]
    Check(CheckArgs),
    /// Run the suite in CI and fail only for new failures: tests that fail now and did
    /// not fail in the baseline (the latest run on the default branch in the history, a run,
    /// or a baseline file). Known failures are reported and do not fail the build.
    Ci(CiArgs),
    /// Add fixpoint to the project: a GitHub Actions workflow, a [tool.fixpoint] section
    /// in pyproject.toml and a pre-commit hook for `fixpoint check`. Never overwrites.
    Init,
    /// Serve the project to AI assistants over the Model Context Protocol (stdio, or
    /// streamable HTTP with --http).
    ///
    /// Tools: run_tests, list_failures, triage, explain_failure, fix, undo, repair,
    /// history, compare_runs, flaky_tests, generate_testdata, list_rules, validate_rules,
    /// analyze_repo, pack_context. Resources: fixpoint://runs/latest, fixpoint://runs/{id},
    /// fixpoint://failures/{nodeid}, fixpoint://patterns, fixpoint://docs/{name},
    /// fixpoint://rules/{name}. Prompts: fix-failing-test, triage-summary,
    /// write-rule-from-pattern. Read-only unless --allow-writes.
    Mcp(McpArgs),
    /// Manage the project's Cursor rules (.cursor/rules/*.mdc).
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Describe the repository: layout, languages and line counts, test layout,
    /// frameworks (with the evidence), and import cycles.
    Analyze {
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        output_format: OutputFormat,
    },
    /// Pack the files an LLM needs into one document within a token budget: the files
    /// under PATHS (honouring .gitignore), or with --for the files around a failing test.
    /// Secrets are redacted; .env files are never included.
    Context(ContextArgs),
    /// Test data from the project's own models: discover them, generate factories, a seed
    /// script and fixtures, and verify them against a real database.
    #[command(subcommand)]
    Testdata(TestdataCommand),
}

#[derive(Debug, Args)]
pub struct ContextArgs {
    /// Files and directories to pack [default: the whole project].
    #[arg(value_name = "PATHS", conflicts_with = "for_test")]
    pub paths: Vec<String>,
    /// Pack what a model needs to fix this failing test instead.
    #[arg(long = "for", value_name = "NODEID")]
    pub for_test: Option<String>,
    /// Tokens the document may hold (estimated at 4 characters a token).
    #[arg(long, default_value_t = 32_000, value_name = "TOKENS")]
    pub budget: usize,
    #[arg(long, value_enum, default_value_t = ContextFormat::Markdown)]
    pub format: ContextFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ContextFormat {
    Markdown,
    Xml,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules: name, type (always, auto, agent, manual), globs, description.
    List {
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        output_format: OutputFormat,
    },
    /// Check every rule: front matter that parses, the types of description, globs and
    /// alwaysApply, absolute globs, globs that match no file, empty bodies, rules over
    /// 500 lines. Exit 1 when any error is found.
    Validate {
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        output_format: OutputFormat,
    },
    /// Create .cursor/rules/NAME.mdc from a template of the given type.
    New {
        /// The rule's name: lower-case letters, digits, `-` and `_`.
        name: String,
        /// always: in every request; auto: attached by globs; agent: read when the agent
        /// decides (by its description); manual: only when mentioned.
        #[arg(long = "type", value_enum, default_value_t = RuleKind::Auto)]
        kind: RuleKind,
    },
    /// Move the legacy .cursorrules file and v1 *.mdc.md files to .cursor/rules/*.mdc
    /// (journaled: `fixpoint undo` takes it back; a second run changes nothing).
    Migrate,
    /// Write a rule per failure category the history has seen (from its guideline),
    /// attached to the files where those failures occurred, and an AGENTS.md section.
    Generate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RuleKind {
    Always,
    Auto,
    Agent,
    Manual,
}

#[derive(Debug, Args)]
pub struct McpArgs {
    /// Let `fix` (with apply), `undo` and `repair` change files.
    #[arg(long)]
    pub allow_writes: bool,
    /// Serve streamable HTTP at http://ADDRESS/mcp instead of stdio (loopback only,
    /// e.g. 127.0.0.1:8765; port 0 picks a free one, printed on stderr).
    #[arg(long, value_name = "ADDRESS")]
    pub http: Option<std::net::SocketAddr>,
    /// Print the configuration that makes a client start this server, and exit.
    #[arg(long, value_enum, value_name = "CLIENT")]
    pub print_config: Option<McpClient>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum McpClient {
    /// For .cursor/mcp.json (in the project) or ~/.cursor/mcp.json.
    Cursor,
    /// For Claude Desktop's claude_desktop_config.json (or `claude mcp add-json`).
    Claude,
}

#[derive(Debug, Subcommand)]
pub enum TestdataCommand {
    /// Detect the stack and find the models statically (SQLAlchemy classic and 2.0, Django,
    /// Pydantic, prisma/schema.prisma): fields, types, sizes, constraints, keys,
    /// relationships, enums, and the creation order.
    Discover(TestdataDiscoverArgs),
    /// Write tests/factories.py (factory_boy), tests/seed.py (scenarios minimal, full,
    /// edge) and the fixtures of tests/conftest.py, through the journal; blocks marked
    /// `# CUSTOM` are kept, and nothing changes when the models did not.
    Generate(TestdataGenerateArgs),
    /// Run the seed scenarios (minimal, --clean, edge, --clean) against a real database,
    /// then the test suite; a failure names its model and field. The database is a fresh
    /// SQLite file, or the one --db names (postgres://...); exit 1 when a step fails.
    Verify(TestdataVerifyArgs),
}

#[derive(Debug, Args)]
pub struct TestdataDiscoverArgs {
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct TestdataGenerateArgs {
    /// Add the missing dev dependencies (factory-boy, faker) to the dev requirements file
    /// or to [dependency-groups] in pyproject.toml, instead of only reporting them.
    #[arg(long)]
    pub add_deps: bool,
    /// Say which files would change and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Regenerate files edited by hand outside their `# CUSTOM` blocks too (without it they
    /// are left as they are, their lines named, exit 1); the journal keeps the edited text,
    /// so `fixpoint undo` brings it back.
    #[arg(long)]
    pub force: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct TestdataVerifyArgs {
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
}

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

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The run: an id from `fixpoint history`, `latest` or `latest~N`.
    #[arg(default_value = "latest", value_name = "RUN")]
    pub run: String,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Write the report to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Markdown,
    Html,
    Json,
    Junit,
    Sarif,
    Github,
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
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct DocsArgs {
    /// The directory to write, relative to the project root.
    #[arg(long, default_value = "docs/test-health", value_name = "DIR")]
    pub out: PathBuf,
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
pub struct ProgressArgs {
    /// The run to measure from [default: the oldest recorded run].
    #[arg(long, value_name = "RUN")]
    pub baseline: Option<String>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Progress and a pytest-style summary for people.
    Text,
    /// The whole run as one JSON document on stdout (see docs/json.md).
    Json,
}

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
    /// Extra arguments for pytest, after `--`.
    #[arg(last = true, value_name = "PYTEST_ARGS")]
    pub pytest_args: Vec<String>,
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    /// Every command a triage suggestion prints is one this command line takes.
    #[test]
    fn every_suggested_command_parses() {
        use clap::Parser;
        use fixpoint_triage::{CATALOG, Suggestion};
        let commands: Vec<String> = CATALOG
            .iter()
            .filter_map(|category| Suggestion::for_pattern(category.fix, "P000000").command)
            .chain(fixpoint_core::FixerCode::all().filter_map(fixpoint_core::FixerCode::check_command))
            .chain(fixpoint_core::FixerCode::all().map(fixpoint_core::FixerCode::fix_command))
            .collect();
        assert!(commands.iter().any(|command| command.contains("--unsafe-fixes")));
        for command in commands {
            let words: Vec<&str> = command.split_whitespace().collect();
            assert_eq!(words[0], "fixpoint", "{command}");
            if let Err(error) = Cli::try_parse_from(&words) {
                panic!("`{command}` does not parse: {error}");
            }
        }
    }
}
