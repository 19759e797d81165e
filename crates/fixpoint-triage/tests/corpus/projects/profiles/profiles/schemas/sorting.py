from typing import Literal

from pydantic import BaseModel


class SortSpec(BaseModel):
    field: str
    direction = "asc"

    def as_sql(self) -> str:
        return f"{self.field} {self.direction.upper()}"


class SortOptions(BaseModel):
    allowed: list[str] = ["username", "joined"]
    default: Literal["username", "joined"] = "username"
