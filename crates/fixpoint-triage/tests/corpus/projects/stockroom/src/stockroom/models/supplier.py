from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from stockroom.db import Base


class Supplier(Base):
    __tablename__ = "suppliers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    lead_time_days: Mapped[int] = mapped_column(default=7)
    on_time_rate: Mapped[float] = mapped_column(default=1.0)


def rate_supplier(supplier: Supplier) -> str:
    if supplier.on_time_rate >= 0.95:
        return "A"
    if supplier.on_time_rate >= 0.8:
        return "B"
    return "C"
