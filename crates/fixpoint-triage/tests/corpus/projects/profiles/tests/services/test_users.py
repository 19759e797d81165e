from profiles.services import users


def test_to_public(ada):
    public = users.to_public(ada)
    assert public.username == "ada"


def test_to_public_legacy(ada):
    public = users.to_public_legacy(ada)
    assert public.roles == ["admin"]


def test_public_profiles_list(ada):
    assert users.public_profiles([]) == []


def test_default_avatar_url():
    assert users.default_avatar_url("ada").endswith("/ada.png")


def test_default_avatar_url_uses_cdn():
    assert users.default_avatar_url("grace").startswith("https://cdn.example.com/")
