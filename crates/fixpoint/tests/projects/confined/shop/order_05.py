from pydantic import BaseModel


class Order05(BaseModel):
    id: int
    note: str = ""

    class Config:
        orm_mode = True
        allow_mutation = False
