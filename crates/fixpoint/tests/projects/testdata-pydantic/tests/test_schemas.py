from decimal import Decimal

from api.schemas import Address, Order, Status, User


def test_users_are_valid(user):
    assert isinstance(user, User)
    assert 0 <= user.age <= 130
    assert len(user.name) <= 50
    assert isinstance(user.address, Address)


def test_orders_nest_their_buyer_and_items(order_factory):
    order = order_factory()
    assert isinstance(order, Order)
    assert isinstance(order.buyer, User)
    assert order.items and all(1 <= item.quantity <= 99 for item in order.items)
    assert order.total == order.total.quantize(Decimal("0.01"))


def test_status_traits(user_factory):
    assert user_factory(suspended=True).status is Status.SUSPENDED
