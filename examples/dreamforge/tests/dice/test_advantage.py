from dreamforge.dice import roll_with_advantage, roll_with_disadvantage


def test_advantage_keeps_the_higher_roll(scripted_rng):
    assert roll_with_advantage(modifier=2, rng=scripted_rng([5, 17])) == 19


def test_disadvantage_keeps_the_lower_roll(scripted_rng):
    assert roll_with_disadvantage(modifier=2, rng=scripted_rng([5, 17])) == 7
