import time

from syncd import remote
from syncd.index import build_index


def test_index_is_fast_when_warm():
    started = time.perf_counter()
    index = build_index(["b", "a", "c"])
    assert time.perf_counter() - started < 0.2
    assert index["a"] == 0


def test_fetch_first_page():
    assert remote.fetch_page(1) == ["item-1-0", "item-1-1", "item-1-2"]


def test_lock_is_acquired():
    assert remote.lock_acquired("worker-a")


def test_diff_reports_added_and_removed():
    assert remote.diff(["a", "b"], ["b", "c"]) == {"added": ["c"], "removed": ["a"]}


def test_diff_ignores_order():
    assert remote.diff(["b", "a"], ["a", "b"]) == {"added": [], "removed": []}


def test_diff_of_duplicates():
    assert remote.diff(["a", "a"], ["a"]) == {"added": [], "removed": ["a"]}
