"""Drives `fixpoint mcp` with the official Python MCP client (the `mcp`
package from PyPI), as an assistant would: list and call every tool, read
resources, get prompts, receive progress notifications, in both protocol
modes (the initialize handshake, and the 2026-07-28 revision that replaces
it with server/discover), over stdio or streamable HTTP; then sends it
malformed and hostile input.

    python client.py FIXPOINT PROJECT PYTHON MODE

MODE is `initialize`, `discover` (both over stdio) or `http` (streamable
HTTP, discover falling back to initialize).

Prints one line per check and exits 1 on the first that fails. The project
must have a recorded run with a failing test tests/test_pricing.py::test_discount
a Cursor rule .cursor/rules/pricing.mdc (globs: calc/*.py) and one Pydantic model.
"""

import asyncio
import json
import subprocess
import sys

from mcp import Client, StdioServerParameters

FIXPOINT, PROJECT, PYTHON, MODE = sys.argv[1:5]
DISCOUNT = "tests/test_pricing.py::test_discount"
TOOLS = {
    "run_tests", "list_failures", "triage", "explain_failure", "fix", "undo", "repair",
    "history", "compare_runs", "flaky_tests", "slow_tests", "list_rules", "validate_rules",
    "analyze_repo", "pack_context", "generate_testdata",
}


def check(condition, what, detail=""):
    print(("ok   " if condition else "FAIL ") + what + (f": {detail}" if detail and not condition else ""))
    if not condition:
        sys.exit(1)


def structured(result):
    check(not result.is_error, "the call succeeded", getattr(result.content[0], "text", "") if result.content else "")
    return result.structured_content


def error_text(result):
    return " ".join(getattr(block, "text", "") for block in result.content)


HTTP_SERVERS = []


def server(*extra):
    args = ["mcp", "--project", PROJECT, "--python", PYTHON, *extra]
    if MODE != "http":
        return StdioServerParameters(command=FIXPOINT, args=args, cwd=PROJECT)
    process = subprocess.Popen([FIXPOINT, *args, "--http", "127.0.0.1:0"], cwd=PROJECT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    HTTP_SERVERS.append(process)
    line = process.stderr.readline()
    check("listening on http://127.0.0.1:" in line, "the HTTP server says where it listens", line)
    return line.split("listening on ", 1)[1].strip()


async def session_checks():
    mode = "legacy" if MODE == "initialize" else "auto"
    async with Client(server(), mode=mode) as client:
        version = client.protocol_version
        check(version is not None, f"negotiated protocol {version} ({MODE})")
        if MODE == "discover":
            check(version >= "2026", "the modern revision was adopted", version)
        elif MODE == "initialize":
            check(version < "2026", "the handshake revision was used", version)

        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        check(TOOLS <= set(tools), "every tool is listed", sorted(TOOLS - set(tools)))
        check(all(t.input_schema.get("type") == "object" for t in tools.values()), "each tool has an input schema")
        check(tools["triage"].output_schema is not None, "tools have output schemas")

        progress = []

        async def on_progress(done, total, message):
            progress.append((done, total, message))

        run = structured(await client.call_tool("run_tests", {"paths": ["tests/test_pricing.py"]},
                                                progress_callback=on_progress))
        check(run["total"] == 4 and run["failing"] == 1, "run_tests ran the selection", run)
        check(len(progress) == 4 and progress[-1][0] == 4 and progress[-1][1] == 4,
              "a progress notification per test", progress)
        check(any("test_discount failed" in (m or "") for _, _, m in progress), "progress names the tests", progress)

        failures = structured(await client.call_tool("list_failures", {}))
        check([f["nodeid"] for f in failures["failures"]] == [DISCOUNT], "list_failures", failures)
        triage = structured(await client.call_tool("triage", {}))
        check(triage["patterns"][0]["failures"] == [DISCOUNT], "triage", triage)
        explained = structured(await client.call_tool("explain_failure", {"nodeid": DISCOUNT}))
        check("assert 0.0 == 180" in json.dumps(explained), "explain_failure", explained)
        fix = structured(await client.call_tool("fix", {}))
        check(fix["applied"] is False and fix["fixes"] == 0, "fix is a dry run", fix)
        history = structured(await client.call_tool("history", {"limit": 5}))
        check(len(history["runs"]) >= 2, "history", history)
        compared = structured(await client.call_tool("compare_runs", {}))
        check("new_failures" in compared["comparison"], "compare_runs", compared)
        flaky = structured(await client.call_tool("flaky_tests", {}))
        check(flaky["tests"] == [], "flaky_tests", flaky)
        slow = structured(await client.call_tool("slow_tests", {"limit": 2}))
        slowest = slow["slowest"]["slowest"]
        check(len(slowest) == 2 and all(t["cpu_time"] is not None for t in slowest)
              and slowest[0]["duration"] >= slowest[1]["duration"] and slow["slowdowns"] == [], "slow_tests", slow)
        rules = structured(await client.call_tool("list_rules", {}))
        check([(r["name"], r["type"]) for r in rules["rules"]] == [("pricing", "auto")], "list_rules", rules)
        validated = structured(await client.call_tool("validate_rules", {}))
        check(validated["errors"] == 0, "validate_rules", validated)
        analysis = structured(await client.call_tool("analyze_repo", {}))["analysis"]
        check(analysis["tests"]["test_files"] == 2 and analysis["tests"]["test_functions"] == 6, "analyze_repo", analysis)
        packed = structured(await client.call_tool("pack_context", {"nodeid": DISCOUNT, "budget": 4000}))
        check(packed["files"][:2] == ["tests/test_pricing.py", "calc/pricing.py"] and "def discount" in packed["document"],
              "pack_context for a failing test", packed["files"])
        packed = structured(await client.call_tool("pack_context", {"paths": ["calc"], "format": "xml"}))
        check(packed["document"].startswith("<context") and ".env" not in packed["files"], "pack_context for paths", packed)
        testdata = structured(await client.call_tool("generate_testdata", {}))
        planned = {f["path"]: f["state"] for f in testdata["report"]["files"]}
        check(testdata["applied"] is False and planned.get("tests/factories.py") == "created"
              and testdata["report"]["journal_id"] is None, "generate_testdata is a dry run", testdata)
        result = await client.call_tool("generate_testdata", {"apply": True})
        check(result.is_error and "--allow-writes" in error_text(result), "generate_testdata refuses to write")
        result = await client.call_tool("pack_context", {"paths": ["../.."]})
        check(result.is_error and "outside the project" in error_text(result), "pack_context stays inside the project")

        # Writes are refused on a read-only server, as tool errors.
        for name, arguments in [("fix", {"apply": True}), ("undo", {}), ("repair", {})]:
            result = await client.call_tool(name, arguments)
            check(result.is_error and "--allow-writes" in error_text(result), f"{name} refuses to write", error_text(result))

        # Hostile paths and bad arguments.
        result = await client.call_tool("run_tests", {"paths": ["../../etc/passwd"]})
        check(result.is_error and "outside the project" in error_text(result), "path traversal refused", error_text(result))
        result = await client.call_tool("explain_failure", {"nodeid": "/etc/passwd::x"})
        check(result.is_error and "outside the project" in error_text(result), "absolute paths refused")
        result = await client.call_tool("explain_failure", {"nodeid": "tests/test_pricing.py::test_nothing"})
        check(result.is_error, "an unknown test is a tool error", error_text(result))
        result = await client.call_tool("history", {"limit": "many"})
        check(result.is_error, "a wrong argument type is an error", error_text(result))

        resources = {r.uri for r in (await client.list_resources()).resources}
        check({"fixpoint://runs/latest", "fixpoint://patterns", "fixpoint://docs/GUIDELINES.md", "fixpoint://rules/pricing"}
              <= {str(u) for u in resources},
              "resources are listed", resources)
        templates = {t.uri_template for t in (await client.list_resource_templates()).resource_templates}
        check({"fixpoint://runs/{id}", "fixpoint://failures/{nodeid}", "fixpoint://rules/{name}"} <= templates,
              "templates are listed", templates)
        rule = (await client.read_resource("fixpoint://rules/pricing")).contents[0].text
        check("Use Decimal for money." in rule, "a rule by name", rule)
        latest = json.loads((await client.read_resource("fixpoint://runs/latest")).contents[0].text)
        check(latest["run"]["id"] == run["run_id"], "the latest run resource", latest["run"])
        first = json.loads((await client.read_resource("fixpoint://runs/1")).contents[0].text)
        check(first["run"]["id"] == 1, "a run by id")
        failure = json.loads((await client.read_resource(f"fixpoint://failures/{DISCOUNT}")).contents[0].text)
        check(failure["nodeid"] == DISCOUNT, "a failure by node id", failure)
        guidelines = (await client.read_resource("fixpoint://docs/GUIDELINES.md")).contents[0].text
        check(guidelines.startswith("<!-- Generated by `fixpoint docs`"), "a generated doc")
        try:
            await client.read_resource("fixpoint://runs/9999")
            check(False, "an unknown run is an error")
        except Exception as error:  # noqa: BLE001 - any MCP error will do
            check("no run" in str(error), "an unknown run is an error", str(error))

        prompts = {p.name for p in (await client.list_prompts()).prompts}
        check({"fix-failing-test", "triage-summary", "write-rule-from-pattern"} <= prompts, "prompts are listed")
        prompt = await client.get_prompt("fix-failing-test", {"nodeid": DISCOUNT})
        text = prompt.messages[0].content.text
        check("SEARCH" in text and "def discount" in text and "assert 0.0 == 180" in text, "fix-failing-test", text[:300])
        summary = (await client.get_prompt("triage-summary", {})).messages[0].content.text
        check("## Patterns" in summary, "triage-summary")
        pattern = triage["patterns"][0]["id"]
        rule = (await client.get_prompt("write-rule-from-pattern", {"pattern": pattern})).messages[0].content.text
        check(".mdc" in rule and pattern in rule, "write-rule-from-pattern")
        try:
            await client.get_prompt("fix-failing-test", {})
            check(False, "a missing prompt argument is an error")
        except Exception as error:  # noqa: BLE001
            check("nodeid" in str(error), "a missing prompt argument is an error", str(error))

        # A prioritized run within a budget: everything fits a minute; nothing fits a microsecond.
        budgeted = structured(await client.call_tool(
            "run_tests", {"paths": ["tests/test_pricing.py"], "order": "failed-first", "budget": "1m"}))
        check(budgeted["total"] == 4 and "left_out" not in budgeted
              and [f["nodeid"] for f in budgeted["failures"]] == [DISCOUNT], "run_tests with a budget", budgeted)
        result = await client.call_tool("run_tests", {"paths": ["tests/test_pricing.py"], "budget": "0.000001s"})
        check(result.is_error and "fits no test" in error_text(result), "a budget no test fits", error_text(result))
        result = await client.call_tool("run_tests", {"order": "alphabetical"})
        check(result.is_error and "unknown order" in error_text(result), "an unknown order is an error", error_text(result))
        result = await client.call_tool("run_tests", {"budget": "soon"})
        check(result.is_error and "not a duration" in error_text(result), "a bad budget is an error", error_text(result))

    # With --allow-writes, fix applies and undo takes it back.
    async with Client(server("--allow-writes"), mode=mode) as client:
        result = await client.call_tool("undo", {})
        check(result.is_error and "nothing to undo" in error_text(result), "undo with an empty journal is a clear error",
              error_text(result))


def raw_checks():
    """Bytes that are not MCP: each gets a JSON-RPC error, and the server lives on."""
    process = subprocess.Popen([FIXPOINT, "mcp", "--project", PROJECT], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def send(line):
        process.stdin.write(line + "\n")
        process.stdin.flush()
        return json.loads(process.stdout.readline())

    initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}
    reply = send(json.dumps(initialize))
    check(reply.get("id") == 1 and "result" in reply, "a raw initialize", reply)
    process.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n")
    reply = send("{this is not json")
    check(reply.get("error", {}).get("code") == -32700, "bad JSON gets a parse error", reply)
    reply = send(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "no/such/method"}))
    check(reply.get("error", {}).get("code") == -32601, "an unknown method gets method-not-found", reply)
    reply = send(json.dumps({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "no_such_tool"}}))
    check("error" in reply or reply.get("result", {}).get("isError"), "an unknown tool is an error", reply)
    reply = send(json.dumps({"jsonrpc": "2.0", "id": 4, "method": "tools/list"}))
    check(len(reply["result"]["tools"]) >= len(TOOLS), "the server still answers", reply)
    process.stdin.close()
    check(process.wait(timeout=10) == 0, "the server exits cleanly when stdin closes", process.stderr.read())


try:
    asyncio.run(session_checks())
finally:
    for process in HTTP_SERVERS:
        process.terminate()
        process.wait(timeout=10)
if MODE == "initialize":
    raw_checks()
if MODE == "http":
    process = subprocess.run([FIXPOINT, "mcp", "--project", PROJECT, "--http", "0.0.0.0:8765"],
                             capture_output=True, text=True, timeout=30)
    check(process.returncode == 2 and "not a loopback address" in process.stderr, "only loopback is served",
          process.stderr)
print("all checks passed")
