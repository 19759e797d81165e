"""A shop written for Pydantic 1: its models refer to one another through
a type alias, and the package resolves the references once all are imported."""
from shop.basket import Basket
from shop.line import Line
from shop.order import Order

# resolve forward references
Order.update_forward_refs(Line=Line)
