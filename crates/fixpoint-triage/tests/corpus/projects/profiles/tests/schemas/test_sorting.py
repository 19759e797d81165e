from profiles.schemas.sorting import SortSpec


def test_default_direction():
    assert SortSpec(field="joined").as_sql() == "joined ASC"
