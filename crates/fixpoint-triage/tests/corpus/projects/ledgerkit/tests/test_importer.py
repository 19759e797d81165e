import collections

from ledgerkit import importer

STATEMENT = '{"transactions": [{"ref": "T1", "amount": "12.00"}]}'


def test_parse_statement():
    assert importer.parse_statement(STATEMENT) == [{"ref": "T1", "amount": "12.00"}]


def test_statement_exists(tmp_path):
    path = tmp_path / "statement.json"
    path.write_text(STATEMENT)
    assert importer.statement_exists(str(path))


def test_reference_alphabet():
    assert importer.reference_alphabet() == "abcdefghijklmnopqrstuvwxyz"


def test_rows_are_iterable():
    assert isinstance([], collections.Iterable)
