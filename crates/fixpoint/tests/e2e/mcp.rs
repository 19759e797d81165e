//! `fixpoint mcp` driven by the official Python MCP client (tests/mcp/client.py),
//! in both protocol modes, plus malformed and hostile input.

use std::path::Path;

use serde_json::Value;

use crate::support::{fixpoint, mcp_client, project, python, stderr, stdout};

fn client_session(mode: &str) {
    let (_keep, dir) = project("repair");
    let python = python();
    let run = fixpoint(&dir, &["run", "--python", python.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    std::fs::create_dir_all(dir.join(".cursor/rules")).unwrap();
    std::fs::write(
        dir.join(".cursor/rules/pricing.mdc"),
        "---\ndescription: Money\nglobs: calc/*.py\nalwaysApply: false\n---\nUse Decimal for money.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("calc/schemas.py"),
        "from pydantic import BaseModel\n\n\nclass Order(BaseModel):\n    total: float\n    email: str\n",
    )
    .unwrap();
    let output = mcp_client("client.py", &dir, &[std::ffi::OsStr::new(mode)]);
    let printed = stdout(&output);
    assert!(
        output.status.success() && printed.contains("all checks passed"),
        "{printed}\n{}",
        stderr(&output)
    );
    assert!(
        printed.lines().filter(|l| l.starts_with("ok ")).count() > 30,
        "{printed}"
    );
}

#[test]
fn the_official_client_uses_every_tool_resource_and_prompt_with_the_initialize_handshake() {
    client_session("initialize");
}

#[test]
fn the_official_client_uses_every_tool_resource_and_prompt_with_server_discover() {
    client_session("discover");
}

#[test]
fn the_official_client_uses_every_tool_resource_and_prompt_over_streamable_http() {
    client_session("http");
}

#[test]
fn prints_the_configuration_clients_need() {
    let (_keep, dir) = project("repair");
    for client in ["cursor", "claude"] {
        let output = fixpoint(&dir, &["mcp", "--print-config", client]);
        assert!(output.status.success(), "{}", stderr(&output));
        let config: Value = serde_json::from_slice(&output.stdout).unwrap();
        let server = &config["mcpServers"]["fixpoint"];
        assert_eq!(server["command"], env!("CARGO_BIN_EXE_fixpoint"));
        let args: Vec<&str> = server["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(args[..2], ["mcp", "--project"]);
        assert_eq!(Path::new(args[2]), dir.canonicalize().unwrap());
    }
    let bad = fixpoint(&dir, &["mcp", "--print-config", "vim"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn the_official_client_applies_a_verified_fix_with_paths_from_another_directory() {
    let (_keep, dir) = project("verify");
    let python = python();
    let run = fixpoint(&dir, &["run", "--python", python.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let elsewhere = tempfile::tempdir().unwrap();
    // Paths that exist in the server's own directory must not be read there.
    std::fs::create_dir_all(elsewhere.path().join("app")).unwrap();
    let output = mcp_client("verified_fix.py", &dir, &[elsewhere.path().as_os_str()]);
    let printed = stdout(&output);
    assert!(
        output.status.success() && printed.ends_with("all checks passed\n"),
        "{printed}\n{}",
        stderr(&output)
    );
}
