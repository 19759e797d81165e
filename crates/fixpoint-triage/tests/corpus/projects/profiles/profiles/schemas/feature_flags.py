from pydantic import BaseModel


class FeatureFlags(BaseModel):
    __root__: dict[str, bool] = {}
