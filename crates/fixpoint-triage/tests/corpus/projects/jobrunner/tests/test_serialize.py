from jobrunner.serialize import chain, dump_tree


def test_shallow_tree():
    assert dump_tree(chain(2)) == "[[[]]]"


def test_very_deep_dependency_chain():
    assert dump_tree(chain(300_000)).startswith("[[")
