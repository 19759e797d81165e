from pydantic import BaseModel, Field


class TagSet(BaseModel):
    tags: list[str] = Field(default_factory=list, unique_items=True)
