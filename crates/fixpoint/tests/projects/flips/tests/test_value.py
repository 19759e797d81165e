"""Deterministic: passes exactly when the code says VALUE = 1."""
from flips import VALUE


def test_value_is_one():
    assert VALUE == 1
