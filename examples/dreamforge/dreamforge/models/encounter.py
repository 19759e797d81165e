"""Planned encounters and the monsters in them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dreamforge.db import Base

if TYPE_CHECKING:
    from dreamforge.models.campaign import Campaign


class Encounter(Base):
    """A combat encounter prepared for a campaign."""

    __tablename__ = "encounters"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    difficulty: Mapped[str | None] = mapped_column(String(16))
    location: Mapped[str | None] = mapped_column(String(120))

    campaign: Mapped["Campaign"] = relationship(back_populates="encounters")
    monsters: Mapped[list["EncounterMonster"]] = relationship(
        back_populates="encounter",
        cascade="all, delete-orphan",
        order_by="EncounterMonster.id",
    )

    @property
    def monster_count(self) -> int:
        """Total number of individual monsters (a group of 4 goblins counts 4)."""
        return sum(group.count for group in self.monsters)

    @property
    def base_xp(self) -> int:
        """Sum of the monsters' XP, before the group multiplier."""
        return sum(group.xp * group.count for group in self.monsters)


class EncounterMonster(Base):
    """A group of identical monsters within an encounter."""

    __tablename__ = "encounter_monsters"

    id: Mapped[int] = mapped_column(primary_key=True)
    encounter_id: Mapped[int] = mapped_column(ForeignKey("encounters.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    challenge_rating: Mapped[str] = mapped_column(String(8))
    xp: Mapped[int]
    count: Mapped[int] = mapped_column(default=1)
    dexterity: Mapped[int] = mapped_column(default=10)

    encounter: Mapped[Encounter] = relationship(back_populates="monsters")
