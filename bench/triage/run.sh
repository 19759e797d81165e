#!/usr/bin/env bash
# Triage at scale: 100,000 failures made from the labelled corpus's real ones
# (crates/fixpoint-triage/tests/corpus/runs), timed in one process, and the
# result written into docs/benchmarks.md.
#
#   bash bench/triage/run.sh [FAILURES]
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=${1:-100000}
cargo build --release --locked -p fixpoint-triage --example bench_triage
result=$(target/release/examples/bench_triage "$COUNT" crates/fixpoint-triage/tests/corpus/runs/*.json)
echo "$result"
python3 - "$result" <<'PY'
import datetime, json, os, sys
sys.path.insert(0, "bench")
from docsection import replace_section

r = json.loads(sys.argv[1])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
met = r["seconds"] < 1.0
replace_section(
    "## Triage: 100,000 failures",
    f"""Measured {datetime.date.today()} on {os.cpu_count()} cores ({cpu}) with `bash bench/triage/run.sh`:
{r['failures']:,} failing results, repeated from the {r['templates']} real failures of the labelled corpus
(every category), classified, fingerprinted and grouped into {r['patterns']} patterns in one process.

| failures | time | failures per second | target (under 1 s) |
| ---: | ---: | ---: | --- |
| {r['failures']:,} | {r['seconds']:.3f} s | {r['failures_per_second']:,.0f} | {'met' if met else 'missed'} |

No other tool triages pytest failures into root causes, so there is no ratio to report here.
""",
)
PY
