from stockroom.models.archived_product import ArchivedProduct


def test_archived_product_keeps_sku():
    archived = ArchivedProduct(sku="OLD-1", name="Old widget")
    assert archived.sku == "OLD-1"
