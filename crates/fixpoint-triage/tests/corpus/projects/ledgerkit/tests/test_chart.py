from ledgerkit.chart import DEFAULT_CHART, account_name


def test_cash_account_name():
    assert account_name(DEFAULT_CHART, "1000") == "Cash"
