from ledgerkit.thresholds import check, over_limit


def test_over_limit():
    assert over_limit(20_000)


def test_check_message():
    assert "exceeds" in check(50_000)
