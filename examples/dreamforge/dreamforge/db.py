"""Database plumbing: declarative base, engine factory and session helpers.

DreamForge keeps its data in SQLite. By default an in-memory database is used,
which is what the test-suite and the ``dreamforge`` CLI's ``--scratch`` mode
rely on; pass a file URL (``sqlite:///campaigns.db``) for persistent storage.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool

DEFAULT_URL = "sqlite+pysqlite:///:memory:"


class Base(DeclarativeBase):
    """Declarative base shared by every DreamForge model."""


def _enable_sqlite_foreign_keys(dbapi_connection, _connection_record) -> None:
    """SQLite ignores foreign keys unless asked nicely on every connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_db_engine(url: str = DEFAULT_URL, *, echo: bool = False) -> Engine:
    """Create an engine for ``url``.

    In-memory SQLite databases live inside a single DBAPI connection, so for
    those we pin the pool to one shared connection (``StaticPool``); otherwise
    every session would see its own empty database.
    """
    kwargs: dict = {"echo": echo}
    if url.startswith("sqlite") and ":memory:" in url:
        kwargs["poolclass"] = StaticPool
        kwargs["connect_args"] = {"check_same_thread": False}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def init_db(engine: Engine) -> None:
    """Create all tables known to :data:`Base.metadata`.

    Importing :mod:`dreamforge.models` registers the core models; modules that
    are not imported there must be imported before calling this.
    """
    import dreamforge.models  # noqa: F401  (registers the models on Base.metadata)

    Base.metadata.create_all(engine)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory bound to ``engine``."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Provide a transactional scope: commit on success, roll back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
