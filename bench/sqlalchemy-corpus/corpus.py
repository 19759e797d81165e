"""The SQLAlchemy 1.x corpus benchmark: real projects written for SQLAlchemy
1.3/1.4, their own test suites (on SQLite), run under SQLAlchemy 1.4 (recording
the RemovedIn20Warning sites in the project's own files), under SQLAlchemy 2.0
unchanged and after `fixpoint migrate sqlalchemy`.

    python3 corpus.py FIXPOINT_BINARY OUT_DIR [--only NAME] [--fixpoint-args "..."] [--docs]

Each project's pinned sdist is downloaded from PyPI with pip (sha256 checked) into
OUT_DIR/cache, unpacked into one copy per stage, and its suite is run from the
copy's source tree (the project itself is never installed: only its test
dependencies are, and the benchmark checks that the package imports from the
copy). Results go to OUT_DIR/results.json, the root causes of the tests lost
under 2.0 to OUT_DIR/failures.md and, with --docs, the table to
docs/benchmarks.md.
"""

import argparse
import collections
import datetime
import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from corpus_tools import broken_files, check_import, download, log, pct, timed, unpack, venv  # noqa: E402
STAGES = ("v14", "unfixed", "fixpoint")
# Every stage keeps going past a module that fails to import, so a test is lost
# on its own and not with the whole session.
PYTEST_ARGS = ["-q", "-p", "no:cacheprovider", "--continue-on-collection-errors"]
# Under 1.4: every RemovedIn20Warning, each time, recorded by corpus_warnplugin.py.
WARN_ARGS = ["-W", "always::sqlalchemy.exc.RemovedIn20Warning", "-p", "corpus_warnplugin"]


def keep_only_listed_tests(copy, project):
    """Where the manifest names test files rather than directories, the
    other test modules of those directories leave every copy: fixpoint runs
    the project's suite as pytest finds it, and must see the same tests as
    the stages do."""
    listed = [copy / path for path in project["tests"] if path.endswith(".py")]
    for directory in {path.parent for path in listed}:
        for module in directory.rglob("test_*.py"):
            if module not in listed:
                module.unlink()


def environment(copy, project, extra_path=()):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "FIXPOINT_", "PYTHON", "SQLALCHEMY_"))}
    env["PYTHONPATH"] = os.pathsep.join([str((copy / project["source_root"]).resolve()), *map(str, extra_path)])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(project.get("env", {}))
    return env


def outcome(case):
    kinds = {child.tag: child for child in case}
    for kind, label in (("failure", "failed"), ("error", "error"), ("skipped", "skipped")):
        if kind in kinds:
            child = kinds[kind]
            return label, child.get("message") or "", child.text or ""
    return "passed", "", ""


def run_suite(python, copy, project, report, warnings_out=None):
    """Runs the project's own suite; returns (cases, counts, seconds, exit code):
    cases maps a node id to (outcome, message, traceback); collection errors
    are kept under the key "<collect> MODULE"."""
    args = [*PYTEST_ARGS, *project.get("pytest_args", [])]
    extra_path = ()
    env = environment(copy, project)
    if warnings_out is not None:
        args += WARN_ARGS
        extra_path = (HERE,)
        env = environment(copy, project, extra_path)
        env["SQLALCHEMY_WARN_20"] = "1"
        env["CORPUS_WARNINGS_OUT"] = str(warnings_out)
        if warnings_out.exists():
            warnings_out.unlink()
    if report.exists():
        report.unlink()
    start = time.perf_counter()
    proc = subprocess.run(
        [str(python), "-m", "pytest", *args, f"--junitxml={report}", *project["tests"]],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    seconds = time.perf_counter() - start
    (report.parent / (report.stem + ".log")).write_text(proc.stdout + proc.stderr)
    cases, counts = {}, {"passed": 0, "failed": 0, "error": 0, "skipped": 0, "collection_errors": 0}
    if not report.exists() or proc.returncode in (3, 4):
        # The session did not start (a conftest that does not import, a usage error):
        # every test is lost to the one error at the end of the log.
        errors = re.findall(r"^E\s+(\w[\w.]*(?:Error|Exception|Warning)\b.*)$", proc.stdout + proc.stderr, re.M)
        message = errors[-1] if errors else (proc.stdout + proc.stderr).strip().splitlines()[-1:] or ["?"]
        cases["<session>"] = ("error", message if isinstance(message, str) else message[0], proc.stdout + proc.stderr)
        counts["collection_errors"] += 1
        if not report.exists():
            return cases, counts, seconds, proc.returncode
    for case in ET.parse(report).getroot().iter("testcase"):
        kind, message, text = outcome(case)
        if not case.get("classname") and kind == "error":  # a module that did not collect
            counts["collection_errors"] += 1
            cases[f"<collect> {case.get('name')}"] = (kind, message, text)
            continue
        nodeid = f"{case.get('classname')}::{case.get('name')}"
        counts[kind] += 1
        previous = cases.get(nodeid)
        # A test's first failure stands; a teardown error after a pass or a skip still fails it.
        if previous is None or (previous[0] in ("passed", "skipped") and kind in ("failed", "error")):
            cases[nodeid] = (kind, message, text)
    return cases, counts, seconds, proc.returncode


def passed(cases):
    return {nodeid for nodeid, (kind, _, _) in cases.items() if kind == "passed"}


def warning_sites(jsonl, copy):
    """Distinct RemovedIn20Warning sites (file:line) in the project's own files."""
    sites, outside = {}, collections.Counter()
    if not jsonl.exists():
        return {"sites": {}, "count": 0, "package": 0, "tests": 0, "outside": {}}
    root = copy.resolve()
    for line in jsonl.read_text().splitlines():
        record = json.loads(line)
        path = Path(record["file"])
        if not path.is_absolute():
            path = root / path
        try:
            rel = path.resolve().relative_to(root)
        except ValueError:
            outside[re.sub(r".*/site-packages/", "", record["file"])] += record.get("hits", 1)
            continue
        key = f"{rel}:{record['line']}"
        site = sites.setdefault(key, {"message": record["message"], "hits": 0})
        site["hits"] += record.get("hits", 1)
    tests = sum(1 for key in sites if re.match(r"(tests?|.*/tests?)/|conftest\.py", key))
    return {
        "sites": dict(sorted(sites.items())),
        "count": len(sites),
        "package": len(sites) - tests,
        "tests": tests,
        "outside": dict(outside.most_common(10)),
    }


def bench_project(project, config, fixpoint, out, fixpoint_args):
    name = project["name"]
    sdist = download(project, out / "cache")
    base = [config["pytest"], *project["deps"]]
    py14 = venv(out / "venvs" / f"{name}-v14", [*base, *config["sqlalchemy14"]])
    py20 = venv(out / "venvs" / f"{name}-v20", [*base, *config["sqlalchemy20"]])
    work = out / name
    work.mkdir(parents=True, exist_ok=True)
    copies = {stage: work / stage for stage in STAGES}
    for copy in copies.values():
        unpack(sdist, copy)
        keep_only_listed_tests(copy, project)
    result = {"name": name, "version": project["version"], "stages": {}}

    fix_cmd = [str(fixpoint), "migrate", "sqlalchemy", "--project", str(copies["fixpoint"]), "--python", str(py20)]
    fix_cmd += fixpoint_args
    # fixpoint's trial runs import the copy as its suite does.
    fix_seconds, fix_exit = timed(
        fix_cmd, copies["fixpoint"], work / "migrate-fixpoint.log", env=environment(copies["fixpoint"], project)
    )
    result["tools"] = {
        "fixpoint": {"seconds": round(fix_seconds, 3), "exit": fix_exit, "broken_files": broken_files(copies["fixpoint"])}
    }
    for stage, python in (("v14", py14), ("unfixed", py20), ("fixpoint", py20)):
        copy = copies[stage]
        imports = check_import(python, copy, project, environment(copy, project))
        warnings_out = work / "v14-warnings.jsonl" if stage == "v14" else None
        cases, counts, seconds, code = run_suite(python, copy, project, work / f"{stage}.xml", warnings_out)
        result["stages"][stage] = {
            "passed": sorted(passed(cases)),
            "counts": counts,
            "seconds": round(seconds, 3),
            "exit": code,
            "imports": imports,
        }
        if stage == "unfixed":
            result["unfixed_cases"] = {k: v for k, v in cases.items() if v[0] in ("failed", "error")}
        log(f"{name} {stage}: {counts} in {seconds:.1f} s ({imports})")
    result["warnings"] = warning_sites(work / "v14-warnings.jsonl", copies["v14"])
    log(f"{name}: {result['warnings']['count']} RemovedIn20Warning sites in the project's files")
    # The migrated code back under 1.4: FP009 writes forms 1.4 accepts, so
    # its tests still pass there, and the warning sites it rewrote are gone.
    after = work / "fixpoint-v14-warnings.jsonl"
    cases, counts, seconds, code = run_suite(py14, copies["fixpoint"], project, work / "fixpoint-v14.xml", after)
    result["stages"]["fixpoint-v14"] = {
        "passed": sorted(passed(cases)),
        "counts": counts,
        "seconds": round(seconds, 3),
        "exit": code,
        "imports": check_import(py14, copies["fixpoint"], project, environment(copies["fixpoint"], project)),
    }
    result["warnings_after"] = warning_sites(after, copies["fixpoint"])
    log(
        f"{name} fixpoint on 1.4: {counts}, {result['warnings_after']['count']} RemovedIn20Warning sites left"
    )
    return result


def summarize(results):
    keys = (
        "tests", "v14", "unfixed", "lost", "fixpoint", "back", "broken", "files_broken", "warn_sites",
        "warn_left", "v14_after",
    )
    rows, total = [], dict.fromkeys(keys, 0)
    for result in results:
        stages = result["stages"]
        v14 = set(stages["v14"]["passed"])
        unfixed = set(stages["unfixed"]["passed"])
        fixed = set(stages["fixpoint"]["passed"])
        lost = v14 - unfixed
        row = {
            "name": result["name"],
            "version": result["version"],
            "tests": sum(v for k, v in stages["v14"]["counts"].items() if k != "collection_errors"),
            "v14": len(v14),
            "unfixed": len(v14 & unfixed),
            "lost": len(lost),
            "fixpoint": len(v14 & fixed),
            "back": len(lost & fixed),
            "broken": len(unfixed - fixed),
            "files_broken": len(result["tools"]["fixpoint"]["broken_files"]),
            "warn_sites": result["warnings"]["count"],
            "warn_left": result.get("warnings_after", {}).get("count", 0),
            "v14_after": len(v14 & set(stages.get("fixpoint-v14", {}).get("passed", []))),
            "v14_seconds": stages["v14"]["seconds"],
            "unfixed_seconds": stages["unfixed"]["seconds"],
            "fixpoint_suite_seconds": stages["fixpoint"]["seconds"],
            "migrate_seconds": result["tools"]["fixpoint"]["seconds"],
            "migrate_exit": result["tools"]["fixpoint"]["exit"],
        }
        rows.append(row)
        for key in keys:
            total[key] += row[key]
    return rows, total


def table(rows, total):
    lines = [
        "| project | tests | pass, SQLAlchemy 1.4 | 2.0 unfixed | lost | after fixpoint | back | broken by fixpoint "
        "| RemovedIn20Warning sites (1.4): before → after | still passing on 1.4 after "
        "| suite time 1.4 / 2.0 / fixpoint | fixpoint time (exit) | files broken |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['name']} {r['version']} | {r['tests']} | {r['v14']} | {r['unfixed']} | {r['lost']} | {r['fixpoint']} "
            f"| {r['back']} | {r['broken']} | {r['warn_sites']} → {r['warn_left']} | {r['v14_after']} of {r['v14']} "
            f"| {r['v14_seconds']:.2f} / {r['unfixed_seconds']:.2f} / {r['fixpoint_suite_seconds']:.2f} s "
            f"| {r['migrate_seconds']:.2f} s ({r['migrate_exit']}) | {r['files_broken']} |"
        )
    t = total
    lines.append(
        f"| **total** | {t['tests']} | {t['v14']} | {t['unfixed']} ({pct(t['unfixed'], t['v14'])}) | {t['lost']} "
        f"| {t['fixpoint']} ({pct(t['fixpoint'], t['v14'])}) | {t['back']} ({pct(t['back'], t['lost'])} of lost) "
        f"| {t['broken']} | {t['warn_sites']} → {t['warn_left']} | {t['v14_after']} of {t['v14']} "
        f"| {sum(r['v14_seconds'] for r in rows):.2f} / {sum(r['unfixed_seconds'] for r in rows):.2f} "
        f"/ {sum(r['fixpoint_suite_seconds'] for r in rows):.2f} s | {sum(r['migrate_seconds'] for r in rows):.2f} s "
        f"| {t['files_broken']} |"
    )
    return "\n".join(lines)


# --- root causes of the tests lost under 2.0 -------------------------------------------------

FRAME = re.compile(r"^(\S+?\.py):(\d+): (?:in \S+|(\w[\w.]*))\s*$", re.M)

# (regex on the message, regex on the project's source line or None, the 1.x construct)
CONSTRUCTS = [
    (r"'sqlalchemy.orm.mapper\(\)' function is removed", None, "classical mapper(Class, table) (registry.map_imperatively)"),
    (r"has no attribute 'transaction'", None, "Session.transaction (2.0: get_transaction())"),
    (r"AttributeImpl.__init__\(\) missing", None, "attributes.register_attribute() (private ORM instrumentation, signature changed)"),
    (r"has no attribute 'ImmutableColumnCollection'|langhelpers' has no attribute", None, "private SQLAlchemy API removed/renamed in 2.0"),
    (r"Could not render literal value", None, "literal_binds rendering of a DateTime string (2.0 literal processors)"),
    (r"symbol\('(MANYTOONE|ONETOMANY|MANYTOMANY)'\)", None, "relationship direction compared with symbol() (an enum in 2.0)"),
    (r"NO_VALUE", None, "unloaded attribute state repr (NO_VALUE is an enum in 2.0)"),
    (r"has no attribute '__all__'", None, "sqlalchemy.__all__ / sqlalchemy.orm.__all__ (re-exporting the namespace; gone in 2.0)"),
    (r"Column expression.*expected, got \[|got \[|argument must be .*not a list", r"\bcase\(\s*\[", "case([...]) (list of whens)"),
    (r"Column expression.*expected, got \[|got \[", None, "select([...]) (list argument)"),
    (r"Column expression.*expected, got \(", None, "select((...)) / columns as a tuple"),
    (r"Not an executable object|ObjectNotExecutableError", None, "execute(\"string SQL\") without text()"),
    (r"'(Engine|OptionEngine)' object has no attribute 'execute'", None, "engine.execute() (implicit connection)"),
    (r"object has no attribute 'execute'", None, "<clause>.execute() / bound-metadata execution"),
    (r"'Engine' object has no attribute 'table_names'", None, "engine.table_names()"),
    (r"'Engine' object has no attribute 'has_table'", None, "engine.has_table()"),
    (r"object has no attribute 'scalar'", None, "<clause>.scalar() (implicit execution)"),
    (r"unexpected keyword argument 'bind'|has no attribute 'bind'|MetaData.*bind", None, "MetaData(bind=...) / metadata.bind"),
    (r"'autoload'|autoload", None, "Table(..., autoload=True)"),
    (r"autocommit", None, "autocommit=True (sessionmaker / execution_options)"),
    (r"tuple indices must be integers or slices, not str|Row.*not subscriptable|'Row' object has no attribute 'keys'|has no attribute 'has_key'",
     None, "row[\"col\"] / row.keys() (Row used as a mapping)"),
    (r"cannot import name '(\w+)' from 'sqlalchemy[\w.]*'", None, "import of a name removed in 2.0"),
    (r"No module named 'sqlalchemy[\w.]*'", None, "import of a module removed in 2.0"),
    (r"relation\b", r"\brelation\(", "relation() (renamed relationship())"),
    (r"has no attribute '_?get_(value|bind)'|has no attribute '_", None, "private SQLAlchemy API removed/renamed in 2.0"),
    (r"The 'whereclause'|whereclause", None, "select(cols, whereclause) positional"),
    (r"Textual SQL expression|should be explicitly declared as text", None, "plain string as SQL expression (needs text())"),
    (r"Can't operate on closed transaction|already begun|This session is in 'inactive' state|already has a transaction", None,
     "nested/implicit transaction (autobegin changes)"),
    (r"Type annotation can't be correctly interpreted|Mapped\[", None, "annotations on declarative attributes (2.0 reads them)"),
    (r"unexpected keyword argument", None, "keyword argument removed in 2.0"),
]


def normalise(message):
    message = re.sub(r'^failed on (setup|teardown|call) with "(.*)"$', r"\2", message.strip(), flags=re.S)
    message = message.split("\n")[0]
    message = re.sub(r"\(Background on this error at:[^)]*\)", "", message)
    message = re.sub(r"\[SQL: .*", "[SQL: ...]", message)
    message = re.sub(r"0x[0-9a-f]+", "0x...", message)
    for _ in range(3):
        message = re.sub(r"<[^<>]*>", "<...>", message)
    message = re.sub(r"^sqlalchemy\.exc\.", "", message)
    message = re.sub(r"\s+", " ", message).strip()
    return message[:220]


def project_site(text, copy):
    """The deepest traceback frame in the project's own files: (path, line, source)."""
    site = None
    for match in FRAME.finditer(text):
        path, line = match.group(1), int(match.group(2))
        if path.startswith(("/", "..")) or "site-packages" in path:
            continue
        source = ""
        file = copy / path
        if file.exists():
            lines = file.read_text(errors="replace").splitlines()
            if 0 < line <= len(lines):
                source = lines[line - 1].strip()
        site = (path, line, source)
    return site


def construct(message, source):
    for pattern, source_pattern, name in CONSTRUCTS:
        if re.search(pattern, message) and (source_pattern is None or re.search(source_pattern, source or "")):
            return name
    return "?"


def collection_error_for(nodeid, cases):
    """The collection error (module or conftest) that explains a missing test."""
    module = nodeid.split("::")[0]
    best = None
    for key in cases:
        if not key.startswith("<collect> "):
            continue
        name = key[len("<collect> "):]
        if module == name or module.startswith(name + ".") or name in ("", "."):
            if best is None or len(name) > len(best):
                best = name
    if best is None:
        return "<session>" if "<session>" in cases else None
    return f"<collect> {best}"


def failures_md(results, out):
    lines = [
        "# SQLAlchemy corpus: why tests pass under 1.4 and not under 2.0 unfixed",
        "",
        "Generated by `bench/sqlalchemy-corpus/corpus.py` from the JUnit reports of the `unfixed` stage",
        "(`unfixed.xml`, tracebacks in full there). A *lost* test passes under SQLAlchemy 1.4 and fails, errors",
        "or is not collected under 2.0. Messages are normalised (addresses, SQL text). *site* is the deepest",
        "traceback frame in the project's own files, with its source line; *construct* is the 1.x idiom",
        "matched from the message and that line (`?`: see the notes at the end).",
        "",
    ]
    corpus = collections.Counter()
    for result in results:
        name = result["name"]
        copy = out / name / "unfixed"
        v14 = set(result["stages"]["v14"]["passed"])
        unfixed_passed = set(result["stages"]["unfixed"]["passed"])
        lost = sorted(v14 - unfixed_passed)
        cases = result.get("unfixed_cases", {})
        groups = collections.defaultdict(lambda: {"tests": [], "sites": collections.Counter(), "construct": collections.Counter()})
        for nodeid in lost:
            if nodeid in cases:
                kind, message, text = cases[nodeid]
            else:
                key = collection_error_for(nodeid, cases)
                if key is None:
                    kind, message, text = "not collected", "not collected (no collection error recorded)", ""
                elif key == "<session>":
                    kind, (_, message, text) = "suite down", cases[key]
                    message = "the session does not start: " + message
                else:
                    kind, (_, message, text) = "not collected", cases[key]
                    message = f"module {key[10:]} does not import: " + (
                        re.findall(r"^E\s+(\w+(?:Error|Exception)\b.*)$", text, re.M) or [message]
                    )[-1]
            message = normalise(message)
            site = project_site(text, copy)
            group = groups[(kind if kind in ("not collected", "suite down") else "fails", message)]
            group["tests"].append(nodeid)
            if site:
                group["sites"][f"{site[0]}:{site[1]}: `{site[2]}`"] += 1
            group["construct"][construct(message, site[2] if site else "")] += 1
        s = result["stages"]
        lines += [
            f"## {name} {result['version']}",
            "",
            f"{len(v14)} pass under 1.4, {len(v14 & unfixed_passed)} of them under 2.0 unfixed: **{len(lost)} lost**. "
            f"2.0 counts: {s['unfixed']['counts']}, pytest exit {s['unfixed']['exit']}.",
            "",
        ]
        if s["unfixed"]["counts"]["collection_errors"]:
            lines.append(f"{s['unfixed']['counts']['collection_errors']} module(s) or the session fail to import under 2.0:")
            for key in sorted(k for k in cases if k.startswith("<") and k.endswith(">") or k.startswith("<collect> ")):
                errs = re.findall(r"^E\s+(.*)$", cases[key][2], re.M)
                where = "the whole session (conftest or plugin)" if key == "<session>" else f"`{key[10:]}`"
                lines.append(f"- {where}: {normalise(errs[-1] if errs else cases[key][1])}")
            lines.append("")
        if not lost:
            continue
        lines += ["| tests | outcome | exception (normalised) | construct | project site(s) |", "| ---: | --- | --- | --- | --- |"]
        for (kind, message), group in sorted(groups.items(), key=lambda g: -len(g[1]["tests"])):
            sites = "; ".join(f"{site} ({n})" if n > 1 else site for site, n in group["sites"].most_common(3))
            more = len(group["sites"]) - 3
            if more > 0:
                sites += f"; +{more} more"
            cons = ", ".join(c for c, _ in group["construct"].most_common())
            corpus[cons] += len(group["tests"])
            lines.append(
                f"| {len(group['tests'])} | {kind} | `{message.replace('|', '/')}` | {cons} | {sites.replace('|', '/') or '-'} |"
            )
        lines.append("")
    lines += ["## Across the corpus (by construct, as matched)", "", "| tests lost | construct |", "| ---: | --- |"]
    for cons, n in corpus.most_common():
        lines.append(f"| {n} | {cons} |")
    lines.append("")
    notes = HERE / "failures-notes.md"
    if notes.exists():
        lines += [notes.read_text().rstrip("\n"), ""]
    (out / "failures.md").write_text("\n".join(lines))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("fixpoint")
    parser.add_argument("out")
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--fixpoint-args", default="")
    parser.add_argument("--docs", action="store_true")
    args = parser.parse_args()
    config = json.loads((HERE / "projects.json").read_text())
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    fixpoint = Path(args.fixpoint).resolve()
    results = [
        bench_project(project, config, fixpoint, out, args.fixpoint_args.split())
        for project in config["projects"]
        if not args.only or project["name"] in args.only
    ]
    (out / "results.json").write_text(json.dumps(results, indent=1))
    failures_md(results, out)
    rows, total = summarize(results)
    text = table(rows, total)
    print(text)
    recovered = total["fixpoint"] / total["v14"] if total["v14"] else 0
    print(f"fixpoint keeps {recovered:.1%} of the tests that pass under SQLAlchemy 1.4 (target: all); "
          f"{total['back']} of {total['lost']} lost tests back, {total['broken']} broken")
    if args.docs:
        write_docs(args, config, text, total, rows, recovered)


def write_docs(args, config, text, total, rows, recovered):
    sys.path.insert(0, str(HERE.parent))
    from docsection import replace_section

    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    extra = " ".join(args.fixpoint_args.split())
    command = f"fixpoint migrate sqlalchemy{(' ' + extra) if extra else ''}"
    suites = sum(r["unfixed_seconds"] for r in rows)
    ratio = sum(r["migrate_seconds"] for r in rows) / suites if suites else 0.0
    replace_section(
        "## Real SQLAlchemy 1.x projects under SQLAlchemy 2.0",
        CORPUS_DOC.format(
            date=datetime.date.today(),
            cores=os.cpu_count(),
            cpu=cpu,
            count=len(rows),
            command=command,
            table=text,
            sa14=" ".join(config["sqlalchemy14"]),
            sa20=" ".join(config["sqlalchemy20"]),
            pytest=config["pytest"],
            recovered=f"{recovered:.1%}",
            back=total["back"],
            lost=total["lost"],
            back_share=pct(total["back"], total["lost"]),
            broken=total["broken"],
            files_broken=total["files_broken"],
            slowest=max((r["migrate_seconds"] for r in rows), default=0.0),
            ratio=ratio,
        ),
    )


CORPUS_DOC = """Measured {date} on {cores} cores ({cpu}) with `bash bench/sqlalchemy-corpus/run.sh --docs`:
{count} projects written for SQLAlchemy 1.3/1.4 that ship their test suites in their sdists, each its
pinned sdist from PyPI (version and sha256 in `bench/sqlalchemy-corpus/projects.json`). Each suite
runs on SQLite from the unpacked source tree with `{pytest}` and the project's test dependencies
(pinned); the project itself is never installed, and the benchmark checks that its package imports
from the copy under test. Each project is run under `{sa14}` (with `SQLALCHEMY_WARN_20=1`, counting
the distinct `RemovedIn20Warning` sites, file and line, in the project's own files), then under
`{sa20}` unchanged, and after `{command}` (on the whole tree, tests included). A test counts when it
passes under 1.4 and in the stage of its column; *lost* passes under 1.4 and not under 2.0 unfixed;
*back* is lost and passes after fixpoint; *broken* passes under 2.0 unfixed and not after fixpoint;
"files broken" counts Python files that no longer compile after fixpoint. The migrated tree is then
run again under 1.4: FP009 writes forms 1.4 accepts, so its tests still pass there, and the
`RemovedIn20Warning` sites it rewrote are gone (sites before → after; the anchor is fixing them by
hand). Times are wall times: each suite per stage, and the whole migration (every round with its
verification) with its exit code (1 while tests still fail).

{table}

Against the targets (batch fixes only, no model): {back} of the {lost} tests lost under 2.0 come
back, {back_share} (target: at least 60%); {broken} that passed unfixed break (target: none);
{files_broken} files broken (target: none); the slowest migration took {slowest:.0f} s (target: under
a minute per project), {ratio:.1f}x the suites' own time under 2.0 in total. fixpoint keeps
{recovered} of the tests that pass under SQLAlchemy 1.4.

What keeps the rest lost, read from the tracebacks after the migration (`failures.md`): code on
SQLAlchemy's internals, which no rule can move and triage names `sqlalchemy-private-api`
(Flask-SQLAlchemy re-exporting `sqlalchemy.__all__`, 67; SQLAlchemy-Utils calling
`attributes.register_attribute` into `AttributeImpl`, 30; marshmallow-sqlalchemy unwrapping synonyms
through `_proxied_property`, 21), and behaviour 2.0 changed under the rewritten calls
(SQLAlchemy-Continuum: once its `select([...])`, `session.transaction` and string SQL are rewritten,
every test errors in a teardown that uses a closed connection, and `Query` refuses negative indexes).
SQLAlchemy-Utils takes 67 s: its whole suite (2,678 tests, 19 s alone) runs twice under fixpoint (round 1,
and the verification of a `compat.py` every test imports, which round 2 starts from), each time with
the recording and triage of every result.

Reproduce: `bash bench/sqlalchemy-corpus/run.sh --docs` (the first run creates one virtual environment
per project and SQLAlchemy version under `bench/out/sqlalchemy-corpus/venvs`; sources, logs and JUnit
reports of every stage stay in `bench/out/sqlalchemy-corpus/`, the numbers in its `results.json`, the
root causes of the lost tests in its `failures.md`).
"""


if __name__ == "__main__":
    main()
