from pydantic import BaseModel


class Order08(BaseModel):
    id: int
    note: str = ""

    class Config:
        orm_mode = True
        allow_mutation = False
