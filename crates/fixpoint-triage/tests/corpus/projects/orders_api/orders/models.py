from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from orders.money import Money

if TYPE_CHECKING:
    from orders.customers import Customer


class LineItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: str
    quantity: int = Field(gt=0)
    unit_price: Money

    @property
    def subtotal(self):
        return self.unit_price * self.quantity


class Order(BaseModel):
    model_config = ConfigDict(validate_assignment=True)

    number: str
    customer: Customer
    lines: list[LineItem] = []
    status: Literal["pending", "paid", "cancelled", "refunded"] = "pending"
    delivery_date: date | None = None


class TrackingEvent(BaseModel):
    at: date
    description: str


class Shipment(BaseModel):
    order_number: str
    carrier: str
    events: list[TrackingEvents] = []
