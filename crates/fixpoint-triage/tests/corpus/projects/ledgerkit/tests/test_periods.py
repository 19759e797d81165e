from ledgerkit import periods


def test_period_label():
    assert periods.period_label(2024, 3) == "Mar 2024"


def test_current_period_format():
    assert len(periods.current_period()) == 7


def test_close_period_records_journal():
    assert periods.close_period("sales")["journal"] == "sales"
