//! Every flag of every command, with its documentation as `--help`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod fixing;
mod reading;
mod running;
mod tools;
mod workflow;

pub use fixing::*;
pub use reading::*;
pub use running::*;
pub use tools::*;
pub use workflow::*;

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
    /// List the slowest tests with their trend, CPU time, peak memory and share of the
    /// suite's time, and the tests that got slower (duration regressions over the
    /// whole-suite runs in the history).
    Slow(SlowArgs),
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
    /// history, compare_runs, flaky_tests, slow_tests, generate_testdata, list_rules, validate_rules,
    /// analyze_repo, pack_context. Resources: fixpoint://runs/latest, fixpoint://runs/{id},
    /// fixpoint://failures/{nodeid}, fixpoint://patterns, fixpoint://docs/{name},
    /// fixpoint://rules/{name}, fixpoint://stories/{id}. Prompts: fix-failing-test,
    /// triage-summary, write-rule-from-pattern, work-next-story. Read-only unless
    /// --allow-writes.
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
    /// Write the plan to green in .ai/: a PRD with today's numbers, an architecture note,
    /// one epic per failure category and one story per pattern of the latest whole-suite
    /// run, with its failing tests as acceptance criteria and its fix.
    ///
    /// Statuses (Draft, In Progress, Done, Skipped) follow the history after every
    /// recorded run: a story is Done when all its tests pass in a whole-suite run. Notes
    /// inside `<!-- CUSTOM: notes -->` blocks are kept; a file edited elsewhere is left
    /// as it is unless --force. Also writes .cursor/rules/fixpoint-workflow.mdc and a line
    /// in AGENTS.md.
    Plan(PlanArgs),
    /// Write .workflow/ from the real events: the hash-chained state log
    /// (state-chain/chain.json: every run, fix, undo, repair attempt and verification),
    /// the lessons from what was taken back (reflexion/index.json) and per-story
    /// evaluations (evals/task-evals.json). `[tool.fixpoint] workflow = true` writes it
    /// after every run.
    Workflow(WorkflowArgs),
    /// Test data from the project's own models: discover them, generate factories, a seed
    /// script and fixtures, and verify them against a real database.
    #[command(subcommand)]
    Testdata(TestdataCommand),
}

/// The duration regression detector's flags, for `slow` and `ci`.
#[derive(Debug, Clone, Args)]
pub struct DetectorArgs {
    /// How a test's recent durations are scored against its earlier ones: `zscore` (mean
    /// and standard deviation), `mad` (median absolute deviation) or `iqr` (distance above
    /// the upper quartile, in interquartile ranges); see docs/intelligence.md.
    #[arg(long, value_name = "METHOD", default_value = fixpoint_store::slowdown::Method::DEFAULT.as_str(), value_parser = method_parser())]
    pub method: fixpoint_store::slowdown::Method,
    /// Runs on each side of a change the detector compares.
    #[arg(long, value_name = "RUNS", default_value_t = fixpoint_store::slowdown::Detector::DEFAULT_WINDOW)]
    pub window: usize,
    /// The score above which a test has slowed down [default: 3 for zscore, 3.5 for mad,
    /// 1.5 for iqr].
    #[arg(long, value_name = "SCORE", allow_negative_numbers = true)]
    pub threshold: Option<f64>,
    /// Runs a test needs before a change before it can be judged.
    #[arg(long, value_name = "RUNS", default_value_t = fixpoint_store::slowdown::Detector::DEFAULT_MIN_SAMPLES)]
    pub min_samples: usize,
}

/// `--method`'s names, from the one list of methods.
fn method_parser() -> impl clap::builder::TypedValueParser<Value = fixpoint_store::slowdown::Method> {
    use clap::builder::TypedValueParser as _;
    use fixpoint_store::slowdown::Method;
    clap::builder::PossibleValuesParser::new(Method::ALL.map(Method::as_str))
        .map(|name| Method::parse(&name).expect("a possible value is a method"))
}

impl DetectorArgs {
    /// The detector these flags ask for; a window or minimum below 2, or a
    /// threshold that is not a positive number, is a usage error.
    pub fn detector(&self) -> Result<fixpoint_store::slowdown::Detector, fixpoint_app::AppError> {
        fixpoint_app::slow::detector(self.method, self.window, self.threshold, self.min_samples)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Progress and a pytest-style summary for people.
    Text,
    /// The whole run as one JSON document on stdout (see docs/json.md).
    Json,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    /// `report --format` takes every renderer's name, and only those.
    #[test]
    fn report_takes_every_format_by_name() {
        use clap::Parser;
        for (name, format) in fixpoint_report::Format::ALL {
            let cli = Cli::try_parse_from(["fixpoint", "report", "--format", name]).unwrap();
            let super::Command::Report(args) = cli.command else {
                panic!("{name}")
            };
            assert_eq!(args.format, format);
        }
        assert!(Cli::try_parse_from(["fixpoint", "report", "--format", "pdf"]).is_err());
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
