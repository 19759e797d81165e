"""Reference data: a starter item catalog from the System Reference Document."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dreamforge.models import Item

#: (name, category, weight in lb, value in copper pieces, rarity)
SRD_ITEMS: tuple[tuple[str, str, float, int, str], ...] = (
    ("Backpack", "gear", 5.0, 200, "common"),
    ("Bedroll", "gear", 7.0, 100, "common"),
    ("Rope, hempen (50 feet)", "gear", 10.0, 100, "common"),
    ("Torch", "gear", 1.0, 1, "common"),
    ("Rations (1 day)", "gear", 2.0, 50, "common"),
    ("Longsword", "weapon", 3.0, 1_500, "common"),
    ("Shortbow", "weapon", 2.0, 2_500, "common"),
    ("Chain Mail", "armor", 55.0, 7_500, "common"),
    ("Shield", "armor", 6.0, 1_000, "common"),
    ("Potion of Healing", "potion", 0.5, 5_000, "common"),
    ("Bag of Holding", "wondrous item", 15.0, 400_000, "uncommon"),
)


def seed_items(session: Session) -> int:
    """Insert any missing SRD items into the catalog. Returns how many were added."""
    existing = set(session.scalars(select(Item.name)))
    added = 0
    for name, category, weight, value, rarity in SRD_ITEMS:
        if name not in existing:
            session.add(Item(name=name, category=category, weight_lb=weight, value_cp=value, rarity=rarity))
            added += 1
    session.flush()
    return added
