import pytest
from pydantic import ValidationError

from dreamforge.schemas.monster import MonsterStatBlock


def test_stat_block_modifiers():
    owlbear = MonsterStatBlock(
        name="Owlbear", challenge_rating="3", armor_class=13, hit_points=59,
        strength=20, dexterity=12, constitution=17, intelligence=3, wisdom=12, charisma=7,
    )
    assert owlbear.modifier("strength") == 5
    assert owlbear.modifier("intelligence") == -4


def test_ability_scores_are_bounded():
    with pytest.raises(ValidationError, match="strength must be between 1 and 30"):
        MonsterStatBlock(name="Tarrasque?", strength=31)
