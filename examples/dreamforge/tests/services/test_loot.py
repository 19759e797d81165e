from decimal import Decimal

import pytest

from dreamforge.models import Item
from dreamforge.services.loot import (
    add_item,
    carried_weight,
    carrying_capacity,
    find_item,
    inventory_value,
    is_encumbered,
)


@pytest.fixture
def gear(session):
    items = {
        "longsword": Item(name="Longsword", category="weapon", weight_lb=3.0, value_cp=1_500),
        "chain mail": Item(name="Chain Mail", category="armor", weight_lb=55.0, value_cp=7_500),
        "rations": Item(name="Rations (1 day)", weight_lb=2.0, value_cp=50),
    }
    session.add_all(items.values())
    session.flush()
    return items


def test_add_item_stacks(session, party, gear):
    rogue = party[2]
    add_item(session, rogue, gear["rations"], 3)
    entry = add_item(session, rogue, gear["rations"], 2)

    assert entry.quantity == 5
    assert len(rogue.inventory) == 1


def test_carried_weight(session, party, gear):
    fighter = party[0]
    add_item(session, fighter, gear["longsword"])
    add_item(session, fighter, gear["chain mail"])
    add_item(session, fighter, gear["rations"], 5)

    assert carried_weight(fighter) == pytest.approx(68.0)
    assert not is_encumbered(fighter)


def test_weak_wizard_is_encumbered(session, party, gear):
    wizard = party[1]
    add_item(session, wizard, gear["chain mail"], 3)

    assert carrying_capacity(wizard) == 120
    assert is_encumbered(wizard)


def test_inventory_value_in_gold(session, party, gear):
    fighter = party[0]
    add_item(session, fighter, gear["longsword"])
    add_item(session, fighter, gear["rations"], 2)

    assert inventory_value(fighter) == Decimal("16")


def test_find_item_in_catalog(session):
    potion = find_item(session, "potion of healing")

    assert potion.value_cp == 5_000
    assert potion.category == "potion"
