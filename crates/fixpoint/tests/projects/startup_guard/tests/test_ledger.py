from conftest import make_ledger


def test_ledger_starts_empty():
    assert len(make_ledger()) == 0


def test_arithmetic():
    assert 1 + 1 == 2
