from shop.loot import split_coins, total


def test_total():
    assert total([1, 2]) == 3


def test_split():
    assert split_coins(4, 2) == [2, 2]
