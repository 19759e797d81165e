"""Times `fixpoint check` and `fixpoint fix --all --diff` against Ruff (stdlib only).

Called by bench/check/run.sh, which provides the release binary and Ruff:

    python bench.py --repo DIR --fixpoint BINARY --ruff RUFF [--reps N] [--label NAME]

It copies the .py files of this interpreter's standard library (site-packages
left out) into a temporary git repository with a minimal pyproject.toml, runs
every command once to warm the page cache, then --reps times round-robin, so
that drift on the machine spreads over all of them alike. Wall time is start
to exit; CPU (user+sys) and peak RSS come from the child's rusage (wait4).
Every repetition must print exactly what the first one printed, and the tree
must be unchanged afterwards (`git status --porcelain` empty): neither
`check` nor `fix --diff` may write. The table goes to stdout, to
bench/out/check.json and into docs/benchmarks.md under SECTION.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

SECTION = "## check and fix against Ruff"
PYPROJECT = '[project]\nname = "stdlib-copy"\nversion = "0"\n'
# (label, argv after the binary, which binary, exit codes that are fine)
COMMANDS = [
    ("fixpoint check", ["check", "--no-progress"], "fixpoint", (0, 1)),
    ("fixpoint fix --all --diff", ["fix", "--all", "--diff", "--no-progress"], "fixpoint", (0, 1)),
    ("ruff check --select F,E,UP,B --no-cache", ["check", "--select", "F,E,UP,B", "--no-cache"], "ruff", (0, 1)),
    ("ruff check --no-cache", ["check", "--no-cache"], "ruff", (0, 1)),
]
# (numerator, denominator): the ratios the target is judged on.
RATIOS = [
    ("fixpoint check", "ruff check --select F,E,UP,B --no-cache"),
    ("fixpoint fix --all --diff", "ruff check --select F,E,UP,B --no-cache"),
]


def copy_stdlib(dest: Path) -> tuple[Path, int]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    count = 0
    for path in sorted(stdlib.rglob("*.py")):
        relative = path.relative_to(stdlib)
        if "site-packages" in relative.parts or "__pycache__" in relative.parts or not path.is_file():
            continue
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        count += 1
    (dest / "pyproject.toml").write_text(PYPROJECT)
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    subprocess.run(git + ["init", "-q"], cwd=dest, check=True)
    subprocess.run(git + ["add", "-A"], cwd=dest, check=True)
    subprocess.run(git + ["commit", "-q", "--no-verify", "-m", "stdlib"], cwd=dest, check=True)
    return stdlib, count


def run_once(argv: list[str], cwd: Path, out: Path, ok: tuple[int, ...]) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FIXPOINT_", "RUFF_"))}
    env["NO_COLOR"] = "1"
    rss_file = out.with_suffix(".rss")
    rss_file.unlink(missing_ok=True)
    # Through GNU time when there is one, for the child's own peak RSS: the
    # rusage of a forked child keeps the forking Python's (Linux keeps
    # ru_maxrss across exec), so wait4's figure is only an upper bound.
    gnu_time = os.access("/usr/bin/time", os.X_OK)
    wrapped = ["/usr/bin/time", "-f", "%M", "-o", str(rss_file), *argv] if gnu_time else argv
    with open(out, "wb") as stdout, open(out.with_suffix(".err"), "wb") as stderr:
        start = time.perf_counter()
        child = subprocess.Popen(wrapped, cwd=cwd, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in ok:
        sys.exit(f"bench: {' '.join(argv)} exited {child.returncode}:\n{out.with_suffix('.err').read_text()[-2000:]}")
    kilobytes = usage.ru_maxrss
    if gnu_time:
        # The last line: GNU time writes "Command exited with non-zero status N" before it.
        kilobytes = int(rss_file.read_text().split()[-1])
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": kilobytes / 1024,
        "digest": hashlib.sha256(out.read_bytes()).hexdigest(),
    }


def what_it_found(label: str, out: Path) -> str:
    text = out.read_text(errors="replace")
    if label == "fixpoint check":
        m = re.search(r"Found (\d+) findings?", text)
        return f"{m.group(1) if m else 0} findings"
    if label.startswith("fixpoint fix"):
        files = len(re.findall(r"^\+\+\+ ", text, re.M))
        return f"a diff of {files} files"
    m = re.search(r"Found (\d+) errors?", text)
    return f"{int(m.group(1)) if m else 0:,} findings"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--fixpoint", required=True)
    parser.add_argument("--ruff", required=True)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--label", default="", help="a name for this measurement in bench/out/check-*.json")
    args = parser.parse_args()
    out_dir = args.repo / "bench" / "out" / "check"
    out_dir.mkdir(parents=True, exist_ok=True)
    binaries = {"fixpoint": args.fixpoint, "ruff": args.ruff}
    ruff_version = subprocess.run([args.ruff, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=args.repo, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "crates", "Cargo.toml", "Cargo.lock"],
                           cwd=args.repo, capture_output=True, text=True).stdout.strip()

    with tempfile.TemporaryDirectory(prefix="fixpoint-bench-check-") as tmp:
        tree = Path(tmp) / "stdlib"
        tree.mkdir()
        stdlib, modules = copy_stdlib(tree)
        print(f"bench: {modules} modules from {stdlib} in {tree}", file=sys.stderr)
        load_before = os.getloadavg()[0]
        samples: dict[str, list[dict]] = {label: [] for label, *_ in COMMANDS}
        firsts: dict[str, str] = {}
        found = {}
        for rep in range(args.reps + 1):  # rep 0 is the warm-up
            for label, argv, binary, ok in COMMANDS:
                out = out_dir / (re.sub(r"[^a-z0-9]+", "-", label).strip("-") + ".out")
                sample = run_once([binaries[binary], *argv], tree, out, ok)
                if rep == 0:
                    found[label] = what_it_found(label, out)
                    firsts[label] = sample["digest"]
                    continue
                if sample["digest"] != firsts[label]:
                    sys.exit(f"bench: `{label}` printed something else on repetition {rep}")
                samples[label].append(sample)
            print(f"bench: repetition {rep}/{args.reps} done", file=sys.stderr)
        load_after = os.getloadavg()[0]
        status = subprocess.run(["git", "status", "--porcelain"], cwd=tree, capture_output=True, text=True,
                                check=True).stdout
        if status.strip():
            sys.exit(f"bench: the tree changed:\n{status}")

    rows = {}
    for label, *_ in COMMANDS:
        s = samples[label]
        rows[label] = {
            "wall": statistics.median(x["wall"] for x in s),
            "wall_min": min(x["wall"] for x in s),
            "cpu": statistics.median(x["cpu"] for x in s),
            "rss_mb": max(x["rss_mb"] for x in s),
            "found": found[label],
        }
    ratios = [(a, b, rows[a]["wall"] / rows[b]["wall"], rows[a]["cpu"] / rows[b]["cpu"]) for a, b in RATIOS]
    met = all(wall <= 1.0 for _, _, wall, _ in ratios)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    result = {
        "label": args.label,
        "date": now,
        "modules": modules,
        "reps": args.reps,
        "commit": commit,
        "dirty": bool(dirty),
        "ruff": ruff_version,
        "rows": rows,
        "ratios": [{"of": a, "to": b, "wall": w, "cpu": c} for a, b, w, c in ratios],
        "met": met,
    }
    (args.repo / "bench" / "out" / "check.json").write_text(json.dumps(result, indent=2))
    if args.label:
        (args.repo / "bench" / "out" / f"check-{args.label}.json").write_text(json.dumps(result, indent=2))

    table = ["| command | median wall (s) | min wall (s) | median CPU (s) | peak RSS (MB) | found |",
             "| --- | ---: | ---: | ---: | ---: | --- |"]
    for label, *_ in COMMANDS:
        r = rows[label]
        table.append(f"| `{label}` | {r['wall']:.3f} | {r['wall_min']:.3f} | {r['cpu']:.3f} | {r['rss_mb']:.0f} | {r['found']} |")
    ratio_table = ["| ratio | median wall | median CPU | target (wall <= 1.00) |", "| --- | ---: | ---: | --- |"]
    for a, b, w, c in ratios:
        ratio_table.append(f"| `{a}` / `{b}` | {w:.2f} | {c:.2f} | {'met' if w <= 1.0 else 'missed'} |")
    close = [f"`{a}`" for a, _, w, _ in ratios if 0.95 <= w <= 1.05]
    noise = (
        f"{' and '.join(close)} {'is' if len(close) == 1 else 'are'} within 5% of the limit: runs on a small shared VM "
        "vary by a few percent, so the verdict can flip from one run to the next; more `--reps` settle it.\n\n"
        if close
        else ""
    )
    body = f"""Measured {now} on {os.cpu_count()} cores ({cpu}), Linux {platform.release()}, Python {platform.python_version()},
{ruff_version}, fixpoint 0.1.0 (commit {commit}{', with uncommitted changes' if dirty else ''}); 1-minute load average {load_before:.2f} before, {load_after:.2f} after.

The tree: the {modules} `.py` files of CPython {platform.python_version()}'s standard library
(`sysconfig.get_paths()["stdlib"]`, site-packages left out, tests included), copied into a fresh git repository
with a minimal `pyproject.toml`. Each command ran once to warm up, then {args.reps} times round-robin; wall time is
the whole command, start to exit, with its output going to a file; CPU is user+sys of the child (its rusage)
and peak RSS the child's own (GNU time's `%M`). Every repetition printed exactly what the first did, and `git status` was clean at the end
(`fix --diff` writes nothing). Both tools may use every core.

Reproduce: `bash bench/check/run.sh` (`--reps N`, default 5; `CARGO_TARGET_DIR` is honoured).

{chr(10).join(table)}

{chr(10).join(ratio_table)}

fixpoint runs only its own handful of rules (FP001, FP002, FP003, FP005 for `check`; every fixer that
acts on whole files for `fix --all`), against Ruff's hundreds with `--select F,E,UP,B`, so the ratio says how
much a guard in CI or pre-commit costs next to the linter already there, not that the work is alike.

{noise}Where fixpoint's time goes (`perf record` of `fixpoint check` on this tree): Ruff's parser and the allocator.
Every file is read and parsed once for the project's indexes (symbols, import graph, Pydantic models,
declarative tables), on every core; then once per fix pass, the one parse every fixer of that pass reads
(the summary carries the syntax tree, FP003 included). What remains beyond that: `fix` builds triage's
project index on one core before the fixers start, and the allocator takes about a quarter of the CPU.

Target: no slower than Ruff (`ruff check --select F,E,UP,B`, median wall) — **{'met' if met else 'missed'}**.
"""
    before = args.repo / "bench" / "out" / "check-before.json"
    if args.label != "before" and before.exists():
        b = json.loads(before.read_text())
        cells = ", ".join(f"`{label}` {r['wall']:.3f} s wall / {r['cpu']:.3f} s CPU" for label, r in b["rows"].items())
        body += f"""
Before the project was read once and in parallel (commit {b['commit']}, measured {b['date']} by the same script):
{cells}.
"""
    print(body)
    sys.path.insert(0, str(args.repo / "bench"))
    from docsection import replace_section

    replace_section(SECTION, body)


if __name__ == "__main__":
    main()
