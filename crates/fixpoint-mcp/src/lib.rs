//! fixpoint as a Model Context Protocol server (`fixpoint mcp`): the
//! application layer's use cases as tools, the history as resources, and
//! prompts that hand an assistant what it needs to fix a test.
//!
//! Every tool is a thin call into `fixpoint-app`, run on a blocking thread.
//! Anything the user should see comes back as a tool error with one clear
//! message; nothing a client sends crashes the server. Paths are confined to
//! the project root, and nothing is written unless the server was started
//! with `--allow-writes` and the call asks for it.

mod error;
mod guard;
mod prompts;
mod resources;
mod server;
mod tools;
mod types;

pub use server::{FixpointServer, Options};

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the MCP server: {e}"))
}

/// Serves MCP over streamable HTTP at `http://ADDRESS/mcp` until interrupted
/// (Ctrl-C). Only loopback addresses are accepted: the server runs tests and,
/// with `--allow-writes`, changes files. `ready` is called with the bound
/// address (port 0 picks a free one).
pub fn serve_http(
    server: FixpointServer,
    address: std::net::SocketAddr,
    ready: impl FnOnce(std::net::SocketAddr),
) -> Result<(), String> {
    use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
    use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
    if !address.ip().is_loopback() {
        return Err(format!(
            "{address} is not a loopback address: fixpoint mcp --http serves only on 127.0.0.1 or [::1]"
        ));
    }
    runtime()?.block_on(async move {
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|e| format!("cannot listen on {address}: {e}"))?;
        let bound = listener.local_addr().map_err(|e| e.to_string())?;
        let service = StreamableHttpService::new(
            move || Ok(server.clone()),
            std::sync::Arc::new(LocalSessionManager::default()),
            StreamableHttpServerConfig::default(),
        );
        let router = axum::Router::new().nest_service("/mcp", service);
        ready(bound);
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| format!("the MCP HTTP server stopped: {e}"))
    })
}

/// Serves MCP on stdin/stdout until the client goes away.
pub fn serve_stdio(server: FixpointServer) -> Result<(), String> {
    let runtime = runtime()?;
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
