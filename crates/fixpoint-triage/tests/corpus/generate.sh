#!/usr/bin/env bash
# Regenerates corpus/runs/*.json by running every project under corpus/projects/
# (and a copy of examples/dreamforge) through `fixpoint run --output-format json`.
#
#   FIXPOINT_BIN=/path/to/fixpoint ./generate.sh       # use an existing binary
#   ./generate.sh                                      # build one with cargo first
#
# Environment:
#   FIXPOINT_BIN   fixpoint binary to use (default: build `-p fixpoint` into
#                  $CARGO_TARGET_DIR, default /tmp/corpus-target).
#   CORPUS_VENV    virtualenv with the pinned libraries (default /tmp/corpus-venv;
#                  created with the pins below when missing).
#   CORPUS_ONLY    space-separated project names to regenerate (default: all).
#
# The projects are copied to a scratch directory before they run, so nothing
# (caches, __pycache__, state files) is written into the source tree. Absolute
# paths in the JSON are rewritten: the scratch project directory becomes
# /corpus/<name>, the virtualenv becomes /venv, pytest's per-run temp
# directory becomes /tmp/pytest-of-corpus/pytest-0 and fixpoint's own scratch
# directory becomes /tmp/fixpoint-run-corpus.
set -euo pipefail

CORPUS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$CORPUS/../../../.." && pwd)"
VENV="${CORPUS_VENV:-/tmp/corpus-venv}"
PINS=(pytest==9.2.0 sqlalchemy==2.0.44 pydantic==2.14.3 pydantic-settings==2.16.3)

# name -> extra fixpoint arguments
PROJECTS=(stockroom crm profiles orders_api ledgerkit payroll notifier jobrunner syncd warehouse dreamforge)
declare -A EXTRA=([syncd]="--reruns 1")

if [[ ! -x "$VENV/bin/python" ]]; then
    echo "creating $VENV" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "${PINS[@]}"
fi

if [[ -z "${FIXPOINT_BIN:-}" ]]; then
    export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/tmp/corpus-target}"
    (cd "$REPO" && cargo build --quiet -p fixpoint)
    FIXPOINT_BIN="$CARGO_TARGET_DIR/debug/fixpoint"
fi

WORK="$(mktemp -d /tmp/fixpoint-corpus.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$CORPUS/runs"

selected=("${PROJECTS[@]}")
if [[ -n "${CORPUS_ONLY:-}" ]]; then
    read -r -a selected <<<"$CORPUS_ONLY"
fi

for name in "${selected[@]}"; do
    if [[ "$name" == dreamforge ]]; then
        src="$REPO/examples/dreamforge"
    else
        src="$CORPUS/projects/$name"
    fi
    mkdir -p "$WORK/$name"
    # Copy the project without local caches, virtualenvs or fixpoint history.
    tar -C "$src" --exclude=.venv --exclude=.pytest_cache --exclude=.fixpoint \
        --exclude=__pycache__ --exclude=.syncd-state -cf - . | tar -C "$WORK/$name" -xf -

    echo "running $name" >&2
    status=0
    # NOTIFIER_API_KEY must be unset: the notifier project's fixture fails without it.
    # shellcheck disable=SC2086
    env -u NOTIFIER_API_KEY -u SYNCD_STATE_DIR PYTHONDONTWRITEBYTECODE=1 \
        "$FIXPOINT_BIN" run --project "$WORK/$name" --python "$VENV/bin/python" \
        --no-record --no-progress --test-timeout 5 ${EXTRA[$name]:-} \
        --output-format json >"$WORK/$name.json" 2>"$WORK/$name.log" || status=$?
    # fixpoint exits 1 when tests fail, which is the point here.
    if [[ $status -gt 1 ]]; then
        echo "fixpoint failed on $name (exit $status):" >&2
        cat "$WORK/$name.log" >&2
        exit 1
    fi

    "$VENV/bin/python" - "$WORK/$name.json" "$CORPUS/runs/$name.json" "$WORK/$name" "/corpus/$name" "$VENV" <<'PY'
import json
import re
import sys

src, dst, project, replacement, venv = sys.argv[1:6]
venv = venv.rstrip("/")
tmpdir = re.compile(r"/tmp/pytest-of-[^/]+/pytest-\d+")
bootdir = re.compile(r"/tmp/fixpoint-run-[A-Za-z0-9]+")


def clean(value):
    if isinstance(value, str):
        value = value.replace(project, replacement).replace(venv, "/venv")
        value = tmpdir.sub("/tmp/pytest-of-corpus/pytest-0", value)
        return bootdir.sub("/tmp/fixpoint-run-corpus", value)
    if isinstance(value, list):
        return [clean(v) for v in value]
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    return value


with open(src, encoding="utf-8") as fh:
    doc = clean(json.load(fh))
with open(dst, "w", encoding="utf-8") as fh:
    json.dump(doc, fh, indent=2, ensure_ascii=False)
    fh.write("\n")
PY
done

# Every non-passing result must have exactly one label, and every label a result.
"$VENV/bin/python" "$CORPUS/check_labels.py"
