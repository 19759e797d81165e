from dreamforge.services import encounters
from dreamforge.services.encounters import MonsterGroup


def test_xp_budget_for_party():
    assert encounters.xp_budget([3, 3, 3, 3], "medium") == 600
    assert encounters.xp_budget([1, 2], "deadly") == 300


def test_single_monster_rating():
    # Owlbear (CR 3, 700 XP) against four level 3 characters.
    assert encounters.rate_encounter([3, 3, 3, 3], [700]) == "medium"


def test_adjusted_xp_for_a_pair():
    assert encounters.adjusted_xp([450, 450]) == 1_350


def test_adjusted_xp_for_six_goblins():
    # 3-6 monsters: x2
    assert encounters.adjusted_xp([50] * 6) == 600


def test_build_encounter_rates_against_party(session, campaign, party):
    encounter = encounters.build_encounter(
        session, campaign, "Bugbear patrol", [MonsterGroup("Bugbear", "1", 200, count=2, dexterity=14)]
    )

    assert encounter.id is not None
    assert encounter.monster_count == 2
    assert encounter.difficulty == "medium"


def test_adventuring_day_budget():
    # DMG p.84: 1,200 XP per level 3 character.
    assert encounters.adventuring_day_budget([3, 3, 3, 3]) == 4_800


def test_sample_party_rating(sample_party):
    levels = [member.level for member in sample_party]
    assert encounters.rate_encounter(levels, [100, 100, 100]) == "medium"
