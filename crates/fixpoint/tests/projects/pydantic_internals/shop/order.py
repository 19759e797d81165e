from pydantic import BaseModel

from shop.refs import Lines


class Order(BaseModel):
    id: int
    lines: Lines = []

    class Config:
        orm_mode = True

    def required(self):
        return [name for name in self.__fields__ if Order.__fields__[name].required]
