"""Character schemas."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: Classes from the System Reference Document.
CHARACTER_CLASSES = frozenset(
    {
        "barbarian", "bard", "cleric", "druid", "fighter", "monk",
        "paladin", "ranger", "rogue", "sorcerer", "warlock", "wizard",
    }
)


class CharacterCreate(BaseModel):
    """Payload for adding a character to a campaign."""

    name: str = Field(min_length=1, max_length=80)
    player_name: str | None = None
    race: str = "human"
    character_class: str
    level: int = Field(default=1, ge=1, le=20)
    max_hit_points: int = Field(default=8, ge=1)
    armor_class: int = Field(default=10, ge=1, le=30)
    strength: int = Field(default=10, ge=1, le=30)
    dexterity: int = Field(default=10, ge=1, le=30)
    constitution: int = Field(default=10, ge=1, le=30)

    @field_validator("character_class")
    @classmethod
    def known_class(cls, value: str) -> str:
        normalized = value.strip().lower()
        if normalized not in CHARACTER_CLASSES:
            raise ValueError(f"unknown character class {value!r}")
        return normalized


class CharacterSummary(BaseModel):
    """Compact character view embedded in campaign payloads."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    character_class: str
    level: int


class CharacterRead(BaseModel):
    """Full character sheet."""

    id: int
    campaign_id: int
    name: str
    player_name: str | None = None
    race: str
    character_class: str
    level: int
    experience: int
    max_hit_points: int
    current_hit_points: int
    armor_class: int
    proficiency_bonus: int
    strength: int
    dexterity: int
    constitution: int

    class Config:
        orm_mode = True
