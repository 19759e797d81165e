from pydantic import BaseModel


class ProfilePatch(BaseModel):
    display_name: str | None = None
    bio: str | None = None

    class Config:
        schema_extra = {"example": {"display_name": "Ada L.", "bio": "Analytical engines."}}


def openapi_example(model: type[BaseModel]) -> dict:
    schema = model.model_json_schema()
    return schema["example"]
