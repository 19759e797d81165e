import pytest
from pydantic import ValidationError

from profiles.schemas.username import UsernameChange


def test_valid_username():
    assert UsernameChange(new_username="ada_l").new_username == "ada_l"


def test_username_must_start_with_letter():
    with pytest.raises(ValidationError):
        UsernameChange(new_username="1ada")
