from ledgerkit.orm_compat import relationship_factory


def test_relationship_factory_is_callable():
    assert callable(relationship_factory())
