import os
import subprocess

import pytest

from notifier.outbox import Outbox


@pytest.fixture
def outbox():
    box = Outbox()
    yield box
    leftover = box.drain()
    assert not leftover, f"{len(leftover)} message(s) were never delivered"


@pytest.fixture
def api_key():
    return os.environ["NOTIFIER_API_KEY"]


@pytest.fixture(scope="session")
def mailhog():
    proc = subprocess.Popen(["mailhog", "-smtp-bind-addr", "127.0.0.1:1025"])
    yield "127.0.0.1:1025"
    proc.terminate()


@pytest.fixture
def session():
    return {"user": "ann", "locale": "en_GB"}
