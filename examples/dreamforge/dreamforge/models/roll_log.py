"""Audit log of dice rolls made at the table."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dreamforge.db import Base

if TYPE_CHECKING:
    from dreamforge.models.campaign import Campaign


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class RollLog(Base):
    """One recorded roll: who rolled what, and the result."""

    __tablename__ = "roll_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    roller: Mapped[str] = mapped_column(String(80))
    notation: Mapped[str] = mapped_column(String(32))
    total: Mapped[int]
    rolled_at: Mapped[datetime] = mapped_column(default=_utcnow)

    campaign: Mapped["Campaign"] = relationship()

    def __str__(self) -> str:
        return f"{self.roller} rolled {self.notation}: {self.total}"
