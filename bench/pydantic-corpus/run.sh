#!/usr/bin/env bash
# Real Pydantic 1 projects under Pydantic 2: five pinned sdists from PyPI, their
# own test suites under Pydantic 1, under Pydantic 2 unchanged, after
# bump-pydantic and after `fixpoint migrate pydantic`, with wall times.
#
#   bash bench/pydantic-corpus/run.sh [--only NAME] [--fixpoint-args "..."] [--docs]
#
# Output (sources, logs, JUnit reports, results.json) goes to
# bench/out/pydantic-corpus; --docs writes the table to docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --locked -p fixpoint
TARGET=${CARGO_TARGET_DIR:-target}
exec python3 bench/pydantic-corpus/corpus.py "$TARGET/release/fixpoint" bench/out/pydantic-corpus "$@"
