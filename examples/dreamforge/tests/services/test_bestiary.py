from pathlib import Path

import pytest

from dreamforge.services.bestiary import by_challenge, load_bestiary, parse_monster, xp_for_challenge

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


def test_xp_for_challenge():
    assert xp_for_challenge("1/4") == 50
    assert xp_for_challenge("3") == 700
    with pytest.raises(ValueError):
        xp_for_challenge("31")


def test_parse_monster():
    wolf = parse_monster({"name": "Wolf", "challenge_rating": "1/4", "armor_class": 13, "hit_points": 11})
    assert wolf.xp == 50
    assert wolf.dexterity == 10


def test_load_bestiary():
    bestiary = load_bestiary(DATA_DIR / "monsters.json")

    assert bestiary["goblin"].xp == 50
    assert [m.name for m in by_challenge(bestiary, "3")] == ["Owlbear"]
