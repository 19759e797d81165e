from ledgerkit import plugins


def test_load_paypal_plugin():
    assert plugins.load("paypal").NAME == "paypal"


def test_load_stripe_plugin():
    plugin = plugins.load("stripe")
    assert plugin.fetch("2024-01-01") == []
