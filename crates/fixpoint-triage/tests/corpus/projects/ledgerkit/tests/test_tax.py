from decimal import Decimal


def test_standard_vat_rate():
    from ledgerkit.tax import vat_rate

    assert vat_rate("standard") == Decimal("0.20")
