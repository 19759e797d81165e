from shop.settings import load


def test_default_currency():
    assert load({"currency": "EUR"}).currency == "EUR"


def test_missing_currency():
    assert load({"currency": "USD"}).currency == "USD"
