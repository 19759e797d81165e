from dreamforge.services.initiative import (
    Combatant,
    InitiativeEntry,
    combatants_from_party,
    next_turn,
    roll_initiative,
)


def test_order_is_sorted_by_total(party, rng):
    order = roll_initiative(combatants_from_party(party), rng)

    totals = [entry.total for entry in order]
    assert totals == sorted(totals, reverse=True)
    assert {entry.combatant.name for entry in order} == {"Brakka", "Ilyana", "Pip", "Sister Mara"}


def test_ties_go_to_higher_dexterity(scripted_rng):
    rogue = Combatant("Pip", dexterity_modifier=4, is_player=True)
    ogre = Combatant("Ogre", dexterity_modifier=-1)

    order = roll_initiative([ogre, rogue], scripted_rng([15, 10]))

    assert [entry.total for entry in order] == [14, 14]
    assert order[0].combatant is rogue


def test_next_turn_wraps_around():
    order = [
        InitiativeEntry(Combatant("Pip", 4, hit_points=24), 18),
        InitiativeEntry(Combatant("Goblin", 2, hit_points=7), 12),
        InitiativeEntry(Combatant("Brakka", 1, hit_points=31), 9),
    ]

    assert next_turn(order, 0) == 1
    assert next_turn(order, 2) == 0


def test_next_turn_skips_downed_combatants():
    order = [
        InitiativeEntry(Combatant("Pip", 4, hit_points=24), 18),
        InitiativeEntry(Combatant("Goblin", 2, hit_points=0), 12),
        InitiativeEntry(Combatant("Brakka", 1, hit_points=31), 9),
    ]

    assert next_turn(order, 0) == 2


def test_goblin_boss_is_faster_than_orc():
    goblin_boss = Combatant("Goblin Boss", dexterity_modifier=2)
    orc = Combatant("Orc", dexterity_modifier=1)

    order = roll_initiative([orc, goblin_boss])

    assert order[0].combatant is goblin_boss


def test_rolling_for_nobody_is_an_error():
    with pytest.raises(ValueError):
        roll_initiative([])
