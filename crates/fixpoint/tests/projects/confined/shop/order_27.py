from pydantic import BaseModel


class Order27(BaseModel):
    id: int
    note: str = ""

    class Config:
        orm_mode = True
        allow_mutation = False
