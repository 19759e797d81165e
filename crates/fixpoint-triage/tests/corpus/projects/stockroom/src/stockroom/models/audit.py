import os
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from stockroom.db import Base

AUDIT_TABLE = os.environ.get("STOCKROOM_AUDIT_TABLE", "audit_log")


class AuditEntry(Base):
    __tablename__ = AUDIT_TABLE

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(String(400), default="")
    at: Mapped[datetime] = mapped_column(default=datetime.now)
