from profiles.services.exporter import export_count, export_users

USERS = [{"username": "ada", "email": "ada@example.com"}, {"username": "grace", "email": "grace@example.com"}]


def test_export_users_is_json():
    assert export_users(USERS).startswith("[")


def test_export_count():
    assert export_count(USERS) == 2
