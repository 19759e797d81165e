"""Shared fixtures: a fresh in-memory database per test, a campaign and a party."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from dreamforge.db import create_db_engine, init_db
from dreamforge.models import Campaign, Character


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = create_db_engine()
    init_db(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session
        session.rollback()


@pytest.fixture
def campaign(session: Session) -> Campaign:
    campaign = Campaign(name="The Sunless Citadel", dungeon_master="Morgan", setting="Forgotten Realms")
    session.add(campaign)
    session.flush()
    return campaign


@pytest.fixture
def party(session: Session, campaign: Campaign) -> list[Character]:
    """Four level 3 adventurers: fighter, wizard, rogue and cleric."""
    members = [
        Character(
            campaign=campaign, name="Brakka", player_name="Sam", race="half-orc",
            character_class="fighter", level=3, experience=900, max_hit_points=31,
            current_hit_points=31, armor_class=18, strength=17, dexterity=12, constitution=16,
        ),
        Character(
            campaign=campaign, name="Ilyana", player_name="Priya", race="elf",
            character_class="wizard", level=3, experience=900, max_hit_points=17,
            current_hit_points=17, armor_class=12, strength=8, dexterity=14, constitution=13,
        ),
        Character(
            campaign=campaign, name="Pip", player_name="Tom", race="halfling",
            character_class="rogue", level=3, experience=900, max_hit_points=24,
            current_hit_points=24, armor_class=15, strength=10, dexterity=18, constitution=14,
        ),
        Character(
            campaign=campaign, name="Sister Mara", player_name="Alex", race="dwarf",
            character_class="cleric", level=3, experience=900, max_hit_points=27,
            current_hit_points=27, armor_class=18, strength=14, dexterity=10, constitution=15,
        ),
    ]
    session.add_all(members)
    session.flush()
    return members


@pytest.fixture
def rng() -> random.Random:
    """A seeded RNG so rolls are reproducible."""
    return random.Random(20240611)


class ScriptedRandom:
    """Stand-in for :class:`random.Random` that returns predetermined results.

    Only the methods DreamForge actually uses are provided.
    """

    def __init__(self, values: Iterable[int]) -> None:
        self._values = list(values)

    def _next(self) -> int:
        if not self._values:
            raise AssertionError("ScriptedRandom ran out of values")
        return self._values.pop(0)

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        return self._next()

    def randint(self, a: int, b: int) -> int:
        return self._next()


@pytest.fixture
def scripted_rng() -> type[ScriptedRandom]:
    """Factory for RNGs with scripted results: ``scripted_rng([4, 5])``."""
    return ScriptedRandom
