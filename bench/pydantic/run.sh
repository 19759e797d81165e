#!/usr/bin/env bash
# fixpoint's pydantic-v2 fixer (FP003) against bump-pydantic on one generated
# package of Pydantic 1 models, in one run: v1 constructs left, modules that
# import and work under Pydantic 2 (warnings as errors), and wall time.
#
#   bash bench/pydantic/run.sh [MODULES]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/python-env.sh
MODULES=${1:-150}
OUT=bench/out/pydantic
ensure_venv bench/.venv-pydantic bench/pydantic/requirements.txt
cargo build --release --locked -p fixpoint
rm -rf "$OUT" && mkdir -p "$OUT"
python3 bench/pydantic/gen.py "$OUT/original" "$MODULES"
cp -r "$OUT/original" "$OUT/bump"
cp -r "$OUT/original" "$OUT/fixpoint"
PY="$PWD/bench/.venv-pydantic/bin/python"

seconds() { python3 -c 'import sys,time,subprocess; s=time.perf_counter(); subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print(f"{time.perf_counter()-s:.3f}")' "$@"; }
root=$PWD
bump_time=$(cd "$OUT/bump" && seconds "$root/bench/.venv-pydantic/bin/bump-pydantic" v1models)
fixpoint_time=$(seconds target/release/fixpoint fix --all --select FP003 --unsafe-fixes -q --no-progress --project "$OUT/fixpoint")

original=$($PY bench/pydantic/measure.py "$OUT/original" "$PY")
bump=$($PY bench/pydantic/measure.py "$OUT/bump" "$PY")
fix=$($PY bench/pydantic/measure.py "$OUT/fixpoint" "$PY")
echo "original: $original"; echo "bump-pydantic ($bump_time s): $bump"; echo "fixpoint ($fixpoint_time s): $fix"

python3 - "$original" "$bump" "$fix" "$bump_time" "$fixpoint_time" <<'PY'
import datetime, json, os, sys
sys.path.insert(0, "bench")
from docsection import replace_section

original, bump, fix = (json.loads(a) for a in sys.argv[1:4])
bump_time, fix_time = float(sys.argv[4]), float(sys.argv[5])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
rows = []
for name, result, seconds in (("bump-pydantic 0.8.0", bump, bump_time), ("fixpoint fix --all --select FP003 --unsafe-fixes", fix, fix_time)):
    converted = original["left_total"] - result["left_total"]
    rows.append(f"| {name} | {converted} of {original['left_total']} | {result['working_under_v2']} of {result['modules']} | {seconds:.2f} s |")
ratio = bump_time / fix_time if fix_time else float("inf")
replace_section(
    "## pydantic-v2 fixer (FP003) vs bump-pydantic",
    f"""Measured {datetime.date.today()} on {os.cpu_count()} cores ({cpu}) with `bash bench/pydantic/run.sh`: one
generated package of {original['modules']} Pydantic 1 modules (each: a `class Config` base with renamed
keys, a model with `Field(regex=, min_items=, max_items=)` and two `@validator`s, one with `values`, a
model with `class Config` (`schema_extra`, `validate_all`) and a pre and a post `@root_validator`, and
a function calling `.parse_obj()`, `.parse_raw()`, `.json()`, `.dict()` and `.schema()`), migrated by
each tool from the same copy. "Working" means the module imports and its round-trip function runs under
Pydantic 2.14.3 with warnings turned into errors.

| tool | v1 constructs converted | modules working under Pydantic 2 | wall time |
| --- | ---: | ---: | ---: |
{chr(10).join(rows)}

fixpoint is {ratio:.0f}x faster (target: at least 20x): {'met' if ratio >= 20 else 'missed'}.
""",
)
print(f"ratio: {ratio:.1f}")
PY
