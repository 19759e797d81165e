//! The prompts: what an assistant needs to fix one test, summarise a run or
//! write a Cursor rule from a pattern.

use fixpoint_app::paths::confined;
use rmcp::model::{
    ErrorData, GetPromptRequestParams, GetPromptResponse, GetPromptResult, ListPromptsResult, Prompt, PromptArgument,
    PromptMessage, Role,
};
use serde_json::Value;

use crate::error::ToolError;
use crate::server::{FixpointServer, store};

impl FixpointServer {
    pub(crate) fn prompts() -> ListPromptsResult {
        ListPromptsResult::with_all_items(vec![
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
            Prompt::new(
                "work-next-story",
                Some(
                    "The open story of the plan (.ai/) with the most tests behind it, with its acceptance tests, fix and the context of its first failing test.",
                ),
                None,
            ),
        ])
    }

    pub(crate) async fn prompt(&self, request: GetPromptRequestParams) -> Result<GetPromptResponse, ErrorData> {
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
            "work-next-story" => {
                let text = self
                    .blocking(|project, options| {
                        let Some(next) = fixpoint_app::workflow::next_story(project)? else {
                            return Ok(
                                "No story is open: every story of the plan is Done or Skipped, or there is no plan \
                                 yet (`fixpoint plan` writes it from the latest whole-suite run)."
                                    .to_owned(),
                            );
                        };
                        let markdown =
                            fixpoint_app::workflow::plan::story_text(project, &next.id).map_err(ToolError::from)?;
                        let mut text = format!(
                            "Work this story until its acceptance tests pass: start with its fix command, change \
                             only what its tests need, run `fixpoint run` after each change (the story's status \
                             follows the history), and write notes only inside its CUSTOM block.\n\n{markdown}"
                        );
                        // The context of its first test that does not pass yet.
                        let mut store = store(project, options)?;
                        if let Some(nodeid) = next.tests.iter().find(|t| !next.passing.contains(t))
                            && let Ok((_, context)) = fixpoint_app::repair::prompt_for(project, store.as_mut(), nodeid)
                        {
                            text.push_str("\n\n## Context of its first failing test\n\n");
                            text.push_str(&context);
                        }
                        Ok(text)
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
