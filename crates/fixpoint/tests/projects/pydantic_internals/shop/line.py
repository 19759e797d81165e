from pydantic import BaseModel, validator


class Line(BaseModel):
    sku: str
    qty: int = 1

    @validator("sku")
    def upper(cls, value):
        return value.upper()
