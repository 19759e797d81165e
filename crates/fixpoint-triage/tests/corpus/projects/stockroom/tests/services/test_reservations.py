import pytest

from stockroom.models import StockLevel
from stockroom.services import stock


@pytest.fixture
def level(session, widget, main_warehouse):
    level = StockLevel(product=widget, warehouse=main_warehouse, quantity=10, reorder_point=3)
    session.add(level)
    session.flush()
    return level


def test_reserve_creates_reservation(session, level):
    reservation = stock.reserve(session, level, "ORD-7", 2)
    assert reservation.id is not None


def test_available_subtracts_reservations(session, level):
    stock.reserve(session, level, "ORD-8", 4)
    assert stock.available(session, level) == 6


def test_available_without_reservations(session, level):
    assert stock.available(session, level) == 10


def test_needs_reorder(level):
    level.quantity = 2
    assert stock.needs_reorder(level)
