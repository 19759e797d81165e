//! The resources: the history's runs, patterns and failures, the Cursor
//! rules and the test-health documents, as `fixpoint://` URIs.

use fixpoint_app::AppError;
use fixpoint_app::paths::confined;
use rmcp::model::{
    ErrorData, ListResourceTemplatesResult, ListResourcesResult, ReadResourceRequestParams, ReadResourceResponse,
    ReadResourceResult, Resource, ResourceContents, ResourceTemplate,
};
use serde_json::Value;

use crate::error::ToolError;
use crate::server::{FixpointServer, store, to_value};
use crate::tools::rule_uri;

/// The documents every server lists; runs and failures are reached through templates.
const DOCS: [&str; 4] = fixpoint_report::docs::FILES;

impl FixpointServer {
    pub(crate) fn resources(&self) -> ListResourcesResult {
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
        // The plan's stories, when `fixpoint plan` wrote one.
        for story in fixpoint_app::workflow::stories(&self.project).unwrap_or_default() {
            resources.push(
                Resource::new(story_uri(&story.id), format!("story {}", story.id))
                    .with_description(format!(
                        "{} ({}): {}",
                        story.title,
                        story.category,
                        story.status.as_str()
                    ))
                    .with_mime_type("text/markdown"),
            );
        }
        for name in DOCS {
            resources.push(
                Resource::new(format!("fixpoint://docs/{name}"), name)
                    .with_description("Test-health documentation generated from the history (Markdown).")
                    .with_mime_type("text/markdown"),
            );
        }
        ListResourcesResult::with_all_items(resources)
    }

    pub(crate) fn resource_templates() -> ListResourceTemplatesResult {
        ListResourceTemplatesResult::with_all_items(vec![
            ResourceTemplate::new("fixpoint://runs/{id}", "run")
                .with_description("A recorded run's report, by id (`fixpoint history` lists them) (JSON).")
                .with_mime_type("application/json"),
            ResourceTemplate::new("fixpoint://rules/{name}", "rule")
                .with_description("A Cursor rule's file (.cursor/rules/{name}.mdc), front matter and body.")
                .with_mime_type("text/markdown"),
            ResourceTemplate::new("fixpoint://stories/{id}", "story")
                .with_description(
                    "A story of the plan (.ai/stories/{id}.md): its pattern, acceptance tests, fix and status.",
                )
                .with_mime_type("text/markdown"),
            ResourceTemplate::new("fixpoint://failures/{nodeid}", "failure")
                .with_description("One failure of the latest run explained, by node id (JSON).")
                .with_mime_type("application/json"),
        ])
    }

    pub(crate) async fn read(&self, request: ReadResourceRequestParams) -> Result<ReadResourceResponse, ErrorData> {
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
                if let Some(id) = rest.strip_prefix("stories/") {
                    // Only a story the plan records: the id never becomes a path on its own.
                    let known = fixpoint_app::workflow::stories(project)?
                        .into_iter()
                        .find(|story| story.id == id)
                        .ok_or_else(|| {
                            format!("no story `{id}`: `fixpoint plan` writes them, resources/list names them")
                        })?;
                    let text = fixpoint_app::workflow::plan::story_text(project, &known.id).map_err(ToolError::from)?;
                    return Ok((text, "text/markdown"));
                }
                if let Some(name) = rest.strip_prefix("docs/").filter(|name| DOCS.contains(name)) {
                    let files = fixpoint_app::report::docs(store.as_mut(), project)?;
                    return Ok((files.get(name).cloned().unwrap_or_default(), "text/markdown"));
                }
                Err(format!("unknown resource `{read_uri}`").into())
            })
            .await
            .map_err(|e| ErrorData::resource_not_found(e, None))?;
        let (body, mime) = text;
        Ok(ReadResourceResult::new(vec![ResourceContents::text(body, uri).with_mime_type(mime)]).into())
    }
}

/// A story's resource URI.
fn story_uri(id: &str) -> String {
    format!("fixpoint://stories/{id}")
}
