"""Generates a package of Pydantic 1 models for the FP003 benchmark.

Every module mixes what real v1 code has: class Config with renamed keys,
@validator (pre and plain, with `values`), @root_validator (pre and post),
Field(regex=, min_items=), and the v1 methods on models.
"""
import sys
from pathlib import Path

TEMPLATE = '''"""Domain {n}: generated Pydantic 1 models."""
from typing import List, Optional

from pydantic import BaseModel, Field, root_validator, validator


class Base{n}(BaseModel):
    class Config:
        orm_mode = True
        allow_population_by_field_name = True
        anystr_strip_whitespace = True


class Item{n}(Base{n}):
    code: str = Field(..., regex=r"^[A-Z]{{3}}-[0-9]+$")
    tags: List[str] = Field(default_factory=list, min_items=0, max_items=8)
    price: float = 0.0
    discount: Optional[float] = None

    @validator("discount", pre=True)
    def default_discount(cls, value):
        return 0.0 if value is None else value

    @validator("price")
    def price_is_sane(cls, value, values):
        if value < 0:
            raise ValueError("price must not be negative")
        return value


class Order{n}(Base{n}):
    items: List[Item{n}] = Field(default_factory=list, min_items=1)
    note: Optional[str] = None

    class Config:
        schema_extra = {{"example": {{"items": [], "note": "hello"}}}}
        validate_all = True

    @root_validator(pre=True)
    def fill_note(cls, values):
        values.setdefault("note", "")
        return values

    @root_validator(skip_on_failure=True)
    def check_total(cls, values):
        if sum(item.price for item in values["items"]) > 10_000:
            raise ValueError("order too large")
        return values


def roundtrip_{n}(data: dict) -> dict:
    order = Order{n}.parse_obj(data)
    copy = Order{n}.parse_raw(Order{n}.parse_obj(data).json())
    return {{"order": order.dict(), "schema": Order{n}.schema(), "copy": copy.dict()}}
'''


def main() -> None:
    out, count = Path(sys.argv[1]), int(sys.argv[2])
    package = out / "v1models"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("")
    for n in range(count):
        (package / f"domain_{n:03d}.py").write_text(TEMPLATE.format(n=n))
    (out / "pytest.ini").write_text("[pytest]\n")


if __name__ == "__main__":
    main()
