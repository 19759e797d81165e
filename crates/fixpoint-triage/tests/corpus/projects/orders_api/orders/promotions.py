from pydantic import BaseModel, Field


class Promotion(BaseModel):
    name: str
    codes: list[str] = Field(min_items=1, max_items=20)
    percent_off: int = Field(10, ge=1, le=90)
