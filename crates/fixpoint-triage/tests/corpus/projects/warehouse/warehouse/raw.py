"""A report read straight through the driver, beside the ORM."""

import sqlite3

import sqlalchemy  # noqa: F401  (the project uses both)


def first_pair():
    cursor = sqlite3.connect(":memory:").execute("SELECT 1, 2")
    return dict(cursor.fetchone())
