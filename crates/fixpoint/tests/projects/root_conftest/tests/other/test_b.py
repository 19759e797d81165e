def test_b():
    assert True


def test_c():
    assert True
