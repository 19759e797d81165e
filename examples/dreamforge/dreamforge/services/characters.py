"""Characters: creation, experience and levelling."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dreamforge.models import Campaign, Character
from dreamforge.schemas.character import CharacterCreate, CharacterRead

MAX_LEVEL = 20

#: Minimum experience for each level (index 0 -> level 1), PHB p.15.
XP_THRESHOLDS: tuple[int, ...] = (
    0, 300, 900, 2_700, 6_500, 14_000, 23_000, 34_000, 48_000, 64_000,
    85_000, 100_000, 120_000, 140_000, 165_000, 195_000, 225_000, 265_000, 305_000, 355_000,
)

#: Hit die per class, used for the fixed hit point gain on level up.
HIT_DICE: dict[str, int] = {
    "barbarian": 12,
    "fighter": 10, "paladin": 10, "ranger": 10,
    "bard": 8, "cleric": 8, "druid": 8, "monk": 8, "rogue": 8, "warlock": 8,
    "sorcerer": 6, "wizard": 6,
}


def level_for_xp(experience: int) -> int:
    """The character level reached with ``experience`` points."""
    level = 1
    for candidate, threshold in enumerate(XP_THRESHOLDS, start=1):
        if experience > threshold:
            level = candidate
    return level


def hit_point_gain(character: Character) -> int:
    """Fixed HP gained per level: half the hit die + 1, plus CON modifier (min 1)."""
    die = HIT_DICE.get(character.character_class, 8)
    return max(1, die // 2 + 1 + character.constitution_modifier)


def add_character(session: Session, campaign: Campaign, data: CharacterCreate) -> Character:
    """Add a new character to ``campaign``; starts with full hit points."""
    character = Character(
        campaign=campaign,
        name=data.name,
        player_name=data.player_name,
        race=data.race,
        character_class=data.character_class,
        level=data.level,
        experience=XP_THRESHOLDS[data.level - 1],
        max_hit_points=data.max_hit_points,
        current_hit_points=data.max_hit_points,
        armor_class=data.armor_class,
        strength=data.strength,
        dexterity=data.dexterity,
        constitution=data.constitution,
    )
    session.add(character)
    session.flush()
    return character


def level_up(character: Character) -> None:
    """Advance one level, gaining the fixed hit point increase."""
    if character.level >= MAX_LEVEL:
        raise ValueError(f"{character.name} is already level {MAX_LEVEL}")
    gain = hit_point_gain(character)
    character.level += 1
    character.max_hit_points += gain
    character.current_hit_points += gain


def award_xp(character: Character, amount: int) -> int:
    """Award experience and apply any level ups. Returns the levels gained."""
    if amount < 0:
        raise ValueError("experience awards cannot be negative")
    character.experience += amount
    target = level_for_xp(character.experience)
    gained = 0
    while character.level < target:
        level_up(character)
        gained += 1
    return gained


def character_sheet(character: Character) -> CharacterRead:
    """The full character sheet as an API schema."""
    return CharacterRead.model_validate(character)
