"""The API's request and response bodies, in Pydantic 2."""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, condecimal, constr


class Status(str, Enum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class Address(BaseModel):
    street: str = Field(max_length=100)
    city: str = Field(min_length=2, max_length=50)
    postcode: constr(max_length=10)
    country: str = "FR"


class User(BaseModel):
    model_config = ConfigDict(populate_by_name=False)

    name: str = Field(min_length=1, max_length=50)
    email: str = Field(max_length=254)
    age: int = Field(ge=0, le=130)
    role: Literal["admin", "member"]
    status: Status
    joined: date
    nickname: Optional[str] = Field(default=None, max_length=20)
    user_id: int = Field(alias="userId", gt=0)
    address: Address
    tags: list[str] = []


class LineItem(BaseModel):
    sku: Annotated[str, StringConstraints(min_length=3, max_length=12)]
    quantity: int = Field(gt=0, le=99)
    unit_price: condecimal(max_digits=8, decimal_places=2, ge=0)


class Order(BaseModel):
    buyer: User
    items: list[LineItem]
    placed_at: datetime
    total: Decimal = Field(max_digits=10, decimal_places=2, ge=0)
    note: str | None = None
