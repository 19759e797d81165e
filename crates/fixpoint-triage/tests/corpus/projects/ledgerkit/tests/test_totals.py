from decimal import Decimal

from ledgerkit import totals


def test_running_totals():
    assert totals.running_totals([1, 2, 3]) == [1, 3, 6]


def test_net():
    assert totals.net([10, 5], [3]) == 12


def test_as_money():
    assert totals.as_money("3.456") == Decimal("3.46")


def test_statement_date():
    assert totals.running_totals([]) == []
    assert date(2024, 1, 1).year == 2024
