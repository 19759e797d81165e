#!/usr/bin/env bash
# Benchmark: `fixpoint run` against plain pytest and pytest-xdist on a generated
# suite of 2,000 quick tests. Writes the table into docs/benchmarks.md.
#
#   bash bench/runner/run.sh              # 5 timed repetitions of each command
#   bash bench/runner/run.sh --reps 10    # any bench.py flag passes through
#   CARGO_TARGET_DIR=/tmp/t bash bench/runner/run.sh
#
# Needs: python3 (3.9+) with venv, cargo, and access to PyPI for the first run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="$repo/bench/.venv"
pins=("pytest==9.2.0" "pytest-xdist==3.8.0")

log() { printf 'bench: %s\n' "$*" >&2; }

# 1. The virtual environment, with the pinned versions (reused when they match).
want="$(printf '%s\n' "${pins[@]}" | sort)"
have=""
if [[ -x "$venv/bin/python" ]]; then
    have="$("$venv/bin/python" - <<'EOF' 2>/dev/null || true
from importlib.metadata import version
for name in ("pytest", "pytest-xdist"):
    try:
        print("%s==%s" % (name, version(name)))
    except Exception:
        pass
EOF
)"
    have="$(printf '%s\n' "$have" | sort)"
fi
if [[ "$have" != "$want" ]]; then
    log "creating $venv with ${pins[*]}"
    "${PYTHON:-python3}" -m venv --clear "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${pins[@]}"
else
    log "reusing $venv (${pins[*]})"
fi

# 2. fixpoint, release build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
log "cargo build --release -p fixpoint (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
(cd "$repo" && cargo build --release --quiet -p fixpoint)
fixpoint="$CARGO_TARGET_DIR/release/fixpoint"
[[ -x "$fixpoint" ]] || { log "no binary at $fixpoint"; exit 2; }

# 3-5. Generate the suite, time the commands, write the report.
exec "$venv/bin/python" "$here/bench.py" \
    --repo "$repo" \
    --python "$venv/bin/python" \
    --fixpoint "$fixpoint" \
    "$@"
