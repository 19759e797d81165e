"""Built on a Pydantic 1 internal with no v2 equivalent."""
from pydantic import BaseModel
from pydantic.main import ModelMetaclass


class Tagged(ModelMetaclass):
    def __new__(mcs, name, bases, namespace, **kwargs):
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        cls.tag = name.lower()
        return cls


class Old(BaseModel, metaclass=Tagged):
    name: str
