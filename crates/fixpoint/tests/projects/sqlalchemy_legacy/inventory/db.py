"""The inventory's tables, written against SQLAlchemy 1.4's API."""

from sqlalchemy import Column, Integer, MetaData, String, Table, case, create_engine, select

engine = create_engine("sqlite://")
metadata = MetaData(bind=engine)

items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(50), nullable=False),
    Column("qty", Integer, nullable=False, default=0),
)

# A code generator's template: data, not code.
TEMPLATE = "rows = conn.execute(select([items.c.name]))"


def create():
    metadata.drop_all()
    metadata.create_all()


def add(conn, name, qty):
    conn.execute(items.insert(), name=name, qty=qty)


def names(conn):
    return [row["name"] for row in conn.execute(select([items.c.name], order_by=[items.c.id]))]


def in_stock(conn):
    return [row.name for row in conn.execute(select([items.c.name], items.c.qty > 0))]


def labels(conn):
    label = case([(items.c.qty > 0, "in stock")], else_="sold out")
    return [value for (value,) in conn.execute(select([label]).order_by(items.c.id))]


def count(conn):
    return conn.execute("SELECT count(*) FROM items").scalar()


def tables():
    return engine.table_names()
