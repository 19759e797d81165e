import csv
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from stockroom.models import Product, StockLevel, Warehouse


class WarehouseNotFound(LookupError):
    pass


def add_product(session: Session, sku: str, name: str, price_cents: int) -> Product:
    product = Product(sku=sku, name=name, price_cents=price_cents)
    session.add(product)
    session.flush()
    return product


def get_product(session: Session, sku: str) -> Product:
    return session.execute(select(Product).where(Product.sku == sku)).scalar_one()


def warehouse_by_name(session: Session, name: str) -> Warehouse:
    warehouse = session.scalar(select(Warehouse).where(Warehouse.name == name))
    if warehouse is None:
        raise WarehouseNotFound(f"no warehouse named {name!r}")
    return warehouse


def count_products(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Product))


def load_price_list(path: Path) -> dict[str, int]:
    with path.open(newline="") as fh:
        return {row["sku"]: int(row["price_cents"]) for row in csv.DictReader(fh)}


def total_units(session: Session, product: Product) -> int:
    levels = session.scalars(select(StockLevel).where(StockLevel.product_id == product.id))
    return sum(level.quantity for level in levels)
