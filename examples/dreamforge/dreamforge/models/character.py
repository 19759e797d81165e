"""Player characters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dreamforge.db import Base

if TYPE_CHECKING:
    from dreamforge.models.campaign import Campaign
    from dreamforge.models.item import InventoryEntry


def ability_modifier(score: int) -> int:
    """The 5e ability modifier for ``score`` (10-11 -> +0, 8-9 -> -1, ...)."""
    return (score - 10) // 2


class Character(Base):
    """A player character taking part in a campaign."""

    __tablename__ = "characters"
    __table_args__ = (UniqueConstraint("campaign_id", "name", name="uq_character_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    player_name: Mapped[str | None] = mapped_column(String(80))
    race: Mapped[str] = mapped_column(String(40))
    character_class: Mapped[str] = mapped_column(String(40))
    level: Mapped[int] = mapped_column(default=1)
    experience: Mapped[int] = mapped_column(default=0)
    max_hit_points: Mapped[int] = mapped_column(default=8)
    current_hit_points: Mapped[int] = mapped_column(default=8)
    armor_class: Mapped[int] = mapped_column(default=10)
    strength: Mapped[int] = mapped_column(default=10)
    dexterity: Mapped[int] = mapped_column(default=10)
    constitution: Mapped[int] = mapped_column(default=10)

    campaign: Mapped["Campaign"] = relationship(back_populates="characters")
    inventory: Mapped[list["InventoryEntry"]] = relationship(
        back_populates="character",
        cascade="all, delete-orphan",
    )

    @property
    def dexterity_modifier(self) -> int:
        return ability_modifier(self.dexterity)

    @property
    def constitution_modifier(self) -> int:
        return ability_modifier(self.constitution)

    @property
    def proficiency_bonus(self) -> int:
        """+2 at levels 1-4, +3 at 5-8, ... +6 at 17-20."""
        return 2 + (self.level - 1) // 4

    @property
    def is_down(self) -> bool:
        """A character at 0 hit points is unconscious (or worse)."""
        return self.current_hit_points <= 0

    def __repr__(self) -> str:
        return (
            f"Character(id={self.id!r}, name={self.name!r}, "
            f"class={self.character_class!r}, level={self.level!r})"
        )
