"""Times fixpoint's history commands against the two benchmark stores and
writes the results into docs/benchmarks.md (the section is replaced)."""
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from docsection import replace_section  # noqa: E402

SECTION = "## The history store: 1,000 runs of 2,000 tests"


def time_command(binary, args, repeats=10):
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([binary, *args], check=True, stdout=subprocess.DEVNULL)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main():
    sqlite, postgres = json.loads(sys.argv[1]), json.loads(sys.argv[2])
    sqlite_db, postgres_url, binary = sys.argv[3], sys.argv[4], sys.argv[5]
    rows = []
    for label, numbers, db in (("SQLite", sqlite, sqlite_db), ("PostgreSQL 15", postgres, postgres_url)):
        cli = {name: time_command(binary, [name, "--db", db]) for name in ("history", "compare", "flaky")}
        rows.append((label, numbers, cli))
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    lines = [
        SECTION,
        "",
        f"Measured {datetime.date.today()} on {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        "with `bash bench/store/run.sh`. Each backend receives "
        f"{sqlite['runs']:,} runs of {sqlite['tests']:,} tests (4% failing, 1% flipping at random, "
        "tracebacks shared), one transaction per run. Query times are whole `fixpoint` commands "
        "(process start, opening the store, the query, printing), median of 10; in-process times "
        "are the query alone. Target: each query under 100 ms on SQLite.",
        "",
        "| backend | results/s recorded | `history` | `compare` (last two runs) | `flaky` (last 30 runs) | in-process history / compare / flaky |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, n, cli in rows:
        lines.append(
            f"| {label} | {n['results_per_second']:,.0f} | {cli['history']:.1f} ms | {cli['compare']:.1f} ms | "
            f"{cli['flaky']:.1f} ms | {n['history_ms']:.1f} / {n['compare_ms']:.1f} / {n['flaky_ms']:.1f} ms |"
        )
    sqlite_cli = rows[0][2]
    met = all(value < 100 for value in sqlite_cli.values())
    lines += ["", f"Target met on SQLite: {'yes' if met else 'no'} (slowest command {max(sqlite_cli.values()):.1f} ms).", ""]
    section = "\n".join(lines[2:])
    replace_section(SECTION, section)
    print(section)


if __name__ == "__main__":
    main()
