"""Bulk import of supplier CSV batches through a staging table."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, Session, mapped_column

from stockroom.db import Base


def _staging_model():
    class StagingRow(Base):
        __tablename__ = "staging_rows"

        id: Mapped[int] = mapped_column(primary_key=True)
        sku: Mapped[str] = mapped_column(String(32))
        quantity: Mapped[int]

    return StagingRow


def stage_rows(session: Session, rows: list[dict]) -> int:
    model = _staging_model()
    model.__table__.create(session.connection(), checkfirst=True)
    session.add_all(model(sku=row["sku"], quantity=int(row["quantity"])) for row in rows)
    session.flush()
    return len(rows)


def import_batch(session: Session, rows: list[dict]) -> int:
    cleaned = [row for row in rows if row.get("sku")]
    return stage_rows(session, cleaned)
