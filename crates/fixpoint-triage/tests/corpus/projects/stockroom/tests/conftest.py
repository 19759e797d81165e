import pytest

from stockroom.db import Base, make_engine, make_sessionmaker
from stockroom import models  # noqa: F401  (registers every table)

# One in-memory database for the whole run; the schema is created once here.
engine = make_engine()
Base.metadata.create_all(engine)
SessionLocal = make_sessionmaker(engine)


@pytest.fixture
def session():
    with SessionLocal() as session:
        yield session
        session.rollback()


@pytest.fixture
def main_warehouse(session):
    warehouse = models.Warehouse(name="Central", city="Leeds")
    session.add(warehouse)
    session.flush()
    return warehouse


@pytest.fixture
def widget(session):
    product = models.Product(sku="WID-1", name="Widget", price_cents=1250)
    session.add(product)
    session.flush()
    return product
