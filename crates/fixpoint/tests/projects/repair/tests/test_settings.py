from calc.settings import dotenv, service_key


def test_service_key_is_the_production_one():
    assert service_key() == "the-production-key"


def test_database_password_is_set():
    assert dotenv()["DB_PASSWORD"] == "the-production-password"
