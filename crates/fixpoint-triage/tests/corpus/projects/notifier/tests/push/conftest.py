import pytest

from notifier.redis_queue import RedisQueue


@pytest.fixture
def queue():
    q = RedisQueue()
    yield q
    q.close()


@pytest.fixture
def device_registry(push_backend):
    return push_backend.devices


@pytest.fixture
def spool_dir(tmp_path):
    path = tmp_path / "spool"
    path.mkdir()
    yield path
    for leftover in path.iterdir():
        leftover.unlink()
    path.rmdir()


@pytest.fixture
def push_token():
    yield "tok_123"
    yield "tok_456"
