from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from stockroom.models import Product, StockLevel


def reporting_engine(path):
    """A separate SQLite file for the nightly reports."""
    return create_engine(f"sqlite:///{path}")


def low_stock(session: Session) -> list[tuple[str, int]]:
    rows = session.execute(
        select(Product.sku, StockLevel.quantity)
        .join(StockLevel.product)
        .where(StockLevel.quantity < StockLevel.reorder_point)
        .order_by(Product.sku)
    )
    return [(sku, qty) for sku, qty in rows]


def stock_value_cents(session: Session) -> int:
    rows = session.execute(select(Product.price_cents, StockLevel.quantity).join(StockLevel.product))
    return sum(price * qty for price, qty in rows)
