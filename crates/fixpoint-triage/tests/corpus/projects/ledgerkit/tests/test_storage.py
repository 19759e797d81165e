from ledgerkit.storage import get_backend


def test_memory_backend_saves():
    backend = get_backend("memory")
    backend.save({"id": 1})
    assert backend.rows == [{"id": 1}]


def test_postgres_backend_connects():
    backend = get_backend("postgres")
    assert backend.conn is not None
