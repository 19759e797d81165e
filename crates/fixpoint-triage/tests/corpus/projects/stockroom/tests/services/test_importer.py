from stockroom.services.importer import import_batch


def test_import_batch_counts_rows(session):
    rows = [{"sku": "WID-1", "quantity": "4"}, {"sku": "BOLT-8", "quantity": "100"}]
    assert import_batch(session, rows) == 2


def test_import_batch_skips_rows_without_sku(session):
    rows = [{"sku": "", "quantity": "4"}, {"sku": "NUT-8", "quantity": "9"}]
    assert import_batch(session, rows) == 1


def test_import_empty_batch(session):
    assert import_batch(session, []) == 0
