from pydantic import BaseModel


class Page(BaseModel):
    page = 1
    size = 50
    total: int = 0
