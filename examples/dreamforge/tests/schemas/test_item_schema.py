import pytest
from pydantic import ValidationError

from dreamforge.schemas.item import ItemCreate, Rarity


def test_item_defaults():
    item = ItemCreate(name="Torch")
    assert item.rarity is Rarity.COMMON
    assert item.weight_lb == 0


def test_negative_weight_rejected():
    with pytest.raises(ValidationError):
        ItemCreate(name="Feather of Negative Mass", weight_lb=-1)


def test_json_schema_has_example():
    schema = ItemCreate.model_json_schema()

    assert "example" in schema
    assert schema["example"]["name"] == "Bag of Holding"
    ItemCreate.model_validate(schema["example"])
