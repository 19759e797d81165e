from pydantic import BaseModel, Field


class Address(BaseModel):
    line1: str
    city: str
    postcode: str
    country: str = Field("GB", min_length=2, max_length=2)


class Customer(BaseModel):
    id: int
    name: str
    email: str
    shipping_address: Address | None = None
