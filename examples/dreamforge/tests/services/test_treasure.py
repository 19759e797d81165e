import pytest

from dreamforge.services.loot import split_coins


def test_split_coins_evenly():
    assert split_coins(1_000, 4) == [250, 250, 250, 250]


def test_split_coins_remainder_goes_to_the_first_members():
    assert split_coins(1_001, 3) == [334, 334, 333]
    with pytest.raises(ValueError):
        split_coins(100, 0)
