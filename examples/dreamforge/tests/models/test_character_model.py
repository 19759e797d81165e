import pytest
from sqlalchemy.exc import IntegrityError

from dreamforge.models import Character
from dreamforge.models.character import ability_modifier


@pytest.mark.parametrize(
    ("score", "expected"),
    [(10, 0), (8, -1), (18, 4), (1, -5)],
)
def test_ability_modifier(score, expected):
    assert ability_modifier(score) == expected


def test_proficiency_bonus_grows_every_four_levels(party):
    fighter = party[0]
    bonuses = {}
    for level in (1, 4, 5, 9, 13, 17, 20):
        fighter.level = level
        bonuses[level] = fighter.proficiency_bonus
    assert bonuses == {1: 2, 4: 2, 5: 3, 9: 4, 13: 5, 17: 6, 20: 6}


def test_character_names_are_unique_per_campaign(session, campaign, party):
    session.add(Character(campaign=campaign, name="Pip", race="gnome", character_class="bard"))
    with pytest.raises(IntegrityError):
        session.flush()


def test_character_at_zero_hit_points_is_down(party):
    wizard = party[1]
    assert not wizard.is_down
    wizard.current_hit_points = 0
    assert wizard.is_down
