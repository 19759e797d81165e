"""Fails on its first run in a fresh checkout, passes after: a stand-in for a
timing-dependent test that fixpoint's --reruns must report as flaky."""
from pathlib import Path

STATE = Path(__file__).with_name(".flaky-state")


def test_flaky():
    if STATE.exists():
        STATE.unlink()
        return
    STATE.write_text("failed once")
    raise AssertionError("timing window missed")
