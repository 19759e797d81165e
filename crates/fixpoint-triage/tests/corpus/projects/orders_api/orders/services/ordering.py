from orders.customers import Customer
from orders.models import LineItem, Order


def place_order(number: str, customer: Customer, lines: list[dict]) -> Order:
    items = [LineItem(**line) for line in lines]
    return Order(number=number, customer=customer, lines=items)


def order_total(order: Order):
    return sum(line.subtotal for line in order.lines)


def order_from_api(payload: dict) -> Order:
    return Order.model_validate(payload)


def mark(order: Order, status: str) -> Order:
    order.status = status
    return order
