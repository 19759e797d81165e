"""Campaign schemas."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from dreamforge.schemas.character import CharacterSummary


class CampaignCreate(BaseModel):
    """Payload for creating a campaign.

    The public API (and old export files) call the Dungeon Master ``dm``.
    """

    name: str = Field(min_length=1, max_length=120)
    dungeon_master: str = Field(alias="dm", min_length=1, max_length=80)
    setting: str | None = Field(default=None, max_length=80)

    class Config:
        allow_population_by_field_name = True
        anystr_strip_whitespace = True


class CampaignRead(BaseModel):
    """A campaign as returned by the API and written by exports."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    dungeon_master: str
    setting: str | None = None
    created_at: datetime
    archived_at: datetime | None = None
    characters: list[CharacterSummary] = []
