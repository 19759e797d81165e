"""fixpoint's pytest plugin: streams one JSON event per line while pytest runs.

fixpoint ships this file inside its binary and loads it with
``-p fixpoint_pytest_plugin``. It writes to the file descriptor named by
``FIXPOINT_EVENT_FD`` (a pipe fixpoint reads as the run goes) and selects
tests according to the ``FIXPOINT_*`` variables below. It never changes how a
test runs.

Events (``"event"`` field): ``session_start``, ``collect_report`` (a module or
package that failed or was skipped at collection), ``collection_finish`` (the
selected items), ``test_start``, ``test_report`` (one per setup/call/teardown
phase), ``test_finish``, ``session_finish``. The schema is documented in
``docs/events.md`` and versioned by ``SCHEMA``.

Selection variables, applied after pytest's own ``-k``/``-m`` deselection:
``FIXPOINT_SHARD`` (``count:M/N`` or ``hash:M/N``), ``FIXPOINT_PARTITION``
(``I/N``: round robin over the selected items, for ``-j``),
``FIXPOINT_ONLY_FILE`` (node ids to keep) and ``FIXPOINT_SKIP_FILE`` (node ids
already done, to drop when fixpoint restarts a worker after a crash).
``FIXPOINT_DURATIONS_FILE`` (``seconds<TAB>node id`` lines from the history)
turns the ``-j`` partition from round robin into longest-first balancing.

Order variables (``fixpoint run --order/--budget``), applied before the
partition: ``FIXPOINT_ORDER_FILE`` (``score<TAB>node id`` lines) sorts the
tests by score, highest first, ties in pytest's order, a test the file does
not list scoring ``FIXPOINT_NEW_SCORE``; ``FIXPOINT_RANDOM_SEED`` shuffles
them instead. ``FIXPOINT_BUDGET`` (seconds of work, over all workers) then
keeps, in that order, each test whose recorded duration (the durations file;
the median for a test it lacks) still fits, and is no longer than
``FIXPOINT_BUDGET_LONGEST`` (the wall-clock budget of a ``-j`` run); the
others are deselected and named in ``collection_finish``'s ``left_out``.

Resources: ``test_finish`` carries the test's CPU time (``cpu_time``: the
worker's CPU clock, every thread, over setup, call and teardown) and, on
Linux, its peak resident memory (``peak_rss``, bytes: the kernel's high-water
mark, reset through ``/proc/self/clear_refs`` when the test starts, so it is
the worker's peak during this test, interpreter included).
``FIXPOINT_RESOURCES=0`` leaves both out.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
import zlib

try:
    import resource
except ImportError:  # Windows
    resource = None

import pytest

SCHEMA = 1
# Fields whose empty value still says something: a bare ``xfail`` marker has
# the reason "".
_KEEP_EMPTY = frozenset({"wasxfail"})
_CAPTURE_LIMIT = int(os.environ.get("FIXPOINT_CAPTURE_LIMIT", "16384"))
_TEXT_LIMIT = int(os.environ.get("FIXPOINT_TEXT_LIMIT", "65536"))


def _trim_tail(text: str, limit: int) -> str:
    """Keeps the end of ``text``: the last lines of output matter most."""
    if not text or len(text) <= limit:
        return text or ""
    return "[... %d characters trimmed ...]\n" % (len(text) - limit) + text[-limit:]


def _trim_middle(text: str, limit: int) -> str:
    """Keeps both ends of a traceback: the test's frame and the crash site."""
    if not text or len(text) <= limit:
        return text or ""
    half = limit // 2
    return text[:half] + "\n[... %d characters trimmed ...]\n" % (len(text) - limit) + text[-half:]


def _parse_shard(value: str):
    kind, _, frac = value.partition(":")
    index, _, total = frac.partition("/")
    return kind, int(index), int(total)


def _read_ids(path: str | None) -> set[str] | None:
    if not path:
        return None
    with open(path, encoding="utf-8") as handle:
        return {line.rstrip("\n") for line in handle if line.strip()}


def _bucket(nodeid: str, total: int) -> int:
    """A stable 1-based bucket for a node id, the same on every machine."""
    return zlib.crc32(nodeid.encode("utf-8")) % total + 1


def _read_numbers(path: str | None) -> dict[str, float] | None:
    """A ``number<TAB>node id`` file (durations, scores) by node id; ``None``
    without one."""
    if not path:
        return None
    numbers: dict[str, float] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            number, _, nodeid = line.rstrip("\n").partition("\t")
            if nodeid:
                numbers[nodeid] = float(number)
    return numbers


def _balance(nodeids: list[str], workers: int, durations: dict[str, float]) -> list[int]:
    """Longest test first onto the least-loaded worker (1-based owners).

    Every worker computes this from the same collection and the same
    durations, so they agree on the split without talking to each other.
    Tests the history does not know count as the median known duration.
    """
    default = _median([durations[nodeid] for nodeid in nodeids if nodeid in durations])
    cost = [durations.get(nodeid, default) for nodeid in nodeids]
    loads = [0.0] * workers
    owners = [0] * len(nodeids)
    for index in sorted(range(len(nodeids)), key=lambda i: (-cost[i], i)):
        worker = min(range(workers), key=lambda w: (loads[w], w))
        owners[index] = worker + 1
        loads[worker] += cost[index]
    return owners


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else 0.0


def _within_budget(nodeids: list[str], budget: float, durations: dict[str, float], longest: float | None = None) -> set[str]:
    """The tests to keep, walking ``nodeids`` in order: each one whose
    recorded duration still fits in what is left of ``budget`` (and, with
    ``-j``, in ``longest``, the wall-clock budget no single test may pass).

    The same greedy cut as ``fixpoint_store::priority::within_budget``, here
    because only pytest knows the collected tests (new ones included) and
    every ``-j`` worker must reach the same choice on its own.
    """
    # A test never recorded costs the median of those that were (of the
    # whole history when none of these was).
    known = [durations[nodeid] for nodeid in nodeids if nodeid in durations]
    default = _median(known or list(durations.values()))
    kept: set[str] = set()
    left = budget
    for nodeid in nodeids:
        cost = durations.get(nodeid, default)
        if cost <= left and (longest is None or cost <= longest):
            kept.add(nodeid)
            left -= cost
    return kept


class _Resources:
    """A test's CPU time and peak resident memory, measured around it.

    The peak is the kernel's high-water mark, which writing ``5`` to
    ``/proc/self/clear_refs`` resets to the current size and
    ``getrusage``'s ``ru_maxrss`` reports: honest per test, but it counts the
    whole worker (interpreter, imported modules, what earlier tests left
    allocated), and memory a test frees before the kernel sees it touched
    never shows. Where the reset is not possible (not Linux, a locked-down
    ``/proc``) no peak is reported rather than a peak of the whole process's
    life. One ``getrusage`` gives both numbers; with the reset it costs a few
    microseconds a test (``bench/runner``).
    """

    def __init__(self) -> None:
        self.enabled = os.environ.get("FIXPOINT_RESOURCES", "1") != "0"
        self.clear_refs: int | None = None
        if self.enabled and resource is not None:
            try:
                self.clear_refs = os.open("/proc/self/clear_refs", os.O_WRONLY)
            except OSError:
                self.clear_refs = None
        self.cpu_start = 0.0

    def _reset(self) -> None:
        if self.clear_refs is None:
            return
        try:
            os.write(self.clear_refs, b"5")
        except OSError:
            os.close(self.clear_refs)
            self.clear_refs = None

    @staticmethod
    def _cpu() -> float:
        if resource is None:
            return time.process_time()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def start(self) -> None:
        if not self.enabled:
            return
        self._reset()
        self.cpu_start = self._cpu()

    def finish(self) -> dict:
        if not self.enabled:
            return {}
        if resource is None:
            return {"cpu_time": round(time.process_time() - self.cpu_start, 6)}
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "cpu_time": round(usage.ru_utime + usage.ru_stime - self.cpu_start, 6),
            # Linux counts ru_maxrss in KiB.
            "peak_rss": usage.ru_maxrss * 1024 if self.clear_refs is not None else None,
        }


class KeyboardInterruptInTest(Exception):
    """Stands for a ``KeyboardInterrupt`` that a test itself raised.

    fixpoint runs pytest in a process group of its own, so a Ctrl-C at the
    terminal never reaches a worker (fixpoint stops its workers itself): a
    ``KeyboardInterrupt`` inside one is the test's doing, and pytest would
    end the whole session on it. Turned into this exception it is the test's
    failure and the run goes on. Named and placed so that pytest prints it
    as ``KeyboardInterrupt: ...``.
    """


KeyboardInterruptInTest.__name__ = KeyboardInterruptInTest.__qualname__ = "KeyboardInterrupt"
KeyboardInterruptInTest.__module__ = "builtins"


def _new_style_wrappers() -> bool:
    """pluggy 1.2 and later let a hook wrapper replace an exception."""
    try:
        pytest.hookimpl(wrapper=True)
    except TypeError:
        return False
    return True


def _exception_name(exc_type) -> str:
    module = getattr(exc_type, "__module__", "") or ""
    name = getattr(exc_type, "__qualname__", None) or exc_type.__name__
    if module in ("builtins", "__builtin__", ""):
        return name
    return module + "." + name


def _exception_from_text(text: str) -> str | None:
    """The exception type named by the last ``E   Type: message`` line."""
    for line in reversed(text.splitlines()):
        if line.startswith("E   "):
            head = line[4:].strip().split(":", 1)[0].strip()
            if head and all(part.isidentifier() for part in head.split(".")):
                return head
    return None


class FixpointPlugin:
    def __init__(self, config: pytest.Config, stream) -> None:
        self.config = config
        self.stream = stream
        self.items: dict[str, pytest.Item] = {}
        shard = os.environ.get("FIXPOINT_SHARD")
        self.shard = _parse_shard(shard) if shard else None
        partition = os.environ.get("FIXPOINT_PARTITION")
        self.partition = _parse_shard("count:" + partition) if partition else None
        self.only = _read_ids(os.environ.get("FIXPOINT_ONLY_FILE"))
        self.skip = _read_ids(os.environ.get("FIXPOINT_SKIP_FILE")) or set()
        self.durations = _read_numbers(os.environ.get("FIXPOINT_DURATIONS_FILE")) or {}
        self.scores = _read_numbers(os.environ.get("FIXPOINT_ORDER_FILE"))
        self.new_score = float(os.environ.get("FIXPOINT_NEW_SCORE", "0") or 0)
        seed = os.environ.get("FIXPOINT_RANDOM_SEED")
        self.seed = int(seed) if seed else None
        budget = os.environ.get("FIXPOINT_BUDGET")
        self.budget = float(budget) if budget else None
        longest = os.environ.get("FIXPOINT_BUDGET_LONGEST")
        self.longest = float(longest) if longest else None
        self.left_out: list[str] | None = None
        self.resources = _Resources()
        # Each item's place in the whole selection, before the -j partition.
        self.positions: dict[str, int] = {}
        self.passed_duration = 0.0
        # The test running now, and what stopped the session (pytest.exit(),
        # or a KeyboardInterrupt that could not be made the test's failure).
        self.running: str | None = None
        self.interrupt: dict | None = None
        # (category, path, line, first line of the message) -> times raised.
        self.warnings: dict[tuple, int] = {}

    # -- output ---------------------------------------------------------
    def emit(self, event: str, flush: bool = True, **fields) -> None:
        # Empty fields are left out: most phases pass and carry nothing.
        record = {"event": event}
        record.update(
            (key, value)
            for key, value in fields.items()
            if value is not None and (value != "" or key in _KEEP_EMPTY)
        )
        self.stream.write(json.dumps(record, default=str) + "\n")
        if flush:
            self.stream.flush()

    def _rel(self, path) -> str:
        path = str(path)
        root = str(self.config.rootpath)
        try:
            rel = os.path.relpath(path, root)
        except ValueError:
            return path
        return path if rel.startswith("..") else rel.replace(os.sep, "/")

    def _owns_collection_error(self, nodeid: str) -> bool:
        # A collection error belongs to one shard, so that a CI fleet records
        # it once; `-j` workers all report it and fixpoint deduplicates.
        if self.shard is None:
            return True
        return _bucket(nodeid, self.shard[2]) == self.shard[1]

    # -- hooks ----------------------------------------------------------
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        plugins = []
        for _plugin, dist in self.config.pluginmanager.list_plugin_distinfo():
            name = "%s-%s" % (dist.project_name, dist.version)
            if name not in plugins:
                plugins.append(name)
        self.emit(
            "session_start",
            schema=SCHEMA,
            pytest_version=pytest.__version__,
            python_version=sys.version.split()[0],
            python_executable=sys.executable,
            rootdir=str(self.config.rootpath),
            plugins=plugins,
            pid=os.getpid(),
        )

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.passed:
            return
        nodeid = report.nodeid or "."
        if not self._owns_collection_error(nodeid):
            return
        text = report.longreprtext or ""
        reason = None
        if report.skipped and isinstance(report.longrepr, tuple):
            reason = _skip_reason(report.longrepr[2])
        self.emit(
            "collect_report",
            nodeid=nodeid,
            path=self._rel(report.fspath) if report.fspath else nodeid,
            outcome=report.outcome,
            longrepr=_trim_middle(text, _TEXT_LIMIT),
            exception_type=_exception_from_text(text) if report.failed else None,
            message=_last_error_line(text) if report.failed else None,
            skip_reason=reason,
        )

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list) -> None:
        keep, drop = [], []
        for index, item in enumerate(items):
            nodeid = item.nodeid
            selected = True
            if self.shard is not None:
                kind, shard_index, total = self.shard
                bucket = _bucket(nodeid, total) if kind == "hash" else index % total + 1
                selected = bucket == shard_index
            if selected and self.only is not None:
                selected = nodeid in self.only
            (keep if selected else drop).append(item)
        keep = self._ordered(keep, drop)
        self.positions = {item.nodeid: index for index, item in enumerate(keep)}
        if self.partition is not None:
            _, part, total = self.partition
            kept, keep = keep, []
            if self.durations:
                owners = _balance([item.nodeid for item in kept], total, self.durations)
            else:
                owners = [index % total + 1 for index in range(len(kept))]
            for item, owner in zip(kept, owners):
                (keep if owner == part else drop).append(item)
        if self.skip:
            kept, keep = keep, []
            for item in kept:
                (drop if item.nodeid in self.skip else keep).append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
        # Always: the order may have changed with nothing dropped.
        items[:] = keep

    def _ordered(self, items: list, drop: list) -> list:
        """``items`` in the order ``--order`` asks for, cut to ``--budget``
        (what the cut leaves out goes to ``drop``)."""
        if self.seed is not None:
            items = list(items)
            random.Random(self.seed).shuffle(items)
        elif self.scores is not None:
            scores, new = self.scores, self.new_score
            items = sorted(items, key=lambda item: -scores.get(item.nodeid, new))
        if self.budget is None:
            return items
        kept = _within_budget([item.nodeid for item in items], self.budget, self.durations, self.longest)
        self.left_out = [item.nodeid for item in items if item.nodeid not in kept]
        drop.extend(item for item in items if item.nodeid not in kept)
        return [item for item in items if item.nodeid in kept]

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        listed = []
        for item in session.items:
            self.items[item.nodeid] = item
            path, line, _domain = item.location
            listed.append(
                {
                    "nodeid": item.nodeid,
                    "path": path,
                    "line": None if line is None else line + 1,
                    "index": self.positions.get(item.nodeid),
                }
            )
        self.emit("collection_finish", items=listed, left_out=self.left_out)

    def pytest_runtest_logstart(self, nodeid: str, location) -> None:
        item = self.items.get(nodeid)
        markers = sorted({mark.name for mark in item.iter_markers()}) if item is not None else []
        path, line, _domain = location
        # Written with the test's finish: fixpoint knows which test runs from
        # the collection order, so a test costs one write, not two.
        self.emit(
            "test_start",
            flush=False,
            nodeid=nodeid,
            path=path,
            line=None if line is None else line + 1,
            markers=markers,
        )
        self.passed_duration = 0.0
        self.running = nodeid
        self.resources.start()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if call.excinfo is not None:
            report._fixpoint_exception = _exception_name(call.excinfo.type)

    def pytest_keyboard_interrupt(self, excinfo) -> None:
        # pytest calls this for a KeyboardInterrupt and for pytest.exit()
        # alike, before it ends the session.
        self.interrupt = {"nodeid": self.running, "reason": excinfo.exconly().strip()}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.passed and getattr(report, "wasxfail", None) is None:
            # A phase that passed has nothing to say but its duration.
            self.passed_duration += report.duration
            return
        crash = None
        reprcrash = getattr(report.longrepr, "reprcrash", None)
        if reprcrash is not None:
            crash = {"path": self._rel(reprcrash.path), "line": reprcrash.lineno, "message": reprcrash.message}
        skip_reason = None
        if report.skipped and isinstance(report.longrepr, tuple):
            skip_reason = _skip_reason(report.longrepr[2])
        wasxfail = getattr(report, "wasxfail", None)
        exception = getattr(report, "_fixpoint_exception", None)
        if not report.failed and wasxfail is None:
            exception = None
        self.emit(
            "test_report",
            flush=False,
            nodeid=report.nodeid,
            when=report.when,
            outcome=report.outcome,
            duration=report.duration,
            longrepr=None if report.passed else _trim_middle(report.longreprtext, _TEXT_LIMIT),
            exception_type=exception,
            crash=crash,
            skip_reason=skip_reason,
            wasxfail=wasxfail,
            stdout=_trim_tail(report.capstdout, _CAPTURE_LIMIT),
            stderr=_trim_tail(report.capstderr, _CAPTURE_LIMIT),
            log=_trim_tail(report.caplog, _CAPTURE_LIMIT),
        )

    def pytest_warning_recorded(self, warning_message, when, nodeid, location) -> None:
        # Counted once per category, place and message, and sent when the
        # session ends: a deprecated call in a loop is one finding.
        category = warning_message.category
        name = "%s.%s" % (getattr(category, "__module__", "?"), getattr(category, "__qualname__", "?"))
        lines = str(warning_message.message).strip().splitlines()
        key = (name, self._rel(warning_message.filename), warning_message.lineno, lines[0] if lines else "")
        self.warnings[key] = self.warnings.get(key, 0) + 1

    def pytest_runtest_logfinish(self, nodeid: str, location) -> None:
        self.emit("test_finish", nodeid=nodeid, duration=self.passed_duration, **self.resources.finish())
        self.running = None

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus) -> None:
        for (category, path, line, message), count in self.warnings.items():
            self.emit(
                "warning",
                flush=False,
                category=category,
                message=_trim_middle(message, 500),
                path=path,
                line=line,
                count=count,
            )
        self.emit("session_finish", exitstatus=int(exitstatus), interrupt=self.interrupt)


class PhaseGuard:
    """Makes a ``KeyboardInterrupt`` in a test's setup, call or teardown the
    test's failure (see ``KeyboardInterruptInTest``)."""

    def _guard(self):
        try:
            return (yield)
        except KeyboardInterrupt as error:
            raise KeyboardInterruptInTest(
                "raised in the test"
            ) from error

    if _new_style_wrappers():

        @pytest.hookimpl(wrapper=True)
        def pytest_runtest_setup(self, item):
            return (yield from self._guard())

        @pytest.hookimpl(wrapper=True)
        def pytest_runtest_call(self, item):
            return (yield from self._guard())

        @pytest.hookimpl(wrapper=True)
        def pytest_runtest_teardown(self, item, nextitem):
            return (yield from self._guard())


def _skip_reason(text) -> str:
    text = str(text)
    return text[len("Skipped: "):] if text.startswith("Skipped: ") else text


def _last_error_line(text: str) -> str | None:
    """The last ``E   Type: message`` line; pydantic and others add lines after it."""
    errors = [line[4:].strip() for line in text.splitlines() if line.startswith("E   ")]
    for line in reversed(errors):
        head = line.split(":", 1)[0].strip()
        if ":" in line and head and all(part.isidentifier() for part in head.split(".")):
            return line
    if errors:
        return errors[-1]
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip() if lines else None


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    fd = os.environ.get("FIXPOINT_EVENT_FD")
    if not fd or hasattr(config, "workerinput"):
        return
    stream = os.fdopen(int(fd), "w", encoding="utf-8", buffering=1 << 16, closefd=False)
    # Tests' own subprocesses must not hold the pipe open after pytest exits.
    os.set_inheritable(int(fd), False)
    config.pluginmanager.register(FixpointPlugin(config, stream), "fixpoint-events")
    config.pluginmanager.register(PhaseGuard(), "fixpoint-phase-guard")
    # fixpoint prints from the events: pytest's own progress output is a
    # quarter of a quick suite's time, written to a log nobody reads. It stays
    # when asked for, and under pytest-xdist, whose controller writes to it.
    distributed = (getattr(config.option, "numprocesses", None) or 0) != 0 or getattr(config.option, "dist", "no") != "no"
    if os.environ.get("FIXPOINT_PYTEST_OUTPUT") != "1" and not distributed:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            config.pluginmanager.unregister(reporter)
