"""Inventory, encumbrance and treasure value."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dreamforge.models import Character, InventoryEntry, Item

#: Copper pieces per gold piece.
CP_PER_GP = 100


class ItemNotFound(LookupError):
    """The item catalog has no item with that name."""


def carrying_capacity(character: Character) -> float:
    """Maximum load in pounds: Strength score x 15 (PHB p.176)."""
    return character.strength * 15.0


def carried_weight(character: Character) -> float:
    """Total weight of everything in the character's inventory."""
    return sum(entry.total_weight for entry in character.inventory)


def is_encumbered(character: Character) -> bool:
    return carried_weight(character) > carrying_capacity(character)


def find_item(session: Session, name: str) -> Item:
    """Look an item up in the catalog by (case-insensitive) name."""
    item = session.scalar(select(Item).where(Item.name.ilike(name)))
    if item is None:
        raise ItemNotFound(f"no item named {name!r} in the catalog")
    return item


def add_item(session: Session, character: Character, item: Item, quantity: int = 1) -> InventoryEntry:
    """Put ``quantity`` of ``item`` in the inventory, stacking with what is there."""
    if quantity < 1:
        raise ValueError("quantity must be at least 1")
    for entry in character.inventory:
        if entry.item_id == item.id:
            entry.quantity += quantity
            break
    else:
        entry = InventoryEntry(item=item, quantity=quantity)
        character.inventory.append(entry)
    session.flush()
    return entry


def inventory_value(character: Character) -> Decimal:
    """Market value of the inventory in gold pieces."""
    total = Decimal(0)
    for entry in character.inventory:
        total += Decimal(entry.item.value_cp * entry.quantity) / CP_PER_GP
    return total
