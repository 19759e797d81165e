import pytest
from pydantic import ValidationError

from profiles.schemas.team import Team


def test_team_defaults():
    assert Team(slug="core", name="Core").members == []


def test_team_is_immutable():
    team = Team(slug="core", name="Core")
    with pytest.raises(ValidationError):
        team.name = "Renamed"


def test_team_name_max_length():
    with pytest.raises(ValidationError):
        Team(slug="x", name="x" * 41)
