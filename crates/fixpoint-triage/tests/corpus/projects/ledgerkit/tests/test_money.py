from decimal import Decimal

from ledgerkit.money import format_amount, round_half_even, to_amount


def test_to_amount_strips_symbols():
    assert to_amount("£1,234.5") == Decimal("1234.50")


def test_bankers_rounding():
    assert round_half_even(Decimal("2.345")) == Decimal("2.34")
