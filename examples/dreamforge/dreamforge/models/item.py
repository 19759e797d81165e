"""Items and character inventories."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dreamforge.db import Base

if TYPE_CHECKING:
    from dreamforge.models.character import Character


class Item(Base):
    """An entry in the item catalog (mundane gear and magic items alike).

    Prices are stored in copper pieces to avoid floating point money.
    """

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    category: Mapped[str] = mapped_column(String(40), default="gear")
    weight_lb: Mapped[float] = mapped_column(default=0.0)
    value_cp: Mapped[int] = mapped_column(default=0)
    rarity: Mapped[str] = mapped_column(String(20), default="common")

    def __repr__(self) -> str:
        return f"Item(id={self.id!r}, name={self.name!r})"


class InventoryEntry(Base):
    """A stack of one item carried by a character."""

    __tablename__ = "inventory_entries"
    __table_args__ = (UniqueConstraint("character_id", "item_id", name="uq_inventory_stack"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    character_id: Mapped[int] = mapped_column(ForeignKey("characters.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[int] = mapped_column(default=1)
    equipped: Mapped[bool] = mapped_column(default=False)

    character: Mapped["Character"] = relationship(back_populates="inventory")
    item: Mapped[Item] = relationship(lazy="joined")

    @property
    def total_weight(self) -> float:
        return self.item.weight_lb * self.quantity
