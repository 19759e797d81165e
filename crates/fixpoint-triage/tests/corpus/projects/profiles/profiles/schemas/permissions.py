from pydantic import BaseModel


class Permissions(BaseModel):
    __root__: list[str]

    def allows(self, permission: str) -> bool:
        return permission in self.__root__
