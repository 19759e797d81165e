import pytest
from sqlalchemy import inspect

from crm.legacy import orm
from crm.legacy.domain import Lead


@pytest.fixture
def mapped():
    orm.start_mappers()
    yield Lead


def test_mapping_excludes_notes():
    orm.start_mappers()
    assert "notes" not in inspect(Lead).attrs


def test_lead_table_columns(mapped):
    assert [c.name for c in orm.leads.columns] == ["id", "email", "source", "score"]
