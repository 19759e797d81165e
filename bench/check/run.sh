#!/usr/bin/env bash
# Benchmark: `fixpoint check` and `fixpoint fix --all --diff` against
# `ruff check` on a copy of CPython's standard library, in one run. Writes the
# table into docs/benchmarks.md ("## check and fix against Ruff").
#
#   bash bench/check/run.sh              # 5 timed repetitions of each command
#   bash bench/check/run.sh --reps 10    # any bench.py flag passes through
#   CARGO_TARGET_DIR=/tmp/t bash bench/check/run.sh
#
# Needs: python3 (3.9+) with venv, git, cargo, and access to PyPI for the first run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="$repo/bench/out/check-venv"
python="${PYTHON:-python3}"

log() { printf 'bench: %s\n' "$*" >&2; }

# 1. Ruff, pinned in requirements.txt, in its own venv (reused when it matches).
want="$(grep -E '^ruff==' "$here/requirements.txt" | cut -d= -f3)"
have="$("$venv/bin/ruff" --version 2>/dev/null | cut -d' ' -f2 || true)"
if [[ "$have" != "$want" ]]; then
    log "creating $venv with ruff $want"
    "$python" -m venv --clear "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
else
    log "reusing $venv (ruff $have)"
fi

# 2. fixpoint, release build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
log "cargo build --release --locked -p fixpoint (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
(cd "$repo" && cargo build --release --locked --quiet -p fixpoint)
fixpoint="$CARGO_TARGET_DIR/release/fixpoint"
[[ -x "$fixpoint" ]] || { log "no binary at $fixpoint"; exit 2; }

# 3-5. Copy the standard library, time the commands, write the report. The
# interpreter that runs bench.py is the one whose standard library is copied.
exec "$python" "$here/bench.py" --repo "$repo" --fixpoint "$fixpoint" --ruff "$venv/bin/ruff" "$@"
