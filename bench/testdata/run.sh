#!/usr/bin/env bash
# fixpoint testdata on a generated project of 500 SQLAlchemy 2.0 models:
# discover and generate (median of 5 each, on a fresh copy), set beside what
# an import-based generator pays before it writes anything (Python importing
# every model module and configuring the mappers), and the generated seed
# script run once on SQLite to check the output works.
#
#   bash bench/testdata/run.sh [MODELS]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/python-env.sh
MODELS=${1:-500}
OUT=bench/out/testdata
ensure_venv .venv-test scripts/test-requirements.txt examples/dreamforge/requirements.txt
PY="$PWD/.venv-test/bin/python"
cargo build --release --locked -p fixpoint
rm -rf "$OUT" && mkdir -p "$OUT"
python3 bench/testdata/gen.py "$OUT/project" "$MODELS"
FP="$PWD/target/release/fixpoint"

python3 - "$OUT" "$FP" "$PY" "$MODELS" <<'PY'
import datetime, os, shutil, statistics, subprocess, sys, time
sys.path.insert(0, "bench")
from docsection import replace_section

out, fp, py, models = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
project = os.path.join(out, "project")

def timed(args, cwd):
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{args} failed: {done.stderr}")
    return elapsed, done.stdout

def median(args, fresh):
    times = []
    for rep in range(5):
        cwd = project
        if fresh:
            cwd = os.path.join(out, f"copy{rep}")
            shutil.rmtree(cwd, ignore_errors=True)
            shutil.copytree(project, cwd)
        times.append(timed(args, cwd)[0])
    return statistics.median(times)

discover = median([fp, "testdata", "discover", "--output-format", "json"], False)
generate = median([fp, "testdata", "generate", "-q"], True)
imports = median([py, "-B", "import_all.py"], False)
_, graph = timed([fp, "testdata", "discover", "--output-format", "json"], project)
import json
found = len(json.loads(graph)["models"])
seed_time, seed_out = timed([py, "tests/seed.py", "--scenario", "minimal", "--db", "sqlite:///seed.sqlite3"], os.path.join(out, "copy4"))
lines = sum(1 for _ in open(os.path.join(out, "copy4", "tests", "factories.py")))
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"discover {discover:.3f}s generate {generate:.3f}s import {imports:.3f}s seed {seed_time:.3f}s models {found}")
replace_section(
    "## Test data: discover and generate for 500 models",
    f"""Measured {datetime.date.today()} on {os.cpu_count()} cores ({cpu}) with `bash bench/testdata/run.sh`
(release build): a generated project of {models} SQLAlchemy 2.0 models in {models // 5} modules (each model: a
sized text, a unique email, a `Numeric(10, 2)`, an integer with a named check, an enum, a nullable
date, and a key to a model of the module before it). Whole commands, median of 5; `generate` runs on a
fresh copy each time and writes `tests/factories.py` ({lines:,} lines), `tests/seed.py` and `tests/conftest.py`.

| step | time |
| --- | ---: |
| `fixpoint testdata discover --output-format json` ({found} models found) | {discover:.3f} s |
| `fixpoint testdata generate` (discovery included; the JSON printing of the row above is not) | {generate:.3f} s |
| for comparison: Python importing every model module and configuring the mappers | {imports:.3f} s |
| the generated `tests/seed.py --scenario minimal` on SQLite (one row of each model, parents first) | {seed_time:.3f} s |

No maintained tool writes factories for SQLAlchemy models from their source, so there is no
ratio against one. The comparison row is the least an import-based generator pays before writing
anything (importing the models and configuring SQLAlchemy's mappers, no output): `fixpoint testdata
generate`, discovery included, takes {(imports / generate):.0f}x less time than that import alone.
The seed row shows the generated code runs (most of its time is factory_boy and SQLAlchemy).
""",
)
PY
