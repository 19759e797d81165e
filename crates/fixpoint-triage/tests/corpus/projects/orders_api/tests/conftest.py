from datetime import date
from decimal import Decimal

import pytest

from orders.customers import Address, Customer
from orders.quotes import Quote, QuoteLine


@pytest.fixture
def customer():
    return Customer(
        id=7, name="Ann Smith", email="ann@example.com",
        shipping_address=Address(line1="1 Mill Lane", city="Bath", postcode="BA1 1AA"),
    )


@pytest.fixture
def quote():
    return Quote(
        reference="Q-100",
        customer_email="ann@example.com",
        valid_until=date(2031, 1, 31),
        lines=[QuoteLine(sku="CHAIR", quantity=4, unit_price=Decimal("45.00"))],
    )
