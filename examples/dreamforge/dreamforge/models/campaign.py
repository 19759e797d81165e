"""Campaigns: the top-level container for a DM's table."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dreamforge.db import Base

if TYPE_CHECKING:
    from dreamforge.models.character import Character
    from dreamforge.models.encounter import Encounter


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Campaign(Base):
    """A campaign run by one Dungeon Master for a party of characters."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    dungeon_master: Mapped[str] = mapped_column(String(80))
    setting: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=_utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(default=None)

    characters: Mapped[list["Character"]] = relationship(
        back_populates="campaign",
        cascade="all, delete-orphan",
        order_by="Character.id",
    )
    encounters: Mapped[list["Encounter"]] = relationship(
        back_populates="campaign",
        cascade="all, delete-orphan",
        order_by="Encounter.id",
    )

    @property
    def is_archived(self) -> bool:
        """Whether the campaign has been archived (it is then read-only)."""
        return self.archived_at is not None

    @property
    def party_levels(self) -> list[int]:
        """Levels of every character in the campaign, in creation order."""
        return [character.level for character in self.characters]

    def __repr__(self) -> str:
        return f"Campaign(id={self.id!r}, name={self.name!r})"
