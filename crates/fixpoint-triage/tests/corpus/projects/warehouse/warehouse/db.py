"""Queries written for SQLAlchemy 1.4; each breaks differently under 2.0."""

import sqlalchemy
from sqlalchemy import Column, Integer, MetaData, String, Table, case, create_engine, select
from sqlalchemy.orm import Session, sessionmaker

metadata = MetaData()
bins = Table("bins", metadata, Column("id", Integer, primary_key=True), Column("label", String(20)))


def engine():
    made = create_engine("sqlite://")
    metadata.create_all(made)
    with made.begin() as conn:
        conn.execute(bins.insert(), [{"id": 1, "label": "A1"}, {"id": 2, "label": "B2"}])
    return made


def labels(conn):
    return [label for (label,) in conn.execute(select([bins.c.label]))]


def sizes(conn):
    size = case([(bins.c.id > 1, "big")], else_="small")
    return [s for (s,) in conn.execute(select(size))]


def count(conn):
    return conn.execute("SELECT count(*) FROM bins").scalar()


def count_in(session):
    return session.execute("SELECT count(*) FROM bins").scalar()


def first_label(conn):
    row = conn.execute(select(bins)).first()
    return row["label"]


def columns(conn):
    row = conn.execute(select(bins)).first()
    return list(row.keys())


def as_dict(conn):
    row = conn.execute(select(bins)).first()
    return dict(row)


def total(made):
    return made.execute(select(bins)).fetchall()


def bound(made):
    return MetaData(bind=made)


def create_unbound():
    MetaData().create_all()


def reflect(made):
    return Table("bins", MetaData(), autoload=True)


def add(conn, label):
    conn.execute(bins.insert(), id=3, label=label)


def legacy_where(conn):
    return conn.execute(bins.select(bins.c.id == 1)).fetchall()


def autocommit_session(made):
    return sessionmaker(bind=made, autocommit=True)()


def nested(session):
    return session.transaction.nested


def exported():
    return sorted(sqlalchemy.__all__)


def relation_import():
    from sqlalchemy.orm import relation

    return relation
