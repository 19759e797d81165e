import pytest
from pydantic import ValidationError

from profiles.schemas.preferences import Preferences


def test_digest_without_day_is_rejected():
    with pytest.raises(ValidationError):
        Preferences(digest=True)


def test_defaults():
    assert Preferences().newsletter is False
