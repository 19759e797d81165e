"""What `fixpoint fix`'s verification costs, against rerunning the whole suite.

A generated project of 2,000 tests in 20 modules; one module lacks
`from decimal import Decimal` (100 failing tests), which FP002 fixes.

- clean: the fix breaks nothing. Measured: the tests verification reruns and
  its time, as shares of the whole suite (`fixpoint run`).
- regression: the same fix also breaks a test that passed (the module must
  export only its functions). Measured: whether verification finds every
  regression that `fix --no-verify` followed by a full rerun finds.

    python bench/verify/bench.py --fixpoint target/release/fixpoint --python bench/.venv/bin/python
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODULES = 20
TESTS_PER_MODULE = 100
BROKEN = 7


def generate(root: Path, regression: bool) -> None:
    (root / "app").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "app" / "__init__.py").write_text("")
    (root / "pytest.ini").write_text("[pytest]\npythonpath = .\n")
    for m in range(MODULES):
        body = "def price(n):\n    return Decimal(n)\n" if m == BROKEN else (
            "from decimal import Decimal\n\n\ndef price(n):\n    return Decimal(n)\n")
        (root / "app" / f"mod_{m:02}.py").write_text(body)
        lines = [f"import app.mod_{m:02} as mod\n"]
        for t in range(TESTS_PER_MODULE):
            lines.append(f"\n\ndef test_price_{t}():\n    assert mod.price({t}) == {t}\n")
        if regression and m == BROKEN:
            lines.append("\n\ndef test_exports_only_price():\n"
                         "    assert [n for n in vars(mod) if not n.startswith('_')] == ['price']\n")
        (root / "tests" / f"test_mod_{m:02}.py").write_text("".join(lines))


def fixpoint(binary: str, root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([binary, *args], cwd=root, capture_output=True, text=True)


def outcomes(binary: str, python: str, root: Path) -> tuple[dict, float]:
    started = time.perf_counter()
    done = fixpoint(binary, root, "run", "--python", python, "--output-format", "json")
    elapsed = time.perf_counter() - started
    document = json.loads(done.stdout)
    return {t["nodeid"]: t["outcome"] for t in document["tests"]}, elapsed


def verify_cost(log: str) -> tuple[int, int, float]:
    match = re.search(r"verify cost: (\d+) pytest runs?, (\d+) tests, ([0-9.]+)s", log)
    if not match:
        sys.exit(f"no verify cost line in:\n{log}")
    return int(match[1]), int(match[2]), float(match[3])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fixpoint", required=True)
    parser.add_argument("--python", required=True)
    options = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        # clean
        root = Path(tmp) / "clean"
        generate(root, regression=False)
        before, _ = outcomes(options.fixpoint, options.python, root)
        _, suite_seconds = outcomes(options.fixpoint, options.python, root)
        started = time.perf_counter()
        fixed = fixpoint(options.fixpoint, root, "fix", "--no-progress")
        fix_seconds = time.perf_counter() - started
        runs, tests, seconds = verify_cost(fixed.stdout)
        results["clean"] = {
            "suite_tests": len(before),
            "suite_seconds": round(suite_seconds, 2),
            "verify_runs": runs,
            "verify_tests": tests,
            "verify_seconds": seconds,
            "fix_seconds": round(fix_seconds, 2),
            "tests_share": round(tests / len(before), 4),
            "time_share": round(seconds / suite_seconds, 4),
        }
        # regression: verification against fix --no-verify and a full rerun
        found = {}
        for mode in ("verify", "no-verify"):
            root = Path(tmp) / f"regression-{mode}"
            generate(root, regression=True)
            before, _ = outcomes(options.fixpoint, options.python, root)
            args = ["fix", "--no-progress"] + (["--no-verify"] if mode == "no-verify" else [])
            log = fixpoint(options.fixpoint, root, *args).stdout
            after, _ = outcomes(options.fixpoint, options.python, root)
            broken = sorted(n for n, o in before.items() if o == "passed" and after.get(n) != "passed")
            if mode == "no-verify":
                found["full_rerun_finds"] = broken
            else:
                found["verify_reports"] = sorted(
                    n for line in log.splitlines() if line.startswith("  taken back")
                    for n in line.split(": broke ", 1)[1].split(", "))
                found["after_verified_fix_broken"] = broken
                found["verify_runs"], found["verify_tests"], found["verify_seconds"] = verify_cost(log)
            shutil.rmtree(root)
        found["misses"] = sorted(set(found["full_rerun_finds"]) - set(found["verify_reports"]))
        results["regression"] = found
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
