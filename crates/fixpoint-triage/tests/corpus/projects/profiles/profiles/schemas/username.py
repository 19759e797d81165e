from pydantic import BaseModel, Field


class UsernameChange(BaseModel):
    new_username: str = Field(..., regex=r"^[a-z][a-z0-9_]{2,29}$")
    reason: str | None = None
