from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from orders.money import Money


class QuoteLine(BaseModel):
    sku: str
    quantity: int = Field(gt=0)
    unit_price: Money


class Quote(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference: str
    customer_email: str
    valid_until: date
    lines: list[QuoteLine]
    discount_pct: int = Field(0, ge=0, le=50)

    def total(self):
        gross = sum(line.unit_price * line.quantity for line in self.lines)
        return gross * (100 - self.discount_pct) / 100
