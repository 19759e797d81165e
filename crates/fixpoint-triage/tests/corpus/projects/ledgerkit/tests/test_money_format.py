from decimal import Decimal

import ledgerkit.money as money


def test_format_amount():
    assert money.format_amount(Decimal("1234.5")) == "1,234.50 GBP"


def test_parse_amount_alias():
    assert money.parse_amount("12.00") == Decimal("12.00")
