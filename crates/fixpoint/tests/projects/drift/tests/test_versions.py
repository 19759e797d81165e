from shop.versions import parse


def test_parse():
    assert str(parse("1.2")) == "1.2"
