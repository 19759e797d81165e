from conftest import make_ledger


def test_ledger():
    assert make_ledger() == 0
