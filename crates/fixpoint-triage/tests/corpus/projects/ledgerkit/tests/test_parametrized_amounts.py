from decimal import Decimal

from ledgerkit.money import to_amount


@pytest.mark.parametrize(("text", "expected"), [("1", Decimal("1.00")), ("2.5", Decimal("2.50"))])
def test_to_amount(text, expected):
    assert to_amount(text) == expected
