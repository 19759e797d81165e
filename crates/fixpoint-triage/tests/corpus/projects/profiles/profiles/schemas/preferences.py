from pydantic import BaseModel, root_validator


class Preferences(BaseModel):
    newsletter: bool = False
    digest: bool = False
    digest_day: str | None = None

    @root_validator
    def digest_needs_a_day(cls, values):
        if values.get("digest") and not values.get("digest_day"):
            raise ValueError("digest_day is required when digest is on")
        return values
