//! The server: how it was started, the state every call shares, and the MCP
//! handler, which hands tools to `tools.rs` (their types in `types.rs`),
//! resources to `resources.rs` and prompts to `prompts.rs`.

use std::path::PathBuf;
use std::sync::Arc;

use fixpoint_app::Project;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::{
    ErrorData, GetPromptRequestParams, GetPromptResponse, Implementation, ListPromptsResult,
    ListResourceTemplatesResult, ListResourcesResult, PaginatedRequestParams, ReadResourceRequestParams,
    ReadResourceResponse, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{RoleServer, ServerHandler, tool_handler};
use serde::Serialize;
use serde_json::Value;

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
    pub(crate) project: Arc<Project>,
    pub(crate) options: Arc<Options>,
    #[allow(dead_code, reason = "read by the code #[tool_handler] generates")]
    tool_router: ToolRouter<Self>,
}

pub(crate) fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
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
    pub(crate) async fn blocking<T, F>(&self, work: F) -> Result<T, String>
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

    /// The report of a recorded run (default: the latest), for the tools
    /// that show its failures: without the slowdowns, which they never show.
    pub(crate) async fn report(&self, run: Option<String>) -> Result<fixpoint_report::Report, String> {
        self.blocking(move |project, options| {
            let mut store = store(project, options)?;
            fixpoint_app::report::build_with(store.as_mut(), project, run.as_deref().unwrap_or("latest"), None)
                .map_err(ToolError::from)
        })
        .await
    }

    pub(crate) fn check_paths(&self, paths: &[String]) -> Result<(), String> {
        paths.iter().try_for_each(|p| confined(&self.project.root, p).map(drop))
    }

    /// `paths` confined to the project and made absolute: a tool's paths are
    /// relative to the project root, whatever directory the server runs in
    /// (the app reads a relative path from the process's directory, as a
    /// command line does).
    pub(crate) fn rooted_paths(&self, paths: &[String]) -> Result<Vec<String>, String> {
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

    pub(crate) fn writes_allowed(&self, what: &str) -> Result<(), String> {
        if self.options.allow_writes {
            Ok(())
        } else {
            Err(format!(
                "{what} writes files, and this server is read-only: start it with `fixpoint mcp --allow-writes`"
            ))
        }
    }
}

pub(crate) fn store(project: &Project, options: &Options) -> Result<Box<dyn fixpoint_store::Store>, AppError> {
    fixpoint_app::store::open_store(project, options.db.as_deref())
}

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
        Ok(self.resources())
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(Self::resource_templates())
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        self.read(request).await
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        Ok(Self::prompts())
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        self.prompt(request).await
    }
}
