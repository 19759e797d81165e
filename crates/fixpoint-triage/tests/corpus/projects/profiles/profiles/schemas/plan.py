from pydantic import BaseModel, Field


class FreePlan(BaseModel):
    kind: str = Field("free", const=True)
    seats: int = 1


class TeamPlan(BaseModel):
    kind: str = Field("team", const=True)
    seats: int = 5
