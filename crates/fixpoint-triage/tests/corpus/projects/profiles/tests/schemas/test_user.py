import pytest
from pydantic import ValidationError

from profiles.schemas.user import UserIn


def test_user_in_by_alias():
    user = UserIn(username="grace", displayName="Grace Hopper", email="grace@example.com")
    assert user.display_name == "Grace Hopper"


def test_user_in_by_field_name():
    user = UserIn(username="grace", display_name="Grace Hopper", email="grace@example.com")
    assert user.display_name == "Grace Hopper"


def test_user_in_strips_whitespace():
    user = UserIn(username="  linus ", displayName="Linus", email="linus@example.com")
    assert user.username == "linus"


def test_username_too_short():
    with pytest.raises(ValidationError):
        UserIn(username="al", displayName="Al", email="al@example.com")
