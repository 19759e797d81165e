from datetime import date

from dateutil.relativedelta import relativedelta

from ledgerkit.periods import period_label


def test_next_period_label():
    nxt = date(2024, 1, 31) + relativedelta(months=1)
    assert period_label(nxt.year, nxt.month) == "Feb 2024"
