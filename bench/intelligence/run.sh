#!/usr/bin/env bash
# Test intelligence on a generated history with known answers: precision,
# recall and time of the slowdown detector's three methods, and how early
# each `--order` finds the failures (APFD, failures caught within 10%, 25%
# and 50% of the suite's time) against a random order and pytest's
# --failed-first. Writes the tables into docs/benchmarks.md.
#
#   bash bench/intelligence/run.sh [RUNS] [TESTS] [SEED]    # 200 2000 42
#
# Needs cargo and python3; no database (the history is built in memory).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-200}
TESTS=${2:-2000}
SEED=${3:-42}

cargo build --release --locked -p fixpoint-store --example bench_intelligence
results=$("${CARGO_TARGET_DIR:-target}/release/examples/bench_intelligence" "$RUNS" "$TESTS" "$SEED")
echo "$results"
python3 bench/intelligence/report.py "$results"
