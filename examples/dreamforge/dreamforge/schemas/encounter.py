"""Encounter planning schemas."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field, root_validator


class Difficulty(str, Enum):
    TRIVIAL = "trivial"
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"
    DEADLY = "deadly"


class EncounterPlan(BaseModel):
    """An encounter the DM is sketching out, before it is saved."""

    name: str = Field(min_length=1)
    party_levels: list[int]
    monster_xp: list[int]
    target: Difficulty | None = None

    @root_validator
    def check_party_and_monsters(cls, values):
        if not values.get("party_levels"):
            raise ValueError("an encounter needs at least one party member")
        if not values.get("monster_xp"):
            raise ValueError("an encounter needs at least one monster")
        if any(not 1 <= level <= 20 for level in values["party_levels"]):
            raise ValueError("party levels must be between 1 and 20")
        return values
