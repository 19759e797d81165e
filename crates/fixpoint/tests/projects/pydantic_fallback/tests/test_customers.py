from types import SimpleNamespace

from shop.customers import Customer


def test_from_a_row():
    row = SimpleNamespace(name="Ada", email=None)
    assert Customer.from_orm(row).name == "Ada"


def test_email_is_optional():
    assert Customer(name="Bo").dict() == {"name": "Bo", "email": None}
