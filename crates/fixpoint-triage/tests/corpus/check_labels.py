"""Checks corpus/labels.toml against corpus/runs/*.json and prints counts.

Every non-passing result (failed, error, timeout, crashed, flaky) in every run
must have exactly one label; every label must name a non-passing result; every
label must be a known category id. Exit status 1 when anything is off.

    python3 check_labels.py            # check, print counts per category
    python3 check_labels.py --markdown # counts as a Markdown table
"""

import json
import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

CORPUS = Path(__file__).resolve().parent

# The catalog's ids, from the reference generated from it (docs/categories.md).
CATEGORIES = re.findall(
    r"^## ([a-z0-9-]+)$",
    (Path(__file__).resolve().parents[4] / "docs" / "categories.md").read_text(),
    re.M,
)
NOT_PASSING = {"failed", "error", "timeout", "crashed", "flaky"}


def main() -> int:
    labels = tomllib.loads((CORPUS / "labels.toml").read_text())
    problems: list[str] = []
    counts: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    runs = sorted((CORPUS / "runs").glob("*.json"))

    for run in runs:
        name = run.stem
        doc = json.loads(run.read_text())
        table = labels.get(name)
        if table is None:
            problems.append(f"[{name}] has a run but no table in labels.toml")
            table = {}
        failing = {t["nodeid"]: t["outcome"] for t in doc["tests"] if t["outcome"] in NOT_PASSING}
        for nodeid, outcome in failing.items():
            if nodeid not in table:
                problems.append(f"[{name}] {nodeid} ({outcome}) has no label")
        for nodeid, category in table.items():
            if category not in CATEGORIES:
                problems.append(f"[{name}] {nodeid}: unknown category {category!r}")
            if nodeid not in failing:
                problems.append(f"[{name}] {nodeid} is labelled but is not a non-passing result in the run")
                continue
            counts[category] += 1
            outcomes[failing[nodeid]] += 1
            outcome = failing[nodeid]
            if outcome in {"timeout", "crashed", "flaky"} and category != outcome:
                problems.append(f"[{name}] {nodeid}: outcome {outcome} but label {category}")
    for name in labels:
        if not (CORPUS / "runs" / f"{name}.json").exists():
            problems.append(f"[{name}] is in labels.toml but runs/{name}.json is missing")

    total = sum(counts.values())
    if "--markdown" in sys.argv:
        print("| category | labelled results |")
        print("| --- | ---: |")
        for category in CATEGORIES:
            print(f"| `{category}` | {counts[category]} |")
        print(f"| **total** | **{total}** |")
    else:
        for category in CATEGORIES:
            print(f"{category:32} {counts[category]:4}")
        print(f"{'total':32} {total:4}")
        print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    for problem in problems:
        print("PROBLEM:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
