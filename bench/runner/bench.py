"""Times `fixpoint run` against plain pytest and pytest-xdist (stdlib only).

Called by bench/runner/run.sh, which provides the venv and the release binary:

    python bench.py --repo DIR --python VENV_PYTHON --fixpoint BINARY [--reps N]

It generates bench/out/suite2000/ (2,000 quick passing tests), warms each
command up once, then times every command --reps times, round-robin, so that
drift on the machine (thermal, other processes) spreads over all of them
alike. Every timed run is checked to have run 2,000 tests that all passed.
The Markdown table goes to stdout, to bench/out/results.md and .json, and
into docs/benchmarks.md under SECTION (replacing only that section).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

SECTION = "## Running a suite: fixpoint run vs pytest and pytest-xdist"
DOC_HEADER = "# Benchmarks\n\nMeasurements of fixpoint on generated suites; each section says how to reproduce it.\n"
MODULES = 40
PER_MODULE = 50
EXPECTED = MODULES * PER_MODULE
# Targets: (label, numerator command, denominator command, limit).
TARGETS = [
    ("fixpoint run / pytest", "fixpoint run", "pytest", 1.05),
    ("fixpoint run -j 2 / pytest -n 2", "fixpoint run -j 2", "pytest -n 2", 1.00),
    # What measuring each test's CPU time and peak memory costs (docs/intelligence.md).
    ("resources recorded / not", "fixpoint run", "fixpoint run, FIXPOINT_RESOURCES=0", 1.05),
]
SUMMARY = re.compile(r"^=*\s*(?P<counts>\d+ \w+(?:, \d+ \w+)*) in (?P<secs>[0-9.]+)s\b", re.M)


# -- the suite -------------------------------------------------------------------

CONFTEST = '''\
import pytest


@pytest.fixture(scope="session")
def settings():
    return {"name": "suite2000", "size": 2000, "tags": ("fast", "generated")}


@pytest.fixture
def numbers():
    return list(range(10))
'''

PYPROJECT = '''\
[project]
name = "suite2000"
version = "0"

[tool.pytest.ini_options]
testpaths = ["tests"]
addopts = "-p no:cacheprovider"
'''


def module_source(k: int) -> str:
    """50 tests: 30 plain, 1 parametrized x10, 5 with fixtures, a class of 5."""
    out = ["import pytest", "", ""]
    for i in range(30):
        kind = i % 5
        if kind == 0:
            body = "assert %d + %d == %d" % (i, k, i + k)
        elif kind == 1:
            body = 'assert "m%d-t%d".split("-") == ["m%d", "t%d"]' % (k, i, k, i)
        elif kind == 2:
            body = "assert sorted([%d, %d, %d]) == [%s]" % (
                k + 2, i, k + 1, ", ".join(str(v) for v in sorted([k + 2, i, k + 1])))
        elif kind == 3:
            body = "assert {%d: 'a', %d: 'b'}.get(%d) == 'b'" % (-1 - i, i, i)
        else:
            body = "assert len(str(%d * %d)) == %d" % (i, k + 1, len(str(i * (k + 1))))
        out += ["def test_plain_%02d():" % i, "    " + body, "", ""]
    out += [
        "@pytest.mark.parametrize(\"n\", range(10))",
        "def test_param(n):",
        "    assert n * %d == %d * n" % (k + 1, k + 1),
        "",
        "",
    ]
    for i in range(5):
        if i % 2:
            out += ["def test_fixture_%d(numbers):" % i, "    assert numbers[%d] == %d" % (i, i), "", ""]
        else:
            out += ["def test_fixture_%d(settings):" % i, '    assert settings["size"] == 2000', "", ""]
    out += [
        "class TestGroup:",
        "    @pytest.fixture",
        "    def offset(self):",
        "        return %d" % k,
        "",
    ]
    for i in range(5):
        out += ["    def test_method_%d(self, offset):" % i, "        assert offset + %d == %d" % (i, k + i), ""]
    return "\n".join(out).rstrip() + "\n"


def write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def generate(suite: Path) -> None:
    write_if_changed(suite / "pyproject.toml", PYPROJECT)
    write_if_changed(suite / "tests" / "conftest.py", CONFTEST)
    wanted = {"conftest.py"}
    for k in range(MODULES):
        name = "test_mod_%02d.py" % k
        wanted.add(name)
        write_if_changed(suite / "tests" / name, module_source(k))
    for stale in (suite / "tests").glob("*.py"):
        if stale.name not in wanted:
            stale.unlink()
    # Every benchmark starts with an empty fixpoint history (.fixpoint/fixpoint.db):
    # runs still record, but a history grown by earlier benchmarks skews nothing.
    shutil.rmtree(suite / ".fixpoint", ignore_errors=True)


# -- running ---------------------------------------------------------------------

def clean_env() -> dict:
    env = dict(os.environ)
    for name in list(env):
        # PYTHONDONTWRITEBYTECODE goes too: with it every run would recompile and
        # re-rewrite the 40 test modules, which is not how a developer runs.
        if name.startswith(("PYTEST_", "FIXPOINT_")) or name in (
                "PYTHONPATH", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE"):
            del env[name]
    env["NO_COLOR"] = "1"
    return env


def run_once(argv: list[str], cwd: Path, env: dict) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall time and CPU time (user+sys of the whole process tree) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc


class BenchError(Exception):
    pass


def check_summary(name: str, argv: list[str], proc: subprocess.CompletedProcess) -> None:
    found = SUMMARY.findall(proc.stdout)
    counts = found[-1][0] if found else None
    if proc.returncode != 0 or counts != "%d passed" % EXPECTED:
        raise BenchError(
            "%s did not run %d passing tests (exit %d, summary %r)\n$ %s\n--- stdout (tail) ---\n%s\n--- stderr ---\n%s"
            % (name, EXPECTED, proc.returncode, counts, " ".join(argv), proc.stdout[-3000:], proc.stderr[-5000:]))


def verify_json(fixpoint: list[str], cwd: Path, env: dict, jobs: int | None) -> dict:
    argv = fixpoint + (["-j", str(jobs)] if jobs else []) + ["--output-format", "json"]
    _, _, proc = run_once(argv, cwd, env)
    try:
        doc = json.loads(proc.stdout)
        counts = doc["counts"]
    except (ValueError, KeyError, TypeError) as error:
        raise BenchError("%s: no JSON counts (%s, exit %d)\n--- stdout ---\n%s\n--- stderr ---\n%s"
                         % (" ".join(argv), error, proc.returncode, proc.stdout[-3000:], proc.stderr[-5000:]))
    if proc.returncode != 0 or counts.get("passed") != EXPECTED:
        raise BenchError("%s: exit %d, counts %r" % (" ".join(argv), proc.returncode, counts))
    unmeasured = [test["nodeid"] for test in doc["tests"] if "cpu_time" not in test]
    if unmeasured:
        raise BenchError("%s: %d tests without their CPU time (e.g. %s)" % (" ".join(argv), len(unmeasured), unmeasured[0]))
    return counts


# -- facts and report ------------------------------------------------------------

def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def output_of(argv: list[str], cwd: Path | None = None) -> str:
    try:
        return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine_facts(args) -> dict:
    return {
        "nproc": output_of(["nproc"]) or str(os.cpu_count()),
        "cpu": cpu_model(),
        "os": "%s %s" % (platform.system(), platform.release()),
        "python": output_of([args.python, "-c", "import sys; print(sys.version.split()[0])"]),
        "pytest": output_of([args.python, "-c", "import pytest; print(pytest.__version__)"]),
        "xdist": output_of([args.python, "-c", "from importlib.metadata import version; print(version('pytest-xdist'))"]),
        "fixpoint": output_of([args.fixpoint, "--version"]),
        "commit": output_of(["git", "rev-parse", "--short", "HEAD"], cwd=args.repo) or "no commit yet",
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def render(facts: dict, commands: list[tuple[str, list[str]]], walls: dict, cpus: dict, reps: int) -> tuple[str, list]:
    med = {name: statistics.median(walls[name]) for name, _ in commands}
    lines = [
        SECTION,
        "",
        "A generated project of %d quick passing tests (%d modules x %d: plain asserts, a parametrized"
        " test, session- and function-scoped fixtures, a test class), run by each command %d times,"
        " round-robin, after one warm-up run each. Wall time is the whole command, start to exit;"
        " CPU is user+sys of the whole process tree. fixpoint records every run in its"
        " history (`.fixpoint/fixpoint.db`, emptied when the benchmark starts). Bytecode caching is on (the warm-up writes"
        " `__pycache__`) and `PYTEST_*`/`FIXPOINT_*` variables are cleared. Every run is checked to report `%d passed`."
        " fixpoint can beat plain pytest because it prints from its plugin's events and switches pytest's own"
        " terminal reporter off in the child (see docs/events.md); its plugin costs one write per test."
        % (EXPECTED, MODULES, PER_MODULE, reps, EXPECTED),
        "",
        "Reproduce: `%s` (`--reps N` sets the repetitions, default 5; `CARGO_TARGET_DIR` is honoured)."
        % ("bash bench/runner/run.sh" + ("" if reps == 5 else " --reps %d" % reps)),
        "",
        "Machine: %s cores (`nproc`), %s, %s; Python %s, pytest %s, pytest-xdist %s; %s (commit %s); measured %s"
        " (1-minute load average %s)."
        % (facts["nproc"], facts["cpu"], facts["os"], facts["python"], facts["pytest"], facts["xdist"],
           facts["fixpoint"] or "fixpoint", facts["commit"], facts["date"], facts.get("load", "unknown")),
        "",
        "| Command | median wall (s) | min wall (s) | max wall (s) | median CPU (s) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, argv in commands:
        lines.append("| `%s` | %.3f | %.3f | %.3f | %.3f |" % (
            name, med[name], min(walls[name]), max(walls[name]), statistics.median(cpus[name])))
    lines += ["", "| Ratio (median wall) | measured | min/min | target | met? |", "| --- | ---: | ---: | ---: | --- |"]
    verdicts = []
    for label, num, den, limit in TARGETS:
        ratio = med[num] / med[den]
        ratio_min = min(walls[num]) / min(walls[den])
        met = ratio <= limit
        verdicts.append((label, ratio, limit, met))
        lines.append("| %s | %.3f | %.3f | <= %.2f | %s |" % (label, ratio, ratio_min, limit, "yes" if met else "**no**"))
    lines += ["", "Targets are judged on the median ratio. Runs on a small shared VM vary by 10-20% from one"
              " to the next, so a ratio within a few percent of its limit can flip between runs: use more"
              " `--reps` to settle it, and read the min/min column alongside.", ""]
    for label, ratio, limit, met in verdicts:
        lines.append("- `%s` = %.3f: target (<= %.2f) %s." % (label, ratio, limit, "**met**" if met else "**not met**"))
    lines.append("")
    return "\n".join(lines), verdicts


def replace_section(doc: Path, section: str) -> None:
    text = doc.read_text(encoding="utf-8") if doc.exists() else DOC_HEADER
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == SECTION), None)
    if start is None:
        new = text.rstrip("\n") + "\n\n" + section
    else:
        end = next((j for j in range(start + 1, len(lines)) if lines[j].startswith("## ") or lines[j].startswith("# ")),
                   len(lines))
        tail = "".join(lines[end:])
        new = "".join(lines[:start]) + section + ("\n" + tail if tail else "")
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


# -- main ------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parents[2])
    parser.add_argument("--python", required=True, help="the venv's python (with pytest and pytest-xdist)")
    parser.add_argument("--fixpoint", required=True, help="the release fixpoint binary")
    parser.add_argument("--reps", type=int, default=5, help="timed runs of each command (default 5)")
    parser.add_argument("--no-doc", action="store_true", help="do not touch docs/benchmarks.md")
    args = parser.parse_args()
    if args.reps < 1:
        parser.error("--reps must be at least 1")

    repo = args.repo.resolve()
    out = repo / "bench" / "out"
    suite = out / "suite2000"
    generate(suite)
    env = clean_env()
    py = str(Path(args.python).absolute())
    fixpoint = [args.fixpoint, "run", "--project", str(suite), "--python", py, "--no-progress", "-q"]
    commands = [
        ("pytest", [py, "-m", "pytest", "-q"]),
        ("fixpoint run", fixpoint),
        ("pytest -n 2", [py, "-m", "pytest", "-q", "-n", "2"]),
        ("fixpoint run -j 2", fixpoint + ["-j", "2"]),
        ("fixpoint run, FIXPOINT_RESOURCES=0", ["env", "FIXPOINT_RESOURCES=0"] + fixpoint),
    ]

    print("bench: suite at %s; checking fixpoint's JSON counts" % suite, file=sys.stderr)
    load_before = "%.2f" % os.getloadavg()[0]
    try:
        for jobs in (None, 2):
            verify_json(fixpoint, suite, env, jobs)
        walls = {name: [] for name, _ in commands}
        cpus = {name: [] for name, _ in commands}
        for rep in range(args.reps + 1):  # round 0 is the warm-up
            for name, argv in commands:
                wall, cpu, proc = run_once(argv, suite, env)
                check_summary(name, argv, proc)
                if rep:
                    walls[name].append(wall)
                    cpus[name].append(cpu)
            print("bench: %s done" % ("warm-up" if rep == 0 else "round %d/%d" % (rep, args.reps)), file=sys.stderr)
    except BenchError as error:
        print("bench: FAILED: %s" % error, file=sys.stderr)
        return 1

    facts = machine_facts(args)
    facts["load"] = "%s before, %.2f after" % (load_before, os.getloadavg()[0])
    section, verdicts = render(facts, commands, walls, cpus, args.reps)
    (out / "results.md").write_text(section, encoding="utf-8")
    (out / "results.json").write_text(json.dumps({
        "facts": facts, "reps": args.reps, "expected": EXPECTED,
        "commands": {name: argv for name, argv in commands},
        "wall": walls, "cpu": cpus,
        "ratios": {label: {"median": ratio, "target": limit, "met": met} for label, ratio, limit, met in verdicts},
    }, indent=2) + "\n", encoding="utf-8")
    if not args.no_doc:
        replace_section(repo / "docs" / "benchmarks.md", section)
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
