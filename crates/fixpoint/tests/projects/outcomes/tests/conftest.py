import pytest


@pytest.fixture
def broken_setup():
    raise RuntimeError("database unavailable")


@pytest.fixture
def broken_teardown():
    yield 42
    raise OSError("could not remove the temporary directory")
