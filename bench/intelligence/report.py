"""Turns the JSON of the bench_intelligence example into the test-intelligence
section of docs/benchmarks.md (the section is replaced).

    python3 bench/intelligence/report.py "$(target/release/examples/bench_intelligence)"
"""
import datetime
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from docsection import replace_section  # noqa: E402

SECTION = "## Test intelligence: slowdown detection and prioritized runs"
LABELS = {"risk": "risk", "failed-first": "failed-first (pytest `--ff`)", "duration": "duration", "random": "random"}


def percent(value):
    return f"{100 * value:.1f}%"


def cpu_name():
    try:
        with open("/proc/cpuinfo") as info:
            return next((l.split(":", 1)[1].strip() for l in info if l.startswith("model name")), "?")
    except OSError:
        return "?"


def slowdown_lines(data):
    slow = data["slowdown"]
    methods = slow["methods"]
    first = methods[0]
    lines = [
        "### Slowdown detection",
        "",
        f"Each method runs with its default threshold, a window of {first['window']} and at least "
        f"{first['min_samples']} samples before a change, over every passed result of the whole history "
        f"({data['results']:,} results, `Detector::detect_all`). {slow['injected']} tests were made 3x-6x slower "
        "for good. A report is right when it names one of them and places the start within 2 of the test's "
        "passed runs (*start exact*: on the very run); *misplaced* names one of them with the start further "
        "off; a *false alarm* names a test that did not get slower. Precision is right reports over all "
        "reports, recall right reports over injected slowdowns. Time: `detect_all` over the whole history "
        "in process (grouping the results by test included), median of 5.",
        "",
        "| method | threshold | reported | precision | recall | start exact | misplaced | false alarms (on bimodal tests) | detector time |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for m in methods:
        lines.append(
            f"| {m['method']} | {m['threshold']:g} | {m['reported']} | {percent(m['precision'])} | "
            f"{percent(m['recall'])} | {m['located_exactly']} | {m['misplaced']} | "
            f"{m['false_alarms']} ({m['false_alarms_on_bimodal']}) | {m['detector_ms']:.0f} ms |"
        )
    lines += [
        "",
        f"The {slow['bimodal_tests']} bimodal tests are the hard case: the robust methods (mad, iqr) read a "
        "bimodal test's slow mode as outliers of its baseline and flag it when the current window happens "
        "to fall in that mode; the z-score counts the slow mode in the baseline's spread, and is thrown "
        "instead by a single extreme sample in the baseline (a pause on a slow machine).",
        "",
    ]
    return lines


def priority_lines(data):
    p = data["priority"]
    w = p["weights"]
    budgets = [f"{round(100 * b)}%" for b in p["budgets"]]
    causes = ", ".join(f"{count} {cause}" for cause, count in sorted(p["causes"].items(), key=lambda kv: -kv[1]))
    lines = [
        "### Prioritized runs",
        "",
        f"Each of the last {p['evaluation_runs']} runs is ordered from the {p['history_window']} runs before it "
        "alone: `priority::rank` with that history, with `reaches_change` true for the tests whose import graph "
        "reaches a module that run's commit changed (hidden dependencies are not in the graph), and the default "
        f"weights (failure {w['failure']:g}, half-life {w['half_life']:g} runs, flaky {w['flaky']:g}, "
        f"changed {w['changed']:g}, new test {w['new_test']:g}). Ties keep pytest's order. Random is a seeded "
        f"shuffle, the mean of {p['random_seeds']} seeds; failed-first is pytest's `--failed-first` (the last "
        "verdict's failures first, then pytest's order); duration is shortest first. Each failing test is one "
        f"fault: {p['faults']:,} in all, {p['faults_per_run']:.1f} a run ({causes}).",
        "",
        "APFD (average percentage of faults detected) is that of the full order: "
        "`1 - (sum of the failing tests' positions) / (n * m) + 1 / (2n)` for `n` tests and `m` failing ones; "
        "1 is every failure first, a random order averages 0.5. *Caught within a budget* is the share of the "
        "run's failing tests that `priority::within_budget` keeps when it cuts the order at "
        f"{', '.join(budgets)} of the suite's estimated time (each test's median duration over the history "
        "window; a test that does not fit is skipped and the walk goes on). Both are means over the "
        "evaluation runs.",
        "",
        "| order | APFD | " + " | ".join(f"caught within {b}" for b in budgets) + " |",
        "| --- | ---: | " + " | ".join("---:" for _ in budgets) + " |",
    ]
    for o in p["orders"]:
        lines.append(
            f"| {LABELS.get(o['order'], o['order'])} | {o['apfd']:.3f} | "
            + " | ".join(percent(c) for c in o["caught"])
            + " |"
        )
    lines += [
        "",
        "| ratio | APFD | " + " | ".join(f"caught within {b}" for b in budgets) + " |",
        "| --- | ---: | " + " | ".join("---:" for _ in budgets) + " |",
    ]
    for label, key in (("risk / random", "risk_vs_random"), ("risk / failed-first", "risk_vs_failed_first")):
        r = p[key]
        lines.append(f"| {label} | {r['apfd']:.2f}x | " + " | ".join(f"{c:.2f}x" for c in r["caught"]) + " |")
    lines += [
        "",
        f"Ranking {data['tests']:,} tests by risk takes {p['rank_ms']:.1f} ms (median; the flaky analysis of "
        f"{p['history_window']} runs included). The generated failures follow the signals risk reads (failures "
        "persist until fixed, breakages mostly reach the changed module through the graph, flaky tests flip on "
        "the same code): the figures show that the ranking puts those signals to use, not how predictable a "
        "given project's failures are.",
        "",
    ]
    return lines


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: report.py JSON (the output of the bench_intelligence example)")
    data = json.loads(sys.argv[1])
    lines = [
        SECTION,
        "",
        f"Measured {datetime.date.today()} on {os.cpu_count()} cores ({cpu_name()}) with "
        f"`bash bench/intelligence/run.sh` (arguments `[RUNS] [TESTS] [SEED]`). The history is generated in "
        f"memory by `crates/fixpoint-store/examples/bench_intelligence.rs` (seed {data['seed']}): "
        f"{data['runs']} whole-suite runs of {data['tests']:,} tests. Durations: a base time per test "
        "(log-normal, median 50 ms, 5 ms to 5 s), times ±15% noise per result, times the run's machine "
        "(±8%, and one run in 50 on a machine twice as slow), one result in 50 a further 1.5x-3x (a pause, a "
        "cold cache), 3% of the tests bimodal (one run in four 2x-3x); 2% of the tests get 3x-6x slower for "
        "good from a run after the 20th and before the last 3. Failures: 100 modules, each test reaching its "
        "own and up to three others through the import graph, about three tests in ten also one module the "
        "graph does not show; three runs in four are a commit changing one to three modules (the others rerun the "
        "same code); half the changes break something, each test reaching the module then failing with "
        "probability 0.4 until a later commit fixes it (one in two per commit); 0.5% of the tests are chronic "
        "(fail 70% of runs), 3% flaky (fail 20%, at random), 1% always skipped.",
        "",
    ]
    lines += slowdown_lines(data)
    lines += priority_lines(data)
    section = "\n".join(lines[2:])
    replace_section(SECTION, section)
    print(section)


if __name__ == "__main__":
    main()
