//! The tools: each a thin call into `fixpoint-app` on a blocking thread,
//! with paths confined to the project and writes only when allowed.

use std::sync::atomic::AtomicBool;

use fixpoint_app::paths::confined;
use fixpoint_app::{AppError, Recording, RunRequest};
use fixpoint_pytest::runner::{Observer, Progress};
use fixpoint_store::priority::Order;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{ProgressNotificationParam, RequestMetaObject};
use rmcp::{Json, Peer, RoleServer, tool, tool_router};
use serde_json::json;

use crate::error::ToolError;
use crate::server::{FixpointServer, store, to_value};
use crate::types::{
    AnalyzeOutput, CompareInput, CompareOutput, ExplainInput, ExplainOutput, FailureOutput, FindingOutput, FixInput,
    FixOutput, FlakyInput, FlakyOutput, HistoryInput, HistoryOutput, NoInput, PackInput, PackOutput, PatternOutput,
    RepairInput, RepairOutput, RuleOutput, RulesOutput, RunInput, RunOutput, RunTestsInput, SlowInput, SlowOutput,
    TestdataInput, TestdataOutput, TriageOutput, UndoInput, UndoOutput, ValidateRulesOutput,
};

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
        left_out: Vec::new(),
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

#[tool_router(router = tool_router, vis = "pub(crate)")]
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
                let order = input
                    .order
                    .as_deref()
                    .map(|name| {
                        Order::parse(name).ok_or_else(|| {
                            ToolError::from(AppError::Usage(format!(
                                "unknown order `{name}`: failed-first, risk, duration or random"
                            )))
                        })
                    })
                    .transpose()?;
                let budget = input
                    .budget
                    .as_deref()
                    .map(|text| {
                        fixpoint_app::order::parse_duration(text).map_err(|e| ToolError::from(AppError::Usage(e)))
                    })
                    .transpose()?;
                let request = RunRequest {
                    paths: input.paths,
                    group: input.group,
                    keyword: input.keyword,
                    python: options.python.clone(),
                    ordering: fixpoint_app::order::OrderRequest {
                        order,
                        budget,
                        seed: None,
                        db: options.db.clone(),
                    },
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
                let (run, id) = fixpoint_app::run_and_record(
                    project,
                    &request,
                    Some(&recording),
                    &mut observer,
                    &AtomicBool::new(false),
                )
                .map_err(ToolError::from)?;
                let id = id.ok_or("the run was not recorded")?;
                let mut store = store(project, options)?;
                let report = fixpoint_app::report::build_with(store.as_mut(), project, &id.to_string(), None)
                    .map_err(ToolError::from)?;
                Ok((report, run.info.left_out))
            })
            .await;
        let _ = forward.await;
        let (report, left_out) = result?;
        Ok(Json(RunOutput {
            left_out,
            ..run_output(&report)
        }))
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
                let given = fixpoint_app::FixerChoice {
                    select: input.select,
                    ignore: input.ignore,
                    unsafe_fixes: input.unsafe_fixes,
                };
                let request = fixpoint_app::fix::FixRequest::new(project, input.paths, given, false);
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
                    settings: fixpoint_app::RepairSettings {
                        model: input.model,
                        max_retries: input.max_retries,
                        commit: input.commit,
                        ..fixpoint_app::RepairSettings::default()
                    },
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

    /// The slowest tests (duration, share of the suite's time, trend, CPU time, peak
    /// memory) and the tests that got slower over the whole-suite runs.
    #[tool(name = "slow_tests")]
    async fn slow_tests(&self, Parameters(input): Parameters<SlowInput>) -> Result<Json<SlowOutput>, String> {
        let (slowest, slowdowns) = self
            .blocking(move |project, options| {
                let method = match input.method.as_deref() {
                    None => fixpoint_store::slowdown::Method::DEFAULT,
                    Some(name) => fixpoint_store::slowdown::Method::parse(name).ok_or_else(|| {
                        ToolError::from(fixpoint_app::AppError::Usage(format!(
                            "unknown method `{name}`: zscore, mad or iqr"
                        )))
                    })?,
                };
                let detector = fixpoint_app::slow::detector(
                    method,
                    fixpoint_store::slowdown::Detector::DEFAULT_WINDOW,
                    None,
                    fixpoint_store::slowdown::Detector::DEFAULT_MIN_SAMPLES,
                )?;
                let mut store = store(project, options)?;
                let slowest =
                    fixpoint_app::slow::slowest(store.as_mut(), input.runs.unwrap_or(1), input.limit.unwrap_or(20))?;
                let slowdowns = fixpoint_app::slow::slowdowns(store.as_mut(), &detector, None)?;
                Ok::<_, ToolError>((slowest, slowdowns))
            })
            .await?;
        Ok(Json(SlowOutput {
            slowest: to_value(&slowest),
            slowdowns: slowdowns.iter().map(to_value).collect(),
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

pub(crate) fn rule_uri(name: &str) -> String {
    format!("fixpoint://rules/{name}")
}

fn fixpoint_fix_diff(path: &str, before: &str, after: &str) -> String {
    fixpoint_fix::engine::unified_diff(path, before, after)
}
