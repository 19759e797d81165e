from ledgerkit.reconciliation import match_transactions


def test_exact_match():
    assert match_transactions([("a", 10)], [("a", 10)]) == [("a", "a")]
