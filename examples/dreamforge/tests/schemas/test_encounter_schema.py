import pytest
from pydantic import ValidationError

from dreamforge.schemas.encounter import Difficulty, EncounterPlan


def test_plan_with_party_and_monsters():
    plan = EncounterPlan(name="Bridge trolls", party_levels=[5, 5, 6], monster_xp=[1800], target="hard")
    assert plan.target is Difficulty.HARD


def test_plan_needs_monsters():
    with pytest.raises(ValidationError, match="at least one monster"):
        EncounterPlan(name="Empty room", party_levels=[3, 3], monster_xp=[])
