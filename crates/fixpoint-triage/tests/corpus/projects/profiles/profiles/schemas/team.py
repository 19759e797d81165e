from pydantic import BaseModel


class Team(BaseModel):
    slug: str
    name: str
    members: list[str] = []

    class Config:
        allow_mutation = False
        max_anystr_length = 40
