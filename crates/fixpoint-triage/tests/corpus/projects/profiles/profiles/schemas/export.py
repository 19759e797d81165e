from pydantic import BaseModel


class ExportRow(BaseModel):
    username: str
    email: str


class ExportFile(BaseModel):
    __root__: list[ExportRow]
