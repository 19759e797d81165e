from pydantic import BaseModel, validator


class Avatar(BaseModel):
    url: str
    width: int = 128
    height: int = 128

    @validator("url")
    def must_be_https(self, value):
        if not value.startswith("https://"):
            raise ValueError("avatars are served over https only")
        return value
