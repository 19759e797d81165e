from orders.promotions import Promotion


def test_promotion_defaults():
    assert Promotion(name="Spring", codes=["SPRING10"]).percent_off == 10
