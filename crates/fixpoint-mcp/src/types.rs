//! What the tools take and give: their JSON Schemas are generated from these
//! types, so each field's doc comment is what a client reads.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

// ---- tool inputs ---------------------------------------------------------

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RunTestsInput {
    /// Files, directories or node ids, relative to the project root [default: the whole suite].
    #[serde(default)]
    pub paths: Vec<String>,
    /// A group from [tool.fixpoint.groups].
    pub group: Option<String>,
    /// pytest's -k expression.
    pub keyword: Option<String>,
    /// Run in this order, ranked from the history: `failed-first`, `risk`, `duration` or
    /// `random` [default: pytest's order].
    pub order: Option<String>,
    /// Run only the highest-ranked tests whose recorded durations fit in this time: `90s`,
    /// `2m`, `1h30m` or seconds [default order with a budget: risk].
    pub budget: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RunInput {
    /// A run id from `history`, `latest` or `latest~N` [default: latest].
    pub run: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ExplainInput {
    /// The failing test's node id.
    pub nodeid: String,
    /// The run [default: latest].
    pub run: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct FixInput {
    /// Only files under these paths.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Only these fixers (codes or names) [default: `[tool.fixpoint.fix] select`, else
    /// every fixer that is not opt-in].
    #[serde(default)]
    pub select: Vec<String>,
    /// Skip these fixers [default: `[tool.fixpoint.fix] ignore`].
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Also apply fixes marked unsafe [default: `[tool.fixpoint.fix] unsafe-fixes`].
    #[serde(default)]
    pub unsafe_fixes: bool,
    /// Write the changes (needs the server started with --allow-writes) [default: false, a dry run].
    /// Written changes are verified: the tests they reach run again, and a file whose fix
    /// breaks a test that passed (or keeps the suite from starting) is taken back.
    #[serde(default)]
    pub apply: bool,
    /// With `apply`, write without running the tests [default: false].
    #[serde(default)]
    pub no_verify: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UndoInput {
    /// The journal entry [default: the newest change not undone].
    pub id: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RepairInput {
    /// The failing tests to repair [default: one per failing pattern].
    #[serde(default)]
    pub nodeids: Vec<String>,
    /// A triage pattern id instead.
    pub pattern: Option<String>,
    /// The model [default: `model` in [tool.fixpoint.repair]].
    pub model: Option<String>,
    /// Attempts per test [default: 3].
    pub max_retries: Option<u32>,
    /// Commit each repair with git [default: true].
    pub commit: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct HistoryInput {
    /// How many runs [default: 20].
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CompareInput {
    /// The earlier run [default: the run before head].
    pub base: Option<String>,
    /// The later run [default: latest].
    pub head: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct FlakyInput {
    /// How many recent runs to look at [default: 20].
    pub window: Option<usize>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SlowInput {
    /// Take each test's median over the newest N whole-suite runs [default: 1].
    pub runs: Option<usize>,
    /// How many of the slowest tests [default: 20].
    pub limit: Option<usize>,
    /// The slowdown detector: `zscore`, `mad` or `iqr` [default: zscore].
    pub method: Option<String>,
}

// ---- tool outputs --------------------------------------------------------

#[derive(Debug, Serialize, JsonSchema)]
pub struct FailureOutput {
    pub nodeid: String,
    pub outcome: String,
    pub message: Option<String>,
    pub category: Option<String>,
    pub pattern: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RunOutput {
    pub run_id: i64,
    /// pytest's summary line.
    pub summary: String,
    pub total: u32,
    pub passed: u32,
    pub failing: u32,
    pub skipped: u32,
    pub failures: Vec<FailureOutput>,
    /// The tests a `budget` left out, highest-ranked first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PatternOutput {
    pub id: String,
    pub category: String,
    pub title: String,
    pub message: String,
    /// Tests this cause takes down.
    pub blast_radius: u32,
    pub failures: Vec<String>,
    /// How to fix it, in words.
    pub fix: String,
    /// The batch fixer's code, when one applies.
    pub fixer: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct TriageOutput {
    pub run_id: i64,
    pub failures: u32,
    pub patterns: Vec<PatternOutput>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ExplainOutput {
    /// The explanation: category, pattern, trimmed traceback, related tests, fix.
    pub explanation: Value,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct FixOutput {
    /// Whether files were written.
    pub applied: bool,
    /// The journal entry of the change, when written.
    pub journal_id: Option<String>,
    pub fixes: usize,
    pub files: Vec<String>,
    /// The change as a unified diff (of everything planned, before verification).
    pub diff: String,
    /// Files whose fixes the verification took back: they broke a test that passed.
    pub taken_back: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct UndoOutput {
    pub journal_id: String,
    pub files: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RepairOutput {
    /// The repair report: each target's status, attempts and commit.
    pub report: Value,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct HistoryOutput {
    pub runs: Vec<Value>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct CompareOutput {
    pub comparison: Value,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct FlakyOutput {
    pub tests: Vec<Value>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SlowOutput {
    /// `fixpoint slow --output-format json`'s `slowest`.
    pub slowest: Value,
    /// Tests that got slower: test, run where it slowed, medians before and after, score.
    pub slowdowns: Vec<Value>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct NoInput {}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct PackInput {
    /// Files and directories to pack, relative to the project [default: all of it].
    #[serde(default)]
    pub paths: Vec<String>,
    /// Pack what a model needs to fix this failing test instead.
    pub nodeid: Option<String>,
    /// Tokens the document may hold [default: 32000].
    pub budget: Option<usize>,
    /// markdown (default), xml or json.
    pub format: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct TestdataInput {
    /// Write the files (needs the server started with --allow-writes) [default: false, a dry run].
    #[serde(default)]
    pub apply: bool,
    /// Also add the missing dev dependencies (factory-boy, faker).
    #[serde(default)]
    pub add_deps: bool,
    /// Regenerate files edited by hand outside their `# CUSTOM` blocks too (the journal keeps the edited text) [default: false: they are kept, state "edited"].
    #[serde(default)]
    pub force: bool,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct TestdataOutput {
    pub applied: bool,
    /// Each file (tests/factories.py, tests/seed.py, tests/conftest.py) and whether it is created, updated, unchanged, edited (kept: changed by hand outside its CUSTOM blocks, with the lines) or held-back (the interpreter cannot import factory-boy/Faker); models found; missing dependencies.
    pub report: Value,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AnalyzeOutput {
    /// Layout, languages, test layout, frameworks and import cycles.
    pub analysis: Value,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PackOutput {
    pub tokens: usize,
    pub budget: usize,
    pub files: Vec<String>,
    pub omitted: Vec<String>,
    /// The packed document.
    pub document: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RuleOutput {
    pub name: String,
    pub path: String,
    /// always, auto, agent or manual, as Cursor derives it.
    #[serde(rename = "type")]
    pub rule_type: String,
    pub description: Option<String>,
    pub globs: Vec<String>,
    /// The `fixpoint://rules/{name}` resource with its text.
    pub uri: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RulesOutput {
    pub rules: Vec<RuleOutput>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct FindingOutput {
    pub path: String,
    pub line: usize,
    /// error or warning.
    pub level: String,
    pub message: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ValidateRulesOutput {
    pub errors: usize,
    pub warnings: usize,
    pub findings: Vec<FindingOutput>,
}
