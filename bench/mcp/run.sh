#!/usr/bin/env bash
# The MCP server under an assistant's load: every read-only tool called 50
# times over stdio by the official Python MCP client on the bundled example's
# history, with each call's latency and the server's peak memory, written into
# docs/benchmarks.md against the bar of 100 ms per tool call and 256 MB.
#
#   bash bench/mcp/run.sh [CALLS]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/python-env.sh
CALLS=${1:-50}
cargo build --release --locked -p fixpoint
ensure_venv bench/out/venv-mcp scripts/test-requirements.txt examples/dreamforge/requirements.txt
work=bench/out/mcp
rm -rf "$work" && mkdir -p "$work"
cp -r examples/dreamforge "$work/dreamforge"
rm -rf "$work/dreamforge/.fixpoint"
python="$PWD/bench/out/venv-mcp/bin/python"
target/release/fixpoint run --project "$work/dreamforge" --python "$python" --test-timeout 3 -q >/dev/null || true
"$python" bench/mcp/measure.py "$PWD/target/release/fixpoint" "$PWD/$work/dreamforge" "$python" "$CALLS"
