from ledgerkit.budget import monthly_budget


def test_monthly_budget():
    assert monthly_budget(1200) == 100
