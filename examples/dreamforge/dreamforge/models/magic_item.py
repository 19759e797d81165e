"""Magic items that characters can attune to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dreamforge.db import Base

if TYPE_CHECKING:
    from dreamforge.models.character import Character

#: A character can be attuned to at most three magic items at once.
MAX_ATTUNED_ITEMS = 3


class AttunementError(Exception):
    """Raised when an attunement rule is violated."""


class MagicItem(Base):
    """A magic item, optionally requiring attunement.

    Prices are stored in copper pieces to avoid floating point money.
    """

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    rarity: Mapped[str] = mapped_column(String(20), default="uncommon")
    value_cp: Mapped[int] = mapped_column(default=0)
    requires_attunement: Mapped[bool] = mapped_column(default=False)
    charges: Mapped[int | None] = mapped_column(default=None)
    attuned_to_id: Mapped[int | None] = mapped_column(ForeignKey("characters.id"))

    attuned_to: Mapped["Character | None"] = relationship()

    def attune(self, character: Character, already_attuned: int = 0) -> None:
        """Attune this item to ``character``.

        ``already_attuned`` is the number of items the character is attuned to.
        """
        if not self.requires_attunement:
            raise AttunementError(f"{self.name} does not require attunement")
        if already_attuned >= MAX_ATTUNED_ITEMS:
            raise AttunementError(f"{character.name} is already attuned to {MAX_ATTUNED_ITEMS} items")
        self.attuned_to = character

    def __repr__(self) -> str:
        return f"MagicItem(id={self.id!r}, name={self.name!r})"
