from pydantic import BaseModel


class Order17(BaseModel):
    id: int
    note: str = ""

    class Config:
        orm_mode = True
        allow_mutation = False
