import ctypes
import os
import subprocess
import sys
import time
from pathlib import Path


def test_before():
    assert True


def test_hangs():
    time.sleep(600)


def test_between():
    assert True


def test_hangs_in_a_child_process():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    Path("child.pid").write_text(str(child.pid))
    child.wait()


def test_segfaults():
    ctypes.string_at(0)


def test_after_segfault():
    assert True


def test_exits_the_interpreter():
    os._exit(3)


def test_last():
    assert True
