def test_balance():
    assert 1 + 1 == 2


def test_transfer():
    assert 2 * 2 == 4
