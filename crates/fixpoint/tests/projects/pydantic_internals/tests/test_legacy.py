from legacy.meta import Old


def test_the_metaclass_tags_the_model():
    assert Old(name="a").tag == "old"
