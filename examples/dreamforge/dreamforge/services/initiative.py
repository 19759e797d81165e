"""Initiative order and turn tracking."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dreamforge.models import Character, EncounterMonster
from dreamforge.models.character import ability_modifier


@dataclass
class Combatant:
    """Anything that takes turns in a fight."""

    name: str
    dexterity_modifier: int = 0
    hit_points: int = 1
    is_player: bool = False

    @property
    def is_down(self) -> bool:
        return self.hit_points <= 0


@dataclass(frozen=True)
class InitiativeEntry:
    combatant: Combatant
    roll: int

    @property
    def total(self) -> int:
        return self.roll + self.combatant.dexterity_modifier


def combatants_from_party(characters: Iterable[Character]) -> list[Combatant]:
    return [
        Combatant(
            name=character.name,
            dexterity_modifier=character.dexterity_modifier,
            hit_points=character.current_hit_points,
            is_player=True,
        )
        for character in characters
    ]


def combatants_from_monsters(groups: Iterable[EncounterMonster], hit_points: int = 1) -> list[Combatant]:
    """One combatant per monster; groups of N become "Goblin 1" .. "Goblin N"."""
    combatants = []
    for group in groups:
        for index in range(1, group.count + 1):
            name = group.name if group.count == 1 else f"{group.name} {index}"
            combatants.append(Combatant(name, ability_modifier(group.dexterity), hit_points))
    return combatants


def roll_initiative(combatants: Sequence[Combatant], rng: random.Random | None = None) -> list[InitiativeEntry]:
    """Roll a d20 for everyone and return them in turn order.

    Ties go to the higher Dexterity modifier, then to player characters, then
    alphabetically so the order is stable.
    """
    if not combatants:
        raise ValueError("nobody to roll initiative for")
    rng = rng or random
    entries = [InitiativeEntry(combatant, rng.randint(1, 20)) for combatant in combatants]
    return sorted(
        entries,
        key=lambda e: (-e.total, -e.combatant.dexterity_modifier, not e.combatant.is_player, e.combatant.name),
    )


def next_turn(order: Sequence[InitiativeEntry], current: int) -> int:
    """Index of whoever acts after ``current``, skipping anyone who is down."""
    if all(entry.combatant.is_down for entry in order):
        raise ValueError("everyone is down; the fight is over")
    index = (current + 1) % len(order)
    while order[index].combatant.is_down:
        index = (current + 1) % len(order)
    return index
