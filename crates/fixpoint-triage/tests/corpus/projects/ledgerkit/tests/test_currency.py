from ledgerkit.currency import DEFAULT_CURRENCY


def test_default_currency_is_sterling():
    assert DEFAULT_CURRENCY.code == "GBP"
