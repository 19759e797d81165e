from decimal import Decimal

from shop.models import Customer, Order, OrderStatus


def test_an_order_belongs_to_a_customer(order):
    assert isinstance(order.customer, Customer)
    assert order.status in set(OrderStatus)


def test_lines_within_the_checks(order_factory, tax_rate):
    order = order_factory(lines=3)
    assert len(order.lines) == 3
    for line in order.lines:
        assert 1 <= line.quantity <= 99
        assert line.unit_price * (1 + tax_rate) >= Decimal("0")


def test_status_traits(order_factory):
    assert order_factory(shipped=True).status is OrderStatus.SHIPPED


def test_unique_emails(customer_factory, db_session):
    customers = customer_factory.create_batch(30)
    assert len({c.email for c in customers}) == 30
    assert db_session.query(Order).count() == 0


def test_the_department_tree_is_the_shops_own(seeded_categories):
    from shop.models import Category

    categories = {c.name: c for c in seeded_categories.query(Category)}
    assert sorted(categories) == ["Books", "Fiction", "Garden", "Reference", "Tools"]
    assert categories["Fiction"].parent is categories["Books"]
