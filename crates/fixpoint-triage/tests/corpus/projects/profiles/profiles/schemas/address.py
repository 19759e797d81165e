from pydantic import BaseModel, ConfigDict


class Address(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    street: str
    city: str
    postcode: str
    country: str = "GB"

    class Config:
        frozen = True
