"""Monster reference data (bestiary) loading and lookups."""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

#: XP by challenge rating (DMG p.274).
XP_BY_CHALLENGE: dict[str, int] = {
    "0": 10, "1/8": 25, "1/4": 50, "1/2": 100,
    "1": 200, "2": 450, "3": 700, "4": 1_100, "5": 1_800,
    "6": 2_300, "7": 2_900, "8": 3_900, "9": 5_000, "10": 5_900,
    "11": 7_200, "12": 8_400, "13": 10_000, "14": 11_500, "15": 13_000,
    "16": 15_000, "17": 18_000, "18": 20_000, "19": 22_000, "20": 25_000,
    "21": 33_000, "22": 41_000, "23": 50_000, "24": 62_000, "25": 75_000,
    "26": 90_000, "27": 105_000, "28": 120_000, "29": 135_000, "30": 155_000,
}


@dataclass(frozen=True)
class Monster:
    name: str
    challenge_rating: str
    armor_class: int
    hit_points: int
    dexterity: int = 10

    @property
    def xp(self) -> int:
        return xp_for_challenge(self.challenge_rating)

    @property
    def challenge_value(self) -> Fraction:
        """The challenge rating as a number, for sorting ("1/4" < "1")."""
        return Fraction(self.challenge_rating)


def xp_for_challenge(challenge_rating: str) -> int:
    try:
        return XP_BY_CHALLENGE[challenge_rating.strip()]
    except KeyError:
        raise ValueError(f"unknown challenge rating {challenge_rating!r}") from None


def parse_monster(raw: dict[str, Any]) -> Monster:
    """Build a :class:`Monster` from one bestiary JSON object."""
    return Monster(
        name=raw["name"],
        challenge_rating=str(raw["challenge_rating"]),
        armor_class=int(raw["armor_class"]),
        hit_points=int(raw["hit_points"]),
        dexterity=int(raw.get("dexterity", 10)),
    )


def load_bestiary(path: str | Path) -> dict[str, Monster]:
    """Load a bestiary JSON file (a list of monsters) keyed by lower-case name."""
    with open(path, encoding="utf-8") as handle:
        raw_monsters = json.load(handle)
    monsters = (parse_monster(raw) for raw in raw_monsters)
    return {monster.name.lower(): monster for monster in monsters}


def by_challenge(bestiary: dict[str, Monster], challenge_rating: str) -> list[Monster]:
    """All monsters of exactly ``challenge_rating``, sorted by name."""
    wanted = Fraction(challenge_rating)
    return sorted(
        (m for m in bestiary.values() if m.challenge_value == wanted),
        key=lambda m: m.name,
    )
