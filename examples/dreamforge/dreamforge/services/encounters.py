"""Encounter building: XP thresholds, group multipliers and difficulty.

Numbers follow the 5e Dungeon Master's Guide, "Creating a Combat Encounter".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from dreamforge.models import Campaign, Encounter, EncounterMonster

DIFFICULTIES = ("easy", "medium", "hard", "deadly")

#: Per-character XP thresholds by level: (easy, medium, hard, deadly).
XP_THRESHOLDS_BY_LEVEL: dict[int, tuple[int, int, int, int]] = {
    1: (25, 50, 75, 100),
    2: (50, 100, 150, 200),
    3: (75, 150, 225, 400),
    4: (125, 250, 375, 500),
    5: (250, 500, 750, 1_100),
    6: (300, 600, 900, 1_400),
    7: (350, 750, 1_100, 1_700),
    8: (450, 900, 1_400, 2_100),
    9: (550, 1_100, 1_600, 2_400),
    10: (600, 1_200, 1_900, 2_800),
    11: (800, 1_600, 2_400, 3_600),
    12: (1_000, 2_000, 3_000, 4_500),
    13: (1_100, 2_200, 3_400, 5_100),
    14: (1_250, 2_500, 3_800, 5_700),
    15: (1_400, 2_800, 4_300, 6_400),
    16: (1_600, 3_200, 4_800, 7_200),
    17: (2_000, 3_900, 5_900, 8_800),
    18: (2_100, 4_200, 6_300, 9_500),
    19: (2_400, 4_900, 7_300, 10_900),
    20: (2_800, 5_700, 8_500, 12_700),
}


@dataclass(frozen=True)
class MonsterGroup:
    """Input for :func:`build_encounter`: ``count`` copies of one monster."""

    name: str
    challenge_rating: str
    xp: int
    count: int = 1
    dexterity: int = 10


def party_thresholds(party_levels: Iterable[int]) -> dict[str, int]:
    """Sum the per-character thresholds for the whole party."""
    totals = dict.fromkeys(DIFFICULTIES, 0)
    for level in party_levels:
        if level not in XP_THRESHOLDS_BY_LEVEL:
            raise ValueError(f"invalid character level: {level}")
        for name, value in zip(DIFFICULTIES, XP_THRESHOLDS_BY_LEVEL[level]):
            totals[name] += value
    return totals


def xp_budget(party_levels: Iterable[int], difficulty: str) -> int:
    """Adjusted XP a party can face for an encounter of ``difficulty``."""
    if difficulty not in DIFFICULTIES:
        raise ValueError(f"unknown difficulty {difficulty!r}")
    return party_thresholds(party_levels)[difficulty]


def encounter_multiplier(monster_count: int) -> float:
    """XP multiplier for fighting several monsters at once (DMG p.82)."""
    if monster_count < 1:
        raise ValueError("an encounter needs at least one monster")
    if monster_count == 1:
        return 1.0
    if monster_count == 2:
        return 1.5
    if monster_count < 6:
        return 2.0
    if monster_count <= 10:
        return 2.5
    if monster_count <= 14:
        return 3.0
    return 4.0


def adjusted_xp(monster_xp: Sequence[int]) -> int:
    """Total monster XP times the group multiplier."""
    return int(sum(monster_xp) * encounter_multiplier(len(monster_xp)))


def rate_encounter(party_levels: Sequence[int], monster_xp: Sequence[int]) -> str:
    """Rate an encounter as trivial/easy/medium/hard/deadly for the party."""
    thresholds = party_thresholds(party_levels)
    adjusted = adjusted_xp(monster_xp)
    rating = "trivial"
    for name in DIFFICULTIES:
        if adjusted >= thresholds[name]:
            rating = name
    return rating


def build_encounter(
    session: Session,
    campaign: Campaign,
    name: str,
    groups: Sequence[MonsterGroup],
    *,
    location: str | None = None,
) -> Encounter:
    """Persist an encounter for ``campaign`` rated against its current party."""
    if not groups:
        raise ValueError("an encounter needs at least one monster")
    monster_xp = [group.xp for group in groups for _ in range(group.count)]
    encounter = Encounter(
        campaign=campaign,
        name=name,
        location=location,
        difficulty=rate_encounter(campaign.party_levels, monster_xp) if campaign.characters else None,
        monsters=[
            EncounterMonster(
                name=group.name,
                challenge_rating=group.challenge_rating,
                xp=group.xp,
                count=group.count,
                dexterity=group.dexterity,
            )
            for group in groups
        ],
    )
    session.add(encounter)
    session.flush()
    return encounter
