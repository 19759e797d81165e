from pydantic import BaseModel


class SearchQuery(BaseModel):
    q: str
    limit = 20
    include_inactive: bool = False
