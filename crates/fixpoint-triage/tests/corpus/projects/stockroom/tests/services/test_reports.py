import pytest
from sqlalchemy import String
from sqlalchemy.orm import Mapped, Session, mapped_column

from stockroom import reporting
from stockroom.db import Base
from stockroom.models import Product, StockLevel, Warehouse


@pytest.fixture
def report_session(tmp_path):
    engine = reporting.reporting_engine(tmp_path / "reports.db")
    with Session(engine) as session:
        yield session


def test_low_stock_report(report_session):
    assert reporting.low_stock(report_session) == []


def test_stock_value(report_session):
    assert reporting.stock_value_cents(report_session) == 0


def test_low_stock_in_main_db(session, widget, main_warehouse):
    session.add(StockLevel(product=widget, warehouse=main_warehouse, quantity=1))
    session.flush()
    assert reporting.low_stock(session) == [("WID-1", 1)]


def test_low_stock_view_mapping(session):
    class LowStockRow(Base):
        __tablename__ = "stock_levels"

        id: Mapped[int] = mapped_column(primary_key=True)
        sku: Mapped[str] = mapped_column(String(32))

    assert session.query(LowStockRow).count() == 0
