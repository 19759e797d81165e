from decimal import Decimal

from ledgerkit import fx


def test_convert_to_euro():
    assert fx.convert(Decimal("100"), "EUR") == Decimal("117.00")


def test_fetch_rates_has_base():
    rates = fx.fetch_rates("GBP")
    assert rates["GBP"] == Decimal("1")
