"""DreamForge: campaign, encounter and loot management for Dungeon Masters.

The package is organised in layers:

* :mod:`dreamforge.db` -- engine/session helpers and the declarative ``Base``.
* :mod:`dreamforge.models` -- SQLAlchemy ORM models.
* :mod:`dreamforge.schemas` -- Pydantic schemas used at the API/export boundary.
* :mod:`dreamforge.services` -- the actual table-side logic (XP budgets,
  initiative, loot, ...).
* :mod:`dreamforge.dice` -- dice notation parsing and rolling.
"""

__version__ = "0.7.2"
