from shop.order_00 import Order00


def test_an_order_validates():
    assert Order00(id=1).id == 1
