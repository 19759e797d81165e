"""Tests that leave processes behind. Each writes its child's pid to
``pids/NAME`` beside the project so that the test of fixpoint can look."""
import os
import pathlib
import subprocess
import sys
import time

PIDS = pathlib.Path(__file__).resolve().parent.parent / "pids"
SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]


def _note(name, pid):
    PIDS.mkdir(exist_ok=True)
    (PIDS / name).write_text(str(pid))


def test_forks_a_child_that_keeps_the_pipe():
    pid = os.fork()
    if pid == 0:
        time.sleep(600)
        os._exit(0)
    _note("forked", pid)


def test_starts_a_daemon_in_its_own_session():
    child = subprocess.Popen(SLEEPER, start_new_session=True)
    _note("daemon", child.pid)


def test_passes():
    pass
