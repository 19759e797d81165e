import random

import pytest

from dreamforge import dice


def test_roll_records_each_face(scripted_rng):
    result = dice.roll("3d6", scripted_rng([2, 6, 5]))

    assert result.faces == (2, 6, 5)
    assert result.total == 13
    assert int(result) == 13


def test_modifier_is_added_once(scripted_rng):
    result = dice.roll("2d6+3", scripted_rng([4, 5]))

    assert result.faces == (4, 5)
    assert result.total == 12


def test_negative_modifier(scripted_rng):
    assert dice.roll("1d4-1", scripted_rng([1])).total == 0


def test_rolls_stay_within_bounds(rng):
    expression = dice.parse("3d6")
    for _ in range(500):
        assert expression.minimum <= dice.roll(expression, rng).total <= expression.maximum


@pytest.mark.slow
def test_every_face_can_come_up(rng):
    faces = {dice.roll_die(6, rng) for _ in range(1_000)}
    assert faces == {1, 2, 3, 4, 5, 6}


def test_d20_average_is_about_ten_and_a_half():
    seeded = random.Random(99)
    rolls = [dice.roll_die(20, seeded) for _ in range(20_000)]
    assert sum(rolls) / len(rolls) == pytest.approx(10.5, abs=0.15)


def test_roll_accepts_parsed_expression(scripted_rng):
    result = dice.roll(dice.DiceExpression(1, 8, 2), scripted_rng([7]))
    assert result.total == 9
