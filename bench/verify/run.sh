#!/usr/bin/env bash
# Benchmark: what `fixpoint fix`'s verification reruns and costs on a
# 2,000-test project for a one-module fix, as shares of a full `fixpoint run`,
# and whether it misses a regression that a full rerun finds.
#
#   bash bench/verify/run.sh                          # builds the release binary
#   FIXPOINT_BIN=target/debug/fixpoint bash bench/verify/run.sh
#
# Needs: python3 with venv, cargo, and access to PyPI for the first run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"
. scripts/python-env.sh
ensure_venv bench/.venv-verify bench/verify/requirements.txt
if [[ -z "${FIXPOINT_BIN:-}" ]]; then
    cargo build --release --locked -p fixpoint
    FIXPOINT_BIN="$repo/target/release/fixpoint"
fi
"$repo/bench/.venv-verify/bin/python" "$here/bench.py" --fixpoint "$FIXPOINT_BIN" --python "$repo/bench/.venv-verify/bin/python"
