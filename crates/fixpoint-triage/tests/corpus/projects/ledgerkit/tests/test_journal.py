from decimal import Decimal

from ledgerkit.journal import Journal


def test_empty_journal_balance():
    assert Journal("sales").balance("4000") == 0


def test_journal_name():
    assert Journal("purchases").name == "purchases"
