"""Classical (imperative) mapping: the domain stays free of SQLAlchemy."""

from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.orm import registry

from crm.legacy.domain import Lead

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

leads = Table(
    "leads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(200), nullable=False),
    Column("source", String(40)),
    Column("score", Integer),
)


def start_mappers() -> None:
    mapper_registry.map_imperatively(Lead, leads, exclude_properties=["notes"])
