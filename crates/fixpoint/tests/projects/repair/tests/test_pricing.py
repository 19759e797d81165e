from calc.pricing import discount, shipping


def test_discount():
    assert discount(200, 10) == 180


def test_no_discount():
    assert discount(200, 0) == 200


def test_free_shipping():
    assert shipping(50) == 0


def test_paid_shipping():
    assert shipping(10) == 5
