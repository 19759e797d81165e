import pytest

from inventory import db


@pytest.fixture
def conn():
    db.create()
    with db.engine.connect() as connection:
        yield connection
