from ledgerkit.report import trial_balance


def test_trial_balance_has_header():
    assert trial_balance([("Cash", "10.00")]).startswith("Account")
