import pytest

from models.supplier import Supplier, rate_supplier


@pytest.mark.parametrize(("rate", "grade"), [(0.99, "A"), (0.85, "B"), (0.5, "C")])
def test_rate_supplier(rate, grade):
    assert rate_supplier(Supplier(name="x", on_time_rate=rate)) == grade
