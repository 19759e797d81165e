from ledgerkit.planning import project


def test_flat_scenario_is_unchanged():
    assert project([1.0, 2.0], "flat") == [1.0, 2.0]


def test_best_case_grows():
    assert project([100.0, 100.0], "best") == [100.0, 105.0]


def test_best_case_first_month_unchanged():
    assert project([50.0], "best") == [50.0]
