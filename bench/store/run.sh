#!/usr/bin/env bash
# The history store at scale: records 1,000 runs of a 2,000-test suite into
# SQLite and into PostgreSQL, reports insert throughput, then times the
# `fixpoint history`, `compare` and `flaky` commands over them (the whole
# command, process start included, median of 10) and writes the table into
# docs/benchmarks.md.
#
#   bash bench/store/run.sh [RUNS] [TESTS]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/postgres.sh
RUNS=${1:-1000}
TESTS=${2:-2000}
OUT=bench/out/store
mkdir -p "$OUT"

cargo build --release --locked -p fixpoint
cargo build --release --locked -p fixpoint-store --example bench_store
start_postgres
trap stop_postgres EXIT

rm -f "$OUT"/history.db*
sqlite=$(target/release/examples/bench_store "$OUT/history.db" "$RUNS" "$TESTS")
postgres=$(target/release/examples/bench_store "$FIXPOINT_TEST_PG_URL" "$RUNS" "$TESTS")
echo "$sqlite"
echo "$postgres"

python3 bench/store/report.py "$sqlite" "$postgres" "$OUT/history.db" "$FIXPOINT_TEST_PG_URL" target/release/fixpoint
