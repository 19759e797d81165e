//! `mcp`: the MCP server on stdio.

use fixpoint_app::Project;
use fixpoint_mcp::{FixpointServer, Options};

use super::print_json;
use crate::ExitStatus;
use crate::cli::{GlobalArgs, McpArgs, McpClient};
use crate::printer::Printer;

pub fn mcp(global: &GlobalArgs, args: &McpArgs, printer: Printer) -> anyhow::Result<ExitStatus> {
    let project = Project::open(global.project.as_deref())?;
    if let Some(client) = args.print_config {
        let executable = std::env::current_exe()
            .ok()
            .map_or_else(|| "fixpoint".to_owned(), |path| path.display().to_string());
        print_json(&fixpoint_mcp::client_config(&project.root, &executable))?;
        printer.note(match client {
            McpClient::Cursor => "put this in .cursor/mcp.json in the project (or ~/.cursor/mcp.json for every project)",
            McpClient::Claude => {
                "put this in Claude Desktop's claude_desktop_config.json, or give the inner object to `claude mcp add-json fixpoint`"
            }
        });
        return Ok(ExitStatus::Success);
    }
    let options = Options {
        allow_writes: args.allow_writes,
        db: global.db.clone(),
        python: global.python.clone(),
    };
    let server = FixpointServer::new(project, options);
    match args.http {
        Some(address) => fixpoint_mcp::serve_http(server, address, |bound| {
            printer.note(&format!("fixpoint mcp: listening on http://{bound}/mcp"));
        }),
        None => fixpoint_mcp::serve_stdio(server),
    }
    .map_err(|e| anyhow::anyhow!(e))?;
    Ok(ExitStatus::Success)
}
