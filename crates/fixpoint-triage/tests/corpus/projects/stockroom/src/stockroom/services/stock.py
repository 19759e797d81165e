from sqlalchemy import select
from sqlalchemy.orm import Session

from stockroom.models import StockLevel
from stockroom.models.reservation import Reservation


def receive(session: Session, level: StockLevel, quantity: int) -> StockLevel:
    level.quantity += quantity
    session.flush()
    return level


def needs_reorder(level: StockLevel) -> bool:
    return level.quantity < level.reorder_point


def reserve(session: Session, level: StockLevel, order_ref: str, quantity: int) -> Reservation:
    reservation = Reservation(stock_level_id=level.id, order_ref=order_ref, quantity=quantity)
    session.add(reservation)
    session.flush()
    return reservation


def available(session: Session, level: StockLevel) -> int:
    reserved = session.scalars(
        select(Reservation.quantity).where(Reservation.stock_level_id == level.id)
    ).all()
    return level.quantity - sum(reserved)
