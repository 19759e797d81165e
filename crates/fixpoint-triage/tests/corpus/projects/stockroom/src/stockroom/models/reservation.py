from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from stockroom.db import Base


class Reservation(Base):
    __tablename__ = "reservations"

    id: Mapped[int] = mapped_column(primary_key=True)
    stock_level_id: Mapped[int] = mapped_column(ForeignKey("stock_levels.id"))
    order_ref: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[int]
