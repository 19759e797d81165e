from profiles.schemas.permissions import Permissions


def test_allows():
    assert Permissions.model_validate(["profiles:read"]).allows("profiles:read")
