//! The server: tools, resources and prompts over the application layer.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use fixpoint_app::{Project, Recording, RunRequest};
use fixpoint_pytest::runner::{Observer, Progress};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    ErrorData, GetPromptRequestParams, GetPromptResponse, GetPromptResult, Implementation, ListPromptsResult,
    ListResourceTemplatesResult, ListResourcesResult, PaginatedRequestParams, ProgressNotificationParam, Prompt,
    PromptArgument, PromptMessage, ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult,
    RequestMetaObject, Resource, ResourceContents, ResourceTemplate, Role, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{Json, Peer, RoleServer, ServerHandler, tool, tool_handler, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use fixpoint_app::AppError;
use fixpoint_app::paths::confined;

use crate::error::ToolError;

/// How the server was started.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--allow-writes`: `fix` with `apply`, `undo` and `repair` may change files.
    pub allow_writes: bool,
    /// `--db`: the history's location.
    pub db: Option<String>,
    /// `--python`: the interpreter tests run with.
    pub python: Option<PathBuf>,
}

#[derive(Clone)]
pub struct FixpointServer {
    project: Arc<Project>,
    options: Arc<Options>,
    #[allow(dead_code, reason = "read by the code #[tool_handler] generates")]
    tool_router: ToolRouter<Self>,
}

fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

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

/// Sends a progress notification per finished test to the client.
struct ProgressForwarder {
    sender: tokio::sync::mpsc::UnboundedSender<(u32, u32, String)>,
    done: u32,
    total: u32,
}

impl Observer for ProgressForwarder {
    fn progress(&mut self, event: Progress<'_>) {
        match event {
            Progress::Collected { total } => self.total = u32::try_from(total).unwrap_or(u32::MAX),
            Progress::TestFinished { test, attempt: 1 } => {
                self.done += 1;
                let _ = self
                    .sender
                    .send((self.done, self.total, format!("{} {}", test.nodeid, test.outcome)));
            }
            _ => {}
        }
    }
}

impl FixpointServer {
    pub fn new(project: Project, options: Options) -> Self {
        Self {
            project: Arc::new(project),
            options: Arc::new(options),
            tool_router: Self::tool_router(),
        }
    }

    /// Runs `work` on a blocking thread with the project and an open store.
    async fn blocking<T, F>(&self, work: F) -> Result<T, String>
    where
        T: Send + 'static,
        F: FnOnce(&Project, &Options) -> Result<T, ToolError> + Send + 'static,
    {
        let project = Arc::clone(&self.project);
        let options = Arc::clone(&self.options);
        tokio::task::spawn_blocking(move || work(&project, &options))
            .await
            .map_err(|e| format!("the tool stopped unexpectedly: {e}"))?
            .map_err(ToolError::into_message)
    }

    /// The report of a recorded run (default: the latest).
    async fn report(&self, run: Option<String>) -> Result<fixpoint_report::Report, String> {
        self.blocking(move |project, options| {
            let mut store = store(project, options)?;
            fixpoint_app::report::build(store.as_mut(), project, run.as_deref().unwrap_or("latest"))
                .map_err(ToolError::from)
        })
        .await
    }

    fn check_paths(&self, paths: &[String]) -> Result<(), String> {
        paths.iter().try_for_each(|p| confined(&self.project.root, p).map(drop))
    }

    /// `paths` confined to the project and made absolute: a tool's paths are
    /// relative to the project root, whatever directory the server runs in
    /// (the app reads a relative path from the process's directory, as a
    /// command line does).
    fn rooted_paths(&self, paths: &[String]) -> Result<Vec<String>, String> {
        paths
            .iter()
            .map(|path| {
                let relative = confined(&self.project.root, path)?;
                let rooted = match relative.as_str() {
                    "." | "" => self.project.root.clone(),
                    relative => self.project.root.join(relative),
                };
                Ok(rooted.display().to_string())
            })
            .collect()
    }

    fn writes_allowed(&self, what: &str) -> Result<(), String> {
        if self.options.allow_writes {
            Ok(())
        } else {
            Err(format!(
                "{what} writes files, and this server is read-only: start it with `fixpoint mcp --allow-writes`"
            ))
        }
    }
}

fn store(project: &Project, options: &Options) -> Result<Box<dyn fixpoint_store::Store>, AppError> {
    fixpoint_app::history::open_store(project, options.db.as_deref())
}

fn run_output(report: &fixpoint_report::Report) -> RunOutput {
    let counts = report.run.counts;
    RunOutput {
        run_id: report.run.id,
        summary: counts.summary(report.run.duration),
        total: counts.total,
        passed: counts.passed,
        failing: counts.failing(),
        skipped: counts.skipped,
        failures: failure_outputs(report),
    }
}

fn failure_outputs(report: &fixpoint_report::Report) -> Vec<FailureOutput> {
    report
        .failures()
        .map(|t| FailureOutput {
            nodeid: t.nodeid.clone(),
            outcome: t.outcome.to_string(),
            message: t.message.clone(),
            category: t.category.clone(),
            pattern: t.pattern.clone(),
        })
        .collect()
}

#[tool_router(router = tool_router)]
impl FixpointServer {
    /// Run the project's pytest suite (or a selection) and record the run; sends a
    /// progress notification per finished test when the request has a progress token.
    #[tool(name = "run_tests")]
    async fn run_tests(
        &self,
        Parameters(input): Parameters<RunTestsInput>,
        meta: RequestMetaObject,
        client: Peer<RoleServer>,
    ) -> Result<Json<RunOutput>, String> {
        self.check_paths(&input.paths)?;
        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
        let token = meta.get_progress_token();
        let forward = tokio::spawn(async move {
            while let Some((done, total, message)) = receiver.recv().await {
                if let Some(token) = &token {
                    let mut progress =
                        ProgressNotificationParam::new(token.clone(), f64::from(done)).with_message(message);
                    if total > 0 {
                        progress = progress.with_total(f64::from(total));
                    }
                    let _ = client.notify_progress(progress).await;
                }
            }
        });
        let result = self
            .blocking(move |project, options| {
                let request = RunRequest {
                    paths: input.paths,
                    group: input.group,
                    keyword: input.keyword,
                    python: options.python.clone(),
                    ..RunRequest::default()
                };
                let recording = Recording {
                    db: options.db.clone(),
                    build_id: None,
                    command: "fixpoint mcp run_tests".into(),
                };
                let mut observer = ProgressForwarder {
                    sender,
                    done: 0,
                    total: 0,
                };
                let (_, id) = fixpoint_app::run_and_record(
                    project,
                    &request,
                    Some(&recording),
                    &mut observer,
                    &AtomicBool::new(false),
                )
                .map_err(ToolError::from)?;
                let id = id.ok_or("the run was not recorded")?;
                let mut store = store(project, options)?;
                fixpoint_app::report::build(store.as_mut(), project, &id.to_string()).map_err(ToolError::from)
            })
            .await;
        let _ = forward.await;
        let report = result?;
        Ok(Json(run_output(&report)))
    }

    /// The failing tests of a recorded run, each with its triage category and pattern.
    #[tool(name = "list_failures")]
    async fn list_failures(&self, Parameters(input): Parameters<RunInput>) -> Result<Json<RunOutput>, String> {
        let report = self.report(input.run).await?;
        Ok(Json(run_output(&report)))
    }

    /// A run's failures grouped into root-cause patterns, largest first, each with its fix.
    #[tool(name = "triage")]
    async fn triage(&self, Parameters(input): Parameters<RunInput>) -> Result<Json<TriageOutput>, String> {
        let report = self.report(input.run).await?;
        Ok(Json(TriageOutput {
            run_id: report.run.id,
            failures: report.run.counts.failing(),
            patterns: report
                .patterns
                .iter()
                .map(|p| PatternOutput {
                    id: p.id.clone(),
                    category: p.category.clone(),
                    title: p.title.clone(),
                    message: p.message.clone(),
                    blast_radius: p.blast_radius,
                    failures: p.failures.clone(),
                    fix: p.fix.clone(),
                    fixer: p.fixer.clone(),
                })
                .collect(),
        }))
    }

    /// Explain one failure: category, pattern, trimmed traceback, related tests and the fix.
    #[tool(name = "explain_failure")]
    async fn explain_failure(
        &self,
        Parameters(input): Parameters<ExplainInput>,
    ) -> Result<Json<ExplainOutput>, String> {
        confined(&self.project.root, &input.nodeid)?;
        let explanation = self
            .blocking(move |project, options| {
                let mut store = store(project, options)?;
                fixpoint_app::triage::explain(
                    store.as_mut(),
                    project,
                    &input.nodeid,
                    input.run.as_deref().unwrap_or("latest"),
                )
                .map_err(ToolError::from)
            })
            .await?;
        Ok(Json(ExplainOutput {
            explanation: to_value(&explanation),
        }))
    }

    /// The batch fixes the latest run's failures call for. A dry run by default: it
    /// returns the diff. `apply: true` writes through the journal (server started with
    /// --allow-writes); `undo` takes it back.
    #[tool(name = "fix")]
    async fn fix(&self, Parameters(mut input): Parameters<FixInput>) -> Result<Json<FixOutput>, String> {
        input.paths = self.rooted_paths(&input.paths)?;
        if input.apply {
            self.writes_allowed("fix with apply: true")?;
        }
        let output = self
            .blocking(move |project, options| {
                let mut store = store(project, options)?;
                let choice = project.settings.fix.combine(fixpoint_app::FixerChoice {
                    select: input.select,
                    ignore: input.ignore,
                    unsafe_fixes: input.unsafe_fixes,
                });
                let request = fixpoint_app::fix::FixRequest {
                    paths: input.paths,
                    select: choice.select,
                    ignore: choice.ignore,
                    unsafe_fixes: choice.unsafe_fixes,
                    all: false,
                };
                let plan = fixpoint_app::fix::plan(store.as_mut(), project, &request, None).map_err(ToolError::from)?;
                let diff: String = plan
                    .changed()
                    .map(|f| fixpoint_fix_diff(&f.path, &f.original, &f.fixed))
                    .collect();
                let fixes = plan.changed().map(|f| f.applied.len()).sum();
                let files: Vec<String> = plan.changed().map(|f| f.path.clone()).collect();
                let (entry, taken_back) = match (input.apply, input.no_verify) {
                    (false, _) => (None, Vec::new()),
                    (true, true) => (
                        fixpoint_app::fix::apply(project, &plan, "fixpoint mcp fix").map_err(ToolError::from)?,
                        Vec::new(),
                    ),
                    (true, false) => {
                        let base = fixpoint_app::RunRequest {
                            python: options.python.clone(),
                            ..fixpoint_app::RunRequest::default()
                        };
                        let verified = fixpoint_app::fix::apply_verified(
                            store.as_mut(),
                            project,
                            &plan,
                            &base,
                            "fixpoint mcp fix",
                            &mut fixpoint_pytest::runner::Silent,
                            &AtomicBool::new(false),
                        )
                        .map_err(ToolError::from)?;
                        let taken_back = verified.taken_back.into_iter().flat_map(|taken| taken.paths).collect();
                        (verified.entry, taken_back)
                    }
                };
                Ok(FixOutput {
                    applied: entry.is_some(),
                    journal_id: entry.map(|e| e.id),
                    fixes,
                    files,
                    diff,
                    taken_back,
                })
            })
            .await?;
        Ok(Json(output))
    }

    /// Restore the files a fix or repair changed, byte for byte (server started with --allow-writes).
    #[tool(name = "undo")]
    async fn undo(&self, Parameters(input): Parameters<UndoInput>) -> Result<Json<UndoOutput>, String> {
        self.writes_allowed("undo")?;
        let manifest = self
            .blocking(move |project, _| {
                fixpoint_app::fix::undo(project, input.id.as_deref(), false).map_err(ToolError::from)
            })
            .await?;
        Ok(Json(UndoOutput {
            journal_id: manifest.id,
            files: manifest.files.into_iter().map(|f| f.path).collect(),
        }))
    }

    /// Repair failing tests with the configured LLM: apply, verify, revert or commit,
    /// retry (server started with --allow-writes; the key comes from the server's environment).
    #[tool(name = "repair")]
    async fn repair(&self, Parameters(input): Parameters<RepairInput>) -> Result<Json<RepairOutput>, String> {
        self.writes_allowed("repair")?;
        self.check_paths(&input.nodeids)?;
        let report = self
            .blocking(move |project, options| {
                let request = fixpoint_app::repair::RepairRequest {
                    nodeids: input.nodeids,
                    pattern: input.pattern,
                    model: input.model,
                    max_retries: input.max_retries,
                    no_commit: input.commit == Some(false),
                    run: RunRequest {
                        python: options.python.clone(),
                        ..RunRequest::default()
                    },
                    ..fixpoint_app::repair::RepairRequest::default()
                };
                let recording = Recording {
                    db: options.db.clone(),
                    build_id: None,
                    command: "fixpoint mcp repair".into(),
                };
                let env = |name: &str| std::env::var(name).ok();
                fixpoint_app::repair::repair(
                    project,
                    &request,
                    &recording,
                    &env,
                    &mut fixpoint_pytest::runner::Silent,
                    &mut |_| {},
                    &AtomicBool::new(false),
                )
                .map_err(ToolError::from)
            })
            .await?;
        Ok(Json(RepairOutput {
            report: to_value(&report),
        }))
    }

    /// Recorded runs, newest first, with their pass rate.
    #[tool(name = "history")]
    async fn history(&self, Parameters(input): Parameters<HistoryInput>) -> Result<Json<HistoryOutput>, String> {
        let runs = self
            .blocking(move |project, options| {
                let mut store = store(project, options)?;
                let (entries, _) = fixpoint_app::history::history(store.as_mut(), input.limit.unwrap_or(20))
                    .map_err(ToolError::from)?;
                Ok(entries
                    .iter()
                    .map(|e| json!({"run": to_value(&e.run), "pass_rate": e.pass_rate}))
                    .collect())
            })
            .await?;
        Ok(Json(HistoryOutput { runs }))
    }

    /// Two runs compared: new failures, fixed tests, still failing, added and removed tests.
    #[tool(name = "compare_runs")]
    async fn compare_runs(&self, Parameters(input): Parameters<CompareInput>) -> Result<Json<CompareOutput>, String> {
        let comparison = self
            .blocking(move |project, options| {
                let mut store = store(project, options)?;
                fixpoint_app::history::compare(store.as_mut(), input.base.as_deref(), input.head.as_deref())
                    .map_err(ToolError::from)
            })
            .await?;
        Ok(Json(CompareOutput {
            comparison: to_value(&comparison),
        }))
    }

    /// Tests whose outcome flipped on one commit or that passed on a rerun.
    #[tool(name = "flaky_tests")]
    async fn flaky_tests(&self, Parameters(input): Parameters<FlakyInput>) -> Result<Json<FlakyOutput>, String> {
        let tests = self
            .blocking(move |project, options| {
                let mut store = store(project, options)?;
                fixpoint_app::history::flaky(store.as_mut(), input.window.unwrap_or(20)).map_err(ToolError::from)
            })
            .await?;
        Ok(Json(FlakyOutput {
            tests: tests.iter().map(to_value).collect(),
        }))
    }

    /// Test data from the project's own models (SQLAlchemy, Django, Pydantic, read
    /// statically): tests/factories.py, tests/seed.py and conftest fixtures. A dry run by
    /// default; `apply: true` writes through the journal (server started with --allow-writes).
    #[tool(name = "generate_testdata")]
    async fn generate_testdata(
        &self,
        Parameters(input): Parameters<TestdataInput>,
    ) -> Result<Json<TestdataOutput>, String> {
        if input.apply {
            self.writes_allowed("generate_testdata with apply: true")?;
        }
        let report = self
            .blocking(move |project, _| {
                let options = fixpoint_app::testdata::GenerateOptions {
                    add_deps: input.add_deps,
                    dry_run: !input.apply,
                    force: input.force,
                    python: None,
                };
                fixpoint_app::testdata::generate(project, &options, "fixpoint mcp generate_testdata")
                    .map_err(ToolError::from)
            })
            .await?;
        Ok(Json(TestdataOutput {
            applied: input.apply,
            report: to_value(&report),
        }))
    }

    /// Describe the repository: layout, languages and line counts, test layout,
    /// frameworks with their evidence, import cycles.
    #[tool(name = "analyze_repo")]
    async fn analyze_repo(&self, Parameters(_): Parameters<NoInput>) -> Result<Json<AnalyzeOutput>, String> {
        let analysis = self
            .blocking(|project, _| Ok(fixpoint_app::analyze::analyze(project)))
            .await?;
        Ok(Json(AnalyzeOutput {
            analysis: to_value(&analysis),
        }))
    }

    /// Pack the relevant files into one document within a token budget (honouring
    /// .gitignore; secrets redacted), for paths or for a failing test.
    #[tool(name = "pack_context")]
    async fn pack_context(&self, Parameters(mut input): Parameters<PackInput>) -> Result<Json<PackOutput>, String> {
        input.paths = self.rooted_paths(&input.paths)?;
        if let Some(nodeid) = &input.nodeid {
            confined(&self.project.root, nodeid)?;
        }
        let format = input.format.clone().unwrap_or_else(|| "markdown".into());
        if !matches!(format.as_str(), "markdown" | "xml" | "json") {
            return Err(format!("unknown format `{format}`: markdown, xml or json"));
        }
        let budget = input.budget.unwrap_or(32_000);
        let context = self
            .blocking(move |project, options| {
                let selection = match input.nodeid {
                    Some(nodeid) => fixpoint_app::context::Selection::For(nodeid),
                    None => fixpoint_app::context::Selection::Paths(input.paths),
                };
                let mut store = store(project, options)?;
                fixpoint_app::context::pack(project, Some(store.as_mut()), &selection, budget).map_err(ToolError::from)
            })
            .await?;
        Ok(Json(PackOutput {
            tokens: context.tokens,
            budget: context.budget,
            files: context.files.iter().map(|f| f.path.clone()).collect(),
            omitted: context.omitted.iter().map(|f| f.path.clone()).collect(),
            document: fixpoint_app::context::render(&context, &format),
        }))
    }

    /// The project's Cursor rules (.cursor/rules/*.mdc): name, type, globs, description.
    #[tool(name = "list_rules")]
    async fn list_rules(&self, Parameters(_): Parameters<NoInput>) -> Result<Json<RulesOutput>, String> {
        let rules = self
            .blocking(|project, _| Ok(fixpoint_app::rules::list(project)))
            .await?;
        Ok(Json(RulesOutput {
            rules: rules
                .into_iter()
                .map(|r| RuleOutput {
                    uri: rule_uri(&r.name),
                    name: r.name,
                    path: r.path,
                    rule_type: r.rule_type.name().to_owned(),
                    description: r.description,
                    globs: r.globs,
                })
                .collect(),
        }))
    }

    /// Check every Cursor rule: front matter, value types, absolute or unmatched globs,
    /// empty bodies, rules over 500 lines, a legacy .cursorrules left in place.
    #[tool(name = "validate_rules")]
    async fn validate_rules(&self, Parameters(_): Parameters<NoInput>) -> Result<Json<ValidateRulesOutput>, String> {
        let findings = self
            .blocking(|project, _| Ok(fixpoint_app::rules::validate(project)))
            .await?;
        let errors = findings
            .iter()
            .filter(|f| f.level == fixpoint_rules::Level::Error)
            .count();
        Ok(Json(ValidateRulesOutput {
            errors,
            warnings: findings.len() - errors,
            findings: findings
                .into_iter()
                .map(|f| FindingOutput {
                    path: f.path,
                    line: f.line,
                    level: if f.level == fixpoint_rules::Level::Error {
                        "error"
                    } else {
                        "warning"
                    }
                    .to_owned(),
                    message: f.message,
                })
                .collect(),
        }))
    }
}

fn rule_uri(name: &str) -> String {
    format!("fixpoint://rules/{name}")
}

fn fixpoint_fix_diff(path: &str, before: &str, after: &str) -> String {
    fixpoint_fix::engine::unified_diff(path, before, after)
}

/// The resources every server lists; runs and failures are reached through templates.
const DOCS: [&str; 4] = ["PATTERNS.md", "FIXES.md", "REMAINING.md", "GUIDELINES.md"];

#[tool_handler(router = self.tool_router)]
impl ServerHandler for FixpointServer {
    fn get_info(&self) -> ServerConfig {
        let mut config = ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_prompts()
                .build(),
        )
        .with_server_info(Implementation::new("fixpoint", env!("CARGO_PKG_VERSION")));
        config.instructions = Some(
            "fixpoint runs this project's pytest suite, triages failures into root-cause patterns, applies \
             batch fixes and repairs tests with an LLM. Start with `triage` (or `run_tests`), read \
             `fixpoint://runs/latest`, and use the `fix-failing-test` prompt for one test."
                .into(),
        );
        config
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let mut resources = vec![
            Resource::new("fixpoint://runs/latest", "latest run")
                .with_description("The latest run's report: counts, patterns, failures, fixes, trend (JSON).")
                .with_mime_type("application/json"),
            Resource::new("fixpoint://patterns", "patterns")
                .with_description("The latest run's failure patterns, largest first (JSON).")
                .with_mime_type("application/json"),
        ];
        for rule in fixpoint_app::rules::list(&self.project) {
            let mut resource =
                Resource::new(rule_uri(&rule.name), format!("rule {}", rule.name)).with_mime_type("text/markdown");
            if let Some(description) = &rule.description {
                resource = resource.with_description(description.clone());
            }
            resources.push(resource);
        }
        for name in DOCS {
            resources.push(
                Resource::new(format!("fixpoint://docs/{name}"), name)
                    .with_description("Test-health documentation generated from the history (Markdown).")
                    .with_mime_type("text/markdown"),
            );
        }
        Ok(ListResourcesResult::with_all_items(resources))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(ListResourceTemplatesResult::with_all_items(vec![
            ResourceTemplate::new("fixpoint://runs/{id}", "run")
                .with_description("A recorded run's report, by id (`fixpoint history` lists them) (JSON).")
                .with_mime_type("application/json"),
            ResourceTemplate::new("fixpoint://rules/{name}", "rule")
                .with_description("A Cursor rule's file (.cursor/rules/{name}.mdc), front matter and body.")
                .with_mime_type("text/markdown"),
            ResourceTemplate::new("fixpoint://failures/{nodeid}", "failure")
                .with_description("One failure of the latest run explained, by node id (JSON).")
                .with_mime_type("application/json"),
        ]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let uri = request.uri.clone();
        let Some(rest) = uri.strip_prefix("fixpoint://") else {
            return Err(ErrorData::resource_not_found(format!("unknown resource `{uri}`"), None));
        };
        let rest = rest.to_owned();
        if let Some(nodeid) = rest.strip_prefix("failures/") {
            confined(&self.project.root, nodeid).map_err(|e| ErrorData::invalid_params(e, None))?;
        }
        let read_uri = uri.clone();
        let text = self
            .blocking(move |project, options| {
                let mut store = store(project, options)?;
                let json_of = |value: &Value| serde_json::to_string_pretty(value).unwrap_or_default();
                if let Some(run) = rest.strip_prefix("runs/") {
                    let report = fixpoint_app::report::build(store.as_mut(), project, run).map_err(ToolError::from)?;
                    return Ok((json_of(&to_value(&report)), "application/json"));
                }
                if rest == "patterns" {
                    let report =
                        fixpoint_app::report::build(store.as_mut(), project, "latest").map_err(ToolError::from)?;
                    return Ok((json_of(&to_value(&report.patterns)), "application/json"));
                }
                if let Some(nodeid) = rest.strip_prefix("failures/") {
                    let explanation = fixpoint_app::triage::explain(store.as_mut(), project, nodeid, "latest")
                        .map_err(ToolError::from)?;
                    return Ok((json_of(&to_value(&explanation)), "application/json"));
                }
                if let Some(name) = rest.strip_prefix("rules/") {
                    let rule = fixpoint_app::rules::list(project)
                        .into_iter()
                        .find(|r| r.name == name)
                        .ok_or_else(|| format!("no rule `{name}`: `list_rules` names them"))?;
                    let path = fixpoint_app::paths::policy(project)
                        .and_then(|policy| Ok(policy.readable(&rule.path)?))
                        .map_err(ToolError::from)?;
                    let text = std::fs::read_to_string(&path)
                        .map_err(|e| AppError::io(format!("could not read {}", path.display()), e))?;
                    return Ok((text, "text/markdown"));
                }
                if let Some(name) = rest.strip_prefix("docs/").filter(|name| DOCS.contains(name)) {
                    let report =
                        fixpoint_app::report::build(store.as_mut(), project, "latest").map_err(ToolError::from)?;
                    let seen = fixpoint_app::report::seen_patterns(store.as_mut(), &report).map_err(ToolError::from)?;
                    let guidelines = fixpoint_app::report::guidelines(&seen);
                    let files = fixpoint_report::docs::render(&report, &seen, &guidelines);
                    return Ok((files.get(name).cloned().unwrap_or_default(), "text/markdown"));
                }
                Err(format!("unknown resource `{read_uri}`").into())
            })
            .await
            .map_err(|e| ErrorData::resource_not_found(e, None))?;
        let (body, mime) = text;
        Ok(ReadResourceResult::new(vec![ResourceContents::text(body, uri).with_mime_type(mime)]).into())
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        Ok(ListPromptsResult::with_all_items(vec![
            Prompt::new(
                "fix-failing-test",
                Some(
                    "Everything a model needs to fix one failing test: the rules, the trimmed traceback, the test and the code it reaches (secrets redacted).",
                ),
                Some(vec![
                    PromptArgument::new("nodeid")
                        .with_description("The failing test's node id")
                        .with_required(true),
                ]),
            ),
            Prompt::new(
                "triage-summary",
                Some("The latest run's report, to summarise what fails, why, and what to fix first."),
                None,
            ),
            Prompt::new(
                "write-rule-from-pattern",
                Some(
                    "A failure pattern and its guideline, to write a Cursor rule (.mdc) that keeps it from coming back.",
                ),
                Some(vec![
                    PromptArgument::new("pattern")
                        .with_description("The pattern id from `triage`")
                        .with_required(true),
                ]),
            ),
        ]))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let argument = |name: &str| -> Result<String, ErrorData> {
            request
                .arguments
                .as_ref()
                .and_then(|a| a.get(name))
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| ErrorData::invalid_params(format!("the prompt needs the argument `{name}`"), None))
        };
        let messages = match request.name.as_str() {
            "fix-failing-test" => {
                let nodeid = argument("nodeid")?;
                confined(&self.project.root, &nodeid).map_err(|e| ErrorData::invalid_params(e, None))?;
                let (system, user) = self
                    .blocking(move |project, options| {
                        let mut store = store(project, options)?;
                        fixpoint_app::repair::prompt_for(project, store.as_mut(), &nodeid).map_err(ToolError::from)
                    })
                    .await
                    .map_err(|e| ErrorData::invalid_params(e, None))?;
                vec![PromptMessage::new_text(Role::User, format!("{system}\n\n{user}"))]
            }
            "triage-summary" => {
                let markdown = self
                    .blocking(|project, options| {
                        let mut store = store(project, options)?;
                        let report =
                            fixpoint_app::report::build(store.as_mut(), project, "latest").map_err(ToolError::from)?;
                        Ok(fixpoint_report::markdown::render(&report))
                    })
                    .await
                    .map_err(|e| ErrorData::invalid_params(e, None))?;
                vec![PromptMessage::new_text(
                    Role::User,
                    format!(
                        "Here is the test-health report of this project. Summarise what fails and why, grouped by \
                         root cause, and say what to fix first (largest blast radius, batch fixes before repairs).\n\n{markdown}"
                    ),
                )]
            }
            "write-rule-from-pattern" => {
                let id = argument("pattern")?;
                let text = self
                    .blocking(move |project, options| {
                        let mut store = store(project, options)?;
                        let report =
                            fixpoint_app::report::build(store.as_mut(), project, "latest").map_err(ToolError::from)?;
                        let pattern = report
                            .patterns
                            .iter()
                            .find(|p| p.id == id)
                            .ok_or_else(|| format!("no pattern `{id}` in the latest run: `triage` lists them"))?;
                        let guideline = fixpoint_triage_guideline(&pattern.category);
                        Ok(format!(
                            "Write a Cursor rule (a `.cursor/rules/<name>.mdc` file with front matter `description`, \
                             `globs` and `alwaysApply`) that keeps this failure pattern from coming back. Attach it \
                             to the files where it occurs.\n\nPattern {} ({}): {}\nCause: {}\nFirst failure: {}\n\
                             Where: {}\nTests: {}\nGuideline: {}\nFix: {}",
                            pattern.id,
                            pattern.category,
                            pattern.title,
                            pattern.explanation,
                            pattern.message,
                            pattern.location.as_deref().unwrap_or("-"),
                            pattern.failures.join(", "),
                            guideline,
                            pattern.manual
                        ))
                    })
                    .await
                    .map_err(|e| ErrorData::invalid_params(e, None))?;
                vec![PromptMessage::new_text(Role::User, text)]
            }
            other => {
                return Err(ErrorData::invalid_params(format!("unknown prompt `{other}`"), None));
            }
        };
        Ok(GetPromptResult::new(messages).into())
    }
}

fn fixpoint_triage_guideline(category: &str) -> &'static str {
    fixpoint_triage::guidelines::guideline(category).unwrap_or("")
}
