from pydantic import BaseModel


class Order29(BaseModel):
    id: int
    note: str = ""

    class Config:
        orm_mode = True
        allow_mutation = False
