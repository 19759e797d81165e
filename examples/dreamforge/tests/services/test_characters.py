import pytest

from dreamforge.schemas.character import CharacterCreate
from dreamforge.services import characters


def test_add_character_starts_at_full_health(session, campaign):
    data = CharacterCreate(name="Velka", character_class="Paladin", level=2, max_hit_points=20)
    character = characters.add_character(session, campaign, data)

    assert character.id is not None
    assert character.current_hit_points == 20
    assert character.experience == 300
    assert character in campaign.characters


def test_award_xp_levels_up(party):
    fighter = party[0]

    gained = characters.award_xp(fighter, 2_000)

    assert gained == 1
    assert fighter.level == 4
    # d10 fighter: 10 // 2 + 1 + CON modifier (+3)
    assert fighter.max_hit_points == 31 + 9


def test_level_for_xp_between_thresholds():
    assert characters.level_for_xp(0) == 1
    assert characters.level_for_xp(299) == 1
    assert characters.level_for_xp(1_000) == 3
    assert characters.level_for_xp(400_000) == 20


def test_level_for_xp_at_exact_threshold():
    assert characters.level_for_xp(300) == 2
    assert characters.level_for_xp(2_700) == 4
    assert characters.level_for_xp(355_000) == 20


def test_cannot_level_past_twenty(party):
    wizard = party[1]
    wizard.level = 20
    with pytest.raises(ValueError, match="already level 20"):
        characters.level_up(wizard)


def test_character_sheet(party):
    sheet = characters.character_sheet(party[2])

    assert sheet.name == "Pip"
    assert sheet.character_class == "rogue"
    assert sheet.proficiency_bonus == 2


def test_long_rest_restores_hit_points(party):
    cleric = party[3]
    cleric.current_hit_points = 4

    characters.long_rest(cleric)

    assert cleric.current_hit_points == cleric.max_hit_points
