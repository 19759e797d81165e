#!/usr/bin/env bash
# Real SQLAlchemy 1.x projects under SQLAlchemy 2.0: six pinned sdists from PyPI,
# their own test suites on SQLite under SQLAlchemy 1.4 (counting RemovedIn20Warning
# sites), under SQLAlchemy 2.0 unchanged and after `fixpoint migrate sqlalchemy`,
# with wall times.
#
#   bash bench/sqlalchemy-corpus/run.sh [--only NAME] [--fixpoint-args "..."] [--docs]
#
# Output (sources, logs, JUnit reports, results.json, failures.md) goes to
# bench/out/sqlalchemy-corpus; --docs writes the table to docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --locked -p fixpoint
TARGET=${CARGO_TARGET_DIR:-target}
exec python3 bench/sqlalchemy-corpus/corpus.py "$TARGET/release/fixpoint" bench/out/sqlalchemy-corpus "$@"
