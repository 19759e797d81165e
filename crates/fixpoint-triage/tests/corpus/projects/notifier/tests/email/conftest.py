import pytest


@pytest.fixture
def smtp_server():
    return {"host": "127.0.0.1", "port": 1025, "sent": []}
