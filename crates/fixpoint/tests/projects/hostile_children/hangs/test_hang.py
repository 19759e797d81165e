"""A test that waits forever on a child in its own session."""
import pathlib
import subprocess
import sys

PIDS = pathlib.Path(__file__).resolve().parent.parent / "pids"


def test_waits_on_a_session_leader():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
    PIDS.mkdir(exist_ok=True)
    (PIDS / "session").write_text(str(child.pid))
    (PIDS / "worker").write_text(str(__import__("os").getpid()))
    child.wait()
