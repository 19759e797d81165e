import pytest
from sqlalchemy.orm import Session

from warehouse import classic, db


@pytest.fixture
def made():
    return db.engine()


@pytest.fixture
def conn(made):
    with made.connect() as connection:
        yield connection


def test_labels(conn):
    assert db.labels(conn) == ["A1", "B2"]


def test_sizes(conn):
    assert db.sizes(conn) == ["small", "big"]


def test_count(conn):
    assert db.count(conn) == 2


def test_count_in_session(made):
    with Session(made) as session:
        assert db.count_in(session) == 2


def test_first_label(conn):
    assert db.first_label(conn) == "A1"


def test_columns(conn):
    assert db.columns(conn) == ["id", "label"]


def test_as_dict(conn):
    assert db.as_dict(conn) == {"id": 1, "label": "A1"}


def test_total(made):
    assert len(db.total(made)) == 2


def test_bound(made):
    assert db.bound(made) is not None


def test_create_unbound():
    db.create_unbound()


def test_reflect(made):
    assert db.reflect(made).name == "bins"


def test_add(conn):
    db.add(conn, "C3")


def test_legacy_where(conn):
    assert len(db.legacy_where(conn)) == 1


def test_autocommit_session(made):
    assert db.autocommit_session(made) is not None


def test_nested(made):
    with Session(made) as session:
        assert db.nested(session) is False


def test_exported():
    assert "select" in db.exported()


def test_relation_import():
    assert db.relation_import() is not None


def test_classical_mapping():
    classic.map_bins()


def test_a_plain_tuple_is_not_a_row():
    point = (1, 2)
    assert point["x"] == 1


def test_a_driver_row_is_not_a_sqlalchemy_row():
    from warehouse import raw

    assert raw.first_pair() == {1: 2}
