"""Monster stat block schema (used when importing homebrew monsters)."""

from __future__ import annotations

from pydantic import BaseModel, Field, validator

ABILITIES = ("strength", "dexterity", "constitution", "intelligence", "wisdom", "charisma")


class MonsterStatBlock(BaseModel):
    """A monster stat block."""

    name: str = Field(min_length=1)
    challenge_rating: str = "0"
    armor_class: int = Field(default=10, ge=1)
    hit_points: int = Field(default=1, ge=1)
    strength: int = 10
    dexterity: int = 10
    constitution: int = 10
    intelligence: int = 10
    wisdom: int = 10
    charisma: int = 10

    @validator(*ABILITIES)
    def check_ability_score(cls, value, field):
        if not 1 <= value <= 30:
            raise ValueError(f"{field.name} must be between 1 and 30")
        return value

    def modifier(self, ability: str) -> int:
        return (getattr(self, ability) - 10) // 2
