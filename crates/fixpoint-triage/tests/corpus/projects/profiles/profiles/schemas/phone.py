import re

from pydantic import BaseModel, validator


class PhoneNumber(BaseModel):
    country_code: str = "+44"
    number: str

    @validator("number")
    def normalise(cls, value, values, config, field):
        digits = re.sub(r"\D", "", value)
        if len(digits) < 7:
            raise ValueError(f"{field.name} is too short")
        return digits
