from datetime import date

from pydantic import BaseModel, Field


class UserIn(BaseModel):
    username: str = Field(min_length=3, max_length=30)
    display_name: str = Field(alias="displayName")
    email: str

    class Config:
        allow_population_by_field_name = True
        anystr_strip_whitespace = True


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    joined: date
    roles: list[str] = []

    class Config:
        orm_mode = True
