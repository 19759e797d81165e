"""Shipping labels. Static analysis finds nothing v2 lacks, but the tests
rely on Pydantic 1 coercing a number to text, which Pydantic 2 refuses."""
from pydantic import BaseModel, validator


class Label(BaseModel):
    code: str
    copies: int = 1

    @validator("code")
    def upper(cls, value):
        return value.upper()
