from pydantic import BaseModel

from ledgerkit.schema_tools import describe_fields


class Row(BaseModel):
    account: str
    amount: int


def test_describe_fields():
    assert describe_fields(Row) == ["account", "amount"]
