# Written for Pydantic 1: ConfigError is gone from Pydantic 2's namespace.
from pydantic import BaseModel, ConfigError


class Settings(BaseModel):
    currency: str = "EUR"


def load(raw: dict) -> Settings:
    if "currency" not in raw:
        raise ConfigError("currency is required")
    return Settings(**raw)
