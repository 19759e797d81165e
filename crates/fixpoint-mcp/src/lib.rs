//! fixpoint as a Model Context Protocol server (`fixpoint mcp`): the
//! application layer's use cases as tools, the history as resources, and
//! prompts that hand an assistant what it needs to fix a test.
//!
//! Every tool is a thin call into `fixpoint-app`, run on a blocking thread.
//! Anything the user should see comes back as a tool error with one clear
//! message; nothing a client sends crashes the server. Paths are confined to
//! the project root, and nothing is written unless the server was started
//! with `--allow-writes` and the call asks for it.

mod guard;
mod server;

pub use server::{FixpointServer, Options};

/// Serves MCP on stdin/stdout until the client goes away.
pub fn serve_stdio(server: FixpointServer) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the MCP server: {e}"))?;
    runtime.block_on(async move {
        use rmcp::ServiceExt;
        // stdin → guard → (server_in) → server → (server_out) → guard → stdout
        let (server_in, guard_to_server) = tokio::io::duplex(1 << 16);
        let (guard_from_server, server_out) = tokio::io::duplex(1 << 16);
        let relay = tokio::spawn(guard::relay(
            tokio::io::stdin(),
            tokio::io::stdout(),
            guard_from_server,
            guard_to_server,
        ));
        let outcome = match server.serve((server_in, server_out)).await {
            Ok(service) => service
                .waiting()
                .await
                .map(drop)
                .map_err(|e| format!("the MCP session ended with an error: {e}")),
            // A client that leaves before the handshake is not an error of ours.
            Err(e) => Err(format!("MCP handshake failed: {e}")),
        };
        let _ = relay.await;
        outcome
    })
}

/// The configuration snippet that makes a client start this server for
/// `project` (Cursor's `.cursor/mcp.json`, Claude Desktop's
/// `claude_desktop_config.json`: both read `mcpServers`).
pub fn client_config(project: &std::path::Path, executable: &str) -> serde_json::Value {
    serde_json::json!({
        "mcpServers": {
            "fixpoint": {
                "command": executable,
                "args": ["mcp", "--project", project.display().to_string()],
            }
        }
    })
}
