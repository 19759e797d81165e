"""Item schemas."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field


class Rarity(str, Enum):
    COMMON = "common"
    UNCOMMON = "uncommon"
    RARE = "rare"
    VERY_RARE = "very rare"
    LEGENDARY = "legendary"
    ARTIFACT = "artifact"


class ItemCreate(BaseModel):
    """Payload for adding an item to the catalog."""

    name: str = Field(min_length=1, max_length=120)
    category: str = "gear"
    weight_lb: float = Field(default=0.0, ge=0)
    value_cp: int = Field(default=0, ge=0)
    rarity: Rarity = Rarity.COMMON

    class Config:
        schema_extra = {
            "example": {
                "name": "Bag of Holding",
                "category": "wondrous item",
                "weight_lb": 15,
                "value_cp": 400000,
                "rarity": "uncommon",
            }
        }
