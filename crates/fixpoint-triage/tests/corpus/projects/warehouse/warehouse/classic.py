"""A classical mapping, as SQLAlchemy 1.3 taught it."""

from sqlalchemy.orm import mapper

from warehouse.db import bins


class Bin:
    pass


def map_bins():
    mapper(Bin, bins)
