import json
from datetime import date
from decimal import Decimal

import pytest
from pydantic import TypeAdapter

from orders.quotes import Quote, QuoteLine


def test_quote_total(quote):
    assert quote.total() == Decimal("180.00")


def test_discounted_total(quote):
    quote.discount_pct = 10
    assert quote.total() == Decimal("162.00")


def test_quote_from_json_text():
    text = json.dumps(
        {"reference": "Q-2", "customer_email": "b@example.com", "valid_until": "2031-02-01",
         "lines": [{"sku": "DESK", "quantity": 1, "unit_price": "300.00"}]}
    )
    assert Quote.parse_raw(text).reference == "Q-2"


def test_quote_valid_until_parsing():
    quote = Quote(reference="Q-3", customer_email="c@example.com", valid_until="31/03/2031", lines=[])
    assert quote.valid_until == date(2031, 3, 31)


def test_quote_line_price_precision():
    line = QuoteLine(sku="LAMP", quantity=2, unit_price="19.999")
    assert line.unit_price == Decimal("19.999")


def test_quote_from_checkout_payload():
    quote = Quote.model_validate(
        {"reference": "Q-4", "customer_email": "d@example.com", "valid_until": "2031-04-01",
         "lines": [], "coupon": "SPRING"}
    )
    assert quote.lines == []


def test_quantities_from_csv_column():
    quantities = TypeAdapter(list[int]).validate_python(["1", "2", "two"])
    assert sum(quantities) == 5


def test_large_discount_rejected():
    with pytest.raises(ValueError):
        Quote(reference="Q-5", customer_email="e@example.com", valid_until=date(2031, 5, 1), lines=[], discount_pct=60)


def test_quote_grand_total(quote):
    assert quote.grand_total == Decimal("180.00")
