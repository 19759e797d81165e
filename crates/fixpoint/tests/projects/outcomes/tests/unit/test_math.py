import pytest


def test_add():
    assert 2 + 2 == 4


def test_divide_by_zero():
    with pytest.raises(ZeroDivisionError):
        1 / 0


def test_off_by_one():
    assert list(range(1, 6)) == [1, 2, 3, 4, 5, 6]


@pytest.mark.db
def test_unit_db():
    assert True
