from profiles.config import Settings


def test_default_app_name():
    assert Settings().app_name == "profiles"


def test_env_prefix(monkeypatch):
    monkeypatch.setenv("PROFILES_APP_NAME", "people")
    assert Settings().app_name == "people"
