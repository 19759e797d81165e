from decimal import Decimal

from orders.models import LineItem
from orders.services import ordering


def test_line_item_subtotal():
    assert LineItem(sku="MUG", quantity=3, unit_price=Decimal("4.50")).subtotal == Decimal("13.50")


def test_empty_line_is_rejected_by_quantity():
    line = LineItem(sku="MUG", quantity=0, unit_price=Decimal("4.50"))
    assert line.subtotal == 0


def test_place_order(customer):
    order = ordering.place_order("SO-1", customer, [{"sku": "MUG", "quantity": 2, "unit_price": "4.50"}])
    assert order.status == "pending"


def test_order_total(customer):
    order = ordering.place_order(
        "SO-2", customer,
        [{"sku": "MUG", "quantity": 2, "unit_price": "4.50"}, {"sku": "TEA", "quantity": 1, "unit_price": "3.00"}],
    )
    assert ordering.order_total(order) == Decimal("12.00")


def test_order_from_api(customer):
    payload = {"number": "SO-3", "customer": customer.model_dump(), "lines": []}
    assert ordering.order_from_api(payload).number == "SO-3"


def test_line_item_from_cart_row():
    row = {"sku": "MUG", "quantity": 1, "unit_price": "4.50", "gift_wrap": True}
    assert LineItem(**row).quantity == 1
