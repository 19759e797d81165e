from decimal import Decimal

from ledgerkit.posting import Posting


def test_posting_memo_defaults_empty():
    assert Posting("1000", Decimal("5")).memo == ""
